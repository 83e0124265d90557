//! The `x-webhook-*` extensions on `x-webhooks` operations say what the
//! receiver, the checker and the docs rely on; a wrong one would make the
//! contract run check the wrong thing silently. Each must be well formed
//! and point at what exists: a declared security scheme, a request-body
//! property, an operation and its path parameters.

use serde_json::Value;

use crate::Document;
use crate::visit::{OperationRef, Root, operations};

/// (pointer, message) for every broken extension.
pub(crate) fn check(doc: &Document) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let raw = &doc.raw;
    for found in operations(raw)
        .into_iter()
        .filter(|f| f.root() == Root::Webhooks)
    {
        let ptr = found.pointer();
        let op = found.operation;
        if let Some(s) = op.get("x-webhook-signature") {
            signature(raw, s, &format!("{ptr}/x-webhook-signature"), &mut out);
        }
        if let Some(c) = op.get("x-webhook-challenge") {
            challenge(
                doc,
                &found,
                c,
                &format!("{ptr}/x-webhook-challenge"),
                &mut out,
            );
        }
        if let Some(r) = op.get("x-webhook-resource") {
            resource(raw, r, &format!("{ptr}/x-webhook-resource"), &mut out);
        }
    }
    out
}

fn text<'a>(x: &'a Value, key: &str) -> Option<&'a str> {
    x.get(key).and_then(Value::as_str)
}

fn signature(raw: &Value, s: &Value, at: &str, out: &mut Vec<(String, String)>) {
    if text(s, "header").is_none_or(str::is_empty) {
        out.push((
            at.into(),
            "x-webhook-signature needs `header`, the header that carries the signature".into(),
        ));
    }
    let allowed: [(&str, &[&str]); 3] = [
        ("algorithm", &["hmac-sha256"]),
        ("encoding", &["hex", "base64"]),
        ("signed", &["raw-body"]),
    ];
    for (key, values) in allowed {
        if let Some(v) = s.get(key)
            && !v.as_str().is_some_and(|v| values.contains(&v))
        {
            out.push((
                format!("{at}/{key}"),
                format!(
                    "`{key}` must be one of {}; the tools cannot check {v}",
                    values.join(", ")
                ),
            ));
        }
    }
    match text(s, "secret") {
        None => out.push((at.into(), "x-webhook-signature needs `secret`, the security scheme whose credential keys the signature".into())),
        Some(name) if raw.pointer(&format!("/components/securitySchemes/{}", crate::pointer::escape(name))).is_none() => out.push((
            format!("{at}/secret"),
            format!("`secret` names `{name}`, which is not in components/securitySchemes"),
        )),
        Some(_) => {}
    }
}

fn challenge(
    doc: &Document,
    found: &OperationRef<'_>,
    c: &Value,
    at: &str,
    out: &mut Vec<(String, String)>,
) {
    let Some(echo) = text(c, "echo") else {
        out.push((
            at.into(),
            "x-webhook-challenge needs `echo`, the request-body property the answer repeats".into(),
        ));
        return;
    };
    let ptr = found.pointer();
    let schema = found
        .operation
        .get("requestBody")
        .and_then(|b| doc.resolve(b, &format!("{ptr}/requestBody")))
        .and_then(|(b, _)| {
            b.get("content")?
                .as_object()?
                .values()
                .next()?
                .get("schema")
        })
        .and_then(|s| doc.resolve(s, ""));
    let has = schema.is_some_and(|(s, _)| {
        s.pointer(&format!("/properties/{}", crate::pointer::escape(echo)))
            .is_some()
    });
    if !has {
        out.push((
            format!("{at}/echo"),
            format!("`echo` names `{echo}`, which is not a property of the request body's schema"),
        ));
    }
}

fn resource(raw: &Value, r: &Value, at: &str, out: &mut Vec<(String, String)>) {
    let Some(id) = text(r, "operation") else {
        out.push((
            at.into(),
            "x-webhook-resource needs `operation`, an operationId".into(),
        ));
        return;
    };
    let Some(target) = operations(raw)
        .into_iter()
        .find(|o| o.root() == Root::Paths && text(o.operation, "operationId") == Some(id))
    else {
        out.push((
            format!("{at}/operation"),
            format!("`operation` names `{id}`, which is no operation under paths"),
        ));
        return;
    };
    let given = r.get("parameters").and_then(Value::as_object);
    let templated = crate::template::names(target.path).unwrap_or_default();
    for name in templated {
        if !given.is_some_and(|g| g.contains_key(name)) {
            out.push((
                format!("{at}/parameters"),
                format!("`{id}` takes the path parameter `{name}`; `parameters` must say where in the body it is"),
            ));
        }
    }
    let pointers = given.into_iter().flat_map(|g| g.iter()).chain(
        r.get("when")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|w| w.iter().map(|(k, _)| (k, &Value::Null))),
    );
    for (key, value) in pointers {
        let ptr = value.as_str().unwrap_or(key);
        if !ptr.starts_with('/') {
            out.push((
                at.to_string(),
                format!("`{ptr}` is not a JSON pointer (it must start with /)"),
            ));
        }
    }
    if text(r, "data").is_some_and(|d| !d.is_empty() && !d.starts_with('/')) {
        out.push((
            format!("{at}/data"),
            "`data` must be a JSON pointer (it must start with /)".into(),
        ));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn resource_problems(r: Value) -> Vec<(String, String)> {
        let raw = json!({
            "paths": {"/items/{id}": {"get": {"operationId": "getItem"}}},
            "x-webhooks": {"changed": {"post": {"operationId": "itemChanged"}}}
        });
        let mut out = Vec::new();
        resource(&raw, &r, "/r", &mut out);
        out
    }

    #[test]
    fn a_resource_is_an_operation_under_paths_with_pointers() {
        let good =
            json!({"operation": "getItem", "data": "/data", "parameters": {"id": "/data/id"}});
        assert!(resource_problems(good).is_empty());
        // A webhook's own operationId is not an API operation.
        let hook = resource_problems(json!({"operation": "itemChanged"}));
        assert_eq!(hook.len(), 1, "{hook:?}");
        assert_eq!(hook[0].0, "/r/operation");
        let data = resource_problems(
            json!({"operation": "getItem", "data": "data", "parameters": {"id": "/data/id"}}),
        );
        assert_eq!(data.len(), 1, "{data:?}");
        assert_eq!(data[0].0, "/r/data");
        let whole = json!({"operation": "getItem", "data": "", "parameters": {"id": "/id"}});
        assert!(resource_problems(whole).is_empty());
    }
}
