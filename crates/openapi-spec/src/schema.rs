//! Small readers of OpenAPI Schema Objects in the raw tree, shared by the linter and the generator.

use std::collections::BTreeSet;

use serde_json::Value;

/// The names in a schema's `required` list.
pub fn required(schema: &Value) -> BTreeSet<&str> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

/// A schema's `properties`, in document order.
pub fn properties(schema: &Value) -> impl Iterator<Item = (&String, &Value)> {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
}

/// A schema's `allOf` parts, in document order.
pub fn all_of(schema: &Value) -> impl Iterator<Item = &Value> {
    schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

/// Whether the schema says `nullable: true`.
pub fn nullable(schema: &Value) -> bool {
    schema.get("nullable").and_then(Value::as_bool) == Some(true)
}

/// A schema's example: 3.0's `example`, or the first of JSON Schema's
/// `examples` list (3.1 on), which is what a reader shows.
pub fn example(schema: &Value) -> Option<&Value> {
    schema.get("example").or_else(|| {
        schema
            .get("examples")
            .and_then(Value::as_array)
            .and_then(|list| list.first())
    })
}
