//! `cargo xtask contract webhooks`: a receiver checks every delivery. By
//! default the embedded sandbox delivers to it (one message of each kind
//! triggered through the sandbox); with `--listen` it waits for the real
//! provider, whose integrations page the user registers the receiver's
//! public URL on.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;
use contract_live::LiveConfig;
use contract_live::webhooks::{self, Listen, Receiver, WebhookRun};
use openapi_contract::coverage::Coverage;
use openapi_contract::{Contract, Options, RunReport};

use crate::outcome::{CommandResult, Failure, Verdict};
use crate::report::{API_SECRET_VARS, ReportArgs, emit, valid_secrets};
use crate::sandbox::{SandboxArgs, runtime};

#[derive(Args, Clone)]
pub struct WebhooksArgs {
    #[command(flatten)]
    pub report: ReportArgs,
    /// Wait for the real provider on this address (e.g. 0.0.0.0:9000)
    /// instead of the embedded sandbox. Deliveries are verified with
    /// SIGNALZEN_API_SECRET (and _2); without one, signatures are only
    /// checked for form.
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
    /// Stop after this many deliveries (the URL check included).
    #[arg(long, value_name = "N")]
    pub deliveries: Option<usize>,
    /// Stop after this many seconds at the latest (default: 10 against the
    /// sandbox, 300 with --listen).
    #[arg(long = "for", value_name = "SECONDS")]
    pub wait: Option<u64>,
    /// With --listen: the API to fetch each delivered resource from
    /// (webhook.consistency), e.g. https://api.signalzen.com/external.
    /// Needs SIGNALZEN_API_SECRET.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Write every delivery as HAR (entries marked `_webhook`) to
    /// DIR/webhooks.har, a corpus for `contract recorded`.
    #[arg(long, value_name = "DIR")]
    pub record: Option<PathBuf>,
    #[command(flatten)]
    pub sandbox: SandboxArgs,
}

impl WebhooksArgs {
    pub fn defaults() -> Self {
        #[derive(clap::Parser)]
        struct Bare {
            #[command(flatten)]
            args: WebhooksArgs,
        }
        <Bare as clap::Parser>::parse_from(["webhooks"]).args
    }
}

pub fn run(args: WebhooksArgs) -> CommandResult {
    run_covered(args).map(|(verdict, _)| verdict)
}

/// [`run`], and what the deliveries covered.
pub fn run_covered(args: WebhooksArgs) -> Result<(Verdict, Vec<Coverage>), Failure> {
    let run = run_deliveries(&args)?;
    if let Some(dir) = &args.record {
        record(dir, &run)?;
    }
    if run.report.exchanges.is_empty() {
        return Err(Failure(format!(
            "no delivery arrived within {} s; is the receiver's URL registered with the provider?",
            wait(&args).as_secs()
        )));
    }
    let spec = args.report.spec.clone().unwrap_or_else(crate::default_spec);
    let coverage = crate::report::coverage_of(&spec, &run.report.tally)?;
    let report = RunReport {
        files: vec![run.report],
    };
    let coverage = vec![coverage];
    Ok((emit(report, &coverage, &args.report)?, coverage))
}

fn wait(args: &WebhooksArgs) -> Duration {
    let default = if args.listen.is_some() { 300 } else { 10 };
    Duration::from_secs(args.wait.unwrap_or(default).max(1))
}

fn run_deliveries(args: &WebhooksArgs) -> Result<WebhookRun, Failure> {
    if args.listen.is_some() && (!args.sandbox.faults.is_empty() || args.sandbox.users.is_some()) {
        return Err(Failure(
            "--fault and --users configure the embedded sandbox; they cannot go with --listen"
                .into(),
        ));
    }
    if args.base_url.is_some() && args.listen.is_none() {
        return Err(Failure("--base-url goes with --listen".into()));
    }
    let spec = args.report.spec.clone().unwrap_or_else(crate::default_spec);
    let doc = openapi_spec::load(&spec, &openapi_spec::LoadOptions::default())
        .map_err(|e| Failure(format!("cannot load the document: {e}")))?;
    let model = openapi_model::Model::build(&doc, None)?;
    if model.webhooks.is_empty() {
        return Err(Failure(format!(
            "{} describes no webhooks (`webhooks`, or `x-webhooks` in 3.0)",
            spec.display()
        )));
    }
    let mut run = runtime()?.block_on(async {
        match args.listen {
            Some(addr) => listen(args, doc, &model, addr).await,
            None => round_trip(args, doc).await,
        }
    })?;
    run.report.spec = openapi_spec::display_path(&spec, &crate::project_root())
        .display()
        .to_string();
    Ok(run)
}

fn options(args: &WebhooksArgs, secrets: Vec<String>, base_url: Option<String>) -> Options {
    Options {
        strict: args.report.strict,
        base_url,
        valid_secrets: secrets,
        max_body_bytes: args.report.max_body_bytes,
    }
}

/// The real provider delivers; the receiver prints where it listens.
async fn listen(
    args: &WebhooksArgs,
    doc: openapi_spec::Document,
    model: &openapi_model::Model,
    addr: SocketAddr,
) -> Result<WebhookRun, Failure> {
    let secrets = valid_secrets();
    let api = match &args.base_url {
        Some(_) if secrets.is_empty() => {
            return Err(Failure(format!(
                "--base-url needs the API secret in {}",
                API_SECRET_VARS[0]
            )));
        }
        Some(url) => Some(LiveConfig::new(url.clone(), secrets.clone())),
        None => None,
    };
    let contract = Contract::new(doc, options(args, secrets.clone(), args.base_url.clone()))?;
    let mut receiver = Receiver::start(model, addr).await?;
    let wait = wait(args);
    eprintln!(
        "receiving webhooks on http://{} (any path); register its public URL with the provider. Waiting up to {} s{}.",
        receiver.addr(),
        wait.as_secs(),
        args.deliveries
            .map(|n| format!(" or {n} deliveries"))
            .unwrap_or_default()
    );
    if secrets.is_empty() {
        eprintln!(
            "{} is not set: signatures are checked for form only.",
            API_SECRET_VARS[0]
        );
    }
    let limits = Listen {
        deliveries: args.deliveries,
        events: None,
        wait,
    };
    let bar = crate::report::progress();
    bar.set_message("webhooks");
    let run = webhooks::check(&contract, &mut receiver, &limits, api.as_ref(), &|| {
        bar.inc(1)
    })
    .await;
    bar.finish_and_clear();
    receiver.stop().await;
    Ok(run?)
}

/// The embedded sandbox delivers to a loopback receiver: the URL check,
/// then one event per message of each kind (`sandbox_harness`, the one
/// round trip the tests and the benchmark run too).
async fn round_trip(
    args: &WebhooksArgs,
    doc: openapi_spec::Document,
) -> Result<WebhookRun, Failure> {
    let setup = sandbox_harness::RoundTrip {
        sandbox: args.sandbox.config(),
        options: options(args, Vec::new(), None),
        deliveries: args.deliveries,
        wait: wait(args),
    };
    let mut run = sandbox_harness::webhook_round_trip(doc, setup).await?;
    // Its ports change per run; the report should not.
    run.report.path = "webhooks (embedded sandbox)".into();
    Ok(run)
}

/// Writes the deliveries to DIR/webhooks.har (no secret is in them: the
/// signature is a MAC, not the key).
fn record(dir: &Path, run: &WebhookRun) -> Result<(), Failure> {
    std::fs::create_dir_all(dir)
        .map_err(|e| e.to_string())
        .and_then(|()| {
            run.har
                .write(
                    &dir.join("webhooks.har"),
                    &openapi_contract::har::SensitiveNames::default(),
                )
                .map_err(|e| e.to_string())
        })
        .map_err(|e| Failure(format!("cannot record to {}: {e}", dir.display())))
}
