//! `cargo xtask docs` as a user runs it, on a copy of the project
//! (`XTASK_ROOT`) that the tests make stale or break on purpose.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn xtask(args: &[&str], at: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .env("XTASK_ROOT", at)
        .output()
        .expect("xtask runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// The document and the committed reference, nothing else.
fn project_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("openapi")).unwrap();
    std::fs::copy(
        root().join("openapi/signalzen-v1.yaml"),
        dir.path().join("openapi/signalzen-v1.yaml"),
    )
    .unwrap();
    copy_dir(
        &root().join("docs/reference"),
        &dir.path().join("docs/reference"),
    );
    dir
}

#[test]
fn the_committed_reference_is_fresh() {
    let o = xtask(&["docs", "--check"], &root());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("up to date"));
}

#[test]
fn a_stale_or_extra_file_fails_the_check_and_docs_mends_it() {
    let copy = project_copy();
    let reference = copy.path().join("docs/reference");
    let page = reference.join("markdown/users.md");
    let edited = std::fs::read_to_string(&page)
        .unwrap()
        .replace("List users", "List all users");
    std::fs::write(&page, edited).unwrap();
    std::fs::write(reference.join("markdown/old.md"), "# Old\n").unwrap();

    let o = xtask(&["docs", "--check"], copy.path());
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = text(&o);
    assert!(out.contains("b/docs/reference/markdown/users.md"), "{out}");
    assert!(out.contains("+## List users"), "{out}");
    assert!(
        out.contains("stale file (no longer generated): docs/reference/markdown/old.md"),
        "{out}"
    );
    assert!(out.contains("run `cargo xtask docs`"), "{out}");

    let o = xtask(&["docs"], copy.path());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        text(&o).contains("docs: 1 written, 1 removed"),
        "{}",
        text(&o)
    );
    assert!(!reference.join("markdown/old.md").exists());
    let o = xtask(&["docs", "--check"], copy.path());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

#[test]
fn an_invalid_example_stops_the_build_and_writes_nothing() {
    let copy = project_copy();
    let spec = copy.path().join("openapi/signalzen-v1.yaml");
    let doc = std::fs::read_to_string(&spec).unwrap();
    let broken = doc.replacen(
        "                offset: 100\n",
        "                offset: -100\n",
        1,
    );
    assert_ne!(broken, doc);
    std::fs::write(&spec, broken).unwrap();
    let before = std::fs::read(copy.path().join("docs/reference/index.html")).unwrap();

    let o = xtask(&["docs"], copy.path());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let out = text(&o);
    assert!(out.contains("lint errors"), "{out}");
    assert!(out.contains("example does not match its schema"), "{out}");
    assert!(out.contains("pastTheEnd"), "{out}");
    let after = std::fs::read(copy.path().join("docs/reference/index.html")).unwrap();
    assert_eq!(before, after, "nothing is written when the build fails");
}

#[test]
fn help_explains_the_command() {
    let o = xtask(&["docs", "--help"], &root());
    assert_eq!(o.status.code(), Some(0));
    let out = text(&o);
    for words in [
        "docs/reference",
        "--check",
        "--screenshot",
        "Chromium",
        "/docs/",
    ] {
        assert!(out.contains(words), "help lacks {words:?}: {out}");
    }
    let o = xtask(&["docs", "--check", "--screenshot"], &root());
    assert_eq!(
        o.status.code(),
        Some(2),
        "conflicting flags are a usage error"
    );
}

#[test]
fn a_changes_page_lists_what_changed_since_a_base_and_check_leaves_it_alone() {
    let copy = project_copy();
    let spec = copy.path().join("openapi/signalzen-v1.yaml");
    let base = copy.path().join("base.yaml");
    // The base lacked the 503 answer of one operation: now documented.
    let document = std::fs::read_to_string(&spec).unwrap();
    let added = "        \"503\":\n          $ref: \"#/components/responses/ServiceUnavailable\"\n";
    assert!(document.contains(added));
    std::fs::write(&base, document.replacen(added, "", 1)).unwrap();
    let o = xtask(
        &["docs", "--changes-base", base.to_str().unwrap()],
        copy.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let page =
        std::fs::read_to_string(copy.path().join("docs/reference/markdown/changes.md")).unwrap();
    assert!(
        page.starts_with("---\n# Generated by `cargo xtask docs --changes-base"),
        "{page}"
    );
    assert!(page.contains("may now answer 503"), "{page}");
    let o = xtask(&["docs", "--check"], copy.path());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}
