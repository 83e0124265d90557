//! What the recorded-mode tests share: the runner on the v1 document,
//! minimal HAR entries, and the failing checks of an exchange.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use openapi_contract::run::{Runner, collect_har_files};
use openapi_contract::{Check, ExchangeReport, Options, Outcome, RunReport};
use serde_json::{Value, json};

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn spec() -> PathBuf {
    root().join("openapi/signalzen-v1.yaml")
}

pub fn runner(options: Options) -> Runner {
    Runner::new(spec(), false, options)
}

pub fn run_paths(paths: &[PathBuf], options: Options) -> RunReport {
    let files = collect_har_files(paths).expect("paths exist");
    let mut r = runner(options);
    let mut report = RunReport::default();
    for f in files {
        let shown = f.display().to_string();
        report.files.push(r.run_file(&f, &shown, &|_| {}));
    }
    report
}

pub fn run_text(text: &str, options: Options) -> RunReport {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.har");
    std::fs::write(&path, text).unwrap();
    run_paths(&[path], options)
}

pub fn exchanges(report: &RunReport) -> Vec<&ExchangeReport> {
    report.files.iter().flat_map(|f| &f.exchanges).collect()
}

pub fn failing(e: &ExchangeReport) -> BTreeSet<&'static str> {
    e.checks
        .iter()
        .filter(|c| {
            matches!(
                c.outcome,
                Outcome::Fail | Outcome::ExpectedFail | Outcome::Warn
            )
        })
        .map(|c| c.check.name())
        .collect()
}

pub fn corpus_files() -> Vec<PathBuf> {
    collect_har_files(&[root().join("tests/recorded")]).unwrap()
}

pub fn expectations_of(file: &Path) -> Vec<BTreeSet<String>> {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    v["log"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            e.get("_expect")
                .and_then(Value::as_array)
                // A former id (`live.consistency`) counts as the check it names.
                .map(|a| {
                    a.iter()
                        .map(|x| {
                            let name = x.as_str().unwrap();
                            Check::from_name(name).map_or(name.to_string(), |c| c.to_string())
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect()
}

/// A minimal HAR entry.
pub fn entry(
    method: &str,
    url: &str,
    req_headers: &[(&str, &str)],
    status: i64,
    resp_headers: &[(&str, &str)],
    body: Option<&str>,
) -> Value {
    let h = |list: &[(&str, &str)]| {
        list.iter()
            .map(|(n, v)| json!({"name": n, "value": v}))
            .collect::<Vec<_>>()
    };
    let mut content =
        json!({"size": body.map(str::len).unwrap_or(0), "mimeType": "application/json"});
    if let Some(b) = body {
        content["text"] = json!(b);
    }
    json!({
        "startedDateTime": "2026-11-20T10:00:00.000Z",
        "time": 1,
        "request": {"method": method, "url": url, "httpVersion": "HTTP/1.1", "cookies": [], "headers": h(req_headers), "queryString": [], "headersSize": -1, "bodySize": 0},
        "response": {"status": status, "statusText": "", "httpVersion": "HTTP/1.1", "cookies": [], "headers": h(resp_headers), "content": content, "redirectURL": "", "headersSize": -1, "bodySize": -1},
        "cache": {}, "timings": {}
    })
}

pub fn har(entries: Vec<Value>) -> String {
    serde_json::to_string_pretty(&json!({"log": {"version": "1.2", "creator": {"name": "test", "version": "1"}, "entries": entries}})).unwrap()
}

pub const GOOD: &[(&str, &str)] = &[
    ("Authorization", "Bearer s3cr3t-valid-value"),
    ("Accept", "application/vnd.signalzen.v1+json"),
];
pub const JSON: &[(&str, &str)] = &[("Content-Type", "application/json; charset=utf-8")];
pub const USER: &str = r#"{"id":1,"name":null,"email":null,"reference":null,"created_at":"2018-01-02T03:04:05.000Z","updated_at":"2018-01-02T03:04:05.000Z","online_at":null,"last_url":null,"user_attributes":[]}"#;

/// A valid `GET /users/1` answered 200 with a valid user.
pub fn good_user_entry() -> Value {
    entry(
        "GET",
        "https://api.signalzen.com/external/users/1",
        GOOD,
        200,
        JSON,
        Some(USER),
    )
}

pub fn valid_options() -> Options {
    Options {
        valid_secrets: vec!["s3cr3t-valid-value".into()],
        ..Options::default()
    }
}
