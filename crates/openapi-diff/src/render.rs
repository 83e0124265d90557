//! The report as text, JSON, Markdown (a changelog), JUnit XML and GitHub
//! workflow annotations. Deterministic: the same report gives the same bytes.

use quick_junit::{NonSuccessKind, Report as Junit, TestCase, TestCaseStatus, TestSuite};

use crate::{Change, Level, Report};

/// The sentence that ends every format: counts and the verdict's reason.
pub fn summary(report: &Report, fail_on: Level) -> String {
    let (errors, warnings, infos) = report.counts();
    let mut line = format!(
        "{} → {}: {errors} error(s), {warnings} warning(s), {infos} info",
        report.base.file, report.revision.file
    );
    if report.major_raised && (errors > 0 || warnings > 0) {
        line.push_str(&format!(
            "; accepted: info.version's major part was raised ({} → {})",
            report.base.version, report.revision.version
        ));
    } else if !report.failing(fail_on).is_empty() {
        line.push_str(&format!("; failing at --fail-on {}", fail_on.name()));
    }
    line
}

fn where_(c: &Change) -> String {
    match (&c.base, &c.revision) {
        (Some(b), Some(r)) => format!("base {b}, revision {r}"),
        (Some(b), None) => format!("base {b}"),
        (None, Some(r)) => format!("revision {r}"),
        (None, None) => String::new(),
    }
}

/// One block per change, most severe first, then the summary.
pub fn text(report: &Report, fail_on: Level) -> String {
    let mut out = String::new();
    for c in sorted(report) {
        out.push_str(&format!(
            "{:<7} {} {}\n        {}\n",
            c.level.name(),
            c.rule,
            c.message,
            where_(c)
        ));
    }
    out.push_str(&summary(report, fail_on));
    out.push('\n');
    out
}

/// Changes by level (errors first), stable within a level.
fn sorted(report: &Report) -> Vec<&Change> {
    let mut list: Vec<&Change> = report.changes.iter().collect();
    list.sort_by_key(|c| std::cmp::Reverse(c.level));
    list
}

/// The whole report as pretty JSON.
pub fn json(report: &Report) -> String {
    let mut text = serde_json::to_string_pretty(report).unwrap_or_else(|_| "{}".to_string());
    text.push('\n');
    text
}

/// A changelog a release note can paste: breaking changes, then the rest.
pub fn markdown(report: &Report) -> String {
    let mut out = format!(
        "## Changes from {} to {}\n\n",
        report.base.version, report.revision.version
    );
    if report.changes.is_empty() {
        out.push_str("No changes that affect clients.\n");
        return out;
    }
    if report.major_raised {
        out.push_str("This is a new major version: breaking changes are expected.\n\n");
    }
    for (level, title) in [
        (Level::Error, "Breaking changes"),
        (Level::Warning, "Changes that may break some clients"),
        (Level::Info, "Compatible changes"),
    ] {
        let list: Vec<&Change> = report.changes.iter().filter(|c| c.level == level).collect();
        if list.is_empty() {
            continue;
        }
        out.push_str(&format!("### {title}\n\n"));
        for c in list {
            out.push_str(&format!("- {} (`{}`)\n", c.message, c.rule));
        }
        out.push('\n');
    }
    out
}

/// GitHub workflow commands: one annotation per change at the revision's
/// line (the base's when the thing is gone).
pub fn github(report: &Report, fail_on: Level) -> String {
    let mut out = String::new();
    for c in sorted(report) {
        let command = match c.level {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Info => "notice",
        };
        let site = c.revision.as_ref().or(c.base.as_ref());
        let mut properties = vec![format!("title={}", escape_property(&c.rule))];
        if let Some(s) = site {
            properties.insert(0, format!("file={}", escape_property(&s.file)));
            if let Some(line) = s.line {
                properties.insert(1, format!("line={line}"));
            }
        }
        out.push_str(&format!(
            "::{command} {}::{}\n",
            properties.join(","),
            escape_data(&c.message)
        ));
    }
    out.push_str(&summary(report, fail_on));
    out.push('\n');
    out
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// JUnit XML: one test case per change; those at or above `fail_on` fail
/// (unless the major version was raised).
pub fn junit(report: &Report, fail_on: Level) -> Result<String, quick_junit::SerializeError> {
    let mut junit = Junit::new("breaking");
    let mut suite = TestSuite::new(format!("{} → {}", report.base.file, report.revision.file));
    for c in &report.changes {
        let failing = c.level >= fail_on && !report.major_raised;
        let mut status = if failing {
            TestCaseStatus::non_success(NonSuccessKind::Failure)
        } else {
            TestCaseStatus::success()
        };
        if failing {
            status.set_message(c.message.as_str());
            status.set_type(c.rule.as_str());
            status.set_description(where_(c));
        }
        let mut case = TestCase::new(c.rule.as_str(), status);
        case.set_classname(c.level.name());
        if !failing {
            case.set_system_out(format!("{}: {}", c.message, where_(c)));
        }
        suite.add_test_case(case);
    }
    if report.changes.is_empty() {
        suite.add_test_case(TestCase::new("no changes", TestCaseStatus::success()));
    }
    junit.add_test_suite(suite);
    junit.to_string()
}
