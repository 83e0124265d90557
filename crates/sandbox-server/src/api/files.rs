//! Signed files: `file_url` answers, checked against their signature and
//! expiry, without the API secret.

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::Response;

use signalzen_models::ErrorCode;

use super::{Shared, error, internal, missing, query_pairs};
use crate::signing::unix_now;

/// An attachment behind a signed link: no API secret, 403 once expired.
pub(super) async fn file(
    State(app): Shared,
    Path(path): Path<String>,
    RawQuery(query): RawQuery,
    method: Method,
) -> Response {
    let pairs = query_pairs(query.as_deref());
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let expires = get("expires").and_then(|e| e.parse::<i64>().ok());
    let signature = get("signature");
    let (Some(expires), Some(signature)) = (expires, signature) else {
        return error(
            &app,
            StatusCode::FORBIDDEN,
            ErrorCode::Forbidden,
            "the link is not signed",
        );
    };
    if let Err(refusal) = app.signer.verify(&path, expires, signature, unix_now()) {
        let message = match refusal {
            crate::signing::Refusal::Expired => "the link has expired",
            crate::signing::Refusal::BadSignature => "the link's signature is wrong",
        };
        return error(&app, StatusCode::FORBIDDEN, ErrorCode::Forbidden, message);
    }
    match app.with_store(|s| s.attachment_exists(&path)) {
        Ok(true) => {}
        Ok(false) => return missing(&app, "file"),
        Err(e) => return internal(&app, &e),
    }
    let content = if method == Method::HEAD {
        Vec::new()
    } else {
        format!("%PDF-1.4\n% SignalZen sandbox attachment {path}\n%%EOF\n").into_bytes()
    };
    let mut r = Response::new(Body::from(content));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    r
}
