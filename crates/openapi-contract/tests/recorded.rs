//! Recorded mode end to end: the corpus in tests/recorded/, each check
//! failing where it must, bad input, secrets, snapshots.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use openapi_contract::run::{Observed, Runner, collect_har_files};
use openapi_contract::{Check, ExchangeReport, Options, Outcome, RunReport, normalize};
use serde_json::{Value, json};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn spec() -> PathBuf {
    root().join("openapi/signalzen-v1.yaml")
}

fn runner(options: Options) -> Runner {
    Runner::new(spec(), false, options)
}

fn run_paths(paths: &[PathBuf], options: Options) -> RunReport {
    let files = collect_har_files(paths).expect("paths exist");
    let mut r = runner(options);
    let mut report = RunReport::default();
    for f in files {
        let shown = f.display().to_string();
        report.files.push(r.run_file(&f, &shown, &|_| {}));
    }
    report
}

fn run_text(text: &str, options: Options) -> RunReport {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.har");
    std::fs::write(&path, text).unwrap();
    run_paths(&[path], options)
}

fn exchanges(report: &RunReport) -> Vec<&ExchangeReport> {
    report.files.iter().flat_map(|f| &f.exchanges).collect()
}

fn failing(e: &ExchangeReport) -> BTreeSet<&'static str> {
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

fn corpus_files() -> Vec<PathBuf> {
    collect_har_files(&[root().join("tests/recorded")]).unwrap()
}

fn expectations_of(file: &Path) -> Vec<BTreeSet<String>> {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    v["log"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            e.get("_expect")
                .and_then(Value::as_array)
                .map(|a| a.iter().map(|x| x.as_str().unwrap().to_string()).collect())
                .unwrap_or_default()
        })
        .collect()
}

/// A minimal HAR entry.
fn entry(
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

fn har(entries: Vec<Value>) -> String {
    serde_json::to_string_pretty(&json!({"log": {"version": "1.2", "creator": {"name": "test", "version": "1"}, "entries": entries}})).unwrap()
}

const GOOD: &[(&str, &str)] = &[
    ("Authorization", "Bearer s3cr3t-valid-value"),
    ("Accept", "application/vnd.signalzen.v1+json"),
];
const JSON: &[(&str, &str)] = &[("Content-Type", "application/json; charset=utf-8")];
const USER: &str = r#"{"id":1,"name":null,"email":null,"reference":null,"created_at":"2018-01-02T03:04:05.000Z","updated_at":"2018-01-02T03:04:05.000Z","online_at":null,"last_url":null,"user_attributes":[]}"#;

/// A valid `GET /users/1` answered 200 with a valid user.
fn good_user_entry() -> Value {
    entry(
        "GET",
        "https://api.signalzen.com/external/users/1",
        GOOD,
        200,
        JSON,
        Some(USER),
    )
}

fn valid_options() -> Options {
    Options {
        valid_secrets: vec!["s3cr3t-valid-value".into()],
        ..Options::default()
    }
}

#[test]
fn the_corpus_passes_and_every_expected_violation_is_caught_by_its_check() {
    let files = corpus_files();
    assert!(files.len() >= 5, "corpus: {files:?}");
    let report = run_paths(&files, Options::default());
    for (file, fr) in files.iter().zip(&report.files) {
        assert!(fr.error.is_none(), "{}: {:?}", fr.path, fr.error);
        let expected = expectations_of(file);
        assert_eq!(expected.len(), fr.exchanges.len(), "{}", fr.path);
        for (want, e) in expected.iter().zip(&fr.exchanges) {
            let got: BTreeSet<String> = failing(e).into_iter().map(String::from).collect();
            assert_eq!(&got, want, "{}: {}", fr.path, e.label());
            assert!(
                !matches!(e.outcome(), Outcome::Fail | Outcome::Error),
                "{}: {} is {:?}",
                fr.path,
                e.label(),
                e.outcome()
            );
        }
    }
    assert_eq!(report.verdict(), openapi_contract::Verdict::Pass);
}

#[test]
fn every_check_fails_on_at_least_one_recorded_exchange() {
    for dir in ["tests/recorded/signalzen", "tests/recorded/peers"] {
        let report = run_paths(&[root().join(dir)], Options::default());
        let caught: BTreeSet<Check> = exchanges(&report)
            .iter()
            .flat_map(|e| e.checks.iter())
            .filter(|c| c.outcome == Outcome::ExpectedFail)
            .map(|c| c.check)
            .collect();
        // Live checks fail in the live self-test (contract-live's tests/live.rs).
        let mut want: BTreeSet<Check> = Check::ALL.into_iter().filter(|c| !c.is_live()).collect();
        want.remove(&Check::Input); // bad input: see the tests below
        want.remove(&Check::Expectation); // see expectation_that_passes_fails_the_run
        // It needs the API: contract-live's tests/webhooks.rs fails it.
        want.remove(&Check::WebhookConsistency);
        if dir.ends_with("peers") {
            // Neither peer document describes webhooks.
            want.retain(|c| !c.is_webhook());
            // Neither peer document has nullable fields or a discriminator.
            want.remove(&Check::BodyNullable);
            want.remove(&Check::BodyDiscriminator);
        }
        let missing: Vec<_> = want.difference(&caught).collect();
        assert!(missing.is_empty(), "{dir}: no exchange fails {missing:?}");
    }
}

#[test]
fn without_the_expectations_the_violations_fail_the_run() {
    let file = root().join("tests/recorded/signalzen/violations.har");
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let mut wanted = Vec::new();
    for e in v["log"]["entries"].as_array_mut().unwrap() {
        let expect = e.as_object_mut().unwrap().remove("_expect").unwrap();
        wanted.push(expect);
    }
    let report = run_text(&v.to_string(), Options::default());
    assert_eq!(report.verdict(), openapi_contract::Verdict::Violation);
    for (e, want) in exchanges(&report).iter().zip(&wanted) {
        for name in want.as_array().unwrap() {
            let check = Check::from_name(name.as_str().unwrap()).unwrap();
            let c = e
                .checks
                .iter()
                .find(|c| c.check == check)
                .unwrap_or_else(|| panic!("{} did not run {check}", e.label()));
            let expected = if check == Check::BodyUndocumented {
                Outcome::Warn
            } else {
                Outcome::Fail
            };
            assert_eq!(c.outcome, expected, "{}", e.label());
            assert!(!c.findings.is_empty());
        }
    }
}

#[test]
fn the_discriminator_check_speaks_plainly() {
    let report = run_paths(
        &[root().join("tests/recorded/signalzen/violations.har")],
        Options::default(),
    );
    let messages: Vec<String> = exchanges(&report)
        .iter()
        .flat_map(|e| &e.checks)
        .filter(|c| c.check == Check::BodyDiscriminator)
        .flat_map(|c| c.findings.iter().map(|f| f.message.clone()))
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m == "sender_type is operator but sender has no forename"),
        "{messages:#?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("sender_type is \"bot\", which is not one of"))
    );
    assert!(
        messages.iter().all(|m| !m.contains("oneOf")),
        "{messages:#?}"
    );
}

#[test]
fn an_expectation_that_passes_fails_the_run() {
    let mut e = good_user_entry();
    e["_expect"] = json!(["body.schema"]);
    let report = run_text(&har(vec![e]), valid_options());
    assert_eq!(report.verdict(), openapi_contract::Verdict::Violation);
    let ex = exchanges(&report)[0];
    assert!(ex.failed(Check::Expectation), "{ex:#?}");
    let mut bad = good_user_entry();
    bad["_expect"] = json!(["no.such.check"]);
    let report = run_text(&har(vec![bad]), valid_options());
    assert_eq!(report.verdict(), openapi_contract::Verdict::BadInput);
}

#[test]
fn strict_turns_undocumented_fields_into_failures() {
    let body = USER.replace("\"id\":1", "\"id\":1,\"vip\":true");
    let text = har(vec![entry(
        "GET",
        "https://api.signalzen.com/external/users/1",
        GOOD,
        200,
        JSON,
        Some(&body),
    )]);
    let lenient = run_text(&text, valid_options());
    assert_eq!(lenient.verdict(), openapi_contract::Verdict::Pass);
    assert_eq!(exchanges(&lenient)[0].outcome(), Outcome::Warn);
    let strict = run_text(
        &text,
        Options {
            strict: true,
            ..valid_options()
        },
    );
    assert_eq!(strict.verdict(), openapi_contract::Verdict::Violation);
    assert!(exchanges(&strict)[0].failed(Check::BodyUndocumented));
}

#[test]
fn valid_secrets_from_the_environment_tell_a_wrong_secret() {
    let wrong = [
        ("Authorization", "Bearer not-the-secret"),
        ("Accept", "application/vnd.signalzen.v1+json"),
    ];
    let text = har(vec![
        entry(
            "GET",
            "https://api.signalzen.com/external/users/1",
            &wrong,
            200,
            JSON,
            Some(USER),
        ),
        good_user_entry(),
    ]);
    // Without knowing the valid secret, a 200 to an unknown secret proves nothing.
    assert_eq!(
        run_text(&text, Options::default()).verdict(),
        openapi_contract::Verdict::Pass
    );
    let report = run_text(&text, valid_options());
    let ex = exchanges(&report);
    assert!(ex[0].failed(Check::RequestAuth));
    assert!(!ex[1].failed(Check::RequestAuth));
}

#[test]
fn entries_outside_the_base_path_are_reported_not_skipped_silently() {
    let text = har(vec![entry(
        "GET",
        "https://cdn.example.com/app.js",
        &[],
        200,
        &[],
        Some("x"),
    )]);
    let report = run_text(&text, Options::default());
    let ex = exchanges(&report)[0];
    assert_eq!(ex.outcome(), Outcome::Warn);
    assert!(
        ex.checks[0].findings[0]
            .message
            .contains("outside the server base path /external")
    );
    // A sandbox on loopback serves the same paths: --base-url moves the base.
    let local = har(vec![entry(
        "GET",
        "http://127.0.0.1:3999/v1/users/1",
        GOOD,
        200,
        JSON,
        Some(USER),
    )]);
    let report = run_text(
        &local,
        Options {
            base_url: Some("http://127.0.0.1:3999/v1".into()),
            ..valid_options()
        },
    );
    assert_eq!(exchanges(&report)[0].operation.as_deref(), Some("getUser"));
    assert_eq!(report.verdict(), openapi_contract::Verdict::Pass);
}

#[test]
fn bad_entries_are_reported_by_index_and_line_and_the_rest_still_checked() {
    let url = "https://api.signalzen.com/external/users/1";
    let good = entry("GET", url, GOOD, 200, JSON, Some(USER));
    let mut no_response = good.clone();
    no_response.as_object_mut().unwrap().remove("response");
    let mut b64 = good.clone();
    b64["response"]["content"]["text"] = json!("eyJpZCI6MX0=");
    b64["response"]["content"]["encoding"] = json!("base64");
    let mut bad_b64 = good.clone();
    bad_b64["response"]["content"]["text"] = json!("!!!not base64!!!");
    bad_b64["response"]["content"]["encoding"] = json!("base64");
    let mut gzip = good.clone();
    gzip["response"]["content"]["encoding"] = json!("gzip");
    let mut status0 = good.clone();
    status0["response"]["status"] = json!(0);
    let mut wrong_type = good.clone();
    wrong_type["response"]["status"] = json!("two hundred");
    let mut too_big = good.clone();
    too_big["response"]["content"]["text"] = json!(format!("[{}0]", "0,".repeat(600)));
    let text = har(vec![
        good,
        no_response,
        b64,
        bad_b64,
        gzip,
        status0,
        wrong_type,
        too_big,
    ]);
    let report = run_text(
        &text,
        Options {
            max_body_bytes: 1000,
            ..valid_options()
        },
    );
    let ex = exchanges(&report);
    assert_eq!(ex.len(), 8);
    assert_eq!(ex[0].outcome(), Outcome::Pass, "{:#?}", ex[0]);
    // base64 is decoded: {"id":1} is then checked (and fails the schema).
    assert!(ex[2].failed(Check::BodySchema), "{:#?}", ex[2]);
    let message = |e: &ExchangeReport| e.checks[0].findings[0].message.clone();
    for (i, needle) in [
        (1, "no response"),
        (3, "base64"),
        (4, "gzip"),
        (5, "status is 0"),
        (6, "invalid type"),
        (7, "over the 1000-byte cap"),
    ] {
        assert_eq!(ex[i].outcome(), Outcome::Error, "{i}: {:#?}", ex[i]);
        assert!(message(ex[i]).contains(needle), "{i}: {}", message(ex[i]));
        assert!(ex[i].line > 1, "{i}: the line of the entry is given");
    }
    // Lines are increasing: each error points at its own entry.
    assert!(ex.windows(2).all(|w| w[0].line < w[1].line));
    assert_eq!(report.verdict(), openapi_contract::Verdict::BadInput);
}

#[test]
fn bad_files_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "syntax.har",
            b"{\"log\": {\"entries\": [\n  {\"request\": }\n]}}".to_vec(),
            ":2:",
        ),
        (
            "notahar.har",
            b"{\"hello\": 1}".to_vec(),
            "no top-level \"log\"",
        ),
        (
            "noentries.har",
            b"{\"log\": {\"version\": \"1.2\"}}".to_vec(),
            "no \"entries\"",
        ),
        ("binary.har", vec![0xff, 0xfe, 0x00, 0x01], "not UTF-8"),
        (
            "truncated.har",
            har(vec![]).as_bytes()[..20].to_vec(),
            "not a HAR file",
        ),
    ];
    let mut r = runner(Options::default());
    for (name, bytes, needle) in &cases {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        let fr = r.run_file(&p, name, &|_| {});
        let err = fr.error.unwrap_or_default();
        assert!(err.contains(needle), "{name}: {err}");
        assert!(err.contains(name), "{name}: the file is named: {err}");
    }
    let fr = r.run_file(&dir.path().join("missing.har"), "missing.har", &|_| {});
    assert!(fr.error.unwrap().contains("cannot read"));
    let big = dir.path().join("big.har");
    std::fs::write(&big, har(vec![])).unwrap();
    let mut small = runner(Options::default()).with_max_file_bytes(10);
    assert!(
        small
            .run_file(&big, "big.har", &|_| {})
            .error
            .unwrap()
            .contains("limit")
    );
    let report = RunReport {
        files: vec![r.run_file(&dir.path().join("syntax.har"), "s", &|_| {})],
    };
    assert_eq!(report.verdict(), openapi_contract::Verdict::BadInput);
}

/// Every place a secret could leak: human, JSON and JUnit reports,
/// snapshots, and any HAR the tool writes.
#[test]
fn a_canary_secret_never_reaches_any_output() {
    const CANARY: &str = "CANARY-7f3a9c1e55d04b2e";
    let url = format!("https://api.signalzen.com/external/users/1?api_key={CANARY}");
    let echo =
        format!(r#"{{"status":401,"error":"unauthorized","message":"Wrong API secret {CANARY}"}}"#);
    let cookie = format!("session={CANARY}");
    let bearer = format!("Bearer {CANARY}");
    let headers = [
        ("Authorization", bearer.as_str()),
        ("Cookie", cookie.as_str()),
        ("api-key", CANARY),
        ("Accept", "text/html"),
    ];
    let set_cookie = format!("sid={CANARY}; HttpOnly");
    let mut e = entry(
        "GET",
        &url,
        &headers,
        401,
        &[
            ("Content-Type", "application/json"),
            ("Set-Cookie", &set_cookie),
        ],
        Some(&echo),
    );
    e["request"]["cookies"] = json!([{"name": "session", "value": CANARY}]);
    let mut e2 = entry(
        "GET",
        &format!("https://api.signalzen.com/external/users/{CANARY}"),
        &headers,
        200,
        JSON,
        Some(&USER.replace("\"reference\":null", &format!("\"reference\":\"{CANARY}\""))),
    );
    e2["comment"] = json!("a 200 to a request with a wrong secret echoes it back");
    let text = har(vec![e, e2]);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("canary.har");
    std::fs::write(&path, &text).unwrap();
    let mut r = runner(Options {
        valid_secrets: vec!["other".into()],
        ..Options::default()
    });
    let snapshots = std::sync::Mutex::new(Vec::new());
    let doc = openapi_spec::load(&spec(), &openapi_spec::LoadOptions::default()).unwrap();
    let redactions = normalize::redactions(&doc.raw);
    let fr = r.run_file(&path, "canary.har", &|o: Observed<'_>| {
        snapshots
            .lock()
            .unwrap()
            .push(normalize::snapshot(&o, &redactions).to_string());
    });
    let snapshots = snapshots.into_inner().unwrap();
    let report = RunReport { files: vec![fr] };
    assert_eq!(
        report.verdict(),
        openapi_contract::Verdict::Violation,
        "the leaked secret is a violation: {report:#?}"
    );
    let outputs = [
        contract_report::text(
            &report,
            contract_report::TextOptions {
                color: false,
                verbose: true,
            },
        ),
        contract_report::json(&report),
        contract_report::junit(&report).unwrap(),
        snapshots.join("\n"),
        format!("{report:?}"),
    ];
    assert_eq!(snapshots.len(), 2);
    for (i, out) in outputs.iter().enumerate() {
        assert!(!out.contains(CANARY), "output {i} leaks the secret:\n{out}");
    }
    assert!(outputs[3].contains("[REDACTED]"), "{}", outputs[3]);

    // A HAR written by the tool is redacted too.
    let recording = har::Recording::read(&path, 1 << 20).unwrap();
    let entries: Vec<har::Entry> = recording
        .entries()
        .unwrap()
        .entries
        .iter()
        .map(|e| e.parse().unwrap())
        .collect();
    let mut out = har::Har::new("test", "1");
    out.log.entries = entries;
    let written = dir.path().join("out.har");
    out.write(&written, &har::SensitiveNames::default())
        .unwrap();
    let text = std::fs::read_to_string(&written).unwrap();
    assert!(!text.contains(CANARY), "{text}");
    assert!(text.contains("Bearer [REDACTED]"));
}

/// One insta snapshot per recorded exchange: the normalized response and
/// its verdict. `cargo insta review` shows what changed.
#[test]
fn snapshots_of_every_recorded_exchange() {
    let mut r = runner(Options::default());
    let snapshot_dir = root().join("tests/recorded/snapshots");
    for file in corpus_files() {
        let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
        let group = file
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let snaps: std::sync::Mutex<Vec<(usize, Value)>> = Default::default();
        let raw = std::fs::read_to_string(&file).unwrap();
        let spec_path =
            match serde_json::from_str::<Value>(&raw).unwrap()["log"]["_openapi"].as_str() {
                Some(rel) => file.parent().unwrap().join(rel),
                None => spec(),
            };
        let doc = openapi_spec::load(&spec_path, &openapi_spec::LoadOptions::default()).unwrap();
        let redactions = normalize::redactions(&doc.raw);
        let fr = r.run_file(&file, &stem, &|o| {
            snaps
                .lock()
                .unwrap()
                .push((o.report.index, normalize::snapshot(&o, &redactions)))
        });
        assert!(fr.error.is_none());
        let mut snaps = snaps.into_inner().unwrap();
        snaps.sort_by_key(|(i, _)| *i);
        for (index, snap) in snaps {
            let name = format!("{group}__{stem}__{index:02}");
            insta::with_settings!({
                snapshot_path => &snapshot_dir,
                prepend_module_to_snapshot => false,
                omit_expression => true,
            }, {
                insta::assert_json_snapshot!(name, snap);
            });
        }
    }
}

#[test]
fn signed_file_urls_are_redacted_in_snapshots() {
    let path = root().join("tests/recorded/signalzen/edge-cases.har");
    let doc = openapi_spec::load(&spec(), &openapi_spec::LoadOptions::default()).unwrap();
    let redactions = normalize::redactions(&doc.raw);
    assert!(!redactions.is_empty());
    let seen = std::sync::Mutex::new(Vec::new());
    runner(Options::default()).run_file(&path, "edge", &|o| {
        seen.lock()
            .unwrap()
            .push(normalize::snapshot(&o, &redactions).to_string())
    });
    let joined = seen.into_inner().unwrap().join("\n");
    assert!(joined.contains("invoice.pdf?[redacted]"), "{joined}");
    assert!(!joined.contains("signature="));
}

#[test]
fn configured_timestamps_are_redacted_in_snapshots() {
    let path = root().join("tests/recorded/signalzen/vendor-examples.har");
    let redactions = vec![normalize::Redaction {
        property: "created_at".into(),
        part: normalize::Part::Value,
    }];
    let seen = std::sync::Mutex::new(Vec::new());
    runner(Options::default()).run_file(&path, "vendor", &|o| {
        seen.lock()
            .unwrap()
            .push(normalize::snapshot(&o, &redactions).to_string())
    });
    let joined = seen.into_inner().unwrap().join("\n");
    assert!(joined.contains("\"created_at\":\"[redacted]\""), "{joined}");
    assert!(!joined.contains("2017-11-25T20:27:42.000Z\",\"updated_at\""));
    assert!(joined.contains("\"updated_at\":\"2017-11-25T20:27:42.000Z\""));
}

#[test]
fn hostile_numbers_and_nesting_do_not_panic() {
    let url = "https://api.signalzen.com/external/users?offset=9223372036854775807";
    let body =
        r#"{"limit":50,"offset":9223372036854775807,"total":-9223372036854775808,"users":[]}"#;
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let text = har(vec![
        entry("GET", url, GOOD, 200, JSON, Some(body)),
        entry(
            "GET",
            "https://api.signalzen.com/external/users/1",
            GOOD,
            200,
            JSON,
            Some(&deep),
        ),
        entry(
            "GET",
            "https://api.signalzen.com/external/users/%FF%00",
            GOOD,
            404,
            JSON,
            Some("{}"),
        ),
    ]);
    let report = run_text(&text, valid_options());
    let ex = exchanges(&report);
    assert!(ex[0].failed(Check::BodySchema));
    assert!(ex[1].failed(Check::BodyJson));
    assert_eq!(ex[2].operation.as_deref(), Some("getUser"));
}

#[test]
fn a_scheme_word_without_a_credential_is_no_credential() {
    let lone = [
        ("Authorization", "Bearer"),
        ("Accept", "application/vnd.signalzen.v1+json"),
    ];
    let other = [
        ("Authorization", "sometoken"),
        ("Accept", "application/vnd.signalzen.v1+json"),
    ];
    let url = "https://api.signalzen.com/external/users/1";
    let report = run_text(
        &har(vec![
            entry("GET", url, &lone, 200, JSON, Some(USER)),
            entry("GET", url, &other, 200, JSON, Some(USER)),
        ]),
        Options::default(),
    );
    let ex = exchanges(&report);
    let message = |e: &ExchangeReport| {
        e.checks
            .iter()
            .find(|c| c.check == Check::RequestAuth)
            .unwrap()
            .findings[0]
            .message
            .clone()
    };
    assert!(
        message(ex[0]).starts_with("the request has no credentials"),
        "{}",
        message(ex[0])
    );
    assert!(
        message(ex[1]).contains("another scheme"),
        "{}",
        message(ex[1])
    );
}

/// Two websites' secrets known from the environment (not marked in the
/// file): the same resource answered 200 under both is still caught.
#[test]
fn known_secrets_tell_websites_apart_without_marks_in_the_file() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/recorded/signalzen/across-entries.har");
    let mut har: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let entries = har["log"]["entries"].as_array_mut().unwrap();
    entries.retain(|e| {
        e["_expect"] == json!(["live.isolation"])
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
    assert_eq!(caught, ["live.isolation"], "{report:#?}");
    // One known secret: the other is a wrong one, and nothing is shared.
    let report = run_text(&har.to_string(), options(&[site1]));
    let caught: Vec<_> = report.files[0].exchanges.iter().flat_map(failing).collect();
    assert!(!caught.contains(&"live.isolation"), "{caught:?}");
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
        v[1].contains("live.walk")
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
        assert!(v[1].contains("live.walk"), "{v:?}");
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
        assert_eq!(v[1], BTreeSet::from(["live.consistency"]), "{v:?}");
        let v = verdicts(vec![listed.clone(), fetch(1, &message)]);
        assert!(v[1].is_empty(), "{v:?}");
        // Under another user the path is another item's.
        let v = verdicts(vec![listed, fetch(2, &changed)]);
        assert!(!v[1].contains("live.consistency"), "{v:?}");
    }

    #[test]
    fn a_listed_item_equals_itself_fetched_alone() {
        let listed = page(0, &[user(1, "a"), user(2, "b")]);
        let same = verdicts(vec![listed.clone(), alone(2, 200, &user(2, "b"))]);
        assert!(same.iter().all(BTreeSet::is_empty), "{same:?}");
        let differs = verdicts(vec![listed.clone(), alone(2, 200, &user(2, "x"))]);
        assert_eq!(
            differs[1],
            BTreeSet::from(["live.consistency"]),
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
        assert!(!broken[1].contains("live.consistency"), "{broken:?}");
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
            .any(|e| failing(e).contains("live.walk"))
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
