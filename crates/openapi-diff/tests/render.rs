//! Every format of one small report, word for word: an error, a warning
//! (a moved thing on both sides), an info with no line, and a message
//! that needs escaping in workflow commands; then the same report under a
//! raised major version and with nothing in it.

use openapi_diff::render::{github, json, junit, markdown, summary, text};
use openapi_diff::{Change, Level, Report, Site, Source};

fn site(file: &str, line: Option<usize>, pointer: &str) -> Option<Site> {
    Some(Site {
        file: file.into(),
        line,
        pointer: pointer.into(),
    })
}

fn report(major_raised: bool, changes: Vec<Change>) -> Report {
    Report {
        base: Source {
            file: "base.yaml".into(),
            version: "1.2.0".into(),
        },
        revision: Source {
            file: "rev.yaml".into(),
            version: if major_raised { "2.0.0" } else { "1.3.0" }.into(),
        },
        changes,
        major_raised,
    }
}

fn changes() -> Vec<Change> {
    vec![
        Change {
            rule: "response.property-removed".into(),
            level: Level::Error,
            base: site(
                "base.yaml",
                Some(12),
                "/components/schemas/User/properties/name",
            ),
            revision: None,
            message: "GET /users/{id}: `name` was removed, 100% of readers, a,b: c".into(),
        },
        Change {
            rule: "request.enum-value-added".into(),
            level: Level::Warning,
            base: site("base.yaml", Some(3), "/a"),
            revision: site("rev.yaml", Some(4), "/a"),
            message: "a value was added\nover two lines".into(),
        },
        Change {
            rule: "operation.added".into(),
            level: Level::Info,
            base: None,
            revision: site("rev.yaml", None, "/paths/~1b/get"),
            message: "GET /b is new".into(),
        },
    ]
}

fn all_formats(report: &Report) -> String {
    let mut out = String::new();
    for (name, body) in [
        ("summary at error", summary(report, Level::Error)),
        ("summary at info", summary(report, Level::Info)),
        ("text", text(report, Level::Warning)),
        ("json", json(report)),
        ("markdown", markdown(report)),
        ("github", github(report, Level::Error)),
        ("junit at warning", junit(report, Level::Warning).unwrap()),
    ] {
        out.push_str(&format!("===== {name}\n{body}\n"));
    }
    out
}

#[test]
fn every_format_of_a_report() {
    insta::assert_snapshot!(all_formats(&report(false, changes())));
}

#[test]
fn every_format_under_a_new_major_version() {
    insta::assert_snapshot!(all_formats(&report(true, changes())));
}

#[test]
fn every_format_of_no_change() {
    insta::assert_snapshot!(all_formats(&report(false, Vec::new())));
}

#[test]
fn only_infos_under_a_new_major_are_not_called_accepted() {
    let infos = vec![changes().remove(2)];
    let line = summary(&report(true, infos), Level::Info);
    assert!(!line.contains("accepted"), "{line}");
    // A new major fails nothing, not even at --fail-on info.
    assert!(!line.contains("failing"), "{line}");
    let warnings = vec![changes().remove(1)];
    let line = summary(&report(true, warnings), Level::Info);
    assert!(
        line.contains("; accepted: info.version's major part was raised (1.2.0 → 2.0.0)"),
        "{line}"
    );
}
