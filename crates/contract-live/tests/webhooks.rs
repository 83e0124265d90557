//! Webhooks end to end against the embedded sandbox: it delivers to the
//! receiver, the run checks every delivery. Clean, it passes (20 times in a
//! row); every webhook fault fails it with the check that owns the rule.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use contract_live::webhooks::{self, Listen, Receiver, WebhookRun};
use openapi_contract::{Check, Contract, Options, Outcome, RunReport};
use sandbox_server::Fault;

/// The sandbox's seeded secret of website 1 (public test data).
const SITE_1_SECRET: &str = "sz_sandbox_site1_69e3b498225cc227";

mod common;

use common::{doc, round_trip};

fn outcomes(run: &WebhookRun, outcome: Outcome) -> BTreeSet<Check> {
    run.report
        .exchanges
        .iter()
        .flat_map(|e| e.checks.iter())
        .filter(|c| c.outcome == outcome)
        .map(|c| c.check)
        .collect()
}

fn text(run: &WebhookRun) -> String {
    let report = openapi_contract::RunReport {
        files: vec![run.report.clone()],
    };
    contract_report::text(
        &report,
        contract_report::TextOptions {
            color: false,
            verbose: true,
        },
    )
}

/// The check that must catch each webhook fault.
fn owner(fault: Fault) -> (Check, Outcome) {
    match fault {
        Fault::WebhookBadSignature | Fault::WebhookReserialized | Fault::WebhookUnsigned => {
            (Check::WebhookSignature, Outcome::Fail)
        }
        Fault::WebhookNoChallenge => (Check::WebhookChallenge, Outcome::Fail),
        Fault::WebhookSenderSwapped => (Check::WebhookSchema, Outcome::Fail),
        Fault::WebhookDuplicate => (Check::WebhookDuplicate, Outcome::Warn),
        Fault::WebhookInconsistent => (Check::WebhookConsistency, Outcome::Fail),
        other => panic!("{other} is not a webhook fault"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_webhook_fault_is_caught_by_its_check() {
    let mut caught = BTreeSet::new();
    for fault in Fault::ALL.into_iter().filter(|f| f.is_webhook()) {
        let run = round_trip(&[fault]).await;
        let (check, outcome) = owner(fault);
        let got = outcomes(&run, outcome);
        assert!(
            got.contains(&check),
            "{fault}: {check} did not {outcome:?}\n{}",
            text(&run)
        );
        caught.insert(check);
        if outcome == Outcome::Fail {
            assert_eq!(
                openapi_contract::RunReport {
                    files: vec![run.report.clone()]
                }
                .verdict(),
                openapi_contract::Verdict::Violation
            );
        }
    }
    // Every webhook check is owned by some fault, except content-type and
    // method, which the sandbox never breaks (tests/checks.rs fails them).
    for check in Check::ALL.into_iter().filter(|c| c.is_webhook()) {
        if !matches!(check, Check::WebhookMethod | Check::WebhookContentType) {
            assert!(caught.contains(&check), "no fault makes {check} fail");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_clean_sandbox_passes_twenty_round_trips() {
    for i in 0..20 {
        let run = round_trip(&[]).await;
        let report = openapi_contract::RunReport {
            files: vec![run.report.clone()],
        };
        assert_eq!(
            report.verdict(),
            openapi_contract::Verdict::Pass,
            "run {i}:\n{}",
            text(&run)
        );
        assert!(!run.timed_out, "run {i} waited for its deadline");
        // The URL check, then one event per message, each checked in full.
        let ids: Vec<_> = run
            .report
            .exchanges
            .iter()
            .map(|e| e.operation.clone().unwrap())
            .collect();
        assert_eq!(ids[0], "webhookChallenge", "run {i}");
        assert_eq!(ids.len(), 5, "run {i}: {ids:?}");
        let passed = outcomes(&run, Outcome::Pass);
        for check in [
            Check::WebhookMethod,
            Check::WebhookContentType,
            Check::WebhookSignature,
            Check::WebhookChallenge,
            Check::WebhookSchema,
            Check::WebhookDuplicate,
            Check::WebhookConsistency,
        ] {
            assert!(passed.contains(&check), "run {i}: {check} never ran");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deliveries_snapshot() {
    let run = round_trip(&[]).await;
    // What changes per run: the time, the new ids (in links too), the challenge text.
    let mut snapshots = run.snapshots.clone();
    for s in &mut snapshots {
        for ptr in [
            "/body/data/created_at",
            "/body/data/id",
            "/body/challenge",
            "/body/data/file_url",
        ] {
            if let Some(v) = s.pointer_mut(ptr).filter(|v| !v.is_null()) {
                *v = serde_json::Value::from(format!("[{}]", ptr.rsplit('/').next().unwrap()));
            }
        }
    }
    insta::assert_json_snapshot!("deliveries", snapshots);
    // What --record writes: every entry marked as a delivery, no secret.
    let text = serde_json::to_string(&run.har).unwrap();
    assert_eq!(run.har.log.entries.len(), 5);
    for (entry, snapshot) in run.har.log.entries.iter().zip(&run.snapshots) {
        assert!(chrono::DateTime::parse_from_rfc3339(&entry.started_date_time).is_ok());
        let request = &entry.request;
        assert_eq!(
            (
                request.method.as_str(),
                request.url.as_str(),
                request.http_version.as_str()
            ),
            ("POST", "http://receiver.invalid/webhooks", "HTTP/1.1")
        );
        assert!(
            request
                .headers
                .iter()
                .any(|h| h.name == "x-signalzen-signature")
        );
        let text = request.post_data.as_ref().unwrap()["text"]
            .as_str()
            .unwrap();
        assert_eq!(request.body_size, text.len() as i64);
        assert_eq!(request.headers_size, -1);
        let response = entry.response.as_ref().unwrap();
        assert_eq!(
            (
                response.status,
                response.status_text.as_str(),
                response.http_version.as_str()
            ),
            (200, "OK", "HTTP/1.1")
        );
        let answered = response.content.text.as_deref().unwrap_or("").len() as i64;
        assert_eq!(
            (response.body_size, response.content.size),
            (answered, answered)
        );
        assert_eq!(
            (response.headers_size, response.content.mime_type.as_str()),
            (-1, "text/plain")
        );
        // The URL check's answer is its text; an event's is empty.
        let answer = response.content.text.as_deref().unwrap();
        let sent: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(answer, sent["challenge"].as_str().unwrap_or(""));
        assert!(snapshot["webhook"].is_string());
    }
    // What was recorded checks the same in recorded mode (signatures verified).
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("webhooks.har");
    run.har.write(&file, &Default::default()).unwrap();
    let doc_path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../openapi/signalzen-v1.yaml");
    let options = Options {
        valid_secrets: vec![SITE_1_SECRET.into()],
        ..Options::default()
    };
    let mut runner = openapi_contract::run::Runner::new(doc_path, true, options);
    let report = runner.run_file(&file, "webhooks.har", &|_| {});
    assert_eq!(report.exchanges.len(), 5);
    for e in &report.exchanges {
        assert_eq!(e.outcome(), Outcome::Pass, "{e:?}");
        assert!(
            e.checks
                .iter()
                .any(|c| c.check == Check::WebhookSignature && c.outcome == Outcome::Pass)
        );
        assert!(e.note.is_none(), "verified, so no note: {e:?}");
    }
    assert!(
        run.har
            .log
            .entries
            .iter()
            .all(|e| e.custom.get("_webhook") == Some(&serde_json::Value::Bool(true)))
    );
    assert!(!text.contains("sz_sandbox_"), "a secret was recorded");
}

fn event(id: i64) -> String {
    format!(
        r##"{{"event_type":"message.created","data":{{"id":{id},"body":"Hi","read_by_user":null,"created_at":"2021-03-04T10:11:12.000Z","file_url":null,"auto_invitation":false,"sender_type":"user","read_by_operator":false,"sender":{{"id":5,"name":"#5","email":null}},"type":"Message","rating":null}}}}"##
    )
}

/// Posts `bodies` to the receiver, waiting `gap` before each.
fn post_later(url: String, bodies: Vec<(Duration, String)>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let http = reqwest::Client::new();
        for (gap, body) in bodies {
            tokio::time::sleep(gap).await;
            let _ = http
                .post(&url)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await;
        }
    })
}

/// The listener's own limits: a count of deliveries, a grace after the
/// expected events (long enough for a late repeat, short of the deadline),
/// the deadline itself (its own limit: `timed_out`, and the events that
/// never came), and a receiver that stops listening.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_listener_stops_when_told_and_says_what_never_came() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let contract = Contract::new(doc(), Options::default()).unwrap();
    let listen = |deliveries, events, wait| Listen {
        deliveries,
        events,
        wait,
    };
    let ms = Duration::from_millis;
    let challenge = r#"{"challenge":"x"}"#.to_string();

    // Two deliveries asked for: the third is not waited for.
    let mut receiver = Receiver::start(contract.model(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let url = format!("http://{}/hook", receiver.addr());
    let sending = post_later(
        url,
        vec![
            (ms(0), challenge.clone()),
            (ms(0), event(1)),
            (ms(0), event(2)),
        ],
    );
    let run = webhooks::check(
        &contract,
        &mut receiver,
        &listen(Some(2), None, ms(5000)),
        None,
        &|| {},
    )
    .await
    .unwrap();
    assert_eq!(run.report.exchanges.len(), 2);
    assert!(!run.timed_out);
    sending.await.unwrap();
    receiver.stop().await;

    // Three events 400 ms apart, and a repeat of the last 100 ms after it:
    // the grace runs from the third event, not the first, and catches it.
    let mut receiver = Receiver::start(contract.model(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let addr = receiver.addr();
    let url = format!("http://{addr}/hook");
    let sending = post_later(
        url.clone(),
        vec![
            (ms(0), challenge.clone()),
            (ms(0), event(1)),
            (ms(400), event(2)),
            (ms(400), event(3)),
            (ms(100), event(3)),
        ],
    );
    let run = webhooks::check(
        &contract,
        &mut receiver,
        &listen(None, Some((3, ms(300))), ms(10_000)),
        None,
        &|| {},
    )
    .await
    .unwrap();
    sending.await.unwrap();
    assert_eq!(run.report.exchanges.len(), 5, "{}", text(&run));
    assert!(!run.timed_out);
    assert!(
        run.report.exchanges[4]
            .checks
            .iter()
            .any(|c| c.check == Check::WebhookDuplicate && c.outcome == Outcome::Warn)
    );
    // Stopped, it no longer listens.
    receiver.stop().await;
    let refused = reqwest::Client::new()
        .post(&url)
        .body(event(4))
        .send()
        .await;
    assert!(refused.is_err(), "the receiver still answers after stop");

    // Two events expected, one comes: the deadline ends the run, and the
    // missing one is reported.
    let mut receiver = Receiver::start(contract.model(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let url = format!("http://{}/hook", receiver.addr());
    let sending = post_later(url, vec![(ms(0), challenge), (ms(0), event(1))]);
    let run = webhooks::check(
        &contract,
        &mut receiver,
        &listen(None, Some((2, ms(100))), ms(600)),
        None,
        &|| {},
    )
    .await
    .unwrap();
    sending.await.unwrap();
    receiver.stop().await;
    assert!(run.timed_out);
    let last = run.report.exchanges.last().unwrap();
    assert_eq!(run.report.exchanges.len(), 3, "{}", text(&run));
    assert_eq!(last.target, "(missing deliveries)");
    assert!(last.failed(Check::WebhookConsistency));
}

/// A live run against a sandbox with `config`, tuned; its coverage tally.
async fn live_tally(
    config: sandbox_server::Config,
    tune: impl FnOnce(&mut contract_live::LiveConfig),
) -> openapi_contract::coverage::Tally {
    let sandbox = sandbox_server::Sandbox::start(config).await.unwrap();
    let secrets: Vec<String> = sandbox
        .websites()
        .iter()
        .map(|w| w.secret.clone())
        .collect();
    let options = Options {
        base_url: Some(sandbox.base_url()),
        valid_secrets: secrets.clone(),
        ..Options::default()
    };
    let contract = Contract::new(doc(), options).unwrap();
    let mut cfg = contract_live::LiveConfig::new(sandbox.base_url(), secrets);
    tune(&mut cfg);
    let run = contract_live::run(&contract, &cfg, &|| {}).await.unwrap();
    sandbox.stop().await;
    assert_eq!(
        RunReport {
            files: vec![run.report.clone()]
        }
        .verdict(),
        openapi_contract::Verdict::Pass
    );
    run.report.tally
}

/// The sandbox's data shows every point a correct server can be made to
/// show: a default live run, a sampled one over many users (the sampled
/// walk's pages), a rate-limited one (429) and the webhook round trip cover
/// all but the documented 5xx and the error codes of statuses no
/// operation documents.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandbox_covers_every_point_a_correct_server_can_show() {
    use openapi_contract::coverage::{Coverage, PointKind};
    let mut tally = live_tally(sandbox_server::Config::default(), |_| {}).await;
    let many = sandbox_server::Config {
        seed: sandbox_store::SeedConfig {
            users_per_website: 400,
            ..sandbox_store::SeedConfig::default()
        },
        ..sandbox_server::Config::default()
    };
    tally.absorb(&live_tally(many, |c| c.max_requests = 100).await);
    let limited = sandbox_server::Config {
        rate_limit: Some(20),
        ..sandbox_server::Config::default()
    };
    tally.absorb(&live_tally(limited, |_| {}).await);
    let webhooks = round_trip(&[]).await;
    assert!(!webhooks.report.exchanges.is_empty());
    tally.absorb(&webhooks.report.tally);
    let contract = Contract::new(doc(), Options::default()).unwrap();
    let coverage = Coverage::of(&contract, &tally);
    // 403, 405 (answered outside any operation, so no body schema
    // applies), 410 and the 5xx have codes but no documented answer a
    // correct server gives on request.
    let unreachable_codes = [
        "forbidden",
        "method_not_allowed",
        "gone",
        "internal_server_error",
        "service_unavailable",
    ];
    let missed: Vec<String> = coverage
        .missed()
        .filter(|p| {
            !(p.point.kind == PointKind::Status && p.point.pointer.contains("/responses/5"))
        })
        .filter(|p| {
            !unreachable_codes
                .iter()
                .any(|c| p.point.label == format!("ErrorCode = \"{c}\""))
        })
        .map(|p| format!("{} ({})", p.point.label, p.point.id))
        .collect();
    assert!(
        missed.is_empty(),
        "not covered on the sandbox's data:\n{}",
        missed.join("\n")
    );
    assert!(coverage.total > 100, "{}", coverage.total);
    // A run alone is not the sum: the default live run misses the webhooks.
    let alone = Coverage::of(
        &contract,
        &live_tally(sandbox_server::Config::default(), |_| {}).await,
    );
    assert!(alone.missed().any(|p| p.point.kind == PointKind::Delivery));
    // A complete walk asks one page past the end of each list.
    let past: Vec<_> = alone
        .points
        .iter()
        .filter(|p| p.point.qualifier == "past-the-end")
        .collect();
    assert_eq!(past.len(), 2);
    assert!(past.iter().all(|p| p.covered), "{past:#?}");
}

/// Top-level `webhooks` (3.1) carry the `x-webhook-*` extensions as
/// `x-webhooks` does in 3.0: the v1 document rewritten as 3.1 judges the
/// same deliveries the same way, and still catches a broken signature.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn top_level_webhooks_of_a_3_1_document_judge_the_same_deliveries() {
    let source = serde_json::to_string(&openapi_spec::upgrade::to_3_1(&doc().raw)).unwrap();
    assert!(source.contains("\"webhooks\"") && !source.contains("x-webhooks"));
    let v31 = || {
        let path = std::path::Path::new("signalzen-v1.3.1.json");
        openapi_spec::load_str(&source, path, true, &Default::default()).unwrap()
    };
    let clean = common::round_trip_on(v31(), &[]).await;
    let old = round_trip(&[]).await;
    let judged = |run: &WebhookRun| -> Vec<String> {
        run.report
            .exchanges
            .iter()
            .map(|e| {
                format!(
                    "{:?} {:?}",
                    e.operation,
                    e.checks
                        .iter()
                        .map(|c| (c.check, c.outcome))
                        .collect::<Vec<_>>()
                )
            })
            .collect()
    };
    assert_eq!(judged(&clean), judged(&old), "{}", text(&clean));
    assert!(
        outcomes(&clean, Outcome::Fail).is_empty(),
        "{}",
        text(&clean)
    );
    let (check, outcome) = owner(Fault::WebhookBadSignature);
    let broken = common::round_trip_on(v31(), &[Fault::WebhookBadSignature]).await;
    assert!(
        outcomes(&broken, outcome).contains(&check),
        "{}",
        text(&broken)
    );
}
