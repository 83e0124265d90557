//! Rust types for the SignalZen external API v1, generated from
//! `openapi/signalzen-v1.yaml` by `cargo xtask codegen`.
//!
//! The types derive `serde`; with the `schemars` and `utoipa` features they
//! also derive `schemars::JsonSchema` and `utoipa::ToSchema`, so servers
//! (the sandbox) share one definition with clients, and clients compile
//! neither.
//! Unknown fields are accepted and dropped: the API may add fields.

#![warn(missing_docs)]

// The models say what the document says: items it leaves without a
// description stay undocumented rather than get invented text.
#[allow(missing_docs)]
mod generated;

pub use generated::*;
