//! Laws across entries in recorded mode, one case each way: what must be
//! found and the neighbouring case that must not.

use std::collections::BTreeSet;
use std::path::Path;

use openapi_contract::Options;
use openapi_contract::run::Runner;
use serde_json::{Value, json};

mod support;
use support::*;

/// Two websites' secrets known from the environment (not marked in the
/// file): the same resource answered 200 under both is still caught.
#[test]
fn known_secrets_tell_websites_apart_without_marks_in_the_file() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/recorded/signalzen/across-entries.har");
    let mut har: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let entries = har["log"]["entries"].as_array_mut().unwrap();
    entries.retain(|e| {
        e["_expect"] == json!(["tenant.isolation"])
            || e["comment"]
                .as_str()
                .is_some_and(|c| c.contains("first website"))
    });
    assert_eq!(entries.len(), 2);
    for e in entries.iter_mut() {
        e.as_object_mut().unwrap().remove("_credentials");
        e.as_object_mut().unwrap().remove("_expect");
    }
    let options = |secrets: &[&str]| Options {
        valid_secrets: secrets.iter().map(|s| s.to_string()).collect(),
        ..Options::default()
    };
    let site1 = "sz_recorded_fake_site1_0123456789abcdef";
    let site2 = "sz_recorded_fake_site2_0123456789abcdef";
    let report = run_text(&har.to_string(), options(&[site1, site2]));
    let caught: Vec<_> = report.files[0].exchanges.iter().flat_map(failing).collect();
    assert_eq!(caught, ["tenant.isolation"], "{report:#?}");
    // One known secret: the other is a wrong one, and nothing is shared.
    let report = run_text(&har.to_string(), options(&[site1]));
    let caught: Vec<_> = report.files[0].exchanges.iter().flat_map(failing).collect();
    assert!(!caught.contains(&"tenant.isolation"), "{caught:?}");
}

/// Laws across entries, one case each way: what must be found and the
/// neighbouring case that must not.
mod laws {
    use super::*;

    fn user(id: i64, name: &str) -> Value {
        let mut u: Value = serde_json::from_str(USER).unwrap();
        u["id"] = json!(id);
        u["name"] = json!(name);
        u
    }

    fn page(offset: i64, users: &[Value]) -> Value {
        let body = json!({"limit": 2, "offset": offset, "total": 6, "users": users});
        let url = format!("https://api.signalzen.com/external/users?limit=2&offset={offset}");
        entry("GET", &url, GOOD, 200, JSON, Some(&body.to_string()))
    }

    fn alone(id: i64, status: i64, body: &Value) -> Value {
        let url = format!("https://api.signalzen.com/external/users/{id}");
        entry("GET", &url, GOOD, status, JSON, Some(&body.to_string()))
    }

    /// The failing checks of each entry, in order.
    fn verdicts(entries: Vec<Value>) -> Vec<BTreeSet<&'static str>> {
        let report = run_text(&har(entries), valid_options());
        exchanges(&report).into_iter().map(failing).collect()
    }

    fn walk_on_second(first: i64, second: i64, repeated: &Value) -> bool {
        let v = verdicts(vec![
            page(first, &[user(1, "a"), repeated.clone()]),
            page(second, &[repeated.clone(), user(9, "z")]),
        ]);
        assert!(v[0].is_empty(), "{v:?}");
        v[1].contains("pagination.walk")
    }

    #[test]
    fn consecutive_pages_repeat_no_item_in_either_order_and_others_may() {
        let two = user(2, "b");
        assert!(walk_on_second(0, 2, &two));
        assert!(walk_on_second(2, 0, &two));
        assert!(!walk_on_second(0, 4, &two));
        // The same user by its id, though a field changed between pages:
        // items are known by the properties their link names.
        let v = verdicts(vec![
            page(0, &[user(1, "a"), user(2, "b")]),
            page(2, &[user(2, "renamed"), user(3, "c")]),
        ]);
        assert!(v[1].contains("pagination.walk"), "{v:?}");
        let v = verdicts(vec![
            page(0, &[user(1, "a"), user(2, "b")]),
            page(2, &[user(3, "c"), user(4, "d")]),
        ]);
        assert!(v.iter().all(BTreeSet::is_empty), "{v:?}");
    }

    const MESSAGE: &str = r#"{"id": 1237, "body": "hi", "read_by_user": null, "created_at": "2018-02-10T09:00:05.000Z", "file_url": null, "auto_invitation": false, "sender_type": "user", "read_by_operator": false, "sender": {"id": 1, "name": null, "email": null}}"#;

    #[test]
    fn a_child_lists_item_is_compared_with_its_own_fetch_under_the_same_parent() {
        let message: Value = serde_json::from_str(MESSAGE).unwrap();
        let list = json!({"limit": 2, "offset": 0, "total": 1, "messages": [message]});
        let url = "https://api.signalzen.com/external/users/1/messages?limit=2&offset=0";
        let listed = entry("GET", url, GOOD, 200, JSON, Some(&list.to_string()));
        let mut changed = message.clone();
        changed["body"] = json!("edited");
        let fetch = |user: i64, body: &Value| {
            let url = format!("https://api.signalzen.com/external/users/{user}/messages/1237");
            entry("GET", &url, GOOD, 200, JSON, Some(&body.to_string()))
        };
        let v = verdicts(vec![listed.clone(), fetch(1, &changed)]);
        assert_eq!(v[1], BTreeSet::from(["item.consistency"]), "{v:?}");
        let v = verdicts(vec![listed.clone(), fetch(1, &message)]);
        assert!(v[1].is_empty(), "{v:?}");
        // Under another user the path is another item's.
        let v = verdicts(vec![listed, fetch(2, &changed)]);
        assert!(!v[1].contains("item.consistency"), "{v:?}");
    }

    #[test]
    fn a_listed_item_equals_itself_fetched_alone() {
        let listed = page(0, &[user(1, "a"), user(2, "b")]);
        let same = verdicts(vec![listed.clone(), alone(2, 200, &user(2, "b"))]);
        assert!(same.iter().all(BTreeSet::is_empty), "{same:?}");
        let differs = verdicts(vec![listed.clone(), alone(2, 200, &user(2, "x"))]);
        assert_eq!(
            differs[1],
            BTreeSet::from(["item.consistency"]),
            "{differs:?}"
        );
        // An error answer, or a body that broke its schema, explains
        // itself: no comparison.
        let error = json!({"status": 404, "error": "not_found", "message": "Not found"});
        let missing = verdicts(vec![listed.clone(), alone(2, 404, &error)]);
        assert!(missing[1].is_empty(), "{missing:?}");
        let mut broken = user(2, "x");
        broken["created_at"] = json!(5);
        let broken = verdicts(vec![listed, alone(2, 200, &broken)]);
        assert!(broken[1].contains("body.schema"), "{broken:?}");
        assert!(!broken[1].contains("item.consistency"), "{broken:?}");
    }
}

/// A list whose items name no path parameter: they are known by their
/// content.
mod laws_of_another_document {
    use super::*;

    const DOC: &str = r##"openapi: 3.0.3
info: {title: things, version: '1'}
servers: [{url: 'https://api.example.com/v1'}]
paths:
  /things:
    get:
      operationId: listThings
      parameters:
        - {name: limit, in: query, schema: {type: integer}}
        - {name: offset, in: query, schema: {type: integer}}
      x-pagination:
        style: offset-limit
        limitParameter: limit
        offsetParameter: offset
        offsetField: offset
        limitField: limit
        totalField: total
        itemsField: things
        item: {operation: getFirst}
      responses:
        '200':
          description: a page
          content:
            application/json:
              schema:
                type: object
                required: [offset, limit, total, things]
                properties:
                  offset: {type: integer}
                  limit: {type: integer}
                  total: {type: integer}
                  things: {type: array, items: {$ref: '#/components/schemas/Thing'}}
  /first:
    get:
      operationId: getFirst
      responses:
        '200':
          description: the first thing
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
components:
  schemas:
    Thing:
      type: object
      required: [name]
      properties:
        name: {type: string}
"##;

    fn page(offset: i64, names: &[&str]) -> Value {
        let things: Vec<Value> = names.iter().map(|n| json!({ "name": n })).collect();
        let body = json!({"offset": offset, "limit": 2, "total": 4, "things": things}).to_string();
        let url = format!("https://api.example.com/v1/things?limit=2&offset={offset}");
        entry("GET", &url, &[], 200, JSON, Some(&body))
    }

    fn walk_found(pages: Vec<Value>) -> bool {
        let dir = tempfile::tempdir().unwrap();
        let doc = dir.path().join("things.yaml");
        std::fs::write(&doc, DOC).unwrap();
        let har_file = dir.path().join("t.har");
        std::fs::write(&har_file, har(pages)).unwrap();
        let mut runner = Runner::new(doc, false, Options::default());
        let shown = har_file.display().to_string();
        let report = runner.run_file(&har_file, &shown, &|_| {});
        assert!(report.error.is_none(), "{:?}", report.error);
        report
            .exchanges
            .iter()
            .any(|e| failing(e).contains("pagination.walk"))
    }

    #[test]
    fn items_without_a_linked_id_are_known_by_their_content() {
        assert!(walk_found(vec![page(0, &["a", "b"]), page(2, &["b", "c"])]));
        assert!(!walk_found(vec![
            page(0, &["a", "b"]),
            page(2, &["c", "d"])
        ]));
    }
}
