//! `cargo xtask contract live` and `cargo xtask contract` as a user runs them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn xtask(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xtask"));
    cmd.args(args).current_dir(root());
    for k in [
        "SIGNALZEN_API_SECRET",
        "SIGNALZEN_API_SECRET_2",
        "SIGNALZEN_SANDBOX_SECRET",
        "SIGNALZEN_SANDBOX_SECRET_2",
    ] {
        cmd.env_remove(k);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("xtask runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn the_main_command_runs_recorded_and_live_and_passes() {
    let o = xtask(&["contract"], &[]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(
        out.contains("tests/recorded/signalzen/violations.har"),
        "{out}"
    );
    assert!(
        out.contains("live (embedded sandbox) (against openapi/signalzen-v1.yaml)"),
        "{out}"
    );
}

#[test]
fn a_fault_fails_the_live_run_with_exit_1_naming_the_check() {
    let o = xtask(&["contract", "live", "--fault", "tenant-leak"], &[]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("FAIL  live.isolation"), "{out}");
}

#[test]
fn usage_errors_exit_2() {
    let unknown = xtask(&["contract", "live", "--fault", "nope"], &[]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        text(&unknown).contains("unknown fault \"nope\""),
        "{}",
        text(&unknown)
    );
    let no_secret = xtask(
        &[
            "contract",
            "live",
            "--base-url",
            "http://127.0.0.1:9/external",
        ],
        &[],
    );
    assert_eq!(no_secret.status.code(), Some(2));
    assert!(
        text(&no_secret).contains("SIGNALZEN_API_SECRET"),
        "{}",
        text(&no_secret)
    );
    let mixed = xtask(
        &[
            "contract",
            "live",
            "--base-url",
            "http://127.0.0.1:9/external",
            "--fault",
            "slow",
        ],
        &[("SIGNALZEN_API_SECRET", "x-secret")],
    );
    assert_eq!(mixed.status.code(), Some(2), "{}", text(&mixed));
    let bad_url = xtask(
        &["contract", "live", "--base-url", "not a url"],
        &[("SIGNALZEN_API_SECRET", "x-secret")],
    );
    assert_eq!(bad_url.status.code(), Some(2), "{}", text(&bad_url));
}

#[test]
fn an_unreachable_api_fails_on_transport_and_never_prints_the_secret() {
    // Port 9 (discard) on loopback: nothing listens, every request fails.
    let canary = "sz_canary_live_secret_4711";
    let o = xtask(
        &[
            "contract",
            "live",
            "--base-url",
            "http://127.0.0.1:9/external",
            "--format",
            "json",
            "--timeout-ms",
            "500",
        ],
        &[("SIGNALZEN_API_SECRET", canary)],
    );
    let out = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("live.transport") && out.contains("cannot connect"),
        "{out}"
    );
    assert!(!out.contains(canary), "{out}");
}

#[test]
fn a_recorded_live_run_is_a_corpus_for_recorded_mode() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let o = xtask(&["contract", "live", "--record", d], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let har = std::fs::read_to_string(dir.path().join("live.har")).unwrap();
    assert!(
        har.contains("Bearer [REDACTED]") && !har.contains("sz_sandbox_site"),
        "secrets in the HAR"
    );
    let o = xtask(
        &[
            "contract",
            "recorded",
            "--base-url",
            "http://127.0.0.1/external",
            d,
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

#[test]
fn the_sandbox_command_explains_itself() {
    let o = xtask(&["sandbox", "--help"], &[]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(0));
    for word in [
        "--port",
        "--db",
        "--users",
        "--fault",
        "--rate-limit",
        "SIGNALZEN_SANDBOX_SECRET",
        "redirect-offsite",
    ] {
        assert!(out.contains(word), "{word} missing from:\n{out}");
    }
}
