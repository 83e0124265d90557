//! Contract checks for HTTP exchanges, derived from an OpenAPI document (3.0, 3.1 or 3.2).
//!
//! Nothing here knows a particular API: operations, response schemas,
//! discriminated unions, nullable fields, security schemes, paging
//! (`x-pagination`) and request rules (`x-contract`) all come from the
//! document. Recorded (HAR) and live runs feed the same [`Contract::check`].
//!
//! Build a [`Contract`] from a loaded document, hand it one exchange, and
//! read the named checks it ran (the catalogue is [`Check`]):
//!
//! ```
//! use openapi_contract::{Contract, Exchange, Outcome};
//!
//! let yaml = r#"
//! openapi: 3.0.3
//! info: {title: Pets, version: "1"}
//! servers: [{url: "https://api.example.com/v1"}]
//! paths:
//!   /pets/{id}:
//!     get:
//!       operationId: getPet
//!       parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
//!       responses:
//!         "200":
//!           description: One pet
//!           content:
//!             application/json:
//!               schema:
//!                 type: object
//!                 required: [id, name]
//!                 properties: {id: {type: integer}, name: {type: string}}
//! "#;
//! let path = std::path::Path::new("pets.yaml");
//! let doc = openapi_spec::load_str(yaml, path, false, &Default::default()).unwrap();
//! let contract = Contract::new(doc, Default::default()).unwrap();
//! let headers = [har::Header { name: "content-type".into(), value: "application/json".into() }];
//! let exchange = Exchange {
//!     method: "GET",
//!     url: "https://api.example.com/v1/pets/7",
//!     request_headers: &[],
//!     credentials: None,
//!     status: 200,
//!     response_headers: &headers,
//!     mime_type: "application/json",
//!     body: Some(br#"{"id": 7}"#),
//! };
//! let checked = contract.check(&exchange);
//! assert_eq!(checked.operation.as_deref(), Some("getPet"));
//! // `name` is required: the body check fails, and says where.
//! let failed: Vec<_> = checked.results.iter().filter(|r| r.outcome == Outcome::Fail).collect();
//! assert_eq!(failed[0].check.name(), "body.schema");
//! ```

#![warn(missing_docs)]

mod compiled;
pub mod coverage;
mod graph;
mod inspect;
mod laws;
mod leak;
pub mod normalize;
mod pagination;
mod report;
mod request;
pub mod run;
mod webhook;

use openapi_spec::Document;
use openapi_spec::media::is_json_media_type;
use serde_json::Value;

pub use har;
pub use report::{
    Check, CheckResult, ExchangeReport, FileReport, Finding, Outcome, RunReport, Summary, Verdict,
};

use compiled::{BodyCheck, Compiled, CompiledOperation};
use inspect::{ErrorKind, Inspection, SchemaError};
pub use openapi_model::Model;
use openapi_model::{Operation, Scheme, Segment};
pub use webhook::{CarriedResource, CheckedDelivery, Deliveries, Delivery};

/// Why a document cannot be turned into checks.
#[derive(Debug, thiserror::Error)]
pub enum ContractError {
    /// A schema the checks need cannot be compiled into a validator.
    #[error("schema at #{pointer} cannot be compiled: {message}")]
    Schema {
        /// Where the schema is.
        pointer: String,
        /// The compiler's complaint.
        message: String,
    },
    /// The document cannot be read into a model.
    #[error(transparent)]
    Model(#[from] openapi_model::ModelError),
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
    /// Largest response body checked; a larger one is bad input.
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
    /// The credentials are known to be valid.
    Valid,
    /// The credentials are known to be wrong.
    Invalid,
}

/// One request and its response, borrowed from a HAR entry or a live call.
#[derive(Debug, Clone, Copy)]
pub struct Exchange<'a> {
    /// The request's HTTP method.
    pub method: &'a str,
    /// The request URL (absolute, or a path under the base path).
    pub url: &'a str,
    /// The request headers.
    pub request_headers: &'a [har::Header],
    /// Whether the credentials are known to be valid.
    pub credentials: Option<Credentials>,
    /// The response status.
    pub status: u16,
    /// The response headers.
    pub response_headers: &'a [har::Header],
    /// The recorder's idea of the content type, used when no header says.
    pub mime_type: &'a str,
    /// The response body, decoded.
    pub body: Option<&'a [u8]>,
}

/// The checks run on one exchange, and the parsed body (for snapshots).
#[derive(Debug)]
pub struct Checked {
    /// The operation matched, if any.
    pub operation: Option<String>,
    /// Every check's verdict.
    pub results: Vec<CheckResult>,
    /// The body as JSON, when it parsed.
    pub body: Option<Value>,
    /// The coverage points it showed, sorted, each once.
    pub points: Vec<u32>,
}

/// A document compiled into checks; build once, check many exchanges.
pub struct Contract {
    doc: Document,
    model: Model,
    compiled: Compiled,
    catalogue: coverage::Catalogue,
    options: Options,
    /// `x-contract.snapshotRedactions`: what changes on every answer.
    redactions: Vec<normalize::Redaction>,
}

impl std::fmt::Debug for Contract {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Contract")
            .field("document", &self.doc.path)
            .field("operations", &self.model.operations.len())
            .finish()
    }
}

/// The operation an exchange is for, with its validators.
#[derive(Clone, Copy)]
struct Target<'c> {
    /// Index into the model's operations.
    index: usize,
    op: &'c Operation,
    compiled: &'c CompiledOperation,
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
    /// Reads the document into its model and compiles every validator.
    pub fn new(doc: Document, options: Options) -> Result<Self, ContractError> {
        let model = Model::build(&doc, options.base_url.as_deref())?;
        let mut compiled = Compiled::new(&doc, &model)?;
        let catalogue = coverage::Catalogue::build(&doc.raw, &model, &mut compiled);
        let redactions = normalize::redactions(&doc.raw);
        Ok(Contract {
            doc,
            model,
            compiled,
            catalogue,
            options,
            redactions,
        })
    }

    /// The document the checks come from.
    pub fn document(&self) -> &Document {
        &self.doc
    }

    /// The document's coverage points.
    pub fn catalogue(&self) -> &coverage::Catalogue {
        &self.catalogue
    }

    /// What the run was told beyond the document.
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
        let schemes = self
            .model
            .operations
            .iter()
            .flat_map(|op| op.security.iter().flatten());
        schemes.fold(har::SensitiveNames::default(), |names, s| match s {
            Scheme::ApiKeyHeader(n) => names.with_header(n),
            Scheme::ApiKeyQuery(n) => names.with_query(n),
            _ => names,
        })
    }

    /// Runs every check that applies to the exchange.
    pub fn check(&self, ex: &Exchange<'_>) -> Checked {
        self.check_seen(ex).0
    }

    /// [`Contract::check`], and what the exchange leaves for recorded
    /// mode's laws across entries, from the same matching.
    pub(crate) fn check_seen(&self, ex: &Exchange<'_>) -> (Checked, laws::Sighting) {
        let (target, url) = match self.locate(ex) {
            Ok(found) => found,
            Err(r) => {
                let checked = Checked {
                    operation: None,
                    results: vec![r],
                    body: None,
                    points: Vec::new(),
                };
                return (checked, laws::Sighting::unmatched(ex.status));
            }
        };
        let mut results = vec![result(Check::Operation, Vec::new(), Outcome::Fail)];
        let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let mut points = Vec::new();
        let body = self.check_operation(target, ex, &query, &mut results, &mut points);
        points.sort_unstable();
        points.dedup();
        let presented = leak::presented(target.op, ex, &query);
        let searched = leak::with_known(&presented, &self.options.valid_secrets);
        results.extend(leak::check(&searched, ex, body.as_ref()));
        let seen = laws::Seen {
            op: target.op,
            url: &url,
            presented: &presented,
        };
        let sighting = self.sighting(&seen, ex, body.as_ref());
        let checked = Checked {
            operation: Some(target.op.id.clone()),
            results,
            body,
            points,
        };
        (checked, sighting)
    }

    /// `x-contract.snapshotRedactions`: what changes on every answer.
    pub fn redactions(&self) -> &[normalize::Redaction] {
        &self.redactions
    }

    /// The operation the exchange is for, or the `operation` check's verdict.
    fn locate(&self, ex: &Exchange<'_>) -> Result<(Target<'_>, url::Url), CheckResult> {
        let url = url::Url::parse(ex.url)
            .or_else(|_| url::Url::parse("http://recorded.invalid").and_then(|b| b.join(ex.url)))
            .map_err(|e| {
                let message = format!("the request URL cannot be parsed: {e}");
                result(Check::Operation, vec![finding("", message)], Outcome::Fail)
            })?;
        let index = self.find_operation(ex, &url)?;
        let target = Target {
            index,
            op: &self.model.operations[index],
            compiled: &self.compiled.operations[index],
        };
        Ok((target, url))
    }

    /// Every check after matching; returns the parsed body when there is one.
    fn check_operation(
        &self,
        target: Target<'_>,
        ex: &Exchange<'_>,
        query: &[(String, String)],
        results: &mut Vec<CheckResult>,
        points: &mut Vec<u32>,
    ) -> Option<Value> {
        let op = target.op;
        let req = request::check(
            &self.model.rules,
            request::Parameters::new(op, &target.compiled.query),
            ex,
            query,
            &self.options.valid_secrets,
        );
        results.extend(req.results);
        let body_check = self.check_status(target, ex, results);
        if !req.rejected {
            results.push(server_error(ex.status));
        }
        let body_check = body_check?;
        results.push(result(
            Check::ContentType,
            content_type_findings(ex),
            Outcome::Fail,
        ));
        let body = match parse_body(ex.body) {
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
        points.append(&mut self.check_body(body_check, &body, results));
        if (200..300).contains(&ex.status)
            && let Some(p) = &op.pagination
            && !req.parameters_invalid
        {
            results.push(pagination::check(p, op, query, &body));
            self.page_points(target, p, query, &body, points);
        }
        Some(body)
    }

    /// The page positions and sizes a successful page shows.
    fn page_points(
        &self,
        target: Target<'_>,
        p: &openapi_model::Pagination,
        query: &[(String, String)],
        body: &Value,
        points: &mut Vec<u32>,
    ) {
        let Some(page) = self.catalogue.pages[target.index] else {
            return;
        };
        let at = pagination::position(p, target.op, query, body);
        for (shown, point) in [
            (at.first, page.first),
            (at.middle, page.middle),
            (at.last, page.last),
            (at.past_end, page.past_end),
            (at.default_size, page.default_size),
            (at.smallest_size, page.smallest_size),
            (at.largest_size, page.largest_size),
        ] {
            if shown {
                points.extend(point);
            }
        }
    }

    /// The `status` check; returns how the body is checked, when the
    /// documented response has a JSON body.
    fn check_status<'c>(
        &self,
        target: Target<'c>,
        ex: &Exchange<'_>,
        results: &mut Vec<CheckResult>,
    ) -> Option<&'c BodyCheck> {
        let op = target.op;
        let Some(index) = op.response_index(ex.status) else {
            let documented: Vec<String> =
                op.responses.iter().map(|r| r.status.to_string()).collect();
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
        target.compiled.responses[index].as_ref()
    }

    /// The index of the operation the request is for, or the `operation`
    /// check's verdict (a warning outside the base path).
    fn find_operation(&self, ex: &Exchange<'_>, url: &url::Url) -> Result<usize, CheckResult> {
        let base = &self.model.base_path;
        let path = url.path();
        let rest = if base.is_empty() {
            Some(path)
        } else {
            path.strip_prefix(base.as_str())
                .filter(|r| r.is_empty() || r.starts_with('/'))
        };
        let Some(rest) = rest else {
            let message = format!(
                "{path} is outside the server base path {base}, so no operation can match; not checked"
            );
            return Err(result(
                Check::Operation,
                vec![finding("", message)],
                Outcome::Warn,
            ));
        };
        let segments = decoded_segments(rest);
        let method = ex.method.to_ascii_uppercase();
        let on_path: Vec<usize> = (0..self.model.operations.len())
            .filter(|&i| template_matches(&self.model.operations[i], &segments))
            .collect();
        if let Some(&i) = on_path
            .iter()
            .find(|&&i| self.model.operations[i].method == method)
        {
            return Ok(i);
        }
        let Some(&first) = on_path.first() else {
            let message = format!("{method} {path}: no documented path matches");
            return Err(result(
                Check::Operation,
                vec![finding("", message)],
                Outcome::Fail,
            ));
        };
        let findings = self.method_findings(ex, &method, &self.model.operations[first].template);
        Err(result(Check::Operation, findings, Outcome::Fail))
    }

    /// A documented path asked with an undocumented method: refused as
    /// `x-contract.methodNotAllowed` says?
    fn method_findings(&self, ex: &Exchange<'_>, method: &str, template: &str) -> Vec<Finding> {
        let allowed: Vec<&str> = self
            .model
            .operations
            .iter()
            .filter(|o| o.template == template)
            .map(|o| o.method.as_str())
            .collect();
        let documented = format!(
            "{method} is not documented for {template} (documented: {})",
            allowed.join(", ")
        );
        let Some(rule) = &self.model.rules.method_not_allowed else {
            return vec![finding("", documented)];
        };
        let got_allow = har::header(ex.response_headers, "allow");
        let allow_ok = rule
            .allow
            .as_deref()
            .is_none_or(|a| got_allow.is_some_and(|g| same_methods(a, g)));
        if self.model.rules.is_rate_limited(ex.status) || ex.status == rule.status && allow_ok {
            return Vec::new();
        }
        let want = match &rule.allow {
            Some(a) => format!("{} with Allow: {a}", rule.status),
            None => rule.status.to_string(),
        };
        vec![Finding {
            pointer: String::new(),
            message: format!("{documented}; expected {want}, got {}", ex.status),
            value: got_allow.map(|a| format!("Allow: {a}")),
        }]
    }

    /// The body checks; returns the coverage points the body showed.
    fn check_body(
        &self,
        body_check: &BodyCheck,
        body: &Value,
        results: &mut Vec<CheckResult>,
    ) -> Vec<u32> {
        let validator = &body_check.validator;
        let top_valid = validator.is_valid(body);
        let mut errors: Vec<SchemaError> = if top_valid {
            Vec::new()
        } else {
            validator
                .iter_errors(body)
                .map(|e| SchemaError::from_jsonschema("", &e))
                .collect()
        };
        let mut inspection = Inspection::new(&self.compiled.graph, top_valid);
        inspection.run(body_check.node, body);
        errors.append(&mut inspection.schema_errors);
        let (mut schema_findings, mut nullable) = sort_schema_errors(&mut inspection, errors);
        dedup(&mut schema_findings);
        dedup(&mut nullable);
        results.push(result(Check::BodySchema, schema_findings, Outcome::Fail));
        if inspection.saw_union || !inspection.discriminator.is_empty() {
            let findings = std::mem::take(&mut inspection.discriminator);
            results.push(result(Check::BodyDiscriminator, findings, Outcome::Fail));
        }
        if inspection.saw_nullable || !nullable.is_empty() {
            results.push(result(Check::BodyNullable, nullable, Outcome::Fail));
        }
        let undocumented_outcome = if self.options.strict || self.model.rules.unknown_fields_fail {
            Outcome::Fail
        } else {
            Outcome::Warn
        };
        results.push(result(
            Check::BodyUndocumented,
            std::mem::take(&mut inspection.undocumented),
            undocumented_outcome,
        ));
        inspection.hits.points()
    }
}

/// Splits validator errors between `body.schema` and `body.nullable`, leaving
/// out what the discriminator already explained: returns (schema, nullable).
fn sort_schema_errors(
    inspection: &mut Inspection<'_>,
    errors: Vec<SchemaError>,
) -> (Vec<Finding>, Vec<Finding>) {
    let mut schema_findings = Vec::new();
    let mut nullable = std::mem::take(&mut inspection.nullable);
    for e in errors {
        match &e.kind {
            ErrorKind::Union if inspection.discriminated.contains(&e.pointer) => continue,
            ErrorKind::Required(p)
                if inspection
                    .missing_nullable
                    .contains(&(e.pointer.clone(), p.clone())) =>
            {
                continue;
            }
            _ if inspection.nullable_values.contains(&e.pointer) => {
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
    (schema_findings, nullable)
}

/// `status.server-error` on a request nothing is wrong with.
fn server_error(status: u16) -> CheckResult {
    let findings = if (500..600).contains(&status) {
        vec![finding(
            "",
            format!(
                "the request is valid by the document, yet the server failed with {status}: a documented 5xx says the server may fail, not that failing conforms"
            ),
        )]
    } else {
        Vec::new()
    };
    result(Check::StatusServerError, findings, Outcome::Fail)
}

/// The path's segments after the base path, percent-decoded.
fn decoded_segments(rest: &str) -> Vec<String> {
    rest.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect()
}

fn template_matches(op: &Operation, segments: &[String]) -> bool {
    op.segments.len() == segments.len()
        && op.segments.iter().zip(segments).all(|(t, s)| match t {
            Segment::Literal(l) => l == s,
            Segment::Param(_) => !s.is_empty(),
        })
}

/// The `content-type` check: the document describes a JSON body.
fn content_type_findings(ex: &Exchange<'_>) -> Vec<Finding> {
    let content_type = har::header(ex.response_headers, "content-type")
        .filter(|c| !c.trim().is_empty())
        .unwrap_or(ex.mime_type);
    if is_json_media_type(content_type) {
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
    }
}

/// The body as JSON, or the `body.json` check's message.
fn parse_body(body: Option<&[u8]>) -> Result<Value, String> {
    match body.filter(|b| !b.iter().all(u8::is_ascii_whitespace)) {
        None => Err("the response has no body; the document describes a JSON body".to_string()),
        Some(bytes) => serde_json::from_slice::<Value>(bytes).map_err(|e| {
            let hint = if e.is_eof() {
                " (the body is truncated)"
            } else {
                ""
            };
            format!("the body is not valid JSON{hint}: {e}")
        }),
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
