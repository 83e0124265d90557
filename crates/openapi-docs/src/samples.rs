//! Request samples for one operation in curl, Ruby (`httparty`) and Rust
//! (`reqwest` with the generated models), built from the same facts so the
//! three say the same thing.

use openapi_model::{Credential, Scheme};
use serde::Serialize;

/// One code sample as shown.
#[derive(Debug, Clone, Serialize)]
pub struct Sample {
    /// The Markdown fence language (`shell`, `ruby`, `rust`).
    pub lang: String,
    /// The tab label.
    pub label: String,
    /// The sample's code.
    pub source: String,
}

/// What a sample needs to know about a request.
pub struct Request<'a> {
    pub operation_id: &'a str,
    pub summary: &'a str,
    pub method: &'a str,
    /// The server URL, without a trailing `/`.
    pub server: &'a str,
    /// The path template (`/users/{user_id}`).
    pub path: &'a str,
    /// (name, example value, Rust type) in template order.
    pub path_params: Vec<(String, String, &'static str)>,
    /// (name, example value) of the query parameters that have an example.
    pub query: Vec<(String, String)>,
    /// Whether the operation takes query parameters at all.
    pub has_query: bool,
    /// The first security alternative's schemes.
    pub auth: &'a [Scheme],
    pub accept: &'a str,
    /// The Rust type of the success body, when it is a component.
    pub body_type: Option<String>,
    pub models_crate: &'a str,
}

const SECRET: &str = "YOUR_API_SECRET";
const USER: &str = "YOUR_ACCOUNT_ID";

const BASIC: &str = "Basic ";

impl Request<'_> {
    /// Where the secret goes, per the operation's security schemes.
    fn credentials(&self) -> Vec<Credential> {
        self.auth.iter().filter_map(Scheme::credential).collect()
    }

    fn concrete_path(&self) -> String {
        let mut path = self.path.to_string();
        for (name, value, _) in &self.path_params {
            path = path.replace(&format!("{{{name}}}"), value);
        }
        path
    }

    fn query_string(&self) -> String {
        let mut pairs: Vec<String> = self.query.iter().map(|(k, v)| format!("{k}={v}")).collect();
        for c in self.credentials() {
            if let Credential::Query(name) = c {
                pairs.push(format!("{name}={SECRET}"));
            }
        }
        if pairs.is_empty() {
            String::new()
        } else {
            format!("?{}", pairs.join("&"))
        }
    }

    pub fn curl(&self) -> Sample {
        let url = format!(
            "{}{}{}",
            self.server,
            self.concrete_path(),
            self.query_string()
        );
        let mut lines = vec![if self.method == "GET" {
            format!("curl \"{url}\"")
        } else {
            format!("curl -X {} \"{url}\"", self.method)
        }];
        for c in self.credentials() {
            match c {
                Credential::Header { prefix: BASIC, .. } => {
                    lines.push(format!("  -u \"{USER}:{SECRET}\""))
                }
                Credential::Header { name, prefix } => {
                    lines.push(format!("  -H \"{name}: {prefix}{SECRET}\""))
                }
                Credential::Cookie(name) => lines.push(format!("  -b \"{name}={SECRET}\"")),
                Credential::Query(_) => {}
            }
        }
        lines.push(format!("  -H \"Accept: {}\"", self.accept));
        Sample {
            lang: "shell".into(),
            label: "curl".into(),
            source: lines.join(" \\\n"),
        }
    }

    pub fn ruby(&self) -> Sample {
        let mut out = String::from("require 'httparty'\nrequire 'json'\n\n");
        out.push_str(&format!("api_secret = '{SECRET}'\n"));
        let mut path = self.path.to_string();
        for (name, value, rust) in &self.path_params {
            let literal = if *rust == "&str" {
                format!("'{value}'")
            } else {
                value.clone()
            };
            out.push_str(&format!("{name} = {literal}\n"));
            path = path.replace(&format!("{{{name}}}"), &format!("#{{{name}}}"));
        }
        out.push_str(&format!(
            "\nresponse = HTTParty.{}(\n  \"{}{}\",\n",
            self.method.to_lowercase(),
            self.server,
            path
        ));
        let mut query: Vec<String> = self
            .query
            .iter()
            .map(|(k, v)| format!("'{k}' => {}", ruby_literal(v)))
            .collect();
        let mut headers = Vec::new();
        let mut basic = false;
        for c in self.credentials() {
            match c {
                Credential::Header { prefix: BASIC, .. } => basic = true,
                Credential::Header { name, prefix } => {
                    headers.push(format!("'{name}' => \"{prefix}#{{api_secret}}\""))
                }
                Credential::Cookie(name) => {
                    headers.push(format!("'Cookie' => \"{name}=#{{api_secret}}\""))
                }
                Credential::Query(name) => query.push(format!("'{name}' => api_secret")),
            }
        }
        headers.push(format!("'Accept' => '{}'", self.accept));
        if !query.is_empty() {
            out.push_str(&format!("  query: {{ {} }},\n", query.join(", ")));
        }
        if basic {
            out.push_str(&format!(
                "  basic_auth: {{ username: '{USER}', password: api_secret }},\n"
            ));
        }
        out.push_str(&format!(
            "  headers: {{\n    {}\n  }}\n)\n\nresult = JSON.parse(response.body)",
            headers.join(",\n    ")
        ));
        Sample {
            lang: "ruby".into(),
            label: "Ruby".into(),
            source: out,
        }
    }

    /// A function an integrator can paste; also compiled and run by the
    /// project's tests (see `RUST_SAMPLES`).
    pub fn rust(&self) -> Sample {
        Sample {
            lang: "rust".into(),
            label: "Rust".into(),
            source: format!(
                "{}\n\n{}",
                self.rust_use().unwrap_or_default(),
                self.rust_fn()
            )
            .trim_start()
            .to_string(),
        }
    }

    pub fn rust_use(&self) -> Option<String> {
        self.body_type
            .as_ref()
            .map(|t| format!("use {}::{t};", self.models_crate))
    }

    fn fn_name(&self) -> String {
        openapi_codegen::naming::field_name(self.operation_id)
    }

    pub fn rust_fn(&self) -> String {
        let mut args = vec![
            "client: &reqwest::Client".to_string(),
            "base_url: &str".to_string(),
        ];
        let credentials = self.credentials();
        let basic = credentials
            .iter()
            .any(|c| matches!(c, Credential::Header { prefix: BASIC, .. }));
        if basic {
            args.push("account: &str".into());
        }
        if !credentials.is_empty() {
            args.push("api_secret: &str".into());
        }
        let mut path = self.path.to_string();
        for (name, _, rust) in &self.path_params {
            let ident = openapi_codegen::naming::field_name(name);
            args.push(format!("{ident}: {rust}"));
            path = path.replace(&format!("{{{name}}}"), &format!("{{{ident}}}"));
        }
        if self.has_query {
            args.push("query: &[(&str, &str)]".into());
        }
        let ret = self.body_type.as_deref().unwrap_or("serde_json::Value");
        let mut chain = vec![format!(
            "client\n        .{}(format!(\"{{base_url}}{path}\"))",
            self.method.to_lowercase()
        )];
        if self.has_query {
            chain.push(".query(query)".into());
        }
        for c in credentials {
            chain.push(match c {
                Credential::Header { prefix: BASIC, .. } => {
                    ".basic_auth(account, Some(api_secret))".into()
                }
                Credential::Header {
                    prefix: "Bearer ", ..
                } => ".bearer_auth(api_secret)".into(),
                Credential::Header { name, prefix: "" } => {
                    format!(".header(\"{name}\", api_secret)")
                }
                Credential::Header { name, prefix } => {
                    format!(".header(\"{name}\", format!(\"{prefix}{{api_secret}}\"))")
                }
                Credential::Cookie(name) => {
                    format!(".header(reqwest::header::COOKIE, format!(\"{name}={{api_secret}}\"))")
                }
                Credential::Query(name) => format!(".query(&[(\"{name}\", api_secret)])"),
            });
        }
        chain.push(format!(
            ".header(reqwest::header::ACCEPT, \"{}\")",
            self.accept
        ));
        chain.extend(
            [
                ".send()",
                ".await?",
                ".error_for_status()?",
                ".json()",
                ".await",
            ]
            .into_iter()
            .map(String::from),
        );
        let args = args
            .iter()
            .map(|a| format!("    {a},\n"))
            .collect::<String>();
        format!(
            "/// {} (`{} {}`).\npub async fn {}(\n{args}) -> reqwest::Result<{ret}> {{\n    {}\n}}",
            self.summary,
            self.method,
            self.path,
            self.fn_name(),
            chain.join("\n        ")
        )
    }
}

fn ruby_literal(v: &str) -> String {
    if v.parse::<i64>().is_ok() || v.parse::<f64>().is_ok() {
        v.to_string()
    } else {
        format!("'{}'", v.replace('\'', "\\'"))
    }
}
