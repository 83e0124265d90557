//! Coverage as a user meets it: the summary line, the JSON, Markdown and
//! HTML files, `coverage merge`, the `coverage.required` gate, and the
//! bad inputs that must exit 2 without writing anything.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

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

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn a_failing_live_run_is_one_block_per_problem_with_its_coverage_files() {
    let dir = tempfile::tempdir().unwrap();
    let (cov, md, html) = (
        dir.path().join("live.json"),
        dir.path().join("live.md"),
        dir.path().join("live.html"),
    );
    let o = xtask(&[
        "contract",
        "live",
        "--fault",
        "sender-swapped",
        "--coverage-json",
        s(&cov),
        "--coverage-markdown",
        s(&md),
        "--html",
        s(&html),
    ]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    // One broken rule fits on a screen: it printed 672 lines before.
    assert!(out.lines().count() < 40, "{out}");
    assert!(out.contains("FAIL  body.discriminator  ("), "{out}");
    assert!(
        out.contains("more (--verbose lists every exchange)"),
        "{out}"
    );
    let line = out.lines().last().unwrap();
    assert!(line.starts_with("coverage: "), "{out}");
    assert!(line.contains("contract points"), "{line}");

    let c = json(&cov);
    let (total, covered) = (c["total"].as_u64().unwrap(), c["covered"].as_u64().unwrap());
    assert!(
        total > 100 && covered > 0 && covered < total,
        "{total} {covered}"
    );
    let points = c["points"].as_array().unwrap();
    assert_eq!(points.len() as u64, total);
    for key in ["id", "label", "covered", "count"] {
        assert!(points.iter().all(|p| p.get(key).is_some()), "{key}");
    }
    let operator = points
        .iter()
        .find(|p| p["id"] == "#/components/schemas/MessageFields/properties/file_url@null")
        .expect("a nullable property's null point");
    assert_eq!(operator["covered"], true);
    assert!(operator["first"].as_str().unwrap().contains("live"));

    let md = std::fs::read_to_string(&md).unwrap();
    assert!(
        md.starts_with("### Contract coverage of SignalZen external API"),
        "{md}"
    );
    assert!(md.contains("<summary>Not seen ("), "{md}");

    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("CONTRACT VIOLATED") && page.contains("body.discriminator"));
    for fetched in [
        "<script", "<link", "src=", "url(", "@import", "http://", "https://",
    ] {
        assert!(
            !page.contains(fetched),
            "the page fetches something: {fetched}"
        );
    }
    in_chromium(&html);
}

/// Headless Chromium opens the page from disk and shows the verdict, the
/// findings and the matrix (skipped where there is no Chromium, unless
/// DOCS_BROWSER_REQUIRED says CI has one).
fn in_chromium(page: &Path) {
    let Some(chromium) = openapi_docs::browser::find() else {
        assert!(
            std::env::var_os("DOCS_BROWSER_REQUIRED").is_none(),
            "DOCS_BROWSER_REQUIRED is set but no Chromium was found"
        );
        eprintln!("skipped: no Chromium found; the HTML report was not opened in a browser");
        return;
    };
    let profile = tempfile::tempdir().unwrap();
    let url = format!("file://{}", page.display());
    let o = Command::new(chromium)
        .args(openapi_docs::browser::headless_args(profile.path()))
        .args(["--dump-dom", &url])
        .output()
        .expect("Chromium runs");
    let dom = stdout(&o);
    assert!(dom.contains("CONTRACT VIOLATED"), "{}", stderr(&o));
    assert!(
        dom.contains("Per operation") && dom.contains("Per schema"),
        "{dom}"
    );
    assert!(dom.contains("body.discriminator"));
}

#[test]
fn runs_add_up_and_a_file_of_another_document_or_format_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join("live.json");
    let hooks = dir.path().join("webhooks.json");
    let merged = dir.path().join("merged.json");
    assert_eq!(
        xtask(&["contract", "live", "--coverage-json", s(&live)])
            .status
            .code(),
        Some(0)
    );
    let o = xtask(&["contract", "webhooks", "--coverage-json", s(&hooks)]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = xtask(&[
        "coverage",
        "merge",
        s(&live),
        s(&hooks),
        "--coverage-json",
        s(&merged),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).starts_with("coverage: "), "{}", stdout(&o));
    let (a, b, m) = (json(&live), json(&hooks), json(&merged));
    let covered = |v: &Value| v["covered"].as_u64().unwrap();
    assert!(covered(&m) > covered(&a) && covered(&m) > covered(&b));
    let ids = |v: &Value| -> Vec<Value> {
        v["points"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].clone())
            .collect()
    };
    assert_eq!(ids(&a), ids(&b), "the same ids in every mode");
    let count = |v: &Value, i: usize| v["points"][i]["count"].as_u64().unwrap();
    assert_eq!(count(&m, 0), count(&a, 0) + count(&b, 0));

    // A peer's document: refused, nothing written.
    let peer = dir.path().join("peer.json");
    let spec = root().join("openapi/peers/subiz-chats.yaml");
    let o = xtask(&[
        "contract",
        "recorded",
        "--spec",
        s(&spec),
        "tests/recorded/peers/subiz-chats.har",
        "--coverage-json",
        s(&peer),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("contract points"),
        "the peer reports its coverage"
    );
    assert!(json(&peer)["total"].as_u64().unwrap() > 0);
    let out = dir.path().join("out.json");
    let o = xtask(&[
        "coverage",
        "merge",
        s(&live),
        s(&peer),
        "--coverage-json",
        s(&out),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("runs add up only on the same document"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists(), "nothing is written on bad input");

    // A newer format, and a file that is not coverage at all.
    let newer = dir.path().join("newer.json");
    let mut v = json(&live);
    v["format"] = 99.into();
    std::fs::write(&newer, v.to_string()).unwrap();
    let o = xtask(&["coverage", "merge", s(&live), s(&newer)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("coverage format 99"), "{}", stderr(&o));
    let o = xtask(&["coverage", "merge", "Cargo.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not a coverage file"), "{}", stderr(&o));
}

#[test]
fn coverage_gates_only_when_asked() {
    let o = xtask(&["contract", "live", "--require-coverage", "50"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(!stdout(&o).contains("coverage.required"));

    // The live run alone never sees a webhook delivery.
    let o = xtask(&[
        "contract",
        "live",
        "--require",
        "#/x-webhooks/messageCreated",
    ]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("FAIL  coverage.required"), "{out}");
    assert!(out.contains("messageCreatedWebhook delivered"), "{out}");
    assert!(
        out.contains("it needs a delivery of"),
        "what data would cover it: {out}"
    );

    let o = xtask(&["contract", "live", "--require-coverage", "100"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("below the required 100%"),
        "{}",
        stdout(&o)
    );

    let o = xtask(&["contract", "live", "--require", "#/nowhere"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("matches no coverage point"),
        "{}",
        stderr(&o)
    );
    let o = xtask(&["contract", "live", "--require-coverage", "140"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_requirement_file_next_to_the_document_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("v1.yaml");
    std::fs::copy(root().join("openapi/signalzen-v1.yaml"), &doc).unwrap();
    let config = dir.path().join(".contract-coverage.yaml");
    std::fs::write(&config, "require:\n  - '#/x-webhooks/messageCreated'\n").unwrap();
    let o = xtask(&["contract", "live", "--spec", s(&doc)]);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("FAIL  coverage.required"),
        "{}",
        stdout(&o)
    );
    std::fs::write(&config, "minimum_percent: 10\n").unwrap();
    let o = xtask(&["contract", "live", "--spec", s(&doc)]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    std::fs::write(&config, "minimum: 10\n").unwrap();
    let o = xtask(&["contract", "live", "--spec", s(&doc)]);
    assert_eq!(o.status.code(), Some(2), "a misspelt key is bad input");
    assert!(
        stderr(&o).contains(".contract-coverage.yaml"),
        "{}",
        stderr(&o)
    );
}
