//! The generated client against the embedded sandbox: typed results, the
//! bounds checked before sending, typed errors, page streams over every
//! list (child lists too), and the walk's own checks failing on a server
//! that repeats items or miscounts.

use std::collections::BTreeSet;

use futures_util::TryStreamExt as _;
use sandbox_server::{Config, Fault, Sandbox};
use signalzen_client::{Client, Error};

async fn sandbox(faults: &[Fault]) -> (Sandbox, Client) {
    let mut config = Config::default();
    config.seed.users_per_website = 23;
    config.faults = faults.iter().copied().collect();
    let sandbox = Sandbox::start(config).await.expect("the sandbox starts");
    let secret = sandbox.websites()[0].secret.clone();
    let client = Client::new(sandbox.base_url(), secret).expect("a client");
    (sandbox, client)
}

#[tokio::test]
async fn typed_results_from_every_operation() {
    let (sandbox, client) = sandbox(&[]).await;
    let page = client.list_users().limit(5).offset(2).send().await.unwrap();
    assert_eq!(page.status, 200);
    assert_eq!((page.limit, page.offset, page.total), (5, 2, 23));
    assert_eq!(page.users.len(), 5);
    let first = &page.users[0];
    let user = client.get_user(first.id).await.unwrap();
    assert_eq!(&user.value, first);
    assert!(user.headers.contains_key("content-type"));
    // A child list and its items.
    let mut messages = Vec::new();
    for u in &page.users {
        let listed = client.list_messages(u.id).limit(50).send().await.unwrap();
        messages.extend(listed.value.messages.into_iter().map(|m| (u.id, m)));
    }
    let (user_id, listed) = messages.first().expect("seeded messages");
    let alone = client.get_message(*user_id, listed.id).await.unwrap();
    assert_eq!(&alone.value, listed);
    sandbox.stop().await;
}

#[tokio::test]
async fn bounds_are_checked_before_anything_is_sent() {
    // A client for a closed port: any request would be a transport error.
    let client = Client::new("http://127.0.0.1:9", "s3cr3t-value").unwrap();
    let refused = client.list_users().limit(0).send().await.unwrap_err();
    assert!(
        matches!(refused, Error::Parameter { name: "limit", .. }),
        "{refused:?}"
    );
    assert!(
        refused.to_string().contains("0 is outside 1..="),
        "{refused}"
    );
    let refused = client.list_users().offset(-1).send().await.unwrap_err();
    assert!(
        matches!(refused, Error::Parameter { name: "offset", .. }),
        "{refused:?}"
    );
    let sent = client.list_users().limit(1).send().await.unwrap_err();
    assert!(
        matches!(sent, Error::Transport(_) | Error::Timeout(_)),
        "{sent:?}"
    );
}

#[tokio::test]
async fn documented_errors_are_typed_with_their_body() {
    let (sandbox, client) = sandbox(&[]).await;
    let missing = client.get_user(987_654_321).await.unwrap_err();
    let Error::Status {
        status, body, raw, ..
    } = &missing
    else {
        panic!("{missing:?}");
    };
    assert_eq!(*status, 404);
    assert_eq!(body.as_ref().map(|b| b.status), Some(404));
    assert!(!raw.is_empty());
    // A wrong secret: 401, and the secret is in no message.
    let wrong = Client::new(sandbox.base_url(), "not-the-secret-value").unwrap();
    let refused = wrong.get_user(1).await.unwrap_err();
    assert!(
        matches!(refused, Error::Status { status: 401, .. }),
        "{refused:?}"
    );
    assert!(!format!("{refused:?} {refused}").contains("not-the-secret-value"));
    assert!(!format!("{wrong:?}").contains("not-the-secret-value"));
    sandbox.stop().await;
}

#[tokio::test]
async fn a_stream_yields_every_item_once_in_order_across_pages() {
    let (sandbox, client) = sandbox(&[]).await;
    for limit in [1, 7, 99] {
        let users: Vec<_> = client
            .list_users()
            .limit(limit)
            .stream()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(users.len(), 23, "limit {limit}");
        let ids: Vec<i64> = users.iter().map(|u| u.id).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted, "limit {limit}");
        assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), 23);
    }
    // From an offset, at the document's default page size.
    let rest: Vec<_> = client
        .list_users()
        .offset(20)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rest.len(), 3);
    // A child list streams too.
    let user = client
        .list_users()
        .limit(1)
        .send()
        .await
        .unwrap()
        .value
        .users[0]
        .id;
    let streamed: Vec<_> = client
        .list_messages(user)
        .limit(2)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let page = client.list_messages(user).limit(99).send().await.unwrap();
    assert_eq!(streamed, page.value.messages);
    sandbox.stop().await;
}

#[tokio::test]
async fn a_walk_that_would_give_a_wrong_answer_fails_instead() {
    use signalzen_client::PagingError;
    fn repeated(e: &PagingError) -> bool {
        matches!(e, PagingError::Repeated { .. })
    }
    fn skipped(e: &PagingError) -> bool {
        matches!(e, PagingError::Skipped { got, expected, .. } if got < expected)
    }
    fn order_broken(e: &PagingError) -> bool {
        matches!(
            e,
            PagingError::OrderBroken {
                offset: 0,
                position: 1
            }
        )
    }
    type Kind = fn(&PagingError) -> bool;
    let cases: [(Fault, Kind, &str); 4] = [
        (Fault::RepeatedItem, repeated, "repeated"),
        (Fault::UnstableOrder, order_broken, "order"),
        (Fault::WrongTotal, skipped, "skipped"),
        (Fault::OffsetOffByOne, skipped, "skipped"),
    ];
    for (fault, kind, says) in cases {
        let (sandbox, client) = sandbox(&[fault]).await;
        let walked: Result<Vec<_>, _> = client.list_users().limit(5).stream().try_collect().await;
        let error = walked.expect_err(fault.name());
        let Error::Paging(paging) = &error else {
            panic!("{fault:?}: {error:?}");
        };
        assert!(kind(paging), "{fault:?}: {paging:?}");
        assert!(error.to_string().contains(says), "{fault:?}: {error}");
        sandbox.stop().await;
    }
}

#[tokio::test]
async fn rate_limits_are_waited_out_within_the_budget() {
    let mut config = Config::default();
    config.seed.users_per_website = 3;
    config.rate_limit = Some(2);
    let sandbox = Sandbox::start(config).await.unwrap();
    let secret = sandbox.websites()[0].secret.clone();
    let client = Client::new(sandbox.base_url(), secret.clone()).unwrap();
    for _ in 0..5 {
        client
            .list_users()
            .send()
            .await
            .expect("429s are waited out");
    }
    // With no budget, the 429 is the answer, typed, with its Retry-After.
    let impatient = Client::builder(sandbox.base_url(), secret)
        .retries(signalzen_client::Retries {
            budget: std::time::Duration::ZERO,
            ..Default::default()
        })
        .build()
        .unwrap();
    let mut limited = None;
    for _ in 0..5 {
        if let Err(e) = impatient.list_users().send().await {
            limited = Some(e);
            break;
        }
    }
    let Some(Error::Status {
        status: 429,
        headers,
        ..
    }) = limited
    else {
        panic!("expected a 429: {limited:?}");
    };
    assert!(headers.contains_key("retry-after"));
    sandbox.stop().await;
}

/// A server that answers the first `limited` requests 429 without
/// `Retry-After`, then 200 with `body`; it counts what it was sent.
async fn limited_server(
    limited: usize,
    body: String,
) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let seen = std::sync::Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    let app = axum::Router::new().fallback(move || {
        let (counter, body) = (counter.clone(), body.clone());
        async move {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            if n < limited {
                (
                    axum::http::StatusCode::TOO_MANY_REQUESTS,
                    [("content-type", "application/json")],
                    String::from("{}"),
                )
            } else {
                (
                    axum::http::StatusCode::OK,
                    [("content-type", "application/json")],
                    body,
                )
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (base, seen)
}

#[tokio::test]
async fn a_429_without_retry_after_is_retried_with_capped_backoff_within_the_budget() {
    use std::sync::atomic::Ordering;
    use std::time::Duration;
    let (sandbox, client) = sandbox(&[]).await;
    let page = client.list_users().limit(2).send().await.unwrap();
    let body = serde_json::to_string(&page.value).unwrap();
    sandbox.stop().await;
    let retries = |budget_ms| signalzen_client::Retries {
        budget: Duration::from_millis(budget_ms),
        server_errors: 0,
        backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(20),
    };
    // Two bare 429s, then the answer: waited out (10 ms, then 20 ms).
    let (base, seen) = limited_server(2, body.clone()).await;
    let patient = Client::builder(base, "s3cr3t-value")
        .retries(retries(5_000))
        .build()
        .unwrap();
    let answered = patient
        .list_users()
        .limit(2)
        .send()
        .await
        .expect("backed off");
    assert_eq!(answered.value, page.value);
    assert_eq!(seen.load(Ordering::SeqCst), 3);
    // Always 429: the backoff stops at 20 ms a wait, and the call ends with
    // the 429 once the next wait would pass the 150 ms budget (10 + 20 × 7).
    let (base, seen) = limited_server(usize::MAX, body).await;
    let bounded = Client::builder(base, "s3cr3t-value")
        .retries(retries(150))
        .build()
        .unwrap();
    let refused = bounded.list_users().send().await.unwrap_err();
    assert!(
        matches!(refused, Error::Status { status: 429, .. }),
        "{refused:?}"
    );
    let sent = seen.load(Ordering::SeqCst);
    assert!((3..=8).contains(&sent), "{sent} requests");
}

/// A server that answers 200 with `bodies` in turn (the last one again
/// after the end).
async fn scripted_server(bodies: Vec<String>) -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = std::sync::Arc::new(AtomicUsize::new(0));
    let bodies = std::sync::Arc::new(bodies);
    let app = axum::Router::new().fallback(move || {
        let (next, bodies) = (next.clone(), bodies.clone());
        async move {
            let n = next.fetch_add(1, Ordering::SeqCst).min(bodies.len() - 1);
            let headers = [("content-type", "application/json")];
            (axum::http::StatusCode::OK, headers, bodies[n].clone())
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

#[tokio::test]
async fn errors_keep_their_sources_and_paging_says_what_went_wrong() {
    use signalzen_client::PagingError;
    let (sandbox, client) = sandbox(&[]).await;
    let page = client.list_users().limit(1).send().await.unwrap();
    sandbox.stop().await;
    let mut body = serde_json::to_value(&page.value).unwrap();
    body["total"] = serde_json::json!(3);
    let first = body.to_string();
    body["offset"] = serde_json::json!(1);
    body["total"] = serde_json::json!(4);
    let grown = body.to_string();
    let base = scripted_server(vec![first, grown]).await;
    let client = Client::new(base, "s3cr3t-value").unwrap();
    let walked: Result<Vec<_>, _> = client.list_users().limit(1).stream().try_collect().await;
    let Err(Error::Paging(changed)) = walked else {
        panic!("{walked:?}");
    };
    assert_eq!(
        changed,
        PagingError::TotalChanged {
            from: 3,
            to: 4,
            offset: 1
        }
    );
    // A body that is not the documented type: serde's error is the source.
    let base = scripted_server(vec!["{\"users\": 1}".into()]).await;
    let client = Client::new(base, "s3cr3t-value").unwrap();
    let decode = client.list_users().send().await.unwrap_err();
    let source = std::error::Error::source(&decode).expect("a source");
    assert!(source.is::<serde_json::Error>(), "{decode:?}");
    // Nothing listens: reqwest's error is the source, without the URL.
    let client = Client::new("http://127.0.0.1:9", "s3cr3t-value").unwrap();
    let refused = client.list_users().send().await.unwrap_err();
    if let Error::Transport(e) = &refused {
        assert!(e.url().is_none(), "{e:?}");
        assert!(
            std::error::Error::source(&refused)
                .unwrap()
                .is::<reqwest::Error>()
        );
    }
}

#[tokio::test]
async fn signed_links_are_fetched_without_the_secret() {
    let (sandbox, client) = sandbox(&[]).await;
    let users: Vec<_> = client
        .list_users()
        .limit(99)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let mut link = None;
    for u in &users {
        let page = client.list_messages(u.id).limit(99).send().await.unwrap();
        if let Some(l) = page.value.messages.iter().find_map(|m| m.file_url.clone()) {
            link = Some(l);
            break;
        }
    }
    let link = link.expect("a seeded attachment");
    let bytes = client.fetch_signed(&link).await.unwrap();
    assert!(!bytes.is_empty());
    // Tampered with, the link is refused.
    let tampered = link.replace("signature=", "signature=00");
    let refused = client.fetch_signed(&tampered).await.unwrap_err();
    assert!(matches!(refused, Error::Status { .. }), "{refused:?}");
    sandbox.stop().await;
}

mod webhooks {
    use signalzen_client::webhook::{self, Event, WebhookError};

    const SECRET: &str = "website-api-secret";

    fn sign(raw: &[u8]) -> String {
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, SECRET.as_bytes());
        data_encoding::HEXLOWER.encode(ring::hmac::sign(&key, raw).as_ref())
    }

    /// The document's own example delivery, as compact JSON.
    fn event() -> String {
        let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../openapi/signalzen-v1.yaml");
        let doc = openapi_spec::load(&spec, &Default::default()).unwrap();
        let at = "/x-webhooks/messageCreated/post/requestBody/content/application~1json/examples/vendor/value";
        doc.raw.pointer(at).expect("the vendor example").to_string()
    }

    #[test]
    fn a_signed_event_is_typed_and_a_challenge_answered_exactly() {
        assert_eq!(webhook::SIGNATURE_HEADER, "x-signalzen-signature");
        let event = event();
        let event = webhook::receive(SECRET, event.as_bytes(), Some(&sign(event.as_bytes())));
        let delivery = event.unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(delivery, Event::MessageCreated(_)), "{delivery:?}");
        assert_eq!(delivery.challenge_answer(), None);
        let challenge = br#"{"challenge":"3f9c2b7e-challenge-text"}"#;
        let delivery = webhook::receive(SECRET, challenge, Some(&sign(challenge))).unwrap();
        assert_eq!(delivery.challenge_answer(), Some("3f9c2b7e-challenge-text"));
    }

    #[test]
    fn a_wrong_missing_or_reserialised_signature_is_refused() {
        let event = event();
        let raw = event.as_bytes();
        let missing = webhook::receive(SECRET, raw, None).unwrap_err();
        assert!(matches!(missing, WebhookError::MissingSignature));
        let wrong = webhook::receive("another-secret", raw, Some(&sign(raw))).unwrap_err();
        assert!(matches!(wrong, WebhookError::BadSignature));
        let upper = sign(raw).to_uppercase();
        assert!(matches!(
            webhook::verify(SECRET, raw, Some(&upper)),
            Err(WebhookError::BadSignature)
        ));
        // The same JSON re-serialised (other spacing) is not what was signed.
        let value: serde_json::Value = serde_json::from_str(&event).unwrap();
        let pretty = serde_json::to_vec_pretty(&value).unwrap();
        assert!(matches!(
            webhook::receive(SECRET, &pretty, Some(&sign(raw))),
            Err(WebhookError::BadSignature)
        ));
        // Signed, but no webhook's shape.
        let other = br#"{"hello":1}"#;
        assert!(matches!(
            webhook::receive(SECRET, other, Some(&sign(other))),
            Err(WebhookError::Body(_))
        ));
    }
}
