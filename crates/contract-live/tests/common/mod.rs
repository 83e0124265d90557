//! The webhook round trip the tests and the benchmark share: the one in
//! `sandbox_harness` (the command line runs it too), on the v1 document.

use std::path::PathBuf;

use contract_live::webhooks::WebhookRun;
use sandbox_server::{Config, Fault};

/// The v1 document.
pub fn doc() -> openapi_spec::Document {
    let spec = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../openapi/signalzen-v1.yaml");
    openapi_spec::load(&spec, &openapi_spec::LoadOptions::default()).unwrap()
}

/// Receiver, sandbox delivering to it, one message of each kind, checked.
pub async fn round_trip(faults: &[Fault]) -> WebhookRun {
    round_trip_on(doc(), faults).await
}

/// [`round_trip`] against `doc`.
pub async fn round_trip_on(doc: openapi_spec::Document, faults: &[Fault]) -> WebhookRun {
    let setup = sandbox_harness::RoundTrip {
        sandbox: Config {
            faults: faults.iter().copied().collect(),
            ..Config::default()
        },
        ..sandbox_harness::RoundTrip::default()
    };
    sandbox_harness::webhook_round_trip(doc, setup)
        .await
        .unwrap()
}
