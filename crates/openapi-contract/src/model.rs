//! The document, compiled once into what the checks need: operations with
//! their path templates, response validators, query parameters, security
//! requirements and paging rules, and the discriminated unions. Public so
//! the live run can plan its requests from the same reading of the document.

use std::collections::{BTreeMap, BTreeSet};

use openapi_jsonschema::Converter;
use openapi_spec::{Document, pointer};
use serde_json::Value;

use crate::ContractError;
use crate::plan::{NodeId, Plan};

pub struct Operation {
    pub id: String,
    pub method: String,
    pub template: String,
    pub segments: Vec<Segment>,
    /// Status key (`200`, `2XX`, `default`) → what is documented.
    pub responses: Vec<(String, ResponseSpec)>,
    pub query: Vec<QueryParam>,
    /// Alternatives; each alternative needs all of its schemes. Empty: no auth.
    pub security: Vec<Vec<Scheme>>,
    pub pagination: Option<Pagination>,
    /// Path parameters in template order, with their scalar kind.
    pub path_params: Vec<(String, ScalarKind)>,
    pub item: Option<ItemLink>,
}

impl Operation {
    /// The documented response for a status: the exact code, else its
    /// range (`4XX`), else `default`. Keys are upper-cased when compiled.
    pub fn response(&self, status: u16) -> Option<&ResponseSpec> {
        let find = |want: &dyn Fn(&str) -> bool| {
            self.responses.iter().find(|(k, _)| want(k)).map(|(_, r)| r)
        };
        let class = (status / 100).to_string();
        find(&|k| k.parse::<u16>() == Ok(status))
            .or_else(|| find(&|k| k.strip_suffix("XX") == Some(class.as_str())))
            .or_else(|| find(&|k| k == "DEFAULT"))
    }
}

pub enum Segment {
    Literal(String),
    /// A templated segment: the parameter's name.
    Param(String),
}

/// How to fetch one item of a list alone (`x-pagination.item`): the
/// operation, and which of its path parameters take which item property.
#[derive(Debug, Clone)]
pub struct ItemLink {
    pub operation: String,
    /// (path parameter, item property)
    pub parameters: Vec<(String, String)>,
}

pub struct ResponseSpec {
    pub body: Option<BodySpec>,
}

pub struct BodySpec {
    /// The body's schema in the walker's graph.
    pub(crate) node: NodeId,
    pub validator: jsonschema::Validator,
}

pub struct QueryParam {
    pub name: String,
    pub required: bool,
    pub kind: ScalarKind,
    pub default: Option<Value>,
    pub validator: Option<jsonschema::Validator>,
    /// Inclusive integer bounds (`exclusiveMinimum`/`exclusiveMaximum` folded in).
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarKind {
    Integer,
    Number,
    Boolean,
    String,
}

#[derive(Debug, Clone)]
pub enum Scheme {
    /// `Authorization: <scheme> <credential>`; scheme lowercased.
    Http(String),
    ApiKeyHeader(String),
    ApiKeyQuery(String),
    ApiKeyCookie(String),
    /// OAuth2 / OpenID: a bearer token in practice.
    Bearer,
}

/// Where a scheme's credential travels: what a client (the live run) and a
/// code sample (the docs) both need to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// `name: <prefix><secret>`; the prefix is `Bearer ` or `Basic ` for HTTP schemes.
    Header {
        name: String,
        prefix: &'static str,
    },
    Query(String),
    Cookie(String),
}

impl Scheme {
    /// A Security Scheme Object; OAuth 2 and OpenID Connect are bearer tokens in practice.
    pub fn from_object(s: &Value) -> Scheme {
        let field = |k: &str| s.get(k).and_then(Value::as_str).unwrap_or("");
        match field("type") {
            "http" => Scheme::Http(field("scheme").to_ascii_lowercase()),
            "apiKey" => match field("in") {
                "header" => Scheme::ApiKeyHeader(field("name").to_string()),
                "query" => Scheme::ApiKeyQuery(field("name").to_string()),
                _ => Scheme::ApiKeyCookie(field("name").to_string()),
            },
            _ => Scheme::Bearer,
        }
    }

    /// `None` for an HTTP scheme other than bearer and basic.
    pub fn credential(&self) -> Option<Credential> {
        let authorization = |prefix| {
            Some(Credential::Header {
                name: "Authorization".into(),
                prefix,
            })
        };
        match self {
            Scheme::Bearer => authorization("Bearer "),
            Scheme::Http(s) => match s.as_str() {
                "bearer" => authorization("Bearer "),
                "basic" => authorization("Basic "),
                _ => None,
            },
            Scheme::ApiKeyHeader(n) => Some(Credential::Header {
                name: n.clone(),
                prefix: "",
            }),
            Scheme::ApiKeyQuery(n) => Some(Credential::Query(n.clone())),
            Scheme::ApiKeyCookie(n) => Some(Credential::Cookie(n.clone())),
        }
    }
}

pub enum Pagination {
    OffsetLimit {
        limit_param: String,
        offset_param: String,
        limit_field: String,
        offset_field: String,
        total_field: String,
        items_field: String,
        /// Item properties the list is sorted by, ascending (`order`).
        order: Vec<String>,
    },
    PageSize {
        size_param: String,
        items_field: Option<String>,
    },
    Unsupported(String),
}

/// A `oneOf`/`anyOf` schema, with how to pick its branch.
pub(crate) struct Union {
    pub discriminator: Option<Discriminator>,
    /// Branch schema pointers, in order.
    pub branches: Vec<String>,
    /// The same branches in the walker's graph.
    pub branch_nodes: Vec<NodeId>,
    pub validators: Vec<jsonschema::Validator>,
}

pub(crate) struct Discriminator {
    pub property: String,
    /// Tag → branch index.
    pub tags: BTreeMap<String, usize>,
    /// Properties whose schema differs between branches: the ones the tag decides.
    pub decided: BTreeSet<String>,
}

/// The `x-contract` rules, all optional.
#[derive(Default)]
pub struct Rules {
    pub accept_media_type: Option<String>,
    pub unauthorized_status: Option<u16>,
    pub not_acceptable_status: Option<u16>,
    pub bad_request_status: Option<u16>,
    pub precedence: Vec<u16>,
    pub method_not_allowed: Option<(u16, Option<String>)>,
    pub unknown_fields_fail: bool,
    /// Status and header of a rate-limit refusal (`rateLimited`).
    pub rate_limited: Option<(u16, Option<String>)>,
    /// Properties holding signed links a client may fetch without the API secret.
    pub signed_url_properties: Vec<String>,
    pub signed_url_lifetime_seconds: Option<u64>,
}

impl Rules {
    /// A rate-limit refusal may answer any request, so the request rules
    /// are not judged on it.
    pub fn is_rate_limited(&self, status: u16) -> bool {
        self.rate_limited
            .as_ref()
            .is_some_and(|(s, _)| *s == status)
    }
}

pub struct Model {
    pub base_path: String,
    pub operations: Vec<Operation>,
    pub(crate) plan: Plan,
    pub rules: Rules,
}

fn compile(schema: &Value) -> Result<jsonschema::Validator, String> {
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .map_err(|e| e.to_string())
}

pub(crate) fn compile_at(
    converter: &Converter,
    raw: &Value,
    ptr: &str,
) -> Result<jsonschema::Validator, ContractError> {
    let schema = raw.pointer(ptr).ok_or_else(|| ContractError::Schema {
        pointer: ptr.to_string(),
        message: "no schema here".into(),
    })?;
    let bundled = converter
        .bundle(schema, ptr)
        .map_err(|e| ContractError::Schema {
            pointer: ptr.to_string(),
            message: e.to_string(),
        })?;
    compile(&bundled).map_err(|message| ContractError::Schema {
        pointer: ptr.to_string(),
        message,
    })
}

/// Follows `$ref`s from the schema at `ptr` to the schema itself; returns its pointer.
pub(crate) fn resolve_schema(raw: &Value, ptr: &str) -> Option<String> {
    pointer::resolve(raw, raw.pointer(ptr)?, ptr).map(|(_, p)| p)
}

impl Model {
    pub fn build(doc: &Document, base_override: Option<&str>) -> Result<Self, ContractError> {
        let raw = &doc.raw;
        let converter = Converter::new(raw);
        let base_path = match base_override {
            Some(b) => base_path_of(b),
            None => server_base_path(raw),
        };
        let rules = rules(raw);
        let mut plan = Plan::new(unions(raw, &converter)?);
        plan.link_unions(raw);
        let mut operations = Vec::new();
        for (path, method, ptr, op) in openapi_spec::lint::operations(raw) {
            if !ptr.starts_with("/paths/") {
                continue; // webhooks are not answered by this API's server
            }
            operations.push(operation(
                doc, &converter, &mut plan, &path, &method, &ptr, op,
            )?);
        }
        // Literal segments win over templated ones (`/users/me` before `/users/{id}`).
        operations.sort_by_key(|o| {
            std::cmp::Reverse(
                o.segments
                    .iter()
                    .filter(|s| matches!(s, Segment::Literal(_)))
                    .count(),
            )
        });
        Ok(Model {
            base_path,
            operations,
            plan,
            rules,
        })
    }
}

fn base_path_of(url: &str) -> String {
    let path = match url::Url::parse(url) {
        Ok(u) if u.has_host() => u.path().to_string(),
        _ => url.to_string(),
    };
    path.trim_end_matches('/').to_string()
}

/// The path of the first server URL, variables replaced by their defaults.
fn server_base_path(raw: &Value) -> String {
    let Some(server) = raw.pointer("/servers/0") else {
        return String::new();
    };
    let mut url = server
        .get("url")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if let Some(vars) = server.get("variables").and_then(Value::as_object) {
        for (name, var) in vars {
            let default = var.get("default").and_then(Value::as_str).unwrap_or("");
            url = url.replace(&format!("{{{name}}}"), default);
        }
    }
    base_path_of(&url)
}

/// `{status, <name>: "..."}` → (status, the named string).
fn status_and(x: Option<&Value>, name: &str) -> Option<(u16, Option<String>)> {
    let x = x?;
    let status = u16::try_from(x.get("status")?.as_u64()?).ok()?;
    Some((
        status,
        x.get(name).and_then(Value::as_str).map(String::from),
    ))
}

/// A list of strings; anything else is skipped.
fn strings(x: Option<&Value>) -> Vec<String> {
    x.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(String::from)
        .collect()
}

fn rules(raw: &Value) -> Rules {
    let Some(x) = raw.get("x-contract") else {
        return Rules::default();
    };
    let status = |k: &str| {
        x.get(k)
            .and_then(Value::as_u64)
            .and_then(|s| u16::try_from(s).ok())
    };
    Rules {
        accept_media_type: x
            .get("acceptMediaType")
            .and_then(Value::as_str)
            .map(str::to_ascii_lowercase),
        unauthorized_status: status("unauthorizedStatus"),
        not_acceptable_status: status("notAcceptableStatus"),
        bad_request_status: status("badRequestStatus"),
        precedence: x
            .get("statusPrecedence")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_u64)
                    .filter_map(|s| u16::try_from(s).ok())
                    .collect()
            })
            .unwrap_or_default(),
        method_not_allowed: status_and(x.get("methodNotAllowed"), "allow"),
        unknown_fields_fail: x.get("unknownFields").and_then(Value::as_str) == Some("fail"),
        rate_limited: status_and(x.get("rateLimited"), "retryAfterHeader"),
        signed_url_properties: strings(x.get("signedUrlProperties")),
        signed_url_lifetime_seconds: x.get("signedUrlLifetimeSeconds").and_then(Value::as_u64),
    }
}

fn operation(
    doc: &Document,
    converter: &Converter,
    plan: &mut Plan,
    path: &str,
    method: &str,
    ptr: &str,
    op: &Value,
) -> Result<Operation, ContractError> {
    let raw = &doc.raw;
    let segments: Vec<Segment> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            if let Some(name) = s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Segment::Param(name.to_string())
            } else {
                Segment::Literal(s.to_string())
            }
        })
        .collect();
    let mut responses = Vec::new();
    if let Some(map) = op.get("responses").and_then(Value::as_object) {
        for (status, response) in map {
            let rptr = pointer::push(&format!("{ptr}/responses"), status);
            let Some((response, rptr)) = doc.resolve(response, &rptr) else {
                continue;
            };
            let body = match openapi_spec::media::json_schema_of(response) {
                Some((media, _)) => {
                    let sptr = format!("{rptr}/content/{}/schema", pointer::escape(media));
                    Some(BodySpec {
                        validator: compile_at(converter, raw, &sptr)?,
                        node: plan.node(raw, &sptr),
                    })
                }
                None => None,
            };
            responses.push((status.to_ascii_uppercase(), ResponseSpec { body }));
        }
    }
    let path_item_ptr = ptr.rsplit_once('/').map(|(p, _)| p).unwrap_or("");
    let mut query = Vec::new();
    let mut path_kinds = BTreeMap::new();
    let mut seen = BTreeSet::new();
    // Operation parameters override path-item ones with the same name and location.
    for list_ptr in [
        format!("{ptr}/parameters"),
        format!("{path_item_ptr}/parameters"),
    ] {
        let Some(list) = raw.pointer(&list_ptr).and_then(Value::as_array) else {
            continue;
        };
        for (i, p) in list.iter().enumerate() {
            let Some((p, pptr)) = doc.resolve(p, &format!("{list_ptr}/{i}")) else {
                continue;
            };
            let Some(name) = p.get("name").and_then(Value::as_str) else {
                continue;
            };
            match p.get("in").and_then(Value::as_str) {
                Some("query") => {}
                Some("path") => {
                    path_kinds
                        .entry(name.to_string())
                        .or_insert_with(|| scalar_kind(raw, &format!("{pptr}/schema")));
                    continue;
                }
                _ => continue,
            }
            if !seen.insert(name.to_string()) {
                continue;
            }
            query.push(query_param(doc, converter, p, &pptr, name)?);
        }
    }
    let security = security(raw, op.get("security").or_else(|| raw.get("security")));
    let pagination = op.get("x-pagination").map(pagination);
    let item = op.pointer("/x-pagination/item").and_then(item_link);
    let path_params = segments
        .iter()
        .filter_map(|s| match s {
            Segment::Param(name) => Some((
                name.clone(),
                path_kinds
                    .get(name.as_str())
                    .copied()
                    .unwrap_or(ScalarKind::String),
            )),
            Segment::Literal(_) => None,
        })
        .collect();
    Ok(Operation {
        id: op
            .get("operationId")
            .and_then(Value::as_str)
            .map(String::from)
            .unwrap_or_else(|| format!("{} {path}", method.to_ascii_uppercase())),
        method: method.to_ascii_uppercase(),
        template: path.to_string(),
        segments,
        responses,
        query,
        security,
        pagination,
        path_params,
        item,
    })
}

fn item_link(x: &Value) -> Option<ItemLink> {
    Some(ItemLink {
        operation: x.get("operation")?.as_str()?.to_string(),
        parameters: x
            .get("parameters")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                    .collect()
            })
            .unwrap_or_default(),
    })
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

fn query_param(
    doc: &Document,
    converter: &Converter,
    p: &Value,
    pptr: &str,
    name: &str,
) -> Result<QueryParam, ContractError> {
    let raw = &doc.raw;
    let sptr = format!("{pptr}/schema");
    let schema = resolve_schema(raw, &sptr).and_then(|s| raw.pointer(&s));
    let kind = scalar_kind(raw, &sptr);
    let validator = if raw.pointer(&sptr).is_some() {
        Some(compile_at(converter, raw, &sptr)?)
    } else {
        None
    };
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
    Ok(QueryParam {
        name: name.to_string(),
        required: p.get("required").and_then(Value::as_bool) == Some(true),
        kind,
        default: schema.and_then(|s| s.get("default")).cloned(),
        validator,
        minimum: step(int("minimum"), "exclusiveMinimum", 1),
        maximum: step(int("maximum"), "exclusiveMaximum", -1),
    })
}

fn security(raw: &Value, requirements: Option<&Value>) -> Vec<Vec<Scheme>> {
    let Some(list) = requirements.and_then(Value::as_array) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for req in list {
        let Some(req) = req.as_object() else { continue };
        if req.is_empty() {
            // `{}` makes auth optional: nothing can be required.
            return Vec::new();
        }
        let mut schemes = Vec::new();
        for name in req.keys() {
            let Some(s) = raw.pointer(&format!(
                "/components/securitySchemes/{}",
                pointer::escape(name)
            )) else {
                continue;
            };
            schemes.push(Scheme::from_object(s));
        }
        out.push(schemes);
    }
    out
}

fn pagination(x: &Value) -> Pagination {
    let field = |k: &str, d: &str| x.get(k).and_then(Value::as_str).unwrap_or(d).to_string();
    match x.get("style").and_then(Value::as_str).unwrap_or("") {
        "offset-limit" => Pagination::OffsetLimit {
            limit_param: field("limitParameter", "limit"),
            offset_param: field("offsetParameter", "offset"),
            limit_field: field("limitField", "limit"),
            offset_field: field("offsetField", "offset"),
            total_field: field("totalField", "total"),
            items_field: field("itemsField", "items"),
            order: strings(x.get("order")),
        },
        "page-size" => Pagination::PageSize {
            size_param: field("sizeParameter", "per_page"),
            items_field: x
                .get("itemsField")
                .and_then(Value::as_str)
                .map(String::from),
        },
        other => Pagination::Unsupported(other.to_string()),
    }
}

/// Every `oneOf`/`anyOf` in the document, with branch validators, and for
/// discriminated ones the tag → branch map and the properties the tag decides.
fn unions(raw: &Value, converter: &Converter) -> Result<Vec<(String, Union)>, ContractError> {
    let mut out = Vec::new();
    for ptr in openapi_spec::lint::schema_pointers(raw) {
        let Some(schema) = raw.pointer(&ptr) else {
            continue;
        };
        let Some(key) = ["oneOf", "anyOf"]
            .into_iter()
            .find(|k| schema.get(*k).is_some_and(Value::is_array))
        else {
            continue;
        };
        let list = schema[key]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default();
        let mut branches = Vec::new();
        let mut validators = Vec::new();
        for i in 0..list.len() {
            let bptr = format!("{ptr}/{key}/{i}");
            let resolved = resolve_schema(raw, &bptr).unwrap_or(bptr.clone());
            validators.push(compile_at(converter, raw, &bptr)?);
            branches.push(resolved);
        }
        let discriminator = match (schema.as_object(), schema.get("discriminator")) {
            (Some(obj), Some(d)) => {
                let property = d
                    .get("propertyName")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                let names = openapi_jsonschema::discriminator_tags(
                    obj,
                    d,
                    openapi_jsonschema::component_name,
                )
                .map_err(|e| ContractError::Schema {
                    pointer: ptr.clone(),
                    message: e.to_string(),
                })?;
                let mut tags = BTreeMap::new();
                for (tag, name) in names {
                    let target = format!("/components/schemas/{}", pointer::escape(&name));
                    if let Some(i) = branches.iter().position(|b| *b == target) {
                        tags.insert(tag, i);
                    }
                }
                Some(Discriminator {
                    property,
                    tags,
                    // Filled from the schema graph once branches are nodes.
                    decided: BTreeSet::new(),
                })
            }
            _ => None,
        };
        out.push((
            ptr.clone(),
            Union {
                discriminator,
                branches,
                branch_nodes: Vec::new(),
                validators,
            },
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exclusive_bounds_become_inclusive_integers() {
        let text = r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
          "paths": {"/x": {"get": {"operationId": "x",
            "parameters": [
              {"name": "a", "in": "query", "schema": {"type": "integer",
                "minimum": 0, "maximum": 100, "exclusiveMinimum": true, "exclusiveMaximum": true}},
              {"name": "b", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 99}}],
            "responses": {"200": {"description": "ok"}}}}}}"#;
        let doc = openapi_spec::load_str(
            text,
            std::path::Path::new("t.json"),
            true,
            &Default::default(),
        )
        .unwrap();
        let model = Model::build(&doc, None).unwrap();
        let q = &model.operations[0].query;
        assert_eq!((q[0].minimum, q[0].maximum), (Some(1), Some(99)));
        assert_eq!((q[1].minimum, q[1].maximum), (Some(1), Some(99)));
    }
}
