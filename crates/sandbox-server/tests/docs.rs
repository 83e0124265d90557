//! The reference as the sandbox serves it at /docs/, and the reference's
//! Rust samples (docs/reference/examples/client.rs) compiled here and run
//! against the sandbox: a sample that no longer compiles or no longer works
//! fails this test.

mod common;

use common::client;
use std::path::{Path, PathBuf};

use reqwest::StatusCode;
use sandbox_server::{Config, Sandbox};

#[allow(dead_code)]
mod samples {
    include!("../../../docs/reference/examples/client.rs");
}

fn reference_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/reference")
}

fn origin(sandbox: &Sandbox) -> String {
    format!("http://{}", sandbox.addr())
}

/// Relative `href`s of the page (the downloads and the samples file).
fn relative_links(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|h| !h.starts_with('#') && !h.contains("://"))
        // The template escapes `/` in attributes, as HTML allows.
        .map(|h| h.replace("&#x2f;", "/"))
        .collect()
}

#[tokio::test]
async fn the_sandbox_serves_the_committed_reference_at_docs() {
    let sandbox = Sandbox::start(Config::default()).await.unwrap();
    let http = client();
    let origin = origin(&sandbox);

    let r = http.get(format!("{origin}/docs")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(r.headers()["location"], "/docs/");

    // No secret needed, and the bytes are the committed page's.
    let r = http.get(format!("{origin}/docs/")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "text/html; charset=utf-8");
    let page = r.text().await.unwrap();
    let on_disk = std::fs::read_to_string(reference_dir().join("index.html")).unwrap();
    assert_eq!(page, on_disk);

    // Every file the page links to is served, as committed.
    let links = relative_links(&page);
    assert!(links.len() > 5, "{links:?}");
    for link in &links {
        let r = http
            .get(format!("{origin}/docs/{link}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{link}");
        let body = r.bytes().await.unwrap();
        assert_eq!(
            &body[..],
            &std::fs::read(reference_dir().join(link)).unwrap()[..],
            "{link}"
        );
    }
    for page in ["authentication", "users", "messages", "errors", "webhooks"] {
        let r = http
            .get(format!("{origin}/docs/markdown/{page}.md"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{page}");
        assert_eq!(r.headers()["content-type"], "text/markdown; charset=utf-8");
    }

    // Nothing outside the reference; reading only.
    for path in [
        "/docs/nope.html",
        "/docs/../Cargo.toml",
        "/docs/%2e%2e/Cargo.toml",
    ] {
        let r = http.get(format!("{origin}{path}")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let r = http.post(format!("{origin}/docs/")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    sandbox.stop().await;
}

#[tokio::test]
async fn the_rust_samples_work_against_the_sandbox() {
    let sandbox = Sandbox::start(Config::default()).await.unwrap();
    let http = client();
    let base = sandbox.base_url();
    let secret = sandbox.websites()[0].secret.clone();

    let page = samples::list_users(&http, &base, &secret, &[("limit", "3")])
        .await
        .unwrap();
    assert_eq!(page.users.len(), 3);
    assert_eq!(page.limit, 3);
    let user = samples::get_user(&http, &base, &secret, page.users[1].id)
        .await
        .unwrap();
    assert_eq!(user.id, page.users[1].id);

    // Some seeded user has messages; read the first one alone.
    let mut found = None;
    for u in &page.users {
        let msgs = samples::list_messages(&http, &base, &secret, u.id, &[("offset", "0")])
            .await
            .unwrap();
        if let Some(m) = msgs.messages.first() {
            found = Some((u.id, m.clone()));
            break;
        }
    }
    let (user_id, first) = found.expect("a seeded user with messages");
    let one = samples::get_message(&http, &base, &secret, user_id, first.id)
        .await
        .unwrap();
    assert_eq!(one, first);

    // A wrong secret is an error the caller sees.
    let err = samples::list_users(&http, &base, "wrong", &[])
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::UNAUTHORIZED));
    sandbox.stop().await;
}

fn sign(secret: &str, body: &[u8]) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret.as_bytes());
    data_encoding::HEXLOWER.encode(ring::hmac::sign(&key, body).as_ref())
}

#[test]
fn the_webhook_samples_verify_and_answer() {
    let doc = openapi_spec::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/signalzen-v1.yaml"),
        &Default::default(),
    )
    .unwrap();
    let example = doc
        .raw
        .pointer("/x-webhooks/messageCreated/post/requestBody/content/application~1json/examples/vendor/value")
        .expect("the document's webhook example");
    let body = serde_json::to_vec(example).unwrap();
    let secret = "sz_test_secret";
    let signature = sign(secret, &body);

    assert!(samples::verify_signature(secret, &body, &signature));
    let event = samples::read_event(secret, &body, &signature).expect("a verified event");
    assert_eq!(serde_json::to_value(&event).unwrap(), *example);

    let mut tampered = body.clone();
    tampered[10] ^= 1;
    assert!(!samples::verify_signature(secret, &tampered, &signature));
    assert!(!samples::verify_signature("another", &body, &signature));
    assert!(!samples::verify_signature(secret, &body, &signature[..63]));
    assert!(!samples::verify_signature(secret, &body, "zz"));
    assert!(!samples::verify_signature(secret, &body, &"é".repeat(32)));
    assert!(samples::read_event(secret, &tampered, &signature).is_none());

    assert_eq!(
        samples::webhook_reply(br#"{"challenge":"3f9c2b7e-challenge-text"}"#),
        "3f9c2b7e-challenge-text"
    );
    assert_eq!(samples::webhook_reply(&body), "");
}
