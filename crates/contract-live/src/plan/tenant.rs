//! [`Phase::Tenant`]: with a second secret, the second website's lists
//! walked, and their items asked for with the first website's secret.

use std::collections::BTreeSet;

use openapi_contract::Check;
use openapi_model::Operation;
use serde_json::Value;

use super::sampling::sample;
use super::{
    Groups, List, PathValues, Phase, Task, WalkedList, WalkedLists, item_values, key_of, path_of,
    provider,
};
use crate::client::{Auth, Req};
use crate::{Ctx, finding};

/// [`Phase::Tenant`]: with a second secret, each root list walked as the
/// second website, and its items asked for with the first's secret.
pub(super) fn isolation_tasks<'a>(
    ctx: &'a Ctx<'_>,
    lists: &'a [List<'a>],
    contexts: &WalkedLists,
    groups: &mut Groups,
) -> Vec<Task<'a>> {
    if ctx.config.secrets.len() < 2 {
        return Vec::new();
    }
    let mut tasks: Vec<Task<'a>> = Vec::new();
    for l in lists.iter().filter(|l| l.op.path_params.is_empty()) {
        let g = groups.next();
        let mine: BTreeSet<String> = contexts
            .get(&l.op.id)
            .into_iter()
            .flatten()
            .flat_map(|c| c.items.iter().map(|i| key_of(l, i)))
            .collect();
        tasks.push(Box::pin(async move {
            isolation(ctx, g, lists, l, mine).await;
        }));
    }
    tasks
}

/// Walks a list as the second website and asks for its items as the first.
pub(super) async fn isolation(
    ctx: &Ctx<'_>,
    group: u32,
    lists: &[List<'_>],
    l: &List<'_>,
    mine: BTreeSet<String>,
) {
    let mut seq = ctx.seq(Phase::Tenant, group);
    let max = l.limit.and_then(|p| p.maximum);
    let theirs = ctx
        .walk(&mut seq, l, &PathValues::default(), max, Auth::Secret(1))
        .await;
    let shared: Vec<&String> = theirs.keys.iter().filter(|k| mine.contains(*k)).collect();
    if let Some(last) = theirs.last {
        let findings = if shared.is_empty() {
            Vec::new()
        } else {
            vec![finding(format!(
                "{} item(s) listed for the second website are also listed for the first, e.g. {}",
                shared.len(),
                shared[0]
            ))]
        };
        ctx.attach(last, Check::TenantIsolation, findings);
    }
    let Some((item_op, params)) = l.item else {
        return;
    };
    let foreign: Vec<&Value> = theirs
        .items
        .iter()
        .filter(|i| !mine.contains(&key_of(l, i)))
        .collect();
    let root = WalkedList {
        values: PathValues::default(),
        items: Vec::new(),
    };
    // The item itself, and every list under it.
    let targets: Vec<&Operation> = std::iter::once(item_op)
        .chain(
            lists
                .iter()
                .filter(|c| provider(lists, c).is_some_and(|p| p.op.id == l.op.id))
                .map(|c| c.op),
        )
        .collect();
    for item in sample(&foreign, ctx.config.sample) {
        let Some(values) = item_values(&root, params, item) else {
            continue;
        };
        let key = key_of(l, item);
        for op in &targets {
            if let Some(path) = path_of(op, &values) {
                let what = format!(
                    "{} of the second website's item {key}, with the first website's secret",
                    op.id
                );
                let req = Req::get(path, Auth::Secret(0));
                ctx.expect_missing(&mut seq, req, op, Check::TenantIsolation, &what)
                    .await;
            }
        }
    }
}
