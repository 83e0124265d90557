//! Coverage for people: the one line after every run, and Markdown for a
//! GitHub step summary or a pull-request comment.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use openapi_contract::coverage::{Coverage, PointKind};

/// Missed points named on the summary line before "and N more".
const NAMED: usize = 4;

/// `coverage: 212 of 230 contract points (92%); not seen: …`.
pub fn coverage_line(c: &Coverage) -> String {
    let mut line = format!(
        "coverage: {} of {} contract points ({}) of \"{}\"",
        c.covered,
        c.total,
        percent(c),
        c.document.title
    );
    // What any correct server could have shown first; failures and
    // rate limits last.
    let mut missed: Vec<_> = c.missed().collect();
    missed.sort_by_key(|p| p.point.only_on_failure);
    let missed: Vec<&str> = missed.iter().map(|p| p.point.label.as_str()).collect();
    if !missed.is_empty() {
        let _ = write!(
            line,
            "; not seen: {}",
            missed[..missed.len().min(NAMED)].join(", ")
        );
        if missed.len() > NAMED {
            let _ = write!(line, " and {} more", missed.len() - NAMED);
        }
    }
    let unjudged: Vec<String> = c
        .checks
        .iter()
        .filter_map(|k| Some(format!("{} ({})", k.check, k.not_judged.as_ref()?)))
        .collect();
    if !unjudged.is_empty() {
        let _ = write!(line, "; not judged: {}", unjudged.join(", "));
    }
    line
}

/// `92%`, rounded down so that 99.6 % never reads as 100 %.
pub fn percent(c: &Coverage) -> String {
    format!("{}%", c.percent().floor())
}

/// A kind in plain words, for headings.
pub fn kind_name(kind: PointKind) -> &'static str {
    match kind {
        PointKind::Status => "statuses",
        PointKind::Branch => "union branches",
        PointKind::Null => "null values",
        PointKind::Value => "values",
        PointKind::Absent => "optional fields absent",
        PointKind::Present => "optional fields present",
        PointKind::Enum => "enum values",
        PointKind::Page => "pages",
        PointKind::Delivery => "webhook events",
        PointKind::Check => "extension checks",
    }
}

/// Covered and total per kind, in kind order.
pub fn by_kind(c: &Coverage) -> BTreeMap<PointKind, (usize, usize)> {
    let mut kinds: BTreeMap<PointKind, (usize, usize)> = BTreeMap::new();
    for p in &c.points {
        let k = kinds.entry(p.point.kind).or_default();
        k.0 += usize::from(p.covered);
        k.1 += 1;
    }
    kinds
}

/// Markdown: the headline, a table per kind, what was not seen (with what
/// data would cover it), and how often each check judged.
pub fn coverage_markdown(c: &Coverage) -> String {
    let mut out = format!(
        "### Contract coverage of {} {}: {} of {} points ({})\n\n",
        md(&c.document.title),
        md(&c.document.version),
        c.covered,
        c.total,
        percent(c)
    );
    out.push_str("| kind | covered | of |\n| --- | ---: | ---: |\n");
    for (kind, (covered, total)) in by_kind(c) {
        let _ = writeln!(out, "| {} | {covered} | {total} |", kind_name(kind));
    }
    let missed: Vec<_> = c.missed().collect();
    if !missed.is_empty() {
        let _ = writeln!(
            out,
            "\n<details><summary>Not seen ({})</summary>\n\n| point | what would cover it | id |\n| --- | --- | --- |",
            missed.len()
        );
        for p in missed {
            let _ = writeln!(
                out,
                "| {} | {} | `{}` |",
                md(&p.point.label),
                md(&p.point.hint()),
                p.point.id.replace('`', "'")
            );
        }
        out.push_str("\n</details>\n");
    }
    out.push_str("\n| check | exchanges judged | not judged because |\n| --- | ---: | --- |\n");
    for k in &c.checks {
        let why = k.not_judged.as_deref().unwrap_or("");
        let _ = writeln!(out, "| `{}` | {} | {} |", k.check, k.judged, md(why));
    }
    if !c.undocumented.is_empty() {
        out.push_str("\n**Undocumented statuses seen**\n\n");
        for o in &c.undocumented {
            let _ = writeln!(out, "- {} ({}×)", md(&o.label), o.count);
        }
    }
    out
}

/// Text safe in a Markdown table cell.
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '|' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '\\' => {
                out.push('\\');
                out.push(ch);
            }
            '\n' => out.push(' '),
            _ => out.push(ch),
        }
    }
    out
}
