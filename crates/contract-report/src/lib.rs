//! Renders a contract run for people (text, coloured only when asked) and
//! for machines (JSON, JUnit XML). Output is deterministic: no clocks, no
//! random ids. Every string comes from the runner already scrubbed of
//! secrets.

#![warn(missing_docs)]

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};
use openapi_contract::{CheckResult, ExchangeReport, Finding, Outcome, RunReport};
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

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

/// The human report.
pub fn text(run: &RunReport, options: TextOptions) -> String {
    let mut out = String::new();
    for file in &run.files {
        let _ = writeln!(out, "{} (against {})", file.path, file.spec);
        if let Some(e) = &file.error {
            let _ = writeln!(out, "  {} {e}", painted(Outcome::Error, options.color));
        }
        for e in &file.exchanges {
            // Quiet success: a passing exchange (an expected failure that
            // failed as expected passes too) is a line only with --verbose.
            if matches!(e.outcome(), Outcome::Pass | Outcome::ExpectedFail) && !options.verbose {
                continue;
            }
            let _ = writeln!(
                out,
                "  {} {}",
                painted(e.outcome(), options.color),
                exchange_heading(e)
            );
            for c in &e.checks {
                if c.outcome == Outcome::Pass && !options.verbose {
                    continue;
                }
                let _ = writeln!(
                    out,
                    "      {} {}",
                    painted(c.outcome, options.color),
                    c.check
                );
                // An expected failure's details are for --verbose: the
                // corpus's self-test would otherwise drown real news.
                if c.outcome == Outcome::ExpectedFail && !options.verbose {
                    continue;
                }
                for f in &c.findings {
                    let _ = writeln!(out, "            {}", finding_line(f));
                }
            }
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

fn describe(c: &CheckResult) -> String {
    c.findings
        .iter()
        .map(finding_line)
        .collect::<Vec<_>>()
        .join("\n")
}

/// JUnit XML: a suite per file, a test case per exchange and check.
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
        for e in &file.exchanges {
            let class = format!("{} {} (entry {})", e.method, e.target, e.index);
            for c in &e.checks {
                let mut status = match c.outcome {
                    Outcome::Pass | Outcome::ExpectedFail => TestCaseStatus::success(),
                    Outcome::Warn => TestCaseStatus::success(),
                    Outcome::Fail => TestCaseStatus::non_success(NonSuccessKind::Failure),
                    Outcome::Error => TestCaseStatus::non_success(NonSuccessKind::Error),
                };
                if matches!(c.outcome, Outcome::Fail | Outcome::Error) {
                    let first = c.findings.first().map(finding_line).unwrap_or_default();
                    status.set_message(first);
                    status.set_type(c.check.name());
                    status.set_description(describe(c));
                }
                let mut case = TestCase::new(c.check.name(), status);
                case.set_classname(class.as_str());
                if c.outcome == Outcome::Warn || c.outcome == Outcome::ExpectedFail {
                    case.set_system_out(format!("{}: {}", tag(c.outcome), describe(c)));
                }
                suite.add_test_case(case);
            }
        }
        report.add_test_suite(suite);
    }
    report.to_string()
}
