//! `cargo xtask contract webhooks` and the sandbox's webhook flags as a
//! user runs them: exit codes, reports, recording, refusals.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(root())
        .env_remove("SIGNALZEN_API_SECRET")
        .env_remove("SIGNALZEN_API_SECRET_2")
        .output()
        .expect("xtask runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn the_round_trip_passes_quietly_and_a_fault_exits_1_by_name() {
    let o = xtask(&["contract", "webhooks"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("5 exchange(s): 5 passed"),
        "{}",
        stdout(&o)
    );
    assert!(
        !stdout(&o).contains("PASS"),
        "quiet success: {}",
        stdout(&o)
    );

    let o = xtask(&[
        "contract",
        "webhooks",
        "--fault",
        "webhook-unsigned",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let text = report.to_string();
    assert!(text.contains("webhook.signature"), "{text}");
    assert!(
        !text.contains("sz_sandbox_"),
        "a secret in the report: {text}"
    );
}

#[test]
fn recorded_deliveries_are_checked_by_recorded_mode() {
    let dir = tempfile::tempdir().unwrap();
    let o = xtask(&[
        "contract",
        "webhooks",
        "--record",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let har = dir.path().join("webhooks.har");
    let text = std::fs::read_to_string(&har).unwrap();
    assert!(text.contains("\"_webhook\": true"));
    assert!(!text.contains("sz_sandbox_"), "a secret was written");
    let o = xtask(&["contract", "recorded", "-v", har.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o)
            .lines()
            .any(|l| l.contains("PASS") && l.contains("webhook.schema")),
        "{}",
        stdout(&o)
    );

    // Without the mark, --webhook PATH says which entries are deliveries.
    let unmarked = dir.path().join("unmarked.har");
    std::fs::write(&unmarked, text.replace("\"_webhook\": true", "\"_was\": 1")).unwrap();
    let o = xtask(&[
        "contract",
        "recorded",
        "-v",
        "--webhook",
        "/webhooks",
        unmarked.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o)
            .lines()
            .any(|l| l.contains("PASS") && l.contains("webhook.schema")),
        "{}",
        stdout(&o)
    );
    // Read as API exchanges they match no operation (outside the base path: a warning).
    let o = xtask(&["contract", "recorded", unmarked.to_str().unwrap()]);
    assert!(
        stdout(&o).contains("outside the server base path"),
        "{}",
        stdout(&o)
    );
    assert!(!stdout(&o).contains("webhook."), "{}", stdout(&o));
}

#[test]
fn misuse_and_a_silent_provider_exit_2() {
    let o = xtask(&[
        "contract",
        "webhooks",
        "--listen",
        "127.0.0.1:0",
        "--fault",
        "webhook-unsigned",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cannot go with --listen"),
        "{}",
        stderr(&o)
    );
    // Nothing arrives: the listener's limit, not the provider's fault.
    let o = xtask(&[
        "contract",
        "webhooks",
        "--listen",
        "127.0.0.1:0",
        "--for",
        "1",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("register its public URL"),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("no delivery arrived within 1 s"),
        "{}",
        stderr(&o)
    );
    let peer = root().join("openapi/peers/subiz-chats.yaml");
    let o = xtask(&["contract", "webhooks", "--spec", peer.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("describes no webhooks"),
        "{}",
        stderr(&o)
    );
    for bad in ["1", "x=http://a", "0=http://a", "1=ftp://a"] {
        let o = xtask(&["sandbox", "--webhook-url", bad]);
        assert_eq!(o.status.code(), Some(2), "{bad}");
    }
}
