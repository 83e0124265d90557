//! HAR 1.2 (HTTP Archive) recordings, as browsers, proxies and Postman export
//! them and as our live run writes them.
//!
//! Reading is lenient per entry: the file is parsed once into borrowed raw
//! entries, and each entry is parsed on its own, so one broken entry is
//! reported (with its index and line) while the others are still checked.
//! Writing always redacts secrets first and is atomic.

#![warn(missing_docs)]

pub mod secrets;

use std::borrow::Cow;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

pub use secrets::{REDACTED, SecretSet, SensitiveNames};

/// Largest HAR file read by default (the file is held in memory once).
pub const DEFAULT_MAX_FILE_BYTES: u64 = 1 << 30;
/// Largest decoded response body accepted by default.
pub const DEFAULT_MAX_BODY_BYTES: usize = 16 << 20;

/// Why a file, an entry or a body cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum HarError {
    /// The file cannot be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is larger than the reader's limit.
    #[error("{path}: {size} bytes is over the {limit}-byte limit for a HAR file")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size in bytes.
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// The file is not UTF-8 text.
    #[error("{path}: not UTF-8 text, so not a HAR file")]
    NotUtf8 {
        /// The file.
        path: PathBuf,
    },
    /// The file is not JSON, or not a HAR log.
    #[error("{path}:{line}:{column}: not a HAR file: {message}")]
    Syntax {
        /// The file.
        path: PathBuf,
        /// Where the parser stopped: line.
        line: usize,
        /// And column.
        column: usize,
        /// The parser's complaint.
        message: String,
    },
    /// One entry cannot be read as a HAR entry (the others still are).
    #[error("entry {index} (line {line}): {message}")]
    Entry {
        /// The entry's index in `log.entries`.
        index: usize,
        /// The line it starts on.
        line: usize,
        /// Why it cannot be read.
        message: String,
    },
    /// The file cannot be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Why a response body cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BodyError {
    /// The decoded body is larger than the checker's limit.
    #[error("the body is {size} bytes, over the {limit}-byte cap (raise it with --max-body-bytes)")]
    TooLarge {
        /// Its size in bytes.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// A base64 body that does not decode.
    #[error("the body is marked base64 but does not decode: {0}")]
    Base64(String),
    /// An `encoding` other than base64.
    #[error("unknown content encoding {0:?} (HAR 1.2 allows only base64)")]
    UnknownEncoding(String),
}

/// A whole HAR document, as written.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Har {
    /// The log.
    pub log: Log,
}

/// A HAR 1.2 log.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Log {
    /// The HAR version (`1.2`).
    pub version: String,
    /// The program that wrote the file.
    pub creator: Creator,
    /// The exchanges, in the order recorded.
    pub entries: Vec<Entry>,
    /// A custom field: the OpenAPI document this recording is checked
    /// against, relative to the HAR file.
    #[serde(rename = "_openapi", default, skip_serializing_if = "Option::is_none")]
    pub openapi: Option<String>,
    /// A free-text comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// The program that wrote a HAR file.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Creator {
    /// Its name.
    pub name: String,
    /// Its version.
    pub version: String,
}

/// One request/response pair. Missing optional parts default, so partial
/// exports still load; a missing `response` is kept as `None` for the
/// consumer to report.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// When the request started (ISO 8601).
    #[serde(default)]
    pub started_date_time: String,
    /// Milliseconds the exchange took.
    #[serde(default)]
    pub time: f64,
    /// What was sent.
    pub request: Request,
    /// What came back; `None` when the request got no answer.
    #[serde(default)]
    pub response: Option<Response>,
    /// Cache details (kept as written).
    #[serde(default)]
    pub cache: Map<String, Value>,
    /// Phase timings (kept as written).
    #[serde(default)]
    pub timings: Map<String, Value>,
    /// A free-text comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Custom fields (HAR allows names starting with `_`), e.g. `_expect`.
    #[serde(flatten)]
    pub custom: Map<String, Value>,
}

/// A recorded request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    /// The HTTP method.
    pub method: String,
    /// The absolute URL, query included.
    pub url: String,
    /// `HTTP/1.1`, `h2`, ...
    #[serde(default)]
    pub http_version: String,
    /// Request cookies.
    #[serde(default)]
    pub cookies: Vec<Cookie>,
    /// Request headers, in order.
    #[serde(default)]
    pub headers: Vec<Header>,
    /// The query string as name/value pairs.
    #[serde(default)]
    pub query_string: Vec<Header>,
    /// The request body (kept as written).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_data: Option<Value>,
    /// Bytes of headers, or -1.
    #[serde(default = "minus_one")]
    pub headers_size: i64,
    /// Bytes of body, or -1.
    #[serde(default = "minus_one")]
    pub body_size: i64,
}

/// A recorded response.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Response {
    /// The status code (0 or negative when the browser got none).
    pub status: i64,
    /// The reason phrase.
    #[serde(default)]
    pub status_text: String,
    /// `HTTP/1.1`, `h2`, ...
    #[serde(default)]
    pub http_version: String,
    /// Response cookies.
    #[serde(default)]
    pub cookies: Vec<Cookie>,
    /// Response headers, in order.
    #[serde(default)]
    pub headers: Vec<Header>,
    /// The body.
    #[serde(default)]
    pub content: Content,
    /// The `Location` of a redirect, else empty.
    #[serde(default, rename = "redirectURL")]
    pub redirect_url: String,
    /// Bytes of headers, or -1.
    #[serde(default = "minus_one")]
    pub headers_size: i64,
    /// Bytes of body, or -1.
    #[serde(default = "minus_one")]
    pub body_size: i64,
}

/// A response body as HAR stores it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Content {
    /// Bytes of the decoded body.
    #[serde(default)]
    pub size: i64,
    /// The content type the recorder saw.
    #[serde(default)]
    pub mime_type: String,
    /// The body: text, or base64 when `encoding` says so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// `base64`, or `None` for text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
}

/// A name/value pair: headers and query parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// The name.
    pub name: String,
    /// The value.
    pub value: String,
}

/// A cookie, the fields the checks need and the rest kept.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Cookie {
    /// The cookie's name.
    pub name: String,
    /// Its value.
    pub value: String,
    /// Path, domain, expiry and the like, as written.
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}

fn minus_one() -> i64 {
    -1
}

impl Header {
    /// A header from a name and a value.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Header {
            name: name.into(),
            value: value.into(),
        }
    }
}

/// First value of a header, by case-insensitive name.
pub fn header<'a>(headers: &'a [Header], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str())
}

impl Content {
    /// The body bytes: `text` decoded from base64 when `encoding` says so.
    /// `None` when the recording holds no body text.
    pub fn decoded(&self, max_bytes: usize) -> Result<Option<Cow<'_, [u8]>>, BodyError> {
        let Some(text) = &self.text else {
            return Ok(None);
        };
        match self.encoding.as_deref() {
            None | Some("") => {
                if text.len() > max_bytes {
                    return Err(BodyError::TooLarge {
                        size: text.len(),
                        limit: max_bytes,
                    });
                }
                Ok(Some(Cow::Borrowed(text.as_bytes())))
            }
            Some(e) if e.eq_ignore_ascii_case("base64") => {
                // Decoded size is about 3/4 of the text: refuse before allocating.
                let estimate = text.len() / 4 * 3;
                if estimate > max_bytes.saturating_add(3) {
                    return Err(BodyError::TooLarge {
                        size: estimate,
                        limit: max_bytes,
                    });
                }
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(text.trim())
                    .map_err(|e| BodyError::Base64(e.to_string()))?;
                if bytes.len() > max_bytes {
                    return Err(BodyError::TooLarge {
                        size: bytes.len(),
                        limit: max_bytes,
                    });
                }
                Ok(Some(Cow::Owned(bytes)))
            }
            Some(other) => Err(BodyError::UnknownEncoding(other.to_string())),
        }
    }
}

/// A HAR file read into memory, not yet split into entries.
#[derive(Debug)]
pub struct Recording {
    /// The file.
    pub path: PathBuf,
    text: String,
}

/// One entry, still raw: parse it with [`RawEntry::parse`].
#[derive(Debug, Clone, Copy)]
pub struct RawEntry<'a> {
    /// 0-based position in `log.entries`.
    pub index: usize,
    /// 1-based line where the entry starts.
    pub line: usize,
    raw: &'a RawValue,
}

/// The log's fields other than its entries, and the raw entries.
#[derive(Debug)]
pub struct Entries<'a> {
    /// `log._openapi`: the document the recording names, if any.
    pub openapi: Option<String>,
    /// The entries, each still unparsed.
    pub entries: Vec<RawEntry<'a>>,
}

#[derive(Deserialize)]
struct ShellFile<'a> {
    #[serde(borrow)]
    log: ShellLog<'a>,
}

#[derive(Deserialize)]
struct ShellLog<'a> {
    #[serde(borrow)]
    entries: Vec<&'a RawValue>,
    #[serde(rename = "_openapi", default)]
    openapi: Option<String>,
}

impl Recording {
    /// Reads a file, refusing anything over `max_bytes` before reading it.
    pub fn read(path: &Path, max_bytes: u64) -> Result<Self, HarError> {
        let io = |source| HarError::Io {
            path: path.to_path_buf(),
            source,
        };
        let size = std::fs::metadata(path).map_err(io)?.len();
        if size > max_bytes {
            return Err(HarError::TooLarge {
                path: path.to_path_buf(),
                size,
                limit: max_bytes,
            });
        }
        let bytes = std::fs::read(path).map_err(io)?;
        let text = String::from_utf8(bytes).map_err(|_| HarError::NotUtf8 {
            path: path.to_path_buf(),
        })?;
        Ok(Recording {
            path: path.to_path_buf(),
            text,
        })
    }

    /// A recording held in memory (tests, benchmarks, the live run).
    pub fn from_text(path: impl Into<PathBuf>, text: String) -> Self {
        Recording {
            path: path.into(),
            text,
        }
    }

    /// How many entries the file has.
    pub fn len(&self) -> usize {
        self.text.len()
    }

    /// Whether the file has no entries.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Splits the file into raw entries, without copying them.
    pub fn entries(&self) -> Result<Entries<'_>, HarError> {
        let text = self.text.strip_prefix('\u{feff}').unwrap_or(&self.text);
        let shell: ShellFile = serde_json::from_str(text).map_err(|e| HarError::Syntax {
            path: self.path.clone(),
            line: e.line(),
            column: e.column(),
            message: describe_shell_error(&e),
        })?;
        let base = text.as_ptr() as usize;
        let mut line = 1;
        let mut counted = 0;
        let mut entries = Vec::with_capacity(shell.log.entries.len());
        for (index, raw) in shell.log.entries.into_iter().enumerate() {
            let offset = (raw.get().as_ptr() as usize).saturating_sub(base);
            let offset = offset.min(text.len()).max(counted);
            line += memchr::memchr_iter(b'\n', &text.as_bytes()[counted..offset]).count();
            counted = offset;
            entries.push(RawEntry { index, line, raw });
        }
        Ok(Entries {
            openapi: shell.log.openapi,
            entries,
        })
    }
}

/// serde_json's message without its " at line L column C": callers print
/// a position relative to the file, not to the piece parsed.
fn without_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

fn describe_shell_error(e: &serde_json::Error) -> String {
    let text = without_position(e);
    if text.contains("missing field `log`") {
        "no top-level \"log\" object".into()
    } else if text.contains("missing field `entries`") {
        "the log has no \"entries\" array".into()
    } else {
        text
    }
}

impl<'a> RawEntry<'a> {
    /// Parses the entry; an error names the entry and the line in the file.
    pub fn parse(&self) -> Result<Entry, HarError> {
        serde_json::from_str(self.raw.get()).map_err(|e| HarError::Entry {
            index: self.index,
            line: self.line + e.line().saturating_sub(1),
            message: without_position(&e),
        })
    }

    /// The entry's JSON text as it appears in the file.
    pub fn text(&self) -> &'a str {
        self.raw.get()
    }
}

impl Har {
    /// An empty log named for this tool.
    pub fn new(creator: &str, version: &str) -> Self {
        Har {
            log: Log {
                version: "1.2".into(),
                creator: Creator {
                    name: creator.into(),
                    version: version.into(),
                },
                entries: Vec::new(),
                openapi: None,
                comment: None,
            },
        }
    }

    /// Writes the archive with every secret redacted, atomically: a
    /// temporary file in the same directory is renamed over `path` only
    /// once it is complete.
    pub fn write(&self, path: &Path, names: &SensitiveNames) -> Result<(), HarError> {
        let mut copy = self.clone();
        for entry in &mut copy.log.entries {
            secrets::redact_entry(entry, names);
        }
        let err = |source| HarError::Write {
            path: path.to_path_buf(),
            source,
        };
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(err)?;
        let text = serde_json::to_string_pretty(&copy)
            .map_err(|e| err(std::io::Error::other(e.to_string())))?;
        tmp.write_all(text.as_bytes()).map_err(err)?;
        tmp.write_all(b"\n").map_err(err)?;
        tmp.persist(path).map_err(|e| err(e.error))?;
        Ok(())
    }
}
