//! Contract checks for HTTP exchanges, derived from an OpenAPI 3.0 document.
//!
//! Nothing here knows a particular API: operations, response schemas,
//! discriminated unions, nullable fields, security schemes, paging
//! (`x-pagination`) and request rules (`x-contract`) all come from the
//! document. Recorded (HAR) and live runs feed the same [`Contract::check`].

pub mod model;
pub mod normalize;
mod pagination;
mod plan;
mod report;
mod request;
pub mod run;
mod walk;

use openapi_spec::Document;
use openapi_spec::media::is_json_media_type;
use serde_json::Value;

pub use har;
pub use report::{
    Check, CheckResult, ExchangeReport, FileReport, Finding, Outcome, RunReport, Summary,
};

pub use model::Model;
use model::{Operation, Segment};
use walk::{ErrorKind, SchemaError, Walk};

/// Why a document cannot be turned into checks.
#[derive(Debug, thiserror::Error)]
pub enum ContractError {
    #[error("schema at #{pointer} cannot be compiled: {message}")]
    Schema { pointer: String, message: String },
}

/// What a run is told beyond the document.
#[derive(Debug, Clone)]
pub struct Options {
    /// Undocumented fields fail instead of warn.
    pub strict: bool,
    /// Overrides the base path taken from the document's first server.
    pub base_url: Option<String>,
    /// Secrets known to be valid: a request presenting anything else has a
    /// wrong secret. Empty: validity is known only from `_credentials`.
    pub valid_secrets: Vec<String>,
    pub max_body_bytes: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            strict: false,
            base_url: None,
            valid_secrets: Vec::new(),
            max_body_bytes: har::DEFAULT_MAX_BODY_BYTES,
        }
    }
}

/// Whether the request's credentials are known to be valid (from the live
/// run, or a recording's `_credentials` annotation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credentials {
    Valid,
    Invalid,
}

/// One request and its response, borrowed from a HAR entry or a live call.
#[derive(Debug, Clone, Copy)]
pub struct Exchange<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub request_headers: &'a [har::Header],
    pub credentials: Option<Credentials>,
    pub status: u16,
    pub response_headers: &'a [har::Header],
    /// The recorder's idea of the content type, used when no header says.
    pub mime_type: &'a str,
    pub body: Option<&'a [u8]>,
}

/// The checks run on one exchange, and the parsed body (for snapshots).
#[derive(Debug)]
pub struct Checked {
    pub operation: Option<String>,
    pub results: Vec<CheckResult>,
    pub body: Option<Value>,
}

/// A document compiled into checks; build once, check many exchanges.
pub struct Contract {
    /// Boxed so the schema addresses the model keys on never move.
    doc: Box<Document>,
    model: Model,
    options: Options,
}

impl std::fmt::Debug for Contract {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Contract")
            .field("document", &self.doc.path)
            .field("operations", &self.model.operations.len())
            .finish()
    }
}

/// A value as compact JSON, cut to a readable length.
pub fn shorten(value: &Value) -> String {
    const MAX: usize = 120;
    let text = value.to_string();
    if text.len() <= MAX {
        return text;
    }
    let mut end = MAX - 1;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// A check's verdict: `Pass` without findings, else `failing`.
pub fn result(check: Check, findings: Vec<Finding>, failing: Outcome) -> CheckResult {
    CheckResult {
        check,
        outcome: if findings.is_empty() {
            Outcome::Pass
        } else {
            failing
        },
        findings,
    }
}

/// A finding without an offending value.
pub fn finding(pointer: impl Into<String>, message: impl Into<String>) -> Finding {
    Finding {
        pointer: pointer.into(),
        message: message.into(),
        value: None,
    }
}

impl Contract {
    pub fn new(doc: Document, options: Options) -> Result<Self, ContractError> {
        let doc = Box::new(doc);
        let model = Model::build(&doc, options.base_url.as_deref())?;
        Ok(Contract {
            doc,
            model,
            options,
        })
    }

    pub fn document(&self) -> &Document {
        &self.doc
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The document as the checks read it: operations, rules, base path.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The names whose values are secrets: the defaults plus every header,
    /// query parameter or cookie the document's security schemes use.
    pub fn sensitive_names(&self) -> har::SensitiveNames {
        let mut names = har::SensitiveNames::default();
        for op in &self.model.operations {
            for alt in &op.security {
                for s in alt {
                    names = match s {
                        model::Scheme::ApiKeyHeader(n) => names.with_header(n),
                        model::Scheme::ApiKeyQuery(n) => names.with_query(n),
                        _ => names,
                    };
                }
            }
        }
        names
    }

    /// Runs every check that applies to the exchange.
    pub fn check(&self, ex: &Exchange<'_>) -> Checked {
        let (op, url) = match self.locate(ex) {
            Ok(found) => found,
            Err(r) => {
                return Checked {
                    operation: None,
                    results: vec![r],
                    body: None,
                };
            }
        };
        let mut results = vec![result(Check::Operation, Vec::new(), Outcome::Fail)];
        let body = self.check_operation(op, ex, &url, &mut results);
        Checked {
            operation: Some(op.id.clone()),
            results,
            body,
        }
    }

    /// The operation the exchange is for, or the `operation` check's verdict.
    fn locate(&self, ex: &Exchange<'_>) -> Result<(&Operation, url::Url), CheckResult> {
        let url = url::Url::parse(ex.url)
            .or_else(|_| url::Url::parse("http://recorded.invalid").and_then(|b| b.join(ex.url)))
            .map_err(|e| {
                result(
                    Check::Operation,
                    vec![finding(
                        "",
                        format!("the request URL cannot be parsed: {e}"),
                    )],
                    Outcome::Fail,
                )
            })?;
        let op = self.find_operation(ex, &url)?;
        Ok((op, url))
    }

    /// Every check after matching; returns the parsed body when there is one.
    fn check_operation(
        &self,
        op: &Operation,
        ex: &Exchange<'_>,
        url: &url::Url,
        results: &mut Vec<CheckResult>,
    ) -> Option<Value> {
        let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let req = request::check(
            &self.model.rules,
            op,
            ex,
            &query,
            &self.options.valid_secrets,
        );
        results.extend(req.results);

        let Some(spec) = op.response(ex.status) else {
            let documented: Vec<&str> = op.responses.iter().map(|(s, _)| s.as_str()).collect();
            let message = format!(
                "status {} is not documented for {} (documented: {})",
                ex.status,
                op.id,
                documented.join(", ")
            );
            results.push(result(
                Check::Status,
                vec![finding("", message)],
                Outcome::Fail,
            ));
            return None;
        };
        results.push(result(Check::Status, Vec::new(), Outcome::Fail));
        let body_spec = spec.body.as_ref()?;
        let content_type = har::header(ex.response_headers, "content-type")
            .filter(|c| !c.trim().is_empty())
            .unwrap_or(ex.mime_type);
        let content_findings = if is_json_media_type(content_type) {
            Vec::new()
        } else if content_type.trim().is_empty() {
            vec![finding(
                "",
                "the response has no content type; the document describes a JSON body",
            )]
        } else {
            vec![Finding {
                pointer: String::new(),
                message: "the content type is not JSON (application/json or a +json type); the document describes a JSON body".into(),
                value: Some(format!("{content_type:?}")),
            }]
        };
        results.push(result(Check::ContentType, content_findings, Outcome::Fail));
        let parsed = match ex.body.filter(|b| !b.iter().all(u8::is_ascii_whitespace)) {
            None => Err("the response has no body; the document describes a JSON body".to_string()),
            Some(bytes) => serde_json::from_slice::<Value>(bytes).map_err(|e| {
                let hint = if e.is_eof() {
                    " (the body is truncated)"
                } else {
                    ""
                };
                format!("the body is not valid JSON{hint}: {e}")
            }),
        };
        let body = match parsed {
            Err(message) => {
                results.push(result(
                    Check::BodyJson,
                    vec![finding("", message)],
                    Outcome::Fail,
                ));
                return None;
            }
            Ok(v) => v,
        };
        results.push(result(Check::BodyJson, Vec::new(), Outcome::Fail));
        self.check_body(&body_spec.validator, body_spec.node, &body, results);
        if (200..300).contains(&ex.status)
            && let Some(p) = &op.pagination
            && !req.parameters_invalid
        {
            results.push(pagination::check(p, op, &query, &body));
        }
        Some(body)
    }

    fn find_operation<'m>(
        &'m self,
        ex: &Exchange<'_>,
        url: &url::Url,
    ) -> Result<&'m Operation, CheckResult> {
        let base = &self.model.base_path;
        let path = url.path();
        let rest = if base.is_empty() {
            Some(path)
        } else {
            path.strip_prefix(base.as_str())
                .filter(|r| r.is_empty() || r.starts_with('/'))
        };
        let Some(rest) = rest else {
            return Err(CheckResult {
                check: Check::Operation,
                outcome: Outcome::Warn,
                findings: vec![finding(
                    "",
                    format!(
                        "{path} is outside the server base path {base}, so no operation can match; not checked"
                    ),
                )],
            });
        };
        let segments: Vec<String> = rest
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| {
                percent_encoding::percent_decode_str(s)
                    .decode_utf8_lossy()
                    .into_owned()
            })
            .collect();
        let matches = |op: &Operation| {
            op.segments.len() == segments.len()
                && op.segments.iter().zip(&segments).all(|(t, s)| match t {
                    Segment::Literal(l) => l == s,
                    Segment::Param(_) => !s.is_empty(),
                })
        };
        let method = ex.method.to_ascii_uppercase();
        let on_path: Vec<&Operation> = self
            .model
            .operations
            .iter()
            .filter(|o| matches(o))
            .collect();
        if let Some(op) = on_path.iter().find(|o| o.method == method) {
            return Ok(op);
        }
        let Some(first) = on_path.first() else {
            return Err(result(
                Check::Operation,
                vec![finding(
                    "",
                    format!("{method} {path}: no documented path matches"),
                )],
                Outcome::Fail,
            ));
        };
        let allowed: Vec<&str> = self
            .model
            .operations
            .iter()
            .filter(|o| o.template == first.template)
            .map(|o| o.method.as_str())
            .collect();
        let documented = format!(
            "{method} is not documented for {} (documented: {})",
            first.template,
            allowed.join(", ")
        );
        let findings = match &self.model.rules.method_not_allowed {
            Some((status, allow)) => {
                let got_allow = har::header(ex.response_headers, "allow");
                if self.model.rules.is_rate_limited(ex.status)
                    || ex.status == *status
                        && allow
                            .as_deref()
                            .is_none_or(|a| got_allow.is_some_and(|g| same_methods(a, g)))
                {
                    Vec::new()
                } else {
                    let want = match allow {
                        Some(a) => format!("{status} with Allow: {a}"),
                        None => status.to_string(),
                    };
                    vec![Finding {
                        pointer: String::new(),
                        message: format!("{documented}; expected {want}, got {}", ex.status),
                        value: got_allow.map(|a| format!("Allow: {a}")),
                    }]
                }
            }
            None => vec![finding("", documented)],
        };
        Err(result(Check::Operation, findings, Outcome::Fail))
    }

    fn check_body(
        &self,
        validator: &jsonschema::Validator,
        node: plan::NodeId,
        body: &Value,
        results: &mut Vec<CheckResult>,
    ) {
        let top_valid = validator.is_valid(body);
        let mut errors: Vec<SchemaError> = if top_valid {
            Vec::new()
        } else {
            validator
                .iter_errors(body)
                .map(|e| SchemaError::from_jsonschema("", &e))
                .collect()
        };
        let mut walk = Walk::new(&self.model.plan, top_valid);
        walk.run(node, body);
        errors.append(&mut walk.schema_errors);

        let mut schema_findings = Vec::new();
        let mut nullable = std::mem::take(&mut walk.nullable);
        for e in errors {
            match &e.kind {
                ErrorKind::Union if walk.discriminated.contains(&e.pointer) => continue,
                ErrorKind::Required(p)
                    if walk
                        .missing_nullable
                        .contains(&(e.pointer.clone(), p.clone())) =>
                {
                    continue;
                }
                _ if walk.nullable_values.contains(&e.pointer) => {
                    let name = openapi_spec::pointer::last_token(&e.pointer);
                    nullable.push(Finding {
                        pointer: e.pointer,
                        message: format!("{name} must be null or valid: {}", e.message),
                        value: e.value,
                    });
                }
                ErrorKind::Required(p) => schema_findings.push(Finding {
                    pointer: e.pointer,
                    message: format!("the required property {p} is missing"),
                    value: None,
                }),
                _ => schema_findings.push(Finding {
                    pointer: e.pointer,
                    message: e.message,
                    value: e.value,
                }),
            }
        }
        dedup(&mut schema_findings);
        dedup(&mut nullable);
        results.push(result(Check::BodySchema, schema_findings, Outcome::Fail));
        if walk.saw_union || !walk.discriminator.is_empty() {
            results.push(result(
                Check::BodyDiscriminator,
                std::mem::take(&mut walk.discriminator),
                Outcome::Fail,
            ));
        }
        if walk.saw_nullable || !nullable.is_empty() {
            results.push(result(Check::BodyNullable, nullable, Outcome::Fail));
        }
        let undocumented_outcome = if self.options.strict || self.model.rules.unknown_fields_fail {
            Outcome::Fail
        } else {
            Outcome::Warn
        };
        results.push(result(
            Check::BodyUndocumented,
            std::mem::take(&mut walk.undocumented),
            undocumented_outcome,
        ));
    }
}

fn dedup(findings: &mut Vec<Finding>) {
    let mut seen = std::collections::HashSet::new();
    findings.retain(|f| seen.insert((f.pointer.clone(), f.message.clone())));
}

fn same_methods(a: &str, b: &str) -> bool {
    let set = |s: &str| {
        s.split(',')
            .map(|m| m.trim().to_ascii_uppercase())
            .filter(|m| !m.is_empty())
            .collect::<std::collections::BTreeSet<_>>()
    };
    set(a) == set(b)
}
