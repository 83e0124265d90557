//! Webhook figures, each against a baseline measured in the same run:
//!
//! 1. Deliveries verified per second by the receiver on loopback (HTTP in,
//!    signature and schema checked, report built), against the plain
//!    HMAC-SHA256 verification of the same bodies, and against the checks
//!    alone without HTTP.
//! 2. The webhook round trip the main command adds (sandbox, receiver, one
//!    message of each kind), against the live suite on the same sandbox.
//!
//! `cargo bench -p contract-live --bench webhooks` (BENCH_DELIVERIES sets
//! how many deliveries; 2,000 by default).

use std::time::{Duration, Instant};

use contract_live::LiveConfig;
use contract_live::webhooks::{self, Listen, Receiver};
use openapi_contract::{Contract, Deliveries, Delivery, Options, RunReport};
use sandbox_server::{Config, Sandbox};

#[path = "../tests/common/mod.rs"]
mod common;

use common::doc;

const SECRET: &str = "bench-secret-0123456789";

fn contract(secrets: Vec<String>, base_url: Option<String>) -> Contract {
    let options = Options {
        valid_secrets: secrets,
        base_url,
        ..Options::default()
    };
    Contract::new(doc(), options).unwrap()
}

/// `n` distinct event bodies (visitor and operator messages), signed.
fn bodies(n: usize) -> Vec<(Vec<u8>, String)> {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, SECRET.as_bytes());
    (0..n)
        .map(|i| {
            let sender = if i % 2 == 0 {
                serde_json::json!({"sender_type": "user", "sender": {"id": 5, "name": "Eva Green", "email": null}})
            } else {
                serde_json::json!({"sender_type": "operator", "sender": {"id": 7, "forename": "Jane", "surname": "Doe", "email": "jane@example.com", "picture_thumb_url": null}})
            };
            let mut data = serde_json::json!({"id": 1000 + i, "body": format!("message {i}"), "read_by_user": null,
                "created_at": "2026-12-01T10:11:12.000Z", "file_url": null, "auto_invitation": false,
                "read_by_operator": false, "type": "Message", "rating": null});
            for (k, v) in sender.as_object().unwrap() {
                data[k] = v.clone();
            }
            let body = serde_json::to_vec(&serde_json::json!({"event_type": "message.created", "data": data})).unwrap();
            let tag = ring::hmac::sign(&key, &body);
            (body, data_encoding::HEXLOWER.encode(tag.as_ref()))
        })
        .collect()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let n: usize = std::env::var("BENCH_DELIVERIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let signed = bodies(n);
    let checker = contract(vec![SECRET.into()], None);
    let (mut hmac, mut checks, mut received) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..5 {
        // Baseline: the plain HMAC verification of the same bodies.
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, SECRET.as_bytes());
        let started = Instant::now();
        for (body, sig) in &signed {
            let tag: Vec<u8> = (0..sig.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&sig[i..i + 2], 16).unwrap())
                .collect();
            assert!(ring::hmac::verify(&key, body, &tag).is_ok());
        }
        hmac.push(n as f64 / started.elapsed().as_secs_f64());

        // The checks alone, no HTTP.
        let started = Instant::now();
        let mut seen = Deliveries::default();
        for (body, sig) in &signed {
            let headers = [
                openapi_contract::har::Header::new("content-type", "application/json"),
                openapi_contract::har::Header::new("x-signalzen-signature", sig.clone()),
            ];
            let d = Delivery {
                method: "POST",
                headers: &headers,
                body,
                answer: None,
            };
            let checked = checker.check_delivery(&mut seen, &d);
            assert!(
                checked
                    .results
                    .iter()
                    .all(|r| r.outcome <= openapi_contract::Outcome::Fail)
            );
        }
        checks.push(n as f64 / started.elapsed().as_secs_f64());

        // The receiver on loopback: 8 senders at once, every delivery checked.
        received.push(rt.block_on(receive(&checker, &signed)));
    }
    let (hmac, checks, received) = (median(hmac), median(checks), median(received));
    println!("{n} deliveries, median of 5:");
    println!("  plain HMAC-SHA256 verify (baseline): {hmac:>10.0} /s");
    println!(
        "  checks alone (signature + schema):    {checks:>10.0} /s  ({:.3}x the baseline)",
        checks / hmac
    );
    println!(
        "  receiver on loopback (HTTP + checks): {received:>10.0} /s  ({:.3}x the baseline)",
        received / hmac
    );

    let (mut live, mut trip) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        let (l, t) = rt.block_on(round_trip_against_live());
        live.push(l);
        trip.push(t);
    }
    let (live, trip) = (median(live), median(trip));
    println!(
        "main command, median of 3: live suite {live:.3} s (baseline), webhook round trip {trip:.3} s ({:.3}x the live suite)",
        trip / live
    );
}

/// Deliveries per second through the receiver.
async fn receive(checker: &Contract, signed: &[(Vec<u8>, String)]) -> f64 {
    let model = checker.model();
    let mut receiver = Receiver::start(model, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let url = format!("http://{}/hook", receiver.addr());
    let http = reqwest::Client::new();
    let started = Instant::now();
    let sending = {
        let signed = signed.to_vec();
        tokio::spawn(async move {
            let chunks: Vec<Vec<(Vec<u8>, String)>> = signed
                .chunks(signed.len().div_ceil(8))
                .map(<[_]>::to_vec)
                .collect();
            let tasks: Vec<_> = chunks
                .into_iter()
                .map(|chunk| {
                    let (http, url) = (http.clone(), url.clone());
                    tokio::spawn(async move {
                        for (body, sig) in chunk {
                            http.post(&url)
                                .header("content-type", "application/json")
                                .header("x-signalzen-signature", sig)
                                .body(body)
                                .send()
                                .await
                                .unwrap();
                        }
                    })
                })
                .collect();
            for t in tasks {
                t.await.unwrap();
            }
        })
    };
    let listen = Listen {
        deliveries: Some(signed.len()),
        events: None,
        wait: Duration::from_secs(120),
    };
    let run = webhooks::check(checker, &mut receiver, &listen, None, &|| {})
        .await
        .unwrap();
    let rate = run.report.exchanges.len() as f64 / started.elapsed().as_secs_f64();
    assert_eq!(run.report.exchanges.len(), signed.len());
    sending.await.unwrap();
    receiver.stop().await;
    rate
}

/// Seconds for the live suite and for the webhook round trip, each on a
/// fresh sandbox (start included), as the main command runs them.
async fn round_trip_against_live() -> (f64, f64) {
    let started = Instant::now();
    let sandbox = Sandbox::start(Config::default()).await.unwrap();
    let secrets: Vec<String> = sandbox
        .websites()
        .iter()
        .map(|w| w.secret.clone())
        .collect();
    let c = contract(secrets.clone(), Some(sandbox.base_url()));
    let live = contract_live::run(&c, &LiveConfig::new(sandbox.base_url(), secrets), &|| {})
        .await
        .unwrap();
    assert_eq!(
        RunReport {
            files: vec![live.report]
        }
        .verdict(),
        openapi_contract::Verdict::Pass
    );
    sandbox.stop().await;
    let live = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let run = common::round_trip(&[]).await;
    assert_eq!(
        RunReport {
            files: vec![run.report]
        }
        .verdict(),
        openapi_contract::Verdict::Pass
    );
    (live, started.elapsed().as_secs_f64())
}
