//! The gate's edges, one small edit each: what is a change and what is
//! not, what each sentence says, and how deep the comparison goes.

use openapi_diff::rules::Context;
use serde_json::{Value, json};

mod support;
use support::*;

/// A path parameter renamed is the same path (only the rename is said); a
/// header's name in another case is no change (HTTP headers are case-blind).
#[test]
fn a_renamed_path_parameter_or_a_headers_case_is_no_other_change() {
    let report = edited(|raw| {
        let paths = raw["paths"].as_object_mut().unwrap();
        let mut item = paths.shift_remove("/users/{user_id}").unwrap();
        item["parameters"][0]["name"] = json!("id");
        paths.insert("/users/{id}".into(), item);
    });
    let rules: Vec<_> = report.changes.iter().map(|c| c.rule.as_str()).collect();
    assert_eq!(rules, ["path.parameter-renamed"], "{:#?}", report.changes);
    let report = edited(|raw| {
        let header = "/x-webhooks/messageCreated/post/parameters/0/name";
        *raw.pointer_mut(header).unwrap() = json!("X-Signature");
    });
    assert!(report.changes.is_empty(), "{:#?}", report.changes);
}

/// One operation removed among others is removed, not moved; the message
/// names it as a reader would call it.
#[test]
fn a_removed_operation_is_named_by_method_and_path() {
    // Another operation added at a new path is not where it went.
    let report = edited(|raw| {
        let post = raw["paths"]["/users"]
            .as_object_mut()
            .unwrap()
            .shift_remove("post");
        let mut other = post.unwrap();
        other["operationId"] = json!("createThing");
        raw["paths"]["/things"] = json!({ "post": other });
    });
    assert_has(&report, "operation.removed", "POST /users removed");
    assert_has(&report, "operation.added", "POST /things added");
    assert!(
        report
            .changes
            .iter()
            .all(|c| c.rule != "operation.path-changed"),
        "{:#?}",
        report.changes
    );
    let removed = report
        .changes
        .iter()
        .find(|c| c.rule == "operation.removed")
        .unwrap();
    assert!(
        removed.message.contains("POST /users"),
        "{}",
        removed.message
    );
}

/// An optional body added to an operation breaks no request.
#[test]
fn an_optional_body_added_is_no_required_body() {
    let report = edited(|raw| {
        raw["paths"]["/status"]["get"]["requestBody"] = json!({
            "required": false,
            "content": {"application/json": {"schema": {"type": "object"}}}
        });
    });
    assert!(
        report
            .changes
            .iter()
            .all(|c| !c.rule.ends_with("body-added-required")),
        "{:#?}",
        report.changes
    );
}

/// A scheme change says how the credential was sent and how it is now.
#[test]
fn a_scheme_change_names_both_ways_of_sending() {
    let changed = edited(|raw| {
        raw["components"]["securitySchemes"]["bearer"] =
            json!({"type": "apiKey", "in": "header", "name": "X-Key"});
    });
    let c = changed
        .changes
        .iter()
        .find(|c| c.rule == "security.scheme-changed")
        .expect("a scheme change");
    assert!(
        c.message
            .contains("from http bearer to apikey header x-key:"),
        "{}",
        c.message
    );
}

/// Who writes a message decides a change's level: the client writes
/// requests, parameters and a webhook's answer; the server the rest.
#[test]
fn each_context_has_its_writer() {
    use openapi_diff::Direction;
    for context in [
        Context::Parameter,
        Context::Request,
        Context::WebhookResponse,
    ] {
        assert_eq!(context.direction(), Direction::ClientWrites, "{context:?}");
    }
    for context in [
        Context::Response,
        Context::Webhook,
        Context::WebhookParameter,
    ] {
        assert_eq!(context.direction(), Direction::ServerWrites, "{context:?}");
    }
}

/// A bound added narrows, removed widens, moved in or out by its side.
#[test]
fn bounds_narrow_or_widen_by_which_way_they_move() {
    let email = "/components/schemas/NewUser/properties/email";
    let rules = |before: Value, after: Value| {
        let r = pair(email, Some(before), Some(after));
        r.changes.into_iter().map(|c| c.rule).collect::<Vec<_>>()
    };
    let s = |extra: Value| {
        let mut v = json!({"type": "string"});
        v.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        v
    };
    let narrowed = ["request.bounds-narrowed".to_string()];
    let widened = ["request.bounds-widened".to_string()];
    // What each says to the reader of a request.
    let said = |before: Value, after: Value| {
        let r = pair(email, Some(before), Some(after));
        r.changes
            .into_iter()
            .map(|c| c.message)
            .collect::<Vec<_>>()
            .join("\n")
    };
    let tighter = said(
        json!({"type": "string"}),
        json!({"type": "string", "minLength": 1}),
    );
    assert!(
        tighter.ends_with(
            "bounds narrowed (minimum length 1 added): requests valid before may now be refused"
        ),
        "{tighter}"
    );
    let looser = said(
        json!({"type": "string", "maxLength": 9}),
        json!({"type": "string"}),
    );
    assert!(
        looser.ends_with("bounds widened (maximum length 9 removed): compatible"),
        "{looser}"
    );
    assert_eq!(rules(s(json!({})), s(json!({"minLength": 1}))), narrowed);
    assert_eq!(rules(s(json!({"maxLength": 9})), s(json!({}))), widened);
    assert_eq!(
        rules(s(json!({"maxLength": 9})), s(json!({"maxLength": 5}))),
        narrowed
    );
    assert_eq!(
        rules(s(json!({"maxLength": 5})), s(json!({"maxLength": 9}))),
        widened
    );
    assert_eq!(
        rules(s(json!({"minLength": 1})), s(json!({"minLength": 2}))),
        narrowed
    );
    assert_eq!(
        rules(s(json!({"minLength": 2})), s(json!({"minLength": 1}))),
        widened
    );
    assert!(rules(s(json!({"minLength": 2})), s(json!({"minLength": 2}))).is_empty());
    let n = |extra: Value| {
        let mut v = json!({"type": "number"});
        v.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        v
    };
    let min = json!({"minimum": 1});
    let excl = json!({"minimum": 1, "exclusiveMinimum": true});
    assert_eq!(rules(n(min.clone()), n(excl.clone())), narrowed);
    assert_eq!(rules(n(excl), n(min)), widened);
    assert_eq!(rules(n(json!({})), n(json!({"multipleOf": 2}))), narrowed);
    assert_eq!(
        rules(n(json!({"multipleOf": 2})), n(json!({"multipleOf": 3}))),
        narrowed
    );
    assert!(rules(n(json!({"multipleOf": 2})), n(json!({}))).is_empty());
    assert!(rules(n(json!({"multipleOf": 2})), n(json!({"multipleOf": 2}))).is_empty());
}

/// How deep the comparison goes: `allOf` merged 8 deep, schemas nested
/// 48 deep counting the property that holds them (limits of the tool's
/// own, far beyond any real document).
#[test]
fn the_comparison_reaches_its_depths_and_stops_below() {
    let email = "/components/schemas/NewUser/properties/email";
    let changed = |wrap: &dyn Fn(Value) -> Value, levels: usize| {
        let nest = |leaf: Value| (0..levels).fold(leaf, |inner, _| wrap(inner));
        let r = pair(
            email,
            Some(nest(json!({"type": "string"}))),
            Some(nest(json!({"type": "integer"}))),
        );
        !r.changes.is_empty()
    };
    let all_of = |inner: Value| json!({"allOf": [inner]});
    let items = |inner: Value| json!({"type": "array", "items": inner});
    for (name, wrap, deepest) in [
        ("allOf", &all_of as &dyn Fn(Value) -> Value, ALL_OF_DEPTH),
        ("items", &items, ITEMS_DEPTH),
    ] {
        assert!(changed(wrap, deepest), "{name} {deepest}");
        assert!(!changed(wrap, deepest + 1), "{name} {}", deepest + 1);
    }
}
/// The deepest `allOf` part merged.
const ALL_OF_DEPTH: usize = 8;
/// The deepest `items` compared under a property (48 with the body's
/// schema and the property).
const ITEMS_DEPTH: usize = 46;

/// A discriminator's tag removed, or naming another schema, is a change;
/// the same mapping is none.
#[test]
fn a_discriminators_tags_are_compared_one_by_one() {
    let mapping = "/components/schemas/Event/properties/data/discriminator/mapping";
    let (visitor, agent) = ("#/components/schemas/Visitor", "#/components/schemas/Agent");
    let rules = |after: Value| {
        let r = edited(|raw| *raw.pointer_mut(mapping).unwrap() = after.clone());
        r.changes.into_iter().map(|c| c.rule).collect::<Vec<_>>()
    };
    let changed = ["webhook.discriminator-changed".to_string()];
    assert_eq!(rules(json!({"visitor": visitor})), changed);
    assert_eq!(rules(json!({"visitor": agent, "agent": visitor})), changed);
    assert!(rules(json!({"visitor": visitor, "agent": agent})).is_empty());
}

/// A map of typed values made open is widened.
#[test]
fn additional_properties_open_up_from_a_schema_to_anything() {
    let r = pair(
        "/components/schemas/NewUser/additionalProperties",
        Some(json!({"type": "string"})),
        None,
    );
    let rules: Vec<_> = r.changes.iter().map(|c| c.rule.as_str()).collect();
    assert_eq!(
        rules,
        ["request.additional-properties-widened"],
        "{:#?}",
        r.changes
    );
}

/// What a property's requirement changes say, in a request and a response.
#[test]
fn property_sentences_say_who_is_affected() {
    let messages = |pointer: &str, before: Option<Value>, after: Option<Value>| {
        pair(pointer, before, after)
            .changes
            .into_iter()
            .map(|c| c.message)
            .collect::<Vec<_>>()
            .join("\n")
    };
    let added = messages(
        "/components/schemas/NewUser/properties/extra",
        None,
        Some(json!({"type": "string"})),
    );
    assert!(
        added.contains("`NewUser.extra` was added as an optional property: compatible"),
        "{added}"
    );
    let required = "/components/schemas/NewUser/required";
    let loosened = messages(required, Some(json!(["email"])), Some(json!([])));
    assert!(
        loosened.contains("`NewUser.email` is no longer required: compatible"),
        "{loosened}"
    );
    let user_required = "/components/schemas/User/required";
    let base = base_raw();
    let now = base.pointer(user_required).cloned().unwrap();
    let fewer: Vec<Value> = now.as_array().unwrap()[1..].to_vec();
    let read = messages(user_required, Some(now), Some(Value::Array(fewer)));
    assert!(
        read.contains("is no longer required: clients that expect it will fail when it is absent"),
        "{read}"
    );
}
