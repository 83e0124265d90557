//! Operations: path templates, parameters, responses, security and paging.

use std::collections::{BTreeMap, BTreeSet};

use openapi_spec::visit::{self, OperationRef};
use openapi_spec::{Document, media, pointer};
use serde_json::Value;

use crate::pagination::{ItemLink, Pagination};
use crate::resolve_schema;
use crate::security::{self, Scheme};
use crate::status::StatusKey;
use crate::webhook::WebhookExtensions;

/// One operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The operationId, or `METHOD template` without one.
    pub id: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// The path template (`/users/{user_id}`), or the webhook's name.
    pub template: String,
    /// Where the Operation Object is.
    pub pointer: String,
    /// The template split at `/`.
    pub segments: Vec<Segment>,
    /// Documented responses, in document order.
    pub responses: Vec<Response>,
    /// The JSON request body, when one is documented.
    pub request_body: Option<Body>,
    /// Query parameters (operation-level ones override path-item ones).
    pub query: Vec<QueryParam>,
    /// Path parameters in template order.
    pub path_params: Vec<PathParam>,
    /// Alternatives; each alternative needs all of its schemes. Empty: no auth.
    pub security: Vec<Vec<Scheme>>,
    /// `x-pagination`, for list operations.
    pub pagination: Option<Pagination>,
    /// `x-pagination.item`: how to fetch one listed item alone.
    pub item: Option<ItemLink>,
    /// A webhook's `x-webhook-*` extensions: signature, challenge, resource.
    pub extensions: Option<WebhookExtensions>,
}

/// A segment of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Text matched as written.
    Literal(String),
    /// A templated segment: the parameter's name.
    Param(String),
}

/// A documented response.
#[derive(Debug, Clone)]
pub struct Response {
    /// The key it is documented under.
    pub status: StatusKey,
    /// Where the Response Object is (after `$ref`s).
    pub pointer: String,
    /// Its JSON body, when it documents one.
    pub body: Option<Body>,
}

/// A JSON body: its media type and where its schema is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    /// The first JSON media type documented (`application/json` or `+json`).
    pub media_type: String,
    /// The schema's pointer (as written: it may be a `$ref`).
    pub schema: String,
}

/// A query parameter.
#[derive(Debug, Clone)]
pub struct QueryParam {
    /// The parameter's name.
    pub name: String,
    /// Whether a request must carry it.
    pub required: bool,
    /// The scalar type its text is read as.
    pub kind: ScalarKind,
    /// The schema's `default`.
    pub default: Option<Value>,
    /// Where its schema is, when it has one.
    pub schema: Option<String>,
    /// Inclusive integer bounds (`exclusiveMinimum`/`exclusiveMaximum` folded in).
    pub minimum: Option<i64>,
    /// See [`QueryParam::minimum`].
    pub maximum: Option<i64>,
}

/// A path parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathParam {
    /// The parameter's name, as in the template.
    pub name: String,
    /// The scalar type its text is read as.
    pub kind: ScalarKind,
}

/// The scalar a parameter's text is read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarKind {
    /// `type: integer`.
    Integer,
    /// `type: number`.
    Number,
    /// `type: boolean`.
    Boolean,
    /// Anything else.
    String,
}

impl Operation {
    /// The documented response for a status: the exact code, else its
    /// range (`4XX`), else `default`.
    pub fn response(&self, status: u16) -> Option<&Response> {
        self.response_index(status).map(|i| &self.responses[i])
    }

    /// The index in `responses` of [`Operation::response`] (for tables kept
    /// index for index with it, like the checker's validators).
    pub fn response_index(&self, status: u16) -> Option<usize> {
        self.responses
            .iter()
            .enumerate()
            .filter_map(|(i, r)| Some((r.status.covers(status)?, i)))
            .fold(None, |best: Option<(u8, usize)>, (rank, i)| match best {
                Some((b, _)) if b >= rank => best,
                _ => Some((rank, i)),
            })
            .map(|(_, i)| i)
    }

    /// The query parameter of this name.
    pub fn query_param(&self, name: &str) -> Option<&QueryParam> {
        self.query.iter().find(|p| p.name == name)
    }

    /// How many segments are literal: the more, the more specific the match.
    pub fn literal_segments(&self) -> usize {
        self.segments
            .iter()
            .filter(|s| matches!(s, Segment::Literal(_)))
            .count()
    }

    /// Reads one operation found in the document.
    pub(crate) fn read(doc: &Document, found: &OperationRef<'_>) -> Operation {
        let raw = &doc.raw;
        let op = found.operation;
        let ptr = found.pointer();
        let segments = segments(found.path);
        let params = Parameters::read(doc, &ptr);
        let path_params = segments
            .iter()
            .filter_map(|s| match s {
                Segment::Param(name) => Some(PathParam {
                    kind: params.path.get(name).copied().unwrap_or(ScalarKind::String),
                    name: name.clone(),
                }),
                Segment::Literal(_) => None,
            })
            .collect();
        Operation {
            id: op
                .get("operationId")
                .and_then(Value::as_str)
                .map(String::from)
                .unwrap_or_else(|| format!("{} {}", found.method.to_ascii_uppercase(), found.path)),
            method: found.method.to_ascii_uppercase(),
            template: found.path.to_string(),
            responses: responses(doc, op, &ptr),
            request_body: request_body(doc, op, &ptr),
            query: params.query,
            path_params,
            security: security::requirements(
                raw,
                op.get("security").or_else(|| raw.get("security")),
            ),
            pagination: op.get("x-pagination").map(Pagination::read),
            item: op.pointer("/x-pagination/item").and_then(ItemLink::read),
            extensions: WebhookExtensions::read(op),
            pointer: ptr,
            segments,
        }
    }
}

fn segments(template: &str) -> Vec<Segment> {
    template
        .split('/')
        .filter(|s| !s.is_empty())
        .map(
            |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => Segment::Param(name.to_string()),
                None => Segment::Literal(s.to_string()),
            },
        )
        .collect()
}

fn json_body(at: &Value, ptr: &str) -> Option<Body> {
    let (media, _) = media::json_schema_of(at)?;
    Some(Body {
        media_type: media.to_string(),
        schema: format!("{ptr}/content/{}/schema", pointer::escape(media)),
    })
}

fn responses(doc: &Document, op: &Value, ptr: &str) -> Vec<Response> {
    let Some(map) = op.get("responses").and_then(Value::as_object) else {
        return Vec::new();
    };
    map.iter()
        .filter_map(|(key, response)| {
            let status = StatusKey::parse(key)?;
            let rptr = pointer::push(&format!("{ptr}/responses"), key);
            let (response, rptr) = doc.resolve(response, &rptr)?;
            Some(Response {
                status,
                body: json_body(response, &rptr),
                pointer: rptr,
            })
        })
        .collect()
}

fn request_body(doc: &Document, op: &Value, ptr: &str) -> Option<Body> {
    let (body, bptr) = doc.resolve(op.get("requestBody")?, &format!("{ptr}/requestBody"))?;
    json_body(body, &bptr)
}

/// An operation's parameters, path-item ones included.
struct Parameters {
    query: Vec<QueryParam>,
    path: BTreeMap<String, ScalarKind>,
}

impl Parameters {
    /// Operation parameters override path-item ones with the same name
    /// and location ([`visit::parameter_lists`]: the operation's list is
    /// read first here, and the first of a name counts).
    fn read(doc: &Document, op_ptr: &str) -> Parameters {
        let mut out = Parameters {
            query: Vec::new(),
            path: BTreeMap::new(),
        };
        let mut seen = BTreeSet::new();
        let [item, own] = visit::parameter_lists(doc, op_ptr);
        for entry in own.iter().chain(&item) {
            let (p, pptr, name) = (entry.value, &entry.resolved, entry.name());
            if p.get("name").and_then(Value::as_str).is_none() {
                continue;
            }
            match entry.location() {
                "query" if seen.insert(name.to_string()) => {
                    out.query.push(query_param(&doc.raw, p, pptr, name));
                }
                "path" => {
                    let kind = scalar_kind(&doc.raw, &format!("{pptr}/schema"));
                    out.path.entry(name.to_string()).or_insert(kind);
                }
                _ => {}
            }
        }
        out
    }
}

fn scalar_kind(raw: &Value, schema_ptr: &str) -> ScalarKind {
    let schema = resolve_schema(raw, schema_ptr).and_then(|s| raw.pointer(&s));
    match schema.and_then(|s| s.get("type")).and_then(Value::as_str) {
        Some("integer") => ScalarKind::Integer,
        Some("number") => ScalarKind::Number,
        Some("boolean") => ScalarKind::Boolean,
        _ => ScalarKind::String,
    }
}

fn query_param(raw: &Value, p: &Value, pptr: &str, name: &str) -> QueryParam {
    let sptr = format!("{pptr}/schema");
    let schema = resolve_schema(raw, &sptr).and_then(|s| raw.pointer(&s));
    let int = |k: &str| schema.and_then(|s| s.get(k)).and_then(Value::as_i64);
    // OpenAPI 3.0's boolean exclusive flags, folded into inclusive integer bounds.
    let exclusive = |k: &str| schema.and_then(|s| s.get(k)).and_then(Value::as_bool) == Some(true);
    let step = |bound: Option<i64>, flag: &str, by: i64| {
        bound.map(|b| {
            if exclusive(flag) {
                b.saturating_add(by)
            } else {
                b
            }
        })
    };
    QueryParam {
        name: name.to_string(),
        required: p.get("required").and_then(Value::as_bool) == Some(true),
        kind: scalar_kind(raw, &sptr),
        default: schema.and_then(|s| s.get("default")).cloned(),
        schema: raw.pointer(&sptr).is_some().then_some(sptr),
        minimum: step(int("minimum"), "exclusiveMinimum", 1),
        maximum: step(int("maximum"), "exclusiveMaximum", -1),
    }
}

#[cfg(test)]
mod tests {
    use crate::Model;

    fn model(text: &str) -> Model {
        let doc = openapi_spec::load_str(
            text,
            std::path::Path::new("t.json"),
            true,
            &Default::default(),
        )
        .unwrap();
        Model::build(&doc, None).unwrap()
    }

    #[test]
    fn exclusive_bounds_become_inclusive_integers() {
        let model = model(
            r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
          "paths": {"/x": {"get": {"operationId": "x",
            "parameters": [
              {"name": "a", "in": "query", "schema": {"type": "integer",
                "minimum": 0, "maximum": 100, "exclusiveMinimum": true, "exclusiveMaximum": true}},
              {"name": "b", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 99}}],
            "responses": {"200": {"description": "ok"}}}}}}"#,
        );
        let q = &model.operations[0].query;
        assert_eq!((q[0].minimum, q[0].maximum), (Some(1), Some(99)));
        assert_eq!((q[1].minimum, q[1].maximum), (Some(1), Some(99)));
    }

    #[test]
    fn responses_match_code_then_range_then_default_and_literals_sort_first() {
        let model = model(
            r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
          "paths": {
            "/u/{id}": {"get": {"operationId": "byId",
              "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
              "responses": {"default": {"description": "d"}, "4XX": {"description": "r"}, "404": {"description": "n"}}}},
            "/u/me": {"get": {"operationId": "me", "responses": {"200": {"description": "ok"}}}}},
          "x-webhooks": {"hook": {"post": {"operationId": "hook",
            "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
            "responses": {"200": {"description": "ok"}}}}}}"#,
        );
        assert_eq!(model.operations[0].id, "me");
        let op = model.operation("byId").unwrap();
        let desc = |s| op.response(s).map(|r| r.pointer.clone());
        assert_eq!(desc(404).unwrap(), "/paths/~1u~1{id}/get/responses/404");
        assert_eq!(desc(400).unwrap(), "/paths/~1u~1{id}/get/responses/4XX");
        assert_eq!(desc(500).unwrap(), "/paths/~1u~1{id}/get/responses/default");
        assert_eq!(op.path_params[0].kind, crate::ScalarKind::Integer);
        assert_eq!(model.webhooks.len(), 1);
        let body = model.webhooks[0].request_body.as_ref().unwrap();
        assert_eq!(
            body.schema,
            "/x-webhooks/hook/post/requestBody/content/application~1json/schema"
        );
    }
}
