//! Walks over a document's structure that every tool needs: its
//! operations (including webhooks), its schema objects and its examples.
//! Not lint rules: the linter, the model, the generators and the docs all
//! read the document through these.

use openapi_jsonschema::Subschemas;
use serde_json::Value;

use crate::{Document, pointer};

/// The HTTP methods a Path Item Object may hold as fixed fields, in the
/// specification's order (`query` is 3.2's; the official schemas refuse it
/// in earlier documents, so reading it everywhere is safe).
pub const HTTP_METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace", "query",
];

/// The top-level keys that hold operations, in the order read: `paths`,
/// 3.1's `webhooks` and the `x-webhooks` extension (3.0's spelling of it).
const ROOT_KEYS: &[(&str, Root)] = &[
    ("paths", Root::Paths),
    ("webhooks", Root::Webhooks),
    ("x-webhooks", Root::Webhooks),
];

/// One operation found in the document.
#[derive(Debug, Clone, Copy)]
pub struct OperationRef<'a> {
    /// The path template (`/users/{user_id}`), or the webhook's name.
    pub path: &'a str,
    /// The HTTP method as written in the document: a fixed field's name
    /// (lower case), or a key of 3.2's `additionalOperations` (`COPY`).
    pub method: &'a str,
    /// The top-level key it is under: `paths`, `webhooks` or `x-webhooks`.
    pub root_key: &'static str,
    /// Whether it is under the Path Item's `additionalOperations` (3.2).
    pub additional: bool,
    /// The Operation Object.
    pub operation: &'a Value,
}

/// Where an operation lives: answered by the API's server, or sent by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Root {
    /// `paths`: requests the server answers.
    Paths,
    /// `webhooks` (3.1 on), or `x-webhooks` (the same, kept under an
    /// extension in 3.0): requests the provider sends.
    Webhooks,
}

impl OperationRef<'_> {
    /// Which root holds it: what its top-level key means.
    pub fn root(&self) -> Root {
        ROOT_KEYS
            .iter()
            .find(|(key, _)| *key == self.root_key)
            .map_or(Root::Paths, |&(_, root)| root)
    }

    /// The JSON pointer of the Operation Object.
    pub fn pointer(&self) -> String {
        let item = self.path_item_pointer();
        if self.additional {
            pointer::push(&pointer::push(&item, "additionalOperations"), self.method)
        } else {
            pointer::push(&item, self.method)
        }
    }

    /// The JSON pointer of the Path Item Object holding it.
    pub fn path_item_pointer(&self) -> String {
        pointer::push(&format!("/{}", self.root_key), self.path)
    }
}

/// Every operation of `paths` and then of the webhooks, in document order;
/// in each Path Item the fixed methods first, then `additionalOperations`.
pub fn operations(raw: &Value) -> Vec<OperationRef<'_>> {
    let mut ops = Vec::new();
    for &(root_key, _) in ROOT_KEYS {
        let Some(paths) = raw.get(root_key).and_then(Value::as_object) else {
            continue;
        };
        for (path, item) in paths {
            let fixed = HTTP_METHODS
                .iter()
                .filter_map(|m| Some((*m, item.get(*m)?, false)));
            let additional = item
                .get("additionalOperations")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(m, o)| (m.as_str(), o, true));
            for (method, operation, additional) in fixed.chain(additional) {
                if operation.is_object() {
                    ops.push(OperationRef {
                        path,
                        method,
                        root_key,
                        additional,
                        operation,
                    });
                }
            }
        }
    }
    ops
}

/// Keys whose value is data, not document structure: examples, defaults,
/// enums and extensions (except `x-webhooks`, which holds operations).
pub(crate) fn is_data_key(key: &str) -> bool {
    matches!(key, "example" | "default" | "enum" | "const")
        || (key.starts_with("x-") && key != "x-webhooks")
}

/// One example in a document and the schema it must satisfy.
#[derive(Debug, Clone)]
pub struct Example<'a> {
    /// Where the schema is (after following the holder's `schema` key, not its `$ref`).
    pub schema_pointer: String,
    /// Where the example value is.
    pub pointer: String,
    /// The example itself.
    pub value: &'a Value,
}

/// A node found by the walk: where it is, and the node.
pub type Node<'a> = (String, &'a Value);

/// The schema objects and example holders of a document, found in one walk.
#[derive(Debug, Default)]
pub struct Schemas<'a> {
    /// Every schema object (`$ref`s excluded), in document order.
    pub schemas: Vec<Node<'a>>,
    /// Every object with a `schema` key: media types, parameters, headers.
    pub holders: Vec<Node<'a>>,
}

impl<'a> Schemas<'a> {
    /// Walks the document once.
    pub fn of(raw: &'a Value) -> Self {
        let mut found = Schemas::default();
        walk(raw, "", None, &mut found);
        found
    }

    /// Every example: `example` and the items of an `examples` list
    /// (JSON Schema's, from 3.1 on) on schemas, and `example` or
    /// `examples/*/value` on media types, parameters and headers.
    pub fn examples(&self, doc: &'a Document) -> Vec<Example<'a>> {
        let mut out = Vec::new();
        for (ptr, schema) in &self.schemas {
            if let Some(value) = schema.get("example") {
                out.push(Example {
                    schema_pointer: ptr.clone(),
                    pointer: format!("{ptr}/example"),
                    value,
                });
            }
            let listed = schema.get("examples").and_then(Value::as_array);
            for (i, value) in listed.into_iter().flatten().enumerate() {
                out.push(Example {
                    schema_pointer: ptr.clone(),
                    pointer: format!("{ptr}/examples/{i}"),
                    value,
                });
            }
        }
        for (ptr, holder) in &self.holders {
            let schema_pointer = format!("{ptr}/schema");
            if let Some(value) = holder.get("example") {
                out.push(Example {
                    schema_pointer: schema_pointer.clone(),
                    pointer: format!("{ptr}/example"),
                    value,
                });
            }
            for (name, ex) in holder
                .get("examples")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let ex_ptr = pointer::push(&format!("{ptr}/examples"), name);
                let Some((ex, ex_ptr)) = doc.resolve(ex, &ex_ptr) else {
                    continue;
                };
                if let Some(value) = ex.get("value") {
                    out.push(Example {
                        schema_pointer: schema_pointer.clone(),
                        pointer: format!("{ex_ptr}/value"),
                        value,
                    });
                }
            }
        }
        out
    }
}

/// Every example of the document: `example` on schemas, and `example` or
/// `examples/*/value` on media types, parameters and headers.
pub fn examples(doc: &Document) -> Vec<Example<'_>> {
    Schemas::of(&doc.raw).examples(doc)
}

/// Pointers of every schema object in the document (`$ref`s excluded).
pub fn schema_pointers(raw: &Value) -> Vec<String> {
    Schemas::of(raw)
        .schemas
        .into_iter()
        .map(|(p, _)| p)
        .collect()
}

/// Finds schema objects and example holders (objects with a `schema` key:
/// media types, parameters, headers) by the document's structure.
fn walk<'a>(v: &'a Value, at: &str, parent_key: Option<&str>, found: &mut Schemas<'a>) {
    let Value::Object(m) = v else {
        if let Value::Array(a) = v {
            for (i, c) in a.iter().enumerate() {
                walk(c, &format!("{at}/{i}"), parent_key, found);
            }
        }
        return;
    };
    if m.get("schema").is_some_and(Value::is_object) {
        found.holders.push((at.to_string(), v));
    }
    for (k, child) in m {
        if is_data_key(k) || (k == "value" && parent_key == Some("examples-entry")) {
            continue;
        }
        // Only containers can hold schemas: no pointer for a scalar.
        if !(child.is_object() || child.is_array()) {
            continue;
        }
        let here = pointer::push(at, k);
        if k == "schema" || (at == "/components/schemas") {
            schema_tree(child, &here, &mut found.schemas);
            continue;
        }
        let next_parent = if parent_key == Some("examples") {
            Some("examples-entry")
        } else {
            Some(k.as_str())
        };
        walk(child, &here, next_parent, found);
    }
}

/// Every schema object below (and including) `v`, skipping `$ref`s.
fn schema_tree<'a>(v: &'a Value, at: &str, out: &mut Vec<Node<'a>>) {
    let Some(m) = v.as_object() else { return };
    if m.contains_key("$ref") {
        return;
    }
    out.push((at.to_string(), v));
    for (k, child) in m {
        // The pointer is built only under a keyword that holds schemas.
        let Some(kind) = openapi_jsonschema::subschemas(k) else {
            continue;
        };
        let here = pointer::push(at, k);
        match kind {
            Subschemas::Map => {
                for (name, s) in child.as_object().into_iter().flatten() {
                    schema_tree(s, &pointer::push(&here, name), out);
                }
            }
            Subschemas::One => schema_tree(child, &here, out),
            Subschemas::List => {
                for (i, s) in child.as_array().into_iter().flatten().enumerate() {
                    schema_tree(s, &format!("{here}/{i}"), out);
                }
            }
        }
    }
}

/// One entry of a parameter list, its `$ref` followed.
#[derive(Debug, Clone)]
pub struct ParameterEntry<'a> {
    /// Where the entry is written (`…/parameters/0`): where findings go.
    pub written: String,
    /// Where its Parameter Object is (the `$ref`'s target, or `written`):
    /// what its schema's pointers hang from.
    pub resolved: String,
    /// The Parameter Object.
    pub value: &'a Value,
}

impl ParameterEntry<'_> {
    /// `in`.
    pub fn location(&self) -> &str {
        self.value.get("in").and_then(Value::as_str).unwrap_or("")
    }

    /// `name`.
    pub fn name(&self) -> &str {
        self.value.get("name").and_then(Value::as_str).unwrap_or("")
    }

    /// What makes a parameter unique in a list: `in` and `name`, a
    /// header's name lowercased (header names are case-insensitive).
    pub fn key(&self) -> (String, String) {
        let name = match self.location() {
            "header" => self.name().to_ascii_lowercase(),
            _ => self.name().to_string(),
        };
        (self.location().to_string(), name)
    }
}

/// The two parameter lists an operation sees, its Path Item's then its
/// own (an operation's entry overrides the path item's of the same key);
/// dangling references are left out (the `ref` rule reports them). The
/// lint, the model and the gate all read parameters through here.
pub fn parameter_lists<'a>(doc: &'a Document, op_pointer: &str) -> [Vec<ParameterEntry<'a>>; 2] {
    let item_pointer = op_pointer.rsplit_once('/').map_or("", |(p, _)| p);
    let item_pointer = item_pointer
        .strip_suffix("/additionalOperations")
        .unwrap_or(item_pointer);
    [item_pointer, op_pointer].map(|holder| {
        let list_pointer = format!("{holder}/parameters");
        let list = doc.raw.pointer(&list_pointer).and_then(Value::as_array);
        list.into_iter()
            .flatten()
            .enumerate()
            .filter_map(|(i, p)| {
                let written = format!("{list_pointer}/{i}");
                let (value, resolved) = doc.resolve(p, &written)?;
                Some(ParameterEntry {
                    written,
                    resolved,
                    value,
                })
            })
            .collect()
    })
}
