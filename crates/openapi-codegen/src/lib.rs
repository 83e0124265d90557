//! Generates artefacts from an OpenAPI document (3.0, 3.1 or 3.2): Rust models
//! ([`rust::generate`]) and JSON Schema files ([`schemas::generate`]).
//!
//! Architecture invariant: nothing here knows a particular API. Shapes are
//! chosen from the document's structure; what the structure cannot say is
//! read from documented vendor extensions (see `docs/extensions.md`).

#![warn(missing_docs)]

pub mod client;
pub mod naming;
pub mod rust;
pub mod schemas;

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub enum CodegenError {
    /// A schema shape the generator cannot express in Rust.
    #[error("#{pointer}: {message}")]
    Unsupported {
        /// Where, as a JSON pointer.
        pointer: String,
        /// What is wrong.
        message: String,
    },
    /// A schema that cannot become JSON Schema.
    #[error(transparent)]
    Convert(#[from] openapi_jsonschema::ConvertError),
    /// The generated code does not parse (a generator bug).
    #[error("generated code does not parse: {0}")]
    Parse(String),
    /// rustfmt failed on the generated code.
    #[error("rustfmt failed: {0}")]
    Rustfmt(String),
}
