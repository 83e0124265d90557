//! Converts OpenAPI 3.0 Schema Objects into JSON Schema draft 2020-12
//! (a 3.1/3.2 document's schemas are JSON Schema already: the loader folds
//! the few spellings the two versions share into 3.0's, and every 2020-12
//! keyword passes through here with its `$ref`s bundled).
//!
//! OpenAPI 3.0 schemas are not JSON Schema: `nullable` has no meaning to a
//! JSON Schema validator (the `jsonschema` crate ignores it), `exclusiveMinimum`
//! is a boolean, `example` is singular and `discriminator` is a hint that
//! validators skip. Everything downstream (validators, the files in
//! `openapi/schemas/`, contract checks, docs) uses the output of this crate,
//! so the conversion happens in exactly one place.
//!
//! The output of [`Converter::bundle`] is self-contained: every component it
//! needs is copied under `$defs` and every `$ref` points there, so a consumer
//! needs no resolver.

#![warn(missing_docs)]

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

/// The `$schema` every output carries.
pub const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

const COMPONENT_PREFIX: &str = "#/components/schemas/";

/// Why a schema cannot be converted.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ConvertError {
    /// A `$ref` to another file or to something other than a component schema.
    #[error("{pointer}: $ref `{reference}` does not name a schema under #/components/schemas")]
    UnsupportedRef {
        /// Where, as a JSON pointer.
        pointer: String,
        /// The `$ref` as written.
        reference: String,
    },
    /// A `$ref` to a component that does not exist.
    #[error("{pointer}: $ref `{reference}` names a schema that does not exist")]
    DanglingRef {
        /// Where, as a JSON pointer.
        pointer: String,
        /// The `$ref` as written.
        reference: String,
    },
    /// Nesting deeper than the converter follows.
    #[error("{pointer}: schema nesting is deeper than {limit}")]
    TooDeep {
        /// Where, as a JSON pointer.
        pointer: String,
        /// The limit.
        limit: usize,
    },
    /// A discriminator mapping that names no component schema.
    #[error("{pointer}: discriminator mapping value `{reference}` is not a component schema")]
    BadMapping {
        /// Where, as a JSON pointer.
        pointer: String,
        /// The `$ref` as written.
        reference: String,
    },
}

/// Converts schemas of one OpenAPI document.
pub struct Converter<'a> {
    components: Option<&'a Map<String, Value>>,
    /// From 3.1 a `$ref` is one keyword among others in a schema; in 3.0
    /// its siblings are ignored.
    ref_siblings_apply: bool,
}

const MAX_DEPTH: usize = 256;

impl<'a> Converter<'a> {
    /// `document` is the whole OpenAPI document as JSON.
    pub fn new(document: &'a Value) -> Self {
        let version = document
            .get("openapi")
            .and_then(Value::as_str)
            .unwrap_or("");
        Self {
            components: document
                .pointer("/components/schemas")
                .and_then(Value::as_object),
            ref_siblings_apply: version.starts_with("3.1.") || version.starts_with("3.2."),
        }
    }

    /// Names of all component schemas, sorted.
    pub fn component_names(&self) -> Vec<&'a str> {
        let mut names: Vec<&str> = self
            .components
            .map(|c| c.keys().map(String::as_str).collect())
            .unwrap_or_default();
        names.sort_unstable();
        names
    }

    /// A self-contained 2020-12 schema for the component `name`.
    pub fn component(&self, name: &str) -> Result<Value, ConvertError> {
        let reference = format!("{COMPONENT_PREFIX}{name}");
        let root = json!({ "$ref": reference });
        let mut out = self.bundle(&root, "")?;
        // Put the component itself at the root instead of a bare $ref, so the
        // file reads as the schema it is.
        if let Some(obj) = out.as_object_mut() {
            obj.remove("$ref");
            let defs = obj.get("$defs").cloned();
            let body = defs
                .as_ref()
                .and_then(|d| d.get(name))
                .cloned()
                .unwrap_or(Value::Bool(true));
            let mut merged = Map::new();
            merged.insert("$schema".into(), DIALECT.into());
            merged.insert("title".into(), name.into());
            if let Value::Object(b) = body {
                for (k, v) in b {
                    merged.insert(k, v);
                }
            }
            // Keep $defs only for what the body references (itself included
            // when the schema is recursive).
            if let Some(Value::Object(mut d)) = defs {
                let self_ref = format!("#/$defs/{name}");
                if !contains_ref(&Value::Object(merged.clone()), &self_ref) {
                    d.remove(name);
                }
                if !d.is_empty() {
                    merged.insert("$defs".into(), Value::Object(d));
                }
            }
            return Ok(Value::Object(merged));
        }
        Ok(out)
    }

    /// Converts `schema` (found at `pointer`) and bundles every component it
    /// uses under `$defs`.
    pub fn bundle(&self, schema: &Value, pointer: &str) -> Result<Value, ConvertError> {
        let mut used = BTreeSet::new();
        let converted = self.convert(schema, pointer, 0, &mut used)?;
        let mut defs = BTreeMap::new();
        let mut pending: Vec<String> = used.iter().cloned().collect();
        while let Some(name) = pending.pop() {
            if defs.contains_key(&name) {
                continue;
            }
            let ptr = format!("/components/schemas/{name}");
            let src = self.components.and_then(|c| c.get(&name)).ok_or_else(|| {
                ConvertError::DanglingRef {
                    pointer: pointer.to_string(),
                    reference: format!("{COMPONENT_PREFIX}{name}"),
                }
            })?;
            let mut inner = BTreeSet::new();
            let c = self.convert(src, &ptr, 0, &mut inner)?;
            defs.insert(name, c);
            pending.extend(inner.into_iter().filter(|n| !defs.contains_key(n)));
        }
        let mut out = Map::new();
        out.insert("$schema".into(), DIALECT.into());
        match converted {
            Value::Object(m) => out.extend(m),
            Value::Bool(b) if b => {}
            other => {
                out.insert("allOf".into(), Value::Array(vec![other]));
            }
        }
        if !defs.is_empty() {
            out.insert(
                "$defs".into(),
                Value::Object(defs.into_iter().collect::<Map<_, _>>()),
            );
        }
        Ok(Value::Object(out))
    }

    fn convert(
        &self,
        schema: &Value,
        pointer: &str,
        depth: usize,
        used: &mut BTreeSet<String>,
    ) -> Result<Value, ConvertError> {
        if depth > MAX_DEPTH {
            return Err(ConvertError::TooDeep {
                pointer: pointer.to_string(),
                limit: MAX_DEPTH,
            });
        }
        let Some(obj) = schema.as_object() else {
            // `true`/`false` are not OpenAPI 3.0 schemas, but keep them as JSON Schema does.
            return Ok(schema.clone());
        };
        if let Some(reference) = obj.get("$ref").and_then(Value::as_str) {
            let name = self.component_name(reference, pointer)?;
            used.insert(name.clone());
            let target = json!({ "$ref": format!("#/$defs/{name}") });
            // OpenAPI 3.0: siblings of $ref are ignored. From 3.1 they
            // apply beside it: both must hold.
            // Annotations beside it (a description, an example) change no
            // verdict: the reference alone is checked more cheaply.
            let mut siblings = obj.clone();
            siblings.retain(|k, _| k != "$ref" && !is_annotation(k));
            if !self.ref_siblings_apply || siblings.is_empty() {
                return Ok(target);
            }
            let rest = self.convert(&Value::Object(siblings), pointer, depth + 1, used)?;
            return Ok(json!({ "allOf": [target, rest] }));
        }
        let mut out = Map::new();
        let nullable = obj.get("nullable").and_then(Value::as_bool) == Some(true);
        for (key, value) in obj {
            if let Some(converted) = self.convert_key(key, value, pointer, depth, used)? {
                out.insert(key_name(obj, key), converted);
            }
        }
        if let Some(disc) = obj.get("discriminator") {
            self.apply_discriminator(obj, disc, pointer, &mut out)?;
        }
        if nullable {
            make_nullable(&mut out);
        }
        Ok(Value::Object(out))
    }

    /// One keyword of a schema object, converted; `None` drops it.
    fn convert_key(
        &self,
        key: &str,
        value: &Value,
        pointer: &str,
        depth: usize,
        used: &mut BTreeSet<String>,
    ) -> Result<Option<Value>, ConvertError> {
        let child = |k: &str| format!("{pointer}/{}", escape(k));
        Ok(Some(match key {
            "nullable" | "discriminator" | "xml" | "externalDocs" => return Ok(None),
            k if k.starts_with("x-") => return Ok(None),
            "example" => Value::Array(vec![value.clone()]),
            // 3.0: a boolean modifying minimum/maximum; folded in by `key_name`.
            "exclusiveMinimum" | "exclusiveMaximum" if !value.is_number() => return Ok(None),
            // The 2020-12 applicators (`$defs`, `prefixItems`, `if`, …) come
            // only from 3.1/3.2 documents, whose schemas are JSON Schema
            // already: converted the same way so their `$ref`s are bundled.
            k if subschemas(k) == Some(Subschemas::Map) => {
                let mut props = Map::new();
                for (name, s) in value.as_object().into_iter().flatten() {
                    let ptr = format!("{}/{}", child(key), escape(name));
                    props.insert(name.clone(), self.convert(s, &ptr, depth + 1, used)?);
                }
                Value::Object(props)
            }
            k if subschemas(k) == Some(Subschemas::One) && value.is_object() => {
                self.convert(value, &child(key), depth + 1, used)?
            }
            k if subschemas(k) == Some(Subschemas::List) => {
                let mut list = Vec::new();
                for (i, s) in value.as_array().into_iter().flatten().enumerate() {
                    let ptr = format!("{}/{i}", child(key));
                    list.push(self.convert(s, &ptr, depth + 1, used)?);
                }
                Value::Array(list)
            }
            _ => value.clone(),
        }))
    }

    /// Each `oneOf`/`anyOf` branch gets `properties: {<prop>: {const: <tag>}}`
    /// and `required: [<prop>]`, so exactly the branch named by the tag can match.
    fn apply_discriminator(
        &self,
        obj: &Map<String, Value>,
        disc: &Value,
        pointer: &str,
        out: &mut Map<String, Value>,
    ) -> Result<(), ConvertError> {
        let Some(prop) = disc.get("propertyName").and_then(Value::as_str) else {
            return Ok(());
        };
        let tags = discriminator_tags(obj, disc, |r| self.component_name(r, pointer).ok())?;
        for key in ["oneOf", "anyOf"] {
            let Some(Value::Array(branches)) = out.get_mut(key) else {
                continue;
            };
            let Some(src) = obj.get(key).and_then(Value::as_array) else {
                continue;
            };
            for (branch, original) in branches.iter_mut().zip(src) {
                let Some(reference) = original.get("$ref").and_then(Value::as_str) else {
                    continue;
                };
                let name = self.component_name(reference, pointer)?;
                let values: Vec<Value> = tags
                    .iter()
                    .filter(|(_, n)| **n == name)
                    .map(|(t, _)| Value::String(t.clone()))
                    .collect();
                let tag_schema = match values.as_slice() {
                    [one] => json!({ "const": one }),
                    _ => json!({ "enum": values }),
                };
                if let Value::Object(b) = branch {
                    b.insert("properties".into(), json!({ prop: tag_schema }));
                    b.insert("required".into(), json!([prop]));
                }
            }
        }
        Ok(())
    }

    fn component_name(&self, reference: &str, pointer: &str) -> Result<String, ConvertError> {
        let name = component_name(reference).ok_or_else(|| ConvertError::UnsupportedRef {
            pointer: pointer.to_string(),
            reference: reference.to_string(),
        })?;
        if self.components.is_some_and(|c| c.contains_key(&name)) {
            Ok(name)
        } else {
            Err(ConvertError::DanglingRef {
                pointer: pointer.to_string(),
                reference: reference.to_string(),
            })
        }
    }
}

/// How a schema keyword holds subschemas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subschemas {
    /// A map of names to schemas (`properties`, `$defs`).
    Map,
    /// One schema (`items`, `not`, `if`).
    One,
    /// A list of schemas (`allOf`, `prefixItems`).
    List,
}

/// Where a keyword holds subschemas (3.0's applicators and 2020-12's;
/// the 2020-12 ones appear only in 3.1/3.2 documents): the one list the
/// converter and every walk over schemas share.
pub fn subschemas(key: &str) -> Option<Subschemas> {
    Some(match key {
        "properties" | "$defs" | "patternProperties" | "dependentSchemas" => Subschemas::Map,
        "items"
        | "not"
        | "additionalProperties"
        | "if"
        | "then"
        | "else"
        | "contains"
        | "propertyNames"
        | "unevaluatedItems"
        | "unevaluatedProperties" => Subschemas::One,
        "allOf" | "oneOf" | "anyOf" | "prefixItems" => Subschemas::List,
        _ => return None,
    })
}

/// Keywords that describe and never constrain (JSON Schema's meta-data
/// and OpenAPI's annotations).
fn is_annotation(key: &str) -> bool {
    matches!(
        key,
        "title"
            | "description"
            | "summary"
            | "default"
            | "example"
            | "examples"
            | "deprecated"
            | "readOnly"
            | "writeOnly"
            | "$comment"
            | "externalDocs"
            | "xml"
    ) || key.starts_with("x-")
}

/// The 2020-12 name of a converted keyword: `example` becomes `examples`,
/// and 3.0's `minimum` with `exclusiveMinimum: true` becomes 2020-12's
/// numeric `exclusiveMinimum` (likewise for the maximum).
fn key_name(obj: &Map<String, Value>, key: &str) -> String {
    let flag = match key {
        "example" => return "examples".into(),
        "minimum" => "exclusiveMinimum",
        "maximum" => "exclusiveMaximum",
        _ => return key.to_string(),
    };
    if obj.get(flag).and_then(Value::as_bool) == Some(true) {
        flag.to_string()
    } else {
        key.to_string()
    }
}

/// The component schema a `$ref` names (`#/components/schemas/A~1B` →
/// `A/B`), or `None` for any other reference. Whether it exists is the
/// caller's question.
pub fn component_name(reference: &str) -> Option<String> {
    reference
        .strip_prefix(COMPONENT_PREFIX)
        .map(|n| n.replace("~1", "/").replace("~0", "~"))
}

/// The `$ref` to the component schema `name` (the inverse of
/// [`component_name`]).
pub fn component_ref(name: &str) -> String {
    format!(
        "{COMPONENT_PREFIX}{}",
        name.replace('~', "~0").replace('/', "~1")
    )
}

/// The discriminator's tag → component name pairs: the explicit `mapping`,
/// plus, for branches no mapping names, the component's own name (the
/// OpenAPI 3.0 default).
pub fn discriminator_tags(
    schema: &Map<String, Value>,
    disc: &Value,
    name_of: impl Fn(&str) -> Option<String>,
) -> Result<BTreeMap<String, String>, ConvertError> {
    let mut tags = BTreeMap::new();
    if let Some(mapping) = disc.get("mapping").and_then(Value::as_object) {
        for (tag, target) in mapping {
            let target = target.as_str().unwrap_or_default();
            // A mapping value may be a bare schema name.
            let reference = if target.starts_with('#') {
                target.to_string()
            } else {
                format!("{COMPONENT_PREFIX}{target}")
            };
            let name = name_of(&reference).ok_or_else(|| ConvertError::BadMapping {
                pointer: "discriminator/mapping".into(),
                reference: target.to_string(),
            })?;
            tags.insert(tag.clone(), name);
        }
    }
    for key in ["oneOf", "anyOf"] {
        for branch in schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(name) = branch
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(&name_of)
                && !tags.values().any(|n| *n == name)
            {
                tags.insert(name.clone(), name);
            }
        }
    }
    Ok(tags)
}

/// Adds `null` to what a converted schema accepts.
fn make_nullable(out: &mut Map<String, Value>) {
    match out.get_mut("type") {
        Some(Value::String(t)) => {
            let t = t.clone();
            out.insert("type".into(), json!([t, "null"]));
        }
        Some(Value::Array(list)) => {
            if !list.iter().any(|v| v == "null") {
                list.push("null".into());
            }
        }
        _ => {
            // No type (e.g. allOf/oneOf with nullable): accept null beside it.
            let inner = std::mem::take(out);
            let (annotations, rest): (Map<String, Value>, Map<String, Value>) = inner
                .into_iter()
                .partition(|(k, _)| matches!(k.as_str(), "description" | "title" | "examples"));
            out.extend(annotations);
            out.insert(
                "anyOf".into(),
                json!([Value::Object(rest), { "type": "null" }]),
            );
            return;
        }
    }
    if let Some(Value::Array(values)) = out.get_mut("enum")
        && !values.contains(&Value::Null)
    {
        values.push(Value::Null);
    }
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn contains_ref(v: &Value, target: &str) -> bool {
    match v {
        Value::Object(m) => m.iter().any(|(k, v)| {
            (k == "$ref" && v.as_str() == Some(target)) || (k != "$defs" && contains_ref(v, target))
        }),
        Value::Array(a) => a.iter().any(|v| contains_ref(v, target)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_component_ref_reads_back_as_its_name() {
        for name in ["Cat", "a/b", "t~x"] {
            let r = component_ref(name);
            assert!(r.starts_with("#/components/schemas/"), "{r}");
            assert_eq!(component_name(&r).as_deref(), Some(name));
        }
        assert_eq!(component_ref("a/b"), "#/components/schemas/a~1b");
    }

    fn doc() -> Value {
        json!({
            "components": { "schemas": {
                "Pet": {
                    "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                    "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat"}}
                },
                "Cat": {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}, "name": {"type": "string", "nullable": true}}},
                "Dog": {"type": "object", "properties": {"age": {"type": "integer", "minimum": 0, "exclusiveMinimum": true}}},
                "Node": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Node"}}},
                "Maybe": {"allOf": [{"$ref": "#/components/schemas/Cat"}], "nullable": true, "description": "d"}
            }}
        })
    }

    #[test]
    fn a_ref_s_siblings_apply_from_3_1_only() {
        let schema =
            json!({"$ref": "#/components/schemas/Cat", "maxLength": 3, "description": "d"});
        let mut doc = doc();
        doc["openapi"] = json!("3.0.3");
        let old = Converter::new(&doc).bundle(&schema, "").unwrap();
        assert_eq!(old["$ref"], json!("#/$defs/Cat"));
        doc["openapi"] = json!("3.1.0");
        let new = Converter::new(&doc).bundle(&schema, "").unwrap();
        assert_eq!(
            new["allOf"],
            json!([{"$ref": "#/$defs/Cat"}, {"maxLength": 3}])
        );
        let described = json!({"$ref": "#/components/schemas/Cat", "description": "d"});
        let new = Converter::new(&doc).bundle(&described, "").unwrap();
        assert_eq!(
            new["$ref"],
            json!("#/$defs/Cat"),
            "a description constrains nothing"
        );
    }

    #[test]
    fn nullable_becomes_null_type() {
        let d = doc();
        let cat = Converter::new(&d).component("Cat").unwrap();
        assert_eq!(cat["properties"]["name"]["type"], json!(["string", "null"]));
        assert_eq!(cat["$schema"], DIALECT);
        assert!(cat.get("$defs").is_none());
    }

    #[test]
    fn nullable_without_type_wraps_in_any_of() {
        let d = doc();
        let m = Converter::new(&d).component("Maybe").unwrap();
        assert_eq!(m["description"], "d");
        assert_eq!(m["anyOf"][1], json!({"type": "null"}));
        assert_eq!(m["anyOf"][0]["allOf"][0]["$ref"], "#/$defs/Cat");
    }

    #[test]
    fn exclusive_minimum_becomes_a_number() {
        let d = doc();
        let dog = Converter::new(&d).component("Dog").unwrap();
        assert_eq!(
            dog["properties"]["age"],
            json!({"type": "integer", "exclusiveMinimum": 0})
        );
    }

    #[test]
    fn discriminator_becomes_const_tags() {
        let d = doc();
        let pet = Converter::new(&d).component("Pet").unwrap();
        assert_eq!(
            pet["oneOf"][0]["properties"]["kind"],
            json!({"const": "cat"})
        );
        assert_eq!(
            pet["oneOf"][1]["properties"]["kind"],
            json!({"const": "Dog"})
        );
        assert_eq!(pet["oneOf"][1]["required"], json!(["kind"]));
        assert!(pet["$defs"]["Cat"].is_object() && pet["$defs"]["Dog"].is_object());
        assert!(pet.get("discriminator").is_none());
    }

    #[test]
    fn recursive_component_keeps_itself_in_defs() {
        let d = doc();
        let node = Converter::new(&d).component("Node").unwrap();
        assert_eq!(node["properties"]["next"]["$ref"], "#/$defs/Node");
        assert!(node["$defs"]["Node"].is_object());
    }

    #[test]
    fn dangling_and_foreign_refs_are_errors() {
        let d = doc();
        let c = Converter::new(&d);
        assert!(matches!(
            c.bundle(&json!({"$ref": "#/components/schemas/Nope"}), "/x"),
            Err(ConvertError::DanglingRef { .. })
        ));
        assert!(matches!(
            c.bundle(&json!({"$ref": "other.yaml#/X"}), "/x"),
            Err(ConvertError::UnsupportedRef { .. })
        ));
    }
}
