//! Compares two OpenAPI documents (a base and a revision; 3.0, 3.1 or 3.2, in any mix) from the
//! reader's side of each message, for a breaking-change gate.
//!
//! Every change found has a stable rule id ([`rules`]), a [`Level`], the
//! JSON pointers on both sides with their lines, and a sentence in plain
//! words. Schemas are compared after `$ref`s are followed and `allOf`s are
//! merged, so moving a schema to components, or splitting it into an
//! `allOf` that means the same, is no change. Webhooks (`x-webhooks`) are
//! compared with the roles swapped: the provider writes the delivery and
//! the receiver reads it, so a delivery is judged like a response.
//!
//! Architecture invariant: this crate knows OpenAPI and the toolkit's own
//! extensions (`x-pagination`, `x-contract`, `x-date-time-format`), never
//! a particular API.
//!
//! ```
//! use std::path::Path;
//!
//! let load = |name: &str, text: &str| {
//!     openapi_spec::load_str(text, Path::new(name), false, &Default::default()).unwrap()
//! };
//! let base = load("base.yaml", r#"
//! openapi: 3.0.3
//! info: {title: Pets, version: "1.0.0"}
//! paths:
//!   /pets:
//!     get:
//!       operationId: listPets
//!       parameters: [{name: limit, in: query, schema: {type: integer}}]
//!       responses: {"200": {description: Pets}}
//! "#);
//! let revision = load("revision.yaml", r#"
//! openapi: 3.0.3
//! info: {title: Pets, version: "1.1.0"}
//! paths:
//!   /pets:
//!     get:
//!       operationId: listPets
//!       parameters: [{name: limit, in: query, required: true, schema: {type: integer}}]
//!       responses: {"200": {description: Pets}}
//! "#);
//! let report = openapi_diff::compare(&base, &revision);
//! // A parameter that became required breaks every client that omits it.
//! let change = &report.changes[0];
//! assert_eq!(change.level, openapi_diff::Level::Error);
//! println!("{} {}", change.rule, change.message);
//! assert!(!report.failing(openapi_diff::Level::Error).is_empty());
//! ```

#![warn(missing_docs)]

mod extensions;
pub mod ids;
mod operations;
pub mod render;
pub mod rules;
mod schema;

use openapi_spec::Document;
use serde::Serialize;

pub use rules::{Context, Direction, Kind, Level};

/// A place in one of the two documents.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Site {
    /// The document's file (or `REV:path` for a git revision).
    pub file: String,
    /// The line, when known.
    pub line: Option<usize>,
    /// The JSON pointer.
    pub pointer: String,
}

impl std::fmt::Display for Site {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line} (#{})", self.file, self.pointer),
            None => write!(f, "{} (#{})", self.file, self.pointer),
        }
    }
}

/// One change between the base and the revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The stable rule id (`response.nullable-added`).
    pub rule: String,
    /// How much it matters to existing clients.
    pub level: Level,
    /// Where it was in the base, if it was there.
    pub base: Option<Site>,
    /// Where it is in the revision, if it is there.
    pub revision: Option<Site>,
    /// What changed and what it does to a reader, in plain words.
    pub message: String,
}

/// One side of the comparison, for the report's header.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    /// The file (or `REV:path`).
    pub file: String,
    /// `info.version`.
    pub version: String,
}

/// Every change, in a stable order (by operation, then document order).
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The base document.
    pub base: Source,
    /// The revision.
    pub revision: Source,
    /// What changed.
    pub changes: Vec<Change>,
    /// `info.version`'s major part was raised: breaking changes are accepted.
    pub major_raised: bool,
}

impl Report {
    /// The changes that fail a gate set at `fail_on`: none when the major
    /// version was raised (a new major is allowed to break).
    pub fn failing(&self, fail_on: Level) -> Vec<&Change> {
        if self.major_raised {
            return Vec::new();
        }
        self.changes.iter().filter(|c| c.level >= fail_on).collect()
    }

    /// How many changes have each level: (errors, warnings, infos).
    pub fn counts(&self) -> (usize, usize, usize) {
        let count = |l: Level| self.changes.iter().filter(|c| c.level == l).count();
        (
            count(Level::Error),
            count(Level::Warning),
            count(Level::Info),
        )
    }
}

/// Compares `base` with `revision`.
pub fn compare(base: &Document, revision: &Document) -> Report {
    let sides = Sides {
        base,
        revision,
        base_file: base.path.display().to_string(),
        revision_file: revision.path.display().to_string(),
    };
    let mut out = Changes {
        sides: &sides,
        list: Vec::new(),
        seen: Default::default(),
    };
    operations::compare(&mut out);
    operations::schemes(&mut out);
    extensions::compare(&mut out);
    let version = |d: &Document| {
        d.raw
            .pointer("/info/version")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let (from, to) = (version(base), version(revision));
    dedupe(&mut out.list);
    let major_raised = matches!((major(&from), major(&to)), (Some(a), Some(b)) if b > a);
    Report {
        base: Source {
            file: sides.base_file.clone(),
            version: from,
        },
        revision: Source {
            file: sides.revision_file.clone(),
            version: to,
        },
        changes: out.list,
        major_raised,
    }
}

/// One change reached from several operations (a shared component) is
/// reported once.
fn dedupe(list: &mut Vec<Change>) {
    let mut seen = std::collections::HashSet::new();
    list.retain(|c| {
        seen.insert((
            c.rule.clone(),
            c.base.clone(),
            c.revision.clone(),
            c.message.clone(),
        ))
    });
}

/// The major part of a version string (`v2.1.0` → 2).
fn major(version: &str) -> Option<u64> {
    let digits: String = version
        .trim()
        .trim_start_matches(['v', 'V'])
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// The two documents and how they are named in reports.
struct Sides<'d> {
    base: &'d Document,
    revision: &'d Document,
    base_file: String,
    revision_file: String,
}

/// Where changes are collected, with the documents to locate them in.
struct Changes<'s, 'd> {
    sides: &'s Sides<'d>,
    list: Vec<Change>,
    /// Schema pairs already compared, by context prefix and both pointers.
    seen: std::collections::HashSet<(&'static str, String, String)>,
}

/// The two pointers of a change (either may be missing).
#[derive(Default, Clone)]
struct Pointers {
    base: Option<String>,
    revision: Option<String>,
}

impl Pointers {
    fn both(base: &str, revision: &str) -> Self {
        Pointers {
            base: Some(base.to_string()),
            revision: Some(revision.to_string()),
        }
    }
    fn base(base: &str) -> Self {
        Pointers {
            base: Some(base.to_string()),
            revision: None,
        }
    }
    fn revision(revision: &str) -> Self {
        Pointers {
            base: None,
            revision: Some(revision.to_string()),
        }
    }
}

impl Changes<'_, '_> {
    /// Records a change of a context-dependent kind.
    fn kind(&mut self, context: Context, kind: Kind, at: Pointers, message: String) {
        let rule = ids::rule_id(context, kind).to_string();
        self.push(rule, kind.level(context.direction()), at, message);
    }

    /// Records a change of a fixed rule (see [`rules::FIXED`]).
    fn fixed(&mut self, rule: &'static str, at: Pointers, message: String) {
        let level = rules::fixed_level(rule);
        self.push(rule.to_string(), level, at, message);
    }

    fn push(&mut self, rule: String, level: Level, at: Pointers, message: String) {
        let site = |doc: &Document, file: &str, pointer: String| Site {
            file: file.to_string(),
            line: doc.positions.locate(&pointer).map(|p| p.line),
            pointer,
        };
        let s = self.sides;
        self.list.push(Change {
            rule,
            level,
            base: at.base.map(|p| site(s.base, &s.base_file, p)),
            revision: at.revision.map(|p| site(s.revision, &s.revision_file, p)),
            message,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(rule: &str, level: Level, line: Option<usize>) -> Change {
        Change {
            rule: rule.into(),
            level,
            base: Some(Site {
                file: "a.yaml".into(),
                line,
                pointer: "/paths/~1x".into(),
            }),
            revision: None,
            message: "gone".into(),
        }
    }

    fn report(changes: Vec<Change>) -> Report {
        let source = || Source {
            file: "a.yaml".into(),
            version: "1".into(),
        };
        Report {
            base: source(),
            revision: source(),
            changes,
            major_raised: false,
        }
    }

    #[test]
    fn counts_are_per_level() {
        let r = report(vec![
            change("a", Level::Error, Some(1)),
            change("b", Level::Error, Some(2)),
            change("c", Level::Warning, Some(3)),
        ]);
        assert_eq!(r.counts(), (2, 1, 0));
        let r = report(vec![change("d", Level::Info, None)]);
        assert_eq!(r.counts(), (0, 0, 1));
        assert_eq!(r.failing(Level::Info).len(), 1);
        assert!(r.failing(Level::Warning).is_empty());
    }

    #[test]
    fn a_site_shows_its_file_line_and_pointer() {
        let site = |line| Site {
            file: "a.yaml".into(),
            line,
            pointer: "/info".into(),
        };
        assert_eq!(site(Some(3)).to_string(), "a.yaml:3 (#/info)");
        assert_eq!(site(None).to_string(), "a.yaml (#/info)");
    }

    #[test]
    fn one_change_reached_twice_is_reported_once() {
        let mut list = vec![
            change("a", Level::Error, Some(1)),
            change("a", Level::Error, Some(1)),
            change("a", Level::Error, Some(2)),
        ];
        dedupe(&mut list);
        assert_eq!(list.len(), 2);
    }
}
