//! The checker's validators, compiled once on top of the document model:
//! a JSON Schema validator per response body, query parameter and union
//! branch, and the schema graph the body inspection follows.

use openapi_jsonschema::Converter;
use openapi_model::Model;
use openapi_spec::Document;
use serde_json::Value;

use crate::ContractError;
use crate::graph::{NodeId, SchemaGraph};

/// Validators for every operation of a model, index for index.
pub(crate) struct Compiled {
    pub graph: SchemaGraph,
    /// One per `Model::operations`, in the same order.
    pub operations: Vec<CompiledOperation>,
    /// One per `Model::webhooks`: the delivery body's check, when it has a JSON body.
    pub webhooks: Vec<Option<BodyCheck>>,
}

/// One operation's validators.
pub(crate) struct CompiledOperation {
    /// One per `Operation::responses`: the body's check, when it has a JSON body.
    pub responses: Vec<Option<BodyCheck>>,
    /// One per `Operation::query`: the parameter's validator, when it has a schema.
    pub query: Vec<Option<jsonschema::Validator>>,
}

/// How a JSON body is checked: its validator and its node in the graph.
pub(crate) struct BodyCheck {
    pub node: NodeId,
    pub validator: jsonschema::Validator,
}

impl Compiled {
    pub fn new(doc: &Document, model: &Model) -> Result<Self, ContractError> {
        let raw = &doc.raw;
        let converter = Converter::new(raw);
        let mut unions = Vec::new();
        for union in &model.unions {
            let validators = union
                .branch_pointers
                .iter()
                .map(|b| compile_at(&converter, raw, b))
                .collect::<Result<_, _>>()?;
            unions.push((union.clone(), validators));
        }
        let mut graph = SchemaGraph::new(raw, unions);
        let mut operations = Vec::new();
        for op in &model.operations {
            let mut responses = Vec::new();
            for r in &op.responses {
                let check = match &r.body {
                    Some(body) => Some(body_check(&converter, &mut graph, raw, &body.schema)?),
                    None => None,
                };
                responses.push(check);
            }
            let query = op
                .query
                .iter()
                .map(|p| {
                    p.schema
                        .as_deref()
                        .map(|s| compile_at(&converter, raw, s))
                        .transpose()
                })
                .collect::<Result<_, _>>()?;
            operations.push(CompiledOperation { responses, query });
        }
        let webhooks = model
            .webhooks
            .iter()
            .map(|op| {
                op.request_body
                    .as_ref()
                    .map(|body| body_check(&converter, &mut graph, raw, &body.schema))
                    .transpose()
            })
            .collect::<Result<_, _>>()?;
        Ok(Compiled {
            graph,
            operations,
            webhooks,
        })
    }
}

fn body_check(
    converter: &Converter,
    graph: &mut SchemaGraph,
    raw: &Value,
    schema: &str,
) -> Result<BodyCheck, ContractError> {
    Ok(BodyCheck {
        validator: compile_at(converter, raw, schema)?,
        node: graph.node(raw, schema),
    })
}

fn compile(schema: &Value) -> Result<jsonschema::Validator, String> {
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .map_err(|e| e.to_string())
}

/// The schema at `ptr`, bundled into a standalone JSON Schema and compiled.
fn compile_at(
    converter: &Converter,
    raw: &Value,
    ptr: &str,
) -> Result<jsonschema::Validator, ContractError> {
    let error = |message: String| ContractError::Schema {
        pointer: ptr.to_string(),
        message,
    };
    let schema = raw
        .pointer(ptr)
        .ok_or_else(|| error("no schema here".into()))?;
    let bundled = converter
        .bundle(schema, ptr)
        .map_err(|e| error(e.to_string()))?;
    compile(&bundled).map_err(error)
}
