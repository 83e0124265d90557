//! The points a run can cover, read from the document model alone: each
//! documented status of each operation, each branch of a union reached
//! from a response or a delivery, each nullable, optional, `format`-
//! bearing or enumerated property, each list's page positions and sizes,
//! and each check the extensions drive. Nothing here knows a vendor: the
//! ids are the document's JSON pointers.

use std::collections::{HashMap, HashSet};

use openapi_model::{Model, Operation, Pagination, StatusKey};
use openapi_spec::pointer;
use serde_json::Value;

use super::{Point, PointKind};
use crate::Check;
use crate::compiled::Compiled;
use crate::graph::{NodeId, PropPoints, SchemaGraph};

/// Every point of a document, with where the checks find theirs.
#[derive(Debug, Default)]
pub struct Catalogue {
    /// The points, in document order (statuses, then schemas, then paging
    /// and checks); an index into it is a point's number.
    pub points: Vec<Point>,
    by_id: HashMap<String, u32>,
    /// Per operation: per documented response, its point.
    pub(crate) statuses: Vec<Vec<u32>>,
    /// Per operation: its paging points, for lists.
    pub(crate) pages: Vec<Option<PagePoints>>,
    /// Per webhook: delivered, URL check answered, signature verified.
    pub(crate) webhooks: Vec<WebhookPoints>,
    /// Checks across exchanges, by the operation the judged exchange was for.
    pub(crate) checks: HashMap<(Check, String), u32>,
    /// Checks judged anywhere (signed links, isolation).
    pub(crate) anywhere: HashMap<Check, u32>,
    /// Operation id → index into the model's operations or webhooks.
    pub(crate) operations: HashMap<String, usize>,
    pub(crate) webhook_ids: HashMap<String, usize>,
}

/// A list's page points.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct PagePoints {
    pub first: Option<u32>,
    pub middle: Option<u32>,
    pub last: Option<u32>,
    pub past_end: Option<u32>,
    pub default_size: Option<u32>,
    pub smallest_size: Option<u32>,
    pub largest_size: Option<u32>,
}

/// A webhook's points.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct WebhookPoints {
    pub delivered: Option<u32>,
    pub signature_verified: Option<u32>,
}

impl Catalogue {
    /// The point with this id, if the document has it.
    pub fn find(&self, id: &str) -> Option<u32> {
        self.by_id.get(id).copied()
    }

    /// Adds a point (once per id) and returns its number.
    fn add(&mut self, pointer: &str, qualifier: &str, kind: PointKind, label: String) -> u32 {
        let pointer = &fragment(pointer);
        let id = Point::id_of(pointer, qualifier);
        if let Some(&n) = self.by_id.get(&id) {
            return n;
        }
        let n = self.points.len() as u32;
        self.by_id.insert(id.clone(), n);
        self.points.push(Point {
            id,
            pointer: pointer.to_string(),
            qualifier: qualifier.to_string(),
            kind,
            label,
            only_on_failure: false,
        });
        n
    }

    /// Reads every point of the document and marks the graph's nodes,
    /// properties and unions with theirs.
    pub(crate) fn build(raw: &Value, model: &Model, compiled: &mut Compiled) -> Catalogue {
        let mut c = Catalogue::default();
        for (i, op) in model.operations.iter().enumerate() {
            c.operations.insert(op.id.clone(), i);
            let statuses = op
                .responses
                .iter()
                .map(|r| {
                    let at = format!("{}/responses/{}", op.pointer, r.status);
                    let label = format!("{} answered {}", op.id, r.status);
                    let n = c.add(&at, "", PointKind::Status, label);
                    c.points[n as usize].only_on_failure = only_on_failure(model, r.status);
                    n
                })
                .collect();
            c.statuses.push(statuses);
        }
        let mut roots: Vec<NodeId> = Vec::new();
        for op in &compiled.operations {
            roots.extend(op.responses.iter().flatten().map(|b| b.node));
        }
        roots.extend(compiled.webhooks.iter().flatten().map(|b| b.node));
        c.schemas(raw, &mut compiled.graph, &roots);
        for op in &model.operations {
            let pages = op.pagination.as_ref().map(|p| c.paging(op, p));
            c.pages.push(pages);
            c.list_checks(model, op);
        }
        for (i, op) in model.webhooks.iter().enumerate() {
            c.webhook_ids.insert(op.id.clone(), i);
            let points = c.webhook(op);
            c.webhooks.push(points);
        }
        c.document_checks(raw, model);
        compiled.graph.point_count = c.points.len();
        c
    }

    /// The schema points of every node reachable from a body, in the
    /// order the walk meets them.
    fn schemas(&mut self, raw: &Value, graph: &mut SchemaGraph, roots: &[NodeId]) {
        let mut seen: HashSet<NodeId> = HashSet::new();
        let mut queue: Vec<NodeId> = roots.to_vec();
        let mut at = 0;
        while at < queue.len() {
            let n = queue[at];
            at += 1;
            if !seen.insert(n) {
                continue;
            }
            let node = &graph.nodes[n];
            let mut next: Vec<NodeId> = node.items.clone();
            next.extend(&node.additional);
            next.extend(node.props.iter().flat_map(|p| p.nodes.iter().copied()));
            for &u in &node.unions {
                next.extend(&graph.unions[u].branch_nodes);
            }
            queue.extend(next.into_iter().filter(|m| !seen.contains(m)));
            self.node_points(raw, graph, n);
        }
    }

    /// One node's points: its enum values, its properties', its unions' branches.
    fn node_points(&mut self, raw: &Value, graph: &mut SchemaGraph, n: NodeId) {
        let owner = label_of(&graph.pointers[n]);
        let enum_at = format!("{}/enum", graph.pointers[n]);
        let mut values = std::mem::take(&mut graph.nodes[n].enum_values);
        for (i, (value, point)) in values.iter_mut().enumerate() {
            let label = format!("{owner} = {value}");
            *point = self.add(&format!("{enum_at}/{i}"), "", PointKind::Enum, label);
        }
        graph.nodes[n].enum_values = values;
        let required = graph.nodes[n].required.clone();
        let mut props = std::mem::take(&mut graph.nodes[n].props);
        for p in &mut props {
            p.points = self.prop_points(raw, &p.pointer, p.nullable, !required.contains(&p.name));
        }
        graph.nodes[n].props = props;
        for u in graph.nodes[n].unions.clone() {
            let union = &graph.unions[u];
            let points = self.branch_points(&union.schema);
            graph.unions[u].branch_points = points;
        }
    }

    fn prop_points(&mut self, raw: &Value, at: &str, nullable: bool, optional: bool) -> PropPoints {
        let label = label_of(at);
        let formatted = schema_at(raw, at).is_some_and(|s| s.get("format").is_some());
        let mut points = PropPoints::default();
        if nullable {
            points.null = Some(self.add(at, "null", PointKind::Null, format!("{label} null")));
        }
        if nullable || formatted {
            let l = format!("{label} with a value");
            points.value = Some(self.add(at, "value", PointKind::Value, l));
        }
        if optional {
            points.absent =
                Some(self.add(at, "absent", PointKind::Absent, format!("{label} absent")));
            let l = format!("{label} present");
            points.present = Some(self.add(at, "present", PointKind::Present, l));
        }
        points
    }

    fn branch_points(&mut self, union: &openapi_model::Union) -> Vec<u32> {
        let owner = label_of(&union.pointer);
        (0..union.branches.len())
            .map(|i| {
                let branch = pointer::last_token(&union.branches[i]);
                let label = match &union.discriminator {
                    Some(d) => {
                        let tags: Vec<&str> = d
                            .tags
                            .iter()
                            .filter(|&(_, &b)| b == i)
                            .map(|(t, _)| t.as_str())
                            .collect();
                        format!("{owner}: {} {} ({branch})", d.property, tags.join("/"))
                    }
                    None => format!("{owner}: {branch}"),
                };
                self.add(&union.branch_pointers[i], "", PointKind::Branch, label)
            })
            .collect()
    }

    fn paging(&mut self, op: &Operation, p: &Pagination) -> PagePoints {
        let at = format!("{}/x-pagination", op.pointer);
        let id = &op.id;
        let mut page =
            |q: &str, what: &str| Some(self.add(&at, q, PointKind::Page, format!("{id}: {what}")));
        let mut points = PagePoints {
            default_size: page("default-size", "a page of the default size"),
            ..PagePoints::default()
        };
        let size_param = match p {
            Pagination::OffsetLimit(o) => {
                points.first = page("first-page", "the first page");
                points.middle = page("middle-page", "a middle page");
                points.last = page("last-page", "the last page");
                points.past_end = page("past-the-end", "an empty page past the end");
                &o.limit_param
            }
            Pagination::PageSize(s) => &s.size_param,
            Pagination::Unsupported(_) => return PagePoints::default(),
        };
        let bounds = op.query_param(size_param);
        if let Some(min) = bounds.and_then(|b| b.minimum) {
            points.smallest_size = page("smallest-size", &format!("a page of {size_param}={min}"));
        }
        if let Some(max) = bounds.and_then(|b| b.maximum) {
            points.largest_size = page("largest-size", &format!("a page of {size_param}={max}"));
        }
        points
    }

    /// A list's checks across pages: walked, and its items compared with
    /// their lone fetch (on the list or on the item operation).
    fn list_checks(&mut self, model: &Model, op: &Operation) {
        if op.pagination.is_none() {
            return;
        }
        let at = format!("{}/x-pagination", op.pointer);
        let label = format!("{}: pages walked in order", op.id);
        let walked = self.add(&at, "walked", PointKind::Check, label);
        self.checks
            .insert((Check::PaginationWalk, op.id.clone()), walked);
        if let Some(link) = &op.item {
            let label = format!("{}: items compared with {}", op.id, link.operation);
            let compared = self.add(&format!("{at}/item"), "compared", PointKind::Check, label);
            self.checks
                .insert((Check::ItemConsistency, op.id.clone()), compared);
            if model.operation(&link.operation).is_some() {
                self.checks
                    .insert((Check::ItemConsistency, link.operation.clone()), compared);
            }
        }
    }

    fn webhook(&mut self, op: &Operation) -> WebhookPoints {
        let label = format!("{} delivered", op.id);
        let delivered = Some(self.add(&op.pointer, "delivered", PointKind::Delivery, label));
        let extensions = op.extensions.clone().unwrap_or_default();
        if extensions.challenge.is_some() {
            let at = format!("{}/x-webhook-challenge", op.pointer);
            let label = format!("{}: URL check answered", op.id);
            let point = self.add(&at, "answered", PointKind::Check, label);
            self.checks
                .insert((Check::WebhookChallenge, op.id.clone()), point);
        }
        let signature_verified = extensions.signature.is_some().then(|| {
            let at = format!("{}/x-webhook-signature", op.pointer);
            let label = format!("{}: signature verified with the secret", op.id);
            self.add(&at, "verified", PointKind::Check, label)
        });
        WebhookPoints {
            delivered,
            signature_verified,
        }
    }

    /// Checks that are not an operation's: signed links fetched, and one
    /// tenant's secret tried on another's items.
    fn document_checks(&mut self, raw: &Value, model: &Model) {
        if !model.rules.signed_url_properties.is_empty() {
            let label = "signed links fetched without the secret".to_string();
            let at = "#/x-contract/signedUrlProperties";
            let point = self.add(at, "fetched", PointKind::Check, label);
            self.anywhere.insert(Check::LiveSignedUrl, point);
        }
        let secured = model.operations.iter().any(|o| !o.security.is_empty());
        if secured && raw.pointer("/components/securitySchemes").is_some() {
            let label = "tenant isolation probed with a second secret".to_string();
            let at = "#/components/securitySchemes";
            let point = self.add(at, "isolation", PointKind::Check, label);
            self.anywhere.insert(Check::TenantIsolation, point);
        }
    }
}

/// A documented 5xx, or the rate-limit status: what a correct server
/// shows only when it fails or is overloaded.
fn only_on_failure(model: &Model, key: StatusKey) -> bool {
    match key {
        StatusKey::Code(c) => c >= 500 || model.rules.is_rate_limited(c),
        StatusKey::Range(r) => r == 5,
        StatusKey::Default => false,
    }
}

/// A pointer as a URI fragment (`#/paths/…`), the form `$ref` uses.
pub(crate) fn fragment(pointer: &str) -> String {
    if pointer.starts_with('#') {
        pointer.to_string()
    } else {
        format!("#{pointer}")
    }
}

/// The schema at a property's pointer, `$ref` followed.
fn schema_at<'v>(raw: &'v Value, at: &str) -> Option<&'v Value> {
    let resolved = openapi_model::resolve_schema(raw, at).unwrap_or_else(|| at.to_string());
    raw.pointer(resolved.trim_start_matches('#'))
        .or_else(|| raw.pointer(&resolved))
}

/// A schema pointer in plain words: `#/components/schemas/Message/properties/sender`
/// → `Message.sender`; items are `[]`, maps `{}`; a body under a path is
/// named by its method, path and status.
pub(crate) fn label_of(at: &str) -> String {
    let tokens: Vec<String> = at
        .trim_start_matches('#')
        .split('/')
        .skip(1)
        .map(pointer::unescape)
        .collect();
    let (mut out, rest) = match tokens.as_slice() {
        [c, s, name, rest @ ..] if c == "components" && s == "schemas" => (name.clone(), rest),
        [p, path, method, r, status, _, _, _, rest @ ..] if p == "paths" && r == "responses" => {
            (format!("{} {path} {status}", method.to_uppercase()), rest)
        }
        [w, name, _, _, _, _, _, rest @ ..] if w.contains("webhooks") => {
            (format!("{name} delivery"), rest)
        }
        _ => return at.to_string(),
    };
    let mut i = 0;
    while i < rest.len() {
        match rest[i].as_str() {
            "properties" if i + 1 < rest.len() => {
                out.push('.');
                out.push_str(&rest[i + 1]);
                i += 1;
            }
            "items" => out.push_str("[]"),
            "additionalProperties" => out.push_str("{}"),
            "allOf" | "oneOf" | "anyOf" => i += 1,
            other => {
                out.push('/');
                out.push_str(other);
            }
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::label_of;

    #[test]
    fn pointers_read_as_plain_words() {
        assert_eq!(
            label_of("#/components/schemas/MessageFields/properties/file_url"),
            "MessageFields.file_url"
        );
        assert_eq!(
            label_of("#/components/schemas/List/properties/items/items/properties/a~1b"),
            "List.items[].a/b"
        );
        assert_eq!(
            label_of(
                "#/paths/~1users/get/responses/200/content/application~1json/schema/properties/total"
            ),
            "GET /users 200.total"
        );
        assert_eq!(label_of("#/components/schemas/Pet/oneOf/1"), "Pet");
        assert_eq!(label_of("#/x-other/thing"), "#/x-other/thing");
    }
}
