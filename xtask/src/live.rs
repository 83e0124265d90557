//! `cargo xtask contract live`: the live run, against a given API or the
//! embedded sandbox.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;
use openapi_contract::coverage::Coverage;
use openapi_contract::{Contract, Options, RunReport};
use sandbox_server::Sandbox;

use crate::outcome::{CommandResult, Failure, Verdict};
use crate::report::{API_SECRET_VARS, ReportArgs, emit, progress, valid_secrets};
use crate::sandbox::{SandboxArgs, runtime};

#[derive(Args, Clone)]
pub struct LiveArgs {
    #[command(flatten)]
    pub report: ReportArgs,
    /// The API to check, e.g. https://api.signalzen.com/external. Secrets
    /// then come from SIGNALZEN_API_SECRET (and SIGNALZEN_API_SECRET_2 for
    /// the tenant-isolation checks). Without it, the embedded sandbox is
    /// started on an ephemeral loopback port and its own secrets are used.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Write what the run saw as HAR (secrets redacted) to DIR/live.har, a
    /// corpus for `contract recorded`.
    #[arg(long, value_name = "DIR")]
    pub record: Option<PathBuf>,
    /// Per-request timeout in milliseconds (headers and body).
    #[arg(long, value_name = "MS", default_value_t = 10_000)]
    pub timeout_ms: u64,
    /// Requests in flight at once.
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub concurrency: usize,
    /// Parents whose child lists are walked, and items fetched alone, per list.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub sample: usize,
    /// The run's request budget: a list whose full walk would take more
    /// than a tenth of it is walked by samples (first pages, pages around
    /// drawn offsets at two page sizes, the last page, past the end).
    #[arg(long, value_name = "N", default_value_t = 2_000)]
    pub max_requests: usize,
    /// Total seconds one request may wait on Retry-After before failing.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub retry_budget: u64,
    #[command(flatten)]
    pub sandbox: SandboxArgs,
}

impl LiveArgs {
    pub fn defaults() -> Self {
        #[derive(clap::Parser)]
        struct Bare {
            #[command(flatten)]
            args: LiveArgs,
        }
        <Bare as clap::Parser>::parse_from(["live"]).args
    }
}

/// The live run's report and coverage, or why it could not run.
pub fn run_report(args: &LiveArgs) -> Result<(RunReport, Coverage), Failure> {
    if args.base_url.is_some()
        && (!args.sandbox.faults.is_empty()
            || args.sandbox.users.is_some()
            || args.sandbox.rate_limit.is_some())
    {
        return Err(Failure(
            "--fault, --users and --rate-limit configure the embedded sandbox; they cannot go with --base-url".into(),
        ));
    }
    runtime()?.block_on(async {
        let target = Target::start(args).await?;
        let spec = args.report.spec.clone().unwrap_or_else(crate::default_spec);
        let result = check(args, &spec, &target).await;
        let embedded = target.sandbox.is_some();
        if let Some(s) = target.sandbox {
            s.stop().await;
        }
        let (contract, mut live) = result?;
        if embedded {
            // Its port changes per run; the report should not.
            live.report.path = "live (embedded sandbox)".into();
        }
        live.report.spec = openapi_spec::display_path(&spec, &crate::project_root())
            .display()
            .to_string();
        if let Some(dir) = &args.record {
            record(dir, &live, &contract)?;
        }
        let coverage = Coverage::of(&contract, &live.report.tally);
        let report = RunReport {
            files: vec![live.report],
        };
        Ok((report, coverage))
    })
}

/// What the run talks to: the API named by --base-url with the secrets
/// from the environment, or the embedded sandbox with its own.
struct Target {
    base_url: String,
    secrets: Vec<String>,
    sandbox: Option<Sandbox>,
}

impl Target {
    async fn start(args: &LiveArgs) -> Result<Target, Failure> {
        if let Some(url) = &args.base_url {
            if std::env::var(API_SECRET_VARS[0]).map_or(true, |s| s.trim().is_empty()) {
                return Err(Failure(format!(
                    "a live run against --base-url needs the API secret in {}",
                    API_SECRET_VARS[0]
                )));
            }
            return Ok(Target {
                base_url: url.clone(),
                secrets: valid_secrets(),
                sandbox: None,
            });
        }
        let sandbox = Sandbox::start(args.sandbox.config())
            .await
            .map_err(|e| Failure(format!("the sandbox did not start: {e}")))?;
        Ok(Target {
            base_url: sandbox.base_url(),
            secrets: sandbox
                .websites()
                .iter()
                .take(2)
                .map(|w| w.secret.clone())
                .collect(),
            sandbox: Some(sandbox),
        })
    }
}

/// Loads the document and runs the live suite against the target.
async fn check(
    args: &LiveArgs,
    spec: &Path,
    target: &Target,
) -> Result<(Contract, contract_live::LiveRun), Failure> {
    let doc = openapi_spec::load(spec, &openapi_spec::LoadOptions::default())
        .map_err(|e| Failure(format!("cannot load the document: {e}")))?;
    let options = Options {
        strict: args.report.strict,
        base_url: Some(target.base_url.clone()),
        valid_secrets: target.secrets.clone(),
        max_body_bytes: args.report.max_body_bytes,
    };
    let contract = Contract::new(doc, options)?;
    let mut config =
        contract_live::LiveConfig::new(target.base_url.clone(), target.secrets.clone());
    config.timeout = Duration::from_millis(args.timeout_ms.max(1));
    config.concurrency = args.concurrency.max(1);
    config.sample = args.sample.max(1);
    config.retry_budget = Duration::from_secs(args.retry_budget);
    config.max_requests = args.max_requests.max(1);
    config.max_body_bytes = args.report.max_body_bytes;
    let bar = progress();
    bar.set_message("live");
    let result = contract_live::run(&contract, &config, &|| bar.inc(1)).await;
    bar.finish_and_clear();
    Ok((contract, result?))
}

/// Writes what the run saw to DIR/live.har, secrets redacted.
fn record(dir: &Path, live: &contract_live::LiveRun, contract: &Contract) -> Result<(), Failure> {
    std::fs::create_dir_all(dir)
        .map_err(|e| e.to_string())
        .and_then(|()| {
            live.har
                .write(&dir.join("live.har"), &contract.sensitive_names())
                .map_err(|e| e.to_string())
        })
        .map_err(|e| Failure(format!("cannot record to {}: {e}", dir.display())))
}

pub fn run(args: LiveArgs) -> CommandResult {
    run_covered(args).map(|(verdict, _)| verdict)
}

/// [`run`], and what the run covered.
pub fn run_covered(args: LiveArgs) -> Result<(Verdict, Vec<Coverage>), Failure> {
    let (report, coverage) = run_report(&args)?;
    let coverage = vec![coverage];
    Ok((emit(report, &coverage, &args.report)?, coverage))
}
