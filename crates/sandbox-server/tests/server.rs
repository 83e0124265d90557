//! The sandbox's own rules, over HTTP on loopback.

mod common;

use common::client;
use std::time::Duration;

use reqwest::StatusCode;
use sandbox_server::{Config, Fault, Sandbox, SandboxError};
use serde_json::Value;

const V1: &str = "application/vnd.signalzen.v1+json";

struct Probe {
    http: reqwest::Client,
    base: String,
    secret: String,
}

impl Probe {
    async fn new(sandbox: &Sandbox) -> Probe {
        Probe {
            http: client(),
            base: sandbox.base_url(),
            secret: sandbox.websites()[0].secret.clone(),
        }
    }

    async fn get(
        &self,
        path: &str,
        auth: Option<&str>,
        accept: Option<&str>,
    ) -> (StatusCode, reqwest::header::HeaderMap, Value) {
        let mut r = self.http.get(format!("{}{path}", self.base));
        if let Some(a) = auth {
            r = r.header("Authorization", a);
        }
        if let Some(a) = accept {
            r = r.header("Accept", a);
        }
        let resp = r.send().await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap_or(Value::Null);
        (status, headers, body)
    }

    async fn ok(&self, path: &str) -> (StatusCode, reqwest::header::HeaderMap, Value) {
        self.get(path, Some(&format!("Bearer {}", self.secret)), Some(V1))
            .await
    }
}

#[tokio::test]
async fn status_precedence_is_401_then_406_then_400_then_404() {
    let sandbox = Sandbox::start(Config::default()).await.unwrap();
    let p = Probe::new(&sandbox).await;
    let bearer = format!("Bearer {}", p.secret);
    let cases: [(&str, Option<&str>, Option<&str>, u16); 10] = [
        ("/users?limit=0", None, None, 401),
        ("/users?limit=0", Some("Bearer wrong"), Some(V1), 401),
        (
            "/users",
            Some(&format!("Token {}", p.secret)),
            Some(V1),
            401,
        ),
        ("/users?limit=0", Some(&bearer), None, 406),
        ("/users?limit=0", Some(&bearer), Some("*/*"), 406),
        (
            "/users/999999/messages?limit=0",
            Some(&bearer),
            Some(V1),
            400,
        ),
        ("/users/999999/messages", Some(&bearer), Some(V1), 404),
        ("/users/abc", Some(&bearer), Some(V1), 404),
        (
            "/users",
            Some(&bearer),
            Some("application/vnd.signalzen.v1+json, */*"),
            200,
        ),
        (
            "/users",
            Some(&format!("bearer {}", p.secret)),
            Some(V1),
            200,
        ),
    ];
    for (path, auth, accept, want) in cases {
        let (status, headers, body) = p.get(path, auth, accept).await;
        assert_eq!(status.as_u16(), want, "{path} {auth:?} {accept:?}");
        assert_eq!(headers["content-type"], "application/json; charset=utf-8");
        if want >= 400 {
            assert_eq!(body["status"], want, "{body}");
            assert!(body["error"].is_string() && body["message"].is_string());
        }
    }
    sandbox.stop().await;
}

#[tokio::test]
async fn bad_parameters_get_400_and_are_never_clamped() {
    let sandbox = Sandbox::start(Config::default()).await.unwrap();
    let p = Probe::new(&sandbox).await;
    for q in [
        "limit=0",
        "limit=100",
        "limit=-1",
        "limit=abc",
        "limit=",
        "limit=1.5",
        "limit=5&limit=5",
        "offset=-1",
        "offset=x",
        "limit=%2B5",
    ] {
        let (status, _, _) = p.ok(&format!("/users?{q}")).await;
        assert_eq!(status, 400, "{q}");
    }
    let (_, _, page) = p.ok("/users?limit=99&offset=0&unknown=1").await;
    assert_eq!(
        (page["limit"].as_i64(), page["offset"].as_i64()),
        (Some(99), Some(0))
    );
    let (_, _, page) = p.ok("/users").await;
    assert_eq!(page["limit"], 50);
    let total = page["total"].as_i64().unwrap();
    let (status, _, page) = p.ok(&format!("/users?offset={total}")).await;
    assert_eq!(status, 200);
    assert_eq!(page["users"].as_array().unwrap().len(), 0);
    sandbox.stop().await;
}

#[tokio::test]
async fn other_methods_get_405_with_allow_get() {
    let sandbox = Sandbox::start(Config::default()).await.unwrap();
    let p = Probe::new(&sandbox).await;
    for method in [
        reqwest::Method::POST,
        reqwest::Method::DELETE,
        reqwest::Method::PUT,
    ] {
        let resp = p
            .http
            .request(method.clone(), format!("{}/users/1", p.base))
            .header("Authorization", format!("Bearer {}", p.secret))
            .header("Accept", V1)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 405, "{method}");
        assert_eq!(resp.headers()["allow"], "GET");
        let body: Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
        assert_eq!(body["error"], "method_not_allowed");
    }
    sandbox.stop().await;
}

#[tokio::test]
async fn resources_of_other_websites_and_other_users_are_404() {
    let sandbox = Sandbox::start(Config::default()).await.unwrap();
    let p = Probe::new(&sandbox).await;
    let second = Probe {
        secret: sandbox.websites()[1].secret.clone(),
        ..Probe::new(&sandbox).await
    };
    let (_, _, theirs) = second.ok("/users?limit=1").await;
    let their_user = theirs["users"][0]["id"].as_i64().unwrap();
    assert_eq!(p.ok(&format!("/users/{their_user}")).await.0, 404);
    assert_eq!(p.ok(&format!("/users/{their_user}/messages")).await.0, 404);
    // A message of user A asked for under user B.
    let (_, _, users) = p.ok("/users?limit=99").await;
    let mut with_messages = Vec::new();
    for u in users["users"].as_array().unwrap() {
        let id = u["id"].as_i64().unwrap();
        let (_, _, m) = p.ok(&format!("/users/{id}/messages?limit=1")).await;
        if let Some(first) = m["messages"][0]["id"].as_i64() {
            with_messages.push((id, first));
        }
        if with_messages.len() == 2 {
            break;
        }
    }
    let [(a, msg_a), (b, _)] = with_messages[..] else {
        panic!("two users with messages")
    };
    assert_eq!(p.ok(&format!("/users/{a}/messages/{msg_a}")).await.0, 200);
    assert_eq!(p.ok(&format!("/users/{b}/messages/{msg_a}")).await.0, 404);
    sandbox.stop().await;
}

/// The first message with an attachment, and its signed link.
async fn a_file_url(p: &Probe) -> String {
    let (_, _, users) = p.ok("/users?limit=99").await;
    for u in users["users"].as_array().unwrap() {
        let (_, _, page) = p.ok(&format!("/users/{}/messages?limit=99", u["id"])).await;
        for m in page["messages"].as_array().unwrap() {
            if let Some(url) = m["file_url"].as_str() {
                return url.to_string();
            }
        }
    }
    panic!("no attachment in the seed data")
}

#[tokio::test]
async fn signed_links_work_until_they_expire() {
    let sandbox = Sandbox::start(Config::default()).await.unwrap();
    let p = Probe::new(&sandbox).await;
    let url = a_file_url(&p).await;
    // No secret needed, and none sent.
    let resp = p.http.get(&url).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/pdf");
    assert!(resp.bytes().await.unwrap().starts_with(b"%PDF"));
    let tampered = url.replace("signature=", "signature=00");
    assert_eq!(p.http.get(&tampered).send().await.unwrap().status(), 403);
    let other_file = url.replacen("/files/attachments/", "/files/attachments/9", 1);
    assert_eq!(p.http.get(&other_file).send().await.unwrap().status(), 403);
    let expires: i64 = url
        .split("expires=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!(
        (19..=21).contains(&(expires - now)),
        "expires {expires}, now {now}"
    );
    sandbox.stop().await;

    // A lifetime of zero: the link is already expired when handed out.
    let config = Config {
        signed_url_lifetime: Duration::ZERO,
        ..Config::default()
    };
    let sandbox = Sandbox::start(config).await.unwrap();
    let p = Probe::new(&sandbox).await;
    let url = a_file_url(&p).await;
    let resp = p.http.get(&url).send().await.unwrap();
    assert_eq!(resp.status(), 403);
    let body: Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
    assert_eq!(body["message"], "the link has expired");
    sandbox.stop().await;
}

#[tokio::test]
async fn a_rate_limit_answers_429_with_retry_after() {
    let config = Config {
        rate_limit: Some(2),
        ..Config::default()
    };
    let sandbox = Sandbox::start(config).await.unwrap();
    let p = Probe::new(&sandbox).await;
    let mut refused = 0;
    for _ in 0..10 {
        let (status, headers, body) = p.ok("/users?limit=1").await;
        if status == 429 {
            refused += 1;
            let wait: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
            assert!(wait >= 1);
            assert_eq!(body["error"], "too_many_requests");
        }
    }
    assert!(refused >= 6, "{refused} of 10 refused");
    sandbox.stop().await;
}

#[tokio::test]
async fn secrets_can_be_replaced_and_must_stay_distinct() {
    let config = Config {
        secrets: vec![(1, "my-own-sandbox-secret".into())],
        ..Config::default()
    };
    let sandbox = Sandbox::start(config).await.unwrap();
    assert_eq!(sandbox.websites()[0].secret, "my-own-sandbox-secret");
    let p = Probe::new(&sandbox).await;
    assert_eq!(p.ok("/users").await.0, 200);
    let seeded = Sandbox::start(Config::default()).await.unwrap();
    let old = seeded.websites()[0].secret.clone();
    assert_eq!(
        p.get("/users", Some(&format!("Bearer {old}")), Some(V1))
            .await
            .0,
        401
    );
    seeded.stop().await;
    sandbox.stop().await;

    let second = Sandbox::start(Config::default()).await.unwrap().websites()[1]
        .secret
        .clone();
    let clash = Config {
        secrets: vec![(1, second)],
        ..Config::default()
    };
    assert!(matches!(
        Sandbox::start(clash).await,
        Err(SandboxError::BadSecret(1))
    ));
    let empty = Config {
        secrets: vec![(2, " ".into())],
        ..Config::default()
    };
    assert!(matches!(
        Sandbox::start(empty).await,
        Err(SandboxError::BadSecret(2))
    ));
}

#[tokio::test]
async fn the_seed_secrets_are_the_documented_ones() {
    let sandbox = Sandbox::start(Config::default()).await.unwrap();
    let secrets: Vec<&str> = sandbox
        .websites()
        .iter()
        .map(|w| w.secret.as_str())
        .collect();
    // README.md lists these; a change to the seed must change the README too.
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    for s in &secrets {
        assert!(
            readme.contains(s),
            "README.md does not list the sandbox secret {s}"
        );
    }
    sandbox.stop().await;
}

#[tokio::test]
async fn shutdown_lets_requests_in_flight_finish() {
    let config = Config {
        faults: [Fault::Slow].into(),
        ..Config::default()
    };
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let sandbox = Sandbox::start_with(config, async {
        let _ = rx.await;
    })
    .await
    .unwrap();
    let p = Probe::new(&sandbox).await;
    let url = format!("{}/users", p.base);
    let auth = format!("Bearer {}", p.secret);
    let http = p.http.clone();
    let in_flight = tokio::spawn(async move {
        http.get(url)
            .header("Authorization", auth)
            .header("Accept", V1)
            .send()
            .await
            .map(|r| r.status())
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    tx.send(()).unwrap();
    let addr = sandbox.addr();
    sandbox.wait().await;
    assert_eq!(in_flight.await.unwrap().unwrap(), 200);
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "still accepting after shutdown"
    );
}
