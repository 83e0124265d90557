//! A typed async client for the SignalZen external API v1.
//!
//! The methods, their parameters and bounds, the result types, the paging
//! and the credential placement are generated from
//! `openapi/signalzen-v1.yaml` (`src/generated.rs`, by `cargo xtask
//! codegen`), so the client cannot drift from the contract. This file is
//! the hand-written part they run on: sending, retrying, decoding, errors.
//!
//! ```no_run
//! # async fn run(secret: String) -> Result<(), signalzen_client::Error> {
//! use futures_util::TryStreamExt as _;
//!
//! let client = signalzen_client::Client::new("https://api.signalzen.com/external", secret)?;
//! let user = client.get_user(42).await?;                       // typed model
//! let page = client.list_users().limit(20).offset(40).send().await?;
//! let mut all = client.list_users().limit(99).stream();         // every user, page after page
//! while let Some(user) = all.try_next().await? { /* ... */ }
//! # let _ = (user, page);
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

mod generated;
mod paging;
mod send;
pub mod webhook;

use std::time::Duration;

pub use generated::*;
pub use signalzen_models as models;

/// Why a call did not give a typed result.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An error status the document lists for the operation, with its
    /// parsed `Error` body (when it parsed) and the raw bytes.
    #[error("the API answered {status}{}", .body.as_ref().map(|b| format!(": {}", b.message)).unwrap_or_default())]
    Status {
        /// The status.
        status: u16,
        /// The documented error body.
        body: Option<models::Error>,
        /// The body as received.
        raw: Vec<u8>,
        /// The response headers (`Retry-After` among them; boxed to keep
        /// `Result`s small).
        headers: Box<reqwest::header::HeaderMap>,
    },
    /// A status the document does not list for the operation.
    #[error("the API answered {status}, which the document does not list for this operation")]
    Undocumented {
        /// The status.
        status: u16,
        /// The body as received.
        raw: Vec<u8>,
        /// The response headers.
        headers: Box<reqwest::header::HeaderMap>,
    },
    /// A success whose body does not decode into the documented type.
    #[error("the {status} body does not decode: {source}")]
    Decode {
        /// The status.
        status: u16,
        /// What serde said, with its line and column.
        #[source]
        source: serde_json::Error,
        /// The body as received.
        raw: Vec<u8>,
    },
    /// No answer within the client's timeout.
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    /// The request could not be sent or the answer not read. The URL is
    /// taken out of the error (a query credential would be in it).
    #[error("transport: {0}")]
    Transport(#[source] reqwest::Error),
    /// A parameter the document's bounds refuse; no request was made.
    #[error("parameter {name}: {message} (no request was sent)")]
    Parameter {
        /// The parameter.
        name: &'static str,
        /// Why it is refused.
        message: String,
    },
    /// A page walk that would give a wrong answer.
    #[error("paging: {0}")]
    Paging(#[from] PagingError),
    /// The client cannot be built (a bad base URL or header value).
    #[error("client: {0}")]
    Setup(String),
}

/// Why a page walk stopped rather than give a wrong answer; an integrator
/// can match on it (retry a walk whose total changed, report the others).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PagingError {
    /// An item seen on an earlier page came again.
    #[error("an item was repeated on the page at offset {offset}")]
    Repeated {
        /// The offset of the page that repeated it.
        offset: i64,
    },
    /// A page shorter than the size asked and the total promise: items
    /// were skipped (an empty page before `total` is one).
    #[error(
        "the page at offset {offset} holds {got} items, not {expected}: items were skipped (total {total})"
    )]
    Skipped {
        /// The page's offset.
        offset: i64,
        /// The items it held.
        got: i64,
        /// The items it should have held.
        expected: i64,
        /// The total the list gave.
        total: i64,
    },
    /// `total` changed between two pages of one walk.
    #[error("total changed from {from} to {to} at offset {offset}")]
    TotalChanged {
        /// The total the walk started with.
        from: i64,
        /// The total now.
        to: i64,
        /// The offset of the page that said so.
        offset: i64,
    },
    /// An item sorts before the one listed above it, against the list's
    /// documented order.
    #[error(
        "the item at position {position} of the walk (page at offset {offset}) breaks the documented order"
    )]
    OrderBroken {
        /// The offset of the page that holds it.
        offset: i64,
        /// Its place in the walk, from the first item streamed.
        position: i64,
    },
}

/// A typed result with the response's status and headers.
#[derive(Debug, Clone)]
pub struct Response<T> {
    /// The decoded body.
    pub value: T,
    /// The status.
    pub status: u16,
    /// The response headers.
    pub headers: reqwest::header::HeaderMap,
}

impl<T> std::ops::Deref for Response<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// How long to wait and how often to try again.
#[derive(Debug, Clone)]
pub struct Retries {
    /// The most time spent waiting on 429 and 503 in one call: the
    /// server's `Retry-After`, or the backoff when it sends none.
    pub budget: Duration,
    /// How many times a GET answered with another 5xx is sent again.
    pub server_errors: u32,
    /// The first backoff after a 5xx, or a 429/503 without `Retry-After`;
    /// doubled each time up to `max_backoff`.
    pub backoff: Duration,
    /// The longest single backoff.
    pub max_backoff: Duration,
}

impl Default for Retries {
    fn default() -> Self {
        Retries {
            budget: Duration::from_secs(30),
            server_errors: 2,
            backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
        }
    }
}

/// The API client: cheap to clone, safe to share.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    credential: String,
    timeout: Duration,
    retries: Retries,
    protocol: &'static send::Protocol,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secret.
        f.debug_struct("Client")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`] with its timeout, retries, user agent or an HTTP
/// client of the caller's.
pub struct ClientBuilder {
    base: String,
    credential: String,
    timeout: Duration,
    retries: Retries,
    user_agent: String,
    http: Option<reqwest::Client>,
}

impl ClientBuilder {
    /// The whole-request timeout (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The retry policy (default: 30 s of Retry-After waits, two retries of
    /// a GET answered 5xx).
    pub fn retries(mut self, retries: Retries) -> Self {
        self.retries = retries;
        self
    }

    /// The User-Agent header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Sends through this HTTP client instead of a new one (its own
    /// timeout, proxy and TLS settings then apply).
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// The client.
    pub fn build(self) -> Result<Client, Error> {
        let http = match self.http {
            Some(http) => http,
            None => {
                // reqwest is built without a bundled crypto provider.
                let _ = rustls::crypto::ring::default_provider().install_default();
                reqwest::Client::builder()
                    .user_agent(self.user_agent)
                    .build()
                    .map_err(|e| Error::Setup(e.to_string()))?
            }
        };
        Ok(Client {
            http,
            base: self.base,
            credential: self.credential,
            timeout: self.timeout,
            retries: self.retries,
            protocol: &generated::PROTOCOL,
        })
    }
}

impl Client {
    /// A client for the API at `base` (the server URL with its base path,
    /// e.g. `https://api.signalzen.com/external`) with the website's secret.
    pub fn new(base: impl Into<String>, secret: impl Into<String>) -> Result<Client, Error> {
        Client::builder(base, secret).build()
    }

    /// A builder, for a timeout, retries, user agent or HTTP client.
    pub fn builder(base: impl Into<String>, secret: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            base: base.into().trim_end_matches('/').to_string(),
            credential: secret.into(),
            timeout: Duration::from_secs(30),
            retries: Retries::default(),
            user_agent: concat!("signalzen-client/", env!("CARGO_PKG_VERSION")).to_string(),
            http: None,
        }
    }
}

/// A path parameter's text, percent-encoded as one path segment.
fn segment(value: &str) -> String {
    const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(value, SEGMENT).to_string()
}

/// A parameter against the document's inclusive bounds.
fn check_bounds(
    name: &'static str,
    value: i64,
    minimum: Option<i64>,
    maximum: Option<i64>,
) -> Result<(), Error> {
    let below = minimum.is_some_and(|m| value < m);
    let above = maximum.is_some_and(|m| value > m);
    if below || above {
        let show = |b: Option<i64>| b.map(|b| b.to_string()).unwrap_or_default();
        return Err(Error::Parameter {
            name,
            message: format!("{value} is outside {}..={}", show(minimum), show(maximum)),
        });
    }
    Ok(())
}
