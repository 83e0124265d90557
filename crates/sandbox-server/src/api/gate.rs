//! The request gate, in the contract's order: credentials (401), Accept
//! (406), the rate limit (429), with the fault modes that break each.

use std::sync::atomic::Ordering;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use signalzen_models::ErrorCode;

use super::MEDIA_TYPE;
use super::{Shared, Tenant, error, query_pairs};
use crate::auth::bearer;
use crate::{App, Fault};

/// Whether some Accept header lists the v1 media type (with q above 0).
pub(super) fn accepts_v1(headers: &HeaderMap) -> bool {
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

/// 401, then 406, then the rate limit, before any route runs.
pub(super) async fn gate(State(app): Shared, mut req: Request, next: Next) -> Response {
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
pub(super) fn limit_is_seven(query: Option<&str>) -> bool {
    query_pairs(query)
        .iter()
        .any(|(k, v)| k == "limit" && v == "7")
}

/// Seconds to wait when this request is over the per-secret limit.
pub(super) fn over_limit(app: &App, site: i64) -> Option<u64> {
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
