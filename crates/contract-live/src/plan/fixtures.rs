//! Test fixtures the phases share: the v1 model and path values.

#![cfg(test)]

use serde_json::json;

use super::{PathValues, WalkedList};

pub(super) fn signalzen() -> openapi_model::Model {
    let spec =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/signalzen-v1.yaml");
    let doc = openapi_spec::load(&spec, &Default::default()).unwrap();
    openapi_model::Model::build(&doc, None).unwrap()
}

pub(super) fn values(pairs: &[(&str, &str)]) -> PathValues {
    let mut v = PathValues::default();
    for (name, value) in pairs {
        v.push(name, value.to_string());
    }
    v
}

pub(super) fn context(pairs: &[(&str, &str)], ids: &[i64]) -> WalkedList {
    WalkedList {
        values: values(pairs),
        items: ids.iter().map(|i| json!({"id": i})).collect(),
    }
}

pub(super) fn shown(v: &Option<PathValues>) -> Option<Vec<(String, String)>> {
    v.as_ref().map(|v| {
        v.0.iter()
            .map(|p| (p.name.clone(), p.value.clone()))
            .collect()
    })
}
