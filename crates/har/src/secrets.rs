//! Secret hygiene: which header, query and cookie values are secrets, how to
//! collect them from an entry, and how to scrub them from any text before it
//! is printed, reported, snapshotted or written.

use std::borrow::Cow;
use std::collections::BTreeSet;

use base64::Engine as _;

use crate::{Entry, Header};

/// What replaces a secret.
pub const REDACTED: &str = "[REDACTED]";

/// Secrets shorter than this are not scrubbed from free text (a one-letter
/// "secret" would erase half the report); their headers are still redacted.
const MIN_SCRUB_LEN: usize = 3;

/// Names whose values are secrets (compared case-insensitively).
#[derive(Debug, Clone)]
pub struct SensitiveNames {
    headers: BTreeSet<String>,
    query: BTreeSet<String>,
}

impl Default for SensitiveNames {
    fn default() -> Self {
        let headers = [
            "authorization",
            "proxy-authorization",
            "cookie",
            "set-cookie",
            "api-key",
            "x-api-key",
            "x-auth-token",
            "x-access-token",
            "x-csrf-token",
        ];
        let query = [
            "api_key",
            "apikey",
            "api-key",
            "access_token",
            "token",
            "secret",
        ];
        SensitiveNames {
            headers: headers.into_iter().map(String::from).collect(),
            query: query.into_iter().map(String::from).collect(),
        }
    }
}

impl SensitiveNames {
    /// Adds a header (e.g. an `apiKey` security scheme's header name).
    pub fn with_header(mut self, name: &str) -> Self {
        self.headers.insert(name.to_ascii_lowercase());
        self
    }

    /// Adds a query parameter name.
    pub fn with_query(mut self, name: &str) -> Self {
        self.query.insert(name.to_ascii_lowercase());
        self
    }

    /// Whether a header of this name carries a secret.
    pub fn is_header(&self, name: &str) -> bool {
        self.headers.contains(&name.to_ascii_lowercase())
    }

    /// Whether a query parameter of this name carries a secret.
    pub fn is_query(&self, name: &str) -> bool {
        self.query.contains(&name.to_ascii_lowercase())
    }
}

/// Known secret values; scrubs them out of text.
#[derive(Debug, Clone, Default)]
pub struct SecretSet {
    /// Longest first, so a secret containing another is replaced whole.
    values: Vec<String>,
}

impl SecretSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a secret (ignored when empty or already known).
    pub fn insert(&mut self, secret: &str) {
        let secret = secret.trim();
        if secret.is_empty() || secret == REDACTED || self.values.iter().any(|v| v == secret) {
            return;
        }
        self.values.push(secret.to_string());
        self.values.sort_by_key(|v| std::cmp::Reverse(v.len()));
    }

    /// Adds every secret an entry's request and response carry.
    pub fn collect(&mut self, entry: &Entry, names: &SensitiveNames) {
        for h in &entry.request.headers {
            if names.is_header(&h.name) {
                self.insert_header_value(&h.name, &h.value);
            }
        }
        for q in &entry.request.query_string {
            if names.is_query(&q.name) {
                self.insert(&q.value);
            }
        }
        // The URL's own query too: exporters do not always fill queryString.
        if let Some((_, query)) = entry.request.url.split_once('?') {
            let query = query.split('#').next().unwrap_or("");
            for pair in query.split('&') {
                let Some((k, v)) = url::form_urlencoded::parse(pair.as_bytes()).next() else {
                    continue;
                };
                if names.is_query(&k) {
                    // Both as decoded and as written in the URL.
                    self.insert(&v);
                    self.insert(pair.split_once('=').map_or("", |(_, raw)| raw));
                }
            }
        }
        for c in &entry.request.cookies {
            self.insert(&c.value);
        }
        if let Some(r) = &entry.response {
            for h in &r.headers {
                if names.is_header(&h.name) {
                    self.insert_header_value(&h.name, &h.value);
                }
            }
            for c in &r.cookies {
                self.insert(&c.value);
            }
        }
    }

    /// A header value, and the parts of it that are secrets on their own:
    /// the credential after an auth scheme, Basic's decoded user:password
    /// and password, cookie values.
    pub fn insert_header_value(&mut self, name: &str, value: &str) {
        self.insert(value);
        let lower = name.to_ascii_lowercase();
        if lower == "cookie" || lower == "set-cookie" {
            for part in value.split(';') {
                if let Some((_, v)) = part.split_once('=') {
                    self.insert(v);
                }
            }
            return;
        }
        if let Some((scheme, credential)) = value.trim().split_once(' ') {
            let credential = credential.trim();
            self.insert(credential);
            if scheme.eq_ignore_ascii_case("basic")
                && let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(credential)
                && let Ok(text) = String::from_utf8(bytes)
            {
                self.insert(&text);
                if let Some((_, password)) = text.split_once(':') {
                    self.insert(password);
                }
            }
        }
    }

    /// Whether the set holds no secret.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// `text` with every known secret replaced by [`REDACTED`].
    pub fn scrub<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out = Cow::Borrowed(text);
        for secret in self.values.iter().filter(|s| s.len() >= MIN_SCRUB_LEN) {
            if out.contains(secret.as_str()) {
                out = Cow::Owned(out.replace(secret.as_str(), REDACTED));
            }
        }
        out
    }

    /// Whether any known secret occurs in `text`.
    pub fn occurs_in(&self, text: &str) -> bool {
        self.values
            .iter()
            .filter(|s| s.len() >= MIN_SCRUB_LEN)
            .any(|s| text.contains(s.as_str()))
    }
}

/// Keeps an auth scheme word, redacts the credential: `Bearer [REDACTED]`.
fn redact_header_value(name: &str, value: &str) -> String {
    let lower = name.to_ascii_lowercase();
    if lower.contains("authorization")
        && let Some((scheme, _)) = value.trim().split_once(' ')
    {
        return format!("{scheme} {REDACTED}");
    }
    REDACTED.to_string()
}

fn redact_pairs(pairs: &mut [Header], sensitive: impl Fn(&str) -> bool, secrets: &SecretSet) {
    for p in pairs {
        if sensitive(&p.name) {
            p.value = redact_header_value(&p.name, &p.value);
        } else {
            p.value = secrets.scrub(&p.value).into_owned();
        }
    }
}

/// Removes every secret from an entry: sensitive headers, query values and
/// cookies are replaced, and any occurrence of those values elsewhere (the
/// URL, bodies, other headers) is scrubbed.
pub fn redact_entry(entry: &mut Entry, names: &SensitiveNames) {
    let mut secrets = SecretSet::new();
    secrets.collect(entry, names);
    let req = &mut entry.request;
    redact_pairs(&mut req.headers, |n| names.is_header(n), &secrets);
    redact_pairs(&mut req.query_string, |n| names.is_query(n), &secrets);
    for c in &mut req.cookies {
        c.value = REDACTED.into();
    }
    req.url = secrets.scrub(&req.url).into_owned();
    if let Some(post) = &mut req.post_data {
        scrub_json(post, &secrets);
    }
    if let Some(resp) = &mut entry.response {
        redact_pairs(&mut resp.headers, |n| names.is_header(n), &secrets);
        for c in &mut resp.cookies {
            c.value = REDACTED.into();
        }
        if let Some(text) = &mut resp.content.text {
            *text = secrets.scrub(text).into_owned();
        }
        resp.redirect_url = secrets.scrub(&resp.redirect_url).into_owned();
    }
    if let Some(comment) = &mut entry.comment {
        *comment = secrets.scrub(comment).into_owned();
    }
    for v in entry.custom.values_mut() {
        scrub_json(v, &secrets);
    }
}

/// Scrubs every string inside a JSON value, keys included.
pub fn scrub_json(value: &mut serde_json::Value, secrets: &SecretSet) {
    use serde_json::Value;
    match value {
        Value::String(s) if secrets.occurs_in(s) => {
            *s = secrets.scrub(s).into_owned();
        }
        Value::Array(a) => a.iter_mut().for_each(|v| scrub_json(v, secrets)),
        Value::Object(m) => {
            let taken = std::mem::take(m);
            for (k, mut v) in taken {
                scrub_json(&mut v, secrets);
                m.insert(secrets.scrub(&k).into_owned(), v);
            }
        }
        _ => {}
    }
}
