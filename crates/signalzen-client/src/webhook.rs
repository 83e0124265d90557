//! Receiving webhooks, framework-agnostic: the raw body and the signature
//! header's value in, a verified, typed [`Event`] out.
//!
//! The signature is checked over the exact bytes received, before anything
//! is parsed, in constant time: a receiver that verified re-serialised JSON
//! would accept a body that differs from what was signed.
//!
//! ```
//! use signalzen_client::webhook;
//!
//! // In any framework: the raw body, the header's value, the API secret.
//! fn handle(secret: &str, body: &[u8], signature: Option<&str>) -> (u16, String) {
//!     match webhook::receive(secret, body, signature) {
//!         Ok(delivery) => match delivery.challenge_answer() {
//!             // The URL check: answer 200 with the challenge text itself.
//!             Some(answer) => (200, answer.to_string()),
//!             None => (200, String::new()),
//!         },
//!         Err(e) => (401, e.to_string()),
//!     }
//! }
//! # let _ = handle;
//! ```
//!
//! With axum: take the body as `axum::body::Bytes` (never as `Json`, which
//! would parse before the signature is checked) and the header from
//! `HeaderMap::get(webhook::SIGNATURE_HEADER)`, then call [`receive`].

pub use crate::generated::{Event, SIGNATURE_HEADER};

/// Why a delivery is refused.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// No signature header.
    #[error("the delivery has no {SIGNATURE_HEADER} header")]
    MissingSignature,
    /// The signature is not the HMAC-SHA256 of these bytes under the secret
    /// (or not lowercase hex at all).
    #[error("the {SIGNATURE_HEADER} signature does not match the body")]
    BadSignature,
    /// Signed correctly, but not a body any webhook describes.
    #[error("the delivery's body is not a documented webhook: {0}")]
    Body(String),
}

/// Checks `signature` (lowercase hex HMAC-SHA256 of `raw`, keyed with the
/// API secret) in constant time.
pub fn verify(secret: &str, raw: &[u8], signature: Option<&str>) -> Result<(), WebhookError> {
    let signature = signature.ok_or(WebhookError::MissingSignature)?.trim();
    let tag = hex_lowercase(signature).ok_or(WebhookError::BadSignature)?;
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret.as_bytes());
    ring::hmac::verify(&key, raw, &tag).map_err(|_| WebhookError::BadSignature)
}

/// Verifies, then reads the delivery as its webhook's type.
pub fn receive(secret: &str, raw: &[u8], signature: Option<&str>) -> Result<Event, WebhookError> {
    verify(secret, raw, signature)?;
    Event::from_json(raw).map_err(|e| WebhookError::Body(e.to_string()))
}

impl Event {
    /// The exact answer body to a URL check (the challenge text), or `None`
    /// for any other delivery.
    pub fn challenge_answer(&self) -> Option<&str> {
        match self {
            Event::UrlVerification(c) => Some(&c.challenge),
            _ => None,
        }
    }
}

/// Lowercase hex only, as the document says the signature is.
fn hex_lowercase(text: &str) -> Option<Vec<u8>> {
    data_encoding::HEXLOWER.decode(text.as_bytes()).ok()
}
