//! Inspects a response body together with its OpenAPI schema (following
//! `$ref`, `allOf` and the chosen `oneOf`/`anyOf` branch) for what a JSON
//! Schema validator does not say plainly: which discriminated variant failed
//! and why, whether nullable keys are present, and which fields the document
//! does not describe.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use openapi_spec::pointer;
use serde_json::Value;

use openapi_model::Discriminator;

use crate::Finding;
use crate::coverage::Hits;
use crate::graph::{Node, NodeId, Prop, SchemaGraph, UnionNode};

/// A validator error, kept apart until we know which check owns it.
pub(crate) struct SchemaError {
    pub pointer: String,
    pub kind: ErrorKind,
    pub message: String,
    pub value: Option<String>,
}

#[derive(PartialEq, Eq)]
pub(crate) enum ErrorKind {
    /// A required property is missing (its name).
    Required(String),
    /// A `oneOf`/`anyOf` matched no branch (or several).
    Union,
    Other,
}

impl SchemaError {
    pub fn from_jsonschema(base: &str, e: &jsonschema::ValidationError<'_>) -> Self {
        use jsonschema::error::ValidationErrorKind as K;
        let kind = match e.kind() {
            K::Required { property } => {
                ErrorKind::Required(property.as_str().unwrap_or_default().to_string())
            }
            K::OneOfNotValid { .. } | K::OneOfMultipleValid { .. } | K::AnyOf { .. } => {
                ErrorKind::Union
            }
            _ => ErrorKind::Other,
        };
        let value = match kind {
            ErrorKind::Required(_) | ErrorKind::Union => None,
            ErrorKind::Other => Some(crate::shorten(e.instance())),
        };
        SchemaError {
            pointer: format!("{base}{}", e.instance_path().as_str()),
            kind,
            message: e.masked_with("the value").to_string(),
            value,
        }
    }
}

pub(crate) struct Inspection<'a> {
    graph: &'a SchemaGraph,
    /// The whole body already validated: branch validation and the
    /// bookkeeping used to sort validator errors can be skipped.
    top_valid: bool,
    /// Instance pointers of objects whose variant a discriminator chose.
    pub discriminated: HashSet<String>,
    /// (object pointer, property) of required nullable keys that are missing.
    pub missing_nullable: HashSet<(String, String)>,
    /// Pointers of nullable values that are present and not null.
    pub nullable_values: HashSet<String>,
    pub schema_errors: Vec<SchemaError>,
    pub discriminator: Vec<Finding>,
    pub nullable: Vec<Finding>,
    pub undocumented: Vec<Finding>,
    pub saw_union: bool,
    pub saw_nullable: bool,
    /// Values the discriminator already reported as the wrong shape.
    skip: HashSet<String>,
    /// Coverage points the body showed (with repeats; the caller sorts).
    pub hits: Hits,
}

/// How deep the walk goes: as deep as serde_json parses (its recursion
/// limit is 128), so every body that reaches the walk is walked whole; a
/// `Value` built deeper in code is walked to this depth, not to a stack
/// overflow.
const MAX_DEPTH: usize = 128;

/// The branch a discriminator chose for one object, and where it is.
struct Chosen<'a, 'v> {
    union: &'a UnionNode,
    d: &'a Discriminator,
    /// The chosen branch's index.
    i: usize,
    tag: &'v str,
    obj: &'v serde_json::Map<String, Value>,
    value: &'v Value,
    at: &'v str,
}

impl Chosen<'_, '_> {
    /// A problem inside a decided property, said as the discriminator's;
    /// `name_missing`: a missing key is named as such.
    fn finding(&self, err: SchemaError, name_missing: bool) -> Finding {
        let place = dotted(&err.pointer[self.at.len()..]);
        let message = match &err.kind {
            ErrorKind::Required(p) if name_missing => {
                format!("{} is {} but {place} has no {p}", self.d.property, self.tag)
            }
            _ => format!(
                "{} is {} but {place}: {}",
                self.d.property, self.tag, err.message
            ),
        };
        Finding {
            pointer: err.pointer,
            message,
            value: err.value,
        }
    }
}

fn push_token(at: &mut String, key: &str) {
    at.push('/');
    if key.contains(['~', '/']) {
        at.push_str(&pointer::escape(key));
    } else {
        at.push_str(key);
    }
}

impl<'a> Inspection<'a> {
    pub fn new(graph: &'a SchemaGraph, top_valid: bool) -> Self {
        Inspection {
            graph,
            top_valid,
            discriminated: HashSet::new(),
            missing_nullable: HashSet::new(),
            nullable_values: HashSet::new(),
            schema_errors: Vec::new(),
            discriminator: Vec::new(),
            nullable: Vec::new(),
            undocumented: Vec::new(),
            saw_union: false,
            saw_nullable: false,
            skip: HashSet::new(),
            hits: Hits::new(graph.point_count),
        }
    }

    pub fn run(&mut self, node: NodeId, value: &Value) {
        let mut at = String::new();
        self.value(&[node], value, &mut at, 0);
    }

    /// `n` and the branches its unions choose for `value`, each node once:
    /// a union may choose itself again (a discriminator mapping a tag to
    /// the schema that holds it), and expanding a node twice adds nothing.
    fn expand(&mut self, n: NodeId, value: &Value, at: &str, out: &mut Vec<NodeId>) {
        if out.contains(&n) {
            return;
        }
        out.push(n);
        let graph = self.graph;
        for &u in &graph.nodes[n].unions {
            if let Some(i) = self.choose(u, value, at) {
                self.hits
                    .set_some(graph.unions[u].branch_points.get(i).copied());
                self.expand(graph.unions[u].branch_nodes[i], value, at, out);
            }
        }
    }

    fn choose(&mut self, u: usize, value: &Value, at: &str) -> Option<usize> {
        self.saw_union = true;
        let union = &self.graph.unions[u];
        let Some(d) = &union.schema.discriminator else {
            return union.validators.iter().position(|v| v.is_valid(value));
        };
        let obj = value.as_object()?;
        if !self.top_valid {
            self.discriminated.insert(at.to_string());
        }
        let expected = || {
            d.tags
                .keys()
                .map(|t| format!("{t:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let tag = match obj.get(&d.property) {
            None => {
                self.discriminator.push(Finding {
                    pointer: at.to_string(),
                    message: format!(
                        "the object has no {}, so its variant is unknown (expected one of: {})",
                        d.property,
                        expected()
                    ),
                    value: None,
                });
                return None;
            }
            Some(Value::String(t)) => t,
            Some(other) => {
                self.discriminator.push(Finding {
                    pointer: pointer::push(at, &d.property),
                    message: format!("{} must be a string, one of: {}", d.property, expected()),
                    value: Some(crate::shorten(other)),
                });
                return None;
            }
        };
        let Some(&i) = d.tags.get(tag) else {
            self.discriminator.push(Finding {
                pointer: pointer::push(at, &d.property),
                message: format!(
                    "{} is {tag:?}, which is not one of: {}",
                    d.property,
                    expected()
                ),
                value: Some(format!("{tag:?}")),
            });
            return None;
        };
        if !self.top_valid {
            self.check_variant(Chosen {
                union,
                d,
                i,
                tag,
                obj,
                value,
                at,
            });
        }
        Some(i)
    }

    /// Validates the chosen variant. Problems under the properties the tag
    /// decides (`sender`) are the discriminator's, in plain words, when the
    /// value has the wrong shape: a missing non-nullable key, a wrong type, or
    /// keys only another variant has. Deeper problems in the right shape
    /// (a bad email) are body.schema's, and a missing nullable key is the
    /// nullable check's.
    fn check_variant(&mut self, chosen: Chosen<'a, '_>) {
        let mut per_property = self.sort_variant_errors(&chosen);
        for name in &chosen.union.decided {
            let Some(Value::Object(inner)) = chosen.obj.get(name) else {
                continue;
            };
            let problems = per_property.remove(name).unwrap_or_default();
            self.decided_property(&chosen, name, inner, problems);
        }
        // Non-object decided values (e.g. sender: 5) have only type errors left.
        for (err, _) in per_property.into_values().flatten() {
            let finding = chosen.finding(err, false);
            self.discriminator.push(finding);
        }
    }

    /// The branch validator's errors: a missing decided property is the
    /// discriminator's at once; errors inside a decided property are kept
    /// per property (with whether each is a missing nullable key); the
    /// rest are body.schema's.
    fn sort_variant_errors(
        &mut self,
        chosen: &Chosen<'a, '_>,
    ) -> BTreeMap<String, Vec<(SchemaError, bool)>> {
        let (union, d, i, at) = (chosen.union, chosen.d, chosen.i, chosen.at);
        let variant = pointer::last_token(&union.schema.branches[i]);
        let branch = union.branch_nodes[i];
        let mut per_property: BTreeMap<String, Vec<(SchemaError, bool)>> = BTreeMap::new();
        for e in union.validators[i].iter_errors(chosen.value) {
            let rel = e.instance_path().as_str().to_string();
            let err = SchemaError::from_jsonschema(at, &e);
            let first = rel
                .split('/')
                .nth(1)
                .map(pointer::unescape)
                .unwrap_or_default();
            match &err.kind {
                ErrorKind::Required(p) if rel.is_empty() && union.decided.contains(p) => {
                    self.discriminator.push(Finding {
                        pointer: err.pointer,
                        message: format!(
                            "{} is {} but the {variant} has no {p}",
                            d.property, chosen.tag
                        ),
                        value: None,
                    });
                }
                _ if !rel.is_empty() && union.decided.contains(&first) => {
                    let missing_nullable = match &err.kind {
                        ErrorKind::Required(p) => self
                            .node_at(branch, &rel)
                            .and_then(|n| self.graph.nodes[n].props.iter().find(|q| q.name == *p))
                            .is_some_and(|q| q.nullable),
                        _ => false,
                    };
                    per_property
                        .entry(first)
                        .or_default()
                        .push((err, missing_nullable));
                }
                _ => self.schema_errors.push(err),
            }
        }
        per_property
    }

    /// One decided object property: when it has the wrong shape (a missing
    /// non-nullable key, a wrong type, keys only another variant has) every
    /// problem is the discriminator's; otherwise they go back to body.schema.
    fn decided_property(
        &mut self,
        chosen: &Chosen<'a, '_>,
        name: &str,
        inner: &serde_json::Map<String, Value>,
        problems: Vec<(SchemaError, bool)>,
    ) {
        let rel = format!("/{}", pointer::escape(name));
        let known: BTreeSet<&str> = self
            .node_at(chosen.union.branch_nodes[chosen.i], &rel)
            .map(|n| {
                self.graph.nodes[n]
                    .props
                    .iter()
                    .map(|p| p.name.as_str())
                    .collect()
            })
            .unwrap_or_default();
        let extra: Vec<&str> = inner
            .keys()
            .map(String::as_str)
            .filter(|k| !known.is_empty() && !known.contains(*k))
            .collect();
        let here = format!("{}{rel}", chosen.at);
        let mismatch = !extra.is_empty()
            || problems
                .iter()
                .any(|(e, missing_nullable)| e.pointer == here && !missing_nullable);
        if !mismatch {
            let real = problems
                .into_iter()
                .filter(|(_, missing_nullable)| !missing_nullable);
            self.schema_errors.extend(real.map(|(err, _)| err));
            return;
        }
        for (err, _) in problems {
            let finding = chosen.finding(err, true);
            self.discriminator.push(finding);
        }
        if !extra.is_empty() {
            self.discriminator.push(Finding {
                pointer: here.clone(),
                message: format!(
                    "{} is {} but {name} has {}, which only another variant describes",
                    chosen.d.property,
                    chosen.tag,
                    extra.join(", ")
                ),
                value: None,
            });
        }
        self.skip.insert(here);
    }

    /// The node describing the value at `rel` below a value of `node`.
    fn node_at(&self, mut node: NodeId, rel: &str) -> Option<NodeId> {
        for token in rel.split('/').skip(1) {
            let token = pointer::unescape(token);
            let n = &self.graph.nodes[node];
            node = match n.props.iter().find(|p| p.name == token) {
                Some(p) => *p.nodes.first()?,
                None if token.parse::<usize>().is_ok() => *n.items.first()?,
                None => return None,
            };
        }
        Some(node)
    }

    /// Walks `value` one level below its parent's `depth` (the only place
    /// depth grows: one guard for objects, lists and maps alike).
    fn value(&mut self, nodes: &[NodeId], value: &Value, at: &mut String, depth: usize) {
        let depth = depth + 1;
        if depth > MAX_DEPTH || !(value.is_object() || value.is_array()) {
            return;
        }
        let mut expanded = Vec::with_capacity(nodes.len() + 2);
        for &n in nodes {
            self.expand(n, value, at, &mut expanded);
        }
        match value {
            Value::Object(map) => self.object(&expanded, map, at, depth),
            Value::Array(items) => {
                let graph = self.graph;
                let item_nodes: Vec<NodeId> = expanded
                    .iter()
                    .flat_map(|&n| graph.nodes[n].items.iter().copied())
                    .collect();
                if item_nodes.is_empty() {
                    return;
                }
                let len = at.len();
                for (i, item) in items.iter().enumerate() {
                    if !(item.is_object() || item.is_array()) {
                        self.enum_value(&item_nodes, item);
                        continue;
                    }
                    at.push('/');
                    at.push_str(&i.to_string());
                    self.value(&item_nodes, item, at, depth);
                    at.truncate(len);
                }
            }
            _ => {}
        }
    }

    fn object(
        &mut self,
        expanded: &[NodeId],
        map: &serde_json::Map<String, Value>,
        at: &mut String,
        depth: usize,
    ) {
        let graph = self.graph;
        let nodes = || expanded.iter().map(|&n| &graph.nodes[n]);
        if !self.saw_nullable {
            self.saw_nullable = nodes().any(|n| n.props.iter().any(|p| p.nullable));
        }
        // Required nullable keys must be present (a missing required key
        // makes the body invalid, so valid bodies skip this).
        if !self.top_valid {
            self.missing_nullable_keys(expanded, map, at);
        }
        let documented = nodes().any(Node::documented) && !nodes().any(|n| n.open);
        self.absent_properties(expanded, map);
        let len = at.len();
        for (key, child) in map {
            let (found, merged) = property(graph, expanded, key);
            push_token(at, key);
            if !self.skip.is_empty() && self.skip.contains(at.as_str()) {
                at.truncate(len);
                continue;
            }
            match found {
                None => {
                    let additional: Vec<NodeId> =
                        nodes().flat_map(|n| n.additional.iter().copied()).collect();
                    if additional.is_empty() {
                        if documented {
                            self.undocumented.push(Finding {
                                pointer: at.clone(),
                                message: format!("{key} is not described by the document"),
                                value: Some(crate::shorten(child)),
                            });
                        }
                    } else {
                        self.value(&additional, child, at, depth);
                    }
                }
                Some(p) => {
                    self.property_points(p, child);
                    if p.nullable && !self.top_valid && !child.is_null() {
                        self.nullable_values.insert(at.clone());
                    }
                    if let (Some(schemes), Value::String(text)) = (&p.url_schemes, child) {
                        self.url_schemes(schemes, key, text, p.nullable, at);
                    }
                    let child_nodes: &[NodeId] = if merged.is_empty() { &p.nodes } else { &merged };
                    self.value(child_nodes, child, at, depth);
                }
            }
            at.truncate(len);
        }
    }

    /// Optional properties the object leaves out.
    fn absent_properties(&mut self, expanded: &[NodeId], map: &serde_json::Map<String, Value>) {
        let graph = self.graph;
        for &n in expanded {
            for p in &graph.nodes[n].props {
                if let Some(point) = p.points.absent
                    && !map.contains_key(&p.name)
                {
                    self.hits.set(point);
                }
            }
        }
    }

    /// A property's points: present, null or a value, and an enumerated value.
    fn property_points(&mut self, p: &Prop, child: &Value) {
        let points = p.points;
        self.hits.set_some(points.present);
        self.hits.set_some(if child.is_null() {
            points.null
        } else {
            points.value
        });
        if !(child.is_object() || child.is_array()) {
            self.enum_value(&p.nodes, child);
        }
    }

    /// The point of a scalar's value among its schemas' `enum`s.
    fn enum_value(&mut self, nodes: &[NodeId], value: &Value) {
        let graph = self.graph;
        for &n in nodes {
            let found = graph.nodes[n].enum_values.iter().find(|(v, _)| v == value);
            if let Some(&(_, point)) = found {
                self.hits.set(point);
            }
        }
    }

    fn missing_nullable_keys(
        &mut self,
        expanded: &[NodeId],
        map: &serde_json::Map<String, Value>,
        at: &str,
    ) {
        let graph = self.graph;
        let nodes = || expanded.iter().map(|&n| &graph.nodes[n]);
        for n in nodes() {
            for p in n.props.iter().filter(|p| p.nullable) {
                if map.contains_key(&p.name) || !nodes().any(|m| m.required.contains(&p.name)) {
                    continue;
                }
                if self
                    .missing_nullable
                    .insert((at.to_string(), p.name.clone()))
                {
                    self.nullable.push(Finding {
                        pointer: at.to_string(),
                        message: format!(
                            "{} is missing: it is nullable, so the key must be present (with null when there is no value)",
                            p.name
                        ),
                        value: None,
                    });
                }
            }
        }
    }

    /// `x-url-schemes: [https]` on a `uri` property: one of those schemes.
    /// A loopback host is allowed plain `http`, so a local reference server
    /// can serve its own files. (Not a URL at all: the `uri` format says so.)
    fn url_schemes(&mut self, allowed: &[String], key: &str, text: &str, nullable: bool, at: &str) {
        let Ok(u) = url::Url::parse(text) else {
            return;
        };
        let loopback = matches!(u.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
        if allowed.iter().any(|a| a == u.scheme()) || (loopback && u.scheme() == "http") {
            return;
        }
        let message = format!(
            "{key} must be an absolute {} URL, not {}:",
            allowed.join(" or "),
            u.scheme()
        );
        let value = Some(crate::shorten(&Value::String(text.to_string())));
        if nullable {
            self.nullable.push(Finding {
                pointer: at.to_string(),
                message,
                value,
            });
        } else {
            self.schema_errors.push(SchemaError {
                pointer: at.to_string(),
                kind: ErrorKind::Other,
                message,
                value,
            });
        }
    }
}

/// `/sender/name` → `sender.name`; `/items/0` → `items[0]`.
/// The property `key` as the expanded nodes describe it: the first
/// description, and when several nodes describe it, all their schemas.
fn property<'g>(
    graph: &'g SchemaGraph,
    expanded: &[NodeId],
    key: &str,
) -> (Option<&'g Prop>, Vec<NodeId>) {
    let mut found: Option<&'g Prop> = None;
    let mut merged: Vec<NodeId> = Vec::new();
    for &n in expanded {
        if let Some(p) = graph.nodes[n].props.iter().find(|p| p.name == *key) {
            match found {
                None => found = Some(p),
                Some(first) => {
                    if merged.is_empty() {
                        merged.extend(&first.nodes);
                    }
                    merged.extend(&p.nodes);
                }
            }
        }
    }
    (found, merged)
}

fn dotted(rel: &str) -> String {
    let mut out = String::new();
    for t in rel.split('/').skip(1) {
        let t = pointer::unescape(t);
        if t.chars().all(|c| c.is_ascii_digit()) && !t.is_empty() {
            out.push_str(&format!("[{t}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&t);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// A list of nodes, each maybe with a `next`, and a union whose
    /// discriminator maps one tag back to the union itself.
    const DOC: &str = r##"openapi: 3.0.3
info: {title: depth, version: '1'}
paths:
  /node:
    get:
      operationId: getNode
      responses:
        '200':
          description: a node
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Node'}
  /pet:
    get:
      operationId: getPet
      responses:
        '200':
          description: a pet
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
components:
  schemas:
    Node:
      type: object
      properties:
        next: {$ref: '#/components/schemas/Node'}
        kids: {type: array, items: {$ref: '#/components/schemas/Node'}}
    Pet:
      type: object
      properties:
        kind: {type: string}
      oneOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Pet'}]
      discriminator: {propertyName: kind, mapping: {cat: '#/components/schemas/Cat', pet: '#/components/schemas/Pet'}}
    Cat:
      type: object
      required: [kind]
      properties:
        kind: {type: string}
"##;

    fn contract() -> crate::Contract {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("depth.yaml");
        std::fs::write(&file, DOC).unwrap();
        let doc = openapi_spec::load(&file, &Default::default()).unwrap();
        crate::Contract::new(doc, Default::default()).unwrap()
    }

    fn inspect(contract: &crate::Contract, operation: usize, body: &Value) -> Vec<Finding> {
        let check = contract.compiled.operations[operation].responses[0]
            .as_ref()
            .unwrap();
        let mut inspection = Inspection::new(&contract.compiled.graph, false);
        inspection.run(check.node, body);
        inspection.undocumented
    }

    /// `{"next": … {"extra": 1}}`, the object with `extra` at `depth`.
    fn nested(depth: usize) -> Value {
        (0..depth).fold(json!({"extra": 1}), |inner, _| json!({ "next": inner }))
    }

    #[test]
    fn the_walk_reaches_max_depth_and_stops_below_it() {
        let contract = contract();
        // The body is depth 1, so MAX_DEPTH - 1 objects nest inside it.
        let at_limit = inspect(&contract, 0, &nested(MAX_DEPTH - 1));
        assert_eq!(at_limit.len(), 1, "{at_limit:?}");
        assert!(at_limit[0].pointer.ends_with("/next/extra"));
        assert_eq!(at_limit[0].pointer.matches("/next").count(), MAX_DEPTH - 1);
        assert!(inspect(&contract, 0, &nested(MAX_DEPTH)).is_empty());
        assert!(serde_json::from_str::<Value>(&nested(MAX_DEPTH).to_string()).is_err());
        // Through lists: each level is an object and an array.
        let kids = |levels: usize| {
            (0..levels).fold(json!({"extra": 1}), |inner, _| json!({ "kids": [inner] }))
        };
        assert_eq!(inspect(&contract, 0, &kids(MAX_DEPTH / 2 - 1)).len(), 1);
        assert!(inspect(&contract, 0, &kids(MAX_DEPTH / 2)).is_empty());
    }

    /// Without the once-only rule the walk recurses until the stack
    /// overflows (the test process aborts).
    #[test]
    fn a_union_that_chooses_itself_is_expanded_once() {
        let contract = contract();
        let undocumented = inspect(&contract, 1, &json!({"kind": "pet", "extra": 1}));
        assert_eq!(undocumented.len(), 1, "{undocumented:?}");
    }
}
