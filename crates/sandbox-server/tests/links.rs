//! The document's OpenAPI `links` lead somewhere: starting from the
//! operations that need no ids, every link of every 200 answer is followed
//! (its runtime expressions evaluated against the answer and the request),
//! and the operation it names answers 200. This is what stateful tools
//! (Schemathesis, Prism) do to reach the operations that take ids.

mod common;

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use openapi_model::{Model, Operation};
use sandbox_server::{Config, Sandbox};
use serde_json::Value;

/// One request to make: the operation and its path parameter values.
struct Step<'m> {
    op: &'m Operation,
    path: BTreeMap<String, String>,
}

/// `$response.body#/pointer` or `$request.path.name`, evaluated.
fn evaluate(expression: &str, body: &Value, path: &BTreeMap<String, String>) -> Option<String> {
    if let Some(pointer) = expression.strip_prefix("$response.body#") {
        return match body.pointer(pointer)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        };
    }
    path.get(expression.strip_prefix("$request.path.")?)
        .cloned()
}

/// Every link of the document: (response pointer, link name) → link object.
fn links(raw: &Value, model: &Model) -> BTreeMap<(String, String), Value> {
    let mut out = BTreeMap::new();
    for op in &model.operations {
        for r in &op.responses {
            let links = raw.pointer(&r.pointer).and_then(|v| v.get("links"));
            for (name, link) in links.and_then(Value::as_object).into_iter().flatten() {
                out.insert((op.id.clone(), name.clone()), link.clone());
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_link_of_the_document_leads_to_a_200() {
    let spec =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/signalzen-v1.yaml");
    let doc = openapi_spec::load(&spec, &Default::default()).unwrap();
    let model = Model::build(&doc, None).unwrap();
    let all = links(&doc.raw, &model);
    assert!(!all.is_empty(), "the document describes no links");
    let sandbox = Sandbox::start(Config::default()).await.unwrap();
    let secret = sandbox.websites()[0].secret.clone();
    let client = common::client();
    let accept = model.rules.accept_media_type.clone().unwrap_or_default();
    let mut queue: VecDeque<Step> = model
        .operations
        .iter()
        .filter(|o| o.path_params.is_empty())
        .map(|op| Step {
            op,
            path: BTreeMap::new(),
        })
        .collect();
    let mut followed = BTreeSet::new();
    let mut problems = Vec::new();
    for _ in 0..50 {
        let Some(step) = queue.pop_front() else { break };
        let mut url = format!("{}{}", sandbox.base_url(), step.op.template);
        for (name, value) in &step.path {
            url = url.replace(&format!("{{{name}}}"), value);
        }
        let answer = client
            .get(&url)
            .bearer_auth(&secret)
            .header("accept", &accept)
            .send()
            .await
            .unwrap();
        let status = answer.status().as_u16();
        let body: Value = answer.json().await.unwrap_or(Value::Null);
        if status != 200 {
            problems.push(format!("{} {url} answered {status}", step.op.id));
            continue;
        }
        for ((source, name), link) in &all {
            if *source != step.op.id || !followed.insert((source.clone(), name.clone())) {
                continue;
            }
            let target = link
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or("");
            let Some(op) = model.operation(target) else {
                problems.push(format!("{source} link {name}: no operation {target}"));
                continue;
            };
            let mut path = BTreeMap::new();
            for (param, expression) in link
                .get("parameters")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                match expression
                    .as_str()
                    .and_then(|e| evaluate(e, &body, &step.path))
                {
                    Some(v) => {
                        path.insert(param.clone(), v);
                    }
                    None => problems.push(format!(
                        "{source} link {name}: {param} = {expression} gives nothing"
                    )),
                }
            }
            queue.push_back(Step { op, path });
        }
    }
    sandbox.stop().await;
    let missed: Vec<_> = all.keys().filter(|k| !followed.contains(*k)).collect();
    assert!(missed.is_empty(), "links never reached: {missed:?}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
