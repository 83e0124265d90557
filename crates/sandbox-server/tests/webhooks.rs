//! The sandbox as a webhook sender: the control route adds a message that
//! `getMessage` then returns and whose event is delivered signed; the URL
//! check comes first; a delivery not answered 200 is retried with backoff
//! a bounded number of times; `webhook_every` creates messages on its own.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use sandbox_server::{ATTEMPTS, Config, SIGNATURE_HEADER, Sandbox};
use serde_json::Value;

/// What a test receiver got: (signature header, body).
type Got = Arc<Mutex<Vec<(Option<String>, Value)>>>;

/// A receiver that answers the URL check, and refuses the first `refuse`
/// event deliveries with 500.
async fn receiver(refuse: usize) -> (String, Got) {
    let got: Got = Arc::default();
    let seen = got.clone();
    let refusals = Arc::new(Mutex::new(refuse));
    let app = axum::Router::new().fallback(move |headers: HeaderMap, body: Bytes| {
        let seen = seen.clone();
        let refusals = refusals.clone();
        async move {
            let value: Value = serde_json::from_slice(&body).unwrap_or_default();
            let signature = headers
                .get(SIGNATURE_HEADER)
                .and_then(|v| v.to_str().ok())
                .map(String::from);
            seen.lock().unwrap().push((signature, value.clone()));
            if let Some(text) = value.get("challenge").and_then(Value::as_str) {
                return (StatusCode::OK, text.to_string());
            }
            let mut left = refusals.lock().unwrap();
            if *left > 0 {
                *left -= 1;
                return (StatusCode::INTERNAL_SERVER_ERROR, String::new());
            }
            (StatusCode::OK, String::new())
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/hook"), got)
}

async fn wait_for(got: &Got, n: usize) -> Vec<(Option<String>, Value)> {
    for _ in 0..200 {
        if got.lock().unwrap().len() >= n {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    got.lock().unwrap().clone()
}

fn hmac_hex(secret: &str, body: &Value) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret.as_bytes());
    let tag = ring::hmac::sign(&key, &serde_json::to_vec(body).unwrap());
    data_encoding::HEXLOWER.encode(tag.as_ref())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_control_route_adds_a_message_whose_signed_event_matches_get_message() {
    let (url, got) = receiver(0).await;
    let sandbox = Sandbox::start(Config {
        webhooks: vec![(1, url)],
        ..Config::default()
    })
    .await
    .unwrap();
    let secret = sandbox.websites()[0].secret.clone();
    let user = sandbox.first_user(1).unwrap().unwrap();
    let http = common::client();
    let control = format!(
        "http://{}/_sandbox/websites/1/users/{user}/messages",
        sandbox.addr()
    );
    let created = http
        .post(&control)
        .body(r#"{"sender_type": "operator", "body": null, "attachment": true}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["sender_type"], "operator");
    assert!(created["body"].is_null());
    let id = created["id"].as_i64().unwrap();
    let fetched: Value = http
        .get(format!("{}/users/{user}/messages/{id}", sandbox.base_url()))
        .bearer_auth(&secret)
        .header("Accept", "application/vnd.signalzen.v1+json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(fetched["id"], id);
    assert_eq!(fetched["sender"], created["sender"]);

    let got = wait_for(&got, 2).await;
    assert!(
        got[0].1.get("challenge").is_some(),
        "the URL check first: {got:?}"
    );
    let (signature, event) = &got[1];
    assert_eq!(event["event_type"], "message.created");
    assert_eq!(event["data"]["id"], id);
    assert_eq!(event["data"]["sender"], fetched["sender"]);
    assert_eq!(
        signature.as_deref(),
        Some(hmac_hex(&secret, event).as_str())
    );
    // Refusals: an unknown user is 404, a bad sender type 400.
    let unknown = format!(
        "http://{}/_sandbox/websites/2/users/{user}/messages",
        sandbox.addr()
    );
    assert_eq!(http.post(&unknown).send().await.unwrap().status(), 404);
    let bad = http
        .post(&control)
        .body(r#"{"sender_type": "bot"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    sandbox.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_delivery_is_retried_a_bounded_number_of_times() {
    // Refused more often than the policy tries: given up after ATTEMPTS;
    // the next event is still delivered.
    let (url, got) = receiver(ATTEMPTS as usize).await;
    let sandbox = Sandbox::start(Config {
        webhooks: vec![(1, url)],
        ..Config::default()
    })
    .await
    .unwrap();
    let user = sandbox.first_user(1).unwrap().unwrap();
    let kinds = sandbox_server::message_kinds();
    let first = sandbox.add_message(1, user, &kinds[0]).unwrap().unwrap();
    let second = sandbox.add_message(1, user, &kinds[2]).unwrap().unwrap();
    let got = wait_for(&got, 2 + ATTEMPTS as usize).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let ids: Vec<i64> = got
        .iter()
        .filter_map(|(_, v)| v["data"]["id"].as_i64())
        .collect();
    let tries = ids.iter().filter(|i| **i == first.id).count();
    assert_eq!(tries, ATTEMPTS as usize, "{ids:?}");
    assert_eq!(ids.last(), Some(&second.id));
    sandbox.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_every_creates_messages_on_its_own() {
    let (url, got) = receiver(0).await;
    let sandbox = Sandbox::start(Config {
        webhooks: vec![(2, url)],
        webhook_every: Some(Duration::from_millis(50)),
        ..Config::default()
    })
    .await
    .unwrap();
    let got = wait_for(&got, 5).await;
    sandbox.stop().await;
    let events: Vec<&Value> = got
        .iter()
        .map(|(_, v)| v)
        .filter(|v| v.get("data").is_some())
        .collect();
    assert!(events.len() >= 4, "{got:?}");
    let senders: std::collections::BTreeSet<&str> = events
        .iter()
        .filter_map(|e| e["data"]["sender_type"].as_str())
        .collect();
    assert_eq!(senders.len(), 2, "both sender types: {senders:?}");
}

#[tokio::test]
async fn a_webhook_for_a_website_the_seed_lacks_is_refused() {
    let started = Sandbox::start(Config {
        webhooks: vec![(9, "http://127.0.0.1:1/".into())],
        ..Config::default()
    })
    .await;
    assert!(matches!(
        started,
        Err(sandbox_server::SandboxError::NoSuchWebsite(9))
    ));
}
