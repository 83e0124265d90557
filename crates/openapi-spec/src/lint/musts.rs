//! MUSTs of OpenAPI 3.0.3 that no JSON Schema can say, because they relate
//! one part of the document to another: templates that are the same path,
//! server URL variables and their definitions, security scopes on schemes
//! that have none, unique tag names, links to operations that exist, and
//! encodings of properties the schema has. Each rule quotes the sentence
//! it enforces; `docs/spec-musts.md` lists them all with a one-mistake
//! document each.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::visit::{OperationRef, operations};
use crate::{pointer, template};

/// One problem: rule id, JSON pointer, sentence.
pub(crate) type Problem = (&'static str, String, String);

/// Every cross-reference MUST broken in `raw`.
pub(crate) fn check(raw: &Value) -> Vec<Problem> {
    let ops = operations(raw);
    let mut out = Vec::new();
    equivalent_paths(raw, &mut out);
    server_variables(raw, &ops, &mut out);
    security_scopes(raw, &ops, &mut out);
    unique_tags(raw, &mut out);
    tag_parents(raw, &mut out);
    link_operations(raw, &ops, &mut out);
    encoding_properties(raw, &ops, &mut out);
    component_names(raw, &mut out);
    out
}

/// "All the fixed fields declared above are objects that MUST use keys that
/// match the regular expression: `^[a-zA-Z0-9\.\-_]+$`." (Components Object;
/// the published JSON Schema lets other keys through.)
fn component_names(raw: &Value, out: &mut Vec<Problem>) {
    let Some(components) = raw.get("components").and_then(Value::as_object) else {
        return;
    };
    for (kind, map) in components.iter().filter(|(k, _)| !k.starts_with("x-")) {
        for name in map.as_object().into_iter().flat_map(Map::keys) {
            let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_');
            if name.is_empty() || !name.chars().all(allowed) {
                out.push((
                    "component-name",
                    pointer::push(&pointer::push("/components", kind), name),
                    format!(
                        "component name `{name}` may only use letters, digits, `.`, `-` and `_`"
                    ),
                ));
            }
        }
    }
}

/// "Templated paths with the same hierarchy but different templated names
/// MUST NOT exist as they are identical." (Paths Object)
fn equivalent_paths(raw: &Value, out: &mut Vec<Problem>) {
    let Some(paths) = raw.get("paths").and_then(Value::as_object) else {
        return;
    };
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for path in paths.keys().filter(|p| !p.starts_with("x-")) {
        let shape = template::shape(path);
        match seen.get(&shape) {
            Some(first) => out.push((
                "path-equivalent",
                pointer::push("/paths", path),
                format!("`{path}` is the same path as `{first}`: templates that differ only in parameter names are identical"),
            )),
            None => {
                seen.insert(shape, path);
            }
        }
    }
}

/// Server URLs: braces balanced, and "Variable substitutions will be made
/// when a variable is named in {brackets}": every name has its entry in
/// `variables` (Server Object), at the root, a path item and an operation.
fn server_variables(raw: &Value, ops: &[OperationRef<'_>], out: &mut Vec<Problem>) {
    let mut lists = root_and_operations(raw, ops, "servers");
    for (path, item) in raw
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let at = format!("{}/servers", pointer::push("/paths", path));
        lists.push((at, item.get("servers")));
    }
    for (at, list) in lists {
        for (i, server) in list
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            server_url(server, &format!("{at}/{i}"), out);
        }
    }
}

/// `key`'s value at the root and in every operation, with its pointer (the
/// fields an operation overrides: `servers`, `security`).
fn root_and_operations<'v>(
    raw: &'v Value,
    ops: &[OperationRef<'v>],
    key: &str,
) -> Vec<(String, Option<&'v Value>)> {
    let mut lists = vec![(format!("/{key}"), raw.get(key))];
    for found in ops {
        lists.push((
            format!("{}/{key}", found.pointer()),
            found.operation.get(key),
        ));
    }
    lists
}

fn server_url(server: &Value, at: &str, out: &mut Vec<Problem>) {
    let Some(url) = server.get("url").and_then(Value::as_str) else {
        return;
    };
    let Some(names) = template::names(url) else {
        out.push((
            "server-variable",
            format!("{at}/url"),
            format!("server URL `{url}` has unbalanced braces"),
        ));
        return;
    };
    let variables = server.get("variables").and_then(Value::as_object);
    for unused in variables
        .into_iter()
        .flat_map(Map::keys)
        .filter(|v| !names.contains(&v.as_str()))
    {
        out.push((
            "server-variable-unused",
            pointer::push(&format!("{at}/variables"), unused),
            format!(
                "server variable `{unused}` is defined but the URL `{url}` never names {{{unused}}}"
            ),
        ));
    }
    for name in names {
        if !variables.is_some_and(|v| v.contains_key(name)) {
            out.push((
                "server-variable",
                format!("{at}/url"),
                format!(
                    "server URL `{url}` names {{{name}}}, which its `variables` does not define"
                ),
            ));
        }
    }
}

/// "If the security scheme is of type "oauth2" or "openIdConnect", then the
/// value is a list of scope names required for the execution... For other
/// security scheme types, the array MUST be empty." (Security Requirement)
fn security_scopes(raw: &Value, ops: &[OperationRef<'_>], out: &mut Vec<Problem>) {
    let schemes = raw
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object);
    let lists = root_and_operations(raw, ops, "security");
    for (at, list) in lists {
        for (i, requirement) in list
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            for (name, scopes) in requirement.as_object().into_iter().flat_map(Map::iter) {
                let kind = schemes
                    .and_then(|s| s.get(name))
                    .and_then(|s| resolve(raw, s))
                    .and_then(|s| s.get("type"))
                    .and_then(Value::as_str);
                let scoped = matches!(kind, Some("oauth2" | "openIdConnect"));
                let listed = scopes.as_array().is_some_and(|s| !s.is_empty());
                if let Some(kind) = kind.filter(|_| listed && !scoped) {
                    out.push((
                        "security-scopes",
                        pointer::push(&format!("{at}/{i}"), name),
                        format!("`{name}` is an {kind} scheme, which has no scopes: its list must be empty"),
                    ));
                }
            }
        }
    }
}

/// "Each tag name in the list MUST be unique." (OpenAPI Object, `tags`)
fn unique_tags(raw: &Value, out: &mut Vec<Problem>) {
    let mut seen = BTreeMap::new();
    for (i, tag) in raw
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let Some(name) = tag.get("name").and_then(Value::as_str) else {
            continue;
        };
        if let Some(first) = seen.insert(name, i) {
            out.push((
                "tag-unique",
                format!("/tags/{i}/name"),
                format!("tag `{name}` is already declared at #/tags/{first}"),
            ));
        }
    }
}

/// "The named tag MUST exist in the API description, and circular
/// references between parent and child tags MUST NOT be used." (3.2, Tag
/// Object, `parent`; earlier versions have no `parent`, and their field
/// tables refuse it.)
fn tag_parents(raw: &Value, out: &mut Vec<Problem>) {
    let tags: Vec<&Value> = raw
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .collect();
    let name = |t: &Value| t.get("name").and_then(Value::as_str).map(str::to_string);
    let parents: BTreeMap<String, String> = tags
        .iter()
        .filter_map(|t| Some((name(t)?, t.get("parent")?.as_str()?.to_string())))
        .collect();
    for (i, tag) in tags.iter().enumerate() {
        let (Some(own), Some(parent)) = (name(tag), tag.get("parent").and_then(Value::as_str))
        else {
            continue;
        };
        let at = format!("/tags/{i}/parent");
        if !tags.iter().any(|t| name(t).as_deref() == Some(parent)) {
            out.push((
                "tag-parent",
                at,
                format!("tag `{own}` names parent `{parent}`, which is not a tag here"),
            ));
            continue;
        }
        // Up the chain: a cycle comes back to `own` within as many steps as there are tags.
        let mut next = Some(parent.to_string());
        for _ in 0..tags.len() {
            match next {
                Some(p) if p == own => {
                    out.push(("tag-parent", at, format!("tag `{own}` is its own ancestor through `parent`: tags nest without cycles")));
                    break;
                }
                Some(p) => next = parents.get(&p).cloned(),
                None => break,
            }
        }
    }
}

/// "In the case of an operationId, it MUST be unique and resolved in the
/// scope of the OAS document." (Link Object)
fn link_operations(raw: &Value, ops: &[OperationRef<'_>], out: &mut Vec<Problem>) {
    let ids: BTreeSet<&str> = ops
        .iter()
        .filter_map(|f| f.operation.get("operationId").and_then(Value::as_str))
        .collect();
    let mut maps = vec![(
        "/components/links".to_string(),
        raw.pointer("/components/links"),
    )];
    let mut responses = vec![(
        "/components/responses".to_string(),
        raw.pointer("/components/responses"),
    )];
    for found in ops {
        responses.push((
            format!("{}/responses", found.pointer()),
            found.operation.get("responses"),
        ));
    }
    for (at, list) in responses {
        for (code, response) in list.and_then(Value::as_object).into_iter().flatten() {
            maps.push((
                format!("{}/links", pointer::push(&at, code)),
                response.get("links"),
            ));
        }
    }
    for (at, links) in maps {
        for (name, link) in links.and_then(Value::as_object).into_iter().flatten() {
            let Some(id) = link.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            if !ids.contains(id) {
                out.push((
                    "link-operation",
                    format!("{}/operationId", pointer::push(&at, name)),
                    format!("link `{name}` names operationId `{id}`, which no operation has"),
                ));
            }
        }
    }
}

/// "A map between a property name and its encoding information. The key,
/// being the property name, MUST exist in the schema as a property."
/// (Media Type Object, `encoding`). Schemas whose properties come from
/// composition other than `allOf` are not judged.
fn encoding_properties(raw: &Value, ops: &[OperationRef<'_>], out: &mut Vec<Problem>) {
    let mut bodies = Vec::new();
    for found in ops {
        if let Some(body) = found.operation.get("requestBody") {
            bodies.push((format!("{}/requestBody", found.pointer()), body));
        }
    }
    for (name, body) in raw
        .pointer("/components/requestBodies")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        bodies.push((pointer::push("/components/requestBodies", name), body));
    }
    for (at, body) in bodies {
        if body.get("$ref").is_some() {
            continue;
        }
        for (media, content) in body
            .get("content")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let Some(encoding) = content.get("encoding").and_then(Value::as_object) else {
                continue;
            };
            let Some(names) = content.get("schema").and_then(|s| property_names(raw, s)) else {
                continue;
            };
            let here = format!(
                "{}/encoding",
                pointer::push(&format!("{at}/content"), media)
            );
            for key in encoding.keys().filter(|k| !names.contains(k.as_str())) {
                out.push((
                    "encoding-property",
                    pointer::push(&here, key),
                    format!(
                        "encoding names `{key}`, which is not a property of the {media} schema"
                    ),
                ));
            }
        }
    }
}

/// The properties a schema declares, through `$ref` and `allOf`; `None`
/// when they cannot be known (`oneOf`, `anyOf`, no properties at all, or
/// `allOf` deeper than 32).
fn property_names<'a>(raw: &'a Value, schema: &'a Value) -> Option<BTreeSet<&'a str>> {
    declared(raw, schema, 0).filter(|names| !names.is_empty())
}

fn declared<'a>(raw: &'a Value, schema: &'a Value, depth: usize) -> Option<BTreeSet<&'a str>> {
    if depth > 32 {
        return None;
    }
    let schema = resolve(raw, schema)?;
    if schema.get("oneOf").is_some() || schema.get("anyOf").is_some() {
        return None;
    }
    let mut names: BTreeSet<&str> = crate::schema::properties(schema)
        .map(|(k, _)| k.as_str())
        .collect();
    for part in crate::schema::all_of(schema) {
        names.extend(declared(raw, part, depth + 1)?);
    }
    Some(names)
}

fn resolve<'a>(raw: &'a Value, value: &'a Value) -> Option<&'a Value> {
    pointer::resolve(raw, value, "").map(|(v, _)| v)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// The encoding findings for a multipart body whose schema is `schema`,
    /// with `schemas` as the components.
    fn encoding(schema: Value, schemas: Value) -> Vec<String> {
        let raw = json!({
            "paths": {"/a": {"post": {"requestBody": {"content": {"multipart/form-data": {
                "schema": schema,
                "encoding": {"photo": {"contentType": "image/png"}}
            }}}}}},
            "components": {"schemas": schemas}
        });
        let mut out = Vec::new();
        encoding_properties(&raw, &operations(&raw), &mut out);
        out.into_iter().map(|(_, at, _)| at).collect()
    }

    fn photo_schema() -> Value {
        json!({"properties": {"photo": {"type": "string"}}})
    }

    #[test]
    fn an_encoding_names_a_property_found_through_refs_and_allof() {
        let photo = json!({"properties": {"photo": {"type": "string"}}});
        let other = json!({"properties": {"name": {"type": "string"}}});
        let none = json!({});
        assert!(encoding(photo.clone(), none.clone()).is_empty());
        let at = "/paths/~1a/post/requestBody/content/multipart~1form-data/encoding/photo";
        assert_eq!(encoding(other.clone(), none.clone()), [at]);
        let by_ref = json!({"$ref": "#/components/schemas/P"});
        assert!(encoding(by_ref.clone(), json!({"P": photo})).is_empty());
        assert_eq!(encoding(by_ref, json!({"P": other.clone()})), [at]);
        let composed =
            json!({"allOf": [{"$ref": "#/components/schemas/P"}, {"required": ["photo"]}]});
        assert_eq!(
            encoding(composed.clone(), json!({"P": other.clone()})),
            [at]
        );
        assert!(encoding(composed, json!({"P": {"properties": {"photo": {}}}})).is_empty());
        // What cannot be known is not judged.
        for unknowable in [
            json!({"anyOf": [photo_schema()], "properties": {"name": {}}}),
            json!({"oneOf": [photo_schema()], "properties": {"name": {}}}),
            json!({"type": "object"}),
            json!({"allOf": [{"$ref": "#/components/schemas/C"}], "properties": {"name": {}}}),
        ] {
            let cycle = json!({"C": {"allOf": [{"$ref": "#/components/schemas/C"}]}});
            assert!(
                encoding(unknowable.clone(), cycle).is_empty(),
                "{unknowable}"
            );
        }
    }

    #[test]
    fn allof_is_followed_32_deep() {
        let chain = |depth: usize| {
            let mut schemas = serde_json::Map::new();
            for i in 0..depth {
                let next = format!("#/components/schemas/C{}", i + 1);
                schemas.insert(format!("C{i}"), json!({"allOf": [{"$ref": next}]}));
            }
            schemas.insert(format!("C{depth}"), json!({"properties": {"name": {}}}));
            encoding(
                json!({"$ref": "#/components/schemas/C0"}),
                Value::Object(schemas),
            )
        };
        assert_eq!(chain(32).len(), 1);
        assert!(chain(33).is_empty());
    }
}
