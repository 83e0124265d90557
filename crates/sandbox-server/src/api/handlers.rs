//! The four v1 operations, each documented for utoipa (`doc.rs` gathers
//! them), and the query parameters they share.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use sandbox_store::StoreError;
use signalzen_models::{Error, MessagesPage, User, UsersPage};

use super::{DEFAULT_LIMIT, MAX_LIMIT};

use super::faults::{body, edit_list, edit_message, edit_user, list_faults};
use super::refusals::Refusals;
use super::{Shared, Tenant, bad_request, integer, internal, json_response, missing, query_pairs};
use crate::present::present;
use crate::{App, Fault};

/// `limit` and `offset` as the contract wants them: integers, in bounds,
/// given at most once, never clamped (unless the fault says so).
pub(super) fn page_params(app: &App, query: Option<&str>) -> Result<(i64, i64), String> {
    let pairs = query_pairs(query);
    let lenient = app.has(Fault::BoundsIgnored);
    let one = |name: &str, default: i64, min: i64, max: i64| -> Result<i64, String> {
        let values: Vec<&str> = pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect();
        let value = match values.as_slice() {
            [] => return Ok(default),
            [v] => *v,
            _ if lenient => values[0],
            _ => return Err(format!("`{name}` is given more than once")),
        };
        match integer(value) {
            Some(n) if (min..=max).contains(&n) => Ok(n),
            Some(n) if lenient => Ok(n.clamp(min, max)),
            None if lenient => Ok(default),
            Some(_) if max == i64::MAX => Err(format!("`{name}` must be {min} or more")),
            Some(_) => Err(format!("`{name}` must be between {min} and {max}")),
            None => Err(format!("`{name}` must be an integer")),
        }
    };
    Ok((
        one("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)?,
        one("offset", 0, 0, i64::MAX)?,
    ))
}

/// The rows a list fault asks for instead of (limit, offset).
pub(super) fn list_window(app: &App, limit: i64, offset: i64) -> (i64, i64) {
    if app.has(Fault::OffsetOffByOne) {
        (limit, offset + 1)
    } else if app.has(Fault::RepeatedItem) && offset > 0 {
        (limit, offset - 1)
    } else {
        (limit, offset)
    }
}

/// The query parameters of both lists, for the generated document.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub(super) struct PageQuery {
    /// How many items to skip. Must be an integer of 0 or more; a negative,
    /// non-integer, empty or repeated value gets 400 (never clamped).
    #[param(minimum = 0, default = 0)]
    pub(super) offset: Option<i64>,
    /// The page size, 1 to 99. A value outside that range, a non-integer,
    /// an empty or a repeated value gets 400 (never clamped).
    #[param(minimum = 1, maximum = 99, default = 50)]
    pub(super) limit: Option<i32>,
}

/// List users.
///
/// One page of the website's users, ordered by `id` ascending.
#[utoipa::path(
    get,
    path = "/users",
    operation_id = "listUsers",
    tag = "users",
    params(PageQuery),
    // How these handlers page (`PageQuery`, `UsersPage`), for the contract run.
    extensions(("x-pagination" = json!({
        "style": "offset-limit", "limitParameter": "limit", "offsetParameter": "offset",
        "limitField": "limit", "offsetField": "offset", "totalField": "total",
        "itemsField": "users", "order": ["id"],
        "item": {"operation": "getUser", "parameters": {"user_id": "id"}}
    }))),
    responses(
        (status = 200, description = "A page of users.", content(
            (UsersPage = "application/vnd.signalzen.v1+json"),
            (UsersPage = "application/json"))),
        (status = 400, description = "A bad query parameter.", content((Error = "application/vnd.signalzen.v1+json"), (Error = "application/json"))),
        Refusals,
    ),
    security(("apiSecret" = [])),
)]
pub(super) async fn list_users(
    State(app): Shared,
    axum::Extension(Tenant(site)): axum::Extension<Tenant>,
    RawQuery(query): RawQuery,
) -> Response {
    let (limit, offset) = match page_params(&app, query.as_deref()) {
        Ok(p) => p,
        Err(message) => return bad_request(&app, &message),
    };
    if let Some(r) = list_faults(&app, "/users", query.as_deref()).await {
        return r;
    }
    let (qlimit, qoffset) = list_window(&app, limit, offset);
    let (total, users) = match app.with_store(|s| s.users_page(site, qlimit, qoffset)) {
        Ok(page) => page,
        Err(e) => return internal(&app, &e),
    };
    let page = UsersPage {
        limit: limit as i32,
        offset,
        total: total + i64::from(app.has(Fault::WrongTotal)),
        users,
    };
    let bytes = body(&app, &page, |v| {
        edit_list(&app, v, "users", |u| edit_user(&app, u))
    });
    json_response(StatusCode::OK, &app, bytes)
}

/// A user of this website; with the leak fault, of any website.
pub(super) fn find_user(app: &App, site: i64, user: i64) -> Result<Option<User>, StoreError> {
    let sites: Vec<i64> = if app.has(Fault::TenantLeak) {
        std::iter::once(site)
            .chain(app.websites.iter().map(|w| w.id))
            .collect()
    } else {
        vec![site]
    };
    app.with_store(|s| {
        for w in sites {
            if let Some(u) = s.user(w, user)? {
                return Ok(Some(u));
            }
        }
        Ok(None)
    })
}

/// The website whose data answers for `user`: this request's own, or with
/// the leak fault whichever website has that user.
pub(super) fn owner(app: &App, site: i64, user: i64) -> Result<Option<i64>, StoreError> {
    if !app.has(Fault::TenantLeak) {
        // The store's queries check the user belongs to `site`.
        return Ok(Some(site));
    }
    for w in std::iter::once(site).chain(app.websites.iter().map(|w| w.id)) {
        if app.with_store(|s| s.user(w, user))?.is_some() {
            return Ok(Some(w));
        }
    }
    Ok(None)
}

/// Get a user.
///
/// A user of another website, an unknown user and a non-numeric id all get 404.
#[utoipa::path(
    get,
    path = "/users/{user_id}",
    operation_id = "getUser",
    tag = "users",
    params(("user_id" = i64, Path, description = "The user's id. A non-numeric id gets 404.")),
    responses(
        (status = 200, description = "The user.", content(
            (User = "application/vnd.signalzen.v1+json"),
            (User = "application/json"))),
        (status = 404, description = "No such user for this website.", content((Error = "application/vnd.signalzen.v1+json"), (Error = "application/json"))),
        Refusals,
    ),
    security(("apiSecret" = [])),
)]
pub(super) async fn get_user(
    State(app): Shared,
    axum::Extension(Tenant(site)): axum::Extension<Tenant>,
    user_id: PathText,
) -> Response {
    let user_id = text(user_id);
    let found = match integer(&user_id).map(|u| find_user(&app, site, u)) {
        None => None,
        Some(Ok(found)) => found,
        Some(Err(e)) => return internal(&app, &e),
    };
    let user = match found {
        Some(u) => u,
        None if app.has(Fault::NotFoundAs200) => {
            match app.with_store(|s| s.users_page(site, 1, 0)) {
                Ok((_, mut users)) if !users.is_empty() => {
                    let mut u = users.remove(0);
                    u.id = integer(&user_id).unwrap_or(u.id);
                    u
                }
                Ok(_) => return missing(&app, "user"),
                Err(e) => return internal(&app, &e),
            }
        }
        None => return missing(&app, "user"),
    };
    if app.has(Fault::NotJson) {
        return html(&app);
    }
    let bytes = body(&app, &user, |v| {
        edit_user(&app, v);
        if app.has(Fault::InconsistentItem) {
            v["name"] = "Someone Else".into();
        }
    });
    json_response(StatusCode::OK, &app, bytes)
}

pub(super) fn html(app: &App) -> Response {
    json_response(
        StatusCode::OK,
        app,
        b"<html><body>Service temporarily unavailable</body></html>".to_vec(),
    )
}

/// List a user's messages.
///
/// One page of the messages of one user's chat, ordered by `created_at` then `id`.
#[utoipa::path(
    get,
    path = "/users/{user_id}/messages",
    operation_id = "listMessages",
    tag = "messages",
    params(("user_id" = i64, Path, description = "The user's id. A non-numeric id gets 404."), PageQuery),
    extensions(("x-pagination" = json!({
        "style": "offset-limit", "limitParameter": "limit", "offsetParameter": "offset",
        "limitField": "limit", "offsetField": "offset", "totalField": "total",
        "itemsField": "messages", "order": ["created_at", "id"],
        "item": {"operation": "getMessage", "parameters": {"message_id": "id"}}
    }))),
    responses(
        (status = 200, description = "A page of messages.", content(
            (MessagesPage = "application/vnd.signalzen.v1+json"),
            (MessagesPage = "application/json"))),
        (status = 400, description = "A bad query parameter.", content((Error = "application/vnd.signalzen.v1+json"), (Error = "application/json"))),
        (status = 404, description = "No such user for this website.", content((Error = "application/vnd.signalzen.v1+json"), (Error = "application/json"))),
        Refusals,
    ),
    security(("apiSecret" = [])),
)]
pub(super) async fn list_messages(
    State(app): Shared,
    axum::Extension(Tenant(site)): axum::Extension<Tenant>,
    user_id: PathText,
    RawQuery(query): RawQuery,
) -> Response {
    let user_id = text(user_id);
    let (limit, offset) = match page_params(&app, query.as_deref()) {
        Ok(p) => p,
        Err(message) => return bad_request(&app, &message),
    };
    let owner = match integer(&user_id).map(|u| owner(&app, site, u)) {
        None | Some(Ok(None)) => return missing(&app, "user"),
        Some(Ok(Some(w))) => w,
        Some(Err(e)) => return internal(&app, &e),
    };
    let user = integer(&user_id).unwrap_or_default();
    if let Some(r) = list_faults(&app, &format!("/users/{user}/messages"), query.as_deref()).await {
        return r;
    }
    let (qlimit, qoffset) = list_window(&app, limit, offset);
    let page = match app.with_store(|s| s.messages_page(owner, user, qlimit, qoffset)) {
        Ok(Some(page)) => page,
        Ok(None) => return missing(&app, "user"),
        Err(e) => return internal(&app, &e),
    };
    let (total, messages) = page;
    let page = MessagesPage {
        limit: limit as i32,
        offset,
        total: total + i64::from(app.has(Fault::WrongTotal)),
        messages: messages.into_iter().map(|m| present(&app, m)).collect(),
    };
    let bytes = body(&app, &page, |v| {
        edit_list(&app, v, "messages", |m| edit_message(&app, m))
    });
    json_response(StatusCode::OK, &app, bytes)
}

/// Get a message.
///
/// A message that does not belong to the user in the path gets 404.
#[utoipa::path(
    get,
    path = "/users/{user_id}/messages/{message_id}",
    operation_id = "getMessage",
    tag = "messages",
    params(
        ("user_id" = i64, Path, description = "The user's id. A non-numeric id gets 404."),
        ("message_id" = i64, Path, description = "The message's id; it must belong to the user."),
    ),
    responses(
        (status = 200, description = "The message.", content(
            (signalzen_models::Message = "application/vnd.signalzen.v1+json"),
            (signalzen_models::Message = "application/json"))),
        (status = 404, description = "No such message for this user.", content((Error = "application/vnd.signalzen.v1+json"), (Error = "application/json"))),
        Refusals,
    ),
    security(("apiSecret" = [])),
)]
pub(super) async fn get_message(
    State(app): Shared,
    axum::Extension(Tenant(site)): axum::Extension<Tenant>,
    ids: Result<Path<(String, String)>, PathRejection>,
) -> Response {
    // Undecodable ids (`%ff`) are ids no item has: 404, like any other.
    let (user_id, message_id) = ids.map(|Path(ids)| ids).unwrap_or_default();
    let (Some(user), Some(message)) = (integer(&user_id), integer(&message_id)) else {
        return missing(&app, "message");
    };
    let owner = match owner(&app, site, user) {
        Ok(Some(w)) => Some(w),
        Ok(None) => None,
        Err(e) => return internal(&app, &e),
    };
    let found = match owner.map(|w| app.with_store(|s| s.message(w, user, message))) {
        None => None,
        Some(Ok(m)) => m,
        Some(Err(e)) => return internal(&app, &e),
    };
    let stored = match found {
        Some(m) => m,
        None if app.has(Fault::NotFoundAs200) => {
            match app.with_store(|s| s.messages_page(owner.unwrap_or(site), user, 1, 0)) {
                Ok(Some((_, mut list))) if !list.is_empty() => {
                    let mut m = list.remove(0);
                    m.message.id = message;
                    m
                }
                Ok(_) => return missing(&app, "message"),
                Err(e) => return internal(&app, &e),
            }
        }
        None => return missing(&app, "message"),
    };
    if app.has(Fault::NotJson) {
        return html(&app);
    }
    let message = present(&app, stored);
    let bytes = body(&app, &message, |v| edit_message(&app, v));
    json_response(StatusCode::OK, &app, bytes)
}

/// A path parameter's text; one that is not valid UTF-8 once decoded
/// (`%ff`) reads as empty, so the handler answers it as an unknown id (the
/// document's 404 with an `Error` body) instead of the router's plain-text 400.
pub(super) type PathText = Result<Path<String>, PathRejection>;

pub(super) fn text(parameter: PathText) -> String {
    parameter.map(|Path(s)| s).unwrap_or_default()
}
