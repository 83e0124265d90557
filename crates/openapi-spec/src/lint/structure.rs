//! The document's shape against its version's object definitions (3.0.3's
//! field tables, and what 3.1 and 3.2 add to them): every key of every
//! object is a field the specification defines for that object, or an
//! `x-` extension. The typed `openapiv3` model ignores
//! unknown keys, so a misspelt field (`requried`) or a YAML accident (a
//! flow-style description with a comma, read as a second key) would pass
//! silently. Also here, because they are about shape: an array schema
//! needs `items`, a path parameter must say `required: true`, a response
//! key is a status code or `default`, a path starts with `/`.

use serde_json::{Map, Value};

use super::fields::Field::{Data, List, Map as M, One, SchemaOrBool};
use super::fields::{Field, Object};
use crate::{Version, pointer};

/// One shape problem: (rule, pointer, message).
pub(crate) type Problem = (&'static str, String, String);

/// What the walk carries down: the version whose tables apply, and the findings.
struct Walk {
    version: Version,
    out: Vec<Problem>,
}

/// Every shape problem in the document, in document order.
pub(crate) fn check(raw: &Value, version: Version) -> Vec<Problem> {
    let mut w = Walk {
        version,
        out: Vec::new(),
    };
    let out = &mut w;
    walk(raw, "", Object::Root, out, 0);
    // `x-webhooks` holds Path Items keyed by name (OpenAPI 3.1's `webhooks`).
    if let Some(hooks) = raw.get("x-webhooks").and_then(Value::as_object) {
        for (name, item) in hooks {
            walk(
                item,
                &pointer::push("/x-webhooks", name),
                Object::PathItem,
                out,
                1,
            );
        }
    }
    w.out
}

/// Deeper than this the document is not walked (the loader caps nesting
/// lower; this keeps the walk's stack bounded on any input).
const MAX_DEPTH: usize = 256;

/// Checks the object at `at`, one level below its parent's `depth` (the
/// only place depth grows, so one guard bounds every way down).
fn walk(value: &Value, at: &str, object: Object, out: &mut Walk, depth: usize) {
    let depth = depth + 1;
    let Some(map) = value.as_object() else {
        return;
    };
    // From 3.1 a Schema Object's `$ref` is one keyword among others.
    let keyword_ref = object == Object::Schema && out.version.json_schema();
    if depth > MAX_DEPTH {
        return;
    }
    if object.referable() && !keyword_ref && map.contains_key("$ref") {
        reference(map, at, out);
        return;
    }
    match object.fields() {
        Some(_) => fixed(map, at, object, out, depth),
        None => patterned(map, at, object, out, depth),
    }
    rules(map, at, object, out);
}

/// A Reference Object. From 3.1 it holds `$ref`, `summary` and
/// `description` ("This object cannot be extended with additional
/// properties, and any properties added SHALL be ignored"); in 3.0 it is
/// `$ref` alone with siblings ignored, which documents rely on, so 3.0 is
/// left as it was.
fn reference(map: &Map<String, Value>, at: &str, out: &mut Walk) {
    if !out.version.json_schema() {
        return;
    }
    for key in map.keys() {
        if !matches!(key.as_str(), "$ref" | "summary" | "description") && !key.starts_with("x-") {
            out.out.push((
                "unknown-key",
                pointer::push(at, key),
                format!(
                    "`{key}` is not a field of a Reference Object, which holds `$ref`, `summary` and `description` only (anything else is ignored)"
                ),
            ));
        }
    }
}

fn fixed(map: &Map<String, Value>, at: &str, object: Object, out: &mut Walk, depth: usize) {
    for (key, child) in map {
        if key.starts_with("x-") {
            continue;
        }
        let here = pointer::push(at, key);
        match object.field(out.version, key) {
            None => {
                let message = unknown_key(key, child, object, out.version);
                out.out.push(("unknown-key", here, message));
            }
            Some(field) => descend(child, &here, field, out, depth),
        }
    }
}

fn descend(child: &Value, here: &str, field: Field, out: &mut Walk, depth: usize) {
    match field {
        Data => {}
        One(o) => walk(child, here, o, out, depth),
        SchemaOrBool => walk(child, here, Object::Schema, out, depth),
        M(o) => {
            for (name, v) in child.as_object().into_iter().flatten() {
                walk(v, &pointer::push(here, name), o, out, depth);
            }
        }
        List(o) => {
            for (i, v) in child.as_array().into_iter().flatten().enumerate() {
                walk(v, &pointer::push(here, &i.to_string()), o, out, depth);
            }
        }
    }
}

/// Objects made of patterned fields: paths, statuses, callback expressions,
/// security requirement names.
fn patterned(map: &Map<String, Value>, at: &str, object: Object, out: &mut Walk, depth: usize) {
    for (key, child) in map {
        if key.starts_with("x-") {
            continue;
        }
        let here = pointer::push(at, key);
        match object {
            Object::Paths if !key.starts_with('/') => out.out.push((
                "path-key",
                here,
                format!("path `{key}` must begin with `/`"),
            )),
            Object::Paths | Object::Callback => walk(child, &here, Object::PathItem, out, depth),
            Object::Responses if !is_status_key(key) => out.out.push((
                "status-code",
                here,
                format!(
                    "`{key}` is not a response status: use a code (200), a range (4XX) or `default`"
                ),
            )),
            Object::Responses => walk(child, &here, Object::Response, out, depth),
            _ => {}
        }
    }
}

/// `200`, `4XX` or `default`.
fn is_status_key(key: &str) -> bool {
    if key == "default" {
        return true;
    }
    let b = key.as_bytes();
    b.len() == 3
        && (b'1'..=b'5').contains(&b[0])
        && ((b[1].is_ascii_digit() && b[2].is_ascii_digit()) || &b[1..] == b"XX")
}

/// The message for a key the object does not define, with a hint when
/// the key looks like half of a YAML scalar split at `, `.
fn unknown_key(key: &str, value: &Value, object: Object, version: Version) -> String {
    let mut message = format!("`{key}` is not a field of the {}", object.name());
    if value.is_null() && (key.contains(' ') || key.ends_with('.')) {
        message.push_str(
            " (it has no value: this looks like the rest of a plain YAML scalar cut at `, ` inside a flow mapping `{...}`; quote the text before it)",
        );
    } else if let Some(near) = object
        .names(version)
        .map(|(name, _)| name)
        .find(|name| close(name, key))
    {
        message.push_str(&format!(" (did you mean `{near}`?)"));
    }
    message
}

/// Same letters ignoring case, or one edit apart: a likely misspelling.
fn close(a: &str, b: &str) -> bool {
    if a.eq_ignore_ascii_case(b) {
        return true;
    }
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > 1 || a.len() < 4 {
        return false;
    }
    // Levenshtein distance at most 1, or one adjacent swap.
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    let swapped = a.len() == b.len() && a.iter().zip(&b).filter(|(x, y)| x != y).count() == 2 && {
        let mut x = a.clone();
        let mut y = b.clone();
        x.sort_unstable();
        y.sort_unstable();
        x == y
    };
    prev[b.len()] <= 1 || swapped
}

/// Rules about one object's contents that the field table cannot say.
fn rules(map: &Map<String, Value>, at: &str, object: Object, walk: &mut Walk) {
    let out = &mut walk.out;
    match object {
        Object::Schema => {
            let array = map.get("type").and_then(Value::as_str) == Some("array");
            // 3.1's arrays are JSON Schema's: `items` is optional there.
            if array && !map.contains_key("items") && !walk.version.json_schema() {
                out.push((
                    "array-items",
                    at.to_string(),
                    "an array schema must have `items` (OpenAPI 3.0 requires it)".to_string(),
                ));
            }
            let set = |key| map.get(key).and_then(Value::as_bool) == Some(true);
            if set("readOnly") && set("writeOnly") {
                out.push((
                    "read-write-only",
                    at.to_string(),
                    "a property must not be both readOnly and writeOnly".to_string(),
                ));
            }
        }
        Object::Example if map.contains_key("value") && map.contains_key("externalValue") => {
            out.push((
                "example-value",
                at.to_string(),
                "an Example has `value` or `externalValue`, not both (they are mutually exclusive)"
                    .to_string(),
            ));
        }
        Object::Parameter => {
            let path = map.get("in").and_then(Value::as_str) == Some("path");
            if path && map.get("required").and_then(Value::as_bool) != Some(true) {
                let name = map.get("name").and_then(Value::as_str).unwrap_or("");
                out.push((
                    "path-parameter",
                    at.to_string(),
                    format!("path parameter `{name}` must say `required: true`"),
                ));
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    /// The rule ids and pointers found in `raw`.
    fn found(raw: &Value) -> Vec<(&'static str, String)> {
        check(raw, Version::V3_0)
            .into_iter()
            .map(|(r, at, _)| (r, at))
            .collect()
    }

    /// A document whose schema `S` nests `levels` schemas through `wrap`
    /// (`{"items": inner}`, …), the innermost with an unknown key.
    fn nested(levels: usize, wrap: fn(Value) -> Value) -> Value {
        let inner = (0..levels).fold(json!({"bogus": 1}), |inner, _| wrap(inner));
        json!({"openapi": "3.0.3", "components": {"schemas": {"S": inner}}})
    }

    fn bogus_found(raw: &Value) -> bool {
        found(raw)
            .iter()
            .any(|(r, at)| *r == "unknown-key" && at.ends_with("/bogus"))
    }

    #[test]
    fn the_walk_goes_max_depth_deep_by_every_way_down() {
        // Root 1, components 2, S 3: S nests MAX_DEPTH - 3 more and is seen.
        let property = |inner| json!({"type": "object", "properties": {"p": inner}});
        assert!(bogus_found(&nested(MAX_DEPTH - 3, property)));
        assert!(!bogus_found(&nested(MAX_DEPTH - 2, property)));
        let ways: [fn(Value) -> Value; 3] = [
            |inner| json!({"type": "array", "items": inner}),
            |inner| json!({"additionalProperties": inner}),
            |inner| json!({"allOf": [inner]}),
        ];
        for wrap in ways {
            assert!(bogus_found(&nested(10, wrap)));
            assert!(!bogus_found(&nested(MAX_DEPTH, wrap)));
        }
        // Through paths, callbacks and responses.
        let callback = |inner: Value| json!({"post": {"responses": {"200": {"description": "ok"}}, "callbacks": {"c": {"{$url}": inner}}}});
        let at_response = |levels| {
            let item = (0..levels).fold(
                json!({"get": {"responses": {"200": {"description": "ok", "bogus": 1}}}}),
                |inner, _| callback(inner),
            );
            json!({"openapi": "3.0.3", "paths": {"/a": item}})
        };
        assert!(bogus_found(&at_response(3)));
        assert!(!bogus_found(&at_response(MAX_DEPTH / 2)));
    }

    #[test]
    fn a_reference_stands_only_where_the_specification_allows_one() {
        let raw = json!({"openapi": "3.0.3", "info": {"$ref": "#/x", "title": "t"},
            "components": {"schemas": {"S": {"$ref": "#/components/schemas/T", "bogus": 1}}}});
        assert_eq!(found(&raw), [("unknown-key", "/info/$ref".to_string())]);
    }

    #[test]
    fn status_keys_are_codes_ranges_or_default() {
        for good in ["200", "599", "1XX", "5XX", "default"] {
            assert!(is_status_key(good), "{good}");
        }
        for bad in [
            "600", "099", "20", "2000", "2X0", "2xx", "XX2", "abc", "Default",
        ] {
            assert!(!is_status_key(bad), "{bad}");
        }
    }

    #[test]
    fn an_unknown_key_gets_a_scalar_hint_or_a_suggestion() {
        let hint = "rest of a plain YAML scalar";
        let schema = Object::Schema;
        let unknown_key = |k, v: &Value, o| unknown_key(k, v, o, Version::V3_0);
        assert!(unknown_key("may be empty", &Value::Null, schema).contains(hint));
        assert!(unknown_key("empty.", &Value::Null, schema).contains(hint));
        assert!(!unknown_key("empty", &Value::Null, schema).contains(hint));
        assert!(!unknown_key("may be", &json!(1), schema).contains(hint));
        assert!(unknown_key("minimun", &json!(1), schema).ends_with("(did you mean `minimum`?)"));
        assert!(unknown_key("zzzzzz", &json!(1), schema).ends_with("Schema Object"));
    }

    #[test]
    fn close_is_one_edit_or_one_swap_apart() {
        for (a, b) in [
            ("required", "requried"),
            ("title", "tilte"),
            ("summary", "summry"),
            ("minimum", "minimun"),
            ("description", "descriptions"),
            ("abcd", "abce"),
            ("abcd", "abdc"),
            ("Title", "title"),
            ("xml", "XML"),
            ("items", "item"),
            ("item", "items"),
        ] {
            assert!(close(a, b), "{a} {b}");
        }
        for (a, b) in [
            ("abc", "abd"),
            ("required", "requireddd"),
            ("abcd", "badc"),
            ("title", "qwert"),
            ("format", "formal2"),
            ("abcd", "acbe"),
            ("items", "itemxyz"),
            ("abcde", "abxd"),
        ] {
            assert!(!close(a, b), "{a} {b}");
        }
    }

    #[test]
    fn shape_rules_fire_on_their_case_only() {
        let schema = |s: Value| json!({"openapi": "3.0.3", "components": {"schemas": {"S": s}}});
        let rules = |s| {
            found(&schema(s))
                .into_iter()
                .map(|(r, _)| r)
                .collect::<Vec<_>>()
        };
        assert_eq!(rules(json!({"type": "array"})), ["array-items"]);
        assert!(rules(json!({"type": "array", "items": {}})).is_empty());
        assert!(rules(json!({"type": "object"})).is_empty());
        assert!(rules(json!({"readOnly": true})).is_empty());
        assert!(rules(json!({"writeOnly": true})).is_empty());
        assert!(rules(json!({"readOnly": true, "writeOnly": false})).is_empty());
        assert_eq!(
            rules(json!({"readOnly": true, "writeOnly": true})),
            ["read-write-only"]
        );
    }
}
