//! The whole live suite against the embedded sandbox seeded with 1,000
//! users per website: wall time of three runs and their median.
//!
//! `cargo bench -p contract-live --bench suite` (BENCH_USERS changes the seed).

use std::time::Instant;

use openapi_contract::{Contract, Options, RunReport};
use sandbox_server::{Config, Sandbox};

fn main() {
    let users: usize = std::env::var("BENCH_USERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut config = Config::default();
    config.seed.users_per_website = users;
    let spec =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/signalzen-v1.yaml");
    let mut times = Vec::new();
    for run in 1..=3 {
        let started = Instant::now();
        let (exchanges, verdict) = rt.block_on(async {
            let sandbox = Sandbox::start(config.clone()).await.unwrap();
            let secrets: Vec<String> = sandbox
                .websites()
                .iter()
                .map(|w| w.secret.clone())
                .collect();
            let doc = openapi_spec::load(&spec, &openapi_spec::LoadOptions::default()).unwrap();
            let contract = Contract::new(
                doc,
                Options {
                    base_url: Some(sandbox.base_url()),
                    valid_secrets: secrets.clone(),
                    ..Options::default()
                },
            )
            .unwrap();
            let cfg = contract_live::LiveConfig::new(sandbox.base_url(), secrets);
            let live = contract_live::run(&contract, &cfg, &|| {}).await.unwrap();
            sandbox.stop().await;
            let n = live.report.exchanges.len();
            (
                n,
                RunReport {
                    files: vec![live.report],
                }
                .verdict(),
            )
        });
        let secs = started.elapsed().as_secs_f64();
        println!(
            "run {run}: {secs:.2} s wall, {exchanges} exchanges, verdict {verdict:?} (seed {users} users per website, sandbox start included)"
        );
        assert_eq!(
            verdict,
            openapi_contract::Verdict::Pass,
            "the live suite failed against the clean sandbox"
        );
        times.push(secs);
    }
    times.sort_by(f64::total_cmp);
    println!("median of 3: {:.2} s wall", times[1]);
}
