//! The credential a request presents: the one parser the gate and the
//! secret-echo fault share.

use axum::http::{HeaderMap, header};

/// The secret (any case of `Bearer`), if the header has one.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, secret) = value.trim().split_once(' ')?;
    let secret = secret.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !secret.is_empty()).then_some(secret)
}
