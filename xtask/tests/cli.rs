//! `cargo xtask contract recorded` as a user runs it: exit codes, formats,
//! JUnit output, secrets.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn xtask(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xtask"));
    cmd.args(args).current_dir(root());
    cmd.env_remove("SIGNALZEN_API_SECRET")
        .env_remove("SIGNALZEN_API_SECRET_2");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("xtask runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn the_recorded_corpus_passes() {
    let o = xtask(&["contract", "recorded"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let out = stdout(&o);
    assert!(
        out.contains("tests/recorded/signalzen/violations.har (against openapi/signalzen-v1.yaml)"),
        "{out}"
    );
    assert!(
        out.contains(
            "tests/recorded/peers/subiz-chats.har (against openapi/peers/subiz-chats.yaml)"
        ),
        "{out}"
    );
    // Quiet success: met expectations are lines only with --verbose.
    assert!(!out.contains("XFAIL"), "{out}");
    let verbose = stdout(&xtask(&["contract", "recorded", "--verbose"], &[]));
    assert!(verbose.contains("XFAIL body.discriminator"), "{verbose}");
}

#[test]
fn violations_exit_1_bad_input_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let text =
        std::fs::read_to_string(root().join("tests/recorded/signalzen/violations.har")).unwrap();
    let bare = dir.path().join("bare.har");
    std::fs::write(&bare, text.replace("\"_expect\"", "\"_was_expected\"")).unwrap();
    let o = xtask(&["contract", "recorded", bare.to_str().unwrap()], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("FAIL  request.auth"));

    let broken = dir.path().join("broken.har");
    std::fs::write(&broken, "{\"log\": {\"entries\": [").unwrap();
    let o = xtask(
        &[
            "contract",
            "recorded",
            broken.to_str().unwrap(),
            bare.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).contains("broken.har:1:"), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("FAIL  request.auth"),
        "the other file is still checked"
    );

    let o = xtask(&["contract", "recorded", "no/such/dir"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no/such/dir"));
    let o = xtask(&["contract", "recorded", "--no-such-flag"], &[]);
    assert_eq!(o.status.code(), Some(2));
    let o = xtask(&["contract", "recorded", "--help"], &[]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("body.discriminator"));
}

#[test]
fn json_and_junit_reports() {
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("report.xml");
    let o = xtask(
        &[
            "contract",
            "recorded",
            "--format",
            "json",
            "--junit",
            junit.to_str().unwrap(),
            "tests/recorded/signalzen",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout");
    assert_eq!(v["exit_code"], 0);
    assert_eq!(v["files"].as_array().unwrap().len(), 5);
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains("<testsuite name=\"tests/recorded/signalzen/edge-cases.har\""),
        "{xml}"
    );
    // Output is deterministic.
    let again = xtask(
        &[
            "contract",
            "recorded",
            "--format",
            "json",
            "tests/recorded/signalzen",
        ],
        &[],
    );
    assert_eq!(again.stdout, o.stdout);
}

#[test]
fn a_secret_from_the_environment_is_never_printed() {
    const CANARY: &str = "CANARY-cli-0b5e2f7d1c";
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join("tests/recorded/signalzen/vendor-examples.har"))
        .unwrap();
    let har = dir.path().join("live.har");
    std::fs::write(
        &har,
        text.replace("Bearer [REDACTED]", &format!("Bearer {CANARY}"))
            .replace("Wrong API secret", &format!("Wrong API secret {CANARY}")),
    )
    .unwrap();
    let junit = dir.path().join("r.xml");
    for format in ["human", "json"] {
        let o = xtask(
            &[
                "contract",
                "recorded",
                "-v",
                "--format",
                format,
                "--junit",
                junit.to_str().unwrap(),
                har.to_str().unwrap(),
            ],
            &[("SIGNALZEN_API_SECRET", CANARY)],
        );
        let all = format!(
            "{}{}{}",
            stdout(&o),
            String::from_utf8_lossy(&o.stderr),
            std::fs::read_to_string(&junit).unwrap()
        );
        assert!(!all.contains(CANARY), "{all}");
        assert!(all.contains("getUser"));
    }
}

#[test]
fn lint_reads_the_projects_severities_next_to_the_document_and_from_flags() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("api.yaml");
    let text = std::fs::read_to_string(root().join("openapi/signalzen-v1.yaml")).unwrap();
    // An unused schema: a warning by default, so lint passes.
    let extra = "components:\n  schemas:\n    Unused:\n      type: string\n";
    assert!(text.contains("\n  schemas:\n"));
    let edited = text.replacen(
        "\n  schemas:\n",
        &format!("\n{}", &extra["components:\n".len()..]),
        1,
    );
    std::fs::write(&spec, edited).unwrap();
    let path = spec.to_str().unwrap();
    let o = xtask(&["lint", path], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("warning[unused-component]"),
        "{}",
        stdout(&o)
    );
    std::fs::write(
        dir.path().join(".openapi-lint.yaml"),
        "rules:\n  unused-component: error\n",
    )
    .unwrap();
    let o = xtask(&["lint", path], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let o = xtask(&["lint", path, "--rule", "unused-component=off"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("0 error(s), 0 warning(s)"),
        "{}",
        stdout(&o)
    );
    let o = xtask(&["lint", path, "--rule", "no-such-rule=off"], &[]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn generate_writes_a_models_crate_for_any_document_and_refuses_what_it_cannot_read() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("subiz");
    let spec = root().join("openapi/peers/subiz-chats.yaml");
    let o = xtask(
        &[
            "generate",
            "--spec",
            spec.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains("name = \"subiz-chats-models\""),
        "{manifest}"
    );
    assert!(
        manifest.contains("schemars = [\"dep:schemars\"]"),
        "{manifest}"
    );
    let lib = std::fs::read_to_string(out.join("src/lib.rs")).unwrap();
    assert!(
        lib.starts_with("// Generated by `cargo xtask codegen`"),
        "{lib}"
    );
    assert!(lib.contains("#[cfg_attr(feature = \"schemars\", derive(schemars::JsonSchema))]"));
    assert!(
        std::fs::read_dir(out.join("schemas/components"))
            .unwrap()
            .count()
            > 0
    );
    // The loader's cap, lowered: bad input, nothing written.
    let capped = dir.path().join("capped");
    let o = xtask(
        &[
            "generate",
            "--spec",
            spec.to_str().unwrap(),
            "--out",
            capped.to_str().unwrap(),
            "--max-document-bytes",
            "100",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(!capped.exists());
}
