//! [`Phase::Probe`]: the request rules (credentials, Accept, parameters,
//! methods) on every GET operation the walks give an address for.

use openapi_model::{Operation, ScalarKind};
use serde_json::Value;

use super::{Groups, List, PathValues, Phase, Task, WalkedLists, address, path_of};
use crate::Ctx;
use crate::client::{Accept, Auth, Placement, Req};

/// [`Phase::Probe`]: the request rules, on every GET operation we can address.
pub(super) fn probe_tasks<'a>(
    ctx: &'a Ctx<'_>,
    operations: &'a [Operation],
    lists: &[List<'_>],
    contexts: &WalkedLists,
    groups: &mut Groups,
) -> Vec<Task<'a>> {
    let mut tasks: Vec<Task<'a>> = Vec::new();
    for op in operations.iter().filter(|o| o.method == "GET") {
        let values = lists
            .iter()
            .find_map(|l| address(l, op, contexts))
            .or_else(|| op.path_params.is_empty().then(PathValues::default));
        if let Some(values) = values {
            let g = groups.next();
            tasks.push(Box::pin(async move { ctx.probes(g, op, &values).await }));
        }
    }
    tasks
}

impl Ctx<'_> {
    /// The rules every request is under: credentials, Accept, parameters, methods.
    pub(super) async fn probes(&self, group: u32, op: &Operation, values: &PathValues) {
        let Some(path) = path_of(op, values) else {
            return;
        };
        let mut seq = self.seq(Phase::Probe, group);
        let mut reqs = Vec::new();
        let rules = &self.contract.model().rules;
        if !op.security.is_empty() && !matches!(self.client.placement(), Placement::None) {
            for (auth, note) in [
                (Auth::Missing, "no credentials"),
                (Auth::OtherScheme, "the secret under another scheme"),
                (Auth::Wrong, "a wrong secret"),
            ] {
                reqs.push(Req::get(path.clone(), auth).noted(note));
            }
            let mut both = Req::get(path.clone(), Auth::Missing).noted("no credentials, no Accept");
            both.accept = Accept::Missing;
            reqs.push(both);
        }
        if rules.accept_media_type.is_some() {
            for accept in [
                Accept::Missing,
                Accept::Other("application/json"),
                Accept::Other("*/*"),
            ] {
                let note = match accept {
                    Accept::Other(v) => format!("Accept: {v}"),
                    _ => "no Accept".into(),
                };
                let mut r = Req::get(path.clone(), Auth::Secret(0)).noted(note);
                r.accept = accept;
                reqs.push(r);
            }
        }
        for q in op.query.iter().filter(|q| q.kind == ScalarKind::Integer) {
            let mut bad: Vec<String> = Vec::new();
            let mut good: Vec<i64> = Vec::new();
            if let Some(min) = q.minimum {
                bad.push((min - 1).to_string());
                good.push(min);
                if min - 1 != -1 && min >= 0 {
                    bad.push("-1".into());
                }
            }
            if let Some(max) = q.maximum {
                bad.push((max + 1).to_string());
                good.push(max);
            }
            bad.extend(["abc", "", "1.5"].map(String::from));
            for v in bad {
                let mut r = Req::get(path.clone(), Auth::Secret(0));
                r.query.push((q.name.clone(), v));
                reqs.push(r);
            }
            let twice = q
                .default
                .as_ref()
                .and_then(Value::as_i64)
                .or(q.minimum)
                .unwrap_or(1)
                .to_string();
            let mut r = Req::get(path.clone(), Auth::Secret(0));
            r.query.push((q.name.clone(), twice.clone()));
            r.query.push((q.name.clone(), twice));
            reqs.push(r);
            for v in good {
                let mut r = Req::get(path.clone(), Auth::Secret(0));
                r.query.push((q.name.clone(), v.to_string()));
                reqs.push(r);
            }
        }
        if rules.method_not_allowed.is_some() {
            let mut r = Req::get(path.clone(), Auth::Secret(0)).noted("a method not documented");
            r.method = "POST";
            reqs.push(r);
        }
        for r in reqs {
            self.send(&mut seq, r).await;
        }
    }
}
