//! Webhook deliveries: per registered receiver, the URL check first, then a
//! signed `message.created` event for each new message, in order, retried
//! with backoff. New messages come from the sandbox-only control route
//! (outside the v1 base path, absent from the v1 document) or a timer.
//!
//! The retry policy is the sandbox's own; the vendor does not publish one.

use std::collections::HashMap;
use std::sync::{Arc, Weak};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use sandbox_store::{NewMessage, StoredMessage};
use serde_json::Value;
use signalzen_models::{
    MessageCreatedEvent, MessageCreatedEventEventType, WebhookChallenge, WebhookMessage,
    WebhookMessageType,
};
use tokio::sync::mpsc;

use crate::{App, Fault};

/// The header deliveries are signed in.
pub const SIGNATURE_HEADER: &str = "x-signalzen-signature";
/// Attempts per delivery before it is given up.
pub const ATTEMPTS: u32 = 4;
/// The wait before the first retry; it doubles each time.
pub const FIRST_RETRY: Duration = Duration::from_millis(250);
/// How long a receiver may take to answer one attempt.
pub const TIMEOUT: Duration = Duration::from_secs(2);
/// The control route that adds a message (and so delivers an event).
pub const CONTROL_ROUTE: &str = "/_sandbox/websites/{website}/users/{user}/messages";

/// Events waiting for each website's receiver.
pub(crate) type Queues = HashMap<i64, mpsc::UnboundedSender<Value>>;

/// A registered receiver's queue, consumed by [`deliver`].
pub(crate) struct Registration {
    pub url: String,
    pub secret: String,
    pub events: mpsc::UnboundedReceiver<Value>,
}

/// The control route's request body; every field is optional.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Create {
    /// `user` (the visitor, the default) or `operator`.
    sender_type: Option<String>,
    /// The text; null or absent for an attachment alone.
    body: Option<String>,
    /// Whether the message carries an attachment.
    attachment: bool,
}

pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new().route(CONTROL_ROUTE, post(create))
}

async fn create(
    State(app): State<Arc<App>>,
    Path((website, user)): Path<(i64, i64)>,
    body: Bytes,
) -> Response {
    let request: Create = if body.is_empty() {
        Create::default()
    } else {
        match serde_json::from_slice(&body) {
            Ok(c) => c,
            Err(e) => {
                return (StatusCode::BAD_REQUEST, format!("bad message: {e}")).into_response();
            }
        }
    };
    let from_operator = match request.sender_type.as_deref() {
        None | Some("user") => false,
        Some("operator") => true,
        Some(other) => {
            let message = format!("sender_type must be user or operator, not {other:?}");
            return (StatusCode::BAD_REQUEST, message).into_response();
        }
    };
    let new = NewMessage {
        from_operator,
        body: request.body,
        attachment: request.attachment,
    };
    match publish(&app, website, user, &new) {
        Ok(Some(message)) => {
            let bytes = serde_json::to_vec(&message).unwrap_or_default();
            let mut r = (StatusCode::CREATED, bytes).into_response();
            r.headers_mut().insert(
                axum::http::header::CONTENT_TYPE,
                axum::http::HeaderValue::from_static("application/json"),
            );
            r
        }
        Ok(None) => (StatusCode::NOT_FOUND, "no such user of this website").into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

/// Adds the message and queues its event for the website's receiver;
/// the message as `getMessage` shows it.
pub(crate) fn publish(
    app: &App,
    website: i64,
    user: i64,
    new: &NewMessage,
) -> Result<Option<signalzen_models::Message>, sandbox_store::StoreError> {
    let at = chrono::Utc::now().timestamp_millis() / 1000 * 1000;
    let Some(stored) = app.add_message(website, user, new, at)? else {
        return Ok(None);
    };
    if let Some(queue) = app.queues.get(&website) {
        let _ = queue.send(event(app, stored.clone()));
    }
    Ok(Some(crate::present::present(app, stored)))
}

/// The `message.created` event for a stored message, with the content faults.
fn event(app: &App, stored: StoredMessage) -> Value {
    // The store keeps no chat ratings; the sandbox says a chat was rated
    // "good" on every second message, so a receiver sees both forms.
    let rating = (stored.message.id % 2 == 0).then(|| "good".to_string());
    let event = MessageCreatedEvent {
        event_type: MessageCreatedEventEventType::MessageCreated,
        data: WebhookMessage {
            message: crate::present::present(app, stored),
            type_: WebhookMessageType::Message,
            rating,
        },
    };
    let mut value = serde_json::to_value(&event).unwrap_or_default();
    let data = &mut value["data"];
    if app.has(Fault::WebhookSenderSwapped) {
        let swapped = match data["sender_type"].as_str() {
            Some("user") => "operator",
            _ => "user",
        };
        data["sender_type"] = swapped.into();
    }
    if app.has(Fault::WebhookInconsistent) {
        let flipped = !data["auto_invitation"].as_bool().unwrap_or(false);
        data["auto_invitation"] = flipped.into();
    }
    value
}

/// Delivers to one receiver until the sandbox stops: the URL check, then
/// each event in order. A receiver that fails the URL check gets nothing.
pub(crate) async fn deliver(app: Weak<App>, mut registration: Registration) {
    let Some(faults) = app.upgrade().map(|a| a.faults.clone()) else {
        return;
    };
    // reqwest is built without a bundled crypto provider; ring is ours.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let sender = Sender {
        client: reqwest::Client::builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default(),
        url: registration.url.clone(),
        secret: registration.secret.clone(),
        faults,
    };
    drop(app);
    if !sender.faults.contains(&Fault::WebhookNoChallenge) {
        let text = challenge_text();
        let body = serde_json::to_value(WebhookChallenge {
            challenge: text.clone(),
        })
        .unwrap_or_default();
        if !sender.post(&body, Some(&text)).await {
            tracing::warn!(url = %sender.url, "the receiver failed the URL check; no events are delivered to it");
            return;
        }
    }
    while let Some(event) = registration.events.recv().await {
        let times = if sender.faults.contains(&Fault::WebhookDuplicate) {
            2
        } else {
            1
        };
        for _ in 0..times {
            sender.post(&event, None).await;
        }
    }
}

struct Sender {
    client: reqwest::Client,
    url: String,
    secret: String,
    faults: std::collections::BTreeSet<Fault>,
}

impl Sender {
    /// Posts a signed body with retries; whether the receiver accepted it
    /// (200, and for the URL check the challenge text as the body).
    async fn post(&self, body: &Value, echo: Option<&str>) -> bool {
        let compact = serde_json::to_vec(body).unwrap_or_default();
        let sent = if self.faults.contains(&Fault::WebhookReserialized) {
            serde_json::to_vec_pretty(body).unwrap_or_default()
        } else {
            compact.clone()
        };
        let key = if self.faults.contains(&Fault::WebhookBadSignature) {
            format!("{}-wrong", self.secret)
        } else {
            self.secret.clone()
        };
        let tag = ring::hmac::sign(
            &ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key.as_bytes()),
            &compact,
        );
        let signature = data_encoding::HEXLOWER.encode(tag.as_ref());
        let mut wait = FIRST_RETRY;
        for attempt in 1..=ATTEMPTS {
            let mut request = self
                .client
                .post(&self.url)
                .header("content-type", "application/json")
                .body(sent.clone());
            if !self.faults.contains(&Fault::WebhookUnsigned) {
                request = request.header(SIGNATURE_HEADER, &signature);
            }
            let accepted = match request.send().await {
                Ok(r) if r.status() == reqwest::StatusCode::OK => match echo {
                    None => true,
                    Some(text) => r.bytes().await.is_ok_and(|b| b == text.as_bytes()),
                },
                _ => false,
            };
            tracing::info!(url = %self.url, attempt, accepted, "webhook delivery");
            if accepted {
                return true;
            }
            if attempt < ATTEMPTS {
                tokio::time::sleep(wait).await;
                wait *= 2;
            }
        }
        false
    }
}

/// One message of each kind an event can carry: the visitor's and the
/// operator's, with a body, with an attachment alone, with both.
pub fn message_kinds() -> [NewMessage; 4] {
    let text = |t: &str| Some(t.to_string());
    [
        NewMessage {
            from_operator: false,
            body: text("Hello from the sandbox"),
            attachment: false,
        },
        NewMessage {
            from_operator: false,
            body: None,
            attachment: true,
        },
        NewMessage {
            from_operator: true,
            body: text("How can I help?"),
            attachment: false,
        },
        NewMessage {
            from_operator: true,
            body: text("Here is the file"),
            attachment: true,
        },
    ]
}

fn challenge_text() -> String {
    use ring::rand::SecureRandom as _;
    let mut bytes = [0u8; 16];
    let _ = ring::rand::SystemRandom::new().fill(&mut bytes);
    data_encoding::HEXLOWER.encode(&bytes)
}

/// `--webhook-every`: a message every `every` for each registered website,
/// cycling through the visitor's and the operator's, with and without an
/// attachment and a body; ends when the sandbox stops.
pub(crate) async fn every(app: Weak<App>, every: Duration) {
    let mut tick = 0usize;
    loop {
        tokio::time::sleep(every).await;
        let Some(app) = app.upgrade() else { return };
        let mut websites: Vec<i64> = app.queues.keys().copied().collect();
        websites.sort_unstable();
        for website in websites {
            let user = app.with_store(|s| s.users_page(website, 1, 0));
            let Some(user) = user.ok().and_then(|(_, u)| u.first().map(|u| u.id)) else {
                continue;
            };
            let kinds = message_kinds();
            let new = &kinds[tick % kinds.len()];
            if let Err(e) = publish(&app, website, user, new) {
                tracing::error!(error = %e, "cannot add a message");
            }
        }
        tick += 1;
    }
}
