//! Sending one request: the credential where the document's security
//! scheme puts it, the Accept media type it requires, Retry-After waits
//! within the budget, and the answer decoded or turned into an [`Error`].

use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;

use crate::{Client, Error, Response};

/// Where the credential goes (from the document's security scheme; a
/// document names one of them, so the other is unused in a given build).
#[allow(dead_code)]
#[derive(Debug, Clone, Copy)]
pub(crate) enum Credential {
    /// A header, with a prefix (`Authorization: Bearer …`).
    Header(&'static str, &'static str),
    /// A query parameter.
    Query(&'static str),
}

/// What the document says about sending: the generated code hands it to
/// the client, so this runtime never reads the generated file.
#[derive(Debug)]
pub(crate) struct Protocol {
    /// The media type every request lists in Accept.
    pub accept: &'static str,
    /// Where the API secret goes.
    pub credential: Credential,
    /// Refusals that say when to try again.
    pub wait_statuses: &'static [u16],
    /// The header that says how many seconds to wait.
    pub retry_after: &'static str,
}

/// One GET, as the generated methods describe it.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    /// The path under the base path, parameters filled and encoded.
    pub path: String,
    /// Query parameters set.
    pub query: Vec<(&'static str, String)>,
    /// The status keys the document lists (`200`, `4XX`, `default`).
    pub documented: &'static [&'static str],
}

impl Request {
    pub fn get(path: String, documented: &'static [&'static str]) -> Self {
        Request {
            path,
            query: Vec::new(),
            documented,
        }
    }
}

/// Whether `keys` documents `status` (a code, its class, or `default`).
fn documents(keys: &[&str], status: u16) -> bool {
    let code = status.to_string();
    let class = format!("{}XX", status / 100);
    keys.iter()
        .any(|k| *k == code || k.eq_ignore_ascii_case(&class) || *k == "default")
}

/// Seconds in a `Retry-After` header (the delta form).
fn retry_after(headers: &reqwest::header::HeaderMap, name: &str) -> Option<Duration> {
    let value = headers.get(name)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// Capped exponential backoff: the first wait, doubled after each use, never
/// above the cap (a wait that only grows would soon exceed any budget).
struct Backoff {
    next: Duration,
    cap: Duration,
}

impl Backoff {
    fn new(retries: &crate::Retries) -> Self {
        Backoff {
            next: retries.backoff.min(retries.max_backoff),
            cap: retries.max_backoff,
        }
    }

    fn next(&mut self) -> Duration {
        let wait = self.next;
        self.next = (self.next * 2).min(self.cap);
        wait
    }
}

impl Client {
    /// Sends `request` (again, as the retry policy allows) and decodes the
    /// answer into `T`.
    pub(crate) async fn execute<T: DeserializeOwned>(
        &self,
        request: &Request,
    ) -> Result<Response<T>, Error> {
        let started = Instant::now();
        let mut server_errors = 0;
        let mut backoff = Backoff::new(&self.retries);
        loop {
            let (status, headers, raw) = self.once(request).await?;
            let waited = started.elapsed();
            if self.protocol.wait_statuses.contains(&status) {
                // 429 and 503: the server's Retry-After when it sends one,
                // else the next capped backoff; either only within budget.
                let wait = retry_after(&headers, self.protocol.retry_after)
                    .unwrap_or_else(|| backoff.next());
                if waited + wait <= self.retries.budget {
                    tokio::time::sleep(wait).await;
                    continue;
                }
            } else if (500..600).contains(&status) && server_errors < self.retries.server_errors {
                server_errors += 1;
                tokio::time::sleep(backoff.next()).await;
                continue;
            }
            return answer(request, status, headers, raw);
        }
    }

    /// One attempt: status, headers and the whole body.
    async fn once(
        &self,
        request: &Request,
    ) -> Result<(u16, reqwest::header::HeaderMap, Vec<u8>), Error> {
        let mut query = request.query.clone();
        let mut builder;
        let header = match self.protocol.credential {
            Credential::Header(name, prefix) => {
                Some((name, format!("{prefix}{}", self.credential)))
            }
            Credential::Query(name) => {
                query.push((name, self.credential.clone()));
                None
            }
        };
        let url = format!("{}{}", self.base, request.path);
        let mut url = reqwest::Url::parse(&url)
            .map_err(|e| Error::Setup(format!("the base URL {}: {e}", self.base)))?;
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(&query);
        }
        builder = self.http.get(url).timeout(self.timeout);
        builder = builder.header(reqwest::header::ACCEPT, self.protocol.accept);
        if let Some((name, value)) = header {
            builder = builder.header(name, value);
        }
        let response = builder.send().await.map_err(|e| self.transport(e))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let raw = response.bytes().await.map_err(|e| self.transport(e))?;
        Ok((status, headers, raw.to_vec()))
    }

    /// Fetches a signed link (a message's `file_url`) at once, without the
    /// API secret, as the document says a client must: the link carries
    /// its own signature and expires within seconds.
    pub async fn fetch_signed(&self, link: &str) -> Result<Vec<u8>, Error> {
        let url = reqwest::Url::parse(link).map_err(|e| Error::Parameter {
            name: "link",
            message: e.to_string(),
        })?;
        let response = self
            .http
            .get(url)
            .timeout(self.timeout)
            .send()
            .await
            .map_err(|e| self.transport(e))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let raw = response
            .bytes()
            .await
            .map_err(|e| self.transport(e))?
            .to_vec();
        if (200..300).contains(&status) {
            Ok(raw)
        } else {
            Err(Error::Status {
                status,
                body: serde_json::from_slice(&raw).ok(),
                raw,
                headers: Box::new(headers),
            })
        }
    }

    fn transport(&self, e: reqwest::Error) -> Error {
        if e.is_timeout() {
            return Error::Timeout(self.timeout);
        }
        // reqwest's message names the URL, never a header: no secret.
        Error::Transport(e.without_url())
    }
}

/// The typed answer, or the error it is.
fn answer<T: DeserializeOwned>(
    request: &Request,
    status: u16,
    headers: reqwest::header::HeaderMap,
    raw: Vec<u8>,
) -> Result<Response<T>, Error> {
    if !documents(request.documented, status) {
        return Err(Error::Undocumented {
            status,
            raw,
            headers: Box::new(headers),
        });
    }
    if !(200..300).contains(&status) {
        let body = serde_json::from_slice(&raw).ok();
        return Err(Error::Status {
            status,
            body,
            raw,
            headers: Box::new(headers),
        });
    }
    match serde_json::from_slice(&raw) {
        Ok(value) => Ok(Response {
            value,
            status,
            headers,
        }),
        Err(source) => Err(Error::Decode {
            status,
            source,
            raw,
        }),
    }
}
