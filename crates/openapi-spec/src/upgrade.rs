//! Rewrites a 3.0 document as 3.1, the way its maintainers would by hand:
//! `nullable` as a type list with `"null"`, boolean exclusive bounds as
//! numeric ones, a schema's `example` as an `examples` list, `x-webhooks`
//! as top-level `webhooks`. It is how the toolkit proves that a version
//! change alone changes nothing (the same model, code, reference and
//! verdicts, and no finding of the breaking-change gate), and the first
//! step for a maintainer moving a document to 3.1.

use serde_json::{Map, Value};

use crate::visit::Schemas;

/// The 3.1 rewrite of a 3.0 document's JSON tree. Anything 3.0 cannot
/// mean differently in 3.1 is left as written.
pub fn to_3_1(raw: &Value) -> Value {
    let mut out = raw.clone();
    let pointers: Vec<String> = Schemas::of(raw)
        .schemas
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    for at in pointers.iter().rev() {
        if let Some(Value::Object(schema)) = out.pointer_mut(at) {
            schema_to_3_1(schema);
        }
    }
    if let Some(root) = out.as_object_mut() {
        root.insert("openapi".into(), "3.1.0".into());
        if let Some(hooks) = root.remove("x-webhooks") {
            root.insert("webhooks".into(), hooks);
        }
    }
    out
}

fn schema_to_3_1(schema: &mut Map<String, Value>) {
    if schema.remove("nullable") == Some(Value::Bool(true)) {
        match schema.get("type").cloned() {
            Some(Value::String(t)) => {
                schema.insert("type".into(), serde_json::json!([t, "null"]));
            }
            _ => {
                let inner = match schema.remove("allOf") {
                    Some(Value::Array(mut one)) if one.len() == 1 => one.remove(0),
                    Some(other) => serde_json::json!({"allOf": other}),
                    None => Value::Bool(true),
                };
                schema.insert("anyOf".into(), serde_json::json!([inner, {"type": "null"}]));
            }
        }
    }
    for (bound, flag) in [
        ("minimum", "exclusiveMinimum"),
        ("maximum", "exclusiveMaximum"),
    ] {
        match schema.remove(flag) {
            Some(Value::Bool(true)) => {
                if let Some(limit) = schema.remove(bound) {
                    schema.insert(flag.into(), limit);
                }
            }
            Some(Value::Bool(false)) | None => {}
            Some(other) => {
                schema.insert(flag.into(), other);
            }
        }
    }
    if let Some(example) = schema.remove("example") {
        schema.insert("examples".into(), Value::Array(vec![example]));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::to_3_1;

    #[test]
    fn each_3_0_spelling_becomes_the_3_1_one() {
        let raw = json!({
            "openapi": "3.0.3",
            "x-webhooks": {"h": {}},
            "components": {"schemas": {"S": {
                "type": "object",
                "properties": {
                    "a": {"type": "string", "nullable": true, "example": "x"},
                    "b": {"type": "integer", "minimum": 0, "exclusiveMinimum": true},
                    "c": {"allOf": [{"$ref": "#/components/schemas/T"}], "nullable": true},
                    "d": {"allOf": [{"$ref": "#/components/schemas/T"}, {"required": ["a"]}], "nullable": true}
                }
            }}}
        });
        assert_eq!(
            to_3_1(&raw),
            json!({
                "openapi": "3.1.0",
                "webhooks": {"h": {}},
                "components": {"schemas": {"S": {
                    "type": "object",
                    "properties": {
                        "a": {"type": ["string", "null"], "examples": ["x"]},
                        "b": {"type": "integer", "exclusiveMinimum": 0},
                        "c": {"anyOf": [{"$ref": "#/components/schemas/T"}, {"type": "null"}]},
                        "d": {"anyOf": [{"allOf": [{"$ref": "#/components/schemas/T"}, {"required": ["a"]}]}, {"type": "null"}]}
                    }
                }}}
            })
        );
    }
}
