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
    // Quiet success: passing exchanges (and expected failures that failed)
    // are lines only with --verbose.
    assert!(!out.contains("  PASS  "), "{out}");
    assert!(!out.contains("  XFAIL "), "{out}");
    assert!(out.lines().count() < 40, "{out}");
    // Each suite says what it covered, then the three together.
    assert_eq!(out.matches("coverage: ").count(), 6, "{out}");
    let together = out
        .lines()
        .find(|l| l.starts_with("the three suites together: coverage: "))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        together.contains("of \"SignalZen external API\""),
        "{together}"
    );
}

#[test]
fn the_sandbox_log_in_a_pipe_has_no_colour_codes() {
    use std::io::{BufRead, BufReader, Read, Write};
    let mut child = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["sandbox", "--port", "0"])
        .current_dir(root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("sandbox starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    stdout.read_line(&mut first).expect("a first line");
    let addr = first
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .expect("the sandbox prints its address")
        .to_string();
    let mut conn = std::net::TcpStream::connect(&addr).expect("connects");
    conn.write_all(b"GET /external/users HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .expect("sends");
    let mut answer = String::new();
    let _ = conn.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    std::thread::sleep(std::time::Duration::from_millis(200));
    let _ = child.kill();
    let mut log = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut log)
        .expect("log");
    let _ = child.wait();
    assert!(log.contains("request"), "no request line in the log: {log}");
    assert!(
        !log.contains('\u{1b}'),
        "colour codes in a piped log: {log:?}"
    );
}

#[test]
fn a_fault_fails_the_live_run_with_exit_1_naming_the_check() {
    let o = xtask(&["contract", "live", "--fault", "tenant-leak"], &[]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("FAIL  tenant.isolation"), "{out}");
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
