//! The webhook side of the live run: a receiver that answers the URL check
//! as the document says (`x-webhook-challenge`) and accepts everything
//! else, and the run that checks each delivery it got
//! ([`Contract::check_delivery`]) and, with the API reachable, fetches the
//! resource a delivery carries (`x-webhook-resource`) to compare.
//!
//! The receiver accepts every delivery with 200, even a badly signed one:
//! it is a checker, not a gatekeeper, and refusing would only make the
//! provider retry.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::{IntoResponse, Response};
use openapi_contract::coverage::Tally;
use openapi_contract::run as recorded;
use openapi_contract::{Check, Contract, Deliveries, Delivery, ExchangeReport, FileReport};
use openapi_model::Model;
use serde_json::{Map, Value};
use tokio::sync::mpsc;

use crate::client::{Auth, Client, Req};
use crate::{LiveConfig, LiveError, finding, result};

/// One delivery as the receiver got it, and what it answered.
#[derive(Debug, Clone)]
pub struct Received {
    /// The request's method.
    pub method: String,
    /// Path and query the provider posted to.
    pub target: String,
    /// The request's headers, in order.
    pub headers: Vec<har::Header>,
    /// The body, exactly as received.
    pub body: Bytes,
    /// The receiver's answer status.
    pub status: u16,
    /// The receiver's answer body (the challenge text, or empty).
    pub answer: Vec<u8>,
    /// When it arrived (RFC 3339).
    pub at: String,
}

/// A running receiver on a local address.
pub struct Receiver {
    addr: SocketAddr,
    received: mpsc::UnboundedReceiver<Received>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

#[derive(Clone)]
struct Shared {
    sink: mpsc::UnboundedSender<Received>,
    /// The request-body fields a URL check's answer echoes.
    echoes: Vec<String>,
}

impl Receiver {
    /// Binds `listen` and answers deliveries in the background, the URL
    /// check as the model's `x-webhook-challenge` says.
    pub async fn start(model: &Model, listen: SocketAddr) -> Result<Receiver, LiveError> {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|source| LiveError::Listen {
                addr: listen,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| LiveError::Listen {
            addr: listen,
            source,
        })?;
        let echoes = model
            .webhooks
            .iter()
            .filter_map(|op| op.extensions.as_ref()?.challenge.as_ref())
            .map(|c| c.echo.clone())
            .collect();
        let (sink, received) = mpsc::unbounded_channel();
        let app = Router::new()
            .fallback(receive)
            .with_state(Shared { sink, echoes });
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(Receiver {
            addr,
            received,
            stop: Some(stop),
            task,
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops listening.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
    }
}

async fn receive(
    State(shared): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let answer = challenge_answer(&shared.echoes, &body);
    let headers = headers
        .iter()
        .map(|(k, v)| har::Header::new(k.as_str(), String::from_utf8_lossy(v.as_bytes())))
        .collect();
    let _ = shared.sink.send(Received {
        method: method.to_string(),
        target: uri
            .path_and_query()
            .map_or_else(|| uri.path().to_string(), |p| p.to_string()),
        headers,
        body,
        status: 200,
        answer: answer.clone().into_bytes(),
        at: chrono::Utc::now().to_rfc3339(),
    });
    answer.into_response()
}

/// The URL check's answer: the echoed field's text; empty for anything else.
fn challenge_answer(echoes: &[String], body: &[u8]) -> String {
    let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
        return String::new();
    };
    echoes
        .iter()
        .find_map(|e| map.get(e).and_then(Value::as_str))
        .unwrap_or_default()
        .to_string()
}

/// When a webhook run stops listening.
#[derive(Debug, Clone)]
pub struct Listen {
    /// Stop after this many deliveries (the URL check included).
    pub deliveries: Option<usize>,
    /// Stop this long after this many events (the URL check excluded)
    /// arrived: the time a repeat would take to show.
    pub events: Option<(usize, Duration)>,
    /// Stop at the latest after this long.
    pub wait: Duration,
}

/// What a webhook run saw.
pub struct WebhookRun {
    /// What the run found, in the recorded mode's report shape.
    pub report: FileReport,
    /// Every delivery, as HAR entries marked `_webhook` (for `--record`).
    pub har: har::Har,
    /// Each delivery's normalized form, aligned with `report.exchanges`.
    pub snapshots: Vec<Value>,
    /// Whether the run stopped because its time ran out.
    pub timed_out: bool,
}

/// Checks what the receiver gets until `listen` says stop; `api` (the API
/// and its secrets) enables `webhook.consistency`.
pub async fn check(
    contract: &Contract,
    receiver: &mut Receiver,
    listen: &Listen,
    api: Option<&LiveConfig>,
    progress: &(dyn Fn() + Sync),
) -> Result<WebhookRun, LiveError> {
    let client = api.map(|c| crate::client_for(contract, c)).transpose()?;
    let mut secrets = har::SecretSet::new();
    for s in &contract.options().valid_secrets {
        secrets.insert(s);
    }
    let mut state = Deliveries::default();
    let mut run = WebhookRun {
        report: FileReport {
            path: format!("webhooks http://{}", receiver.addr),
            spec: contract.document().path.display().to_string(),
            error: None,
            exchanges: Vec::new(),
            tally: Default::default(),
        },
        har: har::Har::new("contract-live", env!("CARGO_PKG_VERSION")),
        snapshots: Vec::new(),
        timed_out: false,
    };
    let started = tokio::time::Instant::now();
    let mut deadline = started + listen.wait;
    let mut events = 0usize;
    loop {
        if listen
            .deliveries
            .is_some_and(|n| run.report.exchanges.len() >= n)
        {
            break;
        }
        let next = tokio::time::timeout_at(deadline, receiver.received.recv()).await;
        let Ok(Some(got)) = next else {
            run.timed_out = next.is_err() && deadline == started + listen.wait;
            break;
        };
        progress();
        let index = run.report.exchanges.len();
        let (report, snapshot, is_event) =
            check_one(contract, &mut state, &got, index, client.as_ref(), &secrets).await;
        events += usize::from(is_event);
        if let Some((n, grace)) = listen.events
            && is_event
            && events == n
        {
            deadline = deadline.min(tokio::time::Instant::now() + grace);
        }
        run.report.exchanges.push(report);
        run.snapshots.push(snapshot);
        run.har.log.entries.push(entry(&got));
    }
    if let Some((n, _)) = listen.events
        && events < n
    {
        let message = format!(
            "{n} events were expected (one per resource created), {events} arrived within {} s",
            listen.wait.as_secs_f64()
        );
        run.report.exchanges.push(ExchangeReport {
            index: run.report.exchanges.len(),
            line: 0,
            method: "POST".into(),
            target: "(missing deliveries)".into(),
            operation: None,
            status: None,
            note: None,
            checks: vec![result(Check::WebhookConsistency, vec![finding(message)])],
            points: Vec::new(),
        });
    }
    run.report.tally = tally(contract, &mut run.report.exchanges, client.is_some());
    Ok(run)
}

/// What the deliveries covered, and what the run could not judge.
fn tally(contract: &Contract, exchanges: &mut [ExchangeReport], with_api: bool) -> Tally {
    let mut tally = Tally::counted(contract, exchanges, "webhooks");
    if contract.options().valid_secrets.is_empty() {
        tally.not_judged(
            Check::WebhookSignature,
            "no signing secret: signatures were checked for form only",
        );
    }
    if !with_api {
        tally.not_judged(
            Check::WebhookConsistency,
            "no API base URL: carried resources were not compared with the API",
        );
    }
    tally
}

/// Checks one delivery; its report, normalized form, and whether it was an
/// event (not the URL check).
async fn check_one(
    contract: &Contract,
    state: &mut Deliveries,
    got: &Received,
    index: usize,
    client: Option<&Client>,
    secrets: &har::SecretSet,
) -> (ExchangeReport, Value, bool) {
    let delivery = Delivery {
        method: &got.method,
        headers: &got.headers,
        body: &got.body,
        answer: Some((got.status, &got.answer)),
    };
    let checked = contract.check_delivery(state, &delivery);
    let is_event = !checked.url_check;
    let mut report = ExchangeReport {
        index,
        line: 0,
        method: got.method.clone(),
        target: got.target.clone(),
        operation: checked.webhook.clone(),
        status: Some(got.status),
        note: checked.note.clone(),
        checks: checked.results,
        points: checked.points,
    };
    if let (Some(client), Some(resource)) = (client, &checked.resource) {
        let findings = consistency(contract, client, resource).await;
        report
            .checks
            .push(result(Check::WebhookConsistency, findings));
    }
    recorded::scrub(&mut report, secrets);
    let snapshot = serde_json::json!({
        "webhook": report.operation,
        "checks": report.checks.iter().map(|c| (c.check.name().to_string(), Value::from(c.outcome.name()))).collect::<Map<String, Value>>(),
        "body": checked.body.map(|mut b| {
            openapi_contract::normalize::redact(&mut b, contract.redactions());
            b
        }),
    });
    (report, snapshot, is_event)
}

/// `webhook.consistency`: the API's answer for the carried resource.
async fn consistency(
    contract: &Contract,
    client: &Client,
    resource: &openapi_contract::CarriedResource,
) -> Vec<openapi_contract::Finding> {
    let Some(op) = contract.model().operation(&resource.operation) else {
        let message = format!(
            "x-webhook-resource names {}, which is no operation",
            resource.operation
        );
        return vec![finding(message)];
    };
    let path = resource
        .arguments
        .iter()
        .fold(op.template.clone(), |p, (name, value)| {
            p.replace(&format!("{{{name}}}"), &percent(value))
        });
    let attempts = client.send(&Req::get(path.clone(), Auth::Secret(0))).await;
    let sent = match attempts.last {
        Ok(s) => s,
        Err(f) => return vec![finding(format!("GET {path} got no answer: {}", f.reason))],
    };
    if !(200..300).contains(&sent.status) {
        return vec![finding(format!(
            "the delivery carries a resource the API answers {} for (GET {path})",
            sent.status
        ))];
    }
    let body = sent
        .entry
        .response
        .as_ref()
        .and_then(|r| r.content.decoded(usize::MAX).ok().flatten())
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok());
    let Some(answer) = body else {
        return vec![finding(format!("GET {path} did not answer JSON"))];
    };
    let mut findings = contract.compare_resource(&resource.data, &answer);
    for f in &mut findings {
        f.pointer = format!("{}{}", resource.pointer, f.pointer);
    }
    findings
}

fn percent(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// A delivery as a HAR entry marked `_webhook`, for `contract recorded`.
fn entry(got: &Received) -> har::Entry {
    let text = String::from_utf8_lossy(&got.body).into_owned();
    let mime = har::header(&got.headers, "content-type")
        .unwrap_or("")
        .to_string();
    let mut custom = Map::new();
    custom.insert(recorded::WEBHOOK_FIELD.into(), Value::Bool(true));
    har::Entry {
        started_date_time: got.at.clone(),
        request: har::Request {
            method: got.method.clone(),
            url: format!("http://receiver.invalid{}", got.target),
            http_version: "HTTP/1.1".into(),
            headers: got.headers.clone(),
            post_data: Some(serde_json::json!({"mimeType": mime, "text": text})),
            body_size: got.body.len() as i64,
            headers_size: -1,
            ..har::Request::default()
        },
        response: Some(har::Response {
            status: i64::from(got.status),
            status_text: "OK".into(),
            http_version: "HTTP/1.1".into(),
            content: har::Content {
                size: got.answer.len() as i64,
                mime_type: "text/plain".into(),
                text: Some(String::from_utf8_lossy(&got.answer).into_owned()),
                ..har::Content::default()
            },
            headers_size: -1,
            body_size: got.answer.len() as i64,
            ..har::Response::default()
        }),
        custom,
        ..har::Entry::default()
    }
}
