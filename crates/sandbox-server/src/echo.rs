//! The faults that leak the request's API secret back in the answer
//! (`secret-in-header`, `secret-in-body`): a layer around the v1 routes,
//! so every answer, refusals included, carries the echo.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::Value;

use crate::{App, Fault};

/// Bodies larger than this are passed on untouched (the sandbox's own
/// answers are far smaller).
const MAX_ECHOED_BODY: usize = 16 << 20;

pub(crate) async fn echo_secret(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let leaks = app.has(Fault::SecretInHeader) || app.has(Fault::SecretInBody);
    let secret = leaks
        .then(|| crate::auth::bearer(req.headers()).map(String::from))
        .flatten();
    let response = next.run(req).await;
    let Some(secret) = secret else {
        return response;
    };
    let mut response = if app.has(Fault::SecretInBody) {
        in_body(response, &secret).await
    } else {
        response
    };
    if app.has(Fault::SecretInHeader)
        && let Ok(value) = HeaderValue::from_str(&secret)
    {
        response.headers_mut().insert("x-debug-token", value);
    }
    response
}

/// The body with a `debug` field holding the secret, when it is a JSON object.
async fn in_body(response: Response, secret: &str) -> Response {
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ECHOED_BODY).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let echoed = match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(mut map)) => {
            map.insert("debug".into(), Value::String(secret.to_string()));
            serde_json::to_vec(&map).ok()
        }
        _ => None,
    };
    match echoed {
        Some(bytes) => {
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(bytes))
        }
        None => Response::from_parts(parts, Body::from(bytes)),
    }
}
