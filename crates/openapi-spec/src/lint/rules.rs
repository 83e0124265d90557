//! The lint's catalogue: every rule with its id, default severity and
//! what it finds, the finding type, and a project's severities.

use std::collections::BTreeMap;

use crate::{Location, Version};

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Worth fixing; the document is still usable.
    Warning,
    /// The document is wrong.
    Error,
}

/// One lint finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule's stable name.
    pub rule: &'static str,
    /// How much it matters.
    pub severity: Severity,
    /// Where.
    pub location: Location,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}: {sev}[{}]: {}",
            self.location, self.rule, self.message
        )
    }
}

/// Every rule with its default severity and what it finds. The defaults
/// follow the common linters' convention: a document that is wrong is an
/// error; one that is only untidy (an unused component) is a warning.
pub const RULES: &[(&str, Severity, &str)] = &[
    (
        "unknown-key",
        Severity::Error,
        "a key OpenAPI 3.0 does not define for its object (and not an x- extension)",
    ),
    (
        "status-code",
        Severity::Error,
        "a Responses key that is not a status code, a range (4XX) or default",
    ),
    (
        "path-key",
        Severity::Error,
        "a path that does not begin with /",
    ),
    (
        "array-items",
        Severity::Error,
        "an array schema without items",
    ),
    (
        "path-parameter",
        Severity::Error,
        "a template name without its path parameter, or a path parameter not in the template or not required",
    ),
    (
        "duplicate-parameter",
        Severity::Error,
        "the same parameter (name and location) declared twice in one list",
    ),
    (
        "security-defined",
        Severity::Error,
        "a security requirement naming a scheme components/securitySchemes lacks",
    ),
    (
        "webhook-extension",
        Severity::Error,
        "an x-webhook-signature, -challenge or -resource that is malformed or names what the document lacks",
    ),
    (
        "operation-id",
        Severity::Error,
        "an operationId used by two operations (it MUST be unique)",
    ),
    (
        "operation-id-missing",
        Severity::Warning,
        "an operation without operationId (RECOMMENDED; tools name it METHOD path)",
    ),
    (
        "ref",
        Severity::Error,
        "a $ref that does not resolve or leaves the document",
    ),
    (
        "ref-cycle",
        Severity::Error,
        "a schema cycle no finite value satisfies",
    ),
    ("example", Severity::Error, "an example its schema rejects"),
    (
        "example-format",
        Severity::Error,
        "an example value its schema's `format` rejects (`uuid`, `email`, `date-time`, …); a warning in 3.1 and 3.2, where JSON Schema 2020-12 makes `format` an annotation",
    ),
    (
        "bounds",
        Severity::Error,
        "inconsistent bounds (minimum above maximum, a default outside them)",
    ),
    (
        "discriminator",
        Severity::Error,
        "a discriminator that a branch does not carry or allow",
    ),
    (
        "discriminator-required",
        Severity::Error,
        "a discriminator's property that a branch (or the schema holding it) does not list as required",
    ),
    (
        "unused-component",
        Severity::Warning,
        "a component nothing references",
    ),
    (
        "oas-schema",
        Severity::Error,
        "what the OpenAPI Initiative's published JSON Schema for the document's version rejects (a missing required field, a wrong type, a value outside its list, fields that exclude each other)",
    ),
    (
        "default-type",
        Severity::Error,
        "a schema default that is not of the schema's type (a warning in 3.1 and 3.2, where JSON Schema only recommends a valid default)",
    ),
    (
        "string-scalar",
        Severity::Error,
        "a value OpenAPI defines as a string written as a YAML number or boolean (version: 1.10)",
    ),
    (
        "tag-parent",
        Severity::Error,
        "a 3.2 tag whose `parent` is no tag of the document, or that is its own ancestor",
    ),
    (
        "version-keyword",
        Severity::Warning,
        "a 3.0-only schema keyword (nullable, a boolean exclusiveMinimum) in a 3.1 or 3.2 document, where JSON Schema ignores it",
    ),
    (
        "component-name",
        Severity::Error,
        "a components key outside ^[a-zA-Z0-9.\\-_]+$",
    ),
    (
        "path-equivalent",
        Severity::Error,
        "two path templates that differ only in their parameter names",
    ),
    (
        "server-variable",
        Severity::Error,
        "a server URL with unbalanced braces, or a {name} its variables do not define",
    ),
    (
        "server-variable-unused",
        Severity::Error,
        "a server variable its URL never names",
    ),
    (
        "security-scopes",
        Severity::Error,
        "scopes listed for a scheme that is not oauth2 or openIdConnect",
    ),
    (
        "tag-unique",
        Severity::Error,
        "a tag name declared twice in the top-level tags",
    ),
    (
        "link-operation",
        Severity::Error,
        "a link whose operationId no operation has",
    ),
    (
        "encoding-property",
        Severity::Error,
        "an encoding entry for a property the media type's schema does not have",
    ),
    (
        "read-write-only",
        Severity::Error,
        "a schema both readOnly and writeOnly",
    ),
    (
        "example-value",
        Severity::Error,
        "an Example with both value and externalValue",
    ),
];

/// Rules whose default level changes from a version of OpenAPI on:
/// (rule, first version, level from it). `default-type` follows 3.0.3's
/// MUST ("the value MUST conform to the defined type"); from 3.1 the
/// Schema Object is JSON Schema's, whose `default` is only RECOMMENDED to
/// be valid, and whose `format` is an annotation unless a dialect says
/// otherwise (the OpenAPI base dialect does not).
pub const BY_VERSION: &[(&str, Version, Severity)] = &[
    ("default-type", Version::V3_1, Severity::Warning),
    ("example-format", Version::V3_1, Severity::Warning),
];

/// The severity `rule` has by default in a document of `version`:
/// [`BY_VERSION`]'s for the newest version it lists at or below
/// `version`, else [`RULES`]' (a rule missing from the catalogue is an
/// error; a test keeps every rule the linter reports in it).
pub fn default_severity(rule: &str, version: Version) -> Severity {
    let by_version = BY_VERSION
        .iter()
        .filter(|(name, since, _)| *name == rule && *since <= version)
        .max_by_key(|(_, since, _)| *since)
        .map(|(_, _, s)| *s);
    by_version.unwrap_or_else(|| {
        RULES
            .iter()
            .find(|(name, _, _)| *name == rule)
            .map_or(Severity::Error, |(_, s, _)| *s)
    })
}

/// A project's severities: rule → severity, or `None` to turn it off.
#[derive(Debug, Clone, Default)]
pub struct Config {
    overrides: BTreeMap<String, Option<Severity>>,
}

/// Why a lint configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A rule name this linter does not have.
    #[error("{origin}: unknown lint rule `{rule}` (rules: {known})")]
    UnknownRule {
        /// The file or flag it came from.
        origin: String,
        /// The name given.
        rule: String,
        /// The rules there are.
        known: String,
    },
    /// A level other than error, warning or off.
    #[error("{origin}: `{level}` is not a severity for `{rule}` (use error, warning or off)")]
    BadLevel {
        /// The file or flag it came from.
        origin: String,
        /// The rule.
        rule: String,
        /// The level given.
        level: String,
    },
    /// The file is not the expected YAML (`rules: {name: level}`).
    #[error("{origin}: {message} (expected `rules:` mapping rule names to error, warning or off)")]
    Syntax {
        /// The file.
        origin: String,
        /// The parser's complaint.
        message: String,
    },
}

impl Config {
    /// Reads `rules: {rule: error|warning|off}` from YAML text; `origin`
    /// names the file in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Config, ConfigError> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct File {
            #[serde(default)]
            rules: BTreeMap<String, String>,
        }
        let file: File = serde_saphyr::from_str(text).map_err(|e| ConfigError::Syntax {
            origin: origin.to_string(),
            message: e.to_string(),
        })?;
        let mut config = Config::default();
        for (rule, level) in file.rules {
            config.set(&rule, &level, origin)?;
        }
        Ok(config)
    }

    /// Sets one rule's severity (`error`, `warning` or `off`).
    pub fn set(&mut self, rule: &str, level: &str, origin: &str) -> Result<(), ConfigError> {
        if !RULES.iter().any(|(name, _, _)| *name == rule) {
            return Err(ConfigError::UnknownRule {
                origin: origin.to_string(),
                rule: rule.to_string(),
                known: RULES
                    .iter()
                    .map(|(n, _, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        let severity = match level.trim().to_ascii_lowercase().as_str() {
            "error" => Some(Severity::Error),
            "warning" | "warn" => Some(Severity::Warning),
            "off" => None,
            _ => {
                return Err(ConfigError::BadLevel {
                    origin: origin.to_string(),
                    rule: rule.to_string(),
                    level: level.to_string(),
                });
            }
        };
        self.overrides.insert(rule.to_string(), severity);
        Ok(())
    }

    /// The level the project set for `rule`: `None` when it set none,
    /// `Some(None)` when it turned the rule off.
    pub fn level_set(&self, rule: &str) -> Option<Option<Severity>> {
        self.overrides.get(rule).copied()
    }

    /// The severity of `rule` in a document of `version` under this
    /// configuration (`None`: off).
    pub fn severity(&self, rule: &str, version: Version) -> Option<Severity> {
        match self.overrides.get(rule) {
            Some(s) => *s,
            None => Some(default_severity(rule, version)),
        }
    }
}
