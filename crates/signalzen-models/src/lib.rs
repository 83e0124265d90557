//! Rust types for the SignalZen external API v1, generated from
//! `openapi/signalzen-v1.yaml` by `cargo xtask codegen`.
//!
//! The types derive `serde`, `schemars::JsonSchema` and `utoipa::ToSchema`,
//! so clients and servers (the sandbox among them) share one definition.
//! Unknown fields are accepted and dropped: the API may add fields.

mod generated;

pub use generated::*;
