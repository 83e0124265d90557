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

/// Where one page of a list sits, for coverage: which of the documented
/// positions and page sizes it shows.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Position {
    pub first: bool,
    pub middle: bool,
    pub last: bool,
    pub past_end: bool,
    /// No size asked: the documented default.
    pub default_size: bool,
    /// The documented minimum size asked.
    pub smallest_size: bool,
    /// The documented maximum size asked.
    pub largest_size: bool,
}

/// The position of a successful page (nothing for a style this tool does not know).
pub(crate) fn position(
    p: &Pagination,
    op: &Operation,
    query: &[(String, String)],
    body: &Value,
) -> Position {
    let size_param = match p {
        Pagination::OffsetLimit(o) => &o.limit_param,
        Pagination::PageSize(s) => &s.size_param,
        Pagination::Unsupported(_) => return Position::default(),
    };
    let asked = query
        .iter()
        .find(|(k, _)| k == size_param)
        .map(|_| int(effective(op, query, size_param).as_ref()));
    let bounds = op.query_param(size_param);
    let mut at = Position {
        default_size: asked.is_none(),
        smallest_size: asked
            .flatten()
            .is_some_and(|n| bounds.and_then(|b| b.minimum) == Some(n)),
        largest_size: asked
            .flatten()
            .is_some_and(|n| bounds.and_then(|b| b.maximum) == Some(n)),
        ..Position::default()
    };
    let Pagination::OffsetLimit(o) = p else {
        at.first = true;
        return at;
    };
    let offset = int(effective(op, query, &o.offset_param).as_ref()).unwrap_or(0);
    let total = int(body.get(&o.total_field));
    let len = body
        .get(&o.items_field)
        .and_then(Value::as_array)
        .map(Vec::len);
    let (Some(total), Some(len)) = (total, len) else {
        return at;
    };
    let end = offset + len as i64;
    at.past_end = len == 0 && offset >= total && total > 0;
    at.first = offset == 0 && len > 0;
    at.last = len > 0 && end >= total;
    at.middle = offset > 0 && len > 0 && end < total;
    at
}
