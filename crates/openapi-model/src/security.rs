//! Security schemes, and where each puts the credential: what the checker,
//! a client (the live run, the generated client) and a code sample (the
//! docs) all need to know.

use serde_json::Value;

/// A Security Scheme Object, reduced to how a request carries its credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scheme {
    /// `Authorization: <scheme> <credential>`; scheme lowercased.
    Http(String),
    /// An API key in the named header.
    ApiKeyHeader(String),
    /// An API key in the named query parameter.
    ApiKeyQuery(String),
    /// An API key in the named cookie.
    ApiKeyCookie(String),
    /// OAuth2 / OpenID: a bearer token in practice.
    Bearer,
}

/// Where a scheme's credential travels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// `name: <prefix><secret>`; the prefix is `Bearer ` or `Basic ` for HTTP schemes.
    Header {
        /// The header's name.
        name: String,
        /// What comes before the secret.
        prefix: &'static str,
    },
    /// A query parameter of this name.
    Query(String),
    /// A cookie of this name.
    Cookie(String),
}

impl Scheme {
    /// A Security Scheme Object; OAuth 2 and OpenID Connect are bearer tokens in practice.
    pub fn from_object(s: &Value) -> Scheme {
        let field = |k: &str| s.get(k).and_then(Value::as_str).unwrap_or("");
        match field("type") {
            "http" => Scheme::Http(field("scheme").to_ascii_lowercase()),
            "apiKey" => match field("in") {
                "header" => Scheme::ApiKeyHeader(field("name").to_string()),
                "query" => Scheme::ApiKeyQuery(field("name").to_string()),
                _ => Scheme::ApiKeyCookie(field("name").to_string()),
            },
            _ => Scheme::Bearer,
        }
    }

    /// `None` for an HTTP scheme other than bearer and basic.
    pub fn credential(&self) -> Option<Credential> {
        let authorization = |prefix| {
            Some(Credential::Header {
                name: "Authorization".into(),
                prefix,
            })
        };
        match self {
            Scheme::Bearer => authorization("Bearer "),
            Scheme::Http(s) => match s.as_str() {
                "bearer" => authorization("Bearer "),
                "basic" => authorization("Basic "),
                _ => None,
            },
            Scheme::ApiKeyHeader(n) => Some(Credential::Header {
                name: n.clone(),
                prefix: "",
            }),
            Scheme::ApiKeyQuery(n) => Some(Credential::Query(n.clone())),
            Scheme::ApiKeyCookie(n) => Some(Credential::Cookie(n.clone())),
        }
    }
}

/// An operation's Security Requirements: alternatives, each needing all of
/// its schemes. Empty: no credentials needed (also when `{}` is an
/// alternative, which makes auth optional).
pub(crate) fn requirements(raw: &Value, requirements: Option<&Value>) -> Vec<Vec<Scheme>> {
    let Some(list) = requirements.and_then(Value::as_array) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for req in list {
        let Some(req) = req.as_object() else { continue };
        if req.is_empty() {
            return Vec::new();
        }
        let schemes = req
            .keys()
            .filter_map(|name| {
                let ptr = openapi_spec::pointer::push("/components/securitySchemes", name);
                raw.pointer(&ptr).map(Scheme::from_object)
            })
            .collect();
        out.push(schemes);
    }
    out
}
