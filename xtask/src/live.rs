//! `cargo xtask contract live`: the live run, against a given API or the
//! embedded sandbox; and `cargo xtask sandbox`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use openapi_contract::{Contract, Options, RunReport};
use sandbox_server::{Config, Fault, Sandbox};

use crate::recorded::{ReportArgs, SECRET_ENV, emit, progress};

/// Settings of the embedded sandbox (the live run's and `cargo xtask sandbox`'s).
#[derive(Args, Clone, Default)]
pub struct SandboxArgs {
    /// Users per website in the seed data.
    #[arg(long, value_name = "N")]
    pub users: Option<usize>,
    /// Break one rule on purpose (repeatable); see `cargo xtask sandbox --help`.
    #[arg(long = "fault", value_name = "NAME", value_parser = parse_fault)]
    pub faults: Vec<Fault>,
    /// Requests per second per API secret before 429 (off by default).
    #[arg(long, value_name = "N")]
    pub rate_limit: Option<u32>,
}

fn parse_fault(name: &str) -> Result<Fault, String> {
    Fault::from_name(name).ok_or_else(|| {
        let known: Vec<&str> = Fault::ALL.iter().map(|f| f.name()).collect();
        format!("unknown fault {name:?}; known: {}", known.join(", "))
    })
}

impl SandboxArgs {
    fn config(&self) -> Config {
        let mut config = Config::default().with_env_secrets();
        if let Some(users) = self.users {
            config.seed.users_per_website = users;
        }
        config.faults = self.faults.iter().copied().collect();
        config.rate_limit = self.rate_limit;
        config
    }
}

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

fn runtime() -> Result<tokio::runtime::Runtime, ExitCode> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            eprintln!("error: cannot start the async runtime: {e}");
            ExitCode::from(2)
        })
}

/// The live run; returns its report, or the exit code of a usage error.
pub fn run_report(args: &LiveArgs) -> Result<RunReport, ExitCode> {
    let usage = |m: String| {
        eprintln!("error: {m}");
        ExitCode::from(2)
    };
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
                let secrets = crate::recorded::valid_secrets();
                if std::env::var(SECRET_ENV[0]).map_or(true, |s| s.trim().is_empty()) {
                    return Err(usage(format!(
                        "a live run against --base-url needs the API secret in {}",
                        SECRET_ENV[0]
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

pub fn run(args: LiveArgs) -> ExitCode {
    match run_report(&args) {
        Ok(report) => emit(&report, &args.report),
        Err(code) => code,
    }
}

#[derive(Args)]
pub struct ServeArgs {
    /// Port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 8787)]
    pub port: u16,
    /// Keep the data in this SQLite file instead of memory.
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
    #[command(flatten)]
    pub sandbox: SandboxArgs,
}

/// `cargo xtask sandbox`: serves until SIGINT or SIGTERM.
pub fn serve(args: ServeArgs) -> ExitCode {
    let filter = std::env::var("RUST_LOG")
        .ok()
        .and_then(|f| f.parse::<tracing_subscriber::filter::Targets>().ok())
        .unwrap_or_else(|| {
            tracing_subscriber::filter::Targets::new()
                .with_default(tracing_subscriber::filter::LevelFilter::INFO)
        });
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    let _ = tracing_subscriber::registry()
        .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr))
        .with(filter)
        .try_init();
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    rt.block_on(async {
        let mut config = args.sandbox.config();
        config.port = args.port;
        config.db = args.db.clone();
        let overridden: Vec<usize> = config.secrets.iter().map(|(n, _)| *n).collect();
        let sandbox =
            match Sandbox::start_with(config.clone(), sandbox_server::shutdown_signal()).await {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            };
        println!("SignalZen v1 sandbox at {}", sandbox.base_url());
        println!("  reference: http://{}/docs/", sandbox.addr());
        for w in sandbox.websites() {
            let shown = if overridden.contains(&(w.id as usize)) {
                format!(
                    "(from {})",
                    sandbox_server::SECRET_ENV[(w.id as usize - 1).min(1)]
                )
            } else {
                w.secret.clone()
            };
            println!(
                "  website {} ({}): Authorization: Bearer {shown}",
                w.id, w.name
            );
        }
        if !config.faults.is_empty() {
            let names: Vec<&str> = config.faults.iter().map(|f| f.name()).collect();
            println!("  faults: {}", names.join(", "));
        }
        println!("Ctrl-C stops it.");
        sandbox.wait().await;
        eprintln!("sandbox stopped");
        ExitCode::SUCCESS
    })
}
