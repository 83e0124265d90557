//! The fault modes that change a 200's body or answer a list otherwise:
//! each breaks one rule of the contract, for the live run's self-test.

use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde::Serialize;
use serde_json::Value;

use crate::{App, BASE_PATH, Fault};

/// Serializes a body, through `Value` only when a fault must edit it.
pub(super) fn body<T: Serialize>(app: &App, value: &T, edit: impl FnOnce(&mut Value)) -> Vec<u8> {
    let editing = [
        Fault::FileUrlMissing,
        Fault::SenderSwapped,
        Fault::UnknownSenderType,
        Fault::NullRequired,
        Fault::UnstableOrder,
        Fault::InconsistentItem,
    ]
    .iter()
    .any(|f| app.has(*f));
    let bytes = if editing {
        let mut v = serde_json::to_value(value).unwrap_or_default();
        edit(&mut v);
        serde_json::to_vec(&v)
    } else {
        serde_json::to_vec(value)
    }
    .unwrap_or_default();
    if app.has(Fault::TruncatedBody) {
        bytes[..bytes.len() / 2].to_vec()
    } else {
        bytes
    }
}

pub(super) fn edit_user(app: &App, user: &mut Value) {
    if app.has(Fault::NullRequired) {
        user["created_at"] = Value::Null;
    }
}

pub(super) fn edit_message(app: &App, message: &mut Value) {
    let Some(m) = message.as_object_mut() else {
        return;
    };
    if app.has(Fault::FileUrlMissing) && m.get("file_url") == Some(&Value::Null) {
        m.remove("file_url");
    }
    if app.has(Fault::SenderSwapped) {
        let swapped = match m.get("sender_type").and_then(Value::as_str) {
            Some("user") => "operator",
            _ => "user",
        };
        m.insert("sender_type".into(), swapped.into());
    }
    if app.has(Fault::UnknownSenderType) {
        m.insert("sender_type".into(), "bot".into());
    }
}

pub(super) fn edit_list(app: &App, page: &mut Value, field: &str, each: impl Fn(&mut Value)) {
    if let Some(items) = page.get_mut(field).and_then(Value::as_array_mut) {
        items.iter_mut().for_each(each);
        if app.has(Fault::UnstableOrder) {
            items.reverse();
        }
    }
}

/// A 307 to the same path on another host name (`localhost` for `127.0.0.1`).
pub(super) fn redirect_offsite(app: &App, req_path: &str, query: Option<&str>) -> Response {
    let origin = app.origin.replace("127.0.0.1", "localhost");
    let location = match query {
        Some(q) => format!("{origin}{BASE_PATH}{req_path}?{q}"),
        None => format!("{origin}{BASE_PATH}{req_path}"),
    };
    let mut r = Response::new(Body::empty());
    *r.status_mut() = StatusCode::TEMPORARY_REDIRECT;
    if let Ok(v) = HeaderValue::from_str(&location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// Faults that act before a list is read: redirect and delay.
pub(super) async fn list_faults(app: &App, path: &str, query: Option<&str>) -> Option<Response> {
    if app.has(Fault::RedirectOffsite) {
        return Some(redirect_offsite(app, path, query));
    }
    if app.has(Fault::Slow) {
        tokio::time::sleep(Duration::from_secs(3)).await;
    }
    None
}
