//! The reference as data: what the templates show, read once from the
//! document and from the contract model (rules, paging, security), for one
//! target (the HTML page or the Markdown pages).

use std::collections::BTreeMap;

use openapi_model::{
    Credential, MethodNotAllowed, Model, OffsetLimit, PageSize, Pagination, Scheme, StatusKey,
};
use openapi_spec::visit::{OperationRef, Root};
use openapi_spec::{Document, pointer};
use serde::Serialize;
use serde_json::Value;

use crate::Options;
use crate::samples::{Request, Sample};
use crate::text::{Target, first_sentence, slug};
use crate::words::{bounds, component_name, range, scalar, type_words};

mod errors;
mod operations;
mod pages;
mod schemas;

#[derive(Serialize)]
pub struct View {
    pub title: String,
    pub version: String,
    pub description: String,
    pub servers: Vec<Pair>,
    pub auth: Auth,
    pub paging: Vec<Paging>,
    pub tags: Vec<Tag>,
    pub webhooks: Vec<Op>,
    pub errors: Errors,
    pub schemas: Vec<Schema>,
    pub date_time: Option<String>,
    pub downloads: Vec<Download>,
    pub pages: Vec<Page>,
}

#[derive(Serialize, Clone)]
pub struct Pair {
    pub name: String,
    pub value: String,
    pub description: String,
}

#[derive(Serialize)]
pub struct Auth {
    /// The headers every request sends.
    pub headers: Vec<Pair>,
    /// Each security scheme: name, what it is in words, its description.
    pub schemes: Vec<Pair>,
}

#[derive(Serialize)]
pub struct Paging {
    pub operation: String,
    pub text: String,
}

#[derive(Serialize)]
pub struct Tag {
    pub name: String,
    pub title: String,
    pub anchor: String,
    pub description: String,
    pub page: String,
    pub operations: Vec<Op>,
}

#[derive(Serialize)]
pub struct Op {
    pub id: String,
    pub anchor: String,
    pub method: String,
    pub path: String,
    pub url: String,
    pub summary: String,
    pub description: String,
    pub headers: Vec<Pair>,
    pub params: Vec<Param>,
    pub body: Option<String>,
    pub responses: Vec<Response>,
    /// The responses' OpenAPI links, each in words: where the ids in an
    /// answer lead.
    pub links: Vec<String>,
    pub examples: Vec<Example>,
    pub samples: Vec<Sample>,
    /// The Rust samples as items for the samples file (not shown as such).
    #[serde(skip)]
    pub rust: RustItems,
    pub paging: Option<String>,
    /// A webhook's signature, URL check and carried resource, in words.
    pub delivery: Option<String>,
}

/// `use` lines and items (functions) of an operation's Rust samples.
#[derive(Default)]
pub struct RustItems {
    pub uses: Vec<String>,
    pub items: Vec<String>,
}

#[derive(Serialize)]
pub struct Param {
    pub name: String,
    pub location: String,
    pub type_words: String,
    pub required: bool,
    pub default: Option<String>,
    pub bounds: Option<String>,
    pub description: String,
}

#[derive(Serialize)]
pub struct Response {
    pub status: String,
    pub description: String,
    pub body: Option<String>,
    pub headers: Vec<String>,
    /// A link to the error table's row, for error statuses.
    pub error_link: Option<String>,
}

#[derive(Serialize, Clone)]
pub struct Example {
    pub title: String,
    pub json: String,
    /// The same on one line, for table cells.
    pub compact: String,
    /// Where the schema the example must satisfy is (`#/components/…`).
    pub schema: String,
    /// `json`, or the media type's own kind (`text`).
    pub lang: String,
}

#[derive(Serialize)]
pub struct Errors {
    pub precedence: Option<String>,
    pub rows: Vec<ErrorRow>,
}

#[derive(Serialize)]
pub struct ErrorRow {
    pub status: u16,
    pub anchor: String,
    pub reason: String,
    pub description: String,
    pub headers: Vec<String>,
    pub example: Option<Example>,
    pub operations: String,
}

#[derive(Serialize)]
pub struct Schema {
    pub name: String,
    pub anchor: String,
    pub page: String,
    pub description: String,
    pub type_words: String,
    pub fields: Vec<Field>,
    /// Components whose fields this one also has, as links.
    pub includes: Vec<String>,
    pub union: Option<Union>,
    pub example: Option<Example>,
}

#[derive(Serialize, Clone)]
pub struct Field {
    pub name: String,
    pub type_words: String,
    pub required: bool,
    pub nullable: bool,
    pub bounds: Option<String>,
    pub description: String,
}

#[derive(Serialize)]
pub struct Union {
    pub property: String,
    /// Fields every variant has alike.
    pub common: Vec<Field>,
    pub variants: Vec<Variant>,
    /// The variants side by side: one row per field some variant has its
    /// own way, one cell per variant (`None`: the variant lacks it).
    pub rows: Vec<VariantRow>,
}

#[derive(Serialize)]
pub struct VariantRow {
    pub name: String,
    pub cells: Vec<Option<String>>,
}

#[derive(Serialize)]
pub struct Variant {
    pub tag: String,
    pub schema: String,
    /// The fields this variant has its own way, objects opened one level.
    pub fields: Vec<Field>,
}

#[derive(Serialize)]
pub struct Download {
    pub path: String,
    pub title: String,
    pub bytes: usize,
}

#[derive(Serialize, Clone)]
pub struct Page {
    pub file: String,
    pub title: String,
    pub kind: String,
    pub sidebar_position: usize,
    /// The tag shown, for tag pages.
    pub tag: Option<String>,
}

pub const AUTH_PAGE: &str = "authentication.md";
pub const ERRORS_PAGE: &str = "errors.md";
pub const WEBHOOKS_PAGE: &str = "webhooks.md";

/// An operation as the document walk finds it.
type OpEntry<'a> = OperationRef<'a>;

struct Builder<'a> {
    doc: &'a Document,
    raw: &'a Value,
    model: &'a Model,
    options: &'a Options,
    target: Target,
    /// Where each schema and operation is documented (built first).
    links: pages::Links,
    accept: String,
    server: String,
    /// Read once: the API's operations, the webhooks, the tags in page order.
    api_ops: Vec<OpEntry<'a>>,
    hooks: Vec<OpEntry<'a>>,
    tag_names: Vec<String>,
    /// The headers every request sends (Authorization, Accept), once.
    auth_headers: Vec<Pair>,
}

pub fn build(doc: &Document, model: &Model, options: &Options, target: Target) -> View {
    let raw = &doc.raw;
    let server = raw
        .pointer("/servers/0/url")
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim_end_matches('/')
        .to_string();
    let accept = model
        .rules
        .accept_media_type
        .clone()
        .unwrap_or_else(|| "application/json".into());
    let api_ops = operations(raw, Root::Paths);
    let hooks = operations(raw, Root::Webhooks);
    let tag_names = pages::tag_names(raw, &api_ops);
    let links = pages::Links::assign(raw, &api_ops, &hooks, &tag_names);
    let base = Builder {
        doc,
        raw,
        model,
        options,
        target,
        links,
        accept,
        server,
        api_ops,
        hooks,
        tag_names,
        auth_headers: Vec::new(),
    };
    let auth = base.auth();
    let b = Builder {
        auth_headers: auth.headers.clone(),
        ..base
    };
    let pages = b.pages();
    let tags = b.tags(&pages);
    let webhooks = b.operations(true).iter().map(|o| b.op(o, true)).collect();
    let info = raw.get("info").cloned().unwrap_or(Value::Null);
    View {
        title: str_at(&info, "title").to_string(),
        version: info.get("version").map(scalar).unwrap_or_default(),
        description: target.block(str_at(&info, "description")),
        servers: raw
            .get("servers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|s| Pair {
                name: str_at(s, "url").to_string(),
                value: String::new(),
                description: target.inline(str_at(s, "description")),
            })
            .collect(),
        auth,
        paging: b.paging_all(),
        tags,
        webhooks,
        errors: b.errors(),
        schemas: b.schemas(),
        date_time: raw
            .pointer("/x-date-time-format/description")
            .and_then(Value::as_str)
            .map(|d| target.inline(d)),
        downloads: options
            .downloads
            .iter()
            .map(|d| Download {
                path: d.path.clone(),
                title: d.title.clone(),
                bytes: d.contents.len(),
            })
            .collect(),
        pages,
    }
}

fn str_at<'v>(v: &'v Value, key: &str) -> &'v str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

impl<'a> Builder<'a> {
    /// `[text](#anchor)` on the HTML page, `[text](page.md#anchor)` on a Markdown page.
    fn link(&self, text: &str, page: &str, anchor: &str) -> String {
        match self.target {
            Target::Html => format!("[{text}](#{anchor})"),
            Target::Markdown => format!("[{text}]({page}#{anchor})"),
        }
    }

    fn schema_link(&self, name: &str) -> String {
        let page = self
            .links
            .schemas
            .get(name)
            .map(String::as_str)
            .unwrap_or(ERRORS_PAGE);
        self.link(name, page, &format!("schema-{}", slug(name)))
    }

    fn words(&self, schema: &Value) -> String {
        self.target
            .inline(&type_words(schema, &|n| self.schema_link(n)))
    }

    /// API operations (`paths`) or webhooks (`x-webhooks`), in document order.
    fn operations(&self, webhooks: bool) -> &[OpEntry<'a>] {
        if webhooks { &self.hooks } else { &self.api_ops }
    }

    fn op_id(op: &Value, method: &str, path: &str) -> String {
        op.get("operationId")
            .and_then(Value::as_str)
            .map(String::from)
            .unwrap_or_else(|| format!("{method} {path}"))
    }

    /// Follows `$ref`s; the value and its pointer.
    fn resolve<'v>(&'v self, v: &'v Value, ptr: &str) -> Option<(&'v Value, String)> {
        self.doc.resolve(v, ptr)
    }

    fn resolved(&self, v: &Value, ptr: &str) -> Option<Value> {
        self.resolve(v, ptr).map(|(v, _)| v.clone())
    }
}

fn operations(raw: &Value, root: Root) -> Vec<OperationRef<'_>> {
    openapi_spec::visit::operations(raw)
        .into_iter()
        .filter(|o| o.root() == root)
        .collect()
}

fn example(title: String, v: &Value, schema: &str, lang: &str) -> Example {
    Example {
        title,
        json: match (lang, v) {
            ("text", Value::String(s)) => s.clone(),
            _ => serde_json::to_string_pretty(v).unwrap_or_default(),
        },
        compact: v.to_string(),
        schema: format!("#{schema}"),
        lang: lang.to_string(),
    }
}

/// The Markdown page of a tag.
fn tag_page(tag: &str) -> String {
    format!("{}.md", slug(tag))
}

/// The members of the object at `key`, none when absent or not an object.
fn entries<'v>(v: &'v Value, key: &str) -> impl Iterator<Item = (&'v String, &'v Value)> {
    v.get(key).and_then(Value::as_object).into_iter().flatten()
}

fn header_names(resp: &Value) -> Vec<String> {
    entries(resp, "headers").map(|(k, _)| k.clone()).collect()
}

fn op_tag(op: &Value) -> String {
    op.pointer("/tags/0")
        .and_then(Value::as_str)
        .unwrap_or("default")
        .to_string()
}

/// A 4xx or 5xx key (a code or a range); `default` is not.
fn is_error_status(status: &str) -> bool {
    match StatusKey::parse(status) {
        Some(StatusKey::Code(c)) => c >= 400,
        Some(StatusKey::Range(c)) => c >= 4,
        _ => false,
    }
}

fn reason(code: u16) -> String {
    http::StatusCode::from_u16(code)
        .ok()
        .and_then(|c| c.canonical_reason())
        .unwrap_or("")
        .to_string()
}

/// The first media type of a response or request body, and its pointer.
fn first_media<'v>(holder: &'v Value, ptr: &str) -> Option<(&'v Value, String)> {
    let (name, media) = holder.get("content")?.as_object()?.iter().next()?;
    Some((media, pointer::push(&format!("{ptr}/content"), name)))
}

/// The header a scheme puts the credential in.
fn scheme_header(s: &Scheme) -> Option<String> {
    match s.credential()? {
        Credential::Header { name, .. } => Some(name),
        Credential::Query(_) | Credential::Cookie(_) => None,
    }
}

/// (header it uses, example value, what it is in words) for a security scheme.
fn scheme_words(s: &Scheme) -> (Option<String>, String, String) {
    let words = match s {
        Scheme::Bearer => "Bearer token (OAuth 2 / OpenID Connect)".to_string(),
        Scheme::Http(x) if x == "bearer" => "HTTP Bearer token".into(),
        Scheme::Http(x) if x == "basic" => "HTTP Basic authentication".into(),
        Scheme::Http(x) => format!("HTTP `{x}` authentication"),
        Scheme::ApiKeyHeader(n) => format!("API key in the `{n}` header"),
        Scheme::ApiKeyQuery(n) => format!("API key in the `{n}` query parameter"),
        Scheme::ApiKeyCookie(n) => format!("API key in the `{n}` cookie"),
    };
    match s.credential() {
        Some(Credential::Header { name, prefix }) => {
            let value = if prefix == "Basic " {
                "Basic base64(user:password)".to_string()
            } else {
                format!("{prefix}YOUR_API_SECRET")
            };
            (Some(name), value, words)
        }
        _ => (None, String::new(), words),
    }
}

/// `x-codeSamples` (the Redoc convention): `[{lang, label, source}]`.
fn code_samples(op: &Value) -> Vec<Sample> {
    op.get("x-codeSamples")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|s| {
            let lang = s.get("lang")?.as_str()?;
            Some(Sample {
                lang: fence_lang(lang),
                label: s
                    .get("label")
                    .and_then(Value::as_str)
                    .unwrap_or(lang)
                    .to_string(),
                source: s.get("source")?.as_str()?.trim_end().to_string(),
            })
        })
        .collect()
}

fn fence_lang(lang: &str) -> String {
    match lang.to_ascii_lowercase().as_str() {
        "shell" | "bash" | "sh" | "curl" => "shell".into(),
        other => other.to_string(),
    }
}

fn placeholder(schema: &Value) -> String {
    match schema.get("type").and_then(Value::as_str) {
        Some("integer") | Some("number") => "1".into(),
        _ => "value".into(),
    }
}

/// The Rust type a sample passes for a parameter: the models' scalar
/// types, and `&str` for text.
fn rust_type(schema: &Value) -> &'static str {
    let ty = schema.get("type").and_then(Value::as_str).unwrap_or("");
    let format = schema.get("format").and_then(Value::as_str);
    openapi_codegen::naming::scalar_type(ty, format).unwrap_or("&str")
}

fn component_names(raw: &Value) -> Vec<String> {
    raw.pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

/// Component schemas reachable from `root` through `$ref`s, in the order found.
fn reachable(raw: &Value, root: &Value) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut stack = vec![root.clone()];
    let mut seen_refs = std::collections::BTreeSet::new();
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(m) => {
                if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                    if !seen_refs.insert(r.to_string()) {
                        continue;
                    }
                    if let Some(name) = pointer::component_name(r) {
                        out.push(name);
                    }
                    if let Some(target) = r.strip_prefix('#').and_then(|p| raw.pointer(p)) {
                        stack.push(target.clone());
                    }
                    continue;
                }
                for (k, child) in m.into_iter().rev() {
                    if k != "example" && k != "examples" {
                        stack.push(child);
                    }
                }
            }
            Value::Array(a) => stack.extend(a.into_iter().rev()),
            _ => {}
        }
    }
    out
}
