//! A webhook receiver with axum: the body taken as raw bytes (never as
//! `Json`, which would parse before the signature is checked), verified
//! with the API secret, the URL check answered with the challenge text.
//!
//!     SIGNALZEN_API_SECRET=... cargo run -p signalzen-client --example axum_receiver
//!
//! Listens on 127.0.0.1:9000/hook; expose it with a tunnel and register
//! the public URL on the vendor's integrations page.

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use signalzen_client::webhook;

async fn hook(headers: HeaderMap, body: Bytes) -> (StatusCode, String) {
    let secret = std::env::var("SIGNALZEN_API_SECRET").unwrap_or_default();
    let signature = headers
        .get(webhook::SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok());
    match webhook::receive(&secret, &body, signature) {
        Ok(delivery) => match delivery.challenge_answer() {
            Some(answer) => (StatusCode::OK, answer.to_string()),
            None => {
                println!("{delivery:?}");
                (StatusCode::OK, String::new())
            }
        },
        Err(e) => (StatusCode::UNAUTHORIZED, e.to_string()),
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let app = Router::new().route("/hook", post(hook));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:9000").await?;
    println!("receiving webhooks on http://127.0.0.1:9000/hook");
    axum::serve(listener, app).await
}
