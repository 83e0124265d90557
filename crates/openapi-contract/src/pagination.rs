//! Paging rules read from the operation's `x-pagination` extension.

use serde_json::Value;

use crate::model::{Operation, Pagination};
use crate::request::effective;
use crate::{Check, CheckResult, Finding, Outcome};

fn int(v: Option<&Value>) -> Option<i64> {
    v.and_then(Value::as_i64)
}

pub(crate) fn check(
    p: &Pagination,
    op: &Operation,
    query: &[(String, String)],
    body: &Value,
) -> CheckResult {
    let mut findings = Vec::new();
    let mut push = |pointer: String, message: String, value: Option<&Value>| {
        findings.push(Finding {
            pointer,
            message,
            value: value.map(crate::shorten),
        })
    };
    match p {
        Pagination::OffsetLimit {
            limit_param,
            offset_param,
            limit_field,
            offset_field,
            total_field,
            items_field,
            ..
        } => {
            let want_limit = int(effective(op, query, limit_param).as_ref());
            let want_offset = int(effective(op, query, offset_param).as_ref());
            let ptr = |f: &str| format!("/{}", openapi_spec::pointer::escape(f));
            let limit = int(body.get(limit_field));
            let offset = int(body.get(offset_field));
            let total = int(body.get(total_field));
            let items = body.get(items_field).and_then(Value::as_array);
            for (field, got, want, param) in [
                (limit_field, limit, want_limit, limit_param),
                (offset_field, offset, want_offset, offset_param),
            ] {
                match (got, want) {
                    (None, _) => push(
                        ptr(field),
                        format!("{field} is missing or not an integer"),
                        body.get(field),
                    ),
                    (Some(g), Some(w)) if g != w => push(
                        ptr(field),
                        format!(
                            "{field} echoes {g}, but the request's {param} is {w} (given or the documented default)"
                        ),
                        body.get(field),
                    ),
                    _ => {}
                }
            }
            if let (Some(l), Some(param)) =
                (limit, op.query.iter().find(|q| q.name == *limit_param))
            {
                let below = param.minimum.is_some_and(|m| l < m);
                let above = param.maximum.is_some_and(|m| l > m);
                if below || above {
                    push(
                        ptr(limit_field),
                        format!(
                            "{limit_field} {l} is outside the documented bounds {}..={}",
                            param.minimum.map(|m| m.to_string()).unwrap_or_default(),
                            param.maximum.map(|m| m.to_string()).unwrap_or_default()
                        ),
                        body.get(limit_field),
                    );
                }
            }
            if total.is_none() {
                push(
                    ptr(total_field),
                    format!("{total_field} is missing or not an integer"),
                    body.get(total_field),
                );
            }
            let Some(items) = items else {
                push(
                    ptr(items_field),
                    format!("{items_field} is missing or not an array"),
                    body.get(items_field),
                );
                return crate::result(Check::Pagination, findings, Outcome::Fail);
            };
            let n = items.len() as i64;
            if let Some(l) = limit.or(want_limit)
                && n > l
            {
                push(
                    ptr(items_field),
                    format!("the page holds {n} items, more than the limit {l}"),
                    None,
                );
            }
            if let (Some(l), Some(o), Some(t)) =
                (limit.or(want_limit), offset.or(want_offset), total)
            {
                let expected = l.min(t.saturating_sub(o).max(0));
                if n != expected && n <= l {
                    push(
                        ptr(items_field),
                        format!(
                            "the page holds {n} items; with limit {l}, offset {o} and total {t} it must hold min(limit, max(0, total - offset)) = {expected}"
                        ),
                        None,
                    );
                }
            }
        }
        Pagination::PageSize {
            size_param,
            items_field,
        } => {
            let size = int(effective(op, query, size_param).as_ref());
            let (items, ptr) = match items_field {
                Some(f) => (
                    body.get(f).and_then(Value::as_array),
                    format!("/{}", openapi_spec::pointer::escape(f)),
                ),
                None => (body.as_array(), String::new()),
            };
            match (items, size) {
                (None, _) => push(ptr, "the page is not an array".into(), None),
                (Some(items), Some(s)) if items.len() as i64 > s => push(
                    ptr,
                    format!(
                        "the page holds {} items, more than {size_param} {s}",
                        items.len()
                    ),
                    None,
                ),
                _ => {}
            }
        }
        Pagination::Unsupported(style) => {
            return CheckResult {
                check: Check::Pagination,
                outcome: Outcome::Warn,
                findings: vec![Finding {
                    pointer: String::new(),
                    message: format!(
                        "x-pagination style {style:?} is not one this tool checks (offset-limit, page-size)"
                    ),
                    value: None,
                }],
            };
        }
    }
    crate::result(Check::Pagination, findings, Outcome::Fail)
}
