//! `response.secret`: an answer must never carry the credential the
//! request presented, in any header or anywhere in the body, whole or as
//! part of a longer string. The report redacts secrets, so without this
//! check an echoing server would pass with its echo hidden.

use base64::Engine as _;
use openapi_model::{Operation, Scheme};
use serde_json::Value;

use crate::{Check, CheckResult, Exchange, Finding, Outcome};

/// Shorter values are not searched for: a credential of a few characters
/// would be "found" in ordinary data. Real API secrets are far longer.
pub(crate) const MIN_SECRET_CHARS: usize = 8;

/// The credentials a request presents, wherever the operation's security
/// schemes (or a plain `Authorization` header) put them. Basic credentials
/// count decoded too, and their password alone.
pub(crate) fn presented(
    op: &Operation,
    ex: &Exchange<'_>,
    query: &[(String, String)],
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if let Some((_, credential)) =
        har::header(ex.request_headers, "authorization").and_then(|a| a.trim().split_once(' '))
    {
        out.push(credential.trim().to_string());
        out.extend(basic_parts(credential.trim()));
    }
    // Authorization was taken whole above, whatever its scheme word.
    let header = |name: &str| har::header(ex.request_headers, name);
    for scheme in op.security.iter().flatten() {
        if !matches!(scheme, Scheme::Http(_) | Scheme::Bearer) {
            out.extend(scheme.presented(&header, query));
        }
    }
    searchable(out)
}

/// What `response.secret` looks for: the presented credentials and the
/// secrets the run knows to be valid.
pub(crate) fn with_known(presented: &[String], known: &[String]) -> Vec<String> {
    searchable(presented.iter().chain(known).cloned().collect())
}

/// Long enough to search for, not a redaction marker; sorted, no repeats.
fn searchable(mut out: Vec<String>) -> Vec<String> {
    out.retain(|s| s.chars().count() >= MIN_SECRET_CHARS && s != har::REDACTED);
    out.sort();
    out.dedup();
    out
}

/// `user:password` and `password` of a Basic credential.
fn basic_parts(credential: &str) -> Vec<String> {
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(credential)
        .ok()
        .and_then(|b| String::from_utf8(b).ok());
    match decoded
        .as_deref()
        .and_then(|d| Some((d, d.split_once(':')?)))
    {
        Some((whole, (_, password))) => vec![whole.to_string(), password.to_string()],
        None => Vec::new(),
    }
}

/// The forms a secret takes in transit: as sent, percent-encoded (in a
/// URL) and JSON-escaped (in a body that is not JSON or does not parse).
fn forms(secret: &str) -> Vec<String> {
    let mut forms = vec![secret.to_string()];
    let encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    let json = serde_json::to_string(secret).unwrap_or_default();
    for form in [encoded, json.trim_matches('"').to_string()] {
        if !forms.contains(&form) {
            forms.push(form);
        }
    }
    forms
}

/// The verdict on one answer; `None` when the request presented no credential.
pub(crate) fn check(
    secrets: &[String],
    ex: &Exchange<'_>,
    body: Option<&Value>,
) -> Option<CheckResult> {
    if secrets.is_empty() {
        return None;
    }
    let forms: Vec<String> = secrets.iter().flat_map(|s| forms(s)).collect();
    let carries = |text: &str| forms.iter().any(|f| text.contains(f.as_str()));
    let mut findings = Vec::new();
    for h in ex.response_headers {
        if carries(&h.value) {
            findings.push(crate::finding(
                "",
                format!(
                    "the response header {} carries the request's credential",
                    h.name
                ),
            ));
        }
    }
    // Parsed strings catch escapes the raw text hides (`\/`, `\u0041`).
    let mut pointers = Vec::new();
    if let Some(body) = body {
        strings_carrying(body, "", &carries, &mut pointers);
    }
    let raw = ex.body.map(String::from_utf8_lossy).unwrap_or_default();
    if !pointers.is_empty() || carries(&raw) {
        if pointers.is_empty() {
            pointers.push(String::new());
        }
        findings.extend(pointers.into_iter().map(|pointer| Finding {
            pointer,
            message: "the response body carries the request's credential".into(),
            value: None,
        }));
    }
    Some(crate::result(
        Check::ResponseSecret,
        findings,
        Outcome::Fail,
    ))
}

/// Pointers of the string values (and object keys) that carry a secret.
fn strings_carrying(
    value: &Value,
    at: &str,
    carries: &dyn Fn(&str) -> bool,
    out: &mut Vec<String>,
) {
    match value {
        Value::String(s) if carries(s) => out.push(at.to_string()),
        Value::Object(map) => {
            for (k, v) in map {
                let here = openapi_spec::pointer::push(at, k);
                if carries(k) {
                    out.push(here.clone());
                }
                strings_carrying(v, &here, carries, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                strings_carrying(v, &format!("{at}/{i}"), carries, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Outcome;

    fn op(schemes: Vec<Scheme>) -> Operation {
        let doc = openapi_spec::load_str(
            r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
              "paths": {"/x": {"get": {"operationId": "x", "responses": {"200": {"description": "ok"}}}}}}"#,
            std::path::Path::new("t.json"),
            true,
            &Default::default(),
        )
        .unwrap();
        let mut op = openapi_model::Model::build(&doc, None)
            .unwrap()
            .operations
            .remove(0);
        op.security = vec![schemes];
        op
    }

    fn exchange<'a>(
        request: &'a [har::Header],
        response: &'a [har::Header],
        body: &'a [u8],
    ) -> Exchange<'a> {
        Exchange {
            method: "GET",
            url: "/x",
            request_headers: request,
            credentials: None,
            status: 200,
            response_headers: response,
            mime_type: "application/json",
            body: Some(body),
        }
    }

    fn verdict(op: &Operation, ex: &Exchange<'_>, query: &[(String, String)]) -> Option<Outcome> {
        let secrets = presented(op, ex, query);
        let body = ex.body.and_then(|b| serde_json::from_slice(b).ok());
        check(&secrets, ex, body.as_ref()).map(|r| r.outcome)
    }

    #[test]
    fn api_keys_in_the_query_and_in_a_cookie_are_looked_for() {
        let secret = "query-key-0123456789";
        let query = vec![("api_key".to_string(), secret.to_string())];
        let op_query = op(vec![Scheme::ApiKeyQuery("api_key".into())]);
        let echoed = format!(r#"{{"next": "https://api.example.com/x?api_key={secret}"}}"#);
        assert_eq!(
            verdict(&op_query, &exchange(&[], &[], echoed.as_bytes()), &query),
            Some(Outcome::Fail)
        );
        assert_eq!(
            verdict(&op_query, &exchange(&[], &[], b"{}"), &query),
            Some(Outcome::Pass)
        );

        let cookie = [har::Header::new(
            "Cookie",
            "a=1; session=cookie-secret-0123456789",
        )];
        let op_cookie = op(vec![Scheme::ApiKeyCookie("session".into())]);
        let leak = [har::Header::new(
            "Set-Cookie",
            "echo=cookie-secret-0123456789",
        )];
        assert_eq!(
            verdict(&op_cookie, &exchange(&cookie, &leak, b"{}"), &[]),
            Some(Outcome::Fail)
        );
        assert_eq!(
            verdict(&op_cookie, &exchange(&cookie, &[], b"{}"), &[]),
            Some(Outcome::Pass)
        );
    }

    #[test]
    fn encoded_forms_short_values_and_no_credentials() {
        let op = op(vec![Scheme::Bearer]);
        let auth = [har::Header::new(
            "Authorization",
            "Bearer a/b+c=d 0123456789",
        )];
        // The credential is everything after the scheme word.
        let escaped = br#"{"s": "a\/b+c=d 0123456789"}"#;
        assert_eq!(
            verdict(&op, &exchange(&auth, &[], escaped), &[]),
            Some(Outcome::Fail)
        );
        let encoded = [har::Header::new(
            "Location",
            "/next?t=a%2Fb%2Bc%3Dd+0123456789",
        )];
        assert_eq!(
            verdict(&op, &exchange(&auth, &encoded, b"{}"), &[]),
            Some(Outcome::Fail)
        );
        let short = [har::Header::new("Authorization", "Bearer abc")];
        assert_eq!(
            verdict(&op, &exchange(&short, &[], br#"{"s": "abc"}"#), &[]),
            None
        );
        assert_eq!(verdict(&op, &exchange(&[], &[], b"{}"), &[]), None);
    }

    #[test]
    fn findings_name_the_place_never_the_value() {
        let op = op(vec![Scheme::Http("basic".into())]);
        let credential =
            base64::engine::general_purpose::STANDARD.encode("user:password-0123456789");
        let auth = [har::Header::new(
            "Authorization",
            format!("Basic {credential}"),
        )];
        let body = br#"{"items": [{"note": "pw password-0123456789"}]}"#;
        let ex = exchange(&auth, &[], body);
        let secrets = presented(&op, &ex, &[]);
        let parsed: Value = serde_json::from_slice(body).unwrap();
        let result = check(&secrets, &ex, Some(&parsed)).unwrap();
        assert_eq!(result.findings.len(), 1);
        assert_eq!(result.findings[0].pointer, "/items/0/note");
        assert!(result.findings[0].value.is_none());
        assert!(!result.findings[0].message.contains("password-0123456789"));
    }
}
