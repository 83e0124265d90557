//! The GitHub workflow cannot run here; it is kept valid YAML with the jobs
//! the README describes, and every cargo command in it is one `.ci/run`
//! runs too, so a green `.ci/run` vouches for it.

use std::path::{Path, PathBuf};

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn workflow() -> Value {
    let text = std::fs::read_to_string(root().join(".github/workflows/contract.yml")).unwrap();
    serde_saphyr::from_str(&text).expect("the workflow is valid YAML")
}

/// `cargo xtask breaking --base X` → `cargo xtask breaking`: the command
/// words before the first flag or argument (after any `VAR=value`).
fn command_words(line: &str) -> String {
    line.split_whitespace()
        .skip_while(|w| w.contains('=') && !w.starts_with('-'))
        .take_while(|w| !w.starts_with('-') && !w.starts_with('"'))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn the_workflow_is_valid_and_runs_only_what_ci_runs() {
    let w = workflow();
    let jobs = w["jobs"].as_object().expect("jobs");
    assert!(
        jobs.contains_key("checks") && jobs.contains_key("live"),
        "{jobs:?}"
    );
    let ci = std::fs::read_to_string(root().join(".ci/run")).unwrap();
    let ci_commands: Vec<String> = ci.lines().map(|l| command_words(l.trim())).collect();
    let mut checked = 0;
    for (name, job) in jobs {
        for step in job["steps"].as_array().expect("steps") {
            assert!(
                step.get("run").is_some() || step.get("uses").is_some(),
                "{name}: {step}"
            );
            let Some(run) = step.get("run").and_then(Value::as_str) else {
                continue;
            };
            for line in run
                .lines()
                .map(str::trim)
                .filter(|l| l.starts_with("cargo "))
            {
                let words = command_words(line);
                assert!(
                    ci_commands.iter().any(|c| c.starts_with(&words)),
                    "{name}: `{line}` is not run by .ci/run"
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 6, "only {checked} cargo commands found");
}

#[test]
fn the_gate_runs_on_pull_requests_with_annotations_and_live_on_a_schedule() {
    let w = workflow();
    let text = serde_json::to_string(&w).unwrap();
    assert!(
        text.contains("cargo xtask breaking --base \\\"origin/$BASE_REF\\\" --format github"),
        "{text}"
    );
    // A context reaches a script only through `env:` (zizmor's
    // template-injection): no `${{` inside any `run:`.
    for (name, job) in w["jobs"].as_object().unwrap() {
        for step in job["steps"].as_array().unwrap() {
            let run = step.get("run").and_then(Value::as_str).unwrap_or("");
            assert!(!run.contains("${{"), "{name}: {run}");
        }
    }
    assert!(
        text.contains("\"BASE_REF\":\"${{ github.base_ref }}\""),
        "{text}"
    );
    assert!(w["on"]["schedule"].is_array());
    let live = &w["jobs"]["live"];
    assert_eq!(
        live["env"]["SIGNALZEN_API_SECRET"],
        "${{ secrets.SIGNALZEN_API_SECRET }}"
    );
    assert!(text.contains("::notice::SIGNALZEN_API_SECRET is not a repository secret"));
}

#[test]
fn every_action_is_pinned_to_a_commit_and_no_checkout_keeps_credentials() {
    let w = workflow();
    let mut uses = 0;
    for (name, job) in w["jobs"].as_object().unwrap() {
        assert!(
            job["permissions"].is_object(),
            "{name}: no permissions of its own"
        );
        for step in job["steps"].as_array().unwrap() {
            let Some(action) = step.get("uses").and_then(Value::as_str) else {
                continue;
            };
            uses += 1;
            let (_, rev) = action.split_once('@').expect("action@rev");
            assert!(
                rev.len() == 40 && rev.bytes().all(|b| b.is_ascii_hexdigit()),
                "{name}: {action} is not pinned to a full commit SHA"
            );
            if action.starts_with("actions/checkout@") {
                assert_eq!(step["with"]["persist-credentials"], false, "{name}");
            }
        }
    }
    assert!(uses >= 6, "{uses}");
    assert_eq!(w["permissions"], serde_json::json!({}));
}
