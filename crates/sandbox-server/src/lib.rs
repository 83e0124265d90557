//! The embedded sandbox: a reference implementation of SignalZen v1 on
//! loopback, over the deterministic data of `sandbox-store`. The live
//! contract run uses it when no real API is given; its fault modes break
//! one rule each, so the run can prove it catches them.

#![warn(missing_docs)]

mod api;
mod auth;
mod docs;
mod echo;
mod fault;
mod present;
mod signing;
mod webhook;

use std::collections::{BTreeSet, HashMap};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sandbox_store::{SeedConfig, Store, StoredMessage, Website};

pub use api::ApiDoc;
pub use fault::Fault;
pub use sandbox_store::NewMessage;
pub use webhook::{ATTEMPTS, CONTROL_ROUTE, FIRST_RETRY, SIGNATURE_HEADER, TIMEOUT, message_kinds};

/// The sandbox's base path, as in the document's server URL.
pub const BASE_PATH: &str = "/external";

/// Environment variables that replace the seeded secrets of website 1 and 2.
pub const SANDBOX_SECRET_VARS: [&str; 2] =
    ["SIGNALZEN_SANDBOX_SECRET", "SIGNALZEN_SANDBOX_SECRET_2"];

/// Why the sandbox could not start.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The seed data cannot be stored or read.
    #[error("the store failed: {0}")]
    Store(#[from] sandbox_store::StoreError),
    /// The port cannot be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// A secret from the environment is empty or not printable (the website's number).
    #[error("a secret override for website {0} is empty or repeats another website's secret")]
    BadSecret(usize),
    /// A webhook registered for a website the seed does not have.
    #[error("--webhook-url names website {0}, which the sandbox does not have")]
    NoSuchWebsite(usize),
    /// The system has no randomness for signing keys.
    #[error("no random key for signing attachment URLs")]
    Random,
}

/// How to run the sandbox.
#[derive(Debug, Clone)]
pub struct Config {
    /// Loopback by default; the sandbox is not meant to face a network.
    pub ip: IpAddr,
    /// 0: an ephemeral port.
    pub port: u16,
    /// SQLite file; `None` keeps the data in memory.
    pub db: Option<PathBuf>,
    /// What data to generate.
    pub seed: SeedConfig,
    /// Website number (1-based) → secret, replacing the seeded one.
    pub secrets: Vec<(usize, String)>,
    /// Rules broken on purpose.
    pub faults: BTreeSet<Fault>,
    /// Requests per second per secret; `None`: no limit.
    pub rate_limit: Option<u32>,
    /// How long a signed `file_url` stays valid.
    pub signed_url_lifetime: Duration,
    /// Website number (1-based) → the URL its webhook deliveries go to.
    pub webhooks: Vec<(usize, String)>,
    /// Add a message (and deliver its event) this often per registered website.
    pub webhook_every: Option<Duration>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            ip: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            db: None,
            seed: SeedConfig::default(),
            secrets: Vec::new(),
            faults: BTreeSet::new(),
            rate_limit: None,
            signed_url_lifetime: Duration::from_secs(20),
            webhooks: Vec::new(),
            webhook_every: None,
        }
    }
}

impl Config {
    /// Applies `SIGNALZEN_SANDBOX_SECRET` / `_2` from the environment.
    pub fn with_env_secrets(mut self) -> Self {
        for (i, name) in SANDBOX_SECRET_VARS.iter().enumerate() {
            if let Ok(secret) = std::env::var(name) {
                self.secrets.push((i + 1, secret));
            }
        }
        self
    }
}

/// Shared by every request.
pub(crate) struct App {
    /// One connection per worker, each an independent copy of the data.
    stores: Vec<Mutex<Store>>,
    next_store: AtomicUsize,
    websites: Vec<Website>,
    by_secret: HashMap<String, i64>,
    faults: BTreeSet<Fault>,
    rate_limit: Option<u32>,
    /// Website → (second, requests in it).
    windows: Mutex<HashMap<i64, (u64, u32)>>,
    requests: AtomicU64,
    signer: signing::Signer,
    lifetime: Duration,
    /// `http://127.0.0.1:port`, the origin signed links point at.
    origin: String,
    /// Website → its receiver's event queue.
    queues: webhook::Queues,
    /// Held while a message is added to every store copy, so all copies
    /// add messages in the same order and agree on ids.
    adding: Mutex<()>,
}

impl App {
    pub(crate) fn has(&self, fault: Fault) -> bool {
        self.faults.contains(&fault)
    }

    /// Adds a message to every copy of the data; the copy's answer.
    pub(crate) fn add_message(
        &self,
        website: i64,
        user: i64,
        new: &NewMessage,
        at: i64,
    ) -> Result<Option<StoredMessage>, sandbox_store::StoreError> {
        let _adding = self.adding.lock().unwrap_or_else(|p| p.into_inner());
        let mut added = None;
        for store in &self.stores {
            let store = store.lock().unwrap_or_else(|p| p.into_inner());
            added = store.add_message(website, user, new, at)?;
        }
        Ok(added)
    }

    /// Runs `f` on a free connection (round robin; waits only when all are busy).
    pub(crate) fn with_store<T>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, sandbox_store::StoreError>,
    ) -> Result<T, sandbox_store::StoreError> {
        let n = self.stores.len();
        let start = self.next_store.fetch_add(1, Ordering::Relaxed);
        for i in 0..n {
            if let Ok(store) = self.stores[(start + i) % n].try_lock() {
                return f(&store);
            }
        }
        let store = self.stores[start % n]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&store)
    }
}

/// A running sandbox.
pub struct Sandbox {
    addr: SocketAddr,
    websites: Vec<Website>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
    /// Webhook delivery and timer tasks, stopped with the server.
    background: Vec<tokio::task::JoinHandle<()>>,
    app: Arc<App>,
}

impl Sandbox {
    /// Seeds the store, binds and serves in the background.
    pub async fn start(config: Config) -> Result<Sandbox, SandboxError> {
        Self::start_with(config, std::future::pending()).await
    }

    /// As [`Sandbox::start`], also stopping when `signal` completes.
    pub async fn start_with(
        config: Config,
        signal: impl Future<Output = ()> + Send + 'static,
    ) -> Result<Sandbox, SandboxError> {
        let addr = SocketAddr::new(config.ip, config.port);
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| SandboxError::Bind { addr, source })?;
        let addr = listener
            .local_addr()
            .map_err(|source| SandboxError::Bind { addr, source })?;
        let (app, registrations) = build(&config, addr)?;
        let app = Arc::new(app);
        let websites = app.websites.clone();
        let mut background: Vec<_> = registrations
            .into_iter()
            .map(|r| tokio::spawn(webhook::deliver(Arc::downgrade(&app), r)))
            .collect();
        if let Some(every) = config.webhook_every.filter(|_| !config.webhooks.is_empty()) {
            background.push(tokio::spawn(webhook::every(Arc::downgrade(&app), every)));
        }
        let router = api::router(app.clone());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let shutdown = async move {
                tokio::select! {
                    _ = stopped => {}
                    _ = signal => {}
                }
            };
            if let Err(e) = axum::serve(listener, router)
                .with_graceful_shutdown(shutdown)
                .await
            {
                tracing::error!(error = %e, "the sandbox server failed");
            }
        });
        Ok(Sandbox {
            addr,
            websites,
            stop: Some(stop),
            task,
            background,
            app,
        })
    }

    /// The address the sandbox listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The API's base URL, e.g. `http://127.0.0.1:41234/external`.
    pub fn base_url(&self) -> String {
        format!("http://{}{BASE_PATH}", self.addr)
    }

    /// The websites and their secrets.
    pub fn websites(&self) -> &[Website] {
        &self.websites
    }

    /// Adds a message as the control route does (its event goes to the
    /// website's receiver, if one is registered); the message as
    /// `getMessage` shows it, or `None` for an unknown user.
    pub fn add_message(
        &self,
        website: i64,
        user: i64,
        new: &NewMessage,
    ) -> Result<Option<signalzen_models::Message>, SandboxError> {
        Ok(webhook::publish(&self.app, website, user, new)?)
    }

    /// The website's user with the lowest id.
    pub fn first_user(&self, website: i64) -> Result<Option<i64>, SandboxError> {
        let (_, users) = self.app.with_store(|s| s.users_page(website, 1, 0))?;
        Ok(users.first().map(|u| u.id))
    }

    /// Stops accepting, lets requests in flight finish, and waits.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
        self.background.iter().for_each(|t| t.abort());
    }

    /// Waits until the server ends (its shutdown signal fired).
    pub async fn wait(mut self) {
        let _ = (&mut self.task).await;
        self.background.iter().for_each(|t| t.abort());
    }
}

fn build(
    config: &Config,
    addr: SocketAddr,
) -> Result<(App, Vec<webhook::Registration>), SandboxError> {
    let mut store = Store::open(config.db.as_deref())?;
    store.seed(&config.seed)?;
    for (n, secret) in &config.secrets {
        let taken = store
            .websites()?
            .iter()
            .any(|w| w.id != *n as i64 && w.secret == *secret);
        if secret.trim().is_empty() || taken || *n == 0 {
            return Err(SandboxError::BadSecret(*n));
        }
        store.set_secret(*n as i64, secret)?;
    }
    let websites = store.websites()?;
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(1, 8);
    let mut stores = Vec::with_capacity(workers);
    for _ in 1..workers {
        stores.push(Mutex::new(store.copy()?));
    }
    stores.push(Mutex::new(store));
    let mut queues = webhook::Queues::new();
    let mut registrations = Vec::new();
    for (n, url) in &config.webhooks {
        let website = websites
            .iter()
            .find(|w| w.id == *n as i64)
            .ok_or(SandboxError::NoSuchWebsite(*n))?;
        let (tx, events) = tokio::sync::mpsc::unbounded_channel();
        queues.insert(website.id, tx);
        registrations.push(webhook::Registration {
            url: url.clone(),
            secret: website.secret.clone(),
            events,
        });
    }
    let app = App {
        stores,
        next_store: AtomicUsize::new(0),
        by_secret: websites.iter().map(|w| (w.secret.clone(), w.id)).collect(),
        websites,
        faults: config.faults.clone(),
        rate_limit: config.rate_limit,
        windows: Mutex::new(HashMap::new()),
        requests: AtomicU64::new(0),
        signer: signing::Signer::random().map_err(|_| SandboxError::Random)?,
        lifetime: config.signed_url_lifetime,
        origin: format!("http://{addr}"),
        queues,
        adding: Mutex::new(()),
    };
    Ok((app, registrations))
}

/// Completes on SIGINT or SIGTERM (SIGINT only where there is no SIGTERM).
pub async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {}
        _ = terminate => {}
    }
}
