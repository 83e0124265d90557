//! The v1 routes, the request rules in the order the contract gives them
//! (401, 406, 400, 404), and the fault modes.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use sandbox_store::{StoreError, StoredMessage};
use serde::Serialize;
use serde_json::Value;
use signalzen_models::{Error, ErrorCode, MessagesPage, User, UsersPage};
use utoipa::OpenApi;

use crate::{App, BASE_PATH, Fault};

const JSON: &str = "application/json; charset=utf-8";
const MEDIA_TYPE: &str = "application/vnd.signalzen.v1+json";
const DEFAULT_LIMIT: i64 = 50;
const MAX_LIMIT: i64 = 99;

type Shared = State<Arc<App>>;

/// The website a request's secret belongs to (set by the gate).
#[derive(Clone, Copy)]
struct Tenant(i64);

pub(crate) fn router(app: Arc<App>) -> Router {
    let api = Router::new()
        .route("/users", get(list_users).fallback(method_not_allowed))
        .route(
            "/users/{user_id}",
            get(get_user).fallback(method_not_allowed),
        )
        .route(
            "/users/{user_id}/messages",
            get(list_messages).fallback(method_not_allowed),
        )
        .route(
            "/users/{user_id}/messages/{message_id}",
            get(get_message).fallback(method_not_allowed),
        )
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(app.clone(), gate))
        .layer(middleware::from_fn_with_state(
            app.clone(),
            crate::echo::echo_secret,
        ));
    let routes = Router::new()
        .nest(BASE_PATH, api)
        .route("/files/{*path}", get(file))
        .merge(crate::docs::routes())
        .merge(crate::webhook::routes())
        .fallback(not_found)
        .layer(middleware::from_fn(log))
        .with_state(app);
    // Paths are normalised before routing: an outer router hands every
    // request to the routes after the layer has rewritten its path.
    Router::new()
        .fallback_service(routes)
        .layer(middleware::from_fn(normalize_path))
}

/// Under the v1 base path, `//users` and `/users/` are read as `/users`, as
/// the contract checker reads them when it matches a path template (and as
/// common web frameworks answer them), so the sandbox and the checker agree
/// on which operation a path is. (The reference at `/docs/` keeps its
/// slash: its relative links need it.)
async fn normalize_path(mut req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if !path.starts_with(BASE_PATH) || !(path.contains("//") || path.ends_with('/')) {
        return next.run(req).await;
    }
    let collapsed: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let normal = format!("/{}", collapsed.join("/"));
    if normal != path {
        let target = match req.uri().query() {
            Some(q) => format!("{normal}?{q}"),
            None => normal,
        };
        if let Ok(uri) = target.parse() {
            *req.uri_mut() = uri;
        }
    }
    next.run(req).await
}

/// One line per request: method, path, status, time. Never headers or
/// query strings, so no secret can reach the log.
async fn log(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let response = next.run(req).await;
    tracing::info!(
        %method,
        path,
        status = response.status().as_u16(),
        micros = started.elapsed().as_micros() as u64,
        "request"
    );
    response
}

fn json_response(status: StatusCode, app: &App, body: Vec<u8>) -> Response {
    let content_type = if app.has(Fault::WrongContentType) {
        "text/html; charset=utf-8"
    } else {
        JSON
    };
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

fn error(app: &App, status: StatusCode, code: ErrorCode, message: &str) -> Response {
    let body = Error {
        status: i32::from(status.as_u16()),
        error: code,
        message: message.to_string(),
    };
    json_response(status, app, serde_json::to_vec(&body).unwrap_or_default())
}

fn internal(app: &App, e: &StoreError) -> Response {
    tracing::error!(error = %e, "store query failed");
    error(
        app,
        StatusCode::INTERNAL_SERVER_ERROR,
        ErrorCode::InternalServerError,
        "the sandbox's store failed",
    )
}

async fn not_found(State(app): Shared) -> Response {
    error(
        &app,
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        "not found",
    )
}

async fn method_not_allowed(State(app): Shared) -> Response {
    let mut r = error(
        &app,
        StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::MethodNotAllowed,
        "only GET is allowed",
    );
    r.headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("GET"));
    r
}

/// The secret (any case of `Bearer`), if the header has one.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, secret) = value.trim().split_once(' ')?;
    let secret = secret.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !secret.is_empty()).then_some(secret)
}

/// Whether some Accept header lists the v1 media type (with q above 0).
fn accepts_v1(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';');
            let media = parts.next().unwrap_or("").trim();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            media.eq_ignore_ascii_case(MEDIA_TYPE) && !refused
        })
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// 401, then 406, then the rate limit, before any route runs.
async fn gate(State(app): Shared, mut req: Request, next: Next) -> Response {
    let site = match bearer(req.headers()).and_then(|s| app.by_secret.get(s)) {
        Some(site) => *site,
        None if app.has(Fault::AuthIgnored) => app.websites.first().map_or(1, |w| w.id),
        None => {
            return error(
                &app,
                StatusCode::UNAUTHORIZED,
                ErrorCode::Unauthorized,
                "send Authorization: Bearer <API secret> with a valid secret",
            );
        }
    };
    if !accepts_v1(req.headers()) && !app.has(Fault::AcceptIgnored) {
        return error(
            &app,
            StatusCode::NOT_ACCEPTABLE,
            ErrorCode::NotAcceptable,
            "send Accept: application/vnd.signalzen.v1+json",
        );
    }
    let n = app.requests.fetch_add(1, Ordering::Relaxed);
    if app.has(Fault::NoRetryAfter) && n % 3 == 2 {
        return error(
            &app,
            StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::TooManyRequests,
            "too many requests",
        );
    }
    if let Some(retry) = over_limit(&app, site) {
        let mut r = error(
            &app,
            StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::TooManyRequests,
            "too many requests for this API secret; retry after the time in Retry-After",
        );
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(retry));
        return r;
    }
    if app.has(Fault::ServerError) && limit_is_seven(req.uri().query()) {
        return error(
            &app,
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::InternalServerError,
            "the sandbox failed on purpose (server-error fault)",
        );
    }
    req.extensions_mut().insert(Tenant(site));
    next.run(req).await
}

/// The `server-error` fault's trigger: a valid value the live run sends.
fn limit_is_seven(query: Option<&str>) -> bool {
    query_pairs(query)
        .iter()
        .any(|(k, v)| k == "limit" && v == "7")
}

/// Seconds to wait when this request is over the per-secret limit.
fn over_limit(app: &App, site: i64) -> Option<u64> {
    let limit = app.rate_limit?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).ok()?;
    let second = now.as_secs();
    let mut windows = app.windows.lock().unwrap_or_else(|p| p.into_inner());
    let window = windows.entry(site).or_insert((second, 0));
    if window.0 != second {
        *window = (second, 0);
    }
    window.1 += 1;
    // Whole seconds, rounded up: the window ends at the next second.
    (window.1 > limit).then_some(1)
}

/// `limit` and `offset` as the contract wants them: integers, in bounds,
/// given at most once, never clamped (unless the fault says so).
fn page_params(app: &App, query: Option<&str>) -> Result<(i64, i64), String> {
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

/// The query's pairs, decoded, repeats kept.
fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

/// A plain decimal integer (`-` allowed; `+5`, `1.5`, ` 5` are not), for
/// path ids (anything else is 404) and paging parameters (anything else is 400).
fn integer(text: &str) -> Option<i64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

fn bad_request(app: &App, message: &str) -> Response {
    error(app, StatusCode::BAD_REQUEST, ErrorCode::BadRequest, message)
}

fn missing(app: &App, what: &str) -> Response {
    error(
        app,
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        &format!("no such {what}"),
    )
}

/// The rows a list fault asks for instead of (limit, offset).
fn list_window(app: &App, limit: i64, offset: i64) -> (i64, i64) {
    if app.has(Fault::OffsetOffByOne) {
        (limit, offset + 1)
    } else if app.has(Fault::RepeatedItem) && offset > 0 {
        (limit, offset - 1)
    } else {
        (limit, offset)
    }
}

/// Serializes a body, through `Value` only when a fault must edit it.
fn body<T: Serialize>(app: &App, value: &T, edit: impl FnOnce(&mut Value)) -> Vec<u8> {
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

fn edit_user(app: &App, user: &mut Value) {
    if app.has(Fault::NullRequired) {
        user["created_at"] = Value::Null;
    }
}

fn edit_message(app: &App, message: &mut Value) {
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

fn edit_list(app: &App, page: &mut Value, field: &str, each: impl Fn(&mut Value)) {
    if let Some(items) = page.get_mut(field).and_then(Value::as_array_mut) {
        items.iter_mut().for_each(each);
        if app.has(Fault::UnstableOrder) {
            items.reverse();
        }
    }
}

/// A 307 to the same path on another host name (`localhost` for `127.0.0.1`).
fn redirect_offsite(app: &App, req_path: &str, query: Option<&str>) -> Response {
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
async fn list_faults(app: &App, path: &str, query: Option<&str>) -> Option<Response> {
    if app.has(Fault::RedirectOffsite) {
        return Some(redirect_offsite(app, path, query));
    }
    if app.has(Fault::Slow) {
        tokio::time::sleep(Duration::from_secs(3)).await;
    }
    None
}

/// The refusals every operation documents: the gate's (401, 406, 429) and
/// the server's own failures, each an `Error` under both media types.
struct Refusals;

impl utoipa::IntoResponses for Refusals {
    fn responses() -> std::collections::BTreeMap<
        String,
        utoipa::openapi::RefOr<utoipa::openapi::response::Response>,
    > {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder, header::HeaderBuilder};
        [
            (401, "No valid API secret."),
            (406, "The Accept header does not list the v1 media type."),
            (429, "Over the rate limit."),
            (500, "A server error."),
            (503, "Unavailable."),
        ]
        .into_iter()
        .map(|(status, description)| {
            let error = || {
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("Error")))
                    .build()
            };
            let mut response = ResponseBuilder::new()
                .description(description)
                .content(MEDIA_TYPE, error())
                .content("application/json", error());
            if status == 429 {
                let seconds = utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::Type::Integer)
                    .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                        utoipa::openapi::KnownFormat::Int64,
                    )));
                response = response.header(
                    "Retry-After",
                    HeaderBuilder::new()
                        .schema(Some(seconds))
                        .description(Some("Seconds to wait."))
                        .build(),
                );
            }
            (status.to_string(), response.build().into())
        })
        .collect()
    }
}

/// The query parameters of both lists, for the generated document.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct PageQuery {
    /// How many items to skip. Must be an integer of 0 or more; a negative,
    /// non-integer, empty or repeated value gets 400 (never clamped).
    #[param(minimum = 0, default = 0)]
    offset: Option<i64>,
    /// The page size, 1 to 99. A value outside that range, a non-integer,
    /// an empty or a repeated value gets 400 (never clamped).
    #[param(minimum = 1, maximum = 99, default = 50)]
    limit: Option<i32>,
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
    responses(
        (status = 200, description = "A page of users.", content(
            (UsersPage = "application/vnd.signalzen.v1+json"),
            (UsersPage = "application/json"))),
        (status = 400, description = "A bad query parameter.", content((Error = "application/vnd.signalzen.v1+json"), (Error = "application/json"))),
        Refusals,
    ),
    security(("apiSecret" = [])),
)]
async fn list_users(
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
fn find_user(app: &App, site: i64, user: i64) -> Result<Option<User>, StoreError> {
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
fn owner(app: &App, site: i64, user: i64) -> Result<Option<i64>, StoreError> {
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
async fn get_user(
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

fn html(app: &App) -> Response {
    json_response(
        StatusCode::OK,
        app,
        b"<html><body>Service temporarily unavailable</body></html>".to_vec(),
    )
}

/// The stored message as v1 shows it: `file_url` signed for this response.
pub(crate) fn present(app: &App, stored: StoredMessage) -> signalzen_models::Message {
    let mut message = stored.message;
    message.file_url = stored.attachment.map(|path| {
        let lifetime = app.lifetime.as_secs() as i64;
        let expires = if app.has(Fault::ExpiredFileUrl) {
            unix_now() - 60
        } else {
            unix_now() + lifetime
        };
        format!(
            "{}/files/{path}?{}",
            app.origin,
            app.signer.query(&path, expires)
        )
    });
    message
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
async fn list_messages(
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
async fn get_message(
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
type PathText = Result<Path<String>, PathRejection>;

fn text(parameter: PathText) -> String {
    parameter.map(|Path(s)| s).unwrap_or_default()
}

/// An attachment behind a signed link: no API secret, 403 once expired.
async fn file(
    State(app): Shared,
    Path(path): Path<String>,
    RawQuery(query): RawQuery,
    method: Method,
) -> Response {
    let pairs = query_pairs(query.as_deref());
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let expires = get("expires").and_then(|e| e.parse::<i64>().ok());
    let signature = get("signature");
    let (Some(expires), Some(signature)) = (expires, signature) else {
        return error(
            &app,
            StatusCode::FORBIDDEN,
            ErrorCode::Forbidden,
            "the link is not signed",
        );
    };
    if let Err(refusal) = app.signer.verify(&path, expires, signature, unix_now()) {
        let message = match refusal {
            crate::signing::Refusal::Expired => "the link has expired",
            crate::signing::Refusal::BadSignature => "the link's signature is wrong",
        };
        return error(&app, StatusCode::FORBIDDEN, ErrorCode::Forbidden, message);
    }
    match app.with_store(|s| s.attachment_exists(&path)) {
        Ok(true) => {}
        Ok(false) => return missing(&app, "file"),
        Err(e) => return internal(&app, &e),
    }
    let content = if method == Method::HEAD {
        Vec::new()
    } else {
        format!("%PDF-1.4\n% SignalZen sandbox attachment {path}\n%%EOF\n").into_bytes()
    };
    let mut r = Response::new(Body::from(content));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    r
}

/// The OpenAPI document the handlers above describe (see the agreement test).
#[derive(OpenApi)]
#[openapi(
    info(title = "SignalZen external API", version = "1"),
    servers((url = "https://api.signalzen.com/external")),
    paths(list_users, get_user, list_messages, get_message),
    components(schemas(Error, UsersPage, MessagesPage, User, signalzen_models::Message)),
    modifiers(&BearerSecret),
    security(("apiSecret" = [])),
)]
pub struct ApiDoc;

struct BearerSecret;

impl utoipa::Modify for BearerSecret {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "apiSecret",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}
