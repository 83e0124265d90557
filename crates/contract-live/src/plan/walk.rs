//! [`Phase::Walk`]: every list walked at several page sizes, its pages
//! held to the laws of `openapi_paging` (no repeat, the order kept, `total`
//! unchanged); lists too long for the budget sampled; child lists walked
//! under a sample of their parent's items.

use std::collections::BTreeMap;

use futures_util::future::join_all;
use openapi_contract::{Check, Finding};
use openapi_model::OffsetLimit;
use openapi_model::paging::{Broken, Page, PageLaws};
use serde_json::Value;

use super::sampling::{drawn_offsets, pages_needed, sample, sampled_offsets};
use super::{
    Groups, List, PathValues, Phase, WalkedList, WalkedLists, item_values, key_of, path_of,
    provider,
};
use crate::client::{Auth, Req};
use crate::{Answer, Ctx, Seq, finding};

pub(super) struct Walked {
    pub(super) items: Vec<Value>,
    pub(super) keys: Vec<String>,
    pub(super) last: Option<usize>,
    /// Every item was seen, in order (not sampled, not cut off by a cap).
    pub(super) complete: bool,
}

impl Walked {
    /// The walk stopped before `total` with items seen (an empty page, or
    /// the page cap): what it saw is still a whole sequence to compare.
    pub(super) fn ended_early(&self) -> bool {
        !self.complete && !self.items.is_empty() && self.last.is_some()
    }
}

/// A page that cannot lead further: no page size to step by, or no items.
pub(super) fn walk_ends(step: i64, items: usize) -> bool {
    step <= 0 || items == 0
}

/// The page at `offset` lists the same items first whatever the page size.
pub(super) fn page_size_agreement(
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

/// One walk in progress: what it collected, and the laws it is held to.
pub(super) struct Walk<'l> {
    pub(super) list: &'l List<'l>,
    pub(super) walked: Walked,
    pub(super) laws: PageLaws,
    /// Items per page, once the first page said it.
    pub(super) step: Option<i64>,
}

impl<'l> Walk<'l> {
    pub(super) fn new(list: &'l List<'l>) -> Self {
        Walk {
            list,
            walked: Walked {
                items: Vec::new(),
                keys: Vec::new(),
                last: None,
                complete: false,
            },
            laws: PageLaws::new(list.identity.clone(), list.paging.order.clone()),
            step: None,
        }
    }

    /// The first page's total, once a page said one.
    pub(super) fn total(&self) -> Option<i64> {
        self.laws.total()
    }

    /// Takes one page's items; the findings of the walk's laws on it:
    /// `total` unchanged, no item repeated, the documented order kept. (The
    /// page's length is judged alone, by `pagination`.)
    pub(super) fn page(&mut self, page: &Value, items: &[Value], offset: i64) -> Vec<Finding> {
        let paging = self.list.paging;
        let total = page.get(&paging.total_field).and_then(Value::as_i64);
        let seen = Page {
            offset,
            limit: None,
            total,
            items,
        };
        let findings = self
            .laws
            .page(&seen)
            .into_iter()
            .filter_map(|broken| broken_message(paging, &broken, offset).map(finding))
            .collect();
        for item in items {
            self.walked.keys.push(key_of(self.list, item));
            self.walked.items.push(item.clone());
        }
        findings
    }
}

/// A broken law of the walk, in words; `None` for a page's length (the
/// walk asks no length law: `pagination` judges each page alone) and for an
/// empty page before the end (the walk's count against `total` says it).
pub(super) fn broken_message(paging: &OffsetLimit, broken: &Broken, offset: i64) -> Option<String> {
    Some(match broken {
        Broken::TotalChanged { from, to } => format!(
            "`{}` changed during the walk: {from} on the first page, {to} at offset {offset}",
            paging.total_field
        ),
        Broken::Repeated {
            key,
            position,
            first,
        } => {
            format!("the item {key} is listed again at position {position} (first at {first})")
        }
        Broken::OutOfOrder { key, position } => format!(
            "the item {key} at position {position} sorts before the one above it by ({})",
            paging.order.join(", ")
        ),
        Broken::Length { .. } | Broken::Empty { .. } => return None,
    })
}

/// The request for the page at `offset` (the limit omitted: the default).
pub(super) fn page_request(
    list: &List<'_>,
    path: &str,
    auth: Auth,
    limit: Option<i64>,
    offset: i64,
) -> Req {
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
pub(super) fn page_items<'v>(
    list: &List<'_>,
    answer: &'v Answer,
    offset: i64,
) -> Result<&'v [Value], String> {
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
    /// Pages through one list under `values`, checking the walk as it goes.
    pub(super) async fn walk(
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
                && let Some(total) = walk.total()
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
                    self.attach(answer.handle, Check::PaginationWalk, vec![finding(message)]);
                    return walk.walked;
                }
            };
            let page = answer.body.as_ref().unwrap_or(&Value::Null);
            let findings = walk.page(page, items, offset);
            self.attach(answer.handle, Check::PaginationWalk, findings);
            let step = limit
                .or_else(|| page.get(&list.paging.limit_field).and_then(Value::as_i64))
                .unwrap_or(0);
            walk.step = Some(step);
            if walk_ends(step, items.len()) {
                capped = false;
                break;
            }
            offset += step;
            if offset >= walk.total().unwrap_or(0) {
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
    pub(super) fn page_allowance(&self) -> i64 {
        let allowance = (self.config.max_requests / 10).clamp(10, self.config.max_pages.max(10));
        allowance as i64
    }

    /// A walk too long for the budget, after its first page: the next two
    /// pages, adjacent pairs at three offsets spread by a fixed-seed draw,
    /// the last page and one past the end, in offset order (so the order,
    /// repeat and `total` laws still apply across them; each page's size is
    /// judged by `pagination`); and each drawn offset that answered again
    /// at a second page size, which must list the same items.
    pub(super) async fn sampled_walk(
        &self,
        seq: &mut Seq,
        path: &str,
        auth: Auth,
        limit: Option<i64>,
        mut walk: Walk<'_>,
    ) -> Walked {
        let (Some(total), Some(step)) = (walk.total(), walk.step) else {
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
            self.attach(answer.handle, Check::PaginationWalk, findings);
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
                self.attach(answer.handle, Check::PaginationWalk, findings);
            }
        }
        walk.walked
    }

    /// The end of a walk: complete unless it saw nothing; its count against `total`.
    pub(super) fn finish_walk(&self, mut walk: Walk<'_>) -> Walked {
        let total = walk.total();
        let walked = &mut walk.walked;
        if walked.ended_early() {
            // An empty page before `total` was reached, or the page cap.
            walked.complete = true;
        }
        if let (Some(last), Some(t)) = (walked.last, total)
            && walked.items.len() as i64 != t
        {
            let message = format!(
                "the walk collected {} items but `{}` says {t}",
                walked.items.len(),
                walk.list.paging.total_field
            );
            self.attach(last, Check::PaginationWalk, vec![finding(message)]);
        }
        walk.walked
    }

    /// After a complete walk, one page past the end at the default size:
    /// `pagination` judges that it is empty (a sampled walk asks its own).
    async fn past_the_end(
        &self,
        seq: &mut Seq,
        list: &List<'_>,
        values: &PathValues,
        walked: &Walked,
    ) {
        let total = walked.items.len() as i64;
        if !walked.complete || total == 0 {
            return;
        }
        let Some(path) = path_of(list.op, values) else {
            return;
        };
        let req =
            page_request(list, &path, Auth::Secret(0), None, total).noted("one page past the end");
        self.send(seq, req).await;
    }

    /// Walks at every page size; checks the walks agree; returns the first.
    pub(super) async fn walks(
        &self,
        phase_group: (Phase, u32),
        list: &List<'_>,
        values: PathValues,
        child: bool,
    ) -> WalkedList {
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
                    Check::PaginationWalk,
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
        if let Some((_, first)) = done.first() {
            self.past_the_end(&mut seq, list, &values, first).await;
        }
        WalkedList {
            values,
            items: done
                .into_iter()
                .next()
                .map(|(_, w)| w.items)
                .unwrap_or_default(),
        }
    }
}

/// [`Phase::Walk`]: lists without path parameters, then lists under their
/// items, sampled, until no list is left whose parent was walked.
pub(super) async fn walk_phase(
    ctx: &Ctx<'_>,
    lists: &[List<'_>],
    groups: &mut Groups,
) -> WalkedLists {
    let mut contexts = WalkedLists::new();
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
pub(super) struct ChildJob<'l> {
    pub(super) list: &'l List<'l>,
    pub(super) values: PathValues,
    pub(super) group: u32,
}

/// The child lists whose parent list is walked, each under a sample of
/// the parent's items; removes them (and lists nothing provides for) from
/// `pending`.
pub(super) fn child_jobs<'l>(
    ctx: &Ctx<'_>,
    lists: &'l [List<'l>],
    contexts: &WalkedLists,
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::plan::lists;

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
}
