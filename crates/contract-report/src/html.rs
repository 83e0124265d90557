//! One self-contained HTML page per run (`--html`): the verdict, the
//! grouped findings, and a coverage matrix per operation and per schema.
//! Nothing is fetched (no scripts, fonts or images): it opens from disk
//! and from a CI artefact alike.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use openapi_contract::coverage::{Coverage, PointCoverage};
use openapi_contract::{FileReport, RunReport};
use openapi_spec::pointer;

use crate::coverage::{by_kind, kind_name, percent};
use crate::{exchange_heading, finding_line, groups, tag};

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:70em;padding:0 1em;color:#1d1d1f}\
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ddd}h3{margin-top:1.5em}\
.verdict{display:inline-block;padding:.2em .8em;border-radius:.3em;color:#fff;font-weight:700}\
.pass{background:#1a7f37}.fail{background:#cf222e}.bad{background:#8250df}\
table{border-collapse:collapse;margin:.5em 0;width:100%}td,th{border:1px solid #ddd;padding:.25em .5em;text-align:left;vertical-align:top}\
tr.seen td:first-child{border-left:4px solid #1a7f37}tr.missed td:first-child{border-left:4px solid #cf222e}\
tr.missed{background:#fff5f5}code{font-size:.9em}.block{border:1px solid #ddd;border-radius:.3em;padding:.5em 1em;margin:.7em 0}\
.FAIL,.ERROR{color:#cf222e;font-weight:700}.WARN{color:#9a6700;font-weight:700}.XFAIL{color:#1a7f37;font-weight:700}\
.ex{margin:.3em 0 .3em 1em}.f{margin-left:2em;font-family:ui-monospace,monospace;font-size:.9em;white-space:pre-wrap}";

/// The page: `exit_code` is what the command gives (0, 1 or 2).
pub fn html(run: &RunReport, coverage: &[Coverage], exit_code: u8) -> String {
    let mut out = String::from("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    let _ = write!(
        out,
        "<title>Contract report</title><style>{STYLE}</style></head><body>\n<h1>Contract report</h1>\n"
    );
    let (class, word) = match exit_code {
        0 => ("pass", "PASS"),
        1 => ("fail", "CONTRACT VIOLATED"),
        _ => ("bad", "BAD INPUT"),
    };
    let s = run.summary();
    let _ = writeln!(
        out,
        "<p><span class=\"verdict {class}\">{word}</span> {} file(s), {} exchange(s): {} passed, {} warned, {} failed, {} error(s)</p>",
        s.files, s.exchanges, s.passed, s.warned, s.failed, s.errors
    );
    if !run.files.is_empty() {
        out.push_str("<h2>Findings</h2>\n");
        for file in &run.files {
            findings(&mut out, file);
        }
    }
    for c in coverage {
        matrix(&mut out, c);
    }
    out.push_str("</body></html>\n");
    out
}

fn findings(out: &mut String, file: &FileReport) {
    let _ = writeln!(
        out,
        "<h3>{} <small>(against {})</small></h3>",
        esc(&file.path),
        esc(&file.spec)
    );
    if let Some(e) = &file.error {
        let _ = writeln!(
            out,
            "<div class=\"block\"><span class=\"ERROR\">ERROR</span> {}</div>",
            esc(e)
        );
    }
    let problems = groups(file);
    if problems.is_empty() && file.error.is_none() {
        out.push_str("<p>Every check held.</p>\n");
    }
    for g in problems {
        let t = tag(g.outcome);
        let ops = g.operations(file).join(", ");
        let _ = write!(
            out,
            "<div class=\"block\"><span class=\"{t}\">{t}</span> <code>{}</code> on {} exchange(s)",
            g.check,
            g.members.len()
        );
        if !ops.is_empty() {
            let _ = write!(out, "; {}", esc(&ops));
        }
        out.push_str("<details><summary>exchanges</summary>");
        for (i, m) in g.members.iter().enumerate() {
            if i == 2 {
                out.push_str("</details><details><summary>every exchange</summary>");
            }
            let heading = exchange_heading(&file.exchanges[m.exchange]);
            let _ = write!(out, "<div class=\"ex\">{}", esc(&heading));
            for f in &m.findings {
                let _ = write!(out, "<div class=\"f\">{}</div>", esc(&finding_line(f)));
            }
            out.push_str("</div>");
        }
        out.push_str("</details></div>\n");
    }
}

/// Where a point belongs: an operation (or webhook), a schema, or the document.
fn owner(point: &str) -> (u8, String) {
    let tokens: Vec<String> = point
        .trim_start_matches('#')
        .split('/')
        .skip(1)
        .map(pointer::unescape)
        .collect();
    match tokens.as_slice() {
        [p, path, method, ..] if p == "paths" => (0, format!("{} {path}", method.to_uppercase())),
        [w, name, ..] if w.contains("webhooks") => (0, format!("webhook {name}")),
        [c, s, name, ..] if c == "components" && s == "schemas" => (1, name.clone()),
        _ => (2, "the document".into()),
    }
}

fn matrix(out: &mut String, c: &Coverage) {
    let _ = writeln!(
        out,
        "<h2>Coverage of {} {}: {} of {} points ({})</h2>",
        esc(&c.document.title),
        esc(&c.document.version),
        c.covered,
        c.total,
        percent(c)
    );
    out.push_str("<table><tr><th>kind</th><th>covered</th><th>of</th></tr>");
    for (kind, (covered, total)) in by_kind(c) {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{covered}</td><td>{total}</td></tr>",
            kind_name(kind)
        );
    }
    out.push_str("</table>\n");
    let mut owners: BTreeMap<(u8, String), Vec<&PointCoverage>> = BTreeMap::new();
    for p in &c.points {
        owners.entry(owner(&p.point.pointer)).or_default().push(p);
    }
    let titles = ["Per operation", "Per schema", "Document-wide"];
    let mut section = None;
    for ((rank, name), points) in owners {
        if section != Some(rank) {
            section = Some(rank);
            let _ = writeln!(out, "<h3>{}</h3>", titles[usize::from(rank)]);
        }
        let seen = points.iter().filter(|p| p.covered).count();
        let _ = write!(
            out,
            "<details{}><summary><b>{}</b>: {seen} of {}</summary><table><tr><th>point</th><th>count</th><th>first seen / what would cover it</th></tr>",
            if seen < points.len() { " open" } else { "" },
            esc(&name),
            points.len()
        );
        for p in points {
            let (class, note) = match &p.first {
                Some(first) => ("seen", first.clone()),
                None => ("missed", p.point.hint()),
            };
            let _ = write!(
                out,
                "<tr class=\"{class}\"><td>{}<br><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                esc(&p.point.label),
                esc(&p.point.id),
                p.count,
                esc(&note)
            );
        }
        out.push_str("</table></details>\n");
    }
    out.push_str("<h3>Checks</h3><table><tr><th>check</th><th>exchanges judged</th><th>not judged because</th></tr>");
    for k in &c.checks {
        let _ = write!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            k.check,
            k.judged,
            esc(k.not_judged.as_deref().unwrap_or(""))
        );
    }
    out.push_str("</table>\n");
}

fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let _ = pulldown_cmark_escape::escape_html(&mut out, text);
    out
}
