//! JSON Schema 2020-12's meta-schema with its `$dynamicRef`s resolved.
//!
//! The published meta-schema is seven vocabulary meta-schemas joined by
//! `allOf`, each recursing through `$dynamicRef: "#meta"`, so that a
//! dialect extending it can be swapped in while validating. Every nested
//! schema is then judged seven times over, through dynamic scope. The
//! documents read here use the OpenAPI base dialect or plain 2020-12 and
//! nothing else (another dialect is refused on load), so `#meta` is always
//! the 2020-12 meta-schema itself: the same rules hold with one schema
//! whose `properties` are all the vocabularies' and whose recursion is a
//! plain `$ref: "#"`. It is built from the copies the `referencing` crate
//! embeds (the ones `jsonschema` validates with), never written by hand;
//! `tests` prove it judges like the published one.

use std::sync::LazyLock;

use serde_json::{Map, Value, json};

/// The flat meta-schema's validator, built once.
pub(crate) static VALIDATOR: LazyLock<jsonschema::Validator> = LazyLock::new(|| {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&flat())
        .expect("the 2020-12 meta-schema compiles")
});

/// The root and its vocabularies, in the root's `allOf` order.
fn parts() -> [&'static Value; 8] {
    use referencing::meta as m;
    [
        &m::DRAFT202012_CORE,
        &m::DRAFT202012_APPLICATOR,
        &m::DRAFT202012_UNEVALUATED,
        &m::DRAFT202012_VALIDATION,
        &m::DRAFT202012_META_DATA,
        &m::DRAFT202012_FORMAT_ANNOTATION,
        &m::DRAFT202012_CONTENT,
        &m::DRAFT202012,
    ]
}

/// All the parts' `properties` and `$defs` in one schema, references made
/// local.
pub(crate) fn flat() -> Value {
    let (mut properties, mut defs) = (Map::new(), Map::new());
    for part in parts() {
        for (into, key) in [(&mut properties, "properties"), (&mut defs, "$defs")] {
            for (name, schema) in part
                .get(key)
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let clash = into.insert(name.clone(), schema.clone());
                debug_assert!(clash.is_none(), "two vocabularies define {key}/{name}");
            }
        }
    }
    let mut flat = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": ["object", "boolean"],
        "properties": properties,
        "$defs": defs,
    });
    make_local(&mut flat);
    flat
}

/// `$dynamicRef: "#meta"` becomes `$ref: "#"`, and `meta/core#/$defs/x`
/// (the root's way to reach a vocabulary's definition) `#/$defs/x`.
fn make_local(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if map.get("$dynamicRef").and_then(Value::as_str) == Some("#meta") {
                map.remove("$dynamicRef");
                map.insert("$ref".into(), "#".into());
            }
            if let Some(Value::String(r)) = map.get_mut("$ref")
                && let Some((_, local)) = r
                    .split_once('#')
                    .filter(|(doc, _)| doc.starts_with("meta/"))
            {
                *r = format!("#{local}");
            }
            map.values_mut().for_each(make_local);
        }
        Value::Array(items) => items.iter_mut().for_each(make_local),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No `$dynamicRef` and no reference outside the schema is left.
    #[test]
    fn every_reference_is_local() {
        let text = flat().to_string();
        assert!(!text.contains("$dynamicRef\":\"#meta"), "{text}");
        assert!(!text.contains("\"meta/"), "{text}");
        assert!(text.contains("\"$ref\":\"#\""));
    }

    /// The flat meta-schema and the published one agree on valid and
    /// invalid schemas, and on where an invalid one is wrong.
    #[test]
    fn it_judges_as_the_published_meta_schema_does() {
        let published = jsonschema::draft202012::meta::validator();
        let cases = [
            json!({"type": "object", "properties": {"a": {"type": ["string", "null"]}}}),
            json!({"type": "strin"}),
            json!({"examples": "x"}),
            json!({"properties": {"a": {"examples": {"k": 1}}}}),
            json!({"items": {"minLength": -1}}),
            json!({"prefixItems": []}),
            json!({"allOf": [{"required": ["a", "a"]}]}),
            json!({"anyOf": [{"const": null}, {"enum": "x"}]}),
            json!({"if": {"multipleOf": 0}, "then": true, "else": false}),
            json!({"dependentSchemas": {"a": {"maxItems": 1.5}}}),
            json!({"dependentRequired": {"a": ["b"]}, "unevaluatedProperties": 3}),
            json!({"contentSchema": {"type": 1}, "contentMediaType": 2}),
            json!({"$defs": {"x": {"$anchor": "1bad"}}, "$ref": "#/$defs/x"}),
            json!({"definitions": {"x": {"type": 4}}}),
            json!({"dependencies": {"a": ["b", 1]}}),
            json!({"not": {"patternProperties": {"^x": {"deprecated": "yes"}}}}),
            json!({"additionalProperties": {"readOnly": 1}, "propertyNames": {"format": 5}}),
            json!({"discriminator": {"propertyName": "t"}, "xml": {"name": "x"}, "example": 1}),
            json!(true),
            json!(3),
        ];
        for case in cases {
            assert_eq!(
                VALIDATOR.is_valid(&case),
                published.is_valid(&case),
                "{case}"
            );
            assert_eq!(
                paths(VALIDATOR.iter_errors(&case)),
                paths(published.iter_errors(&case)),
                "{case}"
            );
        }
    }

    /// Where the errors are, each place once, in order.
    fn paths<'a>(errors: impl Iterator<Item = jsonschema::ValidationError<'a>>) -> Vec<String> {
        let mut paths: Vec<String> = errors.map(|e| e.instance_path().to_string()).collect();
        paths.sort();
        paths.dedup();
        paths
    }

    /// Every schema of the committed 3.0 documents rewritten as 3.1, and
    /// of the 3.1 ones (FastAPI's, the lint's mistakes), is judged alike.
    #[test]
    fn it_judges_real_schemas_as_the_published_one_does() {
        let published = jsonschema::draft202012::meta::validator();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut files = vec![
            root.join("openapi/signalzen-v1.yaml"),
            root.join("tests/fixtures/fastapi/openapi.json"),
        ];
        for dir in [
            "crates/openapi-spec/tests/valid",
            "crates/openapi-spec/tests/mistakes",
        ] {
            let mut found: Vec<_> = std::fs::read_dir(root.join(dir))
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
                .collect();
            found.sort();
            files.extend(found);
        }
        let mut judged = 0;
        for file in files {
            let Ok(doc) = crate::load(&file, &Default::default()) else {
                continue;
            };
            let raw = crate::upgrade::to_3_1(&doc.raw);
            for node in crate::visit::Schemas::of(&raw).schemas {
                let schema = node.1;
                assert_eq!(
                    VALIDATOR.is_valid(schema),
                    published.is_valid(schema),
                    "{} {}",
                    file.display(),
                    node.0
                );
                judged += 1;
            }
        }
        assert!(judged > 500, "only {judged} schemas judged");
    }
}
