//! Sending one planned request: credentials placed as the document's
//! security scheme says, a timeout, bounded concurrency, 429s retried after
//! `Retry-After` within a budget, and redirects followed only on the API's
//! own origin. What was sent and received becomes a HAR entry.

use std::time::{Duration, Instant};

use base64::Engine as _;
use har::{Content, Entry, Header};
use openapi_model::{Credential, RateLimit, Scheme};
use serde_json::{Map, Value};

use crate::{LiveConfig, LiveError};

/// Credentials a request presents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Auth {
    /// The secret at this index of the configuration.
    Secret(usize),
    Missing,
    /// The right secret under another scheme (`Token` for `Bearer`).
    OtherScheme,
    /// A secret no website has.
    Wrong,
}

/// What Accept header a request sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Accept {
    /// The document's required media type (or JSON when it names none).
    Required,
    Missing,
    Other(&'static str),
}

/// Where the document puts the secret.
#[derive(Debug, Clone)]
pub(crate) enum Placement {
    Header { name: String, prefix: &'static str },
    Query(String),
    None,
}

impl Placement {
    pub fn from_schemes(security: &[Vec<Scheme>]) -> Placement {
        for alternative in security {
            if let [scheme] = alternative.as_slice() {
                match scheme.credential() {
                    Some(Credential::Header { name, prefix }) => {
                        return Placement::Header { name, prefix };
                    }
                    Some(Credential::Query(name)) => return Placement::Query(name),
                    _ => continue,
                }
            }
        }
        Placement::None
    }
}

/// A secret no real website has; reports scrub it like any other.
pub(crate) const WRONG_SECRET: &str = "contract-live-wrong-secret-0000";

#[derive(Debug, Clone)]
pub(crate) struct Req {
    pub method: &'static str,
    /// Below the base URL, e.g. `/users/5/messages`.
    pub path: String,
    /// In order; repeated and empty values are sent as given.
    pub query: Vec<(String, String)>,
    pub auth: Auth,
    pub accept: Accept,
    /// What the request is for, shown beside it in reports.
    pub note: Option<String>,
}

impl Req {
    pub fn get(path: String, auth: Auth) -> Req {
        Req {
            method: "GET",
            path,
            query: Vec::new(),
            auth,
            accept: Accept::Required,
            note: None,
        }
    }

    pub fn noted(mut self, note: impl Into<String>) -> Req {
        self.note = Some(note.into());
        self
    }
}

/// One HTTP answer, as a HAR entry, with what the planner needs.
pub(crate) struct Sent {
    pub entry: Entry,
    pub status: u16,
    /// The API redirected to another origin; not followed.
    pub offsite_redirect: Option<String>,
}

/// Everything one planned request led to.
pub(crate) struct Attempts {
    /// 429 answers that were retried.
    pub refused: Vec<Sent>,
    pub last: Result<Sent, Failed>,
    /// Why a rate-limit refusal could not be honoured, if so.
    pub rate_limit: Option<String>,
}

/// A request that got no usable answer.
pub(crate) struct Failed {
    pub entry: Entry,
    pub reason: String,
}

pub(crate) struct Client {
    http: reqwest::Client,
    base: url::Url,
    limiter: tokio::sync::Semaphore,
    placement: Placement,
    accept: String,
    rate_limit: Option<RateLimit>,
    secrets: Vec<String>,
    max_retries: u32,
    retry_budget: Duration,
    max_body: usize,
}

fn same_origin(a: &url::Url, b: &url::Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// Seconds from a Retry-After value: delta seconds or an HTTP date.
fn retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = when.timestamp() - chrono::Utc::now().timestamp();
    Some(Duration::from_secs(wait.max(0) as u64))
}

impl Client {
    pub fn new(
        config: &LiveConfig,
        placement: Placement,
        accept: String,
        rate_limit: Option<RateLimit>,
    ) -> Result<Client, LiveError> {
        // reqwest is built without a bundled crypto provider; ring is ours.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let base = url::Url::parse(config.base_url.trim_end_matches('/')).map_err(|source| {
            LiveError::BaseUrl {
                url: config.base_url.clone(),
                source,
            }
        })?;
        if !matches!(base.scheme(), "http" | "https") || !base.has_host() {
            return Err(LiveError::BaseUrlScheme {
                url: config.base_url.clone(),
            });
        }
        let origin = base.clone();
        let policy = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= 5 {
                attempt.error("more than 5 redirects")
            } else if same_origin(attempt.url(), &origin) {
                attempt.follow()
            } else {
                attempt.stop()
            }
        });
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .redirect(policy)
            .no_proxy()
            .user_agent(concat!("contract-live/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(LiveError::Http)?;
        Ok(Client {
            http,
            base,
            limiter: tokio::sync::Semaphore::new(config.concurrency.max(1)),
            placement,
            accept,
            rate_limit,
            secrets: config.secrets.clone(),
            max_retries: config.max_retries,
            retry_budget: config.retry_budget,
            max_body: config.max_body_bytes,
        })
    }

    pub fn placement(&self) -> &Placement {
        &self.placement
    }

    /// The URL of a request, query in the order given.
    fn url(&self, req: &Req, extra: Option<(&str, &str)>) -> String {
        let mut url = format!("{}{}", self.base.as_str().trim_end_matches('/'), req.path);
        let mut pairs: Vec<(&str, &str)> = req
            .query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        pairs.extend(extra);
        if !pairs.is_empty() {
            let mut q = url::form_urlencoded::Serializer::new(String::new());
            for (k, v) in pairs {
                q.append_pair(k, v);
            }
            url.push('?');
            url.push_str(&q.finish());
        }
        url
    }

    /// Headers (and a query credential) for a request.
    fn credentials(&self, req: &Req) -> (Vec<Header>, Option<(String, String)>) {
        let mut headers = Vec::new();
        let mut query = None;
        let secret = match req.auth {
            Auth::Secret(i) => self.secrets.get(i).cloned(),
            Auth::OtherScheme => self.secrets.first().cloned(),
            Auth::Wrong => Some(WRONG_SECRET.to_string()),
            Auth::Missing => None,
        };
        if let Some(secret) = secret {
            match (&self.placement, req.auth) {
                (Placement::Header { name, prefix }, Auth::OtherScheme) if !prefix.is_empty() => {
                    headers.push(Header::new(name.clone(), format!("Token {secret}")));
                }
                (_, Auth::OtherScheme) => {
                    headers.push(Header::new("Authorization", format!("Bearer {secret}")));
                }
                (Placement::Header { name, prefix }, _) => {
                    let value = if *prefix == "Basic " {
                        base64::engine::general_purpose::STANDARD.encode(&secret)
                    } else {
                        secret
                    };
                    headers.push(Header::new(name.clone(), format!("{prefix}{value}")));
                }
                (Placement::Query(name), _) => query = Some((name.clone(), secret)),
                (Placement::None, _) => {}
            }
        }
        match req.accept {
            Accept::Required => headers.push(Header::new("Accept", self.accept.clone())),
            Accept::Other(v) => headers.push(Header::new("Accept", v)),
            Accept::Missing => {}
        }
        (headers, query)
    }

    /// Sends a request, retrying rate-limit refusals as they ask.
    pub async fn send(&self, req: &Req) -> Attempts {
        let mut refused = Vec::new();
        let mut waited = Duration::ZERO;
        loop {
            let last = self.once(req).await;
            let wait = match &last {
                Ok(sent) => self.retry_wait(sent, refused.len(), waited),
                Err(_) => None,
            };
            match (wait, last) {
                (Some(Ok(wait)), Ok(sent)) => {
                    waited += wait;
                    tokio::time::sleep(wait).await;
                    refused.push(sent);
                }
                (wait, last) => {
                    return Attempts {
                        refused,
                        last,
                        rate_limit: wait.and_then(Result::err),
                    };
                }
            }
        }
    }

    /// For a rate-limit refusal: how long to wait before retrying, or why
    /// it cannot be retried. `None` for any other answer.
    fn retry_wait(
        &self,
        sent: &Sent,
        retries: usize,
        waited: Duration,
    ) -> Option<Result<Duration, String>> {
        if sent.status == 503 {
            return self.unavailable_wait(sent, retries, waited).map(Ok);
        }
        let RateLimit {
            status,
            retry_after_header,
        } = self.rate_limit.as_ref()?;
        if sent.status != *status {
            return None;
        }
        let name = retry_after_header.as_deref().unwrap_or("Retry-After");
        let headers = sent.entry.response.as_ref().map(|r| r.headers.as_slice());
        let Some(value) = headers.and_then(|h| har::header(h, name)) else {
            return Some(Err(format!(
                "the {status} answer has no {name} header, so a client cannot know when to retry"
            )));
        };
        let Some(wait) = retry_after(value) else {
            return Some(Err(format!(
                "{name} is {value:?}: neither seconds nor an HTTP date"
            )));
        };
        Some(if retries as u32 >= self.max_retries {
            Err(format!(
                "still refused after {retries} retries that waited as {name} asked (last: {} s)",
                wait.as_secs()
            ))
        } else if waited + wait > self.retry_budget {
            Err(format!(
                "{name} asks for {} s more, past the retry budget of {} s",
                wait.as_secs(),
                self.retry_budget.as_secs()
            ))
        } else {
            Ok(wait)
        })
    }

    /// A 503 that says when to come back (`Retry-After`) is retried within
    /// the retry budget; one that does not, or past the budget, is the
    /// answer (and `status.server-error` judges it).
    fn unavailable_wait(&self, sent: &Sent, retries: usize, waited: Duration) -> Option<Duration> {
        let headers = sent.entry.response.as_ref().map(|r| r.headers.as_slice())?;
        // The header the document names for waits (`x-contract.rateLimited`), as for 429.
        let name = self
            .rate_limit
            .as_ref()
            .and_then(|r| r.retry_after_header.as_deref())
            .unwrap_or("Retry-After");
        let wait = retry_after(har::header(headers, name)?)?;
        ((retries as u32) < self.max_retries && waited + wait <= self.retry_budget).then_some(wait)
    }

    /// Fetches a URL the API handed out (a signed link): no credentials.
    pub async fn fetch(&self, url: &str) -> Result<Sent, Failed> {
        self.exchange("GET", url.to_string(), Vec::new(), None)
            .await
    }

    async fn once(&self, req: &Req) -> Result<Sent, Failed> {
        let (headers, query) = self.credentials(req);
        let url = self.url(req, query.as_ref().map(|(k, v)| (k.as_str(), v.as_str())));
        let credentials = match req.auth {
            Auth::Secret(_) => Some("valid"),
            Auth::Wrong => Some("invalid"),
            Auth::Missing | Auth::OtherScheme => None,
        };
        self.exchange(req.method, url, headers, credentials).await
    }

    async fn exchange(
        &self,
        method: &str,
        url: String,
        headers: Vec<Header>,
        credentials: Option<&str>,
    ) -> Result<Sent, Failed> {
        let _permit = self.limiter.acquire().await;
        let started = Instant::now();
        let mut entry = request_entry(method, &url, &headers);
        if let Some(c) = credentials {
            entry.custom.insert("_credentials".into(), c.into());
        }
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap_or(reqwest::Method::GET);
        let mut builder = self.http.request(method, &url);
        for h in &headers {
            builder = builder.header(&h.name, &h.value);
        }
        let fail = |mut entry: Entry, reason: String, started: Instant| {
            entry.time = started.elapsed().as_secs_f64() * 1000.0;
            Failed { entry, reason }
        };
        let response = match builder.send().await {
            Ok(r) => r,
            Err(e) => return Err(fail(entry, describe(&e), started)),
        };
        let status = response.status().as_u16();
        let final_url = response.url().clone();
        let response_headers: Vec<Header> = response
            .headers()
            .iter()
            .map(|(k, v)| Header::new(k.as_str(), String::from_utf8_lossy(v.as_bytes())))
            .collect();
        let body = match read_body(response, self.max_body).await {
            Ok(b) => b,
            Err(reason) => return Err(fail(entry, reason, started)),
        };
        let recorded = response_entry(status, response_headers, &body);
        // The policy stopped here: the redirect leaves the API's origin.
        let offsite_redirect = ((300..400).contains(&status) && !recorded.redirect_url.is_empty())
            .then(|| final_url.join(&recorded.redirect_url).ok())
            .flatten()
            .filter(|next| !same_origin(next, &self.base))
            .map(|next| next.origin().ascii_serialization());
        entry.response = Some(recorded);
        entry.time = started.elapsed().as_secs_f64() * 1000.0;
        entry.timings.insert("wait".into(), Value::from(entry.time));
        Ok(Sent {
            entry,
            status,
            offsite_redirect,
        })
    }
}

/// The HAR entry of a request about to be sent (no response yet).
fn request_entry(method: &str, url: &str, headers: &[Header]) -> Entry {
    Entry {
        started_date_time: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        time: 0.0,
        request: har::Request {
            method: method.to_string(),
            url: url.to_string(),
            http_version: "HTTP/1.1".into(),
            cookies: Vec::new(),
            headers: headers.to_vec(),
            query_string: url::Url::parse(url)
                .map(|u| u.query_pairs().map(|(k, v)| Header::new(k, v)).collect())
                .unwrap_or_default(),
            post_data: None,
            headers_size: -1,
            body_size: 0,
        },
        response: None,
        cache: Map::new(),
        timings: Map::new(),
        comment: None,
        custom: Map::new(),
    }
}

/// The HAR response of an answer: text bodies as text, others as base64.
fn response_entry(status: u16, headers: Vec<Header>, body: &[u8]) -> har::Response {
    let location = har::header(&headers, "location").unwrap_or("").to_string();
    let mime_type = har::header(&headers, "content-type")
        .unwrap_or("")
        .to_string();
    let (text, encoding) = match std::str::from_utf8(body) {
        Ok(t) => (t.to_string(), None),
        Err(_) => (
            base64::engine::general_purpose::STANDARD.encode(body),
            Some("base64".to_string()),
        ),
    };
    har::Response {
        status: i64::from(status),
        status_text: reqwest::StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("")
            .to_string(),
        http_version: "HTTP/1.1".into(),
        cookies: Vec::new(),
        headers,
        content: Content {
            size: body.len() as i64,
            mime_type,
            text: Some(text),
            encoding,
        },
        redirect_url: location,
        headers_size: -1,
        body_size: body.len() as i64,
    }
}

/// The body, refusing more than `max` bytes.
async fn read_body(mut response: reqwest::Response, max: usize) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > max {
                    return Err(format!("the body is larger than {max} bytes"));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(e) => return Err(format!("the body could not be read: {}", describe(&e))),
        }
    }
}

/// A transport error in a sentence, without the URL (it is in the report).
fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "no answer within the timeout"
    } else if e.is_connect() {
        "cannot connect"
    } else if e.is_redirect() {
        "redirect loop"
    } else if e.is_body() || e.is_decode() {
        "the body was cut off"
    } else {
        "the request failed"
    };
    let mut detail = String::new();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        detail = s.to_string();
        source = s.source();
    }
    if detail.is_empty() {
        kind.to_string()
    } else {
        format!("{kind} ({detail})")
    }
}
