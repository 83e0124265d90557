//! Loads, resolves and lints OpenAPI 3.0, 3.1 and 3.2 documents.
//!
//! Load a document (a file with [`load`], text with [`load_str`]), then
//! lint it: every finding names its rule (the catalogue is
//! [`lint::RULES`]), its level, and where it is (file, line, JSON
//! pointer).
//!
//! ```
//! use std::path::Path;
//!
//! let yaml = r#"
//! openapi: 3.0.3
//! info: {title: Pets, version: "1"}
//! paths:
//!   /pets/{id}:
//!     get:
//!       operationId: getPet
//!       responses:
//!         "200": {description: One pet}
//! "#;
//! let doc = openapi_spec::load_str(yaml, Path::new("pets.yaml"), false, &Default::default())?;
//! let findings = openapi_spec::lint::lint(&doc);
//! // `{id}` is in the path, but no parameter declares it.
//! let missing = findings.iter().find(|f| f.rule == "path-parameter").expect("a finding");
//! assert_eq!(missing.location.pointer, "/paths/~1pets~1{id}/get");
//! assert!(missing.to_string().contains("pets.yaml:"));
//! # Ok::<(), openapi_spec::LoadError>(())
//! ```
//!
//! Architecture invariant: this crate knows OpenAPI, never a particular API.
//! Anything specific to one API lives in that API's document.

#![warn(missing_docs)]

mod dialect;
pub mod lint;
mod load;
pub mod media;
mod official;
pub mod pointer;
mod position;
pub mod schema;
pub mod template;
pub mod upgrade;
mod version;
pub mod visit;

use std::path::{Path, PathBuf};

pub use load::{LoadError, LoadOptions, load, load_str};
pub use openapiv3;
pub use position::{Position, PositionIndex};
use serde_json::Value;
pub use version::Version;

/// One loaded document: the raw JSON tree (what pointers address; checked
/// against `openapiv3`'s types while loading), and where each node sits in
/// the source.
#[derive(Debug, Clone)]
pub struct Document {
    /// The file it was read from.
    pub path: PathBuf,
    /// The OpenAPI version line it claims. A 3.1/3.2 document's schemas
    /// are in `raw` in the one form every tool reads (see `dialect`).
    pub version: Version,
    /// The document as JSON: what pointers address.
    pub raw: Value,
    /// Where each node is in the file.
    pub positions: PositionIndex,
    /// Pointers of values OpenAPI defines as strings that the source wrote
    /// as a number or boolean (`version: 1.10`): `raw` holds them as the
    /// text written, so every tool reads `"1.10"`, and the lint reports
    /// them (`string-scalar`).
    pub coerced: Vec<String>,
    /// Pointers of 3.0 keywords a 3.1/3.2 document's schemas wrote
    /// (`nullable`, a boolean `exclusiveMinimum`), which mean nothing
    /// there: read as other 3.1 tools read them (not at all), and
    /// reported by the lint (`version-keyword`).
    pub dropped: Vec<String>,
    /// What the published schema found while loading a 3.1/3.2 document
    /// (the lint reports it; validating a 13 MB document twice would cost
    /// a second); `None` for 3.0, whose loader asks `openapiv3` instead.
    published: Option<Vec<official::Problem>>,
}

impl Document {
    /// A printable location for `pointer`: `file:line:column (#/pointer)`.
    pub fn locate(&self, pointer: &str) -> Location {
        Location {
            file: self.path.clone(),
            position: self.positions.locate(pointer),
            pointer: pointer.to_string(),
        }
    }

    /// What the published schema of the document's version says about it.
    pub(crate) fn published_problems(&self) -> Vec<official::Problem> {
        match &self.published {
            Some(found) => found.clone(),
            None => official::check(&self.raw, self.version),
        }
    }

    /// Follows a local `$ref` chain from the node at `pointer`.
    pub fn resolve<'a>(&'a self, value: &'a Value, pointer: &str) -> Option<(&'a Value, String)> {
        pointer::resolve(&self.raw, value, pointer)
    }
}

/// A place in a document, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file.
    pub file: PathBuf,
    /// The line and column, when known.
    pub position: Option<Position>,
    /// The JSON pointer.
    pub pointer: String,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(p) = self.position {
            write!(f, ":{p}")?;
        }
        write!(f, " (#{})", self.pointer)
    }
}

/// `path` relative to `base` when it is inside it, for shorter messages.
pub fn display_path(path: &Path, base: &Path) -> PathBuf {
    path.strip_prefix(base)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}
