//! The request side: was a request the API should have rejected (no or
//! wrong credentials, a missing Accept media type, a bad query parameter)
//! rejected with the documented status, in the documented precedence? And
//! was a good request not rejected for that reason?

use base64::Engine as _;
use serde_json::Value;

use crate::{Check, CheckResult, Credentials, Exchange, Finding, Outcome};
use openapi_model::{Operation, Rules, ScalarKind, Scheme};

pub(crate) struct RequestChecks {
    pub results: Vec<CheckResult>,
    pub parameters_invalid: bool,
    /// The document says the API must refuse the request.
    pub rejected: bool,
}

/// An operation's query parameters with their compiled validators.
#[derive(Clone, Copy)]
pub(crate) struct Parameters<'a> {
    op: &'a Operation,
    /// One per `op.query`.
    validators: &'a [Option<jsonschema::Validator>],
}

impl<'a> Parameters<'a> {
    pub fn new(op: &'a Operation, validators: &'a [Option<jsonschema::Validator>]) -> Self {
        Parameters { op, validators }
    }
}

/// What the request's credentials look like.
enum Auth {
    NotRequired,
    Missing,
    OtherScheme(String),
    Presented(Vec<String>),
}

/// A reason the API must reject the request.
struct Rejection {
    check: Check,
    status: Option<u16>,
    reason: String,
}

/// What is wrong with the request, side by side: each `None` means fine.
struct Problems {
    auth: Auth,
    validity: Option<Credentials>,
    auth_bad: Option<String>,
    accept_bad: Option<String>,
    parameters: Vec<String>,
}

pub(crate) fn check(
    rules: &Rules,
    params: Parameters<'_>,
    ex: &Exchange<'_>,
    query: &[(String, String)],
    valid_secrets: &[String],
) -> RequestChecks {
    let problems = problems(rules, params, ex, query, valid_secrets);
    let rejections = rejections(rules, &problems);
    let mut results = Vec::new();
    if let Some(first) = rejections.first() {
        let findings = rejection_findings(rules, first, rejections.len(), ex.status);
        results.push(crate::result(first.check, findings, Outcome::Fail));
    }
    // The fine sides are judged only when nothing must be refused: a
    // refusal owed for one reason says nothing about the others.
    if rejections.is_empty() {
        for check in [
            Check::RequestAuth,
            Check::RequestAccept,
            Check::RequestParameters,
        ] {
            let applies = match check {
                Check::RequestAuth => !matches!(problems.auth, Auth::NotRequired),
                Check::RequestAccept => rules.accept_media_type.is_some(),
                _ => !params.op.query.is_empty(),
            };
            if applies {
                let findings = fine_side_findings(rules, &problems, check, ex.status);
                results.push(crate::result(check, findings, Outcome::Fail));
            }
        }
    }
    results.sort_by_key(|r| r.check);
    RequestChecks {
        results,
        parameters_invalid: !problems.parameters.is_empty(),
        rejected: !rejections.is_empty(),
    }
}

fn problems(
    rules: &Rules,
    params: Parameters<'_>,
    ex: &Exchange<'_>,
    query: &[(String, String)],
    valid_secrets: &[String],
) -> Problems {
    let auth = auth(params.op, ex, query);
    let validity = match (&auth, ex.credentials) {
        (_, Some(c)) => Some(c),
        (Auth::Presented(values), None) if !valid_secrets.is_empty() => {
            if values.iter().all(|v| is_known(v, valid_secrets)) {
                Some(Credentials::Valid)
            } else {
                Some(Credentials::Invalid)
            }
        }
        _ => None,
    };
    let auth_bad = match &auth {
        Auth::NotRequired => None,
        Auth::Missing => Some("the request has no credentials".to_string()),
        Auth::OtherScheme(s) => Some(format!(
            "the request's credentials use another scheme ({s})"
        )),
        Auth::Presented(_) if validity == Some(Credentials::Invalid) => {
            Some("the request carries a wrong secret".to_string())
        }
        Auth::Presented(_) => None,
    };
    let accept_bad = rules
        .accept_media_type
        .as_deref()
        .and_then(|m| accept_problem(ex, m));
    Problems {
        auth,
        validity,
        auth_bad,
        accept_bad,
        parameters: parameter_problems(params, query),
    }
}

/// The reasons the API must reject the request, in the document's status
/// precedence (stable: auth, accept, parameters when unranked).
fn rejections(rules: &Rules, problems: &Problems) -> Vec<Rejection> {
    let parameters = (!problems.parameters.is_empty()).then(|| problems.parameters.join("; "));
    let mut rejections: Vec<Rejection> = [
        (
            Check::RequestAuth,
            rules.unauthorized_status,
            &problems.auth_bad,
        ),
        (
            Check::RequestAccept,
            rules.not_acceptable_status,
            &problems.accept_bad,
        ),
        (
            Check::RequestParameters,
            rules.bad_request_status,
            &parameters,
        ),
    ]
    .into_iter()
    .filter_map(|(check, status, reason)| {
        Some(Rejection {
            check,
            status,
            reason: reason.clone()?,
        })
    })
    .collect();
    let rank = |r: &Rejection| {
        r.status
            .and_then(|s| rules.precedence.iter().position(|p| *p == s))
            .unwrap_or(usize::MAX)
    };
    rejections.sort_by_key(rank);
    rejections
}

/// The first rejection's verdict: was the request refused as it must be?
fn rejection_findings(rules: &Rules, first: &Rejection, count: usize, status: u16) -> Vec<Finding> {
    let ok = rules.is_rate_limited(status)
        || match first.status {
            Some(s) => status == s,
            None => (400..500).contains(&status),
        };
    if ok {
        return Vec::new();
    }
    let want = first
        .status
        .map(|s| s.to_string())
        .unwrap_or_else(|| "a 4xx status".into());
    let message = if (200..300).contains(&status) {
        format!(
            "{}, yet it was answered {status}: the API must reject it with {want}",
            first.reason
        )
    } else if count > 1 || first.status.is_some() {
        format!(
            "{}: expected {want} (the document's status precedence puts it first), got {status}",
            first.reason
        )
    } else {
        format!("{}: expected {want}, got {status}", first.reason)
    };
    vec![crate::finding("", message)]
}

/// A side of the request that is fine must not be the reason for a refusal.
fn fine_side_findings(
    rules: &Rules,
    problems: &Problems,
    check: Check,
    status: u16,
) -> Vec<Finding> {
    let (fine, rejected_with, what) = match check {
        Check::RequestAuth => (
            problems.auth_bad.is_none() && problems.validity == Some(Credentials::Valid),
            rules.unauthorized_status,
            "the credentials are valid",
        ),
        Check::RequestAccept => (
            problems.accept_bad.is_none(),
            rules.not_acceptable_status,
            "the Accept header lists the required media type",
        ),
        _ => (
            problems.parameters.is_empty(),
            rules.bad_request_status,
            "every query parameter is valid",
        ),
    };
    match rejected_with {
        Some(s) if fine && status == s && !rules.is_rate_limited(status) => {
            vec![crate::finding(
                "",
                format!("{what}, yet the answer is {status}"),
            )]
        }
        _ => Vec::new(),
    }
}

fn is_known(value: &str, valid: &[String]) -> bool {
    if valid.iter().any(|v| v == value) {
        return true;
    }
    // Basic: the decoded "user:password", or its password alone.
    base64::engine::general_purpose::STANDARD
        .decode(value)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .is_some_and(|t| {
            valid.contains(&t)
                || t.split_once(':')
                    .is_some_and(|(_, p)| valid.iter().any(|v| v == p))
        })
}

fn auth(op: &Operation, ex: &Exchange<'_>, query: &[(String, String)]) -> Auth {
    if op.security.is_empty() {
        return Auth::NotRequired;
    }
    let authorization = har::header(ex.request_headers, "authorization")
        .map(str::trim)
        .filter(|a| !a.is_empty());
    let header = |name: &str| har::header(ex.request_headers, name);
    let mut other_scheme = None;
    for alternative in &op.security {
        let mut values = Vec::new();
        for scheme in alternative {
            let value = scheme.presented(&header, query);
            if value.is_none()
                && let Scheme::Http(word) = scheme
            {
                other_scheme = other_scheme.or_else(|| other_word(authorization, word));
            }
            match value {
                Some(v) => values.push(v),
                None => {
                    values.clear();
                    break;
                }
            }
        }
        if !values.is_empty() {
            return Auth::Presented(values);
        }
    }
    match other_scheme {
        Some(s) => Auth::OtherScheme(s),
        None => Auth::Missing,
    }
}

/// The scheme word of an Authorization header that is not `word` (a lone
/// word other than `word` is shown cut short): the request used another
/// HTTP scheme. "Bearer" with no credential is no credential.
fn other_word(authorization: Option<&str>, word: &str) -> Option<String> {
    let a = authorization?;
    match a.split_once(' ') {
        Some((s, _)) => (!s.eq_ignore_ascii_case(word)).then(|| s.to_string()),
        None => {
            (!a.eq_ignore_ascii_case(word)).then(|| a.chars().take(12).collect::<String>() + "…")
        }
    }
}

fn accept_problem(ex: &Exchange<'_>, media: &str) -> Option<String> {
    let values: Vec<&str> = ex
        .request_headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("accept"))
        .map(|h| h.value.as_str())
        .collect();
    if values.is_empty() {
        return Some(format!(
            "the request has no Accept header (it must list {media})"
        ));
    }
    let joined = values.join(", ");
    let listed = joined.split(',').any(|range| {
        let mut parts = range.split(';');
        let essence = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let refused = parts.any(|p| {
            p.trim()
                .strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f64>().ok())
                == Some(0.0)
        });
        essence == media && !refused
    });
    (!listed).then(|| format!("the request's Accept header ({joined:?}) does not list {media}"))
}

/// Every way the query breaks its documented parameters.
fn parameter_problems(params: Parameters<'_>, query: &[(String, String)]) -> Vec<String> {
    let mut problems = Vec::new();
    for (p, validator) in params.op.query.iter().zip(params.validators) {
        let given: Vec<&str> = query
            .iter()
            .filter(|(k, _)| *k == p.name)
            .map(|(_, v)| v.as_str())
            .collect();
        match given.as_slice() {
            [] if p.required => problems.push(format!("{} is required but missing", p.name)),
            [] => {}
            [one] => {
                if let Err(e) = coerce(p.kind, one).and_then(|v| match validator {
                    Some(validator) => match validator.iter_errors(&v).next() {
                        Some(e) => Err(e.masked_with(v.to_string()).to_string()),
                        None => Ok(()),
                    },
                    None => Ok(()),
                }) {
                    problems.push(format!("{} is {one:?}: {e}", p.name));
                }
            }
            many => problems.push(format!("{} is given {} times", p.name, many.len())),
        }
    }
    problems
}

/// A query string value as the JSON value its schema type expects.
pub(crate) fn coerce(kind: ScalarKind, text: &str) -> Result<Value, String> {
    match kind {
        ScalarKind::Integer => text
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| "not an integer".to_string()),
        ScalarKind::Number => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| "not a number".to_string()),
        ScalarKind::Boolean => match text {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err("not true or false".into()),
        },
        ScalarKind::String => Ok(Value::String(text.to_string())),
    }
}

/// The effective value of a query parameter: the one given (when valid) or
/// the documented default.
pub(crate) fn effective(op: &Operation, query: &[(String, String)], name: &str) -> Option<Value> {
    let p = op.query.iter().find(|p| p.name == name)?;
    match query.iter().find(|(k, _)| *k == name) {
        Some((_, v)) => coerce(p.kind, v).ok(),
        None => p.default.clone(),
    }
}
