//! One schema form for every version. 3.0 and 3.1 spell a few things
//! differently that mean exactly the same: a type list with `"null"` is
//! `nullable: true`, `anyOf: [X, {type: "null"}]` is 3.0.3's
//! `allOf: [X], nullable: true`, a numeric `exclusiveMinimum` is a
//! `minimum` with `exclusiveMinimum: true`, a `const` is a one-value
//! `enum`. The loader folds a 3.1/3.2 document's schemas into the 3.0
//! spelling of those once, so every tool (converter, generators, docs,
//! gate, checks) reads one word for one meaning, and a 3.0 document and
//! its 3.1 rewrite give the same output by construction. Every other
//! 2020-12 keyword (`prefixItems`, `if`/`then`/`else`, `$defs`, …) stays
//! as written: the converter to JSON Schema carries it through.
//!
//! What the toolkit cannot honour is refused here, before any tool reads
//! it: another JSON Schema dialect, `$dynamicRef`, and 3.2 fields no tool
//! reads yet.

use serde_json::{Map, Value};

use crate::Version;
use crate::visit::Schemas;

/// The dialects a 3.1/3.2 document may name: the OpenAPI base dialect
/// (every dated iteration) and plain 2020-12, which differs from it only
/// in annotations (`discriminator`, `xml`, `example`) the toolkit reads
/// either way.
fn known_dialect(uri: &str) -> bool {
    let base = [
        "https://spec.openapis.org/oas/3.1/dialect/",
        "https://spec.openapis.org/oas/3.2/dialect/",
    ];
    base.iter().any(|b| uri.starts_with(b))
        || matches!(
            uri.trim_end_matches('#'),
            "https://json-schema.org/draft/2020-12/schema"
        )
}

/// Keywords of JSON Schema the toolkit cannot honour: dynamic scopes
/// (2020-12) and their 2019-09 forerunners.
const DYNAMIC_KEYWORDS: &[&str] = &["$dynamicRef", "$recursiveRef"];

/// Something a document uses that the toolkit does not read: where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unsupported {
    /// The JSON pointer of the field.
    pub pointer: String,
    /// What is not supported, in one sentence.
    pub message: String,
}

/// What the load learns of a 3.1/3.2 document's schemas in one walk:
/// what it cannot honour, and which schemas the fold must visit.
#[derive(Debug, Default)]
pub(crate) struct Reading {
    /// The dialect and dynamic-scope uses, in document order.
    pub unsupported: Vec<Unsupported>,
    /// The pointers of the schemas that spell something 3.0 spells
    /// otherwise (the rest, most of them, the fold leaves as they are).
    pub to_fold: Vec<String>,
}

/// Reads a 3.1/3.2 document's schemas once (see [`Reading`]).
pub(crate) fn read(raw: &Value) -> Reading {
    let mut unsupported = Vec::new();
    if let Some(d) = raw.get("jsonSchemaDialect") {
        let uri = d.as_str().unwrap_or_default();
        if !known_dialect(uri) {
            unsupported.push(Unsupported {
                pointer: "/jsonSchemaDialect".into(),
                message: format!(
                    "jsonSchemaDialect `{uri}`: this tool reads Schema Objects in the OpenAPI base dialect (JSON Schema 2020-12) only"
                ),
            });
        }
    }
    let mut to_fold = Vec::new();
    for (at, schema) in Schemas::of(raw).schemas {
        let Some(obj) = schema.as_object() else {
            continue;
        };
        unsupported_in(obj, &at, &mut unsupported);
        if may_fold(obj) {
            to_fold.push(at);
        }
    }
    Reading {
        unsupported,
        to_fold,
    }
}

/// A schema's own `$schema` and dynamic references the toolkit cannot honour.
fn unsupported_in(obj: &Map<String, Value>, at: &str, out: &mut Vec<Unsupported>) {
    if let Some(uri) = obj.get("$schema") {
        let uri = uri.as_str().unwrap_or_default();
        if !known_dialect(uri) {
            out.push(Unsupported {
                pointer: format!("{at}/$schema"),
                message: format!(
                    "$schema `{uri}`: this tool reads Schema Objects in the OpenAPI base dialect (JSON Schema 2020-12) only"
                ),
            });
        }
    }
    for key in DYNAMIC_KEYWORDS.iter().filter(|k| obj.contains_key(**k)) {
        out.push(Unsupported {
            pointer: format!("{at}/{key}"),
            message: format!(
                "`{key}`: this tool resolves no dynamic scope, only `$ref`s to #/components/schemas"
            ),
        });
    }
}

/// The keywords [`fold`] reads or drops: a schema with none of them is
/// left as it is (a test holds the two to each other).
const FOLDED_KEYWORDS: &[&str] = &[
    "anyOf",
    "oneOf",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "const",
    "nullable",
];

/// Whether [`fold`] may change this schema.
fn may_fold(obj: &Map<String, Value>) -> bool {
    obj.get("type").is_some_and(Value::is_array)
        || FOLDED_KEYWORDS.iter().any(|k| obj.contains_key(*k))
}

/// 3.0 keywords that mean nothing in a 3.1 Schema Object (JSON Schema
/// 2020-12 ignores `nullable`, and wants numbers for the exclusive
/// bounds): a 3.1 document that writes them is read as other 3.1 tools
/// read it, without them, and the lint says so (`version-keyword`).
fn dropped_3_0_keyword(key: &str, value: &Value) -> bool {
    match key {
        "nullable" => true,
        "exclusiveMinimum" | "exclusiveMaximum" => value.is_boolean(),
        _ => false,
    }
}

/// Folds a 3.1/3.2 document's schemas into the one form every tool reads
/// (see the module's head). Inner schemas first, so a fold sees its
/// children already folded. Nothing happens to 3.0 documents. Gives back
/// the pointers of the 3.0 keywords the document wrote and that were
/// dropped, in document order.
pub(crate) fn fold(raw: &mut Value, version: Version, schemas: &[String]) -> Vec<String> {
    let mut dropped = Vec::new();
    if !version.json_schema() {
        return dropped;
    }
    for at in schemas.iter().rev() {
        if let Some(Value::Object(schema)) = raw.pointer_mut(at) {
            let old: Vec<String> = schema
                .iter()
                .filter(|(k, v)| dropped_3_0_keyword(k, v))
                .map(|(k, _)| k.clone())
                .collect();
            for key in old {
                schema.remove(&key);
                dropped.push(crate::pointer::push(at, &key));
            }
            fold_schema(schema);
        }
    }
    dropped.reverse();
    dropped
}

fn fold_schema(schema: &mut Map<String, Value>) {
    fold_type_list(schema);
    fold_null_branch(schema);
    for (bound, flag) in [
        ("minimum", "exclusiveMinimum"),
        ("maximum", "exclusiveMaximum"),
    ] {
        fold_exclusive(schema, bound, flag);
    }
    if !schema.contains_key("enum")
        && let Some(value) = schema.remove("const")
    {
        schema.insert("enum".into(), Value::Array(vec![value]));
    }
}

/// `type: [T, "null"]` → `type: T, nullable: true`; a list of several
/// other types stays a list (3.0 has no word for it).
fn fold_type_list(schema: &mut Map<String, Value>) {
    let Some(Value::Array(types)) = schema.get("type") else {
        return;
    };
    let null = Value::String("null".into());
    let others: Vec<Value> = types.iter().filter(|t| **t != null).cloned().collect();
    if others.len() == types.len() && types.len() != 1 {
        return;
    }
    if others.len() < types.len() && !others.is_empty() {
        schema.insert("nullable".into(), Value::Bool(true));
    }
    let folded = match others.as_slice() {
        [] => null,
        [one] => one.clone(),
        _ => Value::Array(others),
    };
    schema.insert("type".into(), folded);
}

/// `anyOf`/`oneOf: [X, {type: "null"}]` (what Python generators write for
/// `Optional[X]`) → X's own keywords with `nullable: true`, or
/// `allOf: [X], nullable: true` when X is a `$ref` (3.0.3's idiom).
fn fold_null_branch(schema: &mut Map<String, Value>) {
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(branches)) = schema.get(key) else {
            continue;
        };
        let is_null = |b: &Value| {
            b.get("type").and_then(Value::as_str) == Some("null")
                && b.as_object().is_some_and(|o| {
                    o.keys()
                        .all(|k| k == "type" || k == "description" || k == "title")
                })
        };
        let [a, b] = branches.as_slice() else {
            continue;
        };
        let other = match (is_null(a), is_null(b)) {
            (false, true) => a.clone(),
            (true, false) => b.clone(),
            _ => continue,
        };
        if schema.contains_key("discriminator") {
            continue;
        }
        schema.remove(key);
        match other {
            Value::Object(o) if !o.contains_key("$ref") => {
                for (k, v) in o {
                    schema.entry(k).or_insert(v);
                }
            }
            other => {
                schema.insert("allOf".into(), Value::Array(vec![other]));
            }
        }
        schema.insert("nullable".into(), Value::Bool(true));
        return;
    }
}

/// 2020-12's numeric `exclusiveMinimum: n` → `minimum: n,
/// exclusiveMinimum: true`; when a `minimum` is also given, the stricter
/// of the two bounds is kept.
fn fold_exclusive(schema: &mut Map<String, Value>, bound: &str, flag: &str) {
    let Some(limit) = schema.get(flag).filter(|v| v.is_number()).cloned() else {
        return;
    };
    let limit_f = limit.as_f64().unwrap_or_default();
    let stricter = match schema.get(bound).and_then(Value::as_f64) {
        None => true,
        Some(inclusive) if bound == "minimum" => limit_f >= inclusive,
        Some(inclusive) => limit_f <= inclusive,
    };
    if stricter {
        schema.insert(bound.into(), limit);
        schema.insert(flag.into(), Value::Bool(true));
    } else {
        schema.remove(flag);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn folded(schema: Value) -> Value {
        let mut raw = json!({"components": {"schemas": {"S": schema}}});
        let schemas = read(&raw).to_fold;
        fold(&mut raw, Version::V3_1, &schemas);
        raw["components"]["schemas"]["S"].take()
    }

    #[test]
    fn each_3_1_spelling_folds_into_the_3_0_one() {
        assert_eq!(
            folded(json!({"type": ["string", "null"], "format": "email"})),
            json!({"type": "string", "format": "email", "nullable": true})
        );
        assert_eq!(
            folded(
                json!({"anyOf": [{"$ref": "#/components/schemas/T"}, {"type": "null"}], "description": "d"})
            ),
            json!({"description": "d", "allOf": [{"$ref": "#/components/schemas/T"}], "nullable": true})
        );
        assert_eq!(
            folded(json!({"anyOf": [{"type": "null"}, {"type": "integer", "minimum": 1}]})),
            json!({"type": "integer", "minimum": 1, "nullable": true})
        );
        assert_eq!(
            folded(
                json!({"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 10, "maximum": 5})
            ),
            json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true, "maximum": 5})
        );
        assert_eq!(folded(json!({"const": "user"})), json!({"enum": ["user"]}));
        assert_eq!(
            folded(json!({"anyOf": [{"type": "string"}, {"type": "null"}]})),
            json!({"type": "string", "nullable": true})
        );
        // A null branch may carry words, nothing that constrains.
        assert_eq!(
            folded(
                json!({"oneOf": [{"type": "null", "description": "none", "title": "None"}, {"$ref": "#/components/schemas/T"}]})
            ),
            json!({"allOf": [{"$ref": "#/components/schemas/T"}], "nullable": true})
        );
        for kept in [
            json!({"anyOf": [{"type": "null", "format": "x"}, {"type": "string"}]}),
            json!({"anyOf": [{"type": "null", "description": "none"}, {"type": "null"}]}),
        ] {
            assert_eq!(folded(kept.clone()), kept);
        }
        // The stricter of two lower bounds stays.
        assert_eq!(
            folded(json!({"exclusiveMinimum": 5, "minimum": 3})),
            json!({"minimum": 5, "exclusiveMinimum": true})
        );
        assert_eq!(
            folded(json!({"exclusiveMinimum": 2, "minimum": 3})),
            json!({"minimum": 3})
        );
        assert_eq!(
            folded(json!({"exclusiveMaximum": 2, "maximum": 3})),
            json!({"maximum": 2, "exclusiveMaximum": true})
        );
        // A list of one is that one type; null alone stays null.
        assert_eq!(
            folded(json!({"type": ["string"]})),
            json!({"type": "string"})
        );
        assert_eq!(folded(json!({"type": ["null"]})), json!({"type": "null"}));
        assert_eq!(
            folded(json!({"type": ["null", "string", "integer"]})),
            json!({"type": ["string", "integer"], "nullable": true})
        );
        assert_eq!(
            folded(json!({"properties": {"p": {"type": ["integer", "null"]}}})),
            json!({"properties": {"p": {"type": "integer", "nullable": true}}})
        );
    }

    #[test]
    fn what_3_0_cannot_say_stays_as_written() {
        for kept in [
            json!({"type": []}),
            json!({"type": ["string", "integer"]}),
            json!({"anyOf": [{"type": "string"}, {"type": "integer"}]}),
            json!({"anyOf": [{"type": "string"}, {"type": "null"}, {"type": "integer"}]}),
            json!({"prefixItems": [{"type": "string"}], "type": "array"}),
        ] {
            assert_eq!(folded(kept.clone()), kept);
        }
        let mut raw = json!({"components": {"schemas": {"S": {"type": ["string", "null"]}}}});
        let before = raw.clone();
        let schemas = read(&raw).to_fold;
        fold(&mut raw, Version::V3_0, &schemas);
        assert_eq!(raw, before, "3.0 documents are read as written");
    }

    #[test]
    fn a_3_0_keyword_in_a_3_1_schema_is_dropped_and_named() {
        let mut raw = json!({"components": {"schemas": {"S": {
            "type": "string", "nullable": true,
            "properties": {"n": {"type": "integer", "minimum": 1, "exclusiveMinimum": true}}
        }}}});
        let schemas = read(&raw).to_fold;
        let dropped = fold(&mut raw, Version::V3_1, &schemas);
        assert_eq!(
            dropped,
            [
                "/components/schemas/S/nullable",
                "/components/schemas/S/properties/n/exclusiveMinimum"
            ]
        );
        assert_eq!(
            raw["components"]["schemas"]["S"],
            json!({"type": "string", "properties": {"n": {"type": "integer", "minimum": 1}}})
        );
    }

    #[test]
    fn another_dialect_and_dynamic_references_are_named() {
        let raw = json!({
            "jsonSchemaDialect": "https://example.com/dialect",
            "components": {"schemas": {
                "A": {"$schema": "http://json-schema.org/draft-07/schema#"},
                "B": {"properties": {"p": {"$dynamicRef": "#node"}}},
                "C": {"$schema": "https://spec.openapis.org/oas/3.1/dialect/base"}
            }}
        });
        let found: Vec<String> = read(&raw)
            .unsupported
            .into_iter()
            .map(|u| u.pointer)
            .collect();
        assert_eq!(
            found,
            [
                "/jsonSchemaDialect",
                "/components/schemas/A/$schema",
                "/components/schemas/B/properties/p/$dynamicRef"
            ]
        );
    }

    /// A schema `may_fold` passes over is one the fold leaves unchanged.
    #[test]
    fn what_the_fold_skips_it_would_not_change() {
        let schemas = [
            json!({"type": "string", "format": "email", "minimum": 1}),
            json!({"allOf": [{"$ref": "#/components/schemas/T"}], "description": "d"}),
            json!({"type": "integer", "maximum": 3, "enum": [1, 2]}),
            json!({"type": ["string", "null"]}),
            json!({"anyOf": [{"type": "null"}, {"type": "integer"}]}),
            json!({"oneOf": [{"$ref": "#/components/schemas/T"}, {"type": "null"}]}),
            json!({"exclusiveMinimum": 1}),
            json!({"maximum": 2, "exclusiveMaximum": 3}),
            json!({"const": "a"}),
            json!({"nullable": true}),
            json!({"exclusiveMinimum": true, "minimum": 0}),
        ];
        for schema in schemas {
            let Value::Object(obj) = schema.clone() else {
                unreachable!()
            };
            let mut raw = json!({"components": {"schemas": {"S": schema.clone()}}});
            fold(
                &mut raw,
                Version::V3_1,
                &["/components/schemas/S".to_string()],
            );
            let changed = raw["components"]["schemas"]["S"] != schema;
            assert!(may_fold(&obj) || !changed, "{schema} changed unseen");
        }
        // Schemas written as 3.0 writes them are not visited at all.
        let plain = json!({"components": {"schemas": {
            "A": {"type": "object", "properties": {"b": {"type": "string", "format": "email"}}},
            "C": {"allOf": [{"$ref": "#/components/schemas/A"}], "minimum": 1}
        }}});
        assert!(read(&plain).to_fold.is_empty());
    }
}
