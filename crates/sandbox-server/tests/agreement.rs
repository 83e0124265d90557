//! The OpenAPI the sandbox's handlers generate (utoipa) agrees with
//! openapi/signalzen-v1.yaml: the same paths, operations, parameters and
//! bounds, statuses and media types; and the response schemas, both turned
//! into JSON Schema, accept and reject exactly the same bodies (the
//! sandbox's whole seed data, and hundreds of mutations of it).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use sandbox_store::{SeedConfig, Store};
use serde_json::{Value, json};
use utoipa::OpenApi;

fn yaml() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../openapi/signalzen-v1.yaml");
    openapi_spec::load(&path, &openapi_spec::LoadOptions::default())
        .unwrap()
        .raw
}

fn generated() -> Value {
    serde_json::to_value(sandbox_server::ApiDoc::openapi()).unwrap()
}

/// Follows a local `$ref`.
fn deref<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => deref(doc, doc.pointer(r.trim_start_matches('#')).unwrap()),
        None => v,
    }
}

fn operations(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "put", "post", "delete", "patch", "head", "options"]
                .contains(&method.as_str())
            {
                out.insert((path.clone(), method.clone()));
            }
        }
    }
    out
}

/// A parameter's contract: where, whether required, and its schema's type and bounds.
fn parameters(doc: &Value, op: &Value) -> BTreeMap<String, Value> {
    op.get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|p| {
            let p = deref(doc, p);
            let s = deref(doc, &p["schema"]);
            // 3.1 writes an optional parameter's type as ["integer", "null"].
            let ty = match &s["type"] {
                Value::Array(a) => a
                    .iter()
                    .find(|t| *t != "null")
                    .cloned()
                    .unwrap_or(Value::Null),
                t => t.clone(),
            };
            (
                p["name"].as_str().unwrap().to_string(),
                json!({
                    "in": p["in"],
                    "required": p.get("required").cloned().unwrap_or(json!(false)),
                    "type": ty,
                    "format": s.get("format"),
                    "minimum": s.get("minimum"),
                    "maximum": s.get("maximum"),
                    "default": s.get("default"),
                }),
            )
        })
        .collect()
}

type Media = BTreeMap<String, String>;

/// Status → (media type → the schema's component name, header names).
fn responses(doc: &Value, op: &Value) -> BTreeMap<String, (Media, BTreeSet<String>)> {
    op["responses"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(status, r)| {
            let r = deref(doc, r);
            let media = r
                .get("content")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(m, c)| {
                    let name = c["schema"]["$ref"].as_str().unwrap_or("(inline)");
                    (m.clone(), name.rsplit('/').next().unwrap().to_string())
                })
                .collect();
            let headers = r
                .get("headers")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(h, _)| h.to_ascii_lowercase())
                .collect();
            (status.clone(), (media, headers))
        })
        .collect()
}

#[test]
fn the_generated_document_has_the_same_operations_parameters_and_responses() {
    let (y, g) = (yaml(), generated());
    assert_eq!(operations(&y), operations(&g), "paths and methods differ");
    for (path, method) in operations(&y) {
        let (yo, go) = (&y["paths"][&path][&method], &g["paths"][&path][&method]);
        let here = format!("{method} {path}");
        assert_eq!(yo["operationId"], go["operationId"], "{here}: operationId");
        assert_eq!(parameters(&y, yo), parameters(&g, go), "{here}: parameters");
        assert_eq!(responses(&y, yo), responses(&g, go), "{here}: responses");
        let security = |d: &Value, o: &Value| o.get("security").or(d.get("security")).cloned();
        assert_eq!(security(&y, yo), security(&g, go), "{here}: security");
    }
    assert_eq!(
        y["components"]["securitySchemes"]["apiSecret"]["scheme"],
        g["components"]["securitySchemes"]["apiSecret"]["scheme"]
    );
}

/// The YAML's component as JSON Schema (the project's converter).
fn yaml_validator(doc: &Value, name: &str) -> jsonschema::Validator {
    let ptr = format!("/components/schemas/{name}");
    let converter = openapi_jsonschema::Converter::new(doc);
    let schema = converter.bundle(doc.pointer(&ptr).unwrap(), &ptr).unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

/// utoipa's component: OpenAPI 3.1 schemas are JSON Schema already; the
/// components ride along so their `$ref`s resolve.
fn generated_validator(doc: &Value, name: &str) -> jsonschema::Validator {
    let schema = json!({
        "$ref": format!("#/components/schemas/{name}"),
        "components": doc["components"],
    });
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

/// Every way to break one value at a time: drop a key, null it, change its type.
fn mutations(value: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    fn with(root: &Value, ptr: &str, out: &mut Vec<Value>, f: &dyn Fn(&mut Value)) {
        let mut copy = root.clone();
        if let Some(t) = copy.pointer_mut(ptr) {
            f(t);
            out.push(copy);
        }
    }
    fn walk(root: &Value, at: &str, v: &Value, out: &mut Vec<Value>) {
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    let here = format!("{at}/{k}");
                    let key = k.clone();
                    let mut copy = root.clone();
                    if let Some(Value::Object(m)) = copy.pointer_mut(at) {
                        m.remove(&key);
                        out.push(copy);
                    }
                    walk(root, &here, child, out);
                }
                let mut copy = root.clone();
                if let Some(Value::Object(m)) = copy.pointer_mut(at) {
                    m.insert("sender_type".into(), json!("bot"));
                    out.push(copy);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate().take(2) {
                    walk(root, &format!("{at}/{i}"), child, out);
                }
            }
            _ => {}
        }
        if !at.is_empty() {
            with(root, at, out, &|t| *t = Value::Null);
            with(root, at, out, &|t| {
                *t = match t {
                    Value::String(_) => json!(12),
                    _ => json!("not a valid value"),
                }
            });
            if v.is_string() {
                with(root, at, out, &|t| {
                    *t = json!("::not an email, a uri or a time::")
                });
            }
            if v.is_i64() {
                with(root, at, out, &|t| *t = json!(-5));
                with(root, at, out, &|t| *t = json!(1000));
            }
        }
    }
    walk(value, "", value, &mut out);
    out
}

fn seed_bodies() -> BTreeMap<&'static str, Vec<Value>> {
    let mut store = Store::open(None).unwrap();
    let sites = store.seed(&SeedConfig::default()).unwrap();
    let mut bodies: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    for site in &sites {
        let (total, users) = store.users_page(site.id, 99, 0).unwrap();
        for limit in [1i32, 99] {
            bodies.entry("UsersPage").or_default().push(
                serde_json::to_value(signalzen_models::UsersPage {
                    limit,
                    offset: 0,
                    total,
                    users: users.iter().take(limit as usize).cloned().collect(),
                })
                .unwrap(),
            );
        }
        for u in &users {
            bodies
                .entry("User")
                .or_default()
                .push(serde_json::to_value(u).unwrap());
            let (total, messages) = store.messages_page(site.id, u.id, 99, 0).unwrap().unwrap();
            let messages: Vec<_> = messages
                .into_iter()
                .map(|m| {
                    let mut msg = m.message;
                    msg.file_url = m
                        .attachment
                        .map(|p| format!("https://files.example.com/{p}?sig=1"));
                    msg
                })
                .collect();
            for m in &messages {
                bodies
                    .entry("Message")
                    .or_default()
                    .push(serde_json::to_value(m).unwrap());
            }
            bodies.entry("MessagesPage").or_default().push(
                serde_json::to_value(signalzen_models::MessagesPage {
                    limit: 99,
                    offset: 0,
                    total,
                    messages,
                })
                .unwrap(),
            );
        }
    }
    bodies.insert(
        "Error",
        vec![json!({"status": 404, "error": "not_found", "message": "no such user"})],
    );
    bodies
}

/// Bodies the two documents judge differently, and how many were compared.
fn disagreements(y: &Value, g: &Value) -> (Vec<String>, usize) {
    let mut out = Vec::new();
    let mut checked = 0;
    for (name, samples) in seed_bodies() {
        let (yv, gv) = (yaml_validator(y, name), generated_validator(g, name));
        // A sample of the valid bodies, and every mutation of a few of them.
        let mut instances: Vec<Value> = samples.iter().take(40).cloned().collect();
        for s in samples.iter().step_by((samples.len() / 6).max(1)).take(6) {
            instances.extend(mutations(s));
        }
        let mut rejected = 0;
        for v in &instances {
            let (a, b) = (yv.is_valid(v), gv.is_valid(v));
            if a != b {
                out.push(format!(
                    "{name}: the YAML says {a}, the handlers' document says {b}, for {v}"
                ));
            }
            rejected += usize::from(!a);
            checked += 1;
        }
        assert!(
            samples.iter().all(|s| yv.is_valid(s)),
            "{name}: seed data is invalid"
        );
        assert!(rejected > 0, "{name}: no mutation was rejected");
    }
    (out, checked)
}

#[test]
fn response_schemas_accept_and_reject_the_same_bodies() {
    let (differ, checked) = disagreements(&yaml(), &generated());
    assert!(
        differ.is_empty(),
        "{}",
        differ[..differ.len().min(5)].join("\n")
    );
    assert!(checked > 500, "only {checked} bodies compared");
}

#[test]
fn a_drifted_handler_schema_is_caught() {
    let mut g = generated();
    // The handlers forget that a user's email is nullable and an email.
    g["components"]["schemas"]["User"]["properties"]["email"] = json!({"type": "string"});
    let (differ, _) = disagreements(&yaml(), &g);
    assert!(!differ.is_empty());
}
