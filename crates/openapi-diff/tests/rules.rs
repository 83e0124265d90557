//! One pair of small documents per rule: the base (tests/base.yaml) and a
//! revision with one edit. Each case expects its rule id at its catalogue
//! level, so removing a rule's detection fails its case; a last test checks
//! that every rule in the catalogue has a case.

use std::collections::BTreeSet;
use std::path::Path;

use openapi_diff::rules::{self, Context, Kind};
use openapi_diff::{Level, Report, compare};
use serde_json::{Value, json};

mod support;
use support::*;

/// Where each context's probe schemas sit in the base document.
fn scalar_probe(context: Context) -> &'static str {
    match context {
        Context::Parameter => "/paths/~1users/get/parameters/3/schema",
        Context::Request => "/components/schemas/NewUser/properties/code",
        Context::Response => "/components/schemas/User/properties/code",
        Context::ResponseHeader => "/paths/~1users/get/responses/200/headers/X-Total/schema",
        Context::Webhook => "/components/schemas/Visitor/properties/body",
        Context::WebhookParameter => "/x-webhooks/messageCreated/post/parameters/0/schema",
        Context::WebhookResponse => {
            "/x-webhooks/messageCreated/post/responses/200/content/text~1plain/schema"
        }
    }
}

fn object_probe(context: Context) -> &'static str {
    match context {
        Context::Request => "/components/schemas/NewUser",
        Context::Response => "/components/schemas/User",
        Context::Webhook => "/components/schemas/Agent",
        Context::WebhookResponse => {
            "/x-webhooks/messageCreated/post/responses/200/content/text~1plain/schema"
        }
        _ => unreachable!("no object kinds in {context:?}"),
    }
}

fn scalar_pair(kind: Kind) -> (Value, Value) {
    let s = |extra: Value| {
        let mut v = json!({"type": "string"});
        v.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        v
    };
    match kind {
        Kind::TypeChanged => (json!({"type": "string"}), json!({"type": "integer"})),
        Kind::FormatChanged => (s(json!({})), s(json!({"format": "uuid"}))),
        Kind::NullableAdded => (s(json!({})), s(json!({"nullable": true}))),
        Kind::NullableRemoved => (s(json!({"nullable": true})), s(json!({}))),
        Kind::EnumValueAdded => (s(json!({"enum": ["a"]})), s(json!({"enum": ["a", "b"]}))),
        Kind::EnumValueRemoved => (s(json!({"enum": ["a", "b"]})), s(json!({"enum": ["a"]}))),
        Kind::BoundsNarrowed => (s(json!({"maxLength": 10})), s(json!({"maxLength": 5}))),
        Kind::BoundsWidened => (s(json!({"minLength": 5})), s(json!({"minLength": 1}))),
        Kind::PatternAdded => (s(json!({})), s(json!({"pattern": "^a"}))),
        Kind::PatternChanged => (s(json!({"pattern": "^a"})), s(json!({"pattern": "^b"}))),
        Kind::PatternRemoved => (s(json!({"pattern": "^a"})), s(json!({}))),
        Kind::DefaultChanged => (s(json!({"default": "a"})), s(json!({"default": "b"}))),
        _ => unreachable!(),
    }
}

fn object_pair(kind: Kind) -> (Value, Value) {
    let a = json!({"type": "string"});
    let obj = |props: Value, required: &[&str]| json!({"type": "object", "required": required, "properties": props});
    let union = |branches: Value, property: &str| json!({"oneOf": branches, "discriminator": {"propertyName": property}});
    match kind {
        Kind::PropertyAdded => (obj(json!({"a": a}), &[]), obj(json!({"a": a, "b": a}), &[])),
        Kind::RequiredPropertyAdded => (
            obj(json!({"a": a}), &[]),
            obj(json!({"a": a, "b": a}), &["b"]),
        ),
        Kind::PropertyRemoved => (obj(json!({"a": a, "b": a}), &[]), obj(json!({"a": a}), &[])),
        Kind::RequiredPropertyRemoved => (
            obj(json!({"a": a, "b": a}), &["b"]),
            obj(json!({"a": a}), &[]),
        ),
        Kind::MadeRequired => (obj(json!({"a": a}), &[]), obj(json!({"a": a}), &["a"])),
        Kind::MadeOptional => (obj(json!({"a": a}), &["a"]), obj(json!({"a": a}), &[])),
        Kind::BranchAdded => (
            json!({"oneOf": [a]}),
            json!({"oneOf": [a, {"type": "integer"}]}),
        ),
        Kind::BranchRemoved => (
            json!({"oneOf": [a, {"type": "integer"}]}),
            json!({"oneOf": [a]}),
        ),
        Kind::DiscriminatorChanged => (union(json!([a]), "t"), union(json!([a]), "u")),
        Kind::AdditionalPropertiesNarrowed => (
            obj(json!({"a": a}), &[]),
            json!({"type": "object", "properties": {"a": a}, "additionalProperties": false}),
        ),
        Kind::AdditionalPropertiesWidened => (
            json!({"type": "object", "properties": {"a": a}, "additionalProperties": false}),
            obj(json!({"a": a}), &[]),
        ),
        _ => unreachable!(),
    }
}

/// The place a parameter kind is probed, and the parameter there.
fn parameter_probe(context: Context) -> (&'static str, Value) {
    match context {
        Context::Parameter => (
            "/paths/~1users/get/parameters/4",
            json!({"name": "probe", "in": "query", "schema": {"type": "string"}}),
        ),
        _ => (
            "/x-webhooks/messageCreated/post/parameters/1",
            json!({"name": "x-probe", "in": "header", "schema": {"type": "string"}}),
        ),
    }
}

fn parameter_pair(context: Context, kind: Kind) -> (&'static str, Option<Value>, Option<Value>) {
    let (at, p) = parameter_probe(context);
    let with = |extra: Value| {
        let mut v = p.clone();
        v.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        Some(v)
    };
    let (before, after) = match kind {
        Kind::Added => (None, with(json!({}))),
        Kind::RequiredAdded => (None, with(json!({"required": true}))),
        Kind::Removed => (with(json!({})), None),
        Kind::MadeRequired => (with(json!({})), with(json!({"required": true}))),
        Kind::MadeOptional => (with(json!({"required": true})), with(json!({}))),
        Kind::StyleChanged => (
            with(json!({"explode": true})),
            with(json!({"explode": false})),
        ),
        _ => unreachable!(),
    };
    (at, before, after)
}

fn body_pair(context: Context, kind: Kind) -> (&'static str, Option<Value>, Option<Value>) {
    let at = match context {
        Context::Request => "/paths/~1users/post/requestBody",
        _ => "/x-webhooks/messageCreated/post/requestBody",
    };
    let body = |required: bool, media: &[&str]| {
        let content: serde_json::Map<String, Value> = media
            .iter()
            .map(|m| (m.to_string(), json!({"schema": {"type": "object"}})))
            .collect();
        Some(json!({"required": required, "content": content}))
    };
    let json_only = &["application/json"];
    let both = &["application/json", "application/xml"];
    let (before, after) = match kind {
        Kind::BodyAddedRequired => (None, body(true, json_only)),
        Kind::BodyMadeRequired => (body(false, json_only), body(true, json_only)),
        Kind::BodyRemoved => (body(true, json_only), None),
        Kind::MediaTypeAdded => (body(true, json_only), body(true, both)),
        Kind::MediaTypeRemoved => (body(true, both), body(true, json_only)),
        _ => unreachable!(),
    };
    (at, before, after)
}

fn responses_pair(kind: Kind) -> (&'static str, Option<Value>, Option<Value>) {
    let at = "/paths/~1users~1{user_id}/get/responses";
    let response = |media: &[&str], headers: Value| {
        let content: serde_json::Map<String, Value> = media
            .iter()
            .map(|m| (m.to_string(), json!({"schema": {"type": "object"}})))
            .collect();
        json!({"description": "d", "content": content, "headers": headers})
    };
    let plain = response(&["application/json"], json!({}));
    let statuses = |list: &[&str]| {
        let map: serde_json::Map<String, Value> = list
            .iter()
            .map(|s| (s.to_string(), plain.clone()))
            .collect();
        Some(Value::Object(map))
    };
    let with = |r: Value| Some(json!({"200": r}));
    let h =
        |required: bool| json!({"X-Probe": {"required": required, "schema": {"type": "string"}}});
    let (before, after) = match kind {
        Kind::SuccessStatusAdded => (statuses(&["200"]), statuses(&["200", "202"])),
        Kind::SuccessStatusRemoved => (statuses(&["200", "202"]), statuses(&["200"])),
        Kind::ErrorStatusAdded => (statuses(&["200"]), statuses(&["200", "409"])),
        Kind::ErrorStatusRemoved => (statuses(&["200", "409"]), statuses(&["200"])),
        Kind::MediaTypeAdded => (
            with(response(&["application/json"], json!({}))),
            with(response(
                &["application/json", "application/xml"],
                json!({}),
            )),
        ),
        Kind::MediaTypeRemoved => (
            with(response(
                &["application/json", "application/xml"],
                json!({}),
            )),
            with(response(&["application/json"], json!({}))),
        ),
        Kind::HeaderRemoved => (
            with(response(&[], h(false))),
            with(response(&[], json!({}))),
        ),
        Kind::RequiredHeaderRemoved => {
            (with(response(&[], h(true))), with(response(&[], json!({}))))
        }
        _ => unreachable!(),
    };
    (at, before, after)
}

const SCALARS: [Kind; 12] = [
    Kind::TypeChanged,
    Kind::FormatChanged,
    Kind::NullableAdded,
    Kind::NullableRemoved,
    Kind::EnumValueAdded,
    Kind::EnumValueRemoved,
    Kind::BoundsNarrowed,
    Kind::BoundsWidened,
    Kind::PatternAdded,
    Kind::PatternChanged,
    Kind::PatternRemoved,
    Kind::DefaultChanged,
];

/// The revision for one context rule, or `None` when no pair is written
/// for it (the catalogue test then fails).
fn context_case(context: Context, kind: Kind) -> Option<Report> {
    use Kind::*;
    let report = match kind {
        k if SCALARS.contains(&k) => {
            let (b, r) = scalar_pair(k);
            pair(scalar_probe(context), Some(b), Some(r))
        }
        PropertyAdded
        | RequiredPropertyAdded
        | PropertyRemoved
        | RequiredPropertyRemoved
        | BranchAdded
        | BranchRemoved
        | DiscriminatorChanged
        | AdditionalPropertiesNarrowed
        | AdditionalPropertiesWidened => {
            let (b, r) = object_pair(kind);
            pair(object_probe(context), Some(b), Some(r))
        }
        MadeRequired | MadeOptional
            if matches!(context, Context::Parameter | Context::WebhookParameter) =>
        {
            let (at, b, r) = parameter_pair(context, kind);
            pair(at, b, r)
        }
        MadeRequired | MadeOptional => {
            let (b, r) = object_pair(kind);
            pair(object_probe(context), Some(b), Some(r))
        }
        Added | RequiredAdded | Removed | StyleChanged => {
            let (at, b, r) = parameter_pair(context, kind);
            pair(at, b, r)
        }
        BodyAddedRequired | BodyMadeRequired | BodyRemoved => {
            let (at, b, r) = body_pair(context, kind);
            pair(at, b, r)
        }
        MediaTypeAdded | MediaTypeRemoved if context != Context::Response => {
            let (at, b, r) = body_pair(context, kind);
            pair(at, b, r)
        }
        _ => {
            let (at, b, r) = responses_pair(kind);
            pair(at, b, r)
        }
    };
    Some(report)
}

#[test]
fn every_context_rule_fires_at_its_level() {
    for context in Context::ALL {
        for kind in context.kinds() {
            let rule = format!("{}.{}", context.prefix(), kind.name());
            let report = context_case(context, kind).expect("a case");
            assert_has(&report, &rule, &rule);
        }
    }
}

/// An edit of the base document.
type Edit = Box<dyn Fn(&mut Value)>;

/// The fixed rules: (rule, edit of the base).
fn fixed_cases() -> Vec<(&'static str, Edit)> {
    fn at(p: &'static str, v: Option<Value>) -> Edit {
        Box::new(move |raw| set(raw, p, v.clone()))
    }
    let get_user = "/paths/~1users~1{user_id}/get";
    vec![
        ("operation.removed", at(get_user, None)),
        (
            "operation.added",
            at(
                "/paths/~1users~1{user_id}/delete",
                Some(json!({"responses": {"204": {"description": "gone"}}})),
            ),
        ),
        (
            "operation.path-changed",
            Box::new(|raw| {
                let op = raw.pointer("/paths/~1status").unwrap().clone();
                set(raw, "/paths/~1status", None);
                set(raw, "/paths/~1health", Some(op));
            }),
        ),
        (
            "operation.id-changed",
            at(
                "/paths/~1users~1{user_id}/get/operationId",
                Some(json!("fetchUser")),
            ),
        ),
        (
            "operation.deprecated",
            at(
                "/paths/~1users~1{user_id}/get/deprecated",
                Some(json!(true)),
            ),
        ),
        (
            "path.parameter-renamed",
            Box::new(|raw| {
                let mut item = raw.pointer("/paths/~1users~1{user_id}").unwrap().clone();
                item["parameters"][0]["name"] = json!("id");
                set(raw, "/paths/~1users~1{user_id}", None);
                set(raw, "/paths/~1users~1{id}", Some(item));
            }),
        ),
        (
            "webhook.event-removed",
            at("/x-webhooks/messageCreated", None),
        ),
        (
            "webhook.event-added",
            Box::new(|raw| {
                let hook = raw.pointer("/x-webhooks/messageCreated").unwrap().clone();
                let mut hook = hook;
                hook["post"]["operationId"] = json!("messageDeletedWebhook");
                set(raw, "/x-webhooks/messageDeleted", Some(hook));
            }),
        ),
        ("security.added", at("/paths/~1status/get/security", None)),
        (
            "security.alternative-removed",
            at("/paths/~1users/get/security", Some(json!([{"key": []}]))),
        ),
        (
            "security.alternative-added",
            at(
                "/paths/~1users/get/security",
                Some(json!([{"bearer": []}, {"key": []}])),
            ),
        ),
        (
            "security.scheme-changed",
            at(
                "/components/securitySchemes/bearer",
                Some(json!({"type": "http", "scheme": "basic"})),
            ),
        ),
        (
            "pagination.added",
            at(
                "/paths/~1status/get/x-pagination",
                Some(json!({"style": "page-size"})),
            ),
        ),
        (
            "pagination.removed",
            at("/paths/~1users/get/x-pagination", None),
        ),
        (
            "pagination.style-changed",
            at(
                "/paths/~1users/get/x-pagination/style",
                Some(json!("page-size")),
            ),
        ),
        (
            "pagination.parameter-changed",
            at(
                "/paths/~1users/get/x-pagination/limitParameter",
                Some(json!("per_page")),
            ),
        ),
        (
            "pagination.field-changed",
            at(
                "/paths/~1users/get/x-pagination/itemsField",
                Some(json!("data")),
            ),
        ),
        (
            "pagination.order-changed",
            at(
                "/paths/~1users/get/x-pagination/order",
                Some(json!(["created_at", "id"])),
            ),
        ),
        (
            "pagination.item-changed",
            at("/paths/~1users/get/x-pagination/item", None),
        ),
        (
            "webhook.signature-removed",
            at("/x-webhooks/messageCreated/post/x-webhook-signature", None),
        ),
        (
            "webhook.signature-added",
            at(
                "/x-webhooks/messageRead/post/x-webhook-signature",
                Some(json!({"header": "x-signature", "secret": "bearer"})),
            ),
        ),
        (
            "webhook.signature-changed",
            at(
                "/x-webhooks/messageCreated/post/x-webhook-signature/encoding",
                Some(json!("base64")),
            ),
        ),
        (
            "webhook.challenge-changed",
            at(
                "/x-webhooks/messageCreated/post/x-webhook-challenge",
                Some(json!({"echo": "token"})),
            ),
        ),
        (
            "webhook.resource-changed",
            at(
                "/x-webhooks/messageCreated/post/x-webhook-resource/parameters/user_id",
                Some(json!("/data/user")),
            ),
        ),
        (
            "contract.accept-media-type-changed",
            at(
                "/x-contract/acceptMediaType",
                Some(json!("application/vnd.example.v2+json")),
            ),
        ),
        (
            "contract.status-changed",
            at("/x-contract/rateLimited/status", Some(json!(503))),
        ),
        (
            "contract.precedence-changed",
            at("/x-contract/statusPrecedence", Some(json!([406, 401, 400]))),
        ),
        (
            "contract.signed-url-property-removed",
            at("/x-contract/signedUrlProperties", Some(json!([]))),
        ),
        (
            "contract.signed-url-property-added",
            at(
                "/x-contract/signedUrlProperties/1",
                Some(json!("avatar_url")),
            ),
        ),
        (
            "contract.signed-url-lifetime-shortened",
            at("/x-contract/signedUrlLifetimeSeconds", Some(json!(10))),
        ),
        (
            "contract.signed-url-lifetime-lengthened",
            at("/x-contract/signedUrlLifetimeSeconds", Some(json!(60))),
        ),
        (
            "date-time.format-changed",
            at("/x-date-time-format/fractionDigits", Some(json!(0))),
        ),
    ]
}

#[test]
fn every_fixed_rule_fires_at_its_level() {
    for (rule, edit) in fixed_cases() {
        assert_has(&edited(edit), rule, rule);
    }
}

#[test]
fn every_rule_in_the_catalogue_has_a_case() {
    let fixed: BTreeSet<&str> = fixed_cases().iter().map(|(r, _)| *r).collect();
    for (id, _, _) in openapi_diff::ids::catalogue() {
        let is_context = Context::ALL.iter().any(|c| {
            c.kinds()
                .iter()
                .any(|k| format!("{}.{}", c.prefix(), k.name()) == id)
        });
        assert!(is_context || fixed.contains(id), "{id} has no case");
    }
    assert_eq!(
        fixed.len(),
        rules::FIXED.len(),
        "a fixed case names no rule"
    );
}

#[test]
fn a_document_against_itself_has_no_change() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = vec![
        root.join("openapi/signalzen-v1.yaml"),
        root.join("crates/openapi-diff/tests/base.yaml"),
    ];
    for dir in ["openapi/peers"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            files.push(entry.unwrap().path());
        }
    }
    for file in files {
        let doc = openapi_spec::load(&file, &Default::default()).unwrap();
        let report = compare(&doc, &doc);
        assert!(
            report.changes.is_empty(),
            "{}: {:#?}",
            file.display(),
            report.changes
        );
    }
}

#[test]
fn moving_a_schema_to_components_or_into_an_all_of_is_no_change() {
    let report = edited(|raw| {
        // Inline the User schema where getUser answers it...
        let user = raw.pointer("/components/schemas/User").unwrap().clone();
        set(
            raw,
            "/paths/~1users~1{user_id}/get/responses/200/content/application~1vnd.example.v1+json/schema",
            Some(user),
        );
        // ...and split NewUser into an allOf of two parts that mean the same.
        let new_user = raw.pointer("/components/schemas/NewUser").unwrap().clone();
        let mut first = new_user.clone();
        let mut second = json!({"type": "object", "properties": {}});
        let props = first["properties"].as_object_mut().unwrap();
        for name in ["role", "code"] {
            second["properties"][name] = props.shift_remove(name).unwrap();
        }
        set(raw, "/components/schemas/NewUserExtra", Some(second));
        first = json!({"allOf": [first, {"$ref": "#/components/schemas/NewUserExtra"}]});
        set(raw, "/components/schemas/NewUser", Some(first));
    });
    assert!(report.changes.is_empty(), "{:#?}", report.changes);
}

#[test]
fn a_raised_major_version_accepts_breaking_changes_and_says_so() {
    let breaking = edited(|raw| set(raw, "/paths/~1status", None));
    assert!(!breaking.failing(Level::Error).is_empty());
    assert!(!breaking.major_raised);
    let major = edited(|raw| {
        set(raw, "/paths/~1status", None);
        set(raw, "/info/version", Some(json!("2.0.0")));
    });
    assert!(major.major_raised);
    assert!(major.failing(Level::Error).is_empty());
    let summary = openapi_diff::render::summary(&major, Level::Error);
    assert!(
        summary.contains("accepted: info.version's major part was raised (1.4.0 → 2.0.0)"),
        "{summary}"
    );
    let minor = edited(|raw| {
        set(raw, "/paths/~1status", None);
        set(raw, "/info/version", Some(json!("1.5.0")));
    });
    assert!(!minor.major_raised);
}

#[test]
fn changes_carry_both_locations_with_lines() {
    let report = pair(
        "/components/schemas/User/properties/email",
        Some(json!({"type": "string"})),
        Some(json!({"type": "string", "nullable": true})),
    );
    let change = report
        .changes
        .iter()
        .find(|c| c.rule == "response.nullable-added")
        .unwrap();
    assert_eq!(
        change.message,
        "`User.email` can now be null: clients that read it as a non-null value will fail"
    );
    let base = change.base.as_ref().unwrap();
    assert_eq!(base.pointer, "/components/schemas/User/properties/email");
    assert!(base.line.is_some());
    assert_eq!(change.revision.as_ref().unwrap().file, "revision.json");
}

#[test]
fn the_webhook_payload_is_judged_like_a_response() {
    // A new sender type: a branch added to the delivery's union.
    let report = edited(|raw| {
        set(
            raw,
            "/components/schemas/Event/properties/data/oneOf/2",
            Some(json!({"$ref": "#/components/schemas/Bot"})),
        );
    });
    assert_has(&report, "webhook.branch-added", "new sender type");
    assert_eq!(report.changes[0].level, Level::Error);
}
