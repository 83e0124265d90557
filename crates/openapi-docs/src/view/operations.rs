//! Operations: authentication, paging, parameters, responses, samples.

use super::*;

/// An operation's parameters as the page shows them and the samples use them.
#[derive(Default)]
struct ParamViews {
    views: Vec<Param>,
    /// (name, example value, Rust type) of each path parameter.
    path: Vec<(String, String, &'static str)>,
    /// (name, example value) of the query parameters that have an example.
    query_examples: Vec<(String, String)>,
    has_query: bool,
}

/// The document's own `x-codeSamples` after the generated ones; its Rust
/// ones also go into the samples file.
fn with_code_samples(
    op: &Value,
    mut samples: Vec<Sample>,
    mut rust: RustItems,
) -> (Vec<Sample>, RustItems) {
    let extra = code_samples(op);
    rust.items.extend(
        extra
            .iter()
            .filter(|s| s.lang == "rust")
            .map(|s| s.source.clone()),
    );
    samples.extend(extra);
    (samples, rust)
}

impl<'a> Builder<'a> {
    pub(super) fn auth(&self) -> Auth {
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

    pub(super) fn model_op(&self, id: &str) -> Option<&openapi_model::Operation> {
        self.model.operations.iter().find(|o| o.id == id)
    }

    pub(super) fn paging_all(&self) -> Vec<Paging> {
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

    pub(super) fn paging_text(&self, id: &str) -> Option<String> {
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

    /// Path-level then operation-level parameters, resolved, with pointers.
    pub(super) fn params<'v>(&'v self, op: &'v Value, op_ptr: &str) -> Vec<(&'v Value, String)> {
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

    pub(super) fn op(&self, found: &OperationRef<'_>, webhook: bool) -> Op {
        let (path, op) = (found.path, found.operation);
        let ptr = &found.pointer();
        let id = Self::op_id(op, found.method, path);
        let method = found.method.to_uppercase();
        let params = self.param_views(op, ptr);
        let security = self
            .model_op(&id)
            .and_then(|o| o.security.first().cloned())
            .unwrap_or_default();
        let (responses, mut examples) = self.responses(op, ptr);
        let body = op.get("requestBody").and_then(|rb| {
            let (rb, rb_ptr) = self.resolve(rb, &format!("{ptr}/requestBody"))?;
            let (media, media_ptr) = first_media(rb, &rb_ptr)?;
            examples.splice(0..0, self.media_examples(media, &media_ptr, "Request body"));
            Some(self.words(media.get("schema").unwrap_or(&Value::Null)))
        });
        let (samples, rust) = if webhook {
            (Vec::new(), RustItems::default())
        } else {
            let request = Request {
                operation_id: &id,
                summary: str_at(op, "summary"),
                method: &method,
                server: &self.server,
                path,
                path_params: params.path,
                query: params.query_examples,
                has_query: params.has_query,
                auth: &security,
                accept: &self.accept,
                body_type: self.success_type(op),
                models_crate: &self.options.models_crate,
            };
            let rust = RustItems {
                uses: request.rust_use().into_iter().collect(),
                items: vec![request.rust_fn()],
            };
            (vec![request.curl(), request.ruby(), request.rust()], rust)
        };
        let (samples, rust) = with_code_samples(op, samples, rust);
        Op {
            anchor: format!("op-{}", slug(&id)),
            id: id.clone(),
            method,
            path: path.to_string(),
            url: if webhook {
                "your webhook URL".into()
            } else {
                format!("{}{path}", self.server)
            },
            summary: self.target.inline(str_at(op, "summary")),
            description: self.target.block(str_at(op, "description")),
            headers: if webhook {
                Vec::new()
            } else {
                self.request_headers(&security)
            },
            params: params.views,
            body,
            links: self.response_links(op, ptr),
            responses,
            examples,
            samples,
            rust,
            paging: if webhook { None } else { self.paging_text(&id) },
            delivery: if webhook {
                self.delivery_text(&id)
            } else {
                None
            },
        }
    }

    /// The `x-webhook-*` extensions of a webhook, in words (Markdown).
    fn delivery_text(&self, id: &str) -> Option<String> {
        let delivery = self
            .model
            .webhooks
            .iter()
            .find(|o| o.id == id)?
            .extensions
            .as_ref()?;
        let mut parts = Vec::new();
        if let Some(s) = &delivery.signature {
            let algorithm = match &s.algorithm {
                openapi_model::Algorithm::HmacSha256 => "HMAC-SHA256".to_string(),
                openapi_model::Algorithm::Unsupported(name) => name.clone(),
            };
            let encoding = match s.encoding {
                openapi_model::Encoding::Hex => "lowercase hex",
                openapi_model::Encoding::Base64 => "base64",
            };
            let signed = if s.signed == "raw-body" {
                "the raw body, exactly as sent".to_string()
            } else {
                format!("`{}`", s.signed)
            };
            parts.push(format!(
                "Signed: the `{}` header holds the {encoding} {algorithm} of {signed}, keyed with the `{}` credential. Verify it over the bytes received, before parsing, in constant time.",
                s.header, s.secret
            ));
        }
        if let Some(c) = &delivery.challenge {
            parts.push(format!(
                "This is the URL check, sent before any event: answer 200 with the `{}` text, unchanged, as the whole body.",
                c.echo
            ));
        }
        if let Some(r) = &delivery.resource {
            let args: Vec<String> = r
                .parameters
                .iter()
                .map(|(name, ptr)| format!("`{name}` from `{ptr}`"))
                .collect();
            let when: Vec<String> = r
                .when
                .iter()
                .map(|(ptr, v)| format!("`{ptr}` is `{}`", scalar(v)))
                .collect();
            let condition = if when.is_empty() {
                String::new()
            } else {
                format!(" when {}", when.join(" and "))
            };
            parts.push(format!(
                "`{}` is the resource {} returns ({}){condition}.",
                r.data,
                self.op_link(&r.operation, &r.operation),
                args.join(", ")
            ));
        }
        Some(self.target.inline(&parts.join(" ")))
    }

    /// The headers a request sends: Accept, and the credential's header
    /// when the operation's first security alternative uses one.
    fn request_headers(&self, security: &[Scheme]) -> Vec<Pair> {
        self.auth_headers
            .iter()
            .filter(|h| {
                h.name == "Accept"
                    || security
                        .iter()
                        .any(|s| scheme_header(s).as_deref() == Some(&h.name))
            })
            .cloned()
            .collect()
    }

    /// The parameter table, and what the samples need of the parameters.
    fn param_views(&self, op: &Value, ptr: &str) -> ParamViews {
        let mut out = ParamViews::default();
        for (p, pp) in &self.params(op, ptr) {
            let schema = p
                .get("schema")
                .and_then(|s| self.resolved(s, &format!("{pp}/schema")))
                .unwrap_or(Value::Null);
            let name = str_at(p, "name").to_string();
            let location = str_at(p, "in").to_string();
            let example = p
                .get("example")
                .or_else(|| openapi_spec::schema::example(&schema))
                .map(scalar);
            match location.as_str() {
                "path" => out.path.push((
                    name.clone(),
                    example
                        .clone()
                        .or_else(|| schema.get("default").map(scalar))
                        .unwrap_or_else(|| placeholder(&schema)),
                    rust_type(&schema),
                )),
                "query" => {
                    out.has_query = true;
                    if let Some(e) = &example {
                        out.query_examples.push((name.clone(), e.clone()));
                    }
                }
                _ => {}
            }
            out.views.push(Param {
                name,
                location,
                type_words: self.words(p.get("schema").unwrap_or(&Value::Null)),
                required: p.get("required").and_then(Value::as_bool) == Some(true),
                default: schema.get("default").map(scalar),
                bounds: bounds(&schema),
                description: self.target.inline(str_at(p, "description")),
            });
        }
        out
    }

    /// The generated model's type of the first success body, when it is a component.
    pub(super) fn success_type(&self, op: &Value) -> Option<String> {
        let (_, resp) = op
            .get("responses")?
            .as_object()?
            .iter()
            .find(|(s, _)| s.starts_with('2'))?;
        let resp = self.resolve(resp, "")?.0;
        let (media, _) = first_media(resp, "")?;
        component_name(media.get("schema")?).map(|n| openapi_codegen::naming::type_name(&n))
    }

    /// An operation's responses, `$ref`s followed: (status, response, its pointer).
    pub(super) fn resolved_responses<'v>(
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

    /// Each Link Object of each response: status, target operation, how
    /// its parameters are filled, and the link's description.
    fn response_links(&self, op: &Value, ptr: &str) -> Vec<String> {
        let mut out = Vec::new();
        for (status, resp, _) in self.resolved_responses(op, ptr) {
            for (_, link) in entries(resp, "links") {
                let target = str_at(link, "operationId");
                let filled: Vec<String> = entries(link, "parameters")
                    .map(|(name, expression)| {
                        format!("`{name}` = `{}`", expression.as_str().unwrap_or_default())
                    })
                    .collect();
                let description = str_at(link, "description");
                let md = format!(
                    "**{status}** → {}{}{}",
                    self.op_link(target, target),
                    if filled.is_empty() {
                        String::new()
                    } else {
                        format!(" with {}", filled.join(", "))
                    },
                    if description.is_empty() {
                        String::new()
                    } else {
                        format!(": {description}")
                    },
                );
                out.push(self.target.inline(&md));
            }
        }
        out
    }

    pub(super) fn responses(&self, op: &Value, ptr: &str) -> (Vec<Response>, Vec<Example>) {
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
    pub(super) fn media_examples(
        &self,
        media: &Value,
        media_ptr: &str,
        what: &str,
    ) -> Vec<Example> {
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
}
