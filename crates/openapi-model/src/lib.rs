//! The document model: one compiled reading of an OpenAPI document (3.0, 3.1 or 3.2) that
//! every tool shares. The checker compiles its validators on top of it, the
//! live run plans its requests from it, the docs and the generators read
//! paging, security and rules from it. Nothing here validates a value.
//!
//! Architecture invariant: knows OpenAPI and our documented extensions
//! (`x-contract`, `x-pagination`, `x-webhooks` and the `x-webhook-*` keys
//! on them), never a particular API.

#![warn(missing_docs)]

mod operation;
mod pagination;
mod rules;
mod security;
mod server;
mod status;
mod union;
mod webhook;

use openapi_spec::Document;
use openapi_spec::visit::{self, Root};

pub use openapi_paging as paging;
pub use operation::{Body, Operation, PathParam, QueryParam, Response, ScalarKind, Segment};
pub use pagination::{ItemLink, ItemParameter, OffsetLimit, PageSize, Pagination};
pub use rules::{MethodNotAllowed, RateLimit, Rules};
pub use security::{Credential, Scheme, cookie_value};
pub use status::StatusKey;
pub use union::{Discriminator, Union};
pub use webhook::{Algorithm, Challenge, Encoding, Resource, Signature, WebhookExtensions};

/// Why a document cannot be read into a model.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// A discriminator whose mapping cannot be read.
    #[error("discriminator at #{pointer} cannot be read: {message}")]
    Discriminator {
        /// The union schema's pointer.
        pointer: String,
        /// What is wrong with it.
        message: String,
    },
}

/// A document, read once.
pub struct Model {
    /// The path every operation's template is under (from the first server,
    /// or the caller's override), without a trailing slash.
    pub base_path: String,
    /// Operations under `paths`, literal segments first (`/users/me` is
    /// matched before `/users/{id}`).
    pub operations: Vec<Operation>,
    /// Operations under `x-webhooks`: requests the provider sends.
    pub webhooks: Vec<Operation>,
    /// The `x-contract` rules.
    pub rules: Rules,
    /// Every `oneOf`/`anyOf` schema, in document order.
    pub unions: Vec<Union>,
}

impl Model {
    /// Reads the document; `base_override` replaces the server URL's path.
    pub fn build(doc: &Document, base_override: Option<&str>) -> Result<Self, ModelError> {
        let raw = &doc.raw;
        let base_path = match base_override {
            Some(b) => server::base_path_of(b),
            None => server::server_base_path(raw),
        };
        let mut operations = Vec::new();
        let mut webhooks = Vec::new();
        for found in visit::operations(raw) {
            let op = Operation::read(doc, &found);
            match found.root() {
                Root::Paths => operations.push(op),
                Root::Webhooks => webhooks.push(op),
            }
        }
        operations.sort_by_key(|o| std::cmp::Reverse(o.literal_segments()));
        Ok(Model {
            base_path,
            operations,
            webhooks,
            rules: Rules::read(raw),
            unions: union::unions(raw)?,
        })
    }

    /// The operation with this operationId (`paths` only).
    pub fn operation(&self, id: &str) -> Option<&Operation> {
        self.operations.iter().find(|o| o.id == id)
    }
}

/// Follows `$ref`s from the schema at `ptr` to the schema itself; returns its pointer.
pub fn resolve_schema(raw: &serde_json::Value, ptr: &str) -> Option<String> {
    openapi_spec::pointer::resolve(raw, raw.pointer(ptr)?, ptr).map(|(_, p)| p)
}
