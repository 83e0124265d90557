//! `cargo xtask contract live`: the live run, against a given API or the
//! embedded sandbox.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use openapi_contract::{Contract, Options, RunReport};
use sandbox_server::Sandbox;

use crate::outcome::{Failure, Outcome};
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

/// The live run's report, or why it could not run.
pub fn run_report(args: &LiveArgs) -> Result<RunReport, Failure> {
    let usage = Failure;
    if args.base_url.is_some()
        && (!args.sandbox.faults.is_empty()
            || args.sandbox.users.is_some()
            || args.sandbox.rate_limit.is_some())
    {
        return Err(usage(
            "--fault, --users and --rate-limit configure the embedded sandbox; they cannot go with --base-url".into(),
        ));
    }
    let rt = runtime()?;
    rt.block_on(async {
        let (base_url, secrets, sandbox) = match &args.base_url {
            Some(url) => {
                let secrets = valid_secrets();
                if std::env::var(API_SECRET_VARS[0]).map_or(true, |s| s.trim().is_empty()) {
                    return Err(usage(format!(
                        "a live run against --base-url needs the API secret in {}",
                        API_SECRET_VARS[0]
                    )));
                }
                (url.clone(), secrets, None)
            }
            None => {
                let sandbox = Sandbox::start(args.sandbox.config())
                    .await
                    .map_err(|e| usage(format!("the sandbox did not start: {e}")))?;
                let secrets = sandbox
                    .websites()
                    .iter()
                    .take(2)
                    .map(|w| w.secret.clone())
                    .collect();
                (sandbox.base_url(), secrets, Some(sandbox))
            }
        };
        let spec = args.report.spec.clone().unwrap_or_else(crate::default_spec);
        let doc = openapi_spec::load(&spec, &openapi_spec::LoadOptions::default())
            .map_err(|e| usage(format!("cannot load the document: {e}")))?;
        let contract = Contract::new(
            doc,
            Options {
                strict: args.report.strict,
                base_url: Some(base_url.clone()),
                valid_secrets: secrets.clone(),
                max_body_bytes: args.report.max_body_bytes,
            },
        )
        .map_err(|e| usage(e.to_string()))?;
        let mut config = contract_live::LiveConfig::new(base_url, secrets);
        config.timeout = Duration::from_millis(args.timeout_ms.max(1));
        config.concurrency = args.concurrency.max(1);
        config.sample = args.sample.max(1);
        config.retry_budget = Duration::from_secs(args.retry_budget);
        config.max_body_bytes = args.report.max_body_bytes;
        let bar = progress();
        bar.set_message("live");
        let result = contract_live::run(&contract, &config, &|| bar.inc(1)).await;
        bar.finish_and_clear();
        let embedded = sandbox.is_some();
        if let Some(s) = sandbox {
            s.stop().await;
        }
        let mut live = result.map_err(|e| usage(e.to_string()))?;
        if embedded {
            // Its port changes per run; the report should not.
            live.report.path = "live (embedded sandbox)".into();
        }
        let root = crate::project_root();
        live.report.spec = openapi_spec::display_path(&spec, &root)
            .display()
            .to_string();
        if let Some(dir) = &args.record {
            let written = std::fs::create_dir_all(dir)
                .map_err(|e| e.to_string())
                .and_then(|()| {
                    live.har
                        .write(&dir.join("live.har"), &contract.sensitive_names())
                        .map_err(|e| e.to_string())
                });
            if let Err(e) = written {
                return Err(usage(format!("cannot record to {}: {e}", dir.display())));
            }
        }
        Ok(RunReport {
            files: vec![live.report],
        })
    })
}

pub fn run(args: LiveArgs) -> Outcome {
    emit(&run_report(&args)?, &args.report)
}
