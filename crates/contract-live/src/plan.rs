//! What to ask: walks of every list at several page sizes, probes of the
//! request rules, items fetched alone, unknown and foreign ids, and the
//! other tenant's data. All of it read from the compiled document.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use futures_util::future::join_all;
use openapi_contract::normalize::{first_difference, path_text};
use openapi_contract::{Check, Finding};
use openapi_model::{ItemParameter, OffsetLimit, Operation, QueryParam, ScalarKind};
use serde_json::Value;

use crate::client::{Accept, Auth, Placement, Req};
use crate::{Answer, Ctx, Seq, finding};

/// A list operation and how to page and key it.
struct List<'a> {
    op: &'a Operation,
    paging: &'a OffsetLimit,
    limit: Option<&'a QueryParam>,
    /// The operation that fetches one item, and which item property fills
    /// which of its path parameters.
    item: Option<(&'a Operation, &'a [ItemParameter])>,
}

/// Values for an operation's path parameters, in the order they were found
/// (a list's own, then its item's); the first value of a name counts.
#[derive(Clone, Debug, Default)]
struct PathValues(Vec<PathValue>);

/// One path parameter's value.
#[derive(Clone, Debug)]
struct PathValue {
    name: String,
    value: String,
}

impl PathValues {
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|v| v.name == name)
            .map(|v| v.value.as_str())
    }

    fn push(&mut self, name: &str, value: String) {
        self.0.push(PathValue {
            name: name.to_string(),
            value,
        });
    }

    /// Takes `other`'s value for every name both have (an item of one
    /// parent, addressed under another).
    fn replace_from(&mut self, other: &PathValues) {
        for theirs in &other.0 {
            if let Some(mine) = self.0.iter_mut().find(|v| v.name == theirs.name) {
                mine.value = theirs.value.clone();
            }
        }
    }
}

/// Path parameter values a list was walked under, and what the walk found.
#[derive(Clone)]
struct Context {
    values: PathValues,
    items: Vec<Value>,
}

struct Walked {
    items: Vec<Value>,
    keys: Vec<String>,
    last: Option<usize>,
    /// Every item was seen, in order (not sampled, not cut off by a cap).
    complete: bool,
}

impl Walked {
    /// The walk stopped before `total` with items seen (an empty page, or
    /// the page cap): what it saw is still a whole sequence to compare.
    fn ended_early(&self) -> bool {
        !self.complete && !self.items.is_empty() && self.last.is_some()
    }
}

/// Whether `status` is the right answer for something that does not exist:
/// 404 when the operation documents it, else a 4xx that is not about the
/// request's credentials, Accept or rate; and what was expected, in words.
fn missing_verdict(op: &Operation, status: u16) -> (bool, &'static str) {
    if op.responses.iter().any(|r| r.status.code() == Some(404)) {
        (status == 404, "404")
    } else {
        let other = (400..500).contains(&status) && ![401, 403, 406, 429].contains(&status);
        (other, "a 4xx")
    }
}

/// A page that cannot lead further: no page size to step by, or no items.
fn walk_ends(step: i64, items: usize) -> bool {
    step <= 0 || items == 0
}

/// The phases of a live run, in report order: an exchange's place in the
/// report is its phase first, so the report reads the same on every run
/// whatever order the answers arrive in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Phase {
    /// Probes of the request rules (credentials, Accept, parameters, methods).
    Probe,
    /// Walks of every list at several page sizes.
    Walk,
    /// Listed items fetched alone.
    Item,
    /// Requests that must be answered "not found".
    Missing,
    /// The second website's data, asked for with the first's secret.
    Tenant,
}

fn lists(ops: &[Operation]) -> Vec<List<'_>> {
    ops.iter()
        .filter(|o| o.method == "GET")
        .filter_map(|op| {
            let paging = op.pagination.as_ref()?.offset_limit()?;
            Some(List {
                op,
                paging,
                limit: op.query_param(&paging.limit_param),
                item: op.item.as_ref().and_then(|link| {
                    let target = ops.iter().find(|o| o.id == link.operation)?;
                    Some((target, link.parameters.as_slice()))
                }),
            })
        })
        .collect()
}

/// The template with its parameters filled in (percent-encoded).
fn path_of(op: &Operation, values: &PathValues) -> Option<String> {
    let mut path = op.template.clone();
    for name in op.path_params.iter().map(|p| &p.name) {
        let value = values.get(name)?;
        let encoded: String =
            url::form_urlencoded::byte_serialize(value.as_bytes()).collect::<String>();
        path = path.replace(&format!("{{{name}}}"), &encoded.replace('+', "%20"));
    }
    Some(path)
}

/// The identity of a listed item: its linked properties, else all of it.
fn key_of(list: &List<'_>, item: &Value) -> String {
    identity(list.item.map(|(_, params)| params), item)
}

/// An item's identity from the properties its item link names; the whole
/// item when there is no link (or it names none).
fn identity(params: Option<&[ItemParameter]>, item: &Value) -> String {
    match params {
        Some(params) if !params.is_empty() => params
            .iter()
            .map(|p| {
                let value = item.get(&p.property).map(Value::to_string);
                format!("{}={}", p.property, value.unwrap_or_default())
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

/// The page at `offset` lists the same items first whatever the page size.
fn page_size_agreement(
    first: &[String],
    second: &[String],
    offset: i64,
    step: i64,
    size: i64,
) -> Vec<Finding> {
    let n = first.len().min(second.len());
    match (0..n).find(|&i| first[i] != second[i]) {
        None => Vec::new(),
        Some(i) => vec![finding(format!(
            "at offset {offset}, limit {size} lists {} at position {i} where limit {step} lists {}: the order is not stable",
            second[i], first[i]
        ))],
    }
}

/// Pages a full walk of `total` items takes at `step` items a page.
fn pages_needed(total: i64, step: i64) -> i64 {
    if step <= 0 {
        return 0;
    }
    (total.max(0) + step - 1) / step
}

/// Three offsets spread over the list by a fixed-seed draw (the same run
/// asks the same pages): one in each third.
fn drawn_offsets(total: i64, step: i64) -> Vec<i64> {
    let mut state = (total as u64) ^ ((step as u64) << 32) ^ 0x9e37_79b9_7f4a_7c15;
    (0..3)
        .map(|third| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let span = (total / 3).max(1);
            (third * span + (state >> 33) as i64 % span).min((total - 1).max(0))
        })
        .collect()
}

/// Every offset a sampled walk asks, ascending, without repeats: the next
/// two pages, each drawn offset and the page after it, the last page, and
/// `total` (past the end).
fn sampled_offsets(total: i64, step: i64, drawn: &[i64]) -> Vec<i64> {
    let last = ((total - 1).max(0) / step) * step;
    let mut offsets = vec![step, 2 * step, last, total];
    for &o in drawn {
        offsets.extend([o, o + step]);
    }
    offsets.retain(|&o| o > 0 && o <= total);
    offsets.sort_unstable();
    offsets.dedup();
    offsets
}

/// One walk in progress: what it collected and where each item first appeared.
struct Walk<'l> {
    list: &'l List<'l>,
    walked: Walked,
    first_at: BTreeMap<String, usize>,
    total: Option<i64>,
    /// Items per page, once the first page said it.
    step: Option<i64>,
}

impl<'l> Walk<'l> {
    fn new(list: &'l List<'l>) -> Self {
        Walk {
            list,
            walked: Walked {
                items: Vec::new(),
                keys: Vec::new(),
                last: None,
                complete: false,
            },
            first_at: BTreeMap::new(),
            total: None,
            step: None,
        }
    }

    /// Takes one page's items; the findings of the walk's laws on it:
    /// `total` unchanged, no item repeated, the documented order kept.
    fn page(&mut self, page: &Value, items: &[Value], offset: i64) -> Vec<Finding> {
        let mut findings = Vec::new();
        let paging = self.list.paging;
        let page_total = page.get(&paging.total_field).and_then(Value::as_i64);
        match (self.total, page_total) {
            (None, t) => self.total = t,
            (Some(t0), Some(t)) if t != t0 => findings.push(finding(format!(
                "`{}` changed during the walk: {t0} on the first page, {t} at offset {offset}",
                paging.total_field
            ))),
            _ => {}
        }
        for item in items {
            let key = key_of(self.list, item);
            let position = self.walked.items.len();
            if let Some(first) = self.first_at.get(&key) {
                findings.push(finding(format!(
                    "the item {key} is listed again at position {position} (first at {first})"
                )));
            } else {
                self.first_at.insert(key.clone(), position);
            }
            if let Some(prev) = self.walked.items.last()
                && !in_order(&paging.order, prev, item)
            {
                findings.push(finding(format!(
                    "the item {key} at position {position} sorts before the one above it by ({})",
                    paging.order.join(", ")
                )));
            }
            self.walked.keys.push(key);
            self.walked.items.push(item.clone());
        }
        findings
    }
}

/// The request for the page at `offset` (the limit omitted: the default).
fn page_request(list: &List<'_>, path: &str, auth: Auth, limit: Option<i64>, offset: i64) -> Req {
    let mut req = Req::get(path.to_string(), auth);
    if auth != Auth::Secret(0) {
        req = req.noted("as the second website");
    }
    if let Some(l) = limit {
        req.query
            .push((list.paging.limit_param.clone(), l.to_string()));
    }
    if offset > 0 || limit.is_some() {
        req.query
            .push((list.paging.offset_param.clone(), offset.to_string()));
    }
    req
}

/// The page's items, or why the walk stops here.
fn page_items<'v>(list: &List<'_>, answer: &'v Answer, offset: i64) -> Result<&'v [Value], String> {
    let page = match (answer.status, &answer.body) {
        (Some(200), Some(body)) => body,
        (status, _) => {
            let got = status.map_or("no answer".to_string(), |s| format!("status {s}"));
            return Err(format!(
                "the walk stopped: the page at offset {offset} got {got}"
            ));
        }
    };
    let items = page.get(&list.paging.items_field).and_then(Value::as_array);
    items.map(Vec::as_slice).ok_or_else(|| {
        format!(
            "the walk stopped: the page at offset {offset} has no `{}` list",
            list.paging.items_field
        )
    })
}

impl Ctx<'_> {
    fn seq(&self, phase: Phase, group: u32) -> Seq {
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
        values: &PathValues,
        limit: Option<i64>,
        auth: Auth,
    ) -> Walked {
        let mut walk = Walk::new(list);
        let Some(path) = path_of(list.op, values) else {
            return walk.walked;
        };
        let mut offset = 0i64;
        let mut capped = true;
        for _ in 0..self.config.max_pages {
            // After the first page (which sets the step and the total): is a
            // full walk over the budget?
            if let Some(step) = walk.step
                && let Some(total) = walk.total
                && pages_needed(total, step) > self.page_allowance()
            {
                return self.sampled_walk(seq, &path, auth, limit, walk).await;
            }
            let answer = self
                .send(seq, page_request(list, &path, auth, limit, offset))
                .await;
            walk.walked.last = Some(answer.handle);
            let items = match page_items(list, &answer, offset) {
                Ok(items) => items,
                Err(message) => {
                    self.attach(answer.handle, Check::LiveWalk, vec![finding(message)]);
                    return walk.walked;
                }
            };
            let page = answer.body.as_ref().unwrap_or(&Value::Null);
            let findings = walk.page(page, items, offset);
            self.attach(answer.handle, Check::LiveWalk, findings);
            let step = limit
                .or_else(|| page.get(&list.paging.limit_field).and_then(Value::as_i64))
                .unwrap_or(0);
            walk.step = Some(step);
            if walk_ends(step, items.len()) {
                capped = false;
                break;
            }
            offset += step;
            if offset >= walk.total.unwrap_or(0) {
                walk.walked.complete = true;
                capped = false;
                break;
            }
        }
        if capped {
            // The run's own page cap ended the walk: nothing to say about
            // the server, and nothing to compare.
            return walk.walked;
        }
        self.finish_walk(walk)
    }

    /// Pages one full walk may take before it is sampled instead.
    fn page_allowance(&self) -> i64 {
        let allowance = (self.config.max_requests / 10).clamp(10, self.config.max_pages.max(10));
        allowance as i64
    }

    /// A walk too long for the budget, after its first page: the next two
    /// pages, adjacent pairs at three offsets spread by a fixed-seed draw,
    /// the last page and one past the end, in offset order (so the order,
    /// repeat and `total` laws still apply across them; each page's size is
    /// judged by `pagination`); and each drawn offset that answered again
    /// at a second page size, which must list the same items.
    async fn sampled_walk(
        &self,
        seq: &mut Seq,
        path: &str,
        auth: Auth,
        limit: Option<i64>,
        mut walk: Walk<'_>,
    ) -> Walked {
        let (Some(total), Some(step)) = (walk.total, walk.step) else {
            return walk.walked;
        };
        let list = walk.list;
        let note = format!(
            "sampled: a full walk is {} pages at this page size, over the run's budget of {} (--max-requests)",
            pages_needed(total, step),
            self.page_allowance()
        );
        let drawn = drawn_offsets(total, step);
        let mut seen: BTreeMap<i64, Vec<String>> = BTreeMap::new();
        for offset in sampled_offsets(total, step, &drawn) {
            let req =
                page_request(list, path, auth, limit.or(Some(step)), offset).noted(note.clone());
            let answer = self.send(seq, req).await;
            walk.walked.last = Some(answer.handle);
            let findings = match page_items(list, &answer, offset) {
                Ok(items) => {
                    seen.insert(offset, items.iter().map(|i| key_of(list, i)).collect());
                    walk.page(answer.body.as_ref().unwrap_or(&Value::Null), items, offset)
                }
                Err(message) => vec![finding(message)],
            };
            self.attach(answer.handle, Check::LiveWalk, findings);
        }
        let second = (step / 2).max(list.limit.and_then(|l| l.minimum).unwrap_or(1));
        if second < step {
            for offset in drawn.iter().filter(|o| seen.contains_key(o)) {
                let req = page_request(list, path, auth, Some(second), *offset).noted(note.clone());
                let answer = self.send(seq, req).await;
                let findings = match (page_items(list, &answer, *offset), seen.get(offset)) {
                    (Ok(items), Some(first)) => {
                        let keys: Vec<String> = items.iter().map(|i| key_of(list, i)).collect();
                        page_size_agreement(first, &keys, *offset, step, second)
                    }
                    (Err(message), _) => vec![finding(message)],
                    (Ok(_), None) => Vec::new(),
                };
                self.attach(answer.handle, Check::LiveWalk, findings);
            }
        }
        walk.walked
    }

    /// The end of a walk: complete unless it saw nothing; its count against `total`.
    fn finish_walk(&self, mut walk: Walk<'_>) -> Walked {
        let walked = &mut walk.walked;
        if walked.ended_early() {
            // An empty page before `total` was reached, or the page cap.
            walked.complete = true;
        }
        if let (Some(last), Some(t)) = (walked.last, walk.total)
            && walked.items.len() as i64 != t
        {
            let message = format!(
                "the walk collected {} items but `{}` says {t}",
                walked.items.len(),
                walk.list.paging.total_field
            );
            self.attach(last, Check::LiveWalk, vec![finding(message)]);
        }
        walk.walked
    }

    /// Walks at every page size; checks the walks agree; returns the first.
    async fn walks(
        &self,
        phase_group: (Phase, u32),
        list: &List<'_>,
        values: PathValues,
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
    async fn probes(&self, group: u32, op: &Operation, values: &PathValues) {
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

/// The values for an item operation's path: the context's plus the link's.
fn item_values(context: &Context, params: &[ItemParameter], item: &Value) -> Option<PathValues> {
    let mut values = context.values.clone();
    for p in params {
        values.push(&p.path_parameter, path_text(item.get(&p.property)?)?);
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
        .find(|p| p.name == name)
        .map_or(ScalarKind::String, |p| p.kind)
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

/// The path-parameter contexts each list was walked under, by operationId.
type Contexts = BTreeMap<String, Vec<Context>>;

/// A planned request (or a few), run concurrently with the others.
type Task<'a> = std::pin::Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// Numbers the run's tasks in planning order, which is report order.
#[derive(Default)]
struct Groups(u32);

impl Groups {
    fn next(&mut self) -> u32 {
        self.0 += 1;
        self.0
    }
}

/// Plans and sends the whole run: the walks first (they find the ids every
/// later phase needs), then every other phase at once.
pub(crate) async fn run(ctx: &Ctx<'_>) {
    let model = ctx.contract.model();
    let lists = lists(&model.operations);
    let mut groups = Groups::default();
    let contexts = walk_phase(ctx, &lists, &mut groups).await;
    let mut tasks = probe_tasks(ctx, &model.operations, &lists, &contexts, &mut groups);
    tasks.extend(item_tasks(ctx, &lists, &contexts, &mut groups));
    tasks.extend(missing_tasks(ctx, &lists, &contexts, &mut groups));
    tasks.extend(isolation_tasks(ctx, &lists, &contexts, &mut groups));
    join_all(tasks).await;
}

/// [`Phase::Walk`]: lists without path parameters, then lists under their
/// items, sampled, until no list is left whose parent was walked.
async fn walk_phase(ctx: &Ctx<'_>, lists: &[List<'_>], groups: &mut Groups) -> Contexts {
    let mut contexts = Contexts::new();
    let roots: Vec<(&List, u32)> = lists
        .iter()
        .filter(|l| l.op.path_params.is_empty())
        .map(|l| (l, groups.next()))
        .collect();
    let walked = join_all(
        roots
            .iter()
            .map(|(l, g)| ctx.walks((Phase::Walk, *g), l, PathValues::default(), false)),
    )
    .await;
    for ((l, _), c) in roots.iter().zip(walked) {
        contexts.insert(l.op.id.clone(), vec![c]);
    }
    let mut pending: Vec<&List> = lists
        .iter()
        .filter(|l| !l.op.path_params.is_empty())
        .collect();
    while !pending.is_empty() {
        let before = pending.len();
        let jobs = child_jobs(ctx, lists, &contexts, &mut pending, groups);
        let walked = join_all(
            jobs.iter()
                .map(|j| ctx.walks((Phase::Walk, j.group), j.list, j.values.clone(), true)),
        )
        .await;
        for (j, c) in jobs.iter().zip(walked) {
            contexts.entry(j.list.op.id.clone()).or_default().push(c);
        }
        if pending.len() == before {
            break;
        }
    }
    contexts
}

/// A child list to walk under one parent item.
struct ChildJob<'l> {
    list: &'l List<'l>,
    values: PathValues,
    group: u32,
}

/// The child lists whose parent list is walked, each under a sample of
/// the parent's items; removes them (and lists nothing provides for) from
/// `pending`.
fn child_jobs<'l>(
    ctx: &Ctx<'_>,
    lists: &'l [List<'l>],
    contexts: &Contexts,
    pending: &mut Vec<&'l List<'l>>,
    groups: &mut Groups,
) -> Vec<ChildJob<'l>> {
    let mut ready = Vec::new();
    pending.retain(|child| {
        let Some(parent) = provider(lists, child) else {
            return false; // nothing provides its parameters: not walked
        };
        match contexts.get(&parent.op.id) {
            Some(parents) => {
                ready.push((*child, parent, parents));
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
                    jobs.push(ChildJob {
                        list: child,
                        values,
                        group: groups.next(),
                    });
                }
            }
        }
    }
    jobs
}

/// [`Phase::Probe`]: the request rules, on every GET operation we can address.
fn probe_tasks<'a>(
    ctx: &'a Ctx<'_>,
    operations: &'a [Operation],
    lists: &[List<'_>],
    contexts: &Contexts,
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

/// Path values that address `op`: a context `l` was walked under when `op`
/// is the list, else the first item found when `op` is its item operation.
fn address(l: &List<'_>, op: &Operation, contexts: &Contexts) -> Option<PathValues> {
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
}

/// [`Phase::Item`]: a sample of listed items, each fetched alone and compared.
fn item_tasks<'a>(
    ctx: &'a Ctx<'_>,
    lists: &[List<'_>],
    contexts: &Contexts,
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
    async fn item_alone(&self, group: u32, path: String, mut listed: Value) {
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
        self.attach(answer.handle, Check::LiveConsistency, findings);
    }
}

/// The `live.consistency` finding for a listed item and the same item alone.
fn difference_findings(listed: &Value, alone: &Value) -> Vec<Finding> {
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

/// A request that must be answered "not found", planned before it is sent.
struct MissingProbe<'a> {
    path: String,
    op: &'a Operation,
    what: String,
}

/// [`Phase::Missing`]: unknown ids, non-integer ids, items under another
/// parent, child lists under an unknown parent.
fn missing_tasks<'a>(
    ctx: &'a Ctx<'_>,
    lists: &[List<'a>],
    contexts: &Contexts,
    groups: &mut Groups,
) -> Vec<Task<'a>> {
    let mut missing: Vec<MissingProbe<'a>> = Vec::new();
    for l in lists {
        let all: &[Context] = contexts.get(&l.op.id).map_or(&[], Vec::as_slice);
        missing_items(l, all, &mut missing);
        if let Some(parent) = provider(lists, l) {
            let parents: &[Context] = contexts.get(&parent.op.id).map_or(&[], Vec::as_slice);
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
fn missing_items<'a>(l: &List<'a>, all: &[Context], out: &mut Vec<MissingProbe<'a>>) {
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
    let with_items: Vec<&Context> = all.iter().filter(|c| !c.items.is_empty()).collect();
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
fn unknown_parent<'a>(
    l: &List<'a>,
    parent: &List<'_>,
    parents: &[Context],
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

/// [`Phase::Tenant`]: with a second secret, each root list walked as the
/// second website, and its items asked for with the first's secret.
fn isolation_tasks<'a>(
    ctx: &'a Ctx<'_>,
    lists: &'a [List<'a>],
    contexts: &Contexts,
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
async fn isolation(
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
                ctx.expect_missing(&mut seq, req, op, Check::LiveIsolation, &what)
                    .await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use openapi_model::ItemParameter;

    use super::{
        Context, Contexts, PathValues, Walk, Walked, address, collect_strings, drawn_offsets,
        first_difference, identity, in_order, lists, missing_items, missing_verdict,
        page_size_agreement, pages_needed, sample, sampled_offsets, unknown_parent, walk_ends,
    };

    fn signalzen() -> openapi_model::Model {
        let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../openapi/signalzen-v1.yaml");
        let doc = openapi_spec::load(&spec, &Default::default()).unwrap();
        openapi_model::Model::build(&doc, None).unwrap()
    }

    fn values(pairs: &[(&str, &str)]) -> PathValues {
        let mut v = PathValues::default();
        for (name, value) in pairs {
            v.push(name, value.to_string());
        }
        v
    }

    fn context(pairs: &[(&str, &str)], ids: &[i64]) -> Context {
        Context {
            values: values(pairs),
            items: ids.iter().map(|i| json!({"id": i})).collect(),
        }
    }

    fn shown(v: &Option<PathValues>) -> Option<Vec<(String, String)>> {
        v.as_ref().map(|v| {
            v.0.iter()
                .map(|p| (p.name.clone(), p.value.clone()))
                .collect()
        })
    }

    #[test]
    fn an_operation_is_addressed_from_the_walks_of_its_list() {
        let model = signalzen();
        let all = lists(&model.operations);
        let users = all.iter().find(|l| l.op.id == "listUsers").unwrap();
        let messages = all.iter().find(|l| l.op.id == "listMessages").unwrap();
        let op = |id: &str| model.operation(id).unwrap();
        let mut contexts = Contexts::new();
        contexts.insert("listUsers".into(), vec![context(&[], &[5, 6])]);
        contexts.insert(
            "listMessages".into(),
            vec![
                context(&[("user_id", "5")], &[]),
                context(&[("user_id", "6")], &[9]),
            ],
        );
        let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(
            shown(&address(users, op("listUsers"), &contexts)),
            Some(vec![])
        );
        assert_eq!(
            shown(&address(users, op("getUser"), &contexts)),
            Some(vec![pair("user_id", "5")])
        );
        // The first walk that found items addresses the item operation.
        assert_eq!(
            shown(&address(messages, op("getMessage"), &contexts)),
            Some(vec![pair("user_id", "6"), pair("message_id", "9")])
        );
        assert_eq!(
            shown(&address(messages, op("listMessages"), &contexts)),
            Some(vec![pair("user_id", "5")])
        );
        assert!(address(users, op("getMessage"), &contexts).is_none());
        assert!(address(messages, op("getUser"), &contexts).is_none());
    }

    #[test]
    fn missing_probes_ask_unknown_non_integer_and_foreign_items() {
        let model = signalzen();
        let all = lists(&model.operations);
        let messages = all.iter().find(|l| l.op.id == "listMessages").unwrap();
        let probes = |contexts: &[Context]| {
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

    #[test]
    fn signed_links_are_found_inside_lists_too() {
        let page = json!({"messages": [{"file_url": "https://f.test/a"}, {"file_url": null}, {"nested": {"file_url": "https://f.test/b"}}]});
        let mut found = Vec::new();
        collect_strings(&page, &["file_url".to_string()], "", &mut found);
        assert_eq!(
            found,
            [
                (
                    "/messages/0/file_url".to_string(),
                    "https://f.test/a".to_string()
                ),
                (
                    "/messages/2/nested/file_url".to_string(),
                    "https://f.test/b".to_string()
                ),
            ]
        );
    }

    #[test]
    fn a_total_that_changes_during_a_walk_is_a_finding() {
        let text = r#"openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /things:
    get:
      operationId: listThings
      x-pagination: {style: offset-limit, itemsField: things, order: [id]}
      responses:
        '200': {description: a page}
"#;
        let doc = openapi_spec::load_str(
            text,
            std::path::Path::new("t.yaml"),
            false,
            &Default::default(),
        )
        .unwrap();
        let model = openapi_model::Model::build(&doc, None).unwrap();
        let all = lists(&model.operations);
        let mut walk = Walk::new(&all[0]);
        let items = |ids: &[i64]| ids.iter().map(|i| json!({"id": i})).collect::<Vec<_>>();
        assert!(
            walk.page(&json!({"total": 4}), &items(&[1, 2]), 0)
                .is_empty()
        );
        let findings = walk.page(&json!({"total": 5}), &items(&[3, 4]), 2);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(
            findings[0].message,
            "`total` changed during the walk: 4 on the first page, 5 at offset 2"
        );
        assert!(walk.page(&json!({"total": 4}), &items(&[5]), 4).is_empty());
    }

    #[test]
    fn the_draw_is_fixed_by_total_and_page_size_and_stays_inside_the_list() {
        // Reports are reproducible: the same list asks the same pages.
        assert_eq!(drawn_offsets(100_000, 7), [30_110, 53_318, 67_814]);
        assert_eq!(drawn_offsets(100_000, 13), [18_717, 51_750, 69_515]);
        // A two-item list: offsets 0 and 1 only, never `total`.
        assert_eq!(drawn_offsets(2, 1), [0, 1, 1]);
        // The last page of a list that fills its pages exactly starts one
        // page before `total`.
        assert_eq!(sampled_offsets(70, 7, &[]), [7, 14, 63, 70]);
        assert!(drawn_offsets(0, 5).iter().all(|&o| o == 0));
    }

    #[test]
    fn an_item_is_known_by_its_linked_properties_or_whole() {
        let item = json!({"id": 7, "name": "Ann"});
        let by_id = [ItemParameter {
            path_parameter: "user_id".into(),
            property: "id".into(),
        }];
        assert_eq!(identity(Some(&by_id), &item), "id=7");
        assert_eq!(identity(Some(&[]), &item), item.to_string());
        assert_eq!(identity(None, &item), item.to_string());
    }

    #[test]
    fn two_page_sizes_must_list_the_same_items_first() {
        let keys = |k: &[&str]| k.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(
            page_size_agreement(&keys(&["a", "b"]), &keys(&["a", "b", "c"]), 0, 7, 13).is_empty()
        );
        let findings = page_size_agreement(&keys(&["a", "b"]), &keys(&["a", "c"]), 14, 7, 13);
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].message,
            "at offset 14, limit 13 lists c at position 1 where limit 7 lists b: the order is not stable"
        );
    }

    #[test]
    fn a_walk_ends_without_a_step_or_without_items() {
        assert!(walk_ends(0, 5));
        assert!(walk_ends(-1, 5));
        assert!(walk_ends(7, 0));
        assert!(!walk_ends(7, 5));
        assert!(!walk_ends(1, 1));
    }

    #[test]
    fn a_walk_ended_early_only_when_incomplete_with_items_and_a_last_page() {
        let walked = |complete, items: usize, last: Option<usize>| Walked {
            items: vec![serde_json::Value::Null; items],
            keys: Vec::new(),
            last,
            complete,
        };
        assert!(walked(false, 3, Some(2)).ended_early());
        assert!(!walked(true, 3, Some(2)).ended_early());
        assert!(!walked(false, 0, Some(2)).ended_early());
        assert!(!walked(false, 3, None).ended_early());
    }

    #[test]
    fn sampled_offsets_cover_start_middle_end_and_past_the_end() {
        assert_eq!(pages_needed(100_000, 7), 14_286);
        assert_eq!(pages_needed(0, 7), 0);
        assert_eq!(pages_needed(10, 0), 0);
        let drawn = drawn_offsets(100_000, 7);
        assert_eq!(drawn, drawn_offsets(100_000, 7), "deterministic");
        assert_eq!(drawn.len(), 3);
        for (third, o) in drawn.iter().enumerate() {
            let span = 100_000 / 3;
            assert!(
                (third as i64 * span..(third as i64 + 1) * span).contains(o),
                "{o}"
            );
        }
        let offsets = sampled_offsets(100_000, 7, &drawn);
        assert!(
            offsets.windows(2).all(|w| w[0] < w[1]),
            "ascending, no repeats"
        );
        for want in [7, 14, 99_995, 100_000] {
            assert!(offsets.contains(&want), "{want} in {offsets:?}");
        }
        for o in &drawn {
            assert!(offsets.contains(o) && offsets.contains(&(o + 7)));
        }
        assert!(offsets.iter().all(|&o| o > 0 && o <= 100_000));
    }

    #[test]
    fn order_is_checked_key_by_key_ascending() {
        let order = ["created_at".to_string(), "id".to_string()];
        let at = |t: &str, id: i64| json!({"created_at": t, "id": id});
        assert!(in_order(&order, &at("a", 1), &at("b", 0)));
        assert!(!in_order(&order, &at("b", 0), &at("a", 1)));
        // Same first key: the second decides.
        assert!(in_order(&order, &at("a", 1), &at("a", 2)));
        assert!(!in_order(&order, &at("a", 2), &at("a", 1)));
        // Equal items may follow each other.
        assert!(in_order(&order, &at("a", 1), &at("a", 1)));
        // A missing key or values of different types cannot be compared: allowed.
        assert!(in_order(
            &order,
            &json!({"id": 2}),
            &json!({"id": 1, "created_at": "a"})
        ));
        assert!(!in_order(
            &["id".to_string()],
            &json!({"id": 2.5}),
            &json!({"id": 1})
        ));
        assert!(in_order(
            &["id".to_string()],
            &json!({"id": "2"}),
            &json!({"id": 1})
        ));
        assert!(in_order(&[], &json!({"id": 2}), &json!({"id": 1})));
    }

    #[test]
    fn sampling_keeps_first_and_last_evenly_spread() {
        let items: Vec<u32> = (0..10).collect();
        assert_eq!(sample(&items, 3), vec![&0, &4, &9]);
        assert_eq!(sample(&items, 2), vec![&0, &9]);
        assert_eq!(sample(&items, 1), vec![&0]);
        assert_eq!(sample(&items, 0), vec![&0]);
        assert_eq!(sample(&items, 10).len(), 10);
        assert_eq!(sample(&items, 50).len(), 10);
        assert!(sample::<u32>(&[], 3).is_empty());
        let five = sample(&items, 5);
        assert_eq!(five, vec![&0, &2, &4, &6, &9]);
    }

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
