//! What a run found: per file, per exchange, per named check. Every string
//! in here has already been scrubbed of secrets.

use serde::Serialize;

/// A check, by the stable name every report uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(into = "&'static str")]
pub enum Check {
    /// The entry itself is unusable (no response, bad body encoding, over the size cap).
    Input,
    /// The entry matches a documented operation (or is a documented 405).
    Operation,
    /// The status code is documented for the operation.
    Status,
    /// A request the document says is valid is not answered 5xx
    /// (documenting that a server may fail does not make failing correct).
    StatusServerError,
    /// A documented JSON body comes with a JSON content type.
    ContentType,
    /// A documented JSON body parses as JSON.
    BodyJson,
    /// The body validates against the response schema, formats included.
    BodySchema,
    /// The discriminated variant's own fields match its tag.
    BodyDiscriminator,
    /// Nullable keys are present; values are null or valid for their format.
    BodyNullable,
    /// Fields the document does not describe.
    BodyUndocumented,
    /// Paging fields agree with the request and with each other.
    Pagination,
    /// The answer does not carry the request's credential (headers or body).
    ResponseSecret,
    /// Requests without valid credentials are rejected with the documented status.
    RequestAuth,
    /// Requests without the required Accept media type are rejected.
    RequestAccept,
    /// Requests with invalid query parameters are rejected.
    RequestParameters,
    /// A check the recording expects to fail (`_expect`) did fail.
    Expectation,
    /// Live: an answer came, in time, from the API's own origin.
    LiveTransport,
    /// Paging through a list gives every item once, in the documented order.
    PaginationWalk,
    /// An item from a list equals the same item fetched alone.
    ItemConsistency,
    /// Live: an unknown item, or one under another parent, is 404.
    LiveNotFound,
    /// One secret never sees another tenant's items.
    TenantIsolation,
    /// Live: a signed link fetches within its lifetime, without the secret.
    LiveSignedUrl,
    /// Live: a rate-limit refusal says when to retry, and retrying works.
    LiveRateLimit,
    /// A webhook delivery uses the documented method.
    WebhookMethod,
    /// A webhook delivery's body comes with its documented media type.
    WebhookContentType,
    /// A webhook delivery is signed as documented, over the exact bytes sent.
    WebhookSignature,
    /// The URL check came before any event, matched its schema, and was answered.
    WebhookChallenge,
    /// A webhook delivery's body validates against its request-body schema.
    WebhookSchema,
    /// The same event was delivered more than once (a warning).
    WebhookDuplicate,
    /// The resource a delivery carries equals the API's answer for it.
    WebhookConsistency,
    /// The run covered what `--require-coverage` and `--require` demand.
    CoverageRequired,
}

impl Check {
    /// Every check, in report order.
    pub const ALL: [Check; 31] = [
        Check::Input,
        Check::Operation,
        Check::Status,
        Check::StatusServerError,
        Check::ContentType,
        Check::BodyJson,
        Check::BodySchema,
        Check::BodyDiscriminator,
        Check::BodyNullable,
        Check::BodyUndocumented,
        Check::Pagination,
        Check::ResponseSecret,
        Check::RequestAuth,
        Check::RequestAccept,
        Check::RequestParameters,
        Check::Expectation,
        Check::LiveTransport,
        Check::PaginationWalk,
        Check::ItemConsistency,
        Check::LiveNotFound,
        Check::TenantIsolation,
        Check::LiveSignedUrl,
        Check::LiveRateLimit,
        Check::WebhookMethod,
        Check::WebhookContentType,
        Check::WebhookSignature,
        Check::WebhookChallenge,
        Check::WebhookSchema,
        Check::WebhookDuplicate,
        Check::WebhookConsistency,
        Check::CoverageRequired,
    ];

    /// What the check holds, in one sentence (for the rules reference, `docs/rules.md`).
    pub fn meaning(self) -> &'static str {
        match self {
            Check::Input => {
                "The entry itself is unusable (no response, bad body encoding, over the size cap)."
            }
            Check::Operation => {
                "The entry matches a documented operation (or is a documented 405)."
            }
            Check::Status => "The status code is documented for the operation.",
            Check::StatusServerError => {
                "A request the document says is valid is not answered 5xx (documenting that a server may fail does not make failing correct)."
            }
            Check::ContentType => "A documented JSON body comes with a JSON content type.",
            Check::BodyJson => "A documented JSON body parses as JSON.",
            Check::BodySchema => {
                "The body validates against the response schema, formats included."
            }
            Check::BodyDiscriminator => "The discriminated variant's own fields match its tag.",
            Check::BodyNullable => {
                "Nullable keys are present; values are null or valid for their format."
            }
            Check::BodyUndocumented => "Fields the document does not describe.",
            Check::Pagination => "Paging fields agree with the request and with each other.",
            Check::ResponseSecret => {
                "The answer does not carry the request's credential (headers or body)."
            }
            Check::RequestAuth => {
                "Requests without valid credentials are rejected with the documented status."
            }
            Check::RequestAccept => "Requests without the required Accept media type are rejected.",
            Check::RequestParameters => "Requests with invalid query parameters are rejected.",
            Check::Expectation => "A check the recording expects to fail (`_expect`) did fail.",
            Check::LiveTransport => "Live: an answer came, in time, from the API's own origin.",
            Check::PaginationWalk => {
                "Paging through a list gives every item once, in the documented order."
            }
            Check::ItemConsistency => "An item from a list equals the same item fetched alone.",
            Check::LiveNotFound => "Live: an unknown item, or one under another parent, is 404.",
            Check::TenantIsolation => "One secret never sees another tenant's items.",
            Check::LiveSignedUrl => {
                "Live: a signed link fetches within its lifetime, without the secret."
            }
            Check::LiveRateLimit => {
                "Live: a rate-limit refusal says when to retry, and retrying works."
            }
            Check::WebhookMethod => "A webhook delivery uses the documented method.",
            Check::WebhookContentType => {
                "A webhook delivery's body comes with its documented media type."
            }
            Check::WebhookSignature => {
                "A webhook delivery is signed as documented, over the exact bytes sent."
            }
            Check::WebhookChallenge => {
                "The URL check came before any event, matched its schema, and was answered."
            }
            Check::WebhookSchema => {
                "A webhook delivery's body validates against its request-body schema."
            }
            Check::WebhookDuplicate => "The same event was delivered more than once (a warning).",
            Check::WebhookConsistency => {
                "The resource a delivery carries equals the API's answer for it."
            }
            Check::CoverageRequired => {
                "The run covered what `--require-coverage` and `--require` demand."
            }
        }
    }

    /// The check's stable name (`body.schema`).
    pub fn name(self) -> &'static str {
        match self {
            Check::Input => "input",
            Check::Operation => "operation",
            Check::Status => "status",
            Check::StatusServerError => "status.server-error",
            Check::ContentType => "content-type",
            Check::BodyJson => "body.json",
            Check::BodySchema => "body.schema",
            Check::BodyDiscriminator => "body.discriminator",
            Check::BodyNullable => "body.nullable",
            Check::BodyUndocumented => "body.undocumented",
            Check::Pagination => "pagination",
            Check::ResponseSecret => "response.secret",
            Check::RequestAuth => "request.auth",
            Check::RequestAccept => "request.accept",
            Check::RequestParameters => "request.parameters",
            Check::Expectation => "expectation",
            Check::LiveTransport => "live.transport",
            Check::PaginationWalk => "pagination.walk",
            Check::ItemConsistency => "item.consistency",
            Check::LiveNotFound => "live.not-found",
            Check::TenantIsolation => "tenant.isolation",
            Check::LiveSignedUrl => "live.signed-url",
            Check::LiveRateLimit => "live.rate-limit",
            Check::WebhookMethod => "webhook.method",
            Check::WebhookContentType => "webhook.content-type",
            Check::WebhookSignature => "webhook.signature",
            Check::WebhookChallenge => "webhook.challenge",
            Check::WebhookSchema => "webhook.schema",
            Check::WebhookDuplicate => "webhook.duplicate",
            Check::WebhookConsistency => "webhook.consistency",
            Check::CoverageRequired => "coverage.required",
        }
    }

    /// Checks that span several exchanges: the live run's, and the three
    /// laws recorded mode also applies across a file's entries. They are
    /// judged after every exchange is in.
    pub fn is_live(self) -> bool {
        matches!(
            self,
            Check::PaginationWalk | Check::ItemConsistency | Check::TenantIsolation
        ) || self.name().starts_with("live.")
    }

    /// The id this check had before it also ran in recorded mode (its
    /// `live.` name): still read in `_expect` and written as an alias in
    /// the JSON report for one release (see CHANGELOG.md).
    pub fn former_name(self) -> Option<&'static str> {
        match self {
            Check::PaginationWalk => Some("live.walk"),
            Check::ItemConsistency => Some("live.consistency"),
            Check::TenantIsolation => Some("live.isolation"),
            _ => None,
        }
    }

    /// Checks of webhook deliveries (requests the provider sends).
    pub fn is_webhook(self) -> bool {
        self.name().starts_with("webhook.")
    }

    /// The check of a stable name (or of its former name).
    pub fn from_name(name: &str) -> Option<Check> {
        Check::ALL
            .into_iter()
            .find(|c| c.name() == name || c.former_name() == Some(name))
    }
}

impl From<Check> for &'static str {
    fn from(c: Check) -> Self {
        c.name()
    }
}

impl std::fmt::Display for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// How one check ended for one exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// The check holds.
    Pass,
    /// Failed, and the recording said it would (`_expect`): counts as a pass.
    ExpectedFail,
    /// A problem that does not break the contract (an undocumented field).
    Warn,
    /// The contract is broken.
    Fail,
    /// The entry could not be checked (bad input).
    Error,
}

impl Outcome {
    /// `pass`, `warn` or `fail`.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::ExpectedFail => "expected-fail",
            Outcome::Warn => "warn",
            Outcome::Fail => "fail",
            Outcome::Error => "error",
        }
    }
}

/// One problem: where in the body (a JSON pointer) or the request it is,
/// what is wrong, and the offending value (compact, shortened).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Where in the body (a JSON pointer; empty for the exchange as a whole).
    pub pointer: String,
    /// What is wrong, in plain words.
    pub message: String,
    /// The offending value, cut short.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// One check's verdict on one exchange.
#[derive(Debug, Clone)]
pub struct CheckResult {
    /// Which check.
    pub check: Check,
    /// Its outcome.
    pub outcome: Outcome,
    /// Why, when it did not pass.
    pub findings: Vec<Finding>,
}

/// `{"check", "alias"?, "outcome", "findings"?}`: `alias` is the check's
/// former id ([`Check::former_name`]), for readers of reports written
/// before the rename; one release only.
impl Serialize for CheckResult {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("check", &self.check)?;
        if let Some(alias) = self.check.former_name() {
            map.serialize_entry("alias", alias)?;
        }
        map.serialize_entry("outcome", &self.outcome)?;
        if !self.findings.is_empty() {
            map.serialize_entry("findings", &self.findings)?;
        }
        map.end()
    }
}

/// One request/response pair and the checks run on it.
#[derive(Debug, Clone, Serialize)]
pub struct ExchangeReport {
    /// 0-based position in the recording.
    pub index: usize,
    /// 1-based line in the file where the entry starts (0 when not from a file).
    pub line: usize,
    /// The request's method.
    pub method: String,
    /// Path and query, secrets scrubbed.
    pub target: String,
    /// The operation matched, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// The response status, if there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// What the request was for, when a live run made it (`wrong secret`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Every check's verdict, in report order.
    pub checks: Vec<CheckResult>,
    /// The coverage points the exchange showed (sorted, each once), until
    /// a [`crate::coverage::Tally`] counts them.
    #[serde(skip)]
    pub points: Vec<u32>,
}

impl ExchangeReport {
    /// The worst outcome of any check (`Pass` when none ran).
    pub fn outcome(&self) -> Outcome {
        self.checks
            .iter()
            .map(|c| c.outcome)
            .max()
            .unwrap_or(Outcome::Pass)
    }

    /// Whether this check failed on the exchange.
    pub fn failed(&self, check: Check) -> bool {
        self.checks
            .iter()
            .any(|c| c.check == check && matches!(c.outcome, Outcome::Fail | Outcome::ExpectedFail))
    }

    /// A label for reports: `GET /users?limit=5 (entry 3)`.
    pub fn label(&self) -> String {
        format!("{} {} (entry {})", self.method, self.target, self.index)
    }
}

/// Everything found in one recording.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    /// The file (or `live ...` for a live run).
    pub path: String,
    /// The document the file was checked against.
    pub spec: String,
    /// Why the file as a whole could not be read, if so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Every exchange, in file order.
    pub exchanges: Vec<ExchangeReport>,
    /// What the file's exchanges covered of its document.
    #[serde(skip)]
    pub tally: crate::coverage::Tally,
}

/// Counts over a whole run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Files read.
    pub files: usize,
    /// Exchanges checked.
    pub exchanges: usize,
    /// Exchanges with every check passing.
    pub passed: usize,
    /// Exchanges with warnings only.
    pub warned: usize,
    /// Exchanges with a failed check.
    pub failed: usize,
    /// Entries that could not be read (bad input).
    pub errors: usize,
}

/// The report of a whole run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RunReport {
    /// One report per file (or live run).
    pub files: Vec<FileReport>,
}

impl RunReport {
    /// Counts over every file.
    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            files: self.files.len(),
            ..Summary::default()
        };
        for f in &self.files {
            if f.error.is_some() {
                s.errors += 1;
            }
            for e in &f.exchanges {
                s.exchanges += 1;
                match e.outcome() {
                    Outcome::Pass | Outcome::ExpectedFail => s.passed += 1,
                    Outcome::Warn => s.warned += 1,
                    Outcome::Fail => s.failed += 1,
                    Outcome::Error => s.errors += 1,
                }
            }
        }
        s
    }

    /// How the run ended; bad input wins (a run that could not read its
    /// input proves nothing), then a violation.
    pub fn verdict(&self) -> Verdict {
        let s = self.summary();
        if s.errors > 0 {
            Verdict::BadInput
        } else if s.failed > 0 {
            Verdict::Violation
        } else {
            Verdict::Pass
        }
    }
}

/// How a run or a command ended, ordered from best to worst: combining two
/// verdicts keeps the worse (`max`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Verdict {
    /// Everything held.
    #[default]
    Pass,
    /// The contract was broken.
    Violation,
    /// The input could not be read or the command was misused.
    BadInput,
}
