//! The golden files compile, and each enum shape reads and writes the JSON
//! its schema describes.

// Fixture modules: not every generated type is exercised here.
#[allow(dead_code)]
#[path = "golden/adjacent.rs"]
mod adjacent;
#[allow(dead_code)]
#[path = "golden/fastapi.rs"]
mod fastapi;
#[allow(dead_code)]
#[path = "golden/internal.rs"]
mod internal;
#[allow(dead_code)]
#[path = "golden/nullable.rs"]
mod nullable;
#[allow(dead_code)]
#[path = "golden/untagged.rs"]
mod untagged;

use serde_json::{Value, json};

fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(v: Value) -> T {
    let t: T = serde_json::from_value(v.clone()).expect("deserializes");
    assert_eq!(
        serde_json::to_value(&t).unwrap(),
        v,
        "round trip changed the JSON"
    );
    t
}

#[test]
fn adjacent_shape_keeps_base_fields_outside_the_match() {
    let e: adjacent::Event = round_trip(
        json!({"id": 1, "at": "2020-01-01T00:00:00Z", "kind": "click", "payload": {"x": 1, "y": 2}}),
    );
    assert_eq!(e.id, 1);
    assert!(matches!(
        e.payload,
        adjacent::EventPayload::Click(adjacent::Click { x: 1, y: 2 })
    ));
    let wrong = serde_json::from_value::<adjacent::Event>(
        json!({"id": 1, "at": "2020-01-01T00:00:00Z", "kind": "key", "payload": {"x": 1, "y": 2}}),
    );
    assert!(wrong.is_err(), "a click payload under kind key must fail");
}

#[test]
fn internal_shape_uses_the_tag_and_the_default_mapping() {
    let p: internal::Pet = round_trip(json!({"pet_type": "cat", "name": "Tom"}));
    assert!(matches!(p, internal::Pet::Cat(ref c) if c.name == "Tom"));
    // No mapping entry for Dog: the component name is the tag (OpenAPI 3.0 default).
    let d: internal::Pet = round_trip(json!({"pet_type": "Dog", "bark": null}));
    assert!(matches!(d, internal::Pet::Dog(_)));
    assert!(serde_json::from_value::<internal::Pet>(json!({"pet_type": "cow"})).is_err());
}

#[test]
fn untagged_shape_tries_variants_in_order() {
    assert!(matches!(
        round_trip::<untagged::Id>(json!(5)),
        untagged::Id::I64(5)
    ));
    assert!(matches!(
        round_trip::<untagged::Id>(json!("x")),
        untagged::Id::String(_)
    ));
    assert!(matches!(
        round_trip::<untagged::Id>(json!({"$ref": "r"})),
        untagged::Id::Ref(_)
    ));
}

#[test]
fn nullable_optional_and_recursive_fields() {
    let n: nullable::Node = round_trip(json!({
        "type": "in-progress", "label": null, "at": "2020-01-01T00:00:00.000Z",
        "parent": {"type": "2fa", "label": "p", "at": null},
        "children": [], "scores": {"a": 1.5}, "tags": ["x", null], "inline": {"level": "high"}
    }));
    assert_eq!(n.type_, nullable::Status::InProgress);
    assert!(n.label.is_none() && n.note.is_none());
    assert_eq!(
        n.parent.as_ref().map(|p| p.type_),
        Some(nullable::Status::V2fa)
    );
    // Three fraction digits are kept, as x-date-time-format asks.
    let v = serde_json::to_value(&n).unwrap();
    assert_eq!(v["at"], "2020-01-01T00:00:00.000Z");
    // A required nullable key may hold null but must be there for the schema;
    // an optional key is left out when None.
    assert!(v.get("note").is_none());
}

#[test]
fn fastapi_3_1_shapes_read_what_fastapi_writes() {
    // `Optional[X]` (anyOf with null) is Option<X>, null or absent.
    let note: fastapi::Note = serde_json::from_value(json!({
        "id": 7, "title": "t", "body": null, "colour": "red", "pinned_at": null,
        "position": [3, 4], "score": 9.5
    }))
    .expect("a note as FastAPI sends it");
    assert_eq!(note.body, None);
    assert_eq!(note.colour, Some(fastapi::Colour::Red));
    // `tuple[int, int]` (prefixItems, two items exactly) is a tuple.
    assert_eq!(note.position, (3, 4));
    assert!(
        serde_json::from_value::<fastapi::Note>(json!({
            "id": 7, "title": "t", "position": [3, 4, 5], "score": 1.0
        }))
        .is_err(),
        "a third item is not a position"
    );
    // `Literal["text"]` (const) is a one-value type: nothing else reads.
    let block: fastapi::TextBlock = round_trip(json!({"kind": "text", "text": "hi"}));
    assert_eq!(block.kind, fastapi::TextBlockKind::Text);
    assert!(
        serde_json::from_value::<fastapi::TextBlock>(json!({"kind": "image", "text": "hi"}))
            .is_err()
    );
    let page: fastapi::Page = round_trip(json!({"items": [], "total": 0}));
    assert!(page.items.is_empty());
}
