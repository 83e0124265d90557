//! What to ask: walks of every list at several page sizes, probes of the
//! request rules, items fetched alone, unknown and foreign ids, and the
//! other tenant's data. All of it read from the compiled document.
//!
//! One file per phase ([`Phase`]), each with its tests: `walk` (and its
//! `sampling` maths), `probe`, `item`, `missing`, `tenant`. This file holds
//! what they share: the lists, the path values, the run's order.

mod item;
mod missing;
mod probe;
mod sampling;
mod tenant;
mod walk;

mod fixtures;

use std::collections::BTreeMap;

use futures_util::future::join_all;
use openapi_contract::normalize::path_text;
use openapi_model::paging::Identity;
use openapi_model::{ItemParameter, OffsetLimit, Operation, QueryParam, ScalarKind};
use serde_json::Value;

use crate::{Ctx, Seq};
use item::item_tasks;
use missing::missing_tasks;
use probe::probe_tasks;
use tenant::isolation_tasks;
use walk::walk_phase;

/// A list operation and how to page and key it.
struct List<'a> {
    op: &'a Operation,
    paging: &'a OffsetLimit,
    limit: Option<&'a QueryParam>,
    /// The operation that fetches one item, and which item property fills
    /// which of its path parameters.
    item: Option<(&'a Operation, &'a [ItemParameter])>,
    /// How its items are told apart.
    identity: Identity,
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
struct WalkedList {
    values: PathValues,
    items: Vec<Value>,
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
                identity: op.item_identity()?,
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

/// The identity of a listed item ([`openapi_model::Operation::item_identity`]).
fn key_of(list: &List<'_>, item: &Value) -> String {
    list.identity.key(item).as_str().to_string()
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

impl Ctx<'_> {
    fn seq(&self, phase: Phase, group: u32) -> Seq {
        Seq {
            phase,
            group,
            next: 0,
            links: self.config.signed_links,
        }
    }
}

/// The values for an item operation's path: the context's plus the link's.
fn item_values(context: &WalkedList, params: &[ItemParameter], item: &Value) -> Option<PathValues> {
    let mut values = context.values.clone();
    for p in params {
        values.push(&p.path_parameter, path_text(item.get(&p.property)?)?);
    }
    Some(values)
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
type WalkedLists = BTreeMap<String, Vec<WalkedList>>;

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

/// Path values that address `op`: a context `l` was walked under when `op`
/// is the list, else the first item found when `op` is its item operation.
fn address(l: &List<'_>, op: &Operation, contexts: &WalkedLists) -> Option<PathValues> {
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::fixtures::*;
    use super::*;

    #[test]
    fn an_operation_is_addressed_from_the_walks_of_its_list() {
        let model = signalzen();
        let all = lists(&model.operations);
        let users = all.iter().find(|l| l.op.id == "listUsers").unwrap();
        let messages = all.iter().find(|l| l.op.id == "listMessages").unwrap();
        let op = |id: &str| model.operation(id).unwrap();
        let mut contexts = WalkedLists::new();
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
}
