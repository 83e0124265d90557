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

    /// The credential a request presents for this scheme: the other
    /// direction of [`Scheme::credential`], for checkers. `header` looks a
    /// request header up by name (case-insensitively); `query` is the
    /// request's decoded query. An empty value is no credential.
    pub fn presented<'r>(
        &self,
        header: &dyn Fn(&str) -> Option<&'r str>,
        query: &'r [(String, String)],
    ) -> Option<String> {
        let authorization = |word: &str| {
            let (scheme, value) = header("authorization")?.trim().split_once(' ')?;
            let value = value.trim();
            (scheme.eq_ignore_ascii_case(word) && !value.is_empty()).then(|| value.to_string())
        };
        let non_empty = |v: &str| (!v.trim().is_empty()).then(|| v.to_string());
        match self {
            Scheme::Http(word) => authorization(word),
            Scheme::Bearer => authorization("bearer"),
            Scheme::ApiKeyHeader(name) => header(name).and_then(non_empty),
            Scheme::ApiKeyQuery(name) => query
                .iter()
                .find(|(k, v)| k == name && !v.is_empty())
                .map(|(_, v)| v.clone()),
            Scheme::ApiKeyCookie(name) => cookie_value(header("cookie")?, name).and_then(non_empty),
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

/// The value of the cookie `name` in a `Cookie` header's text.
pub fn cookie_value<'h>(cookie_header: &'h str, name: &str) -> Option<&'h str> {
    cookie_header.split(';').find_map(|pair| {
        let (k, v) = pair.trim().split_once('=')?;
        (k == name).then_some(v)
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_scheme_reads_the_credential_it_places() {
        let headers = [
            ("authorization", "Bearer  tok-1 "),
            ("x-api-key", "key-2"),
            ("cookie", "a=1; session=ck-3; b=2"),
            ("x-empty", "  "),
        ];
        let header = |name: &str| {
            headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| *v)
        };
        let query = vec![
            ("key".to_string(), String::new()),
            ("key".to_string(), "q-4".to_string()),
        ];
        let read = |s: Scheme| s.presented(&header, &query);
        assert_eq!(read(Scheme::Bearer).as_deref(), Some("tok-1"));
        assert_eq!(
            read(Scheme::Http("bearer".into())).as_deref(),
            Some("tok-1")
        );
        assert_eq!(read(Scheme::Http("basic".into())), None);
        assert_eq!(
            read(Scheme::ApiKeyHeader("X-Api-Key".into())).as_deref(),
            Some("key-2")
        );
        assert_eq!(read(Scheme::ApiKeyHeader("x-empty".into())), None);
        assert_eq!(
            read(Scheme::ApiKeyQuery("key".into())).as_deref(),
            Some("q-4")
        );
        assert_eq!(
            read(Scheme::ApiKeyCookie("session".into())).as_deref(),
            Some("ck-3")
        );
        assert_eq!(read(Scheme::ApiKeyCookie("none".into())), None);
        assert_eq!(cookie_value("x=; y=2", "x"), Some(""));
        assert_eq!(cookie_value("x=1", "y"), None);
    }
}
