//! Recorded mode: HAR files in, one report per file out. Bad entries are
//! reported and the rest still checked; `_expect` turns a recording into a
//! self-test of the checks; every string is scrubbed of secrets.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use har::{Entry, RawEntry, Recording, SecretSet, SensitiveNames};
use serde_json::Value;

use crate::coverage::Tally;
use crate::laws::Sighting;
pub use crate::normalize::Observed;
use crate::{
    Check, CheckResult, Contract, Credentials, Deliveries, Delivery, Exchange, ExchangeReport,
    FileReport, Finding, Options, Outcome,
};

/// Why a recording's document cannot be checked against (kept per
/// document, so every file that names it says the same).
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    /// The document does not load.
    #[error("cannot load the document: {0}")]
    Load(#[from] openapi_spec::LoadError),
    /// It loads, but no contract can be built from it.
    #[error("{}: {source}", path.display())]
    Contract {
        /// The document.
        path: PathBuf,
        /// Why.
        source: crate::ContractError,
    },
}

/// Loads documents on demand (a recording may name its own with
/// `log._openapi`) and checks files.
pub struct Runner {
    default_spec: PathBuf,
    /// `--spec` was given: it wins over `_openapi`.
    forced: bool,
    options: Options,
    max_file_bytes: u64,
    /// Threads checking entries (0: one per core).
    workers: usize,
    contracts: BTreeMap<PathBuf, Result<Contract, SpecError>>,
    /// Request paths whose entries are webhook deliveries (`--webhook`).
    webhook_paths: Vec<String>,
}

impl Runner {
    /// A runner using `default_spec` for files that name none (always, when `forced`).
    pub fn new(default_spec: PathBuf, forced: bool, options: Options) -> Self {
        Runner {
            default_spec,
            forced,
            options,
            max_file_bytes: har::DEFAULT_MAX_FILE_BYTES,
            workers: 0,
            contracts: BTreeMap::new(),
            webhook_paths: Vec::new(),
        }
    }

    /// Entries whose request path is one of these are webhook deliveries,
    /// as are entries marked `"_webhook": true`.
    pub fn with_webhook_paths(mut self, paths: Vec<String>) -> Self {
        self.webhook_paths = paths;
        self
    }

    /// Files larger than `limit` bytes are refused as bad input.
    pub fn with_max_file_bytes(mut self, limit: u64) -> Self {
        self.max_file_bytes = limit;
        self
    }

    /// How many threads check entries (0, the default: one per core).
    pub fn with_workers(mut self, workers: usize) -> Self {
        self.workers = workers;
        self
    }

    /// The contract for a document, loaded once.
    pub fn contract(&mut self, spec: &Path) -> Result<&Contract, &SpecError> {
        let key = spec.to_path_buf();
        let options = self.options.clone();
        self.contracts
            .entry(key)
            .or_insert_with(|| {
                let doc = openapi_spec::load(spec, &openapi_spec::LoadOptions::default())?;
                Contract::new(doc, options).map_err(|source| SpecError::Contract {
                    path: spec.to_path_buf(),
                    source,
                })
            })
            .as_ref()
    }

    /// Checks one HAR file; `observe` sees every checked exchange.
    pub fn run_file(
        &mut self,
        path: &Path,
        shown_as: &str,
        observe: &(dyn Fn(Observed<'_>) + Sync),
    ) -> FileReport {
        let mut report = FileReport {
            path: shown_as.to_string(),
            spec: self.default_spec.display().to_string(),
            error: None,
            exchanges: Vec::new(),
            tally: Default::default(),
        };
        let recording = match Recording::read(path, self.max_file_bytes) {
            Ok(r) => r,
            Err(e) => {
                report.error = Some(e.to_string());
                return report;
            }
        };
        let entries = match recording.entries() {
            Ok(e) => e,
            Err(e) => {
                report.error = Some(e.to_string());
                return report;
            }
        };
        let spec = match (&entries.openapi, self.forced) {
            (Some(rel), false) => {
                let joined = path.parent().unwrap_or(Path::new(".")).join(rel);
                std::fs::canonicalize(&joined).unwrap_or(joined)
            }
            _ => self.default_spec.clone(),
        };
        report.spec = spec.display().to_string();
        let workers = self.workers;
        let paths = self.webhook_paths.clone();
        let contract = match self.contract(&spec) {
            Ok(c) => c,
            Err(e) => {
                report.error = Some(e.to_string());
                return report;
            }
        };
        let webhooks = Webhooks { paths: &paths };
        let (exchanges, tally) = check_all(
            contract,
            &entries.entries,
            Setup {
                workers,
                webhooks: &webhooks,
                source: shown_as,
            },
            observe,
        );
        report.exchanges = exchanges;
        report.tally = recorded_tally(contract, tally);
        report
    }
}

/// What a recording covered, and what recorded mode cannot judge here.
fn recorded_tally(contract: &Contract, mut tally: Tally) -> Tally {
    let secrets = contract.options().valid_secrets.len();
    if secrets < 2 {
        let why = "fewer than two known secrets: whose items an answer may hold is unknown";
        tally.not_judged(Check::TenantIsolation, why);
    }
    // Only a recording that holds deliveries says what it could not judge of them.
    if tally.judged(Check::WebhookMethod) > 0 {
        if secrets == 0 {
            let why = "no signing secret known: signatures were checked for form only";
            tally.not_judged(Check::WebhookSignature, why);
        }
        let why = "a recording cannot ask the API: the live webhook run compares carried resources";
        tally.not_judged(Check::WebhookConsistency, why);
    }
    tally
}

/// Every `*.har` file under the given paths (files as given, directories
/// recursively), sorted, so runs are deterministic.
pub fn collect_har_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk_dir(p, &mut out).map_err(|e| format!("{}: {e}", p.display()))?;
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(format!("{}: no such file or directory", p.display()));
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn walk_dir(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk_dir(&path, out)?;
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("har"))
        {
            out.push(path);
        }
    }
    Ok(())
}

/// Which entries are webhook deliveries.
struct Webhooks<'a> {
    paths: &'a [String],
}

impl Webhooks<'_> {
    fn holds(&self, entry: &Entry) -> bool {
        entry.custom.get(WEBHOOK_FIELD) == Some(&Value::Bool(true))
            || (!self.paths.is_empty()
                && url::Url::parse(&entry.request.url)
                    .is_ok_and(|u| self.paths.iter().any(|p| p == u.path())))
    }
}

/// The custom entry field that marks a webhook delivery.
pub const WEBHOOK_FIELD: &str = "_webhook";

/// Checks raw entries with one contract, on every core: entries are taken
/// in turn by each worker, so at most one entry per worker is in memory
/// beyond the file itself. Reports come back in entry order.
pub fn check_entries(
    contract: &Contract,
    entries: &[RawEntry<'_>],
    workers: usize,
    observe: &(dyn Fn(Observed<'_>) + Sync),
) -> Vec<ExchangeReport> {
    let setup = Setup {
        workers,
        webhooks: &Webhooks { paths: &[] },
        source: "",
    };
    check_all(contract, entries, setup, observe).0
}

/// How a file's entries are checked: on how many workers, which are
/// deliveries, and the name coverage gives the file.
struct Setup<'a> {
    workers: usize,
    webhooks: &'a Webhooks<'a>,
    source: &'a str,
}

/// [`check_entries`], and what the entries covered; webhook deliveries are
/// checked afterwards, in file order, since the URL check's place and
/// repeats span deliveries. What each answer showed is counted as soon as
/// it is checked, so the reports do not carry it to the end.
fn check_all(
    contract: &Contract,
    entries: &[RawEntry<'_>],
    setup: Setup<'_>,
    observe: &(dyn Fn(Observed<'_>) + Sync),
) -> (Vec<ExchangeReport>, Tally) {
    let names = contract.sensitive_names();
    let shown = std::sync::Mutex::new(Tally::default());
    let count = |report: &mut ExchangeReport| {
        let mut t = shown.lock().unwrap_or_else(|p| p.into_inner());
        t.add_shown(contract, report, setup.source);
    };
    let one = |raw: &RawEntry<'_>| match raw.parse() {
        Ok(entry) if setup.webhooks.holds(&entry) => {
            let placeholder = input_error(raw.index, raw.line, "?", "?", String::new());
            (placeholder, Sighting::default(), true)
        }
        Ok(entry) => {
            let (mut report, sighting) =
                check_entry_seen(contract, &names, raw.index, raw.line, &entry, observe);
            count(&mut report);
            (report, sighting, false)
        }
        Err(e) => (
            input_error(raw.index, raw.line, "?", "?", e.to_string()),
            Sighting::default(),
            false,
        ),
    };
    let checked = checked_in_order(entries, setup.workers, &one);
    let is_delivery: Vec<bool> = checked.iter().map(|c| c.2).collect();
    let (mut reports, sightings): (Vec<ExchangeReport>, Vec<Sighting>) =
        checked.into_iter().map(|(r, s, _)| (r, s)).unzip();
    let max_body = contract.options().max_body_bytes;
    let body_of = |i: usize| -> Option<Value> {
        let entry = entries.get(i)?.parse().ok()?;
        let response = entry.response?;
        let bytes = response.content.decoded(max_body).ok()??;
        serde_json::from_slice(&bytes).ok()
    };
    crate::laws::apply(&mut reports, &sightings, &body_of, contract.redactions());
    for (report, sighting) in reports.iter_mut().zip(&sightings) {
        if !sighting.expected_live.is_empty() {
            apply_expectations(report, &sighting.expected_live);
        }
    }
    let mut deliveries = Deliveries::default();
    for (i, raw) in entries.iter().enumerate().filter(|(i, _)| is_delivery[*i]) {
        if let Ok(entry) = raw.parse() {
            reports[i] =
                check_delivery_entry(contract, &names, &mut deliveries, raw, &entry, observe);
            count(&mut reports[i]);
        }
    }
    let mut tally = shown.into_inner().unwrap_or_else(|p| p.into_inner());
    for r in &reports {
        tally.add_judged(contract, r, setup.source);
    }
    (reports, tally)
}

/// Checks one recorded webhook delivery: the request is what the provider
/// sent, the response what the receiver answered.
fn check_delivery_entry(
    contract: &Contract,
    names: &SensitiveNames,
    deliveries: &mut Deliveries,
    raw: &RawEntry<'_>,
    entry: &Entry,
    observe: &(dyn Fn(Observed<'_>) + Sync),
) -> ExchangeReport {
    let secrets = entry_secrets(contract, names, entry);
    let method = entry.request.method.to_ascii_uppercase();
    let target = secrets.scrub(&target_of(&entry.request.url)).into_owned();
    let bad = |message: String| {
        input_error(
            raw.index,
            raw.line,
            &method,
            &target,
            secrets.scrub(&message).into_owned(),
        )
    };
    let expected = match expectations(entry) {
        Ok(e) => e,
        Err(m) => return bad(m),
    };
    let post = entry.request.post_data.as_ref();
    let text = post
        .and_then(|p| p.get("text"))
        .and_then(Value::as_str)
        .unwrap_or("");
    let mut headers = entry.request.headers.clone();
    if har::header(&headers, "content-type").is_none()
        && let Some(mime) = post.and_then(|p| p.get("mimeType")).and_then(Value::as_str)
    {
        headers.push(har::Header::new("content-type", mime));
    }
    let answer_body = match &entry.response {
        Some(r) => match r.content.decoded(contract.options().max_body_bytes) {
            Ok(b) => b.map(|b| b.into_owned()).unwrap_or_default(),
            Err(e) => return bad(e.to_string()),
        },
        None => Vec::new(),
    };
    let answer = entry
        .response
        .as_ref()
        .and_then(|r| u16::try_from(r.status).ok())
        .filter(|s| (100..=599).contains(s));
    let delivery = Delivery {
        method: &entry.request.method,
        headers: &headers,
        body: text.as_bytes(),
        answer: answer.map(|s| (s, answer_body.as_slice())),
    };
    let checked = contract.check_delivery(deliveries, &delivery);
    let mut report = ExchangeReport {
        note: checked.note,
        index: raw.index,
        line: raw.line,
        method,
        target,
        operation: checked.webhook,
        status: answer,
        checks: checked.results,
        points: checked.points,
    };
    apply_expectations(&mut report, &expected);
    scrub(&mut report, &secrets);
    observe(Observed {
        report: &report,
        content_type: har::header(&headers, "content-type"),
        body: checked.body.as_ref(),
        secrets: &secrets,
    });
    report
}

/// Runs `one` on every entry, on up to `workers` threads; results in entry order.
fn checked_in_order<T: Send>(
    entries: &[RawEntry<'_>],
    workers: usize,
    one: &(dyn Fn(&RawEntry<'_>) -> T + Sync),
) -> Vec<T> {
    let cores = std::thread::available_parallelism()
        .map(usize::from)
        .unwrap_or(1);
    let workers = if workers == 0 { cores.min(8) } else { workers }
        .min(entries.len() / 8)
        .max(1);
    if workers == 1 {
        return entries.iter().map(one).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut reports: Vec<(usize, T)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(raw) = entries.get(i) else { break };
                        done.push((i, one(raw)));
                    }
                    done
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    reports.sort_by_key(|(i, _)| *i);
    reports.into_iter().map(|(_, r)| r).collect()
}

fn input_error(
    index: usize,
    line: usize,
    method: &str,
    target: &str,
    message: String,
) -> ExchangeReport {
    ExchangeReport {
        note: None,
        index,
        line,
        method: method.to_string(),
        target: target.to_string(),
        operation: None,
        status: None,
        checks: vec![CheckResult {
            check: Check::Input,
            outcome: Outcome::Error,
            findings: vec![Finding {
                pointer: String::new(),
                message,
                value: None,
            }],
        }],
        points: Vec::new(),
    }
}

/// Path and query of a URL (the host says nothing about the contract).
pub fn target_of(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        },
        Err(_) => url.to_string(),
    }
}

/// Checks one parsed HAR entry.
pub fn check_entry(
    contract: &Contract,
    names: &SensitiveNames,
    index: usize,
    line: usize,
    entry: &Entry,
    observe: &(dyn Fn(Observed<'_>) + Sync),
) -> ExchangeReport {
    check_entry_seen(contract, names, index, line, entry, observe).0
}

/// [`check_entry`], and what the entry leaves for the laws across entries.
fn check_entry_seen(
    contract: &Contract,
    names: &SensitiveNames,
    index: usize,
    line: usize,
    entry: &Entry,
    observe: &(dyn Fn(Observed<'_>) + Sync),
) -> (ExchangeReport, Sighting) {
    let secrets = entry_secrets(contract, names, entry);
    let method = entry.request.method.to_ascii_uppercase();
    let target = secrets.scrub(&target_of(&entry.request.url)).into_owned();
    let bad = |message: String| {
        let report = input_error(
            index,
            line,
            &method,
            &target,
            secrets.scrub(&message).into_owned(),
        );
        (report, Sighting::default())
    };

    let expected = match expectations(entry) {
        Ok(e) => e,
        Err(m) => return bad(m),
    };
    let credentials = match credentials(entry) {
        Ok(c) => c,
        Err(m) => return bad(m),
    };
    let (response, status) = match answered(entry) {
        Ok(r) => r,
        Err(m) => return bad(m),
    };
    let body = match response.content.decoded(contract.options().max_body_bytes) {
        Ok(b) => b,
        Err(e) => return bad(e.to_string()),
    };
    let ex = Exchange {
        method: &entry.request.method,
        url: &entry.request.url,
        request_headers: &entry.request.headers,
        credentials,
        status,
        response_headers: &response.headers,
        mime_type: &response.content.mime_type,
        body: body.as_deref(),
    };
    let (checked, mut sighting) = contract.check_seen(&ex);
    // The live laws are judged across entries, after every entry is checked.
    let (live, expected): (Vec<Check>, Vec<Check>) =
        expected.into_iter().partition(|c| c.is_live());
    sighting.expected_live = live;
    let mut report = ExchangeReport {
        note: None,
        index,
        line,
        method: method.clone(),
        target: target.clone(),
        operation: checked.operation,
        status: Some(status),
        checks: checked.results,
        points: checked.points,
    };
    apply_expectations(&mut report, &expected);
    scrub(&mut report, &secrets);
    let content_type = har::header(&response.headers, "content-type")
        .or(Some(response.content.mime_type.as_str()).filter(|m| !m.is_empty()));
    observe(Observed {
        report: &report,
        content_type,
        body: checked.body.as_ref(),
        secrets: &secrets,
    });
    (report, sighting)
}

/// The secrets to keep out of an entry's report: what it carried, and
/// the run's known secrets.
fn entry_secrets(contract: &Contract, names: &SensitiveNames, entry: &Entry) -> SecretSet {
    let mut secrets = SecretSet::new();
    secrets.collect(entry, names);
    for s in &contract.options().valid_secrets {
        secrets.insert(s);
    }
    secrets
}

/// The entry's `_credentials` annotation.
fn credentials(entry: &Entry) -> Result<Option<Credentials>, String> {
    match entry.custom.get("_credentials").and_then(Value::as_str) {
        None => Ok(None),
        Some("valid") => Ok(Some(Credentials::Valid)),
        Some("invalid") => Ok(Some(Credentials::Invalid)),
        Some(other) => Err(format!(
            "_credentials is {other:?}; it must be \"valid\" or \"invalid\""
        )),
    }
}

/// The entry's response and its status, when the request got an HTTP answer.
fn answered(entry: &Entry) -> Result<(&har::Response, u16), String> {
    let Some(response) = &entry.response else {
        return Err("the entry has no response (the request failed or was not recorded)".into());
    };
    match u16::try_from(response.status)
        .ok()
        .filter(|s| (100..=599).contains(s))
    {
        Some(status) => Ok((response, status)),
        None => Err(format!(
            "the response status is {}: the request got no HTTP answer",
            response.status
        )),
    }
}

/// The checks an entry says must fail (`"_expect": ["body.nullable"]`).
fn expectations(entry: &Entry) -> Result<Vec<Check>, String> {
    let Some(v) = entry.custom.get("_expect") else {
        return Ok(Vec::new());
    };
    let list = match v {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        _ => return Err("_expect must be a check name or a list of them".into()),
    };
    list.into_iter()
        .map(|n| {
            Check::from_name(n).ok_or_else(|| {
                let known: Vec<&str> = Check::ALL.iter().map(|c| c.name()).collect();
                format!(
                    "_expect names an unknown check {n:?} (known: {})",
                    known.join(", ")
                )
            })
        })
        .collect()
}

fn apply_expectations(report: &mut ExchangeReport, expected: &[Check]) {
    for c in &mut report.checks {
        if expected.contains(&c.check) && matches!(c.outcome, Outcome::Fail | Outcome::Warn) {
            c.outcome = Outcome::ExpectedFail;
        }
    }
    for want in expected {
        if !report
            .checks
            .iter()
            .any(|c| c.check == *want && c.outcome == Outcome::ExpectedFail)
        {
            let ran = report.checks.iter().any(|c| c.check == *want);
            report.checks.push(CheckResult {
                check: Check::Expectation,
                outcome: Outcome::Fail,
                findings: vec![Finding {
                    pointer: String::new(),
                    message: if ran {
                        format!("the recording expects {want} to fail, but it passed")
                    } else {
                        format!("the recording expects {want} to fail, but it did not run")
                    },
                    value: None,
                }],
            });
        }
    }
}

/// Scrubs every finding of a report (messages, pointers, values).
pub fn scrub(report: &mut ExchangeReport, secrets: &SecretSet) {
    if secrets.is_empty() {
        return;
    }
    for c in &mut report.checks {
        for f in &mut c.findings {
            f.message = secrets.scrub(&f.message).into_owned();
            f.pointer = secrets.scrub(&f.pointer).into_owned();
            if let Some(v) = &mut f.value {
                *v = secrets.scrub(v).into_owned();
            }
        }
    }
}
