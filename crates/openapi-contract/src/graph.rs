//! The document's schemas compiled into a graph the body inspection can follow
//! without hashing its way through the document on every value: `$ref`
//! resolved, `allOf` flattened, properties in small vectors.

use std::collections::{BTreeSet, HashMap};

use openapi_spec::pointer;
use serde_json::Value;

use openapi_model::{Union, resolve_schema};

pub(crate) type NodeId = usize;

#[derive(Default)]
pub(crate) struct Node {
    /// Properties of the schema and of its `allOf` branches.
    pub props: Vec<Prop>,
    pub required: Vec<String>,
    pub items: Vec<NodeId>,
    /// `additionalProperties` schemas.
    pub additional: Vec<NodeId>,
    /// Some `additionalProperties` is stated (true, false or a schema):
    /// extra keys are then the validator's business, not "undocumented".
    pub open: bool,
    /// `oneOf`/`anyOf` unions (indices into [`SchemaGraph::unions`]) to resolve per value.
    pub unions: Vec<usize>,
    /// The schema's `enum` values, each with its coverage point (set by
    /// the catalogue; `u32::MAX` until then).
    pub enum_values: Vec<(Value, u32)>,
}

pub(crate) struct Prop {
    pub name: String,
    /// Where the property is declared (its first declaration, with `allOf`).
    pub pointer: String,
    pub nodes: Vec<NodeId>,
    pub nullable: bool,
    /// Its coverage points in this node's context, set by the catalogue.
    pub points: PropPoints,
    /// `x-url-schemes` on the property.
    pub url_schemes: Option<Vec<String>>,
}

/// A property's coverage points: null and value seen (nullable or
/// `format`-bearing properties), absent and present (optional ones).
#[derive(Default, Clone, Copy)]
pub(crate) struct PropPoints {
    pub null: Option<u32>,
    pub value: Option<u32>,
    pub absent: Option<u32>,
    pub present: Option<u32>,
}

/// A union of the model, with what checking a value against it needs.
pub(crate) struct UnionNode {
    /// The union as the model reads it.
    pub schema: Union,
    /// Its branches in the graph.
    pub branch_nodes: Vec<NodeId>,
    /// One validator per branch.
    pub validators: Vec<jsonschema::Validator>,
    /// For discriminated unions: properties whose schema differs between
    /// branches, the ones the tag decides.
    pub decided: BTreeSet<String>,
    /// Each branch's coverage point, set by the catalogue.
    pub branch_points: Vec<u32>,
}

pub(crate) struct SchemaGraph {
    pub nodes: Vec<Node>,
    /// How many coverage points the document has (set by the catalogue).
    pub point_count: usize,
    pub unions: Vec<UnionNode>,
    /// Each node's resolved schema pointer.
    pub pointers: Vec<String>,
    by_pointer: HashMap<String, NodeId>,
    union_by_pointer: HashMap<String, usize>,
}

impl Node {
    pub fn documented(&self) -> bool {
        !self.props.is_empty()
    }
}

fn is_nullable(raw: &Value, ptr: &str) -> bool {
    let own = raw
        .pointer(ptr)
        .and_then(|s| s.get("nullable"))
        .and_then(Value::as_bool)
        == Some(true);
    own || resolve_schema(raw, ptr)
        .and_then(|p| raw.pointer(&p))
        .and_then(|s| s.get("nullable"))
        .and_then(Value::as_bool)
        == Some(true)
}

fn url_schemes(raw: &Value, ptr: &str) -> Option<Vec<String>> {
    let find = |p: &str| {
        raw.pointer(p)?.get("x-url-schemes")?.as_array().map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect()
        })
    };
    find(ptr).or_else(|| find(&resolve_schema(raw, ptr)?))
}

impl SchemaGraph {
    /// A graph of the unions (each with its branch validators), to which
    /// [`SchemaGraph::node`] adds schemas on demand.
    pub fn new(raw: &Value, unions: Vec<(Union, Vec<jsonschema::Validator>)>) -> Self {
        let mut union_by_pointer = HashMap::new();
        let mut list = Vec::new();
        for (schema, validators) in unions {
            union_by_pointer.insert(schema.pointer.clone(), list.len());
            list.push(UnionNode {
                schema,
                branch_nodes: Vec::new(),
                validators,
                decided: BTreeSet::new(),
                branch_points: Vec::new(),
            });
        }
        let mut graph = SchemaGraph {
            nodes: Vec::new(),
            point_count: 0,
            unions: list,
            pointers: Vec::new(),
            by_pointer: HashMap::new(),
            union_by_pointer,
        };
        graph.link_unions(raw);
        graph
    }

    /// Builds the branch nodes of every union, and for discriminated ones
    /// the properties the tag decides.
    fn link_unions(&mut self, raw: &Value) {
        for i in 0..self.unions.len() {
            let branches = self.unions[i].schema.branches.clone();
            let nodes: Vec<NodeId> = branches.iter().map(|b| self.node(raw, b)).collect();
            let decided = self.decided(raw, &nodes);
            let union = &mut self.unions[i];
            if union.schema.discriminator.is_some() {
                union.decided = decided;
            }
            union.branch_nodes = nodes;
        }
    }

    /// Properties some branches lack, or describe with another schema
    /// (compared as written, so two equal inline schemas are the same).
    fn decided(&self, raw: &Value, branches: &[NodeId]) -> BTreeSet<String> {
        let schema_of = |b: NodeId, name: &str| {
            self.nodes[b]
                .props
                .iter()
                .find(|p| p.name == name)
                .map(|p| {
                    p.nodes
                        .iter()
                        .map(|&n| raw.pointer(&self.pointers[n]))
                        .collect::<Vec<_>>()
                })
        };
        branches
            .iter()
            .flat_map(|&b| self.nodes[b].props.iter().map(|p| p.name.as_str()))
            .filter(|name| {
                let first = branches.first().and_then(|&b| schema_of(b, name));
                branches.iter().any(|&b| schema_of(b, name) != first)
            })
            .map(String::from)
            .collect()
    }

    /// The node for the schema at `ptr` (following `$ref`), built once.
    pub fn node(&mut self, raw: &Value, ptr: &str) -> NodeId {
        let resolved = resolve_schema(raw, ptr).unwrap_or_else(|| ptr.to_string());
        if let Some(&id) = self.by_pointer.get(&resolved) {
            return id;
        }
        let id = self.nodes.len();
        self.nodes.push(Node::default());
        self.pointers.push(resolved.clone());
        self.by_pointer.insert(resolved.clone(), id);
        let mut node = Node::default();
        if let Some(values) = raw
            .pointer(&resolved)
            .and_then(|s| s.get("enum"))
            .and_then(Value::as_array)
        {
            node.enum_values = values.iter().map(|v| (v.clone(), u32::MAX)).collect();
        }
        self.flatten(raw, &resolved, &mut node, 0);
        self.nodes[id] = node;
        id
    }

    fn flatten(&mut self, raw: &Value, ptr: &str, node: &mut Node, depth: usize) {
        if depth > 32 {
            return;
        }
        let Some(s) = raw.pointer(ptr) else { return };
        if let Some(props) = s.get("properties").and_then(Value::as_object) {
            for name in props.keys() {
                let pptr = format!("{ptr}/properties/{}", pointer::escape(name));
                let child = self.node(raw, &pptr);
                let nullable = is_nullable(raw, &pptr);
                let schemes = url_schemes(raw, &pptr);
                match node.props.iter_mut().find(|p| p.name == *name) {
                    Some(p) => {
                        p.nodes.push(child);
                        p.nullable |= nullable;
                        if p.url_schemes.is_none() {
                            p.url_schemes = schemes;
                        }
                    }
                    None => node.props.push(Prop {
                        name: name.clone(),
                        pointer: pptr.clone(),
                        points: PropPoints::default(),
                        nodes: vec![child],
                        nullable,
                        url_schemes: schemes,
                    }),
                }
            }
        }
        if let Some(req) = s.get("required").and_then(Value::as_array) {
            node.required
                .extend(req.iter().filter_map(Value::as_str).map(String::from));
        }
        if s.get("items").is_some_and(Value::is_object) {
            let child = self.node(raw, &format!("{ptr}/items"));
            node.items.push(child);
        }
        if let Some(a) = s.get("additionalProperties") {
            node.open = true;
            if a.is_object() {
                let child = self.node(raw, &format!("{ptr}/additionalProperties"));
                node.additional.push(child);
            }
        }
        if let Some(&u) = self.union_by_pointer.get(ptr) {
            node.unions.push(u);
        }
        if let Some(all) = s.get("allOf").and_then(Value::as_array) {
            for i in 0..all.len() {
                let bptr = format!("{ptr}/allOf/{i}");
                let resolved = resolve_schema(raw, &bptr).unwrap_or(bptr);
                self.flatten(raw, &resolved, node, depth + 1);
            }
        }
    }
}
