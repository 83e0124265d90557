//! `cargo xtask breaking` as a maintainer runs it: a file base and a git
//! revision base, every format, exit codes, the major-version rule.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn xtask(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("xtask runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn document() -> String {
    std::fs::read_to_string(root().join("openapi/signalzen-v1.yaml")).unwrap()
}

/// The document with `User.created_at` made nullable (breaks clients).
fn nullable_created_at(text: &str) -> String {
    let from = "          description: When the user was created (RFC 3339, UTC, milliseconds).";
    assert!(text.contains(from));
    text.replacen(from, &format!("          nullable: true\n{from}"), 1)
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.test"])
        .args(args)
        .current_dir(dir)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

#[test]
fn a_file_base_gates_on_errors_and_the_formats_say_where() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base.yaml");
    let revision = dir.path().join("revision.yaml");
    std::fs::write(&base, document()).unwrap();
    std::fs::write(&revision, nullable_created_at(&document())).unwrap();
    let args = |extra: &[&'static str]| {
        let mut a = vec!["breaking", "--base", "base.yaml", "--spec", "revision.yaml"];
        a.extend_from_slice(extra);
        a.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let run = |extra: &[&'static str]| {
        let a = args(extra);
        xtask(
            dir.path(),
            &a.iter().map(String::as_str).collect::<Vec<_>>(),
        )
    };
    let o = run(&[]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let text = stdout(&o);
    assert!(
        text.contains("error   response.nullable-added `User.created_at` can now be null"),
        "{text}"
    );
    assert!(text.contains("revision.yaml:"), "{text}");
    assert!(
        text.contains("(#/components/schemas/User/properties/created_at)"),
        "{text}"
    );

    let github = stdout(&run(&["--format", "github"]));
    assert!(
        github.starts_with("::error file=revision.yaml,line="),
        "{github}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&run(&["--format", "json"]))).unwrap();
    assert_eq!(json["changes"][0]["rule"], "response.nullable-added");
    assert_eq!(json["changes"][0]["level"], "error");
    let markdown = stdout(&run(&["--format", "markdown"]));
    assert!(
        markdown.contains("### Breaking changes\n\n- `User.created_at` can now be null"),
        "{markdown}"
    );
    let junit = stdout(&run(&["--format", "junit"]));
    assert!(
        junit.contains("<failure") && junit.contains("response.nullable-added"),
        "{junit}"
    );

    // The same document: nothing to say, exit 0.
    let o = xtask(
        dir.path(),
        &["breaking", "--base", "base.yaml", "--spec", "base.yaml"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("0 error(s), 0 warning(s), 0 info"));
}

#[test]
fn fail_on_warning_fails_on_warnings_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("base.yaml"), document()).unwrap();
    // A new error status on getUser: a warning.
    let text = document().replacen(
        "        \"404\":\n          $ref: \"#/components/responses/NotFound\"",
        "        \"404\":\n          $ref: \"#/components/responses/NotFound\"\n        \"409\":\n          $ref: \"#/components/responses/NotFound\"",
        1,
    );
    assert_ne!(text, document(), "the edit applies");
    std::fs::write(dir.path().join("revision.yaml"), text).unwrap();
    let base = ["breaking", "--base", "base.yaml", "--spec", "revision.yaml"];
    let o = xtask(dir.path(), &base);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("warning response.error-status-added"),
        "{}",
        stdout(&o)
    );
    let o = xtask(dir.path(), &[&base[..], &["--fail-on", "warning"]].concat());
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
}

#[test]
fn a_git_revision_is_read_without_a_checkout_and_a_new_major_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    std::fs::create_dir(repo.join("openapi")).unwrap();
    let spec = repo.join("openapi/api.yaml");
    std::fs::write(&spec, document()).unwrap();
    git(repo, &["init", "-q"]);
    git(repo, &["add", "."]);
    git(repo, &["commit", "-qm", "v1"]);
    git(repo, &["tag", "v1.0.0"]);
    std::fs::write(&spec, nullable_created_at(&document())).unwrap();
    git(repo, &["commit", "-qam", "nullable"]);
    // Default base: the newest tag with the document.
    let o = xtask(repo, &["breaking", "--spec", "openapi/api.yaml"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("v1.0.0:openapi/api.yaml"),
        "{}",
        stdout(&o)
    );
    let o = xtask(
        repo,
        &["breaking", "--spec", "openapi/api.yaml", "--base", "HEAD~1"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("HEAD~1:openapi/api.yaml:"),
        "{}",
        stdout(&o)
    );
    // Raising the major version accepts the breaking change, and says so.
    let major = nullable_created_at(&document()).replacen("version: \"1\"", "version: \"2\"", 1);
    assert_ne!(major, nullable_created_at(&document()));
    std::fs::write(&spec, major).unwrap();
    let o = xtask(
        repo,
        &["breaking", "--spec", "openapi/api.yaml", "--base", "v1.0.0"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("accepted: info.version's major part was raised"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn an_unreadable_base_or_revision_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("broken.yaml"), "openapi: [").unwrap();
    std::fs::write(dir.path().join("ok.yaml"), document()).unwrap();
    let o = xtask(
        dir.path(),
        &["breaking", "--base", "broken.yaml", "--spec", "ok.yaml"],
    );
    assert_eq!(o.status.code(), Some(2));
    let o = xtask(
        dir.path(),
        &["breaking", "--base", "ok.yaml", "--spec", "broken.yaml"],
    );
    assert_eq!(o.status.code(), Some(2));
    // Not a file and not in a git repository.
    let o = xtask(
        dir.path(),
        &["breaking", "--base", "HEAD~1", "--spec", "ok.yaml"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not in a git repository"));
}

/// A 3.0 base and its 3.1 rewrite: no change at any level; and the 3.1
/// revision still breaks where the 3.0 one would.
#[test]
fn a_3_0_base_against_its_3_1_rewrite_is_no_change() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base.yaml");
    std::fs::write(&base, document()).unwrap();
    let as_3_1 = |text: &str| {
        let doc =
            openapi_spec::load_str(text, Path::new("t.yaml"), false, &Default::default()).unwrap();
        serde_json::to_string_pretty(&openapi_spec::upgrade::to_3_1(&doc.raw)).unwrap()
    };
    let revision = dir.path().join("revision.json");
    std::fs::write(&revision, as_3_1(&document())).unwrap();
    let args = |spec: &Path| {
        [
            "breaking".to_string(),
            "--base".into(),
            base.display().to_string(),
            "--spec".into(),
            spec.display().to_string(),
            "--fail-on".into(),
            "warning".into(),
            "--format".into(),
            "json".into(),
        ]
    };
    let o = xtask(dir.path(), &args(&revision).each_ref().map(String::as_str));
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(0), "{}{err}", stdout(&o));
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(report["changes"], serde_json::json!([]), "{report:#}");
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, as_3_1(&nullable_created_at(&document()))).unwrap();
    let o = xtask(dir.path(), &args(&broken).each_ref().map(String::as_str));
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
}
