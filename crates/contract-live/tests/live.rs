//! The live run against the embedded sandbox: clean it passes (20 times in
//! a row), and every fault mode fails it with the check that owns the rule.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use contract_live::{LiveConfig, LiveRun};
use openapi_contract::{Check, Contract, Options, Outcome, RunReport};
use sandbox_server::{Config, Fault, Sandbox};

fn spec() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../openapi/signalzen-v1.yaml")
}

fn contract(base_url: &str, secrets: &[String]) -> Contract {
    let doc = openapi_spec::load(&spec(), &openapi_spec::LoadOptions::default()).unwrap();
    contract_of(doc, base_url, secrets)
}

fn contract_of(doc: openapi_spec::Document, base_url: &str, secrets: &[String]) -> Contract {
    Contract::new(
        doc,
        Options {
            base_url: Some(base_url.to_string()),
            valid_secrets: secrets.to_vec(),
            ..Options::default()
        },
    )
    .unwrap()
}

/// Starts a sandbox with `config`, runs the live suite with `tune`, stops it.
async fn live(config: Config, tune: impl FnOnce(&mut LiveConfig)) -> LiveRun {
    live_on(None, config, tune).await
}

/// [`live`] on `doc` (default: the v1 document).
async fn live_on(
    doc: Option<openapi_spec::Document>,
    config: Config,
    tune: impl FnOnce(&mut LiveConfig),
) -> LiveRun {
    let sandbox = Sandbox::start(config).await.unwrap();
    let secrets: Vec<String> = sandbox
        .websites()
        .iter()
        .map(|w| w.secret.clone())
        .collect();
    let contract = match doc {
        Some(doc) => contract_of(doc, &sandbox.base_url(), &secrets),
        None => contract(&sandbox.base_url(), &secrets),
    };
    let mut cfg = LiveConfig::new(sandbox.base_url(), secrets);
    tune(&mut cfg);
    let run = contract_live::run(&contract, &cfg, &|| {}).await.unwrap();
    sandbox.stop().await;
    run
}

fn report(run: &LiveRun) -> RunReport {
    RunReport {
        files: vec![run.report.clone()],
    }
}

fn failed(run: &LiveRun) -> BTreeSet<Check> {
    run.report
        .exchanges
        .iter()
        .flat_map(|e| e.checks.iter())
        .filter(|c| c.outcome == Outcome::Fail)
        .map(|c| c.check)
        .collect()
}

fn failures(run: &LiveRun) -> String {
    contract_report::text(
        &report(run),
        contract_report::TextOptions {
            color: false,
            verbose: false,
        },
    )
    .lines()
    .filter(|l| !l.contains("PASS"))
    .take(40)
    .collect::<Vec<_>>()
    .join("\n")
}

fn with(faults: &[Fault]) -> Config {
    Config {
        faults: faults.iter().copied().collect(),
        ..Config::default()
    }
}

/// The check that must catch each fault.
fn owner(fault: Fault) -> Check {
    match fault {
        Fault::AuthIgnored => Check::RequestAuth,
        Fault::AcceptIgnored => Check::RequestAccept,
        Fault::BoundsIgnored => Check::RequestParameters,
        Fault::OffsetOffByOne => Check::PaginationWalk,
        Fault::WrongTotal => Check::Pagination,
        Fault::FileUrlMissing => Check::BodyNullable,
        Fault::SenderSwapped => Check::BodyDiscriminator,
        Fault::UnknownSenderType => Check::BodyDiscriminator,
        Fault::NullRequired => Check::BodySchema,
        Fault::WrongContentType => Check::ContentType,
        Fault::RepeatedItem => Check::PaginationWalk,
        Fault::TenantLeak => Check::TenantIsolation,
        Fault::NotFoundAs200 => Check::LiveNotFound,
        Fault::InconsistentItem => Check::ItemConsistency,
        Fault::UnstableOrder => Check::PaginationWalk,
        Fault::ExpiredFileUrl => Check::LiveSignedUrl,
        Fault::Slow => Check::LiveTransport,
        Fault::TruncatedBody => Check::BodyJson,
        Fault::NotJson => Check::BodyJson,
        Fault::NoRetryAfter => Check::LiveRateLimit,
        Fault::RedirectOffsite => Check::LiveTransport,
        Fault::SecretInHeader => Check::ResponseSecret,
        Fault::SecretInBody => Check::ResponseSecret,
        Fault::ServerError => Check::StatusServerError,
        webhook => panic!("{webhook} breaks a delivery, not an answer: tests/webhooks.rs"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_fails_the_run_with_its_check() {
    let mut caught = BTreeSet::new();
    for fault in Fault::ALL.into_iter().filter(|f| !f.is_webhook()) {
        let run = live(with(&[fault]), |c| {
            c.timeout = Duration::from_millis(500);
        })
        .await;
        let failed = failed(&run);
        assert_eq!(
            report(&run).verdict(),
            openapi_contract::Verdict::Violation,
            "{fault}: the run passed\n{}",
            failures(&run)
        );
        assert!(
            failed.contains(&owner(fault)),
            "{fault}: {} did not fail; failed: {failed:?}\n{}",
            owner(fault),
            failures(&run)
        );
        caught.extend(failed);
    }
    // Every live check fails under some fault.
    for check in Check::ALL.into_iter().filter(|c| c.is_live()) {
        assert!(caught.contains(&check), "no fault makes {check} fail");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_clean_sandbox_passes_twenty_runs_in_a_row() {
    let sandbox = Sandbox::start(Config::default()).await.unwrap();
    let secrets: Vec<String> = sandbox
        .websites()
        .iter()
        .map(|w| w.secret.clone())
        .collect();
    let contract = contract(&sandbox.base_url(), &secrets);
    let cfg = LiveConfig::new(sandbox.base_url(), secrets);
    let mut first: Option<Vec<String>> = None;
    for i in 0..20 {
        let run = contract_live::run(&contract, &cfg, &|| {}).await.unwrap();
        assert_eq!(
            report(&run).verdict(),
            openapi_contract::Verdict::Pass,
            "run {i}:\n{}",
            failures(&run)
        );
        // Within the default budget every list is walked in full.
        let sampled = run
            .report
            .exchanges
            .iter()
            .filter(|e| e.note.as_deref().is_some_and(|n| n.starts_with("sampled:")))
            .count();
        assert_eq!(
            sampled, 0,
            "run {i}: a walk that fits the budget was sampled"
        );
        // The same exchanges in the same order every time.
        let labels: Vec<String> = run.report.exchanges.iter().map(|e| e.label()).collect();
        match &first {
            None => first = Some(labels),
            Some(f) => assert_eq!(f, &labels, "run {i} differs from run 0"),
        }
    }
    sandbox.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_run_covers_every_rule_it_is_asked_to() {
    let run = live(Config::default(), |_| {}).await;
    let ran: BTreeSet<Check> = run
        .report
        .exchanges
        .iter()
        .flat_map(|e| e.checks.iter().map(|c| c.check))
        .collect();
    for check in [
        Check::RequestAuth,
        Check::RequestAccept,
        Check::RequestParameters,
        Check::Pagination,
        Check::BodyDiscriminator,
        Check::BodyNullable,
        Check::PaginationWalk,
        Check::ItemConsistency,
        Check::LiveNotFound,
        Check::TenantIsolation,
        Check::LiveSignedUrl,
    ] {
        assert!(ran.contains(&check), "{check} never ran");
    }
    let targets: Vec<String> = run
        .report
        .exchanges
        .iter()
        .map(|e| format!("{} {}", e.target, e.status.unwrap_or(0)))
        .collect();
    for want in [
        "/external/users?limit=0 400",
        "/external/users?limit=100 400",
        "/external/users?limit=-1 400",
        "/external/users?limit=abc 400",
        "/external/users?offset=-1 400",
        "/external/users?limit=1 200",
        "/external/users?limit=99 200",
    ] {
        assert!(
            targets.iter().any(|t| t == want),
            "no {want} in {targets:#?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_are_honoured_through_retry_after() {
    let config = Config {
        rate_limit: Some(30),
        ..Config::default()
    };
    let run = live(config, |c| c.concurrency = 8).await;
    assert_eq!(
        report(&run).verdict(),
        openapi_contract::Verdict::Pass,
        "{}",
        failures(&run)
    );
    let retried = run
        .report
        .exchanges
        .iter()
        .filter(|e| e.status == Some(429))
        .count();
    assert!(retried > 0, "the limit never triggered");
    assert!(
        run.report.exchanges.iter().any(|e| e
            .checks
            .iter()
            .any(|c| c.check == Check::LiveRateLimit && c.outcome == Outcome::Pass)),
        "no retried request was marked as honoured"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_budget_too_small_for_retry_after_fails() {
    let config = Config {
        rate_limit: Some(5),
        ..Config::default()
    };
    let run = live(config, |c| c.retry_budget = Duration::ZERO).await;
    assert!(
        failed(&run).contains(&Check::LiveRateLimit),
        "{}",
        failures(&run)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_to_another_host_is_not_followed() {
    let run = live(with(&[Fault::RedirectOffsite]), |_| {}).await;
    let text = failures(&run);
    assert!(
        text.contains("redirected to another origin (http://localhost:"),
        "{text}"
    );
    // Nothing was sent to the other host: the only answers are the API's own.
    for e in &run.har.log.entries {
        assert!(
            e.request.url.starts_with("http://127.0.0.1:"),
            "{}",
            e.request.url
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_never_reach_reports_recordings_or_snapshots() {
    let run = live(Config::default(), |c| c.snapshots = true).await;
    assert_eq!(run.snapshots.len(), run.report.exchanges.len());
    let secrets: Vec<String> = Sandbox::start(Config::default())
        .await
        .map(|s| s.websites().iter().map(|w| w.secret.clone()).collect())
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("live.har");
    run.har
        .write(&path, &har::SensitiveNames::default())
        .unwrap();
    let written = std::fs::read_to_string(&path).unwrap();
    let rendered = [
        contract_report::text(
            &report(&run),
            contract_report::TextOptions {
                color: false,
                verbose: true,
            },
        ),
        contract_report::json(&report(&run), 0),
        contract_report::junit(&report(&run)).unwrap(),
        serde_json::to_string(&run.snapshots).unwrap(),
        written.clone(),
    ];
    for secret in &secrets {
        for (i, text) in rendered.iter().enumerate() {
            assert!(!text.contains(secret.as_str()), "output {i} holds a secret");
        }
    }
    assert!(written.contains("Bearer [REDACTED]"));
    assert!(written.contains("\"_credentials\": \"valid\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recorded_live_run_passes_in_recorded_mode() {
    let run = live(Config::default(), |_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("live.har");
    run.har
        .write(&path, &har::SensitiveNames::default())
        .unwrap();
    // Secrets are redacted in the file: validity comes from `_credentials`.
    let mut runner = openapi_contract::run::Runner::new(
        spec(),
        true,
        Options {
            base_url: Some("http://127.0.0.1/external".into()),
            ..Options::default()
        },
    );
    let file = runner.run_file(&path, "live.har", &|_| {});
    let rep = RunReport { files: vec![file] };
    let text = contract_report::text(
        &rep,
        contract_report::TextOptions {
            color: false,
            verbose: false,
        },
    );
    assert_eq!(rep.verdict(), openapi_contract::Verdict::Pass, "{text}");
    assert_eq!(rep.files[0].exchanges.len(), run.har.log.entries.len());
}

/// Every run of digits as `N`.
fn without_ids(text: &str) -> String {
    let mut out = String::new();
    let mut in_digits = false;
    for c in text.chars() {
        if !c.is_ascii_digit() {
            out.push(c);
        } else if !in_digits {
            out.push('N');
        }
        in_digits = c.is_ascii_digit();
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn normalized_live_responses_match_their_snapshots() {
    let sandbox = Sandbox::start(Config::default()).await.unwrap();
    let origin = format!("http://{}", sandbox.addr());
    let secrets: Vec<String> = sandbox
        .websites()
        .iter()
        .map(|w| w.secret.clone())
        .collect();
    let contract = contract(&sandbox.base_url(), &secrets);
    let mut cfg = LiveConfig::new(sandbox.base_url(), secrets);
    cfg.snapshots = true;
    let run = contract_live::run(&contract, &cfg, &|| {}).await.unwrap();
    sandbox.stop().await;
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots");
    settings.set_prepend_module_to_snapshot(false);
    let mut seen = std::collections::BTreeMap::new();
    settings.bind(|| {
        // One per distinct request kind: the first page of each walk, each
        // probe, each item (later pages add nothing a snapshot would show).
        for (e, snap) in run.report.exchanges.iter().zip(&run.snapshots) {
            let later_page = e.target.contains("offset=")
                && !e.target.contains("offset=0")
                && e.operation
                    .as_deref()
                    .is_some_and(|o| o.starts_with("list"))
                && e.status == Some(200);
            if later_page {
                continue;
            }
            // The sandbox's port changes per run; signed links name it.
            let text = snap.to_string().replace(&origin, "http://sandbox");
            let snap: serde_json::Value = serde_json::from_str(&text).unwrap();
            // Named for the request, not its position, so a new probe does
            // not rename every snapshot after it; ids in the path and the
            // note become N, so a change of seed data changes contents,
            // not names.
            let (path, query) = e
                .target
                .trim_start_matches("/external")
                .split_once('?')
                .unwrap_or((e.target.trim_start_matches("/external"), ""));
            let label = format!(
                "{} {} {} {}",
                e.method,
                without_ids(path),
                query,
                without_ids(e.note.as_deref().unwrap_or(""))
            );
            let mut name: String = label
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            name = name
                .split('_')
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join("_");
            let n = seen.entry(name.clone()).or_insert(0);
            *n += 1;
            if *n > 1 {
                name = format!("{name}_{n}");
            }
            insta::assert_json_snapshot!(format!("live__{name}"), snap);
        }
    });
}

/// A website too big for the run's budget: the walks are sampled, the
/// clean sandbox passes, and the walk faults are still caught.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_the_budget_walks_are_sampled_and_still_catch_walk_faults() {
    let big = |faults: &[Fault]| {
        let mut c = with(faults);
        c.seed.users_per_website = 400;
        c
    };
    let tune = |c: &mut LiveConfig| c.max_requests = 100;
    let clean = live(big(&[]), tune).await;
    assert_eq!(
        report(&clean).verdict(),
        openapi_contract::Verdict::Pass,
        "{}",
        failures(&clean)
    );
    let sampled = clean
        .report
        .exchanges
        .iter()
        .filter(|e| e.note.as_deref().is_some_and(|n| n.starts_with("sampled:")))
        .count();
    assert!(sampled > 0, "nothing was sampled");
    // Far fewer requests than walking 400 users at limit 7 (58 pages) and 1.
    assert!(
        clean.report.exchanges.len() < 400,
        "{}",
        clean.report.exchanges.len()
    );
    for fault in [
        Fault::OffsetOffByOne,
        Fault::WrongTotal,
        Fault::RepeatedItem,
        Fault::UnstableOrder,
    ] {
        let run = live(big(&[fault]), tune).await;
        let failed = failed(&run);
        assert!(
            failed.contains(&Check::PaginationWalk) || failed.contains(&Check::Pagination),
            "{fault}: not caught when sampled; failed: {failed:?}"
        );
    }
}

/// The budget's boundary and the sampled walk's second page size: with a
/// budget of 100 requests (an allowance of 10 pages per walk), 500 users
/// at the default page size of 50 are exactly 10 pages, walked in full;
/// at page size 7 they are 72 pages, sampled, and the drawn offsets are
/// asked again at half that size (3); a walk at page size 1 has no half
/// size, and no sampled page is asked twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_walk_at_the_allowance_is_full_and_a_sampled_one_asks_half_pages_once() {
    let mut config = Config::default();
    config.seed.users_per_website = 500;
    let sandbox = Sandbox::start(config).await.unwrap();
    // The first user's chat (always a sampled parent) gets more messages
    // than the allowance at page size 1, so that walk is sampled too.
    let user = sandbox.first_user(1).unwrap().unwrap();
    for _ in 0..15 {
        let new = sandbox_server::NewMessage {
            body: Some("again".into()),
            ..Default::default()
        };
        sandbox.add_message(1, user, &new).unwrap().unwrap();
    }
    let secrets: Vec<String> = sandbox
        .websites()
        .iter()
        .map(|w| w.secret.clone())
        .collect();
    let contract = contract(&sandbox.base_url(), &secrets);
    let mut cfg = LiveConfig::new(sandbox.base_url(), secrets);
    cfg.max_requests = 100;
    let run = contract_live::run(&contract, &cfg, &|| {}).await.unwrap();
    sandbox.stop().await;
    assert_eq!(
        report(&run).verdict(),
        openapi_contract::Verdict::Pass,
        "{}",
        failures(&run)
    );
    let sampled: Vec<&str> = run
        .report
        .exchanges
        .iter()
        .filter(|e| e.note.as_deref().is_some_and(|n| n.starts_with("sampled:")))
        .map(|e| e.target.as_str())
        .collect();
    let users: Vec<&str> = sampled
        .iter()
        .copied()
        .filter(|t| t.starts_with("/external/users?"))
        .collect();
    assert!(
        users.iter().all(|t| t.contains("limit=")),
        "the 10-page walk at the default size was sampled: {users:?}"
    );
    assert!(users.iter().any(|t| t.contains("limit=7")), "{users:?}");
    assert!(users.iter().any(|t| t.contains("limit=3")), "{users:?}");
    // Message lists are per user: a target asked twice there is a repeat.
    let mut seen = BTreeSet::new();
    for t in sampled.iter().filter(|t| t.contains("/messages")) {
        assert!(seen.insert(*t), "{t} was asked twice");
    }
    assert!(!seen.is_empty(), "no message list was sampled: {sampled:?}");
    // Child lists, and only they, are also walked at their smallest page size.
    let targets: Vec<&str> = run
        .report
        .exchanges
        .iter()
        .map(|e| e.target.as_str())
        .collect();
    assert!(targets.iter().any(|t| t.contains("/messages?limit=1&")));
    assert!(
        !targets
            .iter()
            .any(|t| t.starts_with("/external/users?limit=1&"))
    );
}

/// An operation the document leaves public (`security: []`) gets no
/// credential probes; its guarded neighbours still do.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_public_operation_gets_no_credential_probes() {
    let text = std::fs::read_to_string(spec()).unwrap().replace(
        "\n      operationId: getUser\n",
        "\n      operationId: getUser\n      security: []\n",
    );
    let sandbox = Sandbox::start(Config::default()).await.unwrap();
    let secrets: Vec<String> = sandbox
        .websites()
        .iter()
        .map(|w| w.secret.clone())
        .collect();
    let doc = openapi_spec::load_str(&text, &spec(), false, &openapi_spec::LoadOptions::default())
        .unwrap();
    let options = Options {
        base_url: Some(sandbox.base_url()),
        valid_secrets: secrets.clone(),
        ..Options::default()
    };
    let contract = Contract::new(doc, options).unwrap();
    let cfg = LiveConfig::new(sandbox.base_url(), secrets);
    let run = contract_live::run(&contract, &cfg, &|| {}).await.unwrap();
    sandbox.stop().await;
    let probed = |id: &str| {
        run.report.exchanges.iter().any(|e| {
            e.operation.as_deref() == Some(id) && e.note.as_deref() == Some("no credentials")
        })
    };
    assert!(!probed("getUser"));
    assert!(probed("listUsers"));
}

/// With the second website's secret, its items and the lists under them
/// are asked for with the first's; with one secret there is nothing to
/// isolate from, and no such probe.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn isolation_probes_need_two_secrets_and_reach_child_lists() {
    let isolation_ops = |run: &LiveRun| -> BTreeSet<String> {
        run.report
            .exchanges
            .iter()
            .filter(|e| e.checks.iter().any(|c| c.check == Check::TenantIsolation))
            .filter_map(|e| e.operation.clone())
            .collect()
    };
    let both = live(Config::default(), |_| {}).await;
    let ops = isolation_ops(&both);
    assert!(
        ops.contains("getUser") && ops.contains("listMessages"),
        "{ops:?}"
    );
    let one = live(Config::default(), |c| c.secrets.truncate(1)).await;
    assert_eq!(
        report(&one).verdict(),
        openapi_contract::Verdict::Pass,
        "{}",
        failures(&one)
    );
    assert!(isolation_ops(&one).is_empty());
}

/// The v1 document rewritten as OpenAPI 3.1 (`openapi_spec::upgrade`),
/// loaded from text like any 3.1 document.
fn rewritten_as_3_1() -> openapi_spec::Document {
    let doc = openapi_spec::load(&spec(), &openapi_spec::LoadOptions::default()).unwrap();
    let text = serde_json::to_string(&openapi_spec::upgrade::to_3_1(&doc.raw)).unwrap();
    let path = std::path::Path::new("signalzen-v1.3.1.json");
    let doc = openapi_spec::load_str(&text, path, true, &Default::default()).unwrap();
    assert_eq!(doc.version, openapi_spec::Version::V3_1);
    doc
}

/// What a run judged, exchange by exchange (without the walk's ids).
fn verdicts(run: &LiveRun) -> Vec<String> {
    run.report
        .exchanges
        .iter()
        .map(|e| {
            let checks: Vec<String> = e
                .checks
                .iter()
                .map(|c| format!("{:?}={:?}", c.check, c.outcome))
                .collect();
            format!(
                "{} {} {:?} {}",
                e.method,
                without_ids(&e.target),
                e.status,
                checks.join(",")
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_3_1_rewrite_of_the_document_gets_the_same_live_verdicts() {
    for faults in [&[][..], &[Fault::SenderSwapped, Fault::BoundsIgnored][..]] {
        let old = live(with(faults), |_| {}).await;
        let new = live_on(Some(rewritten_as_3_1()), with(faults), |_| {}).await;
        assert_eq!(verdicts(&old), verdicts(&new), "faults {faults:?}");
        assert_eq!(failed(&old), failed(&new));
        assert_eq!(
            failed(&new).is_empty(),
            faults.is_empty(),
            "{}",
            failures(&new)
        );
    }
}
