//! The three renderings of one run.

use contract_report::{TextOptions, json, junit, text};
use openapi_contract::{
    Check, CheckResult, ExchangeReport, FileReport, Finding, Outcome, RunReport,
};

fn run() -> RunReport {
    let check = |check, outcome, message: &str| CheckResult {
        check,
        outcome,
        findings: if message.is_empty() {
            vec![]
        } else {
            vec![Finding {
                pointer: "/users/0/email".into(),
                message: message.into(),
                value: Some("\"x<y\"".into()),
            }]
        },
    };
    RunReport {
        files: vec![
            FileReport {
                path: "a.har".into(),
                spec: "openapi/v1.yaml".into(),
                error: None,
                exchanges: vec![
                    ExchangeReport {
                        note: None,
                        index: 0,
                        line: 3,
                        method: "GET".into(),
                        target: "/users".into(),
                        operation: Some("listUsers".into()),
                        status: Some(200),
                        checks: vec![
                            check(Check::Status, Outcome::Pass, ""),
                            check(
                                Check::BodySchema,
                                Outcome::Fail,
                                "the value is not a \"email\"",
                            ),
                        ],
                        points: Vec::new(),
                    },
                    ExchangeReport {
                        note: None,
                        index: 1,
                        line: 40,
                        method: "GET".into(),
                        target: "/users/1".into(),
                        operation: Some("getUser".into()),
                        status: Some(200),
                        checks: vec![check(
                            Check::BodyUndocumented,
                            Outcome::Warn,
                            "vip is not described",
                        )],
                        points: Vec::new(),
                    },
                    ExchangeReport {
                        note: None,
                        index: 2,
                        line: 60,
                        method: "GET".into(),
                        target: "/users/2".into(),
                        operation: Some("getUser".into()),
                        status: Some(200),
                        checks: vec![check(Check::Status, Outcome::Pass, "")],
                        points: Vec::new(),
                    },
                ],
                tally: Default::default(),
            },
            FileReport {
                path: "b.har".into(),
                spec: "openapi/v1.yaml".into(),
                error: Some("b.har:1:1: not a HAR file".into()),
                exchanges: vec![],
                tally: Default::default(),
            },
        ],
    }
}

#[test]
fn text_names_check_pointer_and_value_and_colours_only_when_asked() {
    let plain = text(&run(), TextOptions::default());
    assert!(plain.contains("FAIL  body.schema"), "{plain}");
    assert!(plain.contains("/users/0/email: the value is not a \"email\" (value: \"x<y\")"));
    assert!(plain.contains("GET /users -> listUsers 200  [entry 0, line 3]"));
    assert!(plain.contains("ERROR b.har:1:1: not a HAR file"));
    assert!(
        !plain.contains("PASS  status"),
        "passing checks only with --verbose"
    );
    assert!(
        !plain.contains("/users/2"),
        "passing exchanges only with --verbose: {plain}"
    );
    assert!(!plain.contains('\u{1b}'));
    assert!(
        plain
            .trim_end()
            .ends_with("2 file(s), 3 exchange(s): 1 passed, 1 warned, 1 failed, 1 error(s)"),
        "{plain}"
    );
    let verbose = text(
        &run(),
        TextOptions {
            color: true,
            verbose: true,
        },
    );
    assert!(verbose.contains('\u{1b}'));
    assert!(verbose.contains("status"));
    assert!(verbose.contains("GET /users/2 -> getUser 200  [entry 2, line 60]"));
}

#[test]
fn json_carries_summary_exit_code_and_findings() {
    let v: serde_json::Value = serde_json::from_str(&json(&run(), 2)).unwrap();
    assert_eq!(v["exit_code"], 2);
    assert_eq!(v["summary"]["failed"], 1);
    assert_eq!(
        v["files"][0]["exchanges"][0]["checks"][1]["check"],
        "body.schema"
    );
    assert_eq!(
        v["files"][0]["exchanges"][0]["checks"][1]["outcome"],
        "fail"
    );
    assert_eq!(
        v["files"][0]["exchanges"][0]["checks"][1]["findings"][0]["pointer"],
        "/users/0/email"
    );
}

#[test]
fn junit_has_a_case_per_check_and_escapes_text() {
    let xml = junit(&run()).unwrap();
    assert!(xml.starts_with("<?xml"));
    // body.schema's group, body.undocumented's warning, status passing,
    // and the unreadable file.
    assert_eq!(xml.matches("<testcase ").count(), 4, "{xml}");
    assert_eq!(xml.matches("<failure").count(), 1, "{xml}");
    assert_eq!(xml.matches("<error").count(), 1, "{xml}");
    assert!(xml.contains("x&lt;y"), "{xml}");
    assert!(xml.contains("type=\"body.schema\""));
    // Deterministic: no timestamps or ids.
    assert_eq!(xml, junit(&run()).unwrap());
    assert!(!xml.contains("timestamp"));
}

#[test]
fn a_renamed_check_keeps_its_former_id_as_an_alias_for_one_release() {
    assert_eq!(Check::from_name("live.walk"), Some(Check::PaginationWalk));
    assert_eq!(
        Check::from_name("pagination.walk"),
        Some(Check::PaginationWalk)
    );
    assert_eq!(
        Check::from_name("live.isolation"),
        Some(Check::TenantIsolation)
    );
    assert_eq!(Check::from_name("live.nothing"), None);
    let renamed = CheckResult {
        check: Check::ItemConsistency,
        outcome: Outcome::Pass,
        findings: vec![],
    };
    let kept = CheckResult {
        check: Check::BodySchema,
        outcome: Outcome::Pass,
        findings: vec![],
    };
    assert_eq!(
        serde_json::to_value(&renamed).unwrap(),
        serde_json::json!({"check": "item.consistency", "alias": "live.consistency", "outcome": "pass"})
    );
    assert_eq!(
        serde_json::to_value(&kept).unwrap(),
        serde_json::json!({"check": "body.schema", "outcome": "pass"})
    );
}

/// One broken rule on 30 exchanges (ids and values differing), and
/// another on one: two blocks, not 31.
fn repeated() -> RunReport {
    let exchange = |index: usize, message: String| ExchangeReport {
        note: None,
        index,
        line: 0,
        method: "GET".into(),
        target: format!("/users/{index}"),
        operation: Some("getUser".into()),
        status: Some(200),
        checks: vec![CheckResult {
            check: Check::BodyDiscriminator,
            outcome: Outcome::Fail,
            findings: vec![Finding {
                pointer: format!("/messages/{index}/sender"),
                message,
                value: None,
            }],
        }],
        points: Vec::new(),
    };
    let mut exchanges: Vec<ExchangeReport> = (0..30)
        .map(|i| {
            exchange(
                i,
                format!("user {i}: sender_type is \"op{i}\" but sender has no forename"),
            )
        })
        .collect();
    exchanges.push(exchange(
        30,
        "sender has name, which only another variant describes".into(),
    ));
    RunReport {
        files: vec![FileReport {
            path: "live".into(),
            spec: "v1.yaml".into(),
            error: None,
            exchanges,
            tally: Default::default(),
        }],
    }
}

#[test]
fn one_broken_rule_is_one_block_with_a_count_and_two_examples() {
    let plain = text(&repeated(), TextOptions::default());
    assert_eq!(
        plain.matches("FAIL  body.discriminator").count(),
        2,
        "{plain}"
    );
    assert!(
        plain.contains("FAIL  body.discriminator  (30 exchanges; getUser)"),
        "{plain}"
    );
    assert!(
        plain.contains("[entry 0]") && plain.contains("[entry 1]"),
        "{plain}"
    );
    assert!(!plain.contains("[entry 2]"), "two examples only: {plain}");
    assert!(
        plain.contains("… and 28 more (--verbose lists every exchange)"),
        "{plain}"
    );
    assert!(
        plain.contains("FAIL  body.discriminator  (1 exchange; getUser)"),
        "{plain}"
    );
    assert!(plain.lines().count() < 15, "{plain}");
    let verbose = text(
        &repeated(),
        TextOptions {
            color: false,
            verbose: true,
        },
    );
    assert!(verbose.contains("[entry 29]"), "{verbose}");
    assert!(!verbose.contains("more (--verbose"), "{verbose}");
    let xml = junit(&repeated()).unwrap();
    assert_eq!(xml.matches("<testcase ").count(), 2, "{xml}");
    assert!(xml.contains("(30 exchange(s))"), "{xml}");
    assert!(
        xml.contains("/users/29"),
        "the failure lists every exchange: {xml}"
    );
    // JSON keeps every exchange.
    let v: serde_json::Value = serde_json::from_str(&json(&repeated(), 1)).unwrap();
    assert_eq!(v["files"][0]["exchanges"].as_array().unwrap().len(), 31);
}
