//! Renders a contract run for people (text, coloured only when asked) and
//! for machines (JSON, JUnit XML). Output is deterministic: no clocks, no
//! random ids. Every string comes from the runner already scrubbed of
//! secrets.

#![warn(missing_docs)]

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};
use openapi_contract::{Check, ExchangeReport, FileReport, Finding, Outcome, RunReport};
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

mod coverage;
mod group;
mod html;

pub use coverage::{coverage_line, coverage_markdown};
pub use group::{Group, Member, groups, normalized};
pub use html::html;

/// How the text report looks.
#[derive(Debug, Clone, Copy, Default)]
pub struct TextOptions {
    /// ANSI colours (only on a terminal; the caller decides).
    pub color: bool,
    /// List passing exchanges and checks too.
    pub verbose: bool,
}

fn style(outcome: Outcome) -> Style {
    let color = match outcome {
        Outcome::Pass | Outcome::ExpectedFail => AnsiColor::Green,
        Outcome::Warn => AnsiColor::Yellow,
        Outcome::Fail | Outcome::Error => AnsiColor::Red,
    };
    Style::new().fg_color(Some(color.into())).bold()
}

fn tag(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Pass => "PASS",
        Outcome::ExpectedFail => "XFAIL",
        Outcome::Warn => "WARN",
        Outcome::Fail => "FAIL",
        Outcome::Error => "ERROR",
    }
}

fn painted(outcome: Outcome, color: bool) -> String {
    if color {
        let s = style(outcome);
        format!("{s}{:<5}{s:#}", tag(outcome))
    } else {
        format!("{:<5}", tag(outcome))
    }
}

fn finding_line(f: &Finding) -> String {
    let mut line = String::new();
    if !f.pointer.is_empty() {
        let _ = write!(line, "{}: ", f.pointer);
    }
    line.push_str(&f.message);
    if let Some(v) = &f.value {
        let _ = write!(line, " (value: {v})");
    }
    line
}

fn exchange_heading(e: &ExchangeReport) -> String {
    let mut s = format!("{} {}", e.method, e.target);
    if let Some(op) = &e.operation {
        let _ = write!(s, " -> {op}");
    }
    if let Some(st) = e.status {
        let _ = write!(s, " {st}");
    }
    if let Some(note) = &e.note {
        let _ = write!(s, " ({note})");
    }
    let _ = write!(s, "  [entry {}", e.index);
    if e.line > 0 {
        let _ = write!(s, ", line {}", e.line);
    }
    s.push(']');
    s
}

/// Examples shown per group without `--verbose`.
const EXAMPLES: usize = 2;

/// The human report: per file, one block per distinct problem
/// ([`groups`]) with its count and first exchanges (all with
/// `--verbose`, which also lists the passing exchanges), then the counts.
pub fn text(run: &RunReport, options: TextOptions) -> String {
    let mut out = String::new();
    for file in &run.files {
        let _ = writeln!(out, "{} (against {})", file.path, file.spec);
        if let Some(e) = &file.error {
            let _ = writeln!(out, "  {} {e}", painted(Outcome::Error, options.color));
        }
        for g in groups(file) {
            // An expected failure is the corpus's self-test passing: its
            // details would drown real news.
            if g.outcome == Outcome::ExpectedFail && !options.verbose {
                continue;
            }
            group_block(&mut out, file, &g, options);
        }
        if options.verbose {
            passing(&mut out, file, options.color);
        }
    }
    let s = run.summary();
    let _ = writeln!(
        out,
        "{} file(s), {} exchange(s): {} passed, {} warned, {} failed, {} error(s)",
        s.files, s.exchanges, s.passed, s.warned, s.failed, s.errors
    );
    out
}

/// One group: `FAIL  check  (N exchanges; in op, op)`, then its examples.
fn group_block(out: &mut String, file: &FileReport, g: &Group<'_>, options: TextOptions) {
    let count = g.members.len();
    let ops = g.operations(file);
    let mut where_ = format!("{count} exchange{}", if count == 1 { "" } else { "s" });
    if !ops.is_empty() {
        let _ = write!(where_, "; {}", ops.join(", "));
    }
    let _ = writeln!(
        out,
        "  {} {}  ({where_})",
        painted(g.outcome, options.color),
        g.check
    );
    let shown = if options.verbose { count } else { EXAMPLES };
    for m in g.members.iter().take(shown) {
        let _ = writeln!(
            out,
            "        {}",
            exchange_heading(&file.exchanges[m.exchange])
        );
        for f in &m.findings {
            let _ = writeln!(out, "            {}", finding_line(f));
        }
    }
    if count > shown {
        let _ = writeln!(
            out,
            "        … and {} more (--verbose lists every exchange)",
            count - shown
        );
    }
}

/// `--verbose`: each exchange every check passed, with the checks.
fn passing(out: &mut String, file: &FileReport, color: bool) {
    for e in &file.exchanges {
        if !matches!(e.outcome(), Outcome::Pass | Outcome::ExpectedFail) {
            continue;
        }
        let checks: Vec<&str> = e.checks.iter().map(|c| c.check.name()).collect();
        let _ = writeln!(
            out,
            "  {} {}: {}",
            painted(Outcome::Pass, color),
            exchange_heading(e),
            checks.join(", ")
        );
    }
}

/// The JSON report: the summary and every file, exchange, check and
/// finding, and the exit code the command gives (the command line makes
/// exit codes; this crate only writes the one it is handed).
pub fn json(run: &RunReport, exit_code: u8) -> String {
    let value = serde_json::json!({
        "summary": run.summary(),
        "exit_code": exit_code,
        "files": run.files,
    });
    let mut s = serde_json::to_string_pretty(&value).unwrap_or_default();
    s.push('\n');
    s
}

/// JUnit XML: a suite per file, a test case per distinct problem (its
/// failure lists every exchange that showed it), and a passing case per
/// check that was judged and never failed there.
pub fn junit(run: &RunReport) -> Result<String, quick_junit::SerializeError> {
    let mut report = Report::new("contract");
    for file in &run.files {
        let mut suite = TestSuite::new(file.path.as_str());
        if let Some(e) = &file.error {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
            status.set_message(e.as_str());
            let mut case = TestCase::new("read recording", status);
            case.set_classname(file.path.as_str());
            suite.add_test_case(case);
        }
        let problems = groups(file);
        for g in &problems {
            suite.add_test_case(group_case(file, g));
        }
        for (check, judged) in judged(file) {
            if problems.iter().any(|g| g.check == check) {
                continue;
            }
            let mut case = TestCase::new(check.name(), TestCaseStatus::success());
            case.set_classname(file.path.as_str());
            case.set_system_out(format!("judged on {judged} exchange(s)"));
            suite.add_test_case(case);
        }
        report.add_test_suite(suite);
    }
    report.to_string()
}

/// How many exchanges each check judged in the file, in check order.
fn judged(file: &FileReport) -> std::collections::BTreeMap<Check, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for e in &file.exchanges {
        for c in &e.checks {
            *counts.entry(c.check).or_insert(0) += 1;
        }
    }
    counts
}

fn group_case(file: &FileReport, g: &Group<'_>) -> TestCase {
    let name = format!("{}: {}", g.check, g.keys.join("; "));
    let lines: Vec<String> = g
        .members
        .iter()
        .map(|m| {
            let e = &file.exchanges[m.exchange];
            let findings: Vec<String> = m.findings.iter().map(|f| finding_line(f)).collect();
            match findings.is_empty() {
                true => e.label(),
                false => format!("{}: {}", e.label(), findings.join("; ")),
            }
        })
        .collect();
    let first = g.members[0]
        .findings
        .first()
        .map(|f| finding_line(f))
        .unwrap_or_default();
    let mut status = match g.outcome {
        Outcome::Fail => TestCaseStatus::non_success(NonSuccessKind::Failure),
        Outcome::Error => TestCaseStatus::non_success(NonSuccessKind::Error),
        _ => TestCaseStatus::success(),
    };
    if matches!(g.outcome, Outcome::Fail | Outcome::Error) {
        status.set_message(format!("{first} ({} exchange(s))", lines.len()));
        status.set_type(g.check.name());
        status.set_description(lines.join("\n"));
    }
    let mut case = TestCase::new(name, status);
    case.set_classname(file.path.as_str());
    if matches!(g.outcome, Outcome::Warn | Outcome::ExpectedFail) {
        case.set_system_out(format!("{}: {}", tag(g.outcome), lines.join("\n")));
    }
    case
}
