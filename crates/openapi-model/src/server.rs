//! The base path operations are under, from the first Server Object.

use serde_json::Value;

/// The path of a URL (or the text itself when it is a bare path), without a trailing slash.
pub(crate) fn base_path_of(url: &str) -> String {
    let path = match url::Url::parse(url) {
        Ok(u) if u.has_host() => u.path().to_string(),
        _ => url.to_string(),
    };
    path.trim_end_matches('/').to_string()
}

/// The path of the first server URL, variables replaced by their defaults.
pub(crate) fn server_base_path(raw: &Value) -> String {
    let Some(server) = raw.pointer("/servers/0") else {
        return String::new();
    };
    let mut url = server
        .get("url")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if let Some(vars) = server.get("variables").and_then(Value::as_object) {
        for (name, var) in vars {
            let default = var.get("default").and_then(Value::as_str).unwrap_or("");
            url = url.replace(&format!("{{{name}}}"), default);
        }
    }
    base_path_of(&url)
}
