//! The v1 routes, the request rules in the order the contract gives them
//! (401, 406, 400, 404), and the fault modes.

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use sandbox_store::StoreError;
use signalzen_models::{Error, ErrorCode};

use crate::{App, BASE_PATH, Fault};
use files::file;
use gate::gate;
use handlers::{get_message, get_user, list_messages, list_users};

mod doc;
mod faults;
mod files;
mod gate;
mod handlers;
mod refusals;

pub use doc::ApiDoc;

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
