//! [`Phase::Missing`]: requests that must be answered "not found": unknown
//! and non-integer ids, items under another parent, child lists under an
//! unknown parent.

use openapi_contract::Check;
use openapi_model::{Operation, ScalarKind};
use serde_json::Value;

use super::{
    Groups, List, Phase, Task, WalkedList, WalkedLists, item_values, key_of, param_kind, path_of,
    provider,
};
use crate::client::{Auth, Req};
use crate::{Ctx, Seq, finding};

/// Whether `status` is the right answer for something that does not exist:
/// 404 when the operation documents it, else a 4xx that is not about the
/// request's credentials, Accept or rate; and what was expected, in words.
pub(super) fn missing_verdict(op: &Operation, status: u16) -> (bool, &'static str) {
    if op.responses.iter().any(|r| r.status.code() == Some(404)) {
        (status == 404, "404")
    } else {
        let other = (400..500).contains(&status) && ![401, 403, 406, 429].contains(&status);
        (other, "a 4xx")
    }
}

impl Ctx<'_> {
    /// A request that must be answered "not found".
    pub(super) async fn expect_missing(
        &self,
        seq: &mut Seq,
        req: Req,
        op: &Operation,
        check: Check,
        what: &str,
    ) {
        let answer = self.send(seq, req.noted(what)).await;
        let Some(status) = answer.status else {
            return; // live.transport already says why
        };
        let (ok, expected) = missing_verdict(op, status);
        let findings = if ok {
            Vec::new()
        } else {
            vec![finding(format!(
                "{what} was answered {status}; expected {expected}"
            ))]
        };
        self.attach(answer.handle, check, findings);
    }
}

/// An id no item has: past the largest integer seen, or a made-up string.
pub(super) fn unknown_value<'v>(
    kind: ScalarKind,
    seen: impl Iterator<Item = &'v Value>,
    prop: &str,
) -> String {
    match kind {
        ScalarKind::Integer | ScalarKind::Number => {
            let max = seen
                .filter_map(|i| i.get(prop).and_then(Value::as_i64))
                .max()
                .unwrap_or(0);
            max.saturating_add(1_000_003).to_string()
        }
        _ => "contract-live-unknown-id".into(),
    }
}

/// A request that must be answered "not found", planned before it is sent.
pub(super) struct MissingProbe<'a> {
    pub(super) path: String,
    pub(super) op: &'a Operation,
    pub(super) what: String,
}

/// [`Phase::Missing`]: unknown ids, non-integer ids, items under another
/// parent, child lists under an unknown parent.
pub(super) fn missing_tasks<'a>(
    ctx: &'a Ctx<'_>,
    lists: &[List<'a>],
    contexts: &WalkedLists,
    groups: &mut Groups,
) -> Vec<Task<'a>> {
    let mut missing: Vec<MissingProbe<'a>> = Vec::new();
    for l in lists {
        let all: &[WalkedList] = contexts.get(&l.op.id).map_or(&[], Vec::as_slice);
        missing_items(l, all, &mut missing);
        if let Some(parent) = provider(lists, l) {
            let parents: &[WalkedList] = contexts.get(&parent.op.id).map_or(&[], Vec::as_slice);
            missing.extend(unknown_parent(l, parent, parents));
        }
    }
    missing
        .into_iter()
        .map(|m| {
            let g = groups.next();
            let task: Task<'a> = Box::pin(async move {
                let mut seq = ctx.seq(Phase::Missing, g);
                let req = Req::get(m.path, Auth::Secret(0));
                ctx.expect_missing(&mut seq, req, m.op, Check::LiveNotFound, &m.what)
                    .await;
            });
            task
        })
        .collect()
}

/// An unknown and a non-integer item id, and an item of one parent asked
/// for under another.
pub(super) fn missing_items<'a>(l: &List<'a>, all: &[WalkedList], out: &mut Vec<MissingProbe<'a>>) {
    let (Some((item_op, params)), Some(c)) = (l.item, all.first()) else {
        return;
    };
    let Some(last) = params.last() else { return };
    let param = &last.path_parameter;
    let kind = param_kind(item_op, param);
    let seen = all.iter().flat_map(|c| &c.items);
    let mut bad = vec![(unknown_value(kind, seen, &last.property), "an unknown")];
    if kind == ScalarKind::Integer {
        bad.push(("abc".into(), "a non-integer"));
    }
    for (value, label) in bad {
        let mut values = c.values.clone();
        values.push(param, value.clone());
        if let Some(path) = path_of(item_op, &values) {
            let what = format!("{label} {param} ({value})");
            out.push(MissingProbe {
                path,
                op: item_op,
                what,
            });
        }
    }
    let with_items: Vec<&WalkedList> = all.iter().filter(|c| !c.items.is_empty()).collect();
    if let [a, b, ..] = with_items.as_slice()
        && let Some(item) = a.items.first()
        && !b.items.iter().any(|i| key_of(l, i) == key_of(l, item))
        && let Some(mut values) = item_values(a, params, item)
    {
        values.replace_from(&b.values);
        if let Some(path) = path_of(item_op, &values) {
            let what = format!("the item {} under another parent", key_of(l, item));
            out.push(MissingProbe {
                path,
                op: item_op,
                what,
            });
        }
    }
}

/// A child list under a parent id no parent item has.
pub(super) fn unknown_parent<'a>(
    l: &List<'a>,
    parent: &List<'_>,
    parents: &[WalkedList],
) -> Option<MissingProbe<'a>> {
    let (_, pparams) = parent.item?;
    let last = pparams.last()?;
    let param = &last.path_parameter;
    let seen = parents.iter().flat_map(|c| &c.items);
    let value = unknown_value(param_kind(l.op, param), seen, &last.property);
    let mut values = parents
        .first()
        .map(|c| c.values.clone())
        .unwrap_or_default();
    values.push(param, value.clone());
    let path = path_of(l.op, &values)?;
    Some(MissingProbe {
        path,
        op: l.op,
        what: format!("an unknown {param} ({value})"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::fixtures::*;
    use crate::plan::lists;

    #[test]
    fn missing_probes_ask_unknown_non_integer_and_foreign_items() {
        let model = signalzen();
        let all = lists(&model.operations);
        let messages = all.iter().find(|l| l.op.id == "listMessages").unwrap();
        let probes = |contexts: &[WalkedList]| {
            let mut out = Vec::new();
            missing_items(messages, contexts, &mut out);
            out.into_iter()
                .map(|p| (p.path, p.what))
                .collect::<Vec<_>>()
        };
        let got = probes(&[
            context(&[("user_id", "5")], &[1, 2]),
            context(&[("user_id", "7")], &[]),
            context(&[("user_id", "6")], &[3]),
        ]);
        let paths: Vec<&str> = got.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths.len(), 3, "{got:?}");
        assert!(paths[0].starts_with("/users/5/messages/") && paths[0] != "/users/5/messages/1");
        assert_eq!(paths[1], "/users/5/messages/abc");
        // Message 1 of user 5, asked for under user 6 (the next parent with items).
        assert_eq!(paths[2], "/users/6/messages/1");
        assert_eq!(got[2].1, "the item id=1 under another parent");
        // When the other parent lists the same item, there is no such probe.
        let got = probes(&[
            context(&[("user_id", "5")], &[1]),
            context(&[("user_id", "6")], &[1]),
        ]);
        assert_eq!(got.len(), 2, "{got:?}");
    }

    #[test]
    fn a_child_list_is_asked_for_under_an_unknown_parent() {
        let model = signalzen();
        let all = lists(&model.operations);
        let users = all.iter().find(|l| l.op.id == "listUsers").unwrap();
        let messages = all.iter().find(|l| l.op.id == "listMessages").unwrap();
        let probe = unknown_parent(messages, users, &[context(&[], &[5, 6])]).unwrap();
        assert!(probe.path.starts_with("/users/") && probe.path.ends_with("/messages"));
        assert!(!probe.path.starts_with("/users/5/") && !probe.path.starts_with("/users/6/"));
        assert!(
            probe.what.starts_with("an unknown user_id"),
            "{}",
            probe.what
        );
    }

    #[test]
    fn not_found_is_404_when_documented_else_a_4xx_not_about_the_request() {
        let model = signalzen();
        let get_user = model.operation("getUser").unwrap();
        assert_eq!(missing_verdict(get_user, 404), (true, "404"));
        assert_eq!(missing_verdict(get_user, 400), (false, "404"));
        let mut undocumented = get_user.clone();
        undocumented
            .responses
            .retain(|r| r.status.code() != Some(404));
        for (status, ok) in [
            (404, true),
            (400, true),
            (410, true),
            (401, false),
            (403, false),
            (406, false),
            (429, false),
            (200, false),
            (500, false),
        ] {
            assert_eq!(
                missing_verdict(&undocumented, status),
                (ok, "a 4xx"),
                "{status}"
            );
        }
    }
}
