//! The webhook round trip the tests and the benchmark share: a loopback
//! receiver, the sandbox delivering to it, one message of each kind, every
//! delivery checked.

use std::path::PathBuf;
use std::time::Duration;

use contract_live::LiveConfig;
use contract_live::webhooks::{self, Listen, Receiver, WebhookRun};
use openapi_contract::{Contract, Options};
use sandbox_server::{Config, Fault, Sandbox};

/// The v1 document.
pub fn doc() -> openapi_spec::Document {
    let spec = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../openapi/signalzen-v1.yaml");
    openapi_spec::load(&spec, &openapi_spec::LoadOptions::default()).unwrap()
}

/// Receiver, sandbox delivering to it, one message of each kind, checked.
pub async fn round_trip(faults: &[Fault]) -> WebhookRun {
    let model = openapi_model::Model::build(&doc(), None).unwrap();
    let mut receiver = Receiver::start(&model, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let config = Config {
        faults: faults.iter().copied().collect(),
        webhooks: vec![(1, format!("http://{}/hook", receiver.addr()))],
        ..Config::default()
    };
    let sandbox = Sandbox::start(config).await.unwrap();
    let secrets: Vec<String> = sandbox
        .websites()
        .iter()
        .map(|w| w.secret.clone())
        .collect();
    let contract = Contract::new(
        doc(),
        Options {
            base_url: Some(sandbox.base_url()),
            valid_secrets: secrets.clone(),
            ..Options::default()
        },
    )
    .unwrap();
    let user = sandbox.first_user(1).unwrap().unwrap();
    let kinds = sandbox_server::message_kinds();
    for new in &kinds {
        sandbox.add_message(1, user, new).unwrap().unwrap();
    }
    let listen = Listen {
        deliveries: None,
        events: Some((kinds.len(), Duration::from_millis(300))),
        wait: Duration::from_secs(10),
    };
    let api = LiveConfig::new(sandbox.base_url(), secrets);
    let run = webhooks::check(&contract, &mut receiver, &listen, Some(&api), &|| {})
        .await
        .unwrap();
    sandbox.stop().await;
    receiver.stop().await;
    run
}
