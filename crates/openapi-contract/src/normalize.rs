//! The normalized form of a checked exchange that snapshots record: the
//! request line, status, content type, body and verdict, with values that
//! change on every response redacted (rules from the document's
//! `x-contract.snapshotRedactions`) and secrets scrubbed.

use har::SecretSet;
use serde_json::{Map, Value, json};

use crate::ExchangeReport;

/// What a checked exchange leaves for snapshotting: its report, its parsed
/// body, and the secrets to keep out of anything written.
pub struct Observed<'a> {
    /// The exchange's report.
    pub report: &'a ExchangeReport,
    /// The response content type.
    pub content_type: Option<&'a str>,
    /// The body as JSON, when it parsed.
    pub body: Option<&'a Value>,
    /// The secrets the exchange carried, for redaction.
    pub secrets: &'a SecretSet,
}

/// What to replace in a property's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// The query string of a URL (signatures, expiry times).
    Query,
    /// The whole value (timestamps of a live run).
    Value,
}

/// A property whose values change on every response, and which part of them to hide in snapshots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redaction {
    /// The property name (anywhere in the body).
    pub property: String,
    /// Which part of its value is redacted.
    pub part: Part,
}

/// The document's rules: `x-contract.snapshotRedactions: [{property, redact: query|value}]`.
pub fn redactions(raw: &Value) -> Vec<Redaction> {
    raw.pointer("/x-contract/snapshotRedactions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| {
            Some(Redaction {
                property: r.get("property")?.as_str()?.to_string(),
                part: match r.get("redact").and_then(Value::as_str) {
                    Some("query") => Part::Query,
                    _ => Part::Value,
                },
            })
        })
        .collect()
}

/// Replaces the parts the rules name, anywhere in `value`.
pub fn redact(value: &mut Value, rules: &[Redaction]) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                match rules.iter().find(|r| r.property == *k) {
                    Some(r) if !v.is_null() => match (&r.part, &*v) {
                        (Part::Query, Value::String(s)) => {
                            if let Some((base, _)) = s.split_once('?') {
                                *v = Value::String(format!("{base}?[redacted]"));
                            }
                        }
                        _ => *v = Value::String("[redacted]".into()),
                    },
                    _ => redact(v, rules),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| redact(v, rules)),
        _ => {}
    }
}

/// The snapshot of one exchange.
pub fn snapshot(observed: &Observed<'_>, rules: &[Redaction]) -> Value {
    let r = observed.report;
    let mut body = observed.body.cloned().unwrap_or(Value::Null);
    redact(&mut body, rules);
    har::secrets::scrub_json(&mut body, observed.secrets);
    let mut verdict = Vec::new();
    for c in &r.checks {
        let mut entry = Map::new();
        entry.insert("check".into(), c.check.name().into());
        entry.insert("outcome".into(), c.outcome.name().into());
        if !c.findings.is_empty() {
            entry.insert(
                "findings".into(),
                serde_json::to_value(&c.findings).unwrap_or(Value::Null),
            );
        }
        verdict.push(Value::Object(entry));
    }
    json!({
        "request": format!("{} {}", r.method, r.target),
        "operation": r.operation,
        "status": r.status,
        "content_type": observed.content_type.map(|c| observed.secrets.scrub(c).into_owned()),
        "body": body,
        "verdict": verdict,
    })
}

/// The first place two values differ, as a JSON pointer (`None`: equal).
/// Arrays of different lengths differ as a whole.
pub fn first_difference(a: &Value, b: &Value, at: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            keys.into_iter().find_map(|k| {
                let here = openapi_spec::pointer::push(at, k);
                match (x.get(k), y.get(k)) {
                    (Some(p), Some(q)) => first_difference(p, q, &here),
                    _ => Some(here),
                }
            })
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (p, q))| first_difference(p, q, &format!("{at}/{i}"))),
        _ => (a != b).then(|| at.to_string()),
    }
}

/// A scalar as it goes into a path (a listed item's id for the operation
/// that fetches it alone); `None` for objects, arrays and null.
pub fn path_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}
