//! What the gate's tests share: the base document (tests/base.yaml), a
//! revision made from it by one edit, and the check that a rule fired at
//! its catalogue level.
#![allow(dead_code)]

use std::path::Path;

use openapi_diff::{Report, compare};
use serde_json::Value;

pub fn base_raw() -> Value {
    let text = include_str!("../base.yaml");
    let doc = openapi_spec::load_str(text, Path::new("base.yaml"), false, &Default::default())
        .expect("the base document loads");
    doc.raw
}

pub fn load(raw: &Value, name: &str) -> openapi_spec::Document {
    let text = serde_json::to_string_pretty(raw).unwrap();
    openapi_spec::load_str(&text, Path::new(name), true, &Default::default())
        .unwrap_or_else(|e| panic!("{name} loads: {e}"))
}

/// Sets (or with `None` removes) the node at `pointer`; an array index one
/// past the end appends.
pub fn set(raw: &mut Value, pointer: &str, value: Option<Value>) {
    let (parent, last) = pointer.rsplit_once('/').unwrap();
    let last = last.replace("~1", "/").replace("~0", "~");
    let node = raw
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("no {parent}"));
    match (node, value) {
        (Value::Object(map), Some(v)) => {
            map.insert(last, v);
        }
        (Value::Object(map), None) => {
            map.shift_remove(&last);
        }
        (Value::Array(list), Some(v)) => {
            let i: usize = last.parse().unwrap();
            if i == list.len() {
                list.push(v);
            } else {
                list[i] = v;
            }
        }
        (Value::Array(list), None) => {
            let i: usize = last.parse().unwrap();
            if i < list.len() {
                list.remove(i);
            }
        }
        _ => panic!("{parent} holds no children"),
    }
}

/// A base and a revision that differ at one place.
pub fn pair(pointer: &str, before: Option<Value>, after: Option<Value>) -> Report {
    let mut base = base_raw();
    set(&mut base, pointer, before);
    let mut revision = base_raw();
    set(&mut revision, pointer, after);
    compare(&load(&base, "base.json"), &load(&revision, "revision.json"))
}

pub fn edited(edit: impl Fn(&mut Value)) -> Report {
    let base = base_raw();
    let mut revision = base.clone();
    edit(&mut revision);
    compare(&load(&base, "base.json"), &load(&revision, "revision.json"))
}

pub fn assert_has(report: &Report, rule: &str, case: &str) {
    let level = openapi_diff::ids::catalogue()
        .into_iter()
        .find(|(id, _, _)| *id == rule)
        .map(|(_, l, _)| l)
        .unwrap_or_else(|| panic!("{rule} is not in the catalogue"));
    let found = report.changes.iter().find(|c| c.rule == rule);
    let change = found.unwrap_or_else(|| {
        panic!(
            "{case}: expected {rule}, got {:#?}",
            report
                .changes
                .iter()
                .map(|c| (&c.rule, &c.message))
                .collect::<Vec<_>>()
        )
    });
    assert_eq!(change.level, level, "{case}: {rule}");
    assert!(!change.message.is_empty());
    assert!(
        change.base.is_some() || change.revision.is_some(),
        "{case}: {rule} has no location"
    );
}
