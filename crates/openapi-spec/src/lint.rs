//! Lint rules over a loaded document. Each finding has a stable rule id;
//! [`RULES`] lists them all with their default severities. The document is
//! judged against the OpenAPI Initiative's published JSON Schema
//! (`oas-schema`), by the MUSTs no JSON Schema says (`musts`, listed in
//! `docs/spec-musts.md`), by shape (`structure`), and by the rules here:
//! operationIds, `$ref`s and cycles, examples, bounds, discriminators and
//! unused components.

mod fields;
mod meta_schema;
mod musts;
mod rules;
mod structure;
mod webhooks;

pub use rules::{BY_VERSION, Config, ConfigError, Finding, RULES, Severity, default_severity};

use std::collections::{BTreeMap, BTreeSet, HashMap};

use openapi_jsonschema::Converter;
use serde_json::{Map, Value};

use crate::visit::{Root, Schemas, is_data_key, operations, parameter_lists};
use crate::{Document, pointer};

/// Runs every rule at its default severity.
pub fn lint(doc: &Document) -> Vec<Finding> {
    lint_with(doc, &Config::default())
}

/// Runs every rule, at the severities `config` gives (rules turned off
/// report nothing). Findings are sorted by position, then rule, so output
/// is stable.
pub fn lint_with(doc: &Document, config: &Config) -> Vec<Finding> {
    let mut findings = all_findings(doc);
    // A finding keeps the level it was found at (the rule's default, or
    // its level in the document's version) unless the project set one.
    findings.retain_mut(|f| match config.level_set(f.rule) {
        Some(Some(s)) => {
            f.severity = s;
            true
        }
        Some(None) => false,
        None => true,
    });
    findings
}

fn all_findings(doc: &Document) -> Vec<Finding> {
    let mut l = Linter {
        doc,
        out: Vec::new(),
    };
    l.structure();
    l.security_defined(doc.raw.get("security"), "/security");
    l.operations();
    for (pointer, message) in webhooks::check(doc) {
        l.push("webhook-extension", &pointer, message);
    }
    for at in &doc.coerced {
        let written = doc.raw.pointer(at).and_then(Value::as_str).unwrap_or("");
        let message = format!(
            "`{written}` is written as a number or boolean, and OpenAPI wants a string here: quote it ('{written}')"
        );
        l.push("string-scalar", at, message);
    }
    for at in &doc.dropped {
        let key = at.rsplit('/').next().unwrap_or_default();
        let instead = match key {
            "nullable" => "add \"null\" to `type` (type: [string, \"null\"])",
            _ => "give the bound itself as a number (exclusiveMinimum: 0) instead of a flag",
        };
        let message = format!(
            "`{key}` is an OpenAPI 3.0 keyword; an {} Schema Object is JSON Schema 2020-12, where it means nothing (read here as other 3.1 tools read it: ignored): {instead}",
            doc.version
        );
        l.push("version-keyword", at, message);
    }
    for (rule, pointer, message) in musts::check(&doc.raw) {
        l.push(rule, &pointer, message);
    }
    l.refs();
    l.cycles();
    l.schemas_and_examples();
    l.unused_components();
    l.official_schema();
    l.out.sort_by(|a, b| {
        (a.location.position, &a.location.pointer, a.rule, &a.message).cmp(&(
            b.location.position,
            &b.location.pointer,
            b.rule,
            &b.message,
        ))
    });
    l.out.dedup();
    l.out
}

struct Linter<'a> {
    doc: &'a Document,
    out: Vec<Finding>,
}

impl Linter<'_> {
    /// A finding of `rule` at its default severity in the document's
    /// version, from [`RULES`] and [`rules::BY_VERSION`] (the one place a
    /// rule's level is set; a project's config overrides it).
    fn push(&mut self, rule: &'static str, pointer: &str, message: String) {
        self.out.push(Finding {
            rule,
            severity: rules::default_severity(rule, self.doc.version),
            location: self.doc.locate(pointer),
            message,
        });
    }

    /// What the published JSON Schema rejects, where no rule of ours has
    /// already said it at the same place (one problem, one finding).
    fn official_schema(&mut self) {
        let said: BTreeSet<String> = self
            .out
            .iter()
            .map(|f| f.location.pointer.clone())
            .collect();
        let under_said = |at: &str| {
            let prefix = format!("{at}/");
            said.iter().any(|p| p.starts_with(&prefix))
        };
        for problem in self.doc.published_problems() {
            // A weak problem (a list with a repeated item, an object that
            // fits two branches) is the echo of a sharper one inside it.
            let echoed = problem.weak && under_said(&problem.pointer);
            if !said.contains(&problem.pointer) && !echoed {
                self.push("oas-schema", &problem.pointer, problem.message);
            }
        }
    }

    /// Keys OpenAPI 3.0 does not define, and shape rules (see `structure`).
    fn structure(&mut self) {
        for (rule, pointer, message) in structure::check(&self.doc.raw, self.doc.version) {
            self.push(rule, &pointer, message);
        }
    }

    fn operations(&mut self) {
        let raw = &self.doc.raw;
        let mut seen: HashMap<String, String> = HashMap::new();
        for found in operations(raw) {
            let (path, method, op) = (found.path, found.method, found.operation);
            let ptr = found.pointer();
            match op.get("operationId").and_then(Value::as_str) {
                // RECOMMENDED, not REQUIRED: the OAI's own example
                // (callback-example.yaml) has an operation without one.
                None => self.push(
                    "operation-id-missing",
                    &ptr,
                    format!("{} {path} has no operationId", method.to_uppercase()),
                ),
                Some(id) => {
                    if let Some(first) = seen.insert(id.to_string(), ptr.clone()) {
                        self.push(
                            "operation-id",
                            &format!("{ptr}/operationId"),
                            format!("operationId `{id}` is also used at #{first}"),
                        );
                    }
                }
            }
            if found.root() == Root::Paths {
                self.path_parameters(path, &ptr);
            }
            self.duplicate_parameters(&ptr);
            self.security_defined(found.operation.get("security"), &format!("{ptr}/security"));
        }
    }

    /// A parameter list names each (name, in) once (headers case-blind).
    /// A path item's own list is seen once per operation; the identical
    /// findings are merged when the findings are sorted.
    fn duplicate_parameters(&mut self, op_ptr: &str) {
        for list in parameter_lists(self.doc, op_ptr) {
            let mut seen = BTreeMap::new();
            for entry in list {
                let (place, name) = entry.key();
                if let Some(first) = seen.insert(entry.key(), entry.written.clone()) {
                    self.push(
                        "duplicate-parameter",
                        &entry.written,
                        format!("{place} parameter `{name}` is already declared at #{first}"),
                    );
                }
            }
        }
    }

    /// Every name in a Security Requirement is a declared security scheme.
    fn security_defined(&mut self, requirements: Option<&Value>, at: &str) {
        let schemes = self
            .doc
            .raw
            .pointer("/components/securitySchemes")
            .and_then(Value::as_object);
        for (i, req) in requirements
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            for name in req.as_object().into_iter().flat_map(Map::keys) {
                if !schemes.is_some_and(|s| s.contains_key(name)) {
                    self.push(
                        "security-defined",
                        &format!("{at}/{i}"),
                        format!("security requirement names `{name}`, which is not in components/securitySchemes"),
                    );
                }
            }
        }
    }

    /// Every `{name}` in the template is a declared path parameter, and back.
    fn path_parameters(&mut self, path: &str, op_ptr: &str) {
        let Some(names) = crate::template::names(path) else {
            let message = format!("path template {path} has unbalanced braces");
            self.push("path-parameter", op_ptr, message);
            return;
        };
        let in_template: BTreeSet<String> = names.into_iter().map(String::from).collect();
        let declared: BTreeSet<String> = parameter_lists(self.doc, op_ptr)
            .into_iter()
            .flatten()
            .filter(|entry| entry.location() == "path")
            .map(|entry| entry.name().to_string())
            .collect();
        for missing in in_template.difference(&declared) {
            self.push(
                "path-parameter",
                op_ptr,
                format!(
                    "path template has {{{missing}}} but no path parameter `{missing}` is declared"
                ),
            );
        }
        for extra in declared.difference(&in_template) {
            self.push(
                "path-parameter",
                op_ptr,
                format!("path parameter `{extra}` does not appear in the template {path}"),
            );
        }
    }

    fn refs(&mut self) {
        let mut found = Vec::new();
        collect_refs(&self.doc.raw, "", &mut found);
        for (ptr, reference) in found {
            match pointer::local_ref(&reference) {
                None => self.push("ref", &ptr, format!("`{reference}` points outside this document; only local references (#/...) are supported")),
                Some(target) => {
                    if self.doc.raw.pointer(target).is_none() {
                        self.push("ref", &ptr, format!("`{reference}` does not resolve"));
                    }
                }
            }
        }
    }

    /// A schema that must contain itself through required, non-nullable
    /// object properties or `allOf` has no finite value and no Rust type;
    /// a `$ref` that leads back to itself names nothing at all.
    fn cycles(&mut self) {
        let Some(schemas) = self
            .doc
            .raw
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        else {
            return;
        };
        let mut edges: BTreeMap<&str, Vec<(String, String)>> = BTreeMap::new();
        for (name, schema) in schemas {
            let mut out = Vec::new();
            must_contain(
                schema,
                &pointer::push("/components/schemas", name),
                &mut out,
            );
            edges.insert(name, out);
        }
        let mut reported = BTreeSet::new();
        for start in edges.keys() {
            // Depth-first search for a path back to `start`.
            let mut stack: Vec<(String, Vec<String>, String)> =
                vec![(start.to_string(), vec![start.to_string()], String::new())];
            let mut visited = BTreeSet::new();
            while let Some((node, trail, first_ptr)) = stack.pop() {
                for (next, at) in edges.get(node.as_str()).into_iter().flatten() {
                    let first = if first_ptr.is_empty() {
                        at.clone()
                    } else {
                        first_ptr.clone()
                    };
                    if next == start {
                        let mut members = trail.clone();
                        members.sort();
                        if reported.insert(members) {
                            let chain = format!("{} → {start}", trail.join(" → "));
                            self.push("ref-cycle", &first, format!("schema cycle {chain} cannot be represented: every step is required and non-nullable, so no finite value exists"));
                        }
                    } else if visited.insert(next.clone()) {
                        let mut t = trail.clone();
                        t.push(next.clone());
                        stack.push((next.clone(), t, first));
                    }
                }
            }
        }
    }

    fn schemas_and_examples(&mut self) {
        let raw = &self.doc.raw;
        let converter = Converter::new(raw);
        let mut validators: HashMap<String, Option<jsonschema::Validator>> = HashMap::new();
        let found = Schemas::of(raw);
        for (ptr, schema) in &found.schemas {
            self.bounds(ptr, schema);
            if let Some(d) = schema.get("discriminator") {
                self.discriminator(ptr, schema, d);
            }
        }
        self.json_schema_keywords(&found);
        for ex in found.examples(self.doc) {
            self.check_example(
                &converter,
                &mut validators,
                &ex.schema_pointer,
                ex.value,
                &ex.pointer,
            );
        }
    }

    /// 3.1/3.2: every schema against JSON Schema 2020-12's meta-schema,
    /// as the OpenAPI Initiative's `schema-base` does through the base
    /// dialect (a keyword's value of the wrong type: `examples: "x"`).
    /// The published document schema leaves Schema Objects unchecked.
    fn json_schema_keywords(&mut self, found: &Schemas) {
        if !self.doc.version.json_schema() {
            return;
        }
        let meta = &*meta_schema::VALIDATOR;
        let roots = found.schemas.iter().filter(|(ptr, _)| {
            ptr.ends_with("/schema")
                || ptr
                    .rsplit_once('/')
                    .is_some_and(|(p, _)| p == "/components/schemas")
        });
        // Most schemas are valid: the yes-or-no answer is far cheaper than
        // collecting errors, which only the invalid ones need.
        for (root, schema) in roots.filter(|(_, schema)| !meta.is_valid(schema)) {
            for error in meta.iter_errors(schema) {
                let at = format!("{root}{}", error.instance_path());
                let key = at.rsplit('/').next().unwrap_or_default();
                // The fold's own 3.0 spelling of an exclusive bound.
                let folded = matches!(key, "exclusiveMinimum" | "exclusiveMaximum")
                    && error.instance().is_boolean();
                if !folded {
                    let message = format!("`{key}`: {error} (JSON Schema 2020-12's meta-schema)");
                    self.push("oas-schema", &at, message);
                }
            }
        }
    }

    fn check_example(
        &mut self,
        converter: &Converter,
        cache: &mut HashMap<String, Option<jsonschema::Validator>>,
        schema_ptr: &str,
        example: &Value,
        example_ptr: &str,
    ) {
        // Many examples sit beside a bare `$ref` to one component: compile
        // that component once, under its own pointer.
        let resolved = self
            .doc
            .raw
            .pointer(schema_ptr)
            .and_then(|s| self.doc.resolve(s, schema_ptr))
            .map(|(_, p)| p);
        let schema_ptr = resolved.as_deref().unwrap_or(schema_ptr);
        if !cache.contains_key(schema_ptr) {
            let v = self.doc.raw.pointer(schema_ptr).and_then(|s| {
                let bundled = converter.bundle(s, schema_ptr).ok()?;
                jsonschema::options()
                    .should_validate_formats(true)
                    .build(&bundled)
                    .ok()
            });
            cache.insert(schema_ptr.to_string(), v);
        }
        let Some(Some(validator)) = cache.get(schema_ptr) else {
            return;
        };
        for error in validator.iter_errors(example) {
            let at = format!("{example_ptr}{}", error.instance_path());
            let message = format!("example does not match its schema (#{schema_ptr}): {error}");
            // `format` asserts in 3.0's reading and ours (the contract
            // checks it), but is an annotation in JSON Schema 2020-12:
            // a rule of its own, whose level follows the version.
            let rule = match error.kind() {
                jsonschema::error::ValidationErrorKind::Format { .. } => "example-format",
                _ => "example",
            };
            self.out.push(Finding {
                rule,
                severity: rules::default_severity(rule, self.doc.version),
                location: self.doc.locate(&at),
                message,
            });
        }
    }

    fn bounds(&mut self, ptr: &str, s: &Value) {
        let num = |k: &str| s.get(k).and_then(Value::as_f64);
        for (lo, hi) in [
            ("minimum", "maximum"),
            ("minLength", "maxLength"),
            ("minItems", "maxItems"),
            ("minProperties", "maxProperties"),
        ] {
            if let (Some(a), Some(b)) = (num(lo), num(hi)) {
                if a > b {
                    self.push(
                        "bounds",
                        &format!("{ptr}/{lo}"),
                        format!("{lo} {a} is greater than {hi} {b}: no value fits"),
                    );
                } else if a == b
                    && lo == "minimum"
                    && (s.get("exclusiveMinimum") == Some(&Value::Bool(true))
                        || s.get("exclusiveMaximum") == Some(&Value::Bool(true)))
                {
                    self.push(
                        "bounds",
                        &format!("{ptr}/{lo}"),
                        format!("{lo} equals {hi} ({a}) with an exclusive bound: no value fits"),
                    );
                }
            }
        }
        if let Some(d) = s.get("default").and_then(Value::as_f64) {
            let excl_min = s.get("exclusiveMinimum") == Some(&Value::Bool(true));
            let excl_max = s.get("exclusiveMaximum") == Some(&Value::Bool(true));
            if let Some(min) = num("minimum")
                && (d < min || (excl_min && d == min))
            {
                self.push(
                    "bounds",
                    &format!("{ptr}/default"),
                    format!("default {d} is below the minimum {min}"),
                );
            }
            if let Some(max) = num("maximum")
                && (d > max || (excl_max && d == max))
            {
                self.push(
                    "bounds",
                    &format!("{ptr}/default"),
                    format!("default {d} is above the maximum {max}"),
                );
            }
        }
        if let (Some(Value::Array(values)), Some(d)) = (s.get("enum"), s.get("default"))
            && !values.contains(d)
        {
            self.push(
                "bounds",
                &format!("{ptr}/default"),
                format!("default {d} is not one of the enum values"),
            );
        }
        // Its level in 3.1 on: `rules::BY_VERSION`.
        if let (Some(kind), Some(d)) = (s.get("type").and_then(Value::as_str), s.get("default"))
            && !fits_type(kind, d, crate::schema::nullable(s))
        {
            self.push(
                "default-type",
                &format!("{ptr}/default"),
                format!("default {d} is not of the schema's type {kind}"),
            );
        }
    }

    fn discriminator(&mut self, ptr: &str, schema: &Value, d: &Value) {
        let Some(prop) = d.get("propertyName").and_then(Value::as_str) else {
            self.push(
                "discriminator",
                &format!("{ptr}/discriminator"),
                "discriminator has no propertyName".into(),
            );
            return;
        };
        let Some(obj) = schema.as_object() else {
            return;
        };
        let raw = &self.doc.raw;
        let name_of = |r: &str| {
            openapi_jsonschema::component_name(r)
                .filter(|n| raw.pointer(&pointer::component_pointer(n)).is_some())
        };
        let tags = match openapi_jsonschema::discriminator_tags(obj, d, name_of) {
            Ok(t) => t,
            Err(e) => {
                self.push(
                    "discriminator",
                    &format!("{ptr}/discriminator/mapping"),
                    e.to_string(),
                );
                return;
            }
        };
        let branches: BTreeSet<String> = ["oneOf", "anyOf"]
            .iter()
            .flat_map(|k| obj.get(*k).and_then(Value::as_array).into_iter().flatten())
            .filter_map(|b| b.get("$ref").and_then(Value::as_str).and_then(&name_of))
            .collect();
        if branches.is_empty() {
            self.push(
                "discriminator",
                &format!("{ptr}/discriminator"),
                "a discriminator needs oneOf or anyOf branches that are $refs to component schemas"
                    .into(),
            );
        }
        for (tag, target) in &tags {
            if !branches.contains(target) {
                self.push(
                    "discriminator",
                    &format!("{ptr}/discriminator/mapping"),
                    format!("tag `{tag}` maps to {target}, which is not one of the branches"),
                );
                continue;
            }
            // The branch must declare the property, and allow the tag.
            let branch_ptr = pointer::component_pointer(target);
            match property_schema(raw, &branch_ptr, prop, 0) {
                None => self.push("discriminator", &branch_ptr, format!("branch {target} has no property `{prop}`, which the discriminator at #{ptr} reads")),
                Some(p) => {
                    if let Some(values) = p.get("enum").and_then(Value::as_array)
                        && !values.iter().any(|v| v.as_str() == Some(tag)) {
                            self.push("discriminator", &branch_ptr, format!("branch {target} does not allow `{prop}: {tag}`, the tag that selects it"));
                        }
                    // "the discriminator field MUST be a required field"
                    // (3.0.3, Composition and Inheritance): by the branch
                    // or by the schema that holds the discriminator.
                    let parent_requires = crate::schema::required(schema).contains(prop);
                    if !parent_requires && !requires(raw, &branch_ptr, prop, 0) {
                        self.push("discriminator-required", &branch_ptr, format!("branch {target} does not require `{prop}`, the discriminator's property at #{ptr}; it must be a required field"));
                    }
                }
            }
        }
    }

    fn unused_components(&mut self) {
        let raw = &self.doc.raw;
        let Some(components) = raw.get("components").and_then(Value::as_object) else {
            return;
        };
        let mut refs = Vec::new();
        collect_refs(raw, "", &mut refs);
        let referenced: BTreeSet<&str> = refs
            .iter()
            .filter_map(|(_, r)| pointer::local_ref(r))
            .collect();
        let mut security_names = BTreeSet::new();
        let mut collect_security = |v: Option<&Value>| {
            for req in v.and_then(Value::as_array).into_iter().flatten() {
                for k in req.as_object().into_iter().flat_map(Map::keys) {
                    security_names.insert(k.clone());
                }
            }
        };
        collect_security(raw.get("security"));
        for found in operations(raw) {
            collect_security(found.operation.get("security"));
        }
        for (kind, entries) in components {
            if kind.starts_with("x-") {
                continue;
            }
            for name in entries.as_object().into_iter().flat_map(Map::keys) {
                let ptr = pointer::push(&pointer::push("/components", kind), name);
                let used = if kind == "securitySchemes" {
                    security_names.contains(name)
                } else {
                    referenced.contains(ptr.as_str())
                };
                if !used {
                    self.push(
                        "unused-component",
                        &ptr,
                        format!("component {kind}/{name} is never referenced"),
                    );
                }
            }
        }
    }
}

/// The schema of property `prop` of the schema at `ptr`, looking through `$ref` and `allOf`.
fn property_schema<'a>(raw: &'a Value, ptr: &str, prop: &str, depth: usize) -> Option<&'a Value> {
    if depth > 32 {
        return None;
    }
    let node = raw.pointer(ptr)?;
    let (node, ptr) = pointer::resolve(raw, node, ptr)?;
    if let Some(p) = node.get("properties").and_then(|p| p.get(prop)) {
        return pointer::resolve(raw, p, "").map(|(v, _)| v);
    }
    for (i, _) in crate::schema::all_of(node).enumerate() {
        if let Some(found) = property_schema(raw, &format!("{ptr}/allOf/{i}"), prop, depth + 1) {
            return Some(found);
        }
    }
    None
}

/// Whether `value` is of the OpenAPI 3.0 `type` named (null only when the
/// schema is nullable; an unknown type name is the schema check's to judge).
fn fits_type(kind: &str, value: &Value, nullable: bool) -> bool {
    let known = matches!(
        kind,
        "boolean" | "number" | "integer" | "string" | "array" | "object"
    );
    let fits = match value {
        Value::Null => nullable,
        Value::Bool(_) => kind == "boolean",
        // Every JSON integer is an f64 without a fraction, and so is `1.0`.
        Value::Number(n) => {
            kind == "number" || kind == "integer" && n.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        Value::String(_) => kind == "string",
        Value::Array(_) => kind == "array",
        Value::Object(_) => kind == "object",
    };
    fits || !known
}

/// Whether the schema at `ptr` (through `$ref` and `allOf`) lists `prop`
/// as required.
fn requires(raw: &Value, ptr: &str, prop: &str, depth: usize) -> bool {
    if depth > 32 {
        return false;
    }
    let Some((node, ptr)) = raw.pointer(ptr).and_then(|n| pointer::resolve(raw, n, ptr)) else {
        return false;
    };
    crate::schema::required(node).contains(prop)
        || crate::schema::all_of(node)
            .enumerate()
            .any(|(i, _)| requires(raw, &format!("{ptr}/allOf/{i}"), prop, depth + 1))
}

/// Component names a schema must contain a value of: through a bare `$ref`,
/// `allOf`, or a required, non-nullable property.
fn must_contain(schema: &Value, at: &str, out: &mut Vec<(String, String)>) {
    if let Some(t) = pointer::schema_ref_name(schema) {
        out.push((t, format!("{at}/$ref")));
        return;
    }
    for (i, s) in crate::schema::all_of(schema).enumerate() {
        must_contain(s, &format!("{at}/allOf/{i}"), out);
    }
    let required = crate::schema::required(schema);
    for (name, s) in crate::schema::properties(schema) {
        if required.contains(name.as_str()) && !crate::schema::nullable(s) {
            must_contain(s, &pointer::push(&format!("{at}/properties"), name), out);
        }
    }
}

/// Every `$ref` outside example data, as (pointer of the `$ref`, value).
fn collect_refs(v: &Value, at: &str, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                let here = pointer::push(at, k);
                if k == "$ref" {
                    if let Some(r) = child.as_str() {
                        out.push((here, r.to_string()));
                    }
                } else if k == "value" && at.contains("/examples/") {
                    // Example Object data
                } else if k == "examples" && child.is_array() {
                    // A 3.1 schema's `examples`: data, where a `$ref` is text
                } else if !is_data_key(k) {
                    collect_refs(child, &here, out);
                }
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                collect_refs(child, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests;
