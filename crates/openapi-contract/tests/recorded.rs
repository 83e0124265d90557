//! Recorded mode end to end: the corpus in tests/recorded/, each check
//! failing where it must, bad input, secrets, snapshots.

use std::collections::BTreeSet;

use openapi_contract::run::Observed;
use openapi_contract::{Check, ExchangeReport, Options, Outcome, RunReport, normalize};
use serde_json::{Value, json};

mod support;
use support::*;

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
        // Judged on a run's coverage, not an exchange: xtask's tests/coverage.rs.
        want.remove(&Check::CoverageRequired);
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
        contract_report::json(&report, 0),
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
