//! [`Phase::Item`]: a sample of listed items, each fetched alone and
//! compared with its listing.

use openapi_contract::normalize::first_difference;
use openapi_contract::{Check, Finding};
use serde_json::Value;

use super::sampling::sample;
use super::{Groups, List, Phase, Task, WalkedLists, item_values, path_of};
use crate::client::{Auth, Req};
use crate::{Ctx, finding};

/// [`Phase::Item`]: a sample of listed items, each fetched alone and compared.
pub(super) fn item_tasks<'a>(
    ctx: &'a Ctx<'_>,
    lists: &[List<'_>],
    contexts: &WalkedLists,
    groups: &mut Groups,
) -> Vec<Task<'a>> {
    let mut tasks: Vec<Task<'a>> = Vec::new();
    for l in lists {
        let Some((item_op, params)) = l.item else {
            continue;
        };
        let walked = contexts.get(&l.op.id).into_iter().flatten();
        for c in walked.take(ctx.config.sample) {
            for item in sample(&c.items, ctx.config.sample) {
                let Some(path) = item_values(c, params, item).and_then(|v| path_of(item_op, &v))
                else {
                    continue;
                };
                let (g, listed) = (groups.next(), item.clone());
                tasks.push(Box::pin(
                    async move { ctx.item_alone(g, path, listed).await },
                ));
            }
        }
    }
    tasks
}

impl Ctx<'_> {
    /// Fetches a listed item alone; it must equal the listed one.
    pub(super) async fn item_alone(&self, group: u32, path: String, mut listed: Value) {
        let mut seq = self.seq(Phase::Item, group);
        let req = Req::get(path, Auth::Secret(0)).noted("a listed item, alone");
        let answer = self.send(&mut seq, req).await;
        let findings = match (answer.status, answer.body) {
            (Some(200), Some(mut alone)) => {
                openapi_contract::normalize::redact(&mut listed, &self.redactions);
                openapi_contract::normalize::redact(&mut alone, &self.redactions);
                difference_findings(&listed, &alone)
            }
            (Some(s), _) => vec![finding(format!(
                "a listed item fetched alone was answered {s}, not 200"
            ))],
            (None, _) => return,
        };
        self.attach(answer.handle, Check::ItemConsistency, findings);
    }
}

/// The `item.consistency` finding for a listed item and the same item alone.
pub(super) fn difference_findings(listed: &Value, alone: &Value) -> Vec<Finding> {
    let Some(p) = first_difference(listed, alone, "") else {
        return Vec::new();
    };
    let show = |v: &Value| {
        v.pointer(&p)
            .map(openapi_contract::shorten)
            .unwrap_or("(absent)".into())
    };
    vec![Finding {
        message: "the item fetched alone differs from the same item in the list".into(),
        value: Some(format!("listed {} vs alone {}", show(listed), show(alone))),
        pointer: p,
    }]
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn first_difference_names_the_pointer() {
        let a = json!({"id": 1, "sender": {"name": "Ann", "tags": [1, 2]}});
        assert_eq!(first_difference(&a, &a, ""), None);
        let b = json!({"id": 1, "sender": {"name": "Bob", "tags": [1, 2]}});
        assert_eq!(
            first_difference(&a, &b, "").as_deref(),
            Some("/sender/name")
        );
        let c = json!({"id": 1, "sender": {"name": "Ann", "tags": [1, 3]}});
        assert_eq!(
            first_difference(&a, &c, "").as_deref(),
            Some("/sender/tags/1")
        );
        // A key on one side only; arrays of different lengths differ as a whole.
        let d = json!({"id": 1, "sender": {"name": "Ann", "tags": [1, 2]}, "x/y": 0});
        assert_eq!(first_difference(&a, &d, "").as_deref(), Some("/x~1y"));
        let e = json!({"id": 1, "sender": {"name": "Ann", "tags": [1]}});
        assert_eq!(
            first_difference(&a, &e, "").as_deref(),
            Some("/sender/tags")
        );
        assert_eq!(
            first_difference(&json!(1), &json!("1"), "/v").as_deref(),
            Some("/v")
        );
    }
}
