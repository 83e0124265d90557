//! Paging rules read from the operation's `x-pagination` extension: one
//! page, judged alone (the laws across pages are the live run's).

use openapi_model::{OffsetLimit, Operation, PageSize, Pagination};
use serde_json::Value;

use crate::request::effective;
use crate::{Check, CheckResult, Finding, Outcome};

fn int(v: Option<&Value>) -> Option<i64> {
    v.and_then(Value::as_i64)
}

fn field_pointer(field: &str) -> String {
    format!("/{}", openapi_spec::pointer::escape(field))
}

/// Findings of one page, with the offending values cut short.
#[derive(Default)]
struct Findings(Vec<Finding>);

impl Findings {
    fn push(&mut self, pointer: String, message: String, value: Option<&Value>) {
        self.0.push(Finding {
            pointer,
            message,
            value: value.map(crate::shorten),
        });
    }
}

pub(crate) fn check(
    p: &Pagination,
    op: &Operation,
    query: &[(String, String)],
    body: &Value,
) -> CheckResult {
    let findings = match p {
        Pagination::OffsetLimit(o) => offset_limit(o, op, query, body),
        Pagination::PageSize(s) => page_size(s, op, query, body),
        Pagination::Unsupported(style) => {
            let message = format!(
                "x-pagination style {style:?} is not one this tool checks (offset-limit, page-size)"
            );
            return crate::result(
                Check::Pagination,
                vec![crate::finding("", message)],
                Outcome::Warn,
            );
        }
    };
    crate::result(Check::Pagination, findings.0, Outcome::Fail)
}

/// The echoed limit and offset, the limit's bounds, `total`, and the
/// page's size against all three.
fn offset_limit(
    o: &OffsetLimit,
    op: &Operation,
    query: &[(String, String)],
    body: &Value,
) -> Findings {
    let mut out = Findings::default();
    let want_limit = int(effective(op, query, &o.limit_param).as_ref());
    let want_offset = int(effective(op, query, &o.offset_param).as_ref());
    let limit = int(body.get(&o.limit_field));
    let offset = int(body.get(&o.offset_field));
    let total = int(body.get(&o.total_field));
    for (field, got, want, param) in [
        (&o.limit_field, limit, want_limit, &o.limit_param),
        (&o.offset_field, offset, want_offset, &o.offset_param),
    ] {
        echo(&mut out, body, field, got, want, param);
    }
    if let (Some(l), Some(param)) = (limit, op.query_param(&o.limit_param)) {
        let below = param.minimum.is_some_and(|m| l < m);
        let above = param.maximum.is_some_and(|m| l > m);
        if below || above {
            let bound = |b: Option<i64>| b.map(|m| m.to_string()).unwrap_or_default();
            let message = format!(
                "{} {l} is outside the documented bounds {}..={}",
                o.limit_field,
                bound(param.minimum),
                bound(param.maximum)
            );
            out.push(
                field_pointer(&o.limit_field),
                message,
                body.get(&o.limit_field),
            );
        }
    }
    if total.is_none() {
        let message = format!("{} is missing or not an integer", o.total_field);
        out.push(
            field_pointer(&o.total_field),
            message,
            body.get(&o.total_field),
        );
    }
    let Some(items) = body.get(&o.items_field).and_then(Value::as_array) else {
        let message = format!("{} is missing or not an array", o.items_field);
        out.push(
            field_pointer(&o.items_field),
            message,
            body.get(&o.items_field),
        );
        return out;
    };
    page_length(
        &mut out,
        o,
        items.len() as i64,
        limit.or(want_limit),
        offset.or(want_offset),
        total,
    );
    out
}

/// A response field that must echo the request's parameter (or its default).
fn echo(
    out: &mut Findings,
    body: &Value,
    field: &str,
    got: Option<i64>,
    want: Option<i64>,
    param: &str,
) {
    match (got, want) {
        (None, _) => out.push(
            field_pointer(field),
            format!("{field} is missing or not an integer"),
            body.get(field),
        ),
        (Some(g), Some(w)) if g != w => out.push(
            field_pointer(field),
            format!(
                "{field} echoes {g}, but the request's {param} is {w} (given or the documented default)"
            ),
            body.get(field),
        ),
        _ => {}
    }
}

/// A page holds at most `limit` items, and exactly min(limit, max(0, total - offset)).
fn page_length(
    out: &mut Findings,
    o: &OffsetLimit,
    n: i64,
    limit: Option<i64>,
    offset: Option<i64>,
    total: Option<i64>,
) {
    let at = field_pointer(&o.items_field);
    if let Some(l) = limit
        && n > l
    {
        out.push(
            at.clone(),
            format!("the page holds {n} items, more than the limit {l}"),
            None,
        );
    }
    if let (Some(l), Some(o), Some(t)) = (limit, offset, total) {
        let expected = openapi_model::paging::expected_length(l, o, t);
        if n != expected && n <= l {
            let message = format!(
                "the page holds {n} items; with limit {l}, offset {o} and total {t} it must hold min(limit, max(0, total - offset)) = {expected}"
            );
            out.push(at, message, None);
        }
    }
}

/// The page is an array of at most the asked size.
fn page_size(s: &PageSize, op: &Operation, query: &[(String, String)], body: &Value) -> Findings {
    let mut out = Findings::default();
    let size = int(effective(op, query, &s.size_param).as_ref());
    let (items, ptr) = match &s.items_field {
        Some(f) => (body.get(f).and_then(Value::as_array), field_pointer(f)),
        None => (body.as_array(), String::new()),
    };
    match (items, size) {
        (None, _) => out.push(ptr, "the page is not an array".into(), None),
        (Some(items), Some(n)) if items.len() as i64 > n => {
            let message = format!(
                "the page holds {} items, more than {} {n}",
                items.len(),
                s.size_param
            );
            out.push(ptr, message, None);
        }
        _ => {}
    }
    out
}
