//! The webhook round trip on the embedded sandbox: a loopback receiver,
//! the sandbox delivering to it (the URL check, then one event per message
//! of each kind), every delivery checked against the document. `cargo
//! xtask contract webhooks`, the contract-live tests and the webhook
//! benchmark all run this one, so they cannot drift apart.
//!
//! It joins the sandbox (SignalZen's reference server) to the machinery,
//! which must not know it: that is why it is a crate of its own.

use std::time::Duration;

use contract_live::webhooks::{self, Listen, Receiver, WebhookRun};
use contract_live::{LiveConfig, LiveError};
use openapi_contract::{Contract, ContractError, Options};
use sandbox_server::{Config, Sandbox, SandboxError};

/// Why a round trip could not run (not what it found: that is the run's
/// report).
#[derive(Debug, thiserror::Error)]
pub enum RoundTripError {
    /// The sandbox did not start or could not add a message.
    #[error("the sandbox: {0}")]
    Sandbox(#[from] SandboxError),
    /// The receiver or the API client could not be set up.
    #[error(transparent)]
    Live(#[from] LiveError),
    /// No contract can be built from the document.
    #[error(transparent)]
    Contract(#[from] ContractError),
    /// The sandbox's first website has no user to write to.
    #[error("the sandbox has no user to write to")]
    NoUser,
}

/// What a round trip may be given beyond the document.
pub struct RoundTrip {
    /// The sandbox's settings (faults, seed); its webhook registrations
    /// are replaced by the receiver's.
    pub sandbox: Config,
    /// The contract's settings; the sandbox's base URL and its websites'
    /// secrets are filled in.
    pub options: Options,
    /// Stop after this many deliveries (the URL check included).
    pub deliveries: Option<usize>,
    /// Stop at the latest after this long.
    pub wait: Duration,
}

impl Default for RoundTrip {
    fn default() -> Self {
        RoundTrip {
            sandbox: Config::default(),
            options: Options::default(),
            deliveries: None,
            wait: Duration::from_secs(10),
        }
    }
}

/// How long after the last expected event a repeat would have shown.
const REPEAT_WINDOW: Duration = Duration::from_millis(300);

/// Runs the round trip: receiver, sandbox, one message of each kind, the
/// deliveries checked; both stopped before it returns.
pub async fn webhook_round_trip(
    doc: openapi_spec::Document,
    setup: RoundTrip,
) -> Result<WebhookRun, RoundTripError> {
    let model = openapi_model::Model::build(&doc, None).map_err(ContractError::from)?;
    let listen = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    let mut receiver = Receiver::start(&model, listen).await?;
    let mut config = setup.sandbox;
    config.webhooks = vec![(1, format!("http://{}/webhooks", receiver.addr()))];
    let sandbox = Sandbox::start(config).await?;
    let run = deliver_and_check(
        &sandbox,
        &mut receiver,
        doc,
        setup.options,
        setup.deliveries,
        setup.wait,
    )
    .await;
    sandbox.stop().await;
    receiver.stop().await;
    run
}

async fn deliver_and_check(
    sandbox: &Sandbox,
    receiver: &mut Receiver,
    doc: openapi_spec::Document,
    mut options: Options,
    deliveries: Option<usize>,
    wait: Duration,
) -> Result<WebhookRun, RoundTripError> {
    let secrets: Vec<String> = sandbox
        .websites()
        .iter()
        .take(2)
        .map(|w| w.secret.clone())
        .collect();
    options.base_url = Some(sandbox.base_url());
    options.valid_secrets = secrets.clone();
    let contract = Contract::new(doc, options)?;
    let user = sandbox.first_user(1)?.ok_or(RoundTripError::NoUser)?;
    let kinds = sandbox_server::message_kinds();
    for new in &kinds {
        sandbox.add_message(1, user, new)?;
    }
    let listen = Listen {
        deliveries,
        events: Some((kinds.len(), REPEAT_WINDOW)),
        wait,
    };
    let api = LiveConfig::new(sandbox.base_url(), secrets);
    Ok(webhooks::check(&contract, receiver, &listen, Some(&api), &|| {}).await?)
}
