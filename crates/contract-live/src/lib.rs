//! The live contract run. Everything it sends is planned from the OpenAPI
//! document: the security scheme says where the secret goes, parameter
//! bounds give the bad-request probes, `x-pagination` gives the lists to
//! walk and (`item`) how to fetch one item alone, `x-contract` gives the
//! Accept media type, the rate-limit status and the signed-link properties.
//! Every answer goes through the same checks as a recording
//! ([`openapi_contract::run::check_entry`]); the live checks that span
//! several answers (`live.*`) are added to the exchange that showed them.

#![warn(missing_docs)]

mod client;
mod plan;
pub mod webhooks;

use std::sync::Mutex;
use std::time::Duration;

use openapi_contract::coverage::Tally;
use openapi_contract::normalize::{self, Redaction};
use openapi_contract::run::{self as recorded, Observed};
use openapi_contract::{
    Check, CheckResult, Contract, ExchangeReport, FileReport, Finding, Outcome,
};
use serde_json::Value;

use client::{Client, Placement, Req};

/// What a live run is told beyond the document.
#[derive(Debug, Clone)]
pub struct LiveConfig {
    /// The API's base URL (the document's server URL, or a sandbox's).
    pub base_url: String,
    /// The first website's secret, and optionally a second website's (for
    /// the isolation checks).
    pub secrets: Vec<String>,
    /// Per request, headers and body.
    pub timeout: Duration,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Rate-limit refusals retried per request.
    pub max_retries: u32,
    /// Total time one request may spend waiting on `Retry-After`.
    pub retry_budget: Duration,
    /// Parents whose child lists are walked, and items fetched alone, per list.
    pub sample: usize,
    /// Signed links fetched per walk.
    pub signed_links: usize,
    /// Largest response body read; a larger one is a `live.transport` failure.
    pub max_body_bytes: usize,
    /// Keep each answer's normalized form in [`LiveRun::snapshots`] (costs a
    /// copy of every body; the command line does not need it).
    pub snapshots: bool,
    /// Pages one walk may take before it is cut off (a lying `total` must not loop).
    pub max_pages: usize,
    /// The run's request budget. A full walk that would take more than a
    /// tenth of it is sampled instead (first pages, random offsets at two
    /// page sizes, the last page, past the end), so a website with a
    /// hundred thousand users is checked in bounded time and memory.
    pub max_requests: usize,
}

impl LiveConfig {
    /// A run against `base_url` with these secrets (the first website's first) and the default limits.
    pub fn new(base_url: impl Into<String>, secrets: Vec<String>) -> Self {
        LiveConfig {
            base_url: base_url.into(),
            secrets,
            timeout: Duration::from_secs(10),
            concurrency: 8,
            max_retries: 5,
            retry_budget: Duration::from_secs(60),
            sample: 5,
            signed_links: 2,
            max_body_bytes: har::DEFAULT_MAX_BODY_BYTES,
            max_pages: 10_000,
            max_requests: 2_000,
            snapshots: false,
        }
    }
}

/// What a live run saw.
pub struct LiveRun {
    /// What the run found, in the recorded mode's report shape.
    pub report: FileReport,
    /// Every API exchange that got an answer, in report order (for `--record`).
    pub har: har::Har,
    /// With `LiveConfig::snapshots`: the normalized form of each exchange,
    /// aligned with `report.exchanges`; otherwise empty.
    pub snapshots: Vec<Value>,
}

/// Why a live run could not start.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    /// No API secret was given, so nothing can be asked.
    #[error("a live run needs an API secret")]
    NoSecret,
    /// The base URL does not parse.
    #[error("the base URL {url:?} is not a URL: {source}")]
    BaseUrl {
        /// The URL given.
        url: String,
        /// Why it does not parse.
        source: url::ParseError,
    },
    /// The base URL is not `http(s)://host/...`.
    #[error("the base URL {url:?} must be http(s)://host/...")]
    BaseUrlScheme {
        /// The URL given.
        url: String,
    },
    /// The HTTP client cannot be set up (TLS).
    #[error("cannot build the HTTP client: {0}")]
    Http(#[source] reqwest::Error),
    /// The webhook receiver cannot listen where it was asked to.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The address asked for.
        addr: std::net::SocketAddr,
        /// Why.
        source: std::io::Error,
    },
}

/// Where an exchange goes in the report: phase, task, position in the task.
/// Tasks run concurrently; sorting by key makes the report deterministic.
type Key = (plan::Phase, u32, u32);

struct Recorded {
    key: Key,
    /// `None` for exchanges that are not the API's (signed links) or got no answer.
    entry: Option<har::Entry>,
    report: ExchangeReport,
    /// The parsed body and content type, for the snapshot made once the
    /// live checks are attached.
    body: Option<Value>,
    content_type: Option<String>,
}

/// A task's place in the report order.
pub(crate) struct Seq {
    phase: plan::Phase,
    group: u32,
    next: u32,
    /// Signed links this task may still fetch.
    links: usize,
}

impl Seq {
    fn key(&mut self) -> Key {
        self.next += 1;
        (self.phase, self.group, self.next)
    }
}

/// An answer, for the planner: where its report is, status and body.
pub(crate) struct Answer {
    pub handle: usize,
    pub status: Option<u16>,
    pub body: Option<Value>,
}

pub(crate) struct Ctx<'a> {
    contract: &'a Contract,
    config: &'a LiveConfig,
    client: Client,
    names: har::SensitiveNames,
    secrets: har::SecretSet,
    redactions: Vec<Redaction>,
    out: Mutex<Vec<Recorded>>,
    progress: &'a (dyn Fn() + Sync),
}

/// A finding about the exchange as a whole (no pointer).
fn finding(message: impl Into<String>) -> Finding {
    openapi_contract::finding("", message)
}

impl Ctx<'_> {
    fn push(&self, recorded: Recorded) -> usize {
        (self.progress)();
        let mut out = self.out.lock().unwrap_or_else(|p| p.into_inner());
        out.push(recorded);
        out.len() - 1
    }

    /// Checks an answered exchange as a recording would.
    fn record_entry(
        &self,
        seq: &mut Seq,
        entry: har::Entry,
        note: Option<&String>,
    ) -> (usize, Option<Value>) {
        let seen = Mutex::new((None, None));
        let mut report = recorded::check_entry(self.contract, &self.names, 0, 0, &entry, &|o| {
            *seen.lock().unwrap_or_else(|p| p.into_inner()) =
                (o.body.cloned(), o.content_type.map(String::from));
        });
        let (body, content_type) = seen.into_inner().unwrap_or_else(|p| p.into_inner());
        report.note = note.cloned();
        let kept = if self.config.snapshots {
            body.clone()
        } else {
            None
        };
        let handle = self.push(Recorded {
            key: seq.key(),
            entry: Some(entry),
            report,
            body: kept,
            content_type,
        });
        (handle, body)
    }

    /// A report built here (no answer, or not an API exchange).
    fn record_own(
        &self,
        seq: &mut Seq,
        method: &str,
        url: &str,
        status: Option<u16>,
        check: Check,
        findings: Vec<Finding>,
    ) -> usize {
        let mut report = ExchangeReport {
            note: None,
            index: 0,
            line: 0,
            method: method.to_string(),
            target: self.secrets.scrub(&recorded::target_of(url)).into_owned(),
            operation: None,
            status,
            checks: vec![result(check, findings)],
            points: Vec::new(),
        };
        recorded::scrub(&mut report, &self.secrets);
        self.push(Recorded {
            key: seq.key(),
            entry: None,
            report,
            body: None,
            content_type: None,
        })
    }

    fn set_note(&self, handle: usize, note: Option<String>) {
        let mut out = self.out.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(rec) = out.get_mut(handle) {
            rec.report.note = note;
        }
    }

    /// Adds a live check's verdict to a recorded exchange (merging findings
    /// when the check already ran there).
    pub(crate) fn attach(&self, handle: usize, check: Check, findings: Vec<Finding>) {
        let mut out = self.out.lock().unwrap_or_else(|p| p.into_inner());
        let Some(rec) = out.get_mut(handle) else {
            return;
        };
        match rec.report.checks.iter_mut().find(|c| c.check == check) {
            Some(c) => {
                if !findings.is_empty() {
                    c.outcome = Outcome::Fail;
                }
                c.findings.extend(findings);
            }
            None => rec.report.checks.push(result(check, findings)),
        }
        recorded::scrub(&mut rec.report, &self.secrets);
    }

    /// Sends a planned request and records everything it led to.
    pub(crate) async fn send(&self, seq: &mut Seq, req: Req) -> Answer {
        let attempts = self.client.send(&req).await;
        let retried = !attempts.refused.is_empty();
        for refused in attempts.refused {
            self.record_entry(
                seq,
                refused.entry,
                Some(&"rate-limited, retried".to_string()),
            );
        }
        let sent = match attempts.last {
            Ok(s) => s,
            Err(failed) => {
                let handle = self.record_own(
                    seq,
                    req.method,
                    &failed.entry.request.url,
                    None,
                    Check::LiveTransport,
                    vec![finding(failed.reason)],
                );
                self.set_note(handle, req.note);
                return Answer {
                    handle,
                    status: None,
                    body: None,
                };
            }
        };
        let status = sent.status;
        let offsite = sent.offsite_redirect.clone();
        let (handle, body) = self.record_entry(seq, sent.entry, req.note.as_ref());
        if let Some(origin) = offsite {
            self.attach(
                handle,
                Check::LiveTransport,
                vec![finding(format!(
                    "the API redirected to another origin ({origin}); not followed, so the secret is not sent there"
                ))],
            );
        }
        match attempts.rate_limit {
            Some(problem) => self.attach(handle, Check::LiveRateLimit, vec![finding(problem)]),
            None if retried => self.attach(handle, Check::LiveRateLimit, Vec::new()),
            None => {}
        }
        if (200..300).contains(&status)
            && let Some(b) = &body
        {
            self.follow_signed_links(seq, b).await;
        }
        Answer {
            handle,
            status: Some(status),
            body,
        }
    }

    /// Fetches the signed links in a body (without the secret) while they are valid.
    async fn follow_signed_links(&self, seq: &mut Seq, body: &Value) {
        let properties = &self.contract.model().rules.signed_url_properties;
        if properties.is_empty() || seq.links == 0 {
            return;
        }
        let mut links = Vec::new();
        plan::collect_strings(body, properties, "", &mut links);
        for (pointer, url) in links.into_iter().take(seq.links) {
            seq.links -= 1;
            let started = std::time::Instant::now();
            let fetched = self.client.fetch(&url).await;
            let lifetime = self.contract.model().rules.signed_url_lifetime_seconds;
            let (status, findings) = match fetched {
                Ok(s) if (200..300).contains(&s.status) => (Some(s.status), Vec::new()),
                Ok(s) => (
                    Some(s.status),
                    vec![Finding {
                        pointer: pointer.clone(),
                        message: format!(
                            "the signed link was refused with {} when fetched {} ms after the answer{}",
                            s.status,
                            started.elapsed().as_millis(),
                            lifetime
                                .map(|l| format!(", within its {l} s lifetime"))
                                .unwrap_or_default()
                        ),
                        value: None,
                    }],
                ),
                Err(f) => (
                    None,
                    vec![Finding {
                        pointer: pointer.clone(),
                        message: format!("the signed link could not be fetched: {}", f.reason),
                        value: None,
                    }],
                ),
            };
            // The signature is a credential of sorts: keep it out of reports.
            let shown = match url.split_once('?') {
                Some((base, _)) => format!("{base}?[redacted]"),
                None => url.clone(),
            };
            let handle =
                self.record_own(seq, "GET", &shown, status, Check::LiveSignedUrl, findings);
            self.set_note(handle, Some(format!("signed link from {pointer}")));
        }
    }
}

fn result(check: Check, findings: Vec<Finding>) -> CheckResult {
    openapi_contract::result(check, findings, Outcome::Fail)
}

/// A client that places the secret and asks for the media type as the
/// document says.
fn client_for(contract: &Contract, config: &LiveConfig) -> Result<Client, LiveError> {
    let model = contract.model();
    let placement = model
        .operations
        .iter()
        .find(|o| !o.security.is_empty())
        .map(|o| Placement::from_schemes(&o.security))
        .unwrap_or(Placement::None);
    let accept = model
        .rules
        .accept_media_type
        .clone()
        .unwrap_or_else(|| "application/json".into());
    Client::new(config, placement, accept, model.rules.rate_limited.clone())
}

/// Runs the live suite against `config.base_url`; `progress` ticks once per exchange.
pub async fn run(
    contract: &Contract,
    config: &LiveConfig,
    progress: &(dyn Fn() + Sync),
) -> Result<LiveRun, LiveError> {
    if config.secrets.is_empty() || config.secrets.iter().any(|s| s.trim().is_empty()) {
        return Err(LiveError::NoSecret);
    }
    let client = client_for(contract, config)?;
    let mut secrets = har::SecretSet::new();
    for s in &config.secrets {
        secrets.insert(s);
    }
    secrets.insert(client::WRONG_SECRET);
    let ctx = Ctx {
        contract,
        config,
        client,
        names: contract.sensitive_names(),
        secrets,
        redactions: contract.redactions().to_vec(),
        out: Mutex::new(Vec::new()),
        progress,
    };
    plan::run(&ctx).await;
    let (ctx_secrets, redactions) = (ctx.secrets, ctx.redactions);
    let mut recorded = ctx.out.into_inner().unwrap_or_else(|p| p.into_inner());
    recorded.sort_by_key(|r| r.key);
    let mut har = har::Har::new("contract-live", env!("CARGO_PKG_VERSION"));
    let mut exchanges = Vec::with_capacity(recorded.len());
    let mut snapshots = Vec::new();
    for (i, mut r) in recorded.into_iter().enumerate() {
        r.report.index = i;
        if let Some(e) = r.entry {
            har.log.entries.push(e);
        }
        if config.snapshots {
            snapshots.push(normalize::snapshot(
                &Observed {
                    report: &r.report,
                    content_type: r.content_type.as_deref(),
                    body: r.body.as_ref(),
                    secrets: &ctx_secrets,
                },
                &redactions,
            ));
        }
        exchanges.push(r.report);
    }
    let mut tally = Tally::counted(contract, &mut exchanges, "live");
    if config.secrets.len() < 2 {
        tally.not_judged(
            Check::TenantIsolation,
            "one secret only: a second tenant's secret is needed to probe isolation",
        );
    }
    Ok(LiveRun {
        report: FileReport {
            path: format!("live {}", config.base_url),
            spec: contract.document().path.display().to_string(),
            error: None,
            exchanges,
            tally,
        },
        har,
        snapshots,
    })
}
