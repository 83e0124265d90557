//! Walks a response body together with its OpenAPI schema (following
//! `$ref`, `allOf` and the chosen `oneOf`/`anyOf` branch) for what a JSON
//! Schema validator does not say plainly: which discriminated variant failed
//! and why, whether nullable keys are present, and which fields the document
//! does not describe.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use openapi_spec::pointer;
use serde_json::Value;

use crate::Finding;
use crate::model::Union;

/// A validator error, kept apart until we know which check owns it.
pub(crate) struct SchemaError {
    pub pointer: String,
    pub kind: ErrorKind,
    pub message: String,
    pub value: Option<String>,
}

#[derive(PartialEq, Eq)]
pub(crate) enum ErrorKind {
    /// A required property is missing (its name).
    Required(String),
    /// A `oneOf`/`anyOf` matched no branch (or several).
    Union,
    Other,
}

impl SchemaError {
    pub fn from_jsonschema(base: &str, e: &jsonschema::ValidationError<'_>) -> Self {
        use jsonschema::error::ValidationErrorKind as K;
        let kind = match e.kind() {
            K::Required { property } => {
                ErrorKind::Required(property.as_str().unwrap_or_default().to_string())
            }
            K::OneOfNotValid { .. } | K::OneOfMultipleValid { .. } | K::AnyOf { .. } => {
                ErrorKind::Union
            }
            _ => ErrorKind::Other,
        };
        let value = match kind {
            ErrorKind::Required(_) | ErrorKind::Union => None,
            ErrorKind::Other => Some(crate::shorten(e.instance())),
        };
        SchemaError {
            pointer: format!("{base}{}", e.instance_path().as_str()),
            kind,
            message: e.masked_with("the value").to_string(),
            value,
        }
    }
}

pub(crate) struct Walk<'a> {
    raw: &'a Value,
    unions: &'a HashMap<usize, Union>,
    /// The whole body already validated: branch validation can be skipped.
    top_valid: bool,
    /// Instance pointers of objects whose variant a discriminator chose.
    pub discriminated: HashSet<String>,
    /// (object pointer, property) of required nullable keys that are missing.
    pub missing_nullable: HashSet<(String, String)>,
    /// Pointers of nullable values that are present and not null.
    pub nullable_values: HashSet<String>,
    pub schema_errors: Vec<SchemaError>,
    pub discriminator: Vec<Finding>,
    pub nullable: Vec<Finding>,
    pub undocumented: Vec<Finding>,
    pub saw_union: bool,
    pub saw_nullable: bool,
    /// Values the discriminator already reported as the wrong shape.
    skip: HashSet<String>,
}

const MAX_DEPTH: usize = 128;

impl<'a> Walk<'a> {
    pub fn new(raw: &'a Value, unions: &'a HashMap<usize, Union>, top_valid: bool) -> Self {
        Walk {
            raw,
            unions,
            top_valid,
            discriminated: HashSet::new(),
            missing_nullable: HashSet::new(),
            nullable_values: HashSet::new(),
            schema_errors: Vec::new(),
            discriminator: Vec::new(),
            nullable: Vec::new(),
            undocumented: Vec::new(),
            saw_union: false,
            saw_nullable: false,
            skip: HashSet::new(),
        }
    }

    pub fn run(&mut self, schema: &'a Value, value: &Value) {
        let mut at = String::new();
        self.walk(&[schema], value, &mut at, 0);
    }

    fn deref(&self, mut schema: &'a Value) -> &'a Value {
        for _ in 0..64 {
            match schema
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(pointer::local_ref)
                .and_then(|p| self.raw.pointer(p))
            {
                Some(target) => schema = target,
                None => break,
            }
        }
        schema
    }

    fn expand(
        &mut self,
        schema: &'a Value,
        value: &Value,
        at: &str,
        out: &mut Vec<&'a Value>,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        let schema = self.deref(schema);
        out.push(schema);
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            for branch in all {
                self.expand(branch, value, at, out, depth + 1);
            }
        }
        if let Some(union) = self.unions.get(&(schema as *const Value as usize))
            && let Some(i) = self.choose(union, value, at)
            && let Some(branch) = self.raw.pointer(&union.branches[i])
        {
            self.expand(branch, value, at, out, depth + 1);
        }
    }

    fn choose(&mut self, union: &'a Union, value: &Value, at: &str) -> Option<usize> {
        self.saw_union = true;
        let Some(d) = &union.discriminator else {
            return union.validators.iter().position(|v| v.is_valid(value));
        };
        let obj = value.as_object()?;
        self.discriminated.insert(at.to_string());
        let expected = || {
            d.tags
                .keys()
                .map(|t| format!("{t:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let tag = match obj.get(&d.property) {
            None => {
                self.discriminator.push(Finding {
                    pointer: at.to_string(),
                    message: format!(
                        "the object has no {}, so its variant is unknown (expected one of: {})",
                        d.property,
                        expected()
                    ),
                    value: None,
                });
                return None;
            }
            Some(Value::String(t)) => t,
            Some(other) => {
                self.discriminator.push(Finding {
                    pointer: pointer::push(at, &d.property),
                    message: format!("{} must be a string, one of: {}", d.property, expected()),
                    value: Some(crate::shorten(other)),
                });
                return None;
            }
        };
        let Some(&i) = d.tags.get(tag) else {
            self.discriminator.push(Finding {
                pointer: pointer::push(at, &d.property),
                message: format!(
                    "{} is {tag:?}, which is not one of: {}",
                    d.property,
                    expected()
                ),
                value: Some(format!("{tag:?}")),
            });
            return None;
        };
        if !self.top_valid {
            self.check_variant(union, d, i, tag, obj, value, at);
        }
        Some(i)
    }

    /// Validates the chosen variant. Problems under the properties the tag
    /// decides (`sender`) are the discriminator's, in plain words, when the
    /// value has the wrong shape: a missing non-nullable key, a wrong type, or
    /// keys only another variant has. A decided property whose only problem
    /// is a missing nullable key is left to the nullable check.
    #[allow(clippy::too_many_arguments)]
    fn check_variant(
        &mut self,
        union: &'a Union,
        d: &'a crate::model::Discriminator,
        i: usize,
        tag: &str,
        obj: &serde_json::Map<String, Value>,
        value: &Value,
        at: &str,
    ) {
        let variant = pointer::last_token(&union.branches[i]);
        let branch = self.raw.pointer(&union.branches[i]);
        let mut per_property: BTreeMap<String, Vec<(SchemaError, bool)>> = BTreeMap::new();
        for e in union.validators[i].iter_errors(value) {
            let rel = e.instance_path().as_str().to_string();
            let err = SchemaError::from_jsonschema(at, &e);
            let first = rel
                .split('/')
                .nth(1)
                .map(pointer::unescape)
                .unwrap_or_default();
            match &err.kind {
                ErrorKind::Required(p) if rel.is_empty() && d.decided.contains(p) => {
                    self.discriminator.push(Finding {
                        pointer: err.pointer,
                        message: format!("{} is {tag} but the {variant} has no {p}", d.property),
                        value: None,
                    });
                }
                _ if !rel.is_empty() && d.decided.contains(&first) => {
                    let missing_nullable = match &err.kind {
                        ErrorKind::Required(p) => branch
                            .and_then(|b| {
                                self.schema_at(b, &format!("{rel}/{}", pointer::escape(p)))
                            })
                            .is_some_and(|s| self.is_nullable(s)),
                        _ => false,
                    };
                    per_property
                        .entry(first)
                        .or_default()
                        .push((err, missing_nullable));
                }
                _ => self.schema_errors.push(err),
            }
        }
        for name in &d.decided {
            let Some(Value::Object(inner)) = obj.get(name) else {
                continue;
            };
            let rel = format!("/{}", pointer::escape(name));
            let known = branch
                .and_then(|b| self.schema_at(b, &rel))
                .map(|s| self.property_names(s))
                .unwrap_or_default();
            let extra: Vec<&str> = inner
                .keys()
                .map(String::as_str)
                .filter(|k| !known.is_empty() && !known.contains(*k))
                .collect();
            let problems = per_property.remove(name).unwrap_or_default();
            // The wrong shape: keys another variant has, a missing key that
            // is not nullable, or the value itself of the wrong type. Deeper
            // problems in the right shape (a bad email) are body.schema's.
            let here = format!("{at}{rel}");
            let mismatch = !extra.is_empty()
                || problems
                    .iter()
                    .any(|(e, missing_nullable)| e.pointer == here && !missing_nullable);
            if !mismatch {
                for (err, missing_nullable) in problems {
                    if !missing_nullable {
                        self.schema_errors.push(err);
                    }
                }
                continue;
            }
            self.skip.insert(format!("{at}{rel}"));
            for (err, _) in problems {
                let place = dotted(&err.pointer[at.len()..]);
                let message = match &err.kind {
                    ErrorKind::Required(p) => {
                        format!("{} is {tag} but {place} has no {p}", d.property)
                    }
                    _ => format!("{} is {tag} but {place}: {}", d.property, err.message),
                };
                self.discriminator.push(Finding {
                    pointer: err.pointer,
                    message,
                    value: err.value,
                });
            }
            if !extra.is_empty() {
                self.discriminator.push(Finding {
                    pointer: format!("{at}{rel}"),
                    message: format!(
                        "{} is {tag} but {name} has {}, which only another variant describes",
                        d.property,
                        extra.join(", ")
                    ),
                    value: None,
                });
            }
        }
        // Non-object decided values (e.g. sender: 5) have only type errors left.
        for (_, problems) in per_property {
            for (err, _) in problems {
                let place = dotted(&err.pointer[at.len()..]);
                self.discriminator.push(Finding {
                    message: format!("{} is {tag} but {place}: {}", d.property, err.message),
                    pointer: err.pointer,
                    value: err.value,
                });
            }
        }
    }

    /// The schema describing the value at `rel` (a pointer relative to
    /// `schema`'s instance), through `$ref`, `allOf`, `properties` and `items`.
    fn schema_at(&self, schema: &'a Value, rel: &str) -> Option<&'a Value> {
        let mut current = self.deref(schema);
        for token in rel.split('/').skip(1) {
            let token = pointer::unescape(token);
            current = self.child_schema(current, &token, 0)?;
        }
        Some(current)
    }

    fn child_schema(&self, schema: &'a Value, token: &str, depth: usize) -> Option<&'a Value> {
        if depth > 32 {
            return None;
        }
        let schema = self.deref(schema);
        if let Some(p) = schema.get("properties").and_then(|p| p.get(token)) {
            return Some(p);
        }
        if token.parse::<usize>().is_ok()
            && let Some(items) = schema.get("items")
        {
            return Some(items);
        }
        schema
            .get("allOf")
            .and_then(Value::as_array)?
            .iter()
            .find_map(|b| self.child_schema(b, token, depth + 1))
    }

    fn property_names(&self, schema: &'a Value) -> BTreeSet<&'a str> {
        let mut out = BTreeSet::new();
        let mut stack = vec![schema];
        let mut steps = 0;
        while let Some(s) = stack.pop() {
            steps += 1;
            if steps > 256 {
                break;
            }
            let s = self.deref(s);
            if let Some(p) = s.get("properties").and_then(Value::as_object) {
                out.extend(p.keys().map(String::as_str));
            }
            if let Some(all) = s.get("allOf").and_then(Value::as_array) {
                stack.extend(all);
            }
        }
        out
    }

    fn walk(&mut self, schemas: &[&'a Value], value: &Value, at: &mut String, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let mut expanded = Vec::with_capacity(schemas.len() + 2);
        for s in schemas {
            self.expand(s, value, at, &mut expanded, 0);
        }
        match value {
            Value::Object(map) => self.object(&expanded, map, at, depth),
            Value::Array(items) => {
                let item_schemas: Vec<&'a Value> =
                    expanded.iter().filter_map(|s| s.get("items")).collect();
                if item_schemas.is_empty() {
                    return;
                }
                let len = at.len();
                for (i, item) in items.iter().enumerate() {
                    at.push('/');
                    at.push_str(&i.to_string());
                    self.walk(&item_schemas, item, at, depth + 1);
                    at.truncate(len);
                }
            }
            _ => {}
        }
    }

    fn object(
        &mut self,
        expanded: &[&'a Value],
        map: &serde_json::Map<String, Value>,
        at: &mut String,
        depth: usize,
    ) {
        // Required nullable keys must be present.
        for s in expanded {
            let Some(props) = s.get("properties").and_then(Value::as_object) else {
                continue;
            };
            for (name, ps) in props {
                if !self.is_nullable(ps) {
                    continue;
                }
                self.saw_nullable = true;
                if !map.contains_key(name) && self.required(expanded, name) {
                    let key = (at.clone(), name.clone());
                    if self.missing_nullable.insert(key) {
                        self.nullable.push(Finding {
                            pointer: at.clone(),
                            message: format!(
                                "{name} is missing: it is nullable, so the key must be present (with null when there is no value)"
                            ),
                            value: None,
                        });
                    }
                }
            }
        }
        let documented = expanded.iter().any(|s| {
            s.get("properties")
                .is_some_and(|p| p.as_object().is_some_and(|m| !m.is_empty()))
        }) && !expanded
            .iter()
            .any(|s| s.get("additionalProperties").is_some());
        let len = at.len();
        for (key, child) in map {
            let mut child_schemas: Vec<&'a Value> = expanded
                .iter()
                .filter_map(|s| s.get("properties").and_then(|p| p.get(key)))
                .collect();
            at.push('/');
            at.push_str(&pointer::escape(key));
            if self.skip.contains(at.as_str()) {
                at.truncate(len);
                continue;
            }
            if child_schemas.is_empty() {
                child_schemas = expanded
                    .iter()
                    .filter_map(|s| s.get("additionalProperties"))
                    .filter(|a| a.is_object())
                    .collect();
                if child_schemas.is_empty() {
                    if documented {
                        self.undocumented.push(Finding {
                            pointer: at.clone(),
                            message: format!("{key} is not described by the document"),
                            value: Some(crate::shorten(child)),
                        });
                    }
                    at.truncate(len);
                    continue;
                }
            }
            let nullable = child_schemas.iter().any(|s| self.is_nullable(s));
            if nullable && !child.is_null() {
                self.nullable_values.insert(at.clone());
            }
            if let Value::String(text) = child {
                self.url_schemes(&child_schemas, key, text, nullable, at);
            }
            self.walk(&child_schemas, child, at, depth + 1);
            at.truncate(len);
        }
    }

    fn is_nullable(&self, schema: &'a Value) -> bool {
        schema.get("nullable").and_then(Value::as_bool) == Some(true)
            || self.deref(schema).get("nullable").and_then(Value::as_bool) == Some(true)
    }

    fn required(&self, expanded: &[&'a Value], name: &str) -> bool {
        expanded.iter().any(|s| {
            s.get("required")
                .and_then(Value::as_array)
                .is_some_and(|r| r.iter().any(|n| n.as_str() == Some(name)))
        })
    }

    /// `x-url-schemes: [https]` on a `uri` property: an absolute URL with
    /// one of those schemes. A loopback host is allowed plain `http`, so a
    /// local reference server can serve its own files.
    fn url_schemes(
        &mut self,
        schemas: &[&'a Value],
        key: &str,
        text: &str,
        nullable: bool,
        at: &str,
    ) {
        let Some(allowed) = schemas
            .iter()
            .find_map(|s| {
                self.deref(s)
                    .get("x-url-schemes")
                    .or_else(|| s.get("x-url-schemes"))
            })
            .and_then(Value::as_array)
        else {
            return;
        };
        let allowed: Vec<&str> = allowed.iter().filter_map(Value::as_str).collect();
        let problem = match url::Url::parse(text) {
            // Not a URL at all: the `uri` format check says so.
            Err(_) => None,
            Ok(u) => {
                let loopback = matches!(u.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
                if allowed.contains(&u.scheme()) || (loopback && u.scheme() == "http") {
                    None
                } else {
                    Some(format!(
                        "{key} must be an absolute {} URL, not {}:",
                        allowed.join(" or "),
                        u.scheme()
                    ))
                }
            }
        };
        if let Some(message) = problem {
            let finding = Finding {
                pointer: at.to_string(),
                message,
                value: Some(crate::shorten(&Value::String(text.to_string()))),
            };
            if nullable {
                self.nullable.push(finding);
            } else {
                self.schema_errors.push(SchemaError {
                    pointer: finding.pointer,
                    kind: ErrorKind::Other,
                    message: finding.message,
                    value: finding.value,
                });
            }
        }
    }
}

/// `/sender/name` → `sender.name`; `/items/0` → `items[0]`.
fn dotted(rel: &str) -> String {
    let mut out = String::new();
    for t in rel.split('/').skip(1) {
        let t = pointer::unescape(t);
        if t.chars().all(|c| c.is_ascii_digit()) && !t.is_empty() {
            out.push_str(&format!("[{t}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&t);
        }
    }
    out
}
