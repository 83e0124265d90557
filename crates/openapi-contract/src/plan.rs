//! The document's schemas compiled into a graph the body walker can follow
//! without hashing its way through the document on every value: `$ref`
//! resolved, `allOf` flattened, properties in small vectors.

use std::collections::HashMap;

use openapi_spec::pointer;
use serde_json::Value;

use crate::model::{Union, resolve_schema};

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
    /// `oneOf`/`anyOf` unions (indices into [`Plan::unions`]) to resolve per value.
    pub unions: Vec<usize>,
}

pub(crate) struct Prop {
    pub name: String,
    pub nodes: Vec<NodeId>,
    pub nullable: bool,
    /// `x-url-schemes` on the property.
    pub url_schemes: Option<Vec<String>>,
}

pub(crate) struct Plan {
    pub nodes: Vec<Node>,
    pub unions: Vec<Union>,
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

impl Plan {
    pub fn new(unions: Vec<(String, Union)>) -> Self {
        let mut union_by_pointer = HashMap::new();
        let mut list = Vec::new();
        for (ptr, u) in unions {
            union_by_pointer.insert(ptr, list.len());
            list.push(u);
        }
        Plan {
            nodes: Vec::new(),
            unions: list,
            by_pointer: HashMap::new(),
            union_by_pointer,
        }
    }

    /// Builds the branch nodes of every union (after [`Plan::new`]).
    pub fn link_unions(&mut self, raw: &Value) {
        for i in 0..self.unions.len() {
            let branches = self.unions[i].branches.clone();
            let nodes = branches.iter().map(|b| self.node(raw, b)).collect();
            self.unions[i].branch_nodes = nodes;
        }
    }

    /// The node for the schema at `ptr` (following `$ref`), built once.
    pub fn node(&mut self, raw: &Value, ptr: &str) -> NodeId {
        let resolved = resolve_schema(raw, ptr).unwrap_or_else(|| ptr.to_string());
        if let Some(&id) = self.by_pointer.get(&resolved) {
            return id;
        }
        let id = self.nodes.len();
        self.nodes.push(Node::default());
        self.by_pointer.insert(resolved.clone(), id);
        let mut node = Node::default();
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
