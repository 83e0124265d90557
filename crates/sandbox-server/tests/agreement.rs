//! The OpenAPI the sandbox's handlers generate (utoipa, OpenAPI 3.1)
//! agrees with openapi/signalzen-v1.yaml by the rules that protect
//! integrators: the handlers' document is loaded like any 3.1 document and
//! compared with the YAML through the breaking-change gate, and the
//! response schemas of both, turned into JSON Schema by the one converter,
//! accept and reject exactly the same bodies (the sandbox's whole seed
//! data, and hundreds of mutations of it).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use openapi_diff::Level;
use openapi_spec::{Document, Version};
use sandbox_store::{SeedConfig, Store};
use serde_json::{Value, json};
use utoipa::OpenApi;

fn yaml() -> Document {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../openapi/signalzen-v1.yaml");
    openapi_spec::load(&path, &openapi_spec::LoadOptions::default()).unwrap()
}

/// The handlers' document, read by the same loader as any 3.1 document.
fn generated_from(raw: &Value) -> Document {
    let text = serde_json::to_string(raw).unwrap();
    let path = Path::new("sandbox-server handlers (utoipa).json");
    openapi_spec::load_str(&text, path, true, &Default::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn generated_raw() -> Value {
    serde_json::to_value(sandbox_server::ApiDoc::openapi()).unwrap()
}

fn generated() -> Document {
    generated_from(&generated_raw())
}

/// The gate's errors and warnings from the YAML to the handlers' document.
fn breaking(revision: &Document) -> Vec<String> {
    let report = openapi_diff::compare(&yaml(), revision);
    report
        .changes
        .iter()
        .filter(|c| c.level >= Level::Warning)
        .map(|c| format!("{} {}", c.rule, c.message))
        .collect()
}

#[test]
fn the_gate_sees_no_breaking_change_from_the_document_to_the_handlers() {
    let handlers = generated();
    assert_eq!(handlers.version, Version::V3_1);
    let errors: Vec<_> = openapi_spec::lint::lint(&handlers)
        .into_iter()
        .filter(|f| f.severity == openapi_spec::lint::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let changes = breaking(&handlers);
    assert!(changes.is_empty(), "{}", changes.join("\n"));
}

/// The gate's errors and warnings once `f` has changed the handlers' document.
fn drifted(f: &dyn Fn(&mut Value)) -> Vec<String> {
    let mut raw = generated_raw();
    f(&mut raw);
    breaking(&generated_from(&raw))
}

/// The same, with the key `key` removed from the object at `at`.
fn drifted_without(at: &str, key: &str) -> Vec<String> {
    drifted(&|raw| {
        raw.pointer_mut(at)
            .and_then(Value::as_object_mut)
            .unwrap_or_else(|| panic!("no object at {at}"))
            .remove(key);
    })
}

/// Asserts the gate named `rule` among `changes`.
fn assert_seen(changes: &[String], rule: &str) {
    assert!(
        changes.iter().any(|c| c.starts_with(&format!("{rule} "))),
        "{rule} not seen: {changes:#?}"
    );
}

#[test]
fn a_handler_that_drifts_is_caught_by_the_gate() {
    // The handlers accept fewer items per page than the document promises.
    let changes = drifted(&|raw| {
        let params = raw["paths"]["/users"]["get"]["parameters"]
            .as_array_mut()
            .unwrap();
        for p in params {
            if p["name"] == "limit" {
                p["schema"]["maximum"] = json!(10);
            }
        }
    });
    assert!(changes.iter().any(|c| c.contains("limit")), "{changes:?}");
    // A user's email is described as any string (its format and null gone).
    let changes = drifted(&|raw| {
        raw["components"]["schemas"]["User"]["properties"]["email"] = json!({"type": "string"});
    });
    assert_seen(&changes, "response.format-changed");
    // The handlers stop paging.
    assert_seen(
        &drifted_without("/paths/~1users/get", "x-pagination"),
        "pagination.removed",
    );
    // Deliveries stop being signed as documented.
    assert_seen(
        &drifted_without("/webhooks/messageCreated/post", "x-webhook-signature"),
        "webhook.signature-removed",
    );
    // The URL check is dropped.
    assert_seen(
        &drifted_without("/webhooks", "urlVerification"),
        "webhook.event-removed",
    );
    // A message can no longer come from an operator.
    let changes = drifted(&|raw| {
        let message = &mut raw["components"]["schemas"]["Message"];
        message["oneOf"].as_array_mut().unwrap().pop();
        message["discriminator"]["mapping"]
            .as_object_mut()
            .unwrap()
            .remove("operator");
    });
    assert_seen(&changes, "response.discriminator-changed");
    assert_seen(&changes, "webhook.discriminator-changed");
}

/// A component as JSON Schema, by the project's one converter (a 3.1
/// document's schemas folded on load like any other's).
fn validator(doc: &Document, name: &str) -> jsonschema::Validator {
    let ptr = format!("/components/schemas/{name}");
    let converter = openapi_jsonschema::Converter::new(&doc.raw);
    let schema = converter
        .bundle(doc.raw.pointer(&ptr).unwrap(), &ptr)
        .unwrap();
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
fn disagreements(y: &Document, g: &Document) -> (Vec<String>, usize) {
    let mut out = Vec::new();
    let mut checked = 0;
    for (name, samples) in seed_bodies() {
        let (yv, gv) = (validator(y, name), validator(g, name));
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
    let mut raw = generated_raw();
    // The handlers forget that a user's email is nullable and an email.
    raw["components"]["schemas"]["User"]["properties"]["email"] = json!({"type": "string"});
    let (differ, _) = disagreements(&yaml(), &generated_from(&raw));
    assert!(!differ.is_empty());
}
