//! The reference as data: what the templates show, read once from the
//! document and from the contract model (rules, paging, security), for one
//! target (the HTML page or the Markdown pages).

use std::collections::BTreeMap;

use openapi_model::{
    Credential, MethodNotAllowed, Model, OffsetLimit, PageSize, Pagination, Scheme,
};
use openapi_spec::visit::{OperationRef, Root};
use openapi_spec::{Document, pointer};
use serde::Serialize;
use serde_json::Value;

use crate::Options;
use crate::samples::{Request, Sample};
use crate::text::{Target, first_sentence, slug};
use crate::words::{bounds, component_name, range, scalar, type_words};

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
    pub examples: Vec<Example>,
    pub samples: Vec<Sample>,
    /// The Rust samples as items for the samples file (not shown as such).
    #[serde(skip)]
    pub rust: RustItems,
    pub paging: Option<String>,
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
    /// Component schema → the Markdown page that documents it.
    schema_pages: BTreeMap<String, String>,
    /// Operation id → its page.
    op_pages: BTreeMap<String, String>,
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
    let mut b = Builder {
        doc,
        raw,
        model,
        options,
        target,
        schema_pages: BTreeMap::new(),
        op_pages: BTreeMap::new(),
        accept,
        server,
        api_ops: operations(raw, Root::Paths),
        hooks: operations(raw, Root::Webhooks),
        tag_names: Vec::new(),
        auth_headers: Vec::new(),
    };
    b.tag_names = b.tag_names();
    let auth = b.auth();
    b.auth_headers = auth.headers.clone();
    let pages = b.pages();
    b.assign_pages();
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
            .schema_pages
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

    fn tag_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .raw
            .get("tags")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|t| str_at(t, "name").to_string())
            .collect();
        let used: Vec<String> = self
            .operations(false)
            .iter()
            .map(|o| op_tag(o.operation))
            .collect();
        for tag in &used {
            if !names.contains(tag) {
                names.push(tag.clone());
            }
        }
        names.retain(|n| used.contains(n));
        names
    }

    fn pages(&self) -> Vec<Page> {
        let mut pages = vec![Page {
            file: AUTH_PAGE.into(),
            title: "Authentication".into(),
            kind: "authentication".into(),
            sidebar_position: 1,
            tag: None,
        }];
        for name in &self.tag_names {
            pages.push(Page {
                file: tag_page(name),
                title: self.tag_title(name),
                kind: "tag".into(),
                sidebar_position: pages.len() + 1,
                tag: Some(name.clone()),
            });
        }
        pages.push(Page {
            file: ERRORS_PAGE.into(),
            title: "Errors".into(),
            kind: "errors".into(),
            sidebar_position: pages.len() + 1,
            tag: None,
        });
        if !self.operations(true).is_empty() {
            pages.push(Page {
                file: WEBHOOKS_PAGE.into(),
                title: "Webhooks".into(),
                kind: "webhooks".into(),
                sidebar_position: pages.len() + 1,
                tag: None,
            });
        }
        pages
    }

    fn tag_object(&self, name: &str) -> Option<&Value> {
        self.raw
            .get("tags")
            .and_then(Value::as_array)?
            .iter()
            .find(|t| str_at(t, "name") == name)
    }

    fn tag_title(&self, name: &str) -> String {
        if let Some(t) = self
            .tag_object(name)
            .and_then(|t| t.get("x-displayName"))
            .and_then(Value::as_str)
        {
            return t.to_string();
        }
        let mut c = name.chars();
        match c.next() {
            Some(f) => f.to_uppercase().chain(c).collect(),
            None => name.to_string(),
        }
    }

    /// Which Markdown page documents each schema and each operation: error
    /// bodies on the errors page, then each tag's bodies on its page, then
    /// webhook bodies on the webhooks page; anything left on the first page
    /// that has operations.
    fn assign_pages(&mut self) {
        let mut op_pages = BTreeMap::new();
        let mut errors: Vec<&'a Value> = Vec::new();
        let mut by_page: BTreeMap<String, Vec<&'a Value>> = BTreeMap::new();
        for &OperationRef {
            path,
            method,
            operation: op,
            ..
        } in &self.api_ops
        {
            let page = tag_page(&op_tag(op));
            op_pages.insert(Self::op_id(op, method, path), page.clone());
            let roots = by_page.entry(page).or_default();
            for (status, resp) in entries(op, "responses") {
                if is_error_status(status) {
                    errors.push(resp);
                } else {
                    roots.push(resp);
                }
            }
            roots.extend(
                ["requestBody", "parameters"]
                    .iter()
                    .filter_map(|k| op.get(*k)),
            );
        }
        let mut order = vec![(ERRORS_PAGE.to_string(), errors)];
        for name in &self.tag_names {
            let page = tag_page(name);
            let roots = by_page.remove(&page).unwrap_or_default();
            order.push((page, roots));
        }
        let mut hooks = Vec::new();
        for &OperationRef {
            path,
            method,
            operation: op,
            ..
        } in &self.hooks
        {
            op_pages.insert(Self::op_id(op, method, path), WEBHOOKS_PAGE.into());
            hooks.push(op);
        }
        order.push((WEBHOOKS_PAGE.into(), hooks));
        let mut schema_pages = BTreeMap::new();
        for (page, roots) in order {
            for root in roots {
                for name in reachable(self.raw, root) {
                    schema_pages.entry(name).or_insert_with(|| page.clone());
                }
            }
        }
        let fallback = self
            .tag_names
            .first()
            .map(|n| tag_page(n))
            .unwrap_or_else(|| ERRORS_PAGE.into());
        for name in component_names(self.raw) {
            schema_pages.entry(name).or_insert_with(|| fallback.clone());
        }
        self.op_pages = op_pages;
        self.schema_pages = schema_pages;
    }

    fn tags(&self, pages: &[Page]) -> Vec<Tag> {
        let ops = self.operations(false);
        pages
            .iter()
            .filter_map(|p| p.tag.as_ref().map(|t| (p, t)))
            .map(|(page, name)| Tag {
                name: name.clone(),
                title: page.title.clone(),
                anchor: format!("tag-{}", slug(name)),
                description: self.target.block(
                    self.tag_object(name)
                        .map(|t| str_at(t, "description"))
                        .unwrap_or(""),
                ),
                page: page.file.clone(),
                operations: ops
                    .iter()
                    .filter(|o| &op_tag(o.operation) == name)
                    .map(|o| self.op(o, false))
                    .collect(),
            })
            .collect()
    }

    fn auth(&self) -> Auth {
        let mut headers = Vec::new();
        let schemes_raw = self
            .raw
            .pointer("/components/securitySchemes")
            .and_then(Value::as_object);
        let mut schemes = Vec::new();
        for (name, s) in schemes_raw.into_iter().flatten() {
            let (header, value, words) = scheme_words(&Scheme::from_object(s));
            if let Some(h) = header {
                headers.push(Pair {
                    name: h,
                    value,
                    description: self.target.inline(str_at(s, "description")),
                });
            }
            schemes.push(Pair {
                name: name.clone(),
                value: self.target.inline(&words),
                description: self.target.block(str_at(s, "description")),
            });
        }
        if let Some(accept) = &self.model.rules.accept_media_type {
            let mut d = "Selects the API version.".to_string();
            if let Some(s) = self.model.rules.not_acceptable_status {
                d.push_str(&format!(
                    " A request whose `Accept` is missing or does not list `{accept}` gets {}.",
                    self.link(&s.to_string(), ERRORS_PAGE, &format!("error-{s}"))
                ));
            }
            headers.push(Pair {
                name: "Accept".into(),
                value: accept.clone(),
                description: self.target.inline(&d),
            });
        }
        Auth { headers, schemes }
    }

    fn model_op(&self, id: &str) -> Option<&openapi_model::Operation> {
        self.model.operations.iter().find(|o| o.id == id)
    }

    fn paging_all(&self) -> Vec<Paging> {
        self.operations(false)
            .iter()
            .filter_map(|found| {
                let (path, method) = (found.path, found.method);
                let id = Self::op_id(found.operation, method, path);
                let text = self.paging_text(&id)?;
                Some(Paging {
                    operation: self
                        .target
                        .inline(&self.op_link(&format!("{} {path}", method.to_uppercase()), &id)),
                    text,
                })
            })
            .collect()
    }

    fn paging_text(&self, id: &str) -> Option<String> {
        let op = self.model_op(id)?;
        let md = match op.pagination.as_ref()? {
            Pagination::OffsetLimit(OffsetLimit {
                limit_param,
                offset_param,
                limit_field,
                offset_field,
                total_field,
                items_field,
                order,
            }) => {
                let limit = op.query.iter().find(|q| &q.name == limit_param);
                let range = limit.and_then(|q| {
                    range(
                        q.minimum.map(|m| m.to_string()),
                        q.maximum.map(|m| m.to_string()),
                    )
                });
                let default = limit.and_then(|q| q.default.as_ref()).map(scalar);
                let limit_words = match (range, default) {
                    (Some(r), Some(d)) => format!("{r}, default {d}"),
                    (r, d) => r.or(d.map(|d| format!("default {d}"))).unwrap_or_default(),
                };
                let order_words = if order.is_empty() {
                    String::new()
                } else {
                    let keys: Vec<String> = order.iter().map(|k| format!("`{k}`")).collect();
                    format!(", ordered by {} ascending", keys.join(" then "))
                };
                format!(
                    "Paged with `{offset_param}` (items to skip) and `{limit_param}` \
                     (page size{sep}{limit_words}). The answer echoes the `{limit_field}` \
                     and `{offset_field}` it used and gives `{total_field}`, the number of \
                     all items; `{items_field}` holds at most `{limit_field}` of them\
                     {order_words}. To read every item, start at `{offset_param}` 0 and \
                     add `{limit_field}` until `{offset_param}` reaches `{total_field}`; \
                     an `{offset_param}` at or past `{total_field}` gives an empty list.",
                    sep = if limit_words.is_empty() { "" } else { ": " },
                )
            }
            Pagination::PageSize(PageSize {
                size_param,
                items_field,
            }) => {
                let items = items_field
                    .as_ref()
                    .map(|f| format!(" The items are in `{f}`."))
                    .unwrap_or_default();
                format!("Paged by page number, with `{size_param}` items per page.{items}")
            }
            Pagination::Unsupported(style) => format!("Paged (`{style}`)."),
        };
        Some(self.target.inline(&md))
    }

    /// Follows `$ref`s; the value and its pointer.
    fn resolve<'v>(&'v self, v: &'v Value, ptr: &str) -> Option<(&'v Value, String)> {
        self.doc.resolve(v, ptr)
    }

    fn resolved(&self, v: &Value, ptr: &str) -> Option<Value> {
        self.resolve(v, ptr).map(|(v, _)| v.clone())
    }

    /// Path-level then operation-level parameters, resolved, with pointers.
    fn params<'v>(&'v self, op: &'v Value, op_ptr: &str) -> Vec<(&'v Value, String)> {
        let item_ptr = op_ptr.rsplit_once('/').map(|(p, _)| p).unwrap_or("");
        let mut out: Vec<(&Value, String)> = Vec::new();
        let levels = [
            (self.raw.pointer(item_ptr), item_ptr.to_string()),
            (Some(op), op_ptr.to_string()),
        ];
        for (holder, hp) in levels {
            for (i, p) in holder
                .and_then(|h| h.get("parameters"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                let Some((p, pp)) = self.resolve(p, &format!("{hp}/parameters/{i}")) else {
                    continue;
                };
                let key = (str_at(p, "name"), str_at(p, "in"));
                out.retain(|(q, _)| (str_at(q, "name"), str_at(q, "in")) != key);
                out.push((p, pp));
            }
        }
        out
    }

    fn op(&self, found: &OperationRef<'_>, webhook: bool) -> Op {
        let (path, method, op) = (found.path, found.method, found.operation);
        let ptr = &found.pointer();
        let id = Self::op_id(op, method, path);
        let method_up = method.to_uppercase();
        let params = self.params(op, ptr);
        let mut param_views = Vec::new();
        let mut path_params = Vec::new();
        let mut query = Vec::new();
        let mut has_query = false;
        for (p, pp) in &params {
            let schema = p
                .get("schema")
                .and_then(|s| self.resolved(s, &format!("{pp}/schema")))
                .unwrap_or(Value::Null);
            let name = str_at(p, "name").to_string();
            let location = str_at(p, "in").to_string();
            let example = p
                .get("example")
                .or_else(|| schema.get("example"))
                .map(scalar);
            match location.as_str() {
                "path" => path_params.push((
                    name.clone(),
                    example
                        .clone()
                        .or_else(|| schema.get("default").map(scalar))
                        .unwrap_or_else(|| placeholder(&schema)),
                    rust_type(&schema),
                )),
                "query" => {
                    has_query = true;
                    if let Some(e) = &example {
                        query.push((name.clone(), e.clone()));
                    }
                }
                _ => {}
            }
            param_views.push(Param {
                name,
                location,
                type_words: self.words(p.get("schema").unwrap_or(&Value::Null)),
                required: p.get("required").and_then(Value::as_bool) == Some(true),
                default: schema.get("default").map(scalar),
                bounds: bounds(&schema),
                description: self.target.inline(str_at(p, "description")),
            });
        }
        let security = self
            .model_op(&id)
            .and_then(|o| o.security.first().cloned())
            .unwrap_or_default();
        let mut headers = Vec::new();
        if !webhook {
            headers = self
                .auth_headers
                .iter()
                .filter(|h| {
                    h.name == "Accept"
                        || security
                            .iter()
                            .any(|s| scheme_header(s).as_deref() == Some(&h.name))
                })
                .cloned()
                .collect();
        }
        let (responses, mut examples) = self.responses(op, ptr);
        let body = op.get("requestBody").and_then(|rb| {
            let (rb, rb_ptr) = self.resolve(rb, &format!("{ptr}/requestBody"))?;
            let (media, media_ptr) = first_media(rb, &rb_ptr)?;
            examples.splice(0..0, self.media_examples(media, &media_ptr, "Request body"));
            Some(self.words(media.get("schema").unwrap_or(&Value::Null)))
        });
        let mut samples = Vec::new();
        let mut rust = RustItems::default();
        if !webhook {
            let request = Request {
                operation_id: &id,
                summary: str_at(op, "summary"),
                method: &method_up,
                server: &self.server,
                path,
                path_params,
                query,
                has_query,
                auth: &security,
                accept: &self.accept,
                body_type: self.success_type(op),
                models_crate: &self.options.models_crate,
            };
            samples.extend([request.curl(), request.ruby(), request.rust()]);
            rust.uses.extend(request.rust_use());
            rust.items.push(request.rust_fn());
        }
        let extra = code_samples(op);
        rust.items.extend(
            extra
                .iter()
                .filter(|s| s.lang == "rust")
                .map(|s| s.source.clone()),
        );
        samples.extend(extra);
        Op {
            anchor: format!("op-{}", slug(&id)),
            id: id.clone(),
            method: method_up,
            path: path.to_string(),
            url: if webhook {
                "your webhook URL".into()
            } else {
                format!("{}{path}", self.server)
            },
            summary: self.target.inline(str_at(op, "summary")),
            description: self.target.block(str_at(op, "description")),
            headers,
            params: param_views,
            body,
            responses,
            examples,
            samples,
            rust,
            paging: if webhook { None } else { self.paging_text(&id) },
        }
    }

    /// The generated model's type of the first success body, when it is a component.
    fn success_type(&self, op: &Value) -> Option<String> {
        let (_, resp) = op
            .get("responses")?
            .as_object()?
            .iter()
            .find(|(s, _)| s.starts_with('2'))?;
        let resp = self.resolve(resp, "")?.0;
        let (media, _) = first_media(resp, "")?;
        component_name(media.get("schema")?).map(|n| openapi_codegen::rust::type_name(&n))
    }

    /// An operation's responses, `$ref`s followed: (status, response, its pointer).
    fn resolved_responses<'v>(
        &'v self,
        op: &'v Value,
        ptr: &str,
    ) -> Vec<(&'v String, &'v Value, String)> {
        entries(op, "responses")
            .filter_map(|(status, resp)| {
                let rp = pointer::push(&format!("{ptr}/responses"), status);
                let (resp, rp) = self.resolve(resp, &rp)?;
                Some((status, resp, rp))
            })
            .collect()
    }

    /// `[text](#op-…)` to an operation, on whichever page it is.
    fn op_link(&self, text: &str, id: &str) -> String {
        let page = self.op_pages.get(id).map(String::as_str).unwrap_or("");
        self.link(text, page, &format!("op-{}", slug(id)))
    }

    fn responses(&self, op: &Value, ptr: &str) -> (Vec<Response>, Vec<Example>) {
        let mut out = Vec::new();
        let mut examples = Vec::new();
        for (status, resp, rp) in self.resolved_responses(op, ptr) {
            let media = first_media(resp, &rp);
            let error = is_error_status(status);
            if !error && let Some((m, mp)) = &media {
                examples.extend(self.media_examples(m, mp, &format!("{status} response")));
            }
            out.push(Response {
                status: status.clone(),
                description: self.target.inline(str_at(resp, "description")),
                body: media
                    .as_ref()
                    .and_then(|(m, _)| m.get("schema"))
                    .map(|s| self.words(s)),
                headers: header_names(resp),
                error_link: error.then(|| {
                    self.target.inline(&self.link(
                        "Errors",
                        ERRORS_PAGE,
                        &format!("error-{status}"),
                    ))
                }),
            });
        }
        (out, examples)
    }

    /// A media type's `example` and `examples`, each with the schema it must meet.
    fn media_examples(&self, media: &Value, media_ptr: &str, what: &str) -> Vec<Example> {
        let Some(schema) = media.get("schema") else {
            return Vec::new();
        };
        let schema_ptr = self
            .resolve(schema, &format!("{media_ptr}/schema"))
            .map(|(_, p)| p)
            .unwrap_or_default();
        let kind = if schema.get("type").and_then(Value::as_str) == Some("string") {
            "text"
        } else {
            "json"
        };
        let mut out = Vec::new();
        if let Some(v) = media.get("example") {
            out.push(example(what.to_string(), v, &schema_ptr, kind));
        }
        for (name, ex) in entries(media, "examples") {
            let ep = pointer::push(&format!("{media_ptr}/examples"), name);
            let Some((ex, _)) = self.resolve(ex, &ep) else {
                continue;
            };
            let Some(v) = ex.get("value") else { continue };
            let summary = ex.get("summary").and_then(Value::as_str).unwrap_or(name);
            out.push(example(
                format!("{what}: {}", first_sentence(summary)),
                v,
                &schema_ptr,
                kind,
            ));
        }
        out
    }

    fn errors(&self) -> Errors {
        let mut rows: BTreeMap<u16, ErrorRow> = BTreeMap::new();
        for found in self.operations(false) {
            let (path, method, op) = (found.path, found.method, found.operation);
            let ptr = &found.pointer();
            let id = Self::op_id(op, method, path);
            for (status, resp, rp) in self.resolved_responses(op, ptr) {
                // Ranges (`4XX`) and `default` have no row: the table is per code.
                let Some(code) = status.parse::<u16>().ok().filter(|c| *c >= 400) else {
                    continue;
                };
                let op_link = self.op_link(&id, &id);
                let row = rows.entry(code).or_insert_with(|| ErrorRow {
                    status: code,
                    anchor: format!("error-{code}"),
                    reason: reason(code),
                    description: self.target.inline(str_at(resp, "description")),
                    headers: header_names(resp),
                    example: first_media(resp, &rp)
                        .and_then(|(m, mp)| self.media_examples(m, &mp, "").into_iter().next()),
                    operations: String::new(),
                });
                if !row.operations.is_empty() {
                    row.operations.push_str(", ");
                }
                row.operations.push_str(&op_link);
            }
        }
        for row in rows.values_mut() {
            row.operations = self.target.inline(&row.operations);
        }
        if let Some(MethodNotAllowed {
            status: code,
            allow,
        }) = &self.model.rules.method_not_allowed
        {
            let allow_words = allow
                .as_ref()
                .map(|a| format!(" The answer carries `Allow: {a}`."))
                .unwrap_or_default();
            let what = allow
                .as_ref()
                .map(|a| format!("A method other than `{a}`."))
                .unwrap_or_else(|| "A method the path does not support.".into());
            rows.entry(*code).or_insert_with(|| ErrorRow {
                status: *code,
                anchor: format!("error-{code}"),
                reason: reason(*code),
                description: self.target.inline(&format!("{what}{allow_words}")),
                headers: allow.iter().map(|_| "Allow".to_string()).collect(),
                example: None,
                operations: "every path".into(),
            });
        }
        let precedence = (!self.model.rules.precedence.is_empty()).then(|| {
            let list: Vec<String> = self
                .model
                .rules
                .precedence
                .iter()
                .map(|s| self.link(&s.to_string(), ERRORS_PAGE, &format!("error-{s}")))
                .collect();
            self.target.inline(&format!(
                "When several of these apply, the answer is the first in this order: {}.",
                list.join(", ")
            ))
        });
        Errors {
            precedence,
            rows: rows.into_values().collect(),
        }
    }

    fn schemas(&self) -> Vec<Schema> {
        let Some(all) = self
            .raw
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        else {
            return Vec::new();
        };
        all.iter()
            .map(|(name, s)| {
                let ptr = pointer::push("/components/schemas", name);
                let (fields, includes) = self.fields(s, &ptr);
                Schema {
                    name: name.clone(),
                    anchor: format!("schema-{}", slug(name)),
                    page: self.schema_pages.get(name).cloned().unwrap_or_default(),
                    description: self.target.block(str_at(s, "description")),
                    type_words: self.words(s),
                    fields,
                    includes,
                    union: self.union(s, &ptr),
                    example: s
                        .get("example")
                        .map(|v| example("Example".into(), v, &ptr, "json")),
                }
            })
            .collect()
    }

    /// The properties of an object schema, `allOf` parts merged in order;
    /// parts that are unions are named instead of merged.
    fn fields(&self, schema: &Value, ptr: &str) -> (Vec<Field>, Vec<String>) {
        let mut fields: Vec<Field> = Vec::new();
        let mut includes = Vec::new();
        self.collect_fields(schema, ptr, &mut fields, &mut includes, 0);
        (fields, includes)
    }

    fn collect_fields(
        &self,
        schema: &Value,
        ptr: &str,
        fields: &mut Vec<Field>,
        includes: &mut Vec<String>,
        depth: usize,
    ) {
        if depth > 16 {
            return;
        }
        let Some((schema, ptr)) = self.resolve(schema, ptr) else {
            return;
        };
        if schema.get("oneOf").is_some() || schema.get("anyOf").is_some() {
            if let Some(name) = ptr.strip_prefix("/components/schemas/") {
                let name = pointer::unescape(name);
                includes.push(self.target.inline(&self.schema_link(&name)));
            }
            return;
        }
        for (i, part) in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            self.collect_fields(
                part,
                &format!("{ptr}/allOf/{i}"),
                fields,
                includes,
                depth + 1,
            );
        }
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        for (name, prop) in entries(schema, "properties") {
            let pp = pointer::push(&format!("{ptr}/properties"), name);
            let field = self.field(name, prop, &pp, required.contains(&name.as_str()));
            fields.retain(|f| f.name != field.name);
            fields.push(field);
        }
    }

    fn field(&self, name: &str, prop: &Value, ptr: &str, required: bool) -> Field {
        let resolved = self.resolve(prop, ptr).map(|(v, _)| v).unwrap_or(prop);
        Field {
            name: name.to_string(),
            type_words: self.words(prop),
            required,
            nullable: resolved.get("nullable").and_then(Value::as_bool) == Some(true),
            bounds: bounds(resolved),
            description: self.target.inline(
                prop.get("description")
                    .or_else(|| resolved.get("description"))
                    .and_then(Value::as_str)
                    .unwrap_or(""),
            ),
        }
    }

    /// A discriminated `oneOf`: the variants side by side, with the fields
    /// they share once and the fields each has its own way opened up.
    fn union(&self, schema: &Value, ptr: &str) -> Option<Union> {
        let branches = schema
            .get("oneOf")
            .or_else(|| schema.get("anyOf"))?
            .as_array()?;
        let property = schema.pointer("/discriminator/propertyName")?.as_str()?;
        let mapping = schema
            .pointer("/discriminator/mapping")
            .and_then(Value::as_object);
        let mut variants: Vec<(String, String, Vec<Field>)> = Vec::new();
        for (i, branch) in branches.iter().enumerate() {
            let bp = format!("{ptr}/oneOf/{i}");
            let name = component_name(branch).unwrap_or_default();
            let tag = mapping
                .and_then(|m| {
                    m.iter()
                        .find(|(_, r)| r.as_str() == branch.get("$ref").and_then(Value::as_str))
                })
                .map(|(t, _)| t.clone())
                .unwrap_or_else(|| name.clone());
            let (fields, _) = self.fields(branch, &bp);
            variants.push((tag, name, fields));
        }
        let shared = |f: &Field| {
            variants.iter().all(|(_, _, fs)| {
                fs.iter()
                    .any(|g| g.name == f.name && g.type_words == f.type_words)
            })
        };
        let common: Vec<Field> = variants
            .first()
            .map(|(_, _, fs)| fs.iter().filter(|f| shared(f)).cloned().collect())
            .unwrap_or_default();
        let variants: Vec<Variant> = variants
            .iter()
            .map(|(tag, name, fields)| {
                let mut own = Vec::new();
                for f in fields.iter().filter(|f| !shared(f) && f.name != property) {
                    own.push(f.clone());
                    own.extend(self.opened(name, &f.name));
                }
                Variant {
                    tag: tag.clone(),
                    schema: self.target.inline(&self.schema_link(name)),
                    fields: own,
                }
            })
            .collect();
        let mut names: Vec<&str> = Vec::new();
        for v in &variants {
            for f in &v.fields {
                if !names.contains(&f.name.as_str()) {
                    names.push(&f.name);
                }
            }
        }
        let rows = names
            .iter()
            .map(|n| VariantRow {
                name: n.to_string(),
                cells: variants
                    .iter()
                    .map(|v| {
                        v.fields
                            .iter()
                            .find(|f| f.name == *n)
                            .map(|f| f.type_words.clone())
                    })
                    .collect(),
            })
            .collect();
        Some(Union {
            property: property.to_string(),
            common,
            variants,
            rows,
        })
    }

    /// The fields of `variant.property` when it is an object, as `property.field`.
    fn opened(&self, variant: &str, property: &str) -> Vec<Field> {
        let ptr = pointer::push("/components/schemas", variant);
        let Some(schema) = self.raw.pointer(&ptr) else {
            return Vec::new();
        };
        let mut found = None;
        self.find_property(schema, &ptr, property, &mut found, 0);
        let Some((prop, pp)) = found else {
            return Vec::new();
        };
        let (fields, _) = self.fields(&prop, &pp);
        fields
            .into_iter()
            .map(|mut f| {
                f.name = format!("{property}.{}", f.name);
                f
            })
            .collect()
    }

    fn find_property(
        &self,
        schema: &Value,
        ptr: &str,
        property: &str,
        found: &mut Option<(Value, String)>,
        depth: usize,
    ) {
        if depth > 16 {
            return;
        }
        let Some((schema, ptr)) = self.resolve(schema, ptr) else {
            return;
        };
        if let Some(p) = schema.pointer(&format!("/properties/{}", pointer::escape(property))) {
            *found = Some((
                p.clone(),
                pointer::push(&format!("{ptr}/properties"), property),
            ));
        }
        for (i, part) in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            self.find_property(
                part,
                &format!("{ptr}/allOf/{i}"),
                property,
                found,
                depth + 1,
            );
        }
    }
}

fn operations(raw: &Value, root: Root) -> Vec<OperationRef<'_>> {
    openapi_spec::visit::operations(raw)
        .into_iter()
        .filter(|o| o.root == root)
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

fn is_error_status(status: &str) -> bool {
    status.starts_with('4') || status.starts_with('5')
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
    openapi_codegen::rust::scalar_type(ty, format).unwrap_or("&str")
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
