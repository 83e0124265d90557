//! `cargo xtask sandbox`: the embedded sandbox served on loopback; and the
//! sandbox settings the live run shares.

use std::path::PathBuf;

use clap::Args;
use sandbox_server::{Config, Fault, Sandbox};

use crate::outcome::{CommandResult, Failure, Verdict};

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

/// The fault list for `cargo xtask sandbox --help`, from [`Fault::ALL`], so
/// a new fault cannot be missing from it.
pub fn faults_help() -> String {
    let lines: Vec<String> = Fault::ALL
        .iter()
        .map(|f| format!("  {:<20} {}", f.name(), f.description()))
        .collect();
    format!("Faults (--fault NAME, repeatable):\n{}", lines.join("\n"))
}

fn parse_fault(name: &str) -> Result<Fault, String> {
    Fault::from_name(name).ok_or_else(|| {
        let known: Vec<&str> = Fault::ALL.iter().map(|f| f.name()).collect();
        format!("unknown fault {name:?}; known: {}", known.join(", "))
    })
}

impl SandboxArgs {
    pub fn config(&self) -> Config {
        let mut config = Config::default().with_env_secrets();
        if let Some(users) = self.users {
            config.seed.users_per_website = users;
        }
        config.faults = self.faults.iter().copied().collect();
        config.rate_limit = self.rate_limit;
        config
    }
}

/// The async runtime the live run and the sandbox run on.
pub fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure(format!("cannot start the async runtime: {e}")))
}

#[derive(Args)]
pub struct ServeArgs {
    /// Port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 8787)]
    pub port: u16,
    /// Keep the data in this SQLite file instead of memory.
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// Deliver website N's webhooks to URL (repeatable), e.g.
    /// 1=http://127.0.0.1:9000/hook: the URL check first, then a signed
    /// message.created event per new message. New messages come from
    /// POST /_sandbox/websites/N/users/ID/messages ({"sender_type":
    /// "user"|"operator", "body": text|null, "attachment": bool}) or
    /// --webhook-every. A delivery not answered 200 within 2 s is retried
    /// 3 times, after 0.25, 0.5 and 1 s (the sandbox's policy).
    #[arg(long = "webhook-url", value_name = "N=URL", value_parser = parse_webhook)]
    pub webhooks: Vec<(usize, String)>,
    /// Also create a message every MS milliseconds for each registered website.
    #[arg(long, value_name = "MS", requires = "webhooks")]
    pub webhook_every: Option<u64>,
    #[command(flatten)]
    pub sandbox: SandboxArgs,
}

fn parse_webhook(text: &str) -> Result<(usize, String), String> {
    let (n, url) = text
        .split_once('=')
        .ok_or_else(|| format!("{text:?} is not N=URL"))?;
    let n: usize = n
        .trim()
        .parse()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("{n:?} is not a website number (1, 2, ...)"))?;
    match url.split_once("://") {
        Some(("http" | "https", rest)) if !rest.is_empty() => Ok((n, url.to_string())),
        _ => Err(format!("{url:?} is not an http(s) URL")),
    }
}

/// `cargo xtask sandbox`: serves until SIGINT or SIGTERM.
pub fn serve(args: ServeArgs) -> CommandResult {
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
        // Colour only on a terminal: a log piped or written to a file
        // carries no escape codes.
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr())),
        )
        .with(filter)
        .try_init();
    let rt = runtime()?;
    rt.block_on(async {
        let mut config = args.sandbox.config();
        config.port = args.port;
        config.db = args.db.clone();
        config.webhooks = args.webhooks.clone();
        config.webhook_every = args
            .webhook_every
            .map(|ms| std::time::Duration::from_millis(ms.max(1)));
        let overridden: Vec<usize> = config.secrets.iter().map(|(n, _)| *n).collect();
        let sandbox =
            Sandbox::start_with(config.clone(), sandbox_server::shutdown_signal()).await?;
        println!("SignalZen v1 sandbox at {}", sandbox.base_url());
        println!("  reference: http://{}/docs/", sandbox.addr());
        for w in sandbox.websites() {
            let shown = if overridden.contains(&(w.id as usize)) {
                format!(
                    "(from {})",
                    sandbox_server::SANDBOX_SECRET_VARS[(w.id as usize - 1).min(1)]
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
        for (n, url) in &config.webhooks {
            println!("  website {n}'s webhooks go to {url}");
        }
        if !config.webhooks.is_empty() {
            println!(
                "  new message: POST http://{}/_sandbox/websites/N/users/ID/messages",
                sandbox.addr()
            );
        }
        println!("Ctrl-C stops it.");
        sandbox.wait().await;
        eprintln!("sandbox stopped");
        Ok(Verdict::Pass)
    })
}
