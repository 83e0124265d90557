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
    for (fault, says) in [
        (Fault::RepeatedItem, "repeated"),
        (Fault::WrongTotal, "skipped"),
        (Fault::OffsetOffByOne, "skipped"),
    ] {
        let (sandbox, client) = sandbox(&[fault]).await;
        let walked: Result<Vec<_>, _> = client.list_users().limit(5).stream().try_collect().await;
        let error = walked.expect_err(fault.name());
        assert!(matches!(error, Error::Paging(_)), "{fault:?}: {error:?}");
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
