//! JSON Schema (2020-12) files: one per component schema and one per
//! documented response body of each operation.

use std::collections::BTreeMap;

use openapi_jsonschema::Converter;
use openapi_spec::media::json_schema_of;
use openapi_spec::{Document, visit::operations};
use serde_json::Value;

use crate::CodegenError;

/// Relative path → file contents (pretty JSON with a final newline).
pub fn generate(doc: &Document) -> Result<BTreeMap<String, String>, CodegenError> {
    let converter = Converter::new(&doc.raw);
    let mut files = BTreeMap::new();
    for name in converter.component_names() {
        let schema = converter.component(name)?;
        files.insert(format!("components/{name}.json"), to_text(&schema));
    }
    for found in operations(&doc.raw) {
        let (ptr, op) = (found.pointer(), found.operation);
        let Some(id) = op.get("operationId").and_then(Value::as_str) else {
            continue;
        };
        let Some(responses) = op.get("responses").and_then(Value::as_object) else {
            continue;
        };
        for (status, response) in responses {
            let rptr = openapi_spec::pointer::push(&format!("{ptr}/responses"), status);
            let Some((response, rptr)) = doc.resolve(response, &rptr) else {
                continue;
            };
            let Some((media, schema)) = json_schema_of(response) else {
                continue;
            };
            let sptr = format!(
                "{rptr}/content/{}/schema",
                openapi_spec::pointer::escape(media)
            );
            let mut bundled = converter.bundle(schema, &sptr)?;
            if let Value::Object(m) = &mut bundled {
                m.shift_insert(1, "title".into(), format!("{id} {status}").into());
            }
            files.insert(format!("operations/{id}/{status}.json"), to_text(&bundled));
        }
    }
    Ok(files)
}

fn to_text(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}
