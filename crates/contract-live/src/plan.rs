//! What to ask: walks of every list at several page sizes, probes of the
//! request rules, items fetched alone, unknown and foreign ids, and the
//! other tenant's data. All of it read from the compiled document.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use futures_util::future::join_all;
use openapi_contract::model::{Operation, Pagination, QueryParam, ScalarKind};
use openapi_contract::{Check, Finding};
use serde_json::Value;

use crate::client::{Accept, Auth, Placement, Req};
use crate::{Ctx, Seq, finding};

/// A list operation and how to page and key it.
struct List<'a> {
    op: &'a Operation,
    limit_param: &'a str,
    offset_param: &'a str,
    limit_field: &'a str,
    total_field: &'a str,
    items_field: &'a str,
    order: &'a [String],
    limit: Option<&'a QueryParam>,
    /// The operation that fetches one item, and (path parameter, item property).
    item: Option<(&'a Operation, &'a [(String, String)])>,
}

/// Path parameter values a list was walked under, and what the walk found.
#[derive(Clone)]
struct Context {
    values: Vec<(String, String)>,
    items: Vec<Value>,
}

struct Walked {
    items: Vec<Value>,
    keys: Vec<String>,
    last: Option<usize>,
    complete: bool,
}

const PROBE: u8 = 0;
const WALK: u8 = 1;
const ITEM: u8 = 2;
const MISSING: u8 = 3;
const TENANT: u8 = 4;

fn lists(ops: &[Operation]) -> Vec<List<'_>> {
    ops.iter()
        .filter(|o| o.method == "GET")
        .filter_map(|op| match &op.pagination {
            Some(Pagination::OffsetLimit {
                limit_param,
                offset_param,
                limit_field,
                total_field,
                items_field,
                order,
                ..
            }) => Some(List {
                op,
                limit_param,
                offset_param,
                limit_field,
                total_field,
                items_field,
                order,
                limit: op.query.iter().find(|q| q.name == *limit_param),
                item: op.item.as_ref().and_then(|link| {
                    let target = ops.iter().find(|o| o.id == link.operation)?;
                    Some((target, link.parameters.as_slice()))
                }),
            }),
            _ => None,
        })
        .collect()
}

/// The template with its parameters filled in (percent-encoded).
fn path_of(op: &Operation, values: &[(String, String)]) -> Option<String> {
    let mut path = op.template.clone();
    for (name, _) in &op.path_params {
        let value = values.iter().find(|(n, _)| n == name)?;
        let encoded: String =
            url::form_urlencoded::byte_serialize(value.1.as_bytes()).collect::<String>();
        path = path.replace(&format!("{{{name}}}"), &encoded.replace('+', "%20"));
    }
    Some(path)
}

/// A scalar as it goes into a path.
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The identity of a listed item: its linked properties, else all of it.
fn key_of(list: &List<'_>, item: &Value) -> String {
    match list.item {
        Some((_, params)) if !params.is_empty() => params
            .iter()
            .map(|(_, prop)| {
                format!(
                    "{prop}={}",
                    item.get(prop).map(Value::to_string).unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join(","),
        _ => item.to_string(),
    }
}

fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64()?.partial_cmp(&y.as_f64()?),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// Whether `b` may follow `a` in a list sorted ascending by `order`.
fn in_order(order: &[String], a: &Value, b: &Value) -> bool {
    for field in order {
        match (a.get(field), b.get(field)) {
            (Some(x), Some(y)) => match compare(x, y) {
                Some(Ordering::Less) => return true,
                Some(Ordering::Greater) => return false,
                _ => continue,
            },
            _ => return true,
        }
    }
    true
}

/// At most `n` elements, evenly spread, first and last included.
fn sample<T>(items: &[T], n: usize) -> Vec<&T> {
    if items.len() <= n || n < 2 {
        return items.iter().take(n.max(1).min(items.len())).collect();
    }
    (0..n)
        .map(|i| &items[i * (items.len() - 1) / (n - 1)])
        .collect()
}

/// Every string value of the named properties, with its JSON pointer.
pub(crate) fn collect_strings(
    value: &Value,
    properties: &[String],
    at: &str,
    out: &mut Vec<(String, String)>,
) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let here = openapi_spec::pointer::push(at, k);
                if let (true, Value::String(s)) = (properties.contains(k), v) {
                    out.push((here, s.clone()));
                } else {
                    collect_strings(v, properties, &here, out);
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                collect_strings(v, properties, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// The first difference between two values, as a pointer.
fn first_difference(a: &Value, b: &Value, at: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            keys.into_iter().find_map(|k| {
                let here = openapi_spec::pointer::push(at, k);
                match (x.get(k), y.get(k)) {
                    (Some(p), Some(q)) => first_difference(p, q, &here),
                    _ => Some(here),
                }
            })
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (p, q))| first_difference(p, q, &format!("{at}/{i}"))),
        _ => (a != b).then(|| at.to_string()),
    }
}

impl Ctx<'_> {
    fn seq(&self, phase: u8, group: u32) -> Seq {
        Seq {
            phase,
            group,
            next: 0,
            links: self.config.signed_links,
        }
    }

    /// Pages through one list under `values`, checking the walk as it goes.
    async fn walk(
        &self,
        seq: &mut Seq,
        list: &List<'_>,
        values: &[(String, String)],
        limit: Option<i64>,
        auth: Auth,
    ) -> Walked {
        let mut walked = Walked {
            items: Vec::new(),
            keys: Vec::new(),
            last: None,
            complete: false,
        };
        let Some(path) = path_of(list.op, values) else {
            return walked;
        };
        let mut first_at: BTreeMap<String, usize> = BTreeMap::new();
        let mut offset = 0i64;
        let mut total: Option<i64> = None;
        for _ in 0..self.config.max_pages {
            let mut req = Req::get(path.clone(), auth);
            if auth != Auth::Secret(0) {
                req = req.noted("as the second website");
            }
            if let Some(l) = limit {
                req.query
                    .push((list.limit_param.to_string(), l.to_string()));
            }
            if offset > 0 || limit.is_some() {
                req.query
                    .push((list.offset_param.to_string(), offset.to_string()));
            }
            let answer = self.send(seq, req).await;
            walked.last = Some(answer.handle);
            let mut findings = Vec::new();
            let page = match (answer.status, &answer.body) {
                (Some(200), Some(body)) => body,
                (status, _) => {
                    let got = status.map_or("no answer".to_string(), |s| format!("status {s}"));
                    self.attach(
                        answer.handle,
                        Check::LiveWalk,
                        vec![finding(format!(
                            "the walk stopped: the page at offset {offset} got {got}"
                        ))],
                    );
                    return walked;
                }
            };
            let Some(items) = page.get(list.items_field).and_then(Value::as_array) else {
                self.attach(
                    answer.handle,
                    Check::LiveWalk,
                    vec![finding(format!(
                        "the walk stopped: the page at offset {offset} has no `{}` list",
                        list.items_field
                    ))],
                );
                return walked;
            };
            let page_total = page.get(list.total_field).and_then(Value::as_i64);
            match (total, page_total) {
                (None, t) => total = t,
                (Some(t0), Some(t)) if t != t0 => findings.push(finding(format!(
                    "`{}` changed during the walk: {t0} on the first page, {t} at offset {offset}",
                    list.total_field
                ))),
                _ => {}
            }
            for item in items {
                let key = key_of(list, item);
                let position = walked.items.len();
                if let Some(first) = first_at.get(&key) {
                    findings.push(finding(format!(
                        "the item {key} is listed again at position {position} (first at {first})"
                    )));
                } else {
                    first_at.insert(key.clone(), position);
                }
                if let Some(prev) = walked.items.last()
                    && !in_order(list.order, prev, item)
                {
                    findings.push(finding(format!(
                        "the item {key} at position {position} sorts before the one above it by ({})",
                        list.order.join(", ")
                    )));
                }
                walked.keys.push(key);
                walked.items.push(item.clone());
            }
            self.attach(answer.handle, Check::LiveWalk, findings);
            let step = limit
                .or_else(|| page.get(list.limit_field).and_then(Value::as_i64))
                .unwrap_or(0);
            if step <= 0 || items.is_empty() {
                break;
            }
            offset += step;
            if offset >= total.unwrap_or(0) {
                walked.complete = true;
                break;
            }
        }
        if !walked.complete && !walked.items.is_empty() && walked.last.is_some() {
            // An empty page before `total` was reached, or the page cap.
            walked.complete = true;
        }
        if let (Some(last), Some(t)) = (walked.last, total)
            && walked.items.len() as i64 != t
        {
            self.attach(
                last,
                Check::LiveWalk,
                vec![finding(format!(
                    "the walk collected {} items but `{}` says {t}",
                    walked.items.len(),
                    list.total_field
                ))],
            );
        }
        walked
    }

    /// Walks at every page size; checks the walks agree; returns the first.
    async fn walks(
        &self,
        phase_group: (u8, u32),
        list: &List<'_>,
        values: Vec<(String, String)>,
        child: bool,
    ) -> Context {
        let mut limits: Vec<Option<i64>> = Vec::new();
        let (min, max) = list
            .limit
            .map(|l| (l.minimum.unwrap_or(1), l.maximum))
            .unwrap_or((1, None));
        if let Some(max) = max {
            limits.push(Some(max));
        }
        limits.push(None);
        let odd = 7.clamp(min, max.unwrap_or(7));
        if !limits.contains(&Some(odd)) {
            limits.push(Some(odd));
        }
        if child && !limits.contains(&Some(min)) {
            limits.push(Some(min));
        }
        let mut seq = self.seq(phase_group.0, phase_group.1);
        let mut done: Vec<(Option<i64>, Walked)> = Vec::new();
        for limit in limits {
            let w = self
                .walk(&mut seq, list, &values, limit, Auth::Secret(0))
                .await;
            if let (Some((first_limit, first)), Some(last)) = (done.first(), w.last)
                && first.complete
                && w.complete
                && first.keys != w.keys
            {
                let at = first
                    .keys
                    .iter()
                    .zip(&w.keys)
                    .position(|(a, b)| a != b)
                    .unwrap_or(first.keys.len().min(w.keys.len()));
                let show = |l: &Option<i64>| {
                    l.map_or("the default limit".into(), |l| format!("limit {l}"))
                };
                self.attach(
                    last,
                    Check::LiveWalk,
                    vec![finding(format!(
                        "the walk at {} differs from the walk at {} from position {at} ({} vs {} items): the order is not stable",
                        show(&limit),
                        show(first_limit),
                        w.keys.len(),
                        first.keys.len()
                    ))],
                );
            }
            done.push((limit, w));
        }
        Context {
            values,
            items: done
                .into_iter()
                .next()
                .map(|(_, w)| w.items)
                .unwrap_or_default(),
        }
    }

    /// The rules every request is under: credentials, Accept, parameters, methods.
    async fn probes(&self, group: u32, op: &Operation, values: &[(String, String)]) {
        let Some(path) = path_of(op, values) else {
            return;
        };
        let mut seq = self.seq(PROBE, group);
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

    /// A request that must be answered "not found".
    async fn expect_missing(
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
        let documents_404 = op.responses.iter().any(|(k, _)| k == "404");
        let ok = if documents_404 {
            status == 404
        } else {
            (400..500).contains(&status) && ![401, 403, 406, 429].contains(&status)
        };
        let expected = if documents_404 { "404" } else { "a 4xx" };
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

/// The values for an item operation's path: the context's plus the link's.
fn item_values(
    context: &Context,
    params: &[(String, String)],
    item: &Value,
) -> Option<Vec<(String, String)>> {
    let mut values = context.values.clone();
    for (param, prop) in params {
        values.push((param.clone(), scalar(item.get(prop)?)?));
    }
    Some(values)
}

/// An id no item has: past the largest integer seen, or a made-up string.
fn unknown_value<'v>(
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

/// The kind of an operation's path parameter (a string when undocumented).
fn param_kind(op: &Operation, name: &str) -> ScalarKind {
    op.path_params
        .iter()
        .find(|(n, _)| n == name)
        .map_or(ScalarKind::String, |(_, k)| *k)
}

/// The list whose items provide a child list's missing path parameters.
fn provider<'l>(lists: &'l [List<'l>], child: &List<'_>) -> Option<&'l List<'l>> {
    lists.iter().find(|p| {
        let Some((item_op, _)) = p.item else {
            return false;
        };
        p.op.id != child.op.id
            && child
                .op
                .template
                .starts_with(&format!("{}/", item_op.template))
    })
}

pub(crate) async fn run(ctx: &Ctx<'_>) {
    let model = ctx.contract.model();
    let lists = lists(&model.operations);
    let mut contexts: BTreeMap<String, Vec<Context>> = BTreeMap::new();
    let mut group = 0u32;
    let mut next_group = || {
        group += 1;
        group
    };

    // Walks: lists without path parameters, then lists under their items.
    let roots: Vec<&List> = lists
        .iter()
        .filter(|l| l.op.path_params.is_empty())
        .collect();
    let jobs: Vec<_> = roots.iter().map(|l| (l, next_group())).collect();
    let walked = join_all(
        jobs.iter()
            .map(|(l, g)| ctx.walks((WALK, *g), l, Vec::new(), false)),
    )
    .await;
    for ((l, _), c) in jobs.iter().zip(walked) {
        contexts.insert(l.op.id.clone(), vec![c]);
    }
    let mut pending: Vec<&List> = lists
        .iter()
        .filter(|l| !l.op.path_params.is_empty())
        .collect();
    while !pending.is_empty() {
        let before = pending.len();
        let mut ready = Vec::new();
        pending.retain(|child| {
            let Some(parent) = provider(&lists, child) else {
                return false; // nothing provides its parameters: not walked
            };
            match contexts.get(&parent.op.id) {
                Some(parents) => {
                    ready.push((*child, parent, parents.clone()));
                    false
                }
                None => true,
            }
        });
        let mut jobs = Vec::new();
        for (child, parent, parents) in ready {
            let Some((_, params)) = parent.item else {
                continue;
            };
            for pc in parents.iter().take(1) {
                for item in sample(&pc.items, ctx.config.sample) {
                    if let Some(values) = item_values(pc, params, item) {
                        jobs.push((child, values, next_group()));
                    }
                }
            }
        }
        let walked = join_all(
            jobs.iter()
                .map(|(l, v, g)| ctx.walks((WALK, *g), l, v.clone(), true)),
        )
        .await;
        for ((l, _, _), c) in jobs.iter().zip(walked) {
            contexts.entry(l.op.id.clone()).or_default().push(c);
        }
        if pending.len() == before {
            break;
        }
    }

    let mut tasks: Vec<std::pin::Pin<Box<dyn Future<Output = ()> + Send + '_>>> = Vec::new();

    // Probes of the request rules, on every operation we can address.
    for op in model.operations.iter().filter(|o| o.method == "GET") {
        let values = lists
            .iter()
            .find_map(|l| {
                if l.op.id == op.id {
                    return contexts.get(&l.op.id)?.first().map(|c| c.values.clone());
                }
                let (item_op, params) = l.item?;
                if item_op.id != op.id {
                    return None;
                }
                let c = contexts
                    .get(&l.op.id)?
                    .iter()
                    .find(|c| !c.items.is_empty())?;
                item_values(c, params, c.items.first()?)
            })
            .or_else(|| op.path_params.is_empty().then(Vec::new));
        if let Some(values) = values {
            let g = next_group();
            tasks.push(Box::pin(async move { ctx.probes(g, op, &values).await }));
        }
    }

    // Consistency: listed items fetched alone.
    for l in &lists {
        let Some((item_op, params)) = l.item else {
            continue;
        };
        for c in contexts
            .get(&l.op.id)
            .into_iter()
            .flatten()
            .take(ctx.config.sample)
        {
            for item in sample(&c.items, ctx.config.sample) {
                let Some(values) = item_values(c, params, item) else {
                    continue;
                };
                let Some(path) = path_of(item_op, &values) else {
                    continue;
                };
                let g = next_group();
                let listed = item.clone();
                tasks.push(Box::pin(async move {
                    let mut seq = ctx.seq(ITEM, g);
                    let answer = ctx
                        .send(&mut seq, Req::get(path, Auth::Secret(0)).noted("a listed item, alone"))
                        .await;
                    let findings = match (answer.status, answer.body) {
                        (Some(200), Some(mut alone)) => {
                            let mut listed = listed;
                            openapi_contract::normalize::redact(&mut listed, &ctx.redactions);
                            openapi_contract::normalize::redact(&mut alone, &ctx.redactions);
                            first_difference(&listed, &alone, "")
                                .map(|p| {
                                    vec![Finding {
                                        message: "the item fetched alone differs from the same item in the list".into(),
                                        value: Some(format!(
                                            "listed {} vs alone {}",
                                            listed.pointer(&p).map(openapi_contract::shorten).unwrap_or("(absent)".into()),
                                            alone.pointer(&p).map(openapi_contract::shorten).unwrap_or("(absent)".into())
                                        )),
                                        pointer: p,
                                    }]
                                })
                                .unwrap_or_default()
                        }
                        (Some(s), _) => vec![finding(format!(
                            "a listed item fetched alone was answered {s}, not 200"
                        ))],
                        (None, _) => return,
                    };
                    ctx.attach(answer.handle, Check::LiveConsistency, findings);
                }));
            }
        }
    }

    // Not found: unknown ids, non-integer ids, items under another parent,
    // child lists under an unknown parent. Planned here, sent below.
    let mut missing: Vec<(String, &Operation, String)> = Vec::new();
    for l in &lists {
        let all: &[Context] = contexts.get(&l.op.id).map_or(&[], Vec::as_slice);
        if let Some((item_op, params)) = l.item
            && let Some(c) = all.first()
            && let Some((param, prop)) = params.last()
        {
            let kind = param_kind(item_op, param);
            let seen = all.iter().flat_map(|c| &c.items);
            let mut bad = vec![(unknown_value(kind, seen, prop), "an unknown")];
            if kind == ScalarKind::Integer {
                bad.push(("abc".into(), "a non-integer"));
            }
            for (value, label) in bad {
                let mut values = c.values.clone();
                values.push((param.clone(), value.clone()));
                if let Some(path) = path_of(item_op, &values) {
                    missing.push((path, item_op, format!("{label} {param} ({value})")));
                }
            }
            // An item of one parent asked for under another.
            let with_items: Vec<&Context> = all.iter().filter(|c| !c.items.is_empty()).collect();
            if let [a, b, ..] = with_items.as_slice()
                && let Some(item) = a.items.first()
                && !b.items.iter().any(|i| key_of(l, i) == key_of(l, item))
                && let Some(mut values) = item_values(a, params, item)
            {
                for (name, value) in &b.values {
                    if let Some(v) = values.iter_mut().find(|(n, _)| n == name) {
                        v.1 = value.clone();
                    }
                }
                if let Some(path) = path_of(item_op, &values) {
                    let what = format!("the item {} under another parent", key_of(l, item));
                    missing.push((path, item_op, what));
                }
            }
        }
        // A child list under an unknown parent.
        if let Some(parent) = provider(&lists, l)
            && let Some((_, pparams)) = parent.item
            && let Some((param, prop)) = pparams.last()
        {
            let parents: &[Context] = contexts.get(&parent.op.id).map_or(&[], Vec::as_slice);
            let seen = parents.iter().flat_map(|c| &c.items);
            let value = unknown_value(param_kind(l.op, param), seen, prop);
            let mut values = parents
                .first()
                .map(|c| c.values.clone())
                .unwrap_or_default();
            values.push((param.clone(), value.clone()));
            if let Some(path) = path_of(l.op, &values) {
                missing.push((path, l.op, format!("an unknown {param} ({value})")));
            }
        }
    }
    for (path, op, what) in missing {
        let g = next_group();
        tasks.push(Box::pin(async move {
            let mut seq = ctx.seq(MISSING, g);
            let req = Req::get(path, Auth::Secret(0));
            ctx.expect_missing(&mut seq, req, op, Check::LiveNotFound, &what)
                .await;
        }));
    }

    // Isolation: the second website's items, seen with the first's secret.
    if ctx.config.secrets.len() > 1 {
        for l in roots.iter().copied() {
            let g = next_group();
            let mine: BTreeSet<String> = contexts
                .get(&l.op.id)
                .into_iter()
                .flatten()
                .flat_map(|c| c.items.iter().map(|i| key_of(l, i)))
                .collect();
            let lists = &lists;
            tasks.push(Box::pin(async move {
                isolation(ctx, g, lists, l, mine).await;
            }));
        }
    }

    join_all(tasks).await;
}

/// Walks a list as the second website and asks for its items as the first.
async fn isolation(
    ctx: &Ctx<'_>,
    group: u32,
    lists: &[List<'_>],
    l: &List<'_>,
    mine: BTreeSet<String>,
) {
    let mut seq = ctx.seq(TENANT, group);
    let max = l.limit.and_then(|p| p.maximum);
    let theirs = ctx.walk(&mut seq, l, &[], max, Auth::Secret(1)).await;
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
        ctx.attach(last, Check::LiveIsolation, findings);
    }
    let Some((item_op, params)) = l.item else {
        return;
    };
    let foreign: Vec<&Value> = theirs
        .items
        .iter()
        .filter(|i| !mine.contains(&key_of(l, i)))
        .collect();
    let root = Context {
        values: Vec::new(),
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
                ctx.expect_missing(&mut seq, req, op, Check::LiveIsolation, &what)
                    .await;
            }
        }
    }
}
