//! The generated types and the generated JSON Schemas against the document's
//! examples and against hand-made violations.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use signalzen_models::*;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn document() -> openapi_spec::Document {
    openapi_spec::load(
        &root().join("openapi/signalzen-v1.yaml"),
        &Default::default(),
    )
    .expect("document loads")
}

fn round_trip<T: DeserializeOwned + Serialize>(v: &Value) -> Result<Value, String> {
    let t: T = serde_json::from_value(v.clone()).map_err(|e| e.to_string())?;
    serde_json::to_value(&t).map_err(|e| e.to_string())
}

fn schemars_schema<T: schemars::JsonSchema>() -> Value {
    serde_json::to_value(schemars::schema_for!(T)).expect("schema serializes")
}

/// Component name → (round trip through the Rust type, the schemars schema).
macro_rules! registry {
    ($($t:ident),* $(,)?) => {
        fn by_name(name: &str) -> Option<(fn(&Value) -> Result<Value, String>, fn() -> Value)> {
            match name {
                $(stringify!($t) => Some((round_trip::<$t> as fn(&Value) -> Result<Value, String>, schemars_schema::<$t> as fn() -> Value)),)*
                _ => None,
            }
        }
        const ALL: &[&str] = &[$(stringify!($t)),*];
    };
}

registry!(
    User,
    UserAttribute,
    UsersPage,
    Message,
    MessageFields,
    VisitorMessage,
    OperatorMessage,
    VisitorSender,
    OperatorSender,
    MessagesPage,
    Error,
    ErrorCode,
    MessageCreatedEvent,
    WebhookMessage,
    WebhookChallenge,
);

/// The component a schema pointer names, directly or through a `$ref`.
fn component_of(doc: &openapi_spec::Document, schema_pointer: &str) -> Option<String> {
    let schema = doc.raw.pointer(schema_pointer)?;
    let (_, target) = doc.resolve(schema, schema_pointer)?;
    target
        .strip_prefix("/components/schemas/")
        .filter(|n| !n.contains('/'))
        .map(str::to_string)
}

#[test]
fn every_component_has_a_type() {
    let doc = document();
    let names: Vec<String> = doc.raw["components"]["schemas"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    for n in &names {
        assert!(
            ALL.contains(&n.as_str()),
            "component {n} is missing from the test registry"
        );
    }
    assert_eq!(names.len(), ALL.len());
}

#[test]
fn every_example_round_trips_through_its_type() {
    let doc = document();
    let mut checked = 0;
    for ex in openapi_spec::visit::examples(&doc) {
        let Some(component) = component_of(&doc, &ex.schema_pointer) else {
            continue;
        };
        let (rt, _) = by_name(&component).unwrap_or_else(|| panic!("no type for {component}"));
        let back = rt(ex.value).unwrap_or_else(|e| panic!("#{}: {e}", ex.pointer));
        assert_eq!(&back, ex.value, "#{} changed in a round trip", ex.pointer);
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} examples found");
}

#[test]
fn common_message_fields_need_no_match() {
    let m: Message = serde_json::from_value(json!({
        "id": 9, "body": null, "read_by_user": null, "created_at": "2018-02-09T17:18:50.000Z",
        "file_url": null, "auto_invitation": false, "sender_type": "operator", "read_by_operator": true,
        "sender": {"id": 1, "forename": "A", "surname": "B", "email": "a@b.co", "picture_thumb_url": null}
    }))
    .unwrap();
    assert_eq!(m.id, 9);
    assert!(m.body.is_none());
    match m.sender {
        MessageSender::Operator(op) => assert_eq!(op.forename, "A"),
        MessageSender::User(_) => panic!("wrong variant"),
    }
    // An added field is accepted (a warning for the contract runner, not a break here).
    let extra: Result<UserAttribute, _> =
        serde_json::from_value(json!({"name": "a", "value": "b", "new": 1}));
    assert!(extra.is_ok());
}

fn valid_user() -> Value {
    json!({
        "id": 1, "name": null, "email": "a@b.co", "reference": null,
        "created_at": "2017-11-25T20:27:42.000Z", "updated_at": "2017-11-25T20:27:42.000Z",
        "online_at": null, "last_url": "https://google.com", "user_attributes": [{"name": "n", "value": "v"}]
    })
}

fn valid_message() -> Value {
    json!({
        "id": 1, "body": "hi", "read_by_user": true, "created_at": "2018-02-09T17:18:50.000Z",
        "file_url": null, "auto_invitation": false, "sender_type": "user", "read_by_operator": true,
        "sender": {"id": 1, "name": "David", "email": "visitor@gmail.com"}
    })
}

fn with(mut v: Value, pointer: &str, value: Option<Value>) -> Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let obj = v.pointer_mut(parent).unwrap().as_object_mut().unwrap();
    match value {
        Some(x) => {
            obj.insert(key.to_string(), x);
        }
        None => {
            obj.remove(key);
        }
    }
    v
}

/// (component, case, instance, should be valid)
fn cases() -> Vec<(&'static str, &'static str, Value, bool)> {
    let operator = json!({"id": 1, "forename": "J", "surname": "S", "email": "o@x.io", "picture_thumb_url": null});
    vec![
        ("User", "valid", valid_user(), true),
        (
            "User",
            "required key missing",
            with(valid_user(), "/email", None),
            false,
        ),
        (
            "User",
            "nullable key missing",
            with(valid_user(), "/online_at", None),
            false,
        ),
        (
            "User",
            "wrong type",
            with(valid_user(), "/id", Some(json!("1"))),
            false,
        ),
        (
            "User",
            "null where not nullable",
            with(valid_user(), "/created_at", Some(Value::Null)),
            false,
        ),
        (
            "User",
            "malformed date-time",
            with(valid_user(), "/created_at", Some(json!("2017-11-25 20:27"))),
            false,
        ),
        (
            "User",
            "last_url not a URI",
            with(valid_user(), "/last_url", Some(json!("not a url"))),
            false,
        ),
        (
            "User",
            "email malformed",
            with(valid_user(), "/email", Some(json!("nobody"))),
            false,
        ),
        (
            "User",
            "attribute value not a string",
            with(valid_user(), "/user_attributes/0/value", Some(json!(5))),
            false,
        ),
        ("Message", "valid visitor", valid_message(), true),
        (
            "Message",
            "valid operator",
            with(
                with(valid_message(), "/sender_type", Some(json!("operator"))),
                "/sender",
                Some(operator.clone()),
            ),
            true,
        ),
        (
            "Message",
            "operator sender under sender_type user",
            with(valid_message(), "/sender", Some(operator.clone())),
            false,
        ),
        (
            "Message",
            "visitor sender under sender_type operator",
            with(valid_message(), "/sender_type", Some(json!("operator"))),
            false,
        ),
        (
            "Message",
            "unknown sender_type",
            with(valid_message(), "/sender_type", Some(json!("bot"))),
            false,
        ),
        (
            "Message",
            "sender_type missing",
            with(valid_message(), "/sender_type", None),
            false,
        ),
        (
            "Message",
            "malformed date-time",
            with(valid_message(), "/created_at", Some(json!("yesterday"))),
            false,
        ),
        (
            "Message",
            "file_url not a URI",
            with(valid_message(), "/file_url", Some(json!("not a uri"))),
            false,
        ),
        (
            "Message",
            "file_url key missing",
            with(valid_message(), "/file_url", None),
            false,
        ),
        (
            "Message",
            "body null is fine",
            with(valid_message(), "/body", Some(Value::Null)),
            true,
        ),
        (
            "Message",
            "auto_invitation null",
            with(valid_message(), "/auto_invitation", Some(Value::Null)),
            false,
        ),
        (
            "Message",
            "sender null",
            with(valid_message(), "/sender", Some(Value::Null)),
            false,
        ),
        (
            "MessagesPage",
            "limit 100",
            json!({"limit": 100, "offset": 0, "total": 0, "messages": []}),
            false,
        ),
        (
            "MessagesPage",
            "limit 0",
            json!({"limit": 0, "offset": 0, "total": 0, "messages": []}),
            false,
        ),
        (
            "MessagesPage",
            "negative offset",
            json!({"limit": 5, "offset": -1, "total": 0, "messages": []}),
            false,
        ),
        (
            "MessagesPage",
            "valid",
            json!({"limit": 5, "offset": 0, "total": 1, "messages": [valid_message()]}),
            true,
        ),
        ("OperatorSender", "picture null", operator.clone(), true),
        (
            "OperatorSender",
            "picture not a URI",
            with(operator.clone(), "/picture_thumb_url", Some(json!("::"))),
            false,
        ),
        (
            "OperatorSender",
            "forename null",
            with(operator, "/forename", Some(Value::Null)),
            false,
        ),
        ("ErrorCode", "unknown code", json!("teapot"), false),
        (
            "Error",
            "valid",
            json!({"status": 404, "error": "not_found", "message": "Not found"}),
            true,
        ),
    ]
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .expect("schema compiles")
}

fn committed_schema(component: &str) -> Value {
    let path = root().join(format!("openapi/schemas/components/{component}.json"));
    serde_json::from_str(&std::fs::read_to_string(&path).expect("schema file"))
        .expect("schema JSON")
}

#[test]
fn generated_schemas_accept_examples() {
    let doc = document();
    let mut checked = 0;
    for ex in openapi_spec::visit::examples(&doc) {
        let Some(component) = component_of(&doc, &ex.schema_pointer) else {
            continue;
        };
        let v = validator(&committed_schema(&component));
        let errors: Vec<String> = v.iter_errors(ex.value).map(|e| e.to_string()).collect();
        assert!(
            errors.is_empty(),
            "#{} rejected by {component}.json: {errors:?}",
            ex.pointer
        );
        checked += 1;
    }
    assert!(checked >= 20);
}

#[test]
fn generated_schemas_reject_violations() {
    for (component, case, instance, valid) in cases() {
        let v = validator(&committed_schema(component));
        assert_eq!(v.is_valid(&instance), valid, "{component}: {case}");
    }
}

#[test]
fn schemars_schema_agrees_with_the_converted_schema() {
    for (component, case, instance, valid) in cases() {
        let (_, schemars) = by_name(component).unwrap();
        let derived = validator(&schemars());
        assert_eq!(
            derived.is_valid(&instance),
            valid,
            "schemars schema of {component} disagrees on: {case}"
        );
    }
    // and on every example
    let doc = document();
    for ex in openapi_spec::visit::examples(&doc) {
        let Some(component) = component_of(&doc, &ex.schema_pointer) else {
            continue;
        };
        let (_, schemars) = by_name(&component).unwrap();
        assert!(
            validator(&schemars()).is_valid(ex.value),
            "schemars schema of {component} rejects #{}",
            ex.pointer
        );
    }
}
