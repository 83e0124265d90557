//! The document-wide `x-contract` rules: what OpenAPI 3.0 cannot say about
//! requests and refusals (the Accept media type, status precedence, rate
//! limits, signed links).

use serde_json::Value;

/// How a request with an undocumented method is refused (`methodNotAllowed`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodNotAllowed {
    /// The refusal's status.
    pub status: u16,
    /// The `Allow` header's expected value, when the document states it.
    pub allow: Option<String>,
}

/// How a rate-limited request is refused (`rateLimited`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimit {
    /// The refusal's status.
    pub status: u16,
    /// The header saying how long to wait (`Retry-After`), when stated.
    pub retry_after_header: Option<String>,
}

/// The `x-contract` rules, all optional.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    /// The media type every request must accept (lowercased).
    pub accept_media_type: Option<String>,
    /// The status for missing or wrong credentials.
    pub unauthorized_status: Option<u16>,
    /// The status for a request that does not accept `accept_media_type`.
    pub not_acceptable_status: Option<u16>,
    /// The status for invalid parameters.
    pub bad_request_status: Option<u16>,
    /// When a request breaks several rules, which refusal wins (first first).
    pub precedence: Vec<u16>,
    /// How undocumented methods are refused.
    pub method_not_allowed: Option<MethodNotAllowed>,
    /// Undocumented response fields fail instead of warn.
    pub unknown_fields_fail: bool,
    /// How rate-limited requests are refused.
    pub rate_limited: Option<RateLimit>,
    /// Properties holding signed links a client may fetch without the API secret.
    pub signed_url_properties: Vec<String>,
    /// How long a signed link stays valid.
    pub signed_url_lifetime_seconds: Option<u64>,
}

impl Rules {
    /// A rate-limit refusal may answer any request, so the request rules
    /// are not judged on it.
    pub fn is_rate_limited(&self, status: u16) -> bool {
        self.rate_limited
            .as_ref()
            .is_some_and(|r| r.status == status)
    }

    /// Reads `x-contract` from the document root; absent: no rules.
    pub(crate) fn read(raw: &Value) -> Rules {
        let Some(x) = raw.get("x-contract") else {
            return Rules::default();
        };
        let status = |k: &str| status_of(x.get(k));
        let string = |v: Option<&Value>, k: &str| {
            v.and_then(|v| v.get(k))
                .and_then(Value::as_str)
                .map(String::from)
        };
        Rules {
            accept_media_type: string(Some(x), "acceptMediaType").map(|m| m.to_ascii_lowercase()),
            unauthorized_status: status("unauthorizedStatus"),
            not_acceptable_status: status("notAcceptableStatus"),
            bad_request_status: status("badRequestStatus"),
            precedence: x
                .get("statusPrecedence")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(|s| status_of(Some(s))).collect())
                .unwrap_or_default(),
            method_not_allowed: x.get("methodNotAllowed").and_then(|m| {
                Some(MethodNotAllowed {
                    status: status_of(m.get("status"))?,
                    allow: string(Some(m), "allow"),
                })
            }),
            unknown_fields_fail: x.get("unknownFields").and_then(Value::as_str) == Some("fail"),
            rate_limited: x.get("rateLimited").and_then(|r| {
                Some(RateLimit {
                    status: status_of(r.get("status"))?,
                    retry_after_header: string(Some(r), "retryAfterHeader"),
                })
            }),
            signed_url_properties: strings(x.get("signedUrlProperties")),
            signed_url_lifetime_seconds: x.get("signedUrlLifetimeSeconds").and_then(Value::as_u64),
        }
    }
}

fn status_of(v: Option<&Value>) -> Option<u16> {
    v.and_then(Value::as_u64)
        .and_then(|s| u16::try_from(s).ok())
}

/// A list of strings; anything else is skipped.
pub(crate) fn strings(x: Option<&Value>) -> Vec<String> {
    x.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(String::from)
        .collect()
}
