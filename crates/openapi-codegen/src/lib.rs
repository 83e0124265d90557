//! Generates artefacts from an OpenAPI 3.0 document: Rust models
//! ([`rust::generate`]) and JSON Schema files ([`schemas::generate`]).
//!
//! Architecture invariant: nothing here knows a particular API. Shapes are
//! chosen from the document's structure; what the structure cannot say is
//! read from documented vendor extensions (see `docs/extensions.md`).

pub mod rust;
pub mod schemas;

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub enum CodegenError {
    #[error("#{pointer}: {message}")]
    Unsupported { pointer: String, message: String },
    #[error(transparent)]
    Convert(#[from] openapi_jsonschema::ConvertError),
    #[error("generated code does not parse: {0}")]
    Parse(String),
    #[error("rustfmt failed: {0}")]
    Rustfmt(String),
}
