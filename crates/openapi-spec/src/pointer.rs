//! RFC 6901 JSON pointers: building them and following them through a document.

use serde_json::Value;

/// Escapes one reference token (`~` → `~0`, `/` → `~1`).
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Reverses [`escape`].
pub fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// `base` with one more token.
pub fn push(base: &str, token: &str) -> String {
    format!("{base}/{}", escape(token))
}

/// The tokens of a pointer, unescaped.
pub fn tokens(pointer: &str) -> impl Iterator<Item = String> + '_ {
    pointer.split('/').skip(1).map(unescape)
}

/// The local part of a `$ref` (`#/components/schemas/X` → `/components/schemas/X`),
/// or `None` for a reference to another file or URL.
pub fn local_ref(reference: &str) -> Option<&str> {
    let rest = reference.strip_prefix('#')?;
    (rest.is_empty() || rest.starts_with('/')).then_some(rest)
}

/// The component schema a `$ref` names (`#/components/schemas/A~1B` →
/// `A/B`). Defined once, in the lowest crate (the schema converter needs it
/// too), and re-exported here where the other pointer helpers live.
pub use openapi_jsonschema::component_name;

/// The component schema a schema object is a bare `$ref` to, if it is one.
pub fn schema_ref_name(schema: &Value) -> Option<String> {
    component_name(schema.get("$ref")?.as_str()?)
}

/// The pointer of a component schema (`A/B` → `/components/schemas/A~1B`).
pub fn component_pointer(name: &str) -> String {
    push("/components/schemas", name)
}

/// The last token of a pointer, unescaped (`/components/schemas/User` → `User`).
pub fn last_token(pointer: &str) -> String {
    unescape(pointer.rsplit('/').next().unwrap_or(""))
}

/// Follows a local `$ref` chain from `value` to the node it finally names.
/// Returns the node and its pointer, or `None` if a reference dangles or loops.
pub fn resolve<'a>(root: &'a Value, value: &'a Value, at: &str) -> Option<(&'a Value, String)> {
    let mut node = value;
    let mut here = at.to_string();
    for _ in 0..64 {
        match node.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let target = local_ref(r)?;
                node = root.pointer(target)?;
                here = target.to_string();
            }
            None => return Some((node, here)),
        }
    }
    None
}
