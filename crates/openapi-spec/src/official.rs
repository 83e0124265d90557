//! The document against the official JSON Schema of its OpenAPI version,
//! as the OpenAPI Initiative publishes it (vendored under `schemas/`, with
//! its source and date in `schemas/README.md`). The hand-written rules know
//! what someone thought of; the published schema knows every field table,
//! every required field and every mutually exclusive pair the specification
//! can express in JSON Schema. Its raw errors read badly (a `oneOf` that
//! failed, with every branch's complaint), so each is reduced to the branch
//! the document meant and said in one plain sentence at its JSON pointer.

use std::sync::OnceLock;

use jsonschema::error::{ValidationError, ValidationErrorKind};
use serde_json::Value;

use crate::{Version, pointer};

/// The OpenAPI Initiative's schema for 3.0.x documents, iteration
/// 2024-10-18 (the latest published for 3.0).
const OAS_3_0: &str = include_str!("../schemas/oas-3.0-2024-10-18.json");
/// Its schemas for 3.1.x and 3.2.x documents, iteration 2025-11-23, which
/// leave Schema Objects to the linter.
const OAS_3_1: &str = include_str!("../schemas/oas-3.1-2025-11-23.json");
const OAS_3_2: &str = include_str!("../schemas/oas-3.2-2025-11-23.json");

/// One problem the official schema found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    /// The JSON pointer of the value at fault.
    pub pointer: String,
    /// One plain sentence.
    pub message: String,
    /// Only an echo of a sharper problem inside it, when there is one (a
    /// list with a repeated item, an object that fits two branches).
    pub weak: bool,
    /// A field the object does not define: a lint finding (the lint's
    /// own field tables say it too), never a reason to refuse the document.
    pub unknown_field: bool,
    /// A value of the wrong type or a missing required field: what stops
    /// a tool reading the document, refused by the loader.
    pub blocks_reading: bool,
}

impl Problem {
    fn new(pointer: String, message: String) -> Self {
        Problem {
            pointer,
            message,
            weak: false,
            unknown_field: false,
            blocks_reading: false,
        }
    }
}

struct Official {
    schema: Value,
    validator: jsonschema::Validator,
    /// The schema's Path Item Object alone, for the path items under
    /// `x-webhooks` (the toolkit's spelling of 3.1's `webhooks` in a 3.0
    /// document), which the published schema leaves unchecked as an
    /// extension.
    path_item: jsonschema::Validator,
    /// The schema's Operation Object alone, for 3.2's operations (under
    /// `query` and `additionalOperations`) checked by 3.1's tables.
    operation: jsonschema::Validator,
}

/// The compiled schema of `version`, built once per process (compiling
/// it costs more than validating a small document).
fn official(version: Version) -> Option<&'static Official> {
    static CELLS: [OnceLock<Option<Official>>; 3] =
        [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let (cell, text) = match version {
        Version::V3_0 => (&CELLS[0], OAS_3_0),
        Version::V3_1 => (&CELLS[1], OAS_3_1),
        Version::V3_2 => (&CELLS[2], OAS_3_2),
    };
    cell.get_or_init(|| compile(text, version)).as_ref()
}

fn compile(text: &str, version: Version) -> Option<Official> {
    let schema: Value = serde_json::from_str(text).ok()?;
    let (defs, path_item, options) = match version {
        Version::V3_0 => (
            "definitions",
            "PathItem",
            jsonschema::draft4::options().should_validate_formats(true),
        ),
        _ => (
            "$defs",
            "path-item",
            jsonschema::draft202012::options().should_validate_formats(true),
        ),
    };
    let validator = options.build(&schema).ok()?;
    let operation = match version {
        Version::V3_0 => "Operation",
        _ => "operation",
    };
    let alone = |name: &str| {
        let mut alone = serde_json::Map::new();
        alone.insert("$ref".into(), format!("#/{defs}/{name}").into());
        alone.insert(defs.into(), schema.get(defs)?.clone());
        options.build(&Value::Object(alone)).ok()
    };
    Some(Official {
        path_item: alone(path_item)?,
        operation: alone(operation)?,
        validator,
        schema,
    })
}

/// Every problem the official schema of `version` finds in `raw`, one
/// per place, in the validator's order.
pub(crate) fn check(raw: &Value, version: Version) -> Vec<Problem> {
    let Some(official) = official(version) else {
        // The vendored schema is part of the build; a test pins that it
        // compiles, so this is unreachable in a released binary.
        return Vec::new();
    };
    let mut out = Vec::new();
    for error in official.validator.iter_errors(raw) {
        official.explain(&error, &mut out);
    }
    let hooks = raw.get("x-webhooks").and_then(Value::as_object);
    for (name, item) in hooks.into_iter().flatten() {
        let prefix = pointer::push("/x-webhooks", name);
        let mut found = Vec::new();
        for error in official.path_item.iter_errors(item) {
            official.explain(&error, &mut found);
        }
        out.extend(found.into_iter().map(|p| Problem {
            pointer: format!("{prefix}{}", p.pointer),
            ..p
        }));
    }
    out.dedup();
    // An object that fits two branches because another problem already
    // said what is wrong with it (schema and content both given).
    let strong: std::collections::BTreeSet<String> = out
        .iter()
        .filter(|p| !p.weak)
        .map(|p| p.pointer.clone())
        .collect();
    out.retain(|p| !(p.weak && strong.contains(&p.pointer)));
    out
}

impl Official {
    /// Adds the plain sentences for one error: the branch meant, for a
    /// `oneOf`/`anyOf`; one sentence per unexpected key; else one.
    fn explain(&self, error: &ValidationError<'_>, out: &mut Vec<Problem>) {
        let at = error.instance_path().as_str().to_string();
        let object = self.object_name(error.schema_path().as_str());
        match error.kind() {
            ValidationErrorKind::OneOfNotValid { context }
            | ValidationErrorKind::AnyOf { context } => match meant_branch(context, &at) {
                Some(branch) => branch.iter().for_each(|e| self.explain(e, out)),
                None => out.push(self.no_branch(error, context, &at, &object)),
            },
            ValidationErrorKind::AdditionalProperties { unexpected }
            | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
                for key in unexpected {
                    out.push(Problem {
                        unknown_field: true,
                        ..Problem::new(
                            pointer::push(&at, key),
                            format!(
                                "`{key}` is not a field of the {object} (and not an x- extension)"
                            ),
                        )
                    });
                }
            }
            ValidationErrorKind::OneOfMultipleValid { .. } | ValidationErrorKind::UniqueItems => {
                let message = match error.kind() {
                    ValidationErrorKind::UniqueItems => {
                        "the list repeats an item; its items must be unique".to_string()
                    }
                    _ => format!(
                        "{} fits more than one of the forms a {object} may take",
                        what(&at)
                    ),
                };
                out.push(Problem {
                    pointer: at,
                    message,
                    weak: true,
                    unknown_field: false,
                    blocks_reading: false,
                });
            }
            kind => {
                let message = self.sentence(
                    kind,
                    error.instance(),
                    error.schema_path().as_str(),
                    &object,
                    &at,
                );
                let blocks_reading = matches!(
                    kind,
                    ValidationErrorKind::Type { .. } | ValidationErrorKind::Required { .. }
                );
                out.push(Problem {
                    blocks_reading,
                    ..Problem::new(at, message)
                });
            }
        }
    }

    /// The problem for a failed `oneOf`/`anyOf` whose intended branch
    /// cannot be told: a selector no branch accepts (`in: body`), the
    /// fields that would select one, or the object as a whole.
    fn no_branch(
        &self,
        error: &ValidationError<'_>,
        context: &[Vec<ValidationError<'static>>],
        at: &str,
        object: &str,
    ) -> Problem {
        let mut allowed = Vec::new();
        let mut selector = None;
        for e in context.iter().flatten() {
            let here = e.instance_path().as_str();
            if let ValidationErrorKind::Enum { options } = e.kind()
                && matches!(here.strip_prefix(at), Some("/in" | "/type"))
            {
                allowed.extend(
                    options
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .map(str::to_string),
                );
                selector = Some((here.to_string(), short(e.instance())));
            }
        }
        if let Some((pointer, value)) = selector.filter(|_| context.iter().all(|b| !b.is_empty())) {
            allowed.dedup();
            let message = format!(
                "{value} is not one of {} (the {object})",
                allowed.join(", ")
            );
            return Problem::new(pointer, message);
        }
        let fields: Vec<String> = context
            .iter()
            .flatten()
            .filter_map(|e| match e.kind() {
                ValidationErrorKind::Required { property } => {
                    property.as_str().map(|p| format!("`{p}`"))
                }
                _ => None,
            })
            .collect();
        if !fields.is_empty() && fields.len() == context.len() {
            return Problem::new(
                at.to_string(),
                format!("{} needs one of {}", what(at), fields.join(", ")),
            );
        }
        let shown = match error.instance().as_ref() {
            Value::Object(_) => what(at),
            other => short(other),
        };
        Problem::new(at.to_string(), format!("{shown} is not a valid {object}"))
    }

    /// One sentence for one keyword that failed.
    fn sentence(
        &self,
        kind: &ValidationErrorKind,
        instance: &Value,
        keyword: &str,
        object: &str,
        at: &str,
    ) -> String {
        let value = short(instance);
        match kind {
            ValidationErrorKind::Required { property } => {
                format!(
                    "the {object} lacks its required field `{}`",
                    property.as_str().unwrap_or("?")
                )
            }
            ValidationErrorKind::Type { .. } => {
                let wanted = self
                    .keyword_value(keyword)
                    .map(|t| t.to_string().replace('"', ""))
                    .unwrap_or_default();
                format!("{value} should be of type {wanted} here")
            }
            ValidationErrorKind::Enum { options } => match options.as_array().map(Vec::as_slice) {
                Some([only]) => format!("{value} must be {} here", short(only)),
                _ => format!("{value} is not one of {}", listed(options)),
            },
            ValidationErrorKind::Pattern { pattern } => {
                format!("{value} does not match the pattern `{pattern}`")
            }
            ValidationErrorKind::Format { format } => format!("{value} is not a valid {format}"),
            ValidationErrorKind::MinItems { limit } => {
                format!("{} needs at least {}", what(at), count(*limit, "item"))
            }
            ValidationErrorKind::MinProperties { limit } => {
                format!("{} needs at least {}", what(at), count(*limit, "entry"))
            }
            ValidationErrorKind::MaxProperties { limit } => {
                format!("{} may have at most {}", what(at), count(*limit, "entry"))
            }
            ValidationErrorKind::Minimum { limit } => {
                format!("{value} is below the minimum {limit}")
            }
            ValidationErrorKind::Not { schema } => {
                match (self.description(keyword), excluded(keyword, schema)) {
                    (Some(d), _) if object == "object" => d,
                    (Some(d), _) => format!("{d} (the {object})"),
                    (None, Some((a, b))) => {
                        format!("`{a}` and `{b}` exclude each other in the {object}; keep one")
                    }
                    (None, None) => {
                        format!(
                            "the {object} has a combination of fields the specification forbids"
                        )
                    }
                }
            }
            ValidationErrorKind::ExclusiveMinimum { limit } => {
                format!("{value} must be greater than {limit}")
            }
            // No other keyword is in the published 3.0 schema; named, not
            // dumped, should a later iteration add one.
            _ => {
                let name = keyword.rsplit('/').next().unwrap_or(keyword);
                format!("{value} breaks the {object}'s `{name}` rule in the published schema")
            }
        }
    }

    /// "the Info Object", from the nearest `definitions/Name` in the
    /// schema path.
    fn object_name(&self, keyword: &str) -> String {
        let name = keyword
            .rsplit_once("/definitions/")
            .or_else(|| keyword.rsplit_once("/$defs/"))
            .map(|(_, rest)| rest.split('/').next().unwrap_or(rest))
            .unwrap_or("");
        object_label(name)
    }

    /// The value of the keyword at `keyword` in the official schema.
    fn keyword_value(&self, keyword: &str) -> Option<&Value> {
        self.schema.pointer(keyword)
    }

    /// The `description` of the schema that holds `keyword` (the schema
    /// says why a `not` exists: "Example and examples are mutually
    /// exclusive").
    fn description(&self, keyword: &str) -> Option<String> {
        let at = keyword.strip_suffix("/not").unwrap_or(keyword);
        let node = self.schema.pointer(at)?;
        node.get("not")
            .and_then(|n| n.get("description"))
            .or_else(|| node.get("description"))
            .and_then(Value::as_str)
            .map(str::to_string)
    }
}

/// The two fields a `dependentSchemas: {a: {not: {required: [b]}}}`
/// keeps apart (3.1's License Object: `identifier` and `url`).
fn excluded(keyword: &str, not: &Value) -> Option<(String, String)> {
    let rest = keyword.strip_suffix("/not")?;
    let (_, a) = rest.rsplit_once("/dependentSchemas/")?;
    let b = not.get("required")?.as_array()?.first()?.as_str()?;
    Some((pointer::unescape(a), b.to_string()))
}

/// The fields of a 3.2 document that 3.1's field tables do not have and
/// no tool here reads yet (`itemSchema`, `dataValue`, `style: cookie`, …):
/// the 3.2 document checked against 3.1's published schema, minus the
/// 3.2 features the toolkit reads. Each is named, so none is ignored
/// silently. `published` is what 3.2's own schema found (on load).
pub(crate) fn unread_3_2_fields(raw: &Value, published: &[Problem]) -> Vec<Problem> {
    let Some(official) = official(Version::V3_1) else {
        return Vec::new();
    };
    let mut errors: Vec<(String, ValidationError<'_>)> = official
        .validator
        .iter_errors(raw)
        .map(|e| (String::new(), e))
        .collect();
    // 3.1's tables do not look inside 3.2's operations: each on its own.
    for op in crate::visit::operations(raw) {
        if op.method == "query" || op.additional {
            let prefix = op.pointer();
            errors.extend(
                official
                    .operation
                    .iter_errors(op.operation)
                    .map(|e| (prefix.clone(), e)),
            );
        }
    }
    // A field 3.2's tables do not have either is a mistake, which the
    // lint names as one: only 3.2's own fields are wanted here.
    let mistakes: std::collections::BTreeSet<&str> = published
        .iter()
        .filter(|p| p.unknown_field)
        .map(|p| p.pointer.as_str())
        .collect();
    let mut out = Vec::new();
    for (prefix, error) in errors {
        let at = format!("{prefix}{}", error.instance_path().as_str());
        match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected }
            | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
                for key in unexpected {
                    let field = pointer::push(&at, key);
                    if !read_3_2_field(&field) && !mistakes.contains(field.as_str()) {
                        out.push(Problem::new(field, format!("`{key}` (OpenAPI 3.2)")));
                    }
                }
            }
            ValidationErrorKind::Enum { .. } | ValidationErrorKind::Constant { .. }
                if at.ends_with("/style") =>
            {
                out.push(Problem::new(
                    at,
                    format!("style {} (OpenAPI 3.2)", short(error.instance())),
                ));
            }
            _ => {}
        }
    }
    out.sort_by(|a, b| a.pointer.cmp(&b.pointer));
    out.dedup();
    out
}

/// The 3.2 fields the toolkit reads: `$self`, the `query` method,
/// `additionalOperations`, and a tag's `parent` and `kind` (`in:
/// querystring` is a value, not a field).
fn read_3_2_field(field: &str) -> bool {
    let last = field.rsplit('/').next().unwrap_or_default();
    field == "/$self"
        || matches!(last, "query" | "additionalOperations")
        || matches!(last, "parent" | "kind") && field.starts_with("/tags/")
}

/// The branch of a `oneOf`/`anyOf` the document meant: the only one not
/// ruled out by a selector, a field whose presence or value picks the
/// branch (`$ref` for a Reference, `in` for a Parameter, `type` for a
/// Security Scheme).
fn meant_branch<'e>(
    context: &'e [Vec<ValidationError<'static>>],
    at: &str,
) -> Option<&'e [ValidationError<'static>]> {
    let ruled_out = |branch: &Vec<ValidationError<'static>>| {
        branch.iter().any(|e| {
            let here = e.instance_path().as_str();
            match e.kind() {
                ValidationErrorKind::Required { property } => {
                    here == at && property.as_str() == Some("$ref")
                }
                ValidationErrorKind::Enum { .. } => {
                    matches!(here.strip_prefix(at), Some("/in" | "/type"))
                }
                _ => false,
            }
        })
    };
    let mut candidates = context.iter().filter(|b| !b.is_empty() && !ruled_out(b));
    let first = candidates.next()?;
    candidates.next().is_none().then_some(first.as_slice())
}

/// "PathItem" → "Path Item Object"; the parameter and scheme branches keep
/// the object the specification names.
fn object_label(definition: &str) -> String {
    if definition.contains('-')
        || definition
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase())
    {
        return kebab_label(definition);
    }
    let named = match definition {
        "" => return "document".to_string(),
        "PathParameter" | "QueryParameter" | "HeaderParameter" | "CookieParameter" => "Parameter",
        "APIKeySecurityScheme"
        | "HTTPSecurityScheme"
        | "OAuth2SecurityScheme"
        | "OpenIdConnectSecurityScheme" => "Security Scheme",
        "ImplicitOAuthFlow"
        | "PasswordOAuthFlow"
        | "ClientCredentialsFlow"
        | "AuthorizationCodeOAuthFlow" => "OAuth Flow",
        "ExampleXORExamples" | "SchemaXORContent" => return "object".to_string(),
        "XML" => "XML",
        other => return format!("{} Object", split_camel(other)),
    };
    format!("{named} Object")
}

/// The 3.1/3.2 schemas' `$defs` names: "path-item" → "Path Item Object",
/// "parameter-or-reference" → "Parameter Object".
fn kebab_label(definition: &str) -> String {
    let name = definition
        .strip_suffix("-or-reference")
        .unwrap_or(definition);
    let words: Vec<String> = name
        .split('-')
        .map(|w| match w {
            "oauth" => "OAuth".to_string(),
            "xml" => "XML".to_string(),
            w => {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                    .unwrap_or_default()
            }
        })
        .collect();
    match name {
        "specification-extensions" | "examples" | "styles-for-form" => "object".to_string(),
        _ => format!("{} Object", words.join(" ")),
    }
}

fn split_camel(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if i > 0 && c.is_ascii_uppercase() {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// "`content`" for `/a/b/content`, "`parameters[0]`" for an item of a
/// list, "the document" for the root.
fn what(at: &str) -> String {
    let Some((parent, last)) = at.rsplit_once('/') else {
        return "the document".to_string();
    };
    let last = pointer::unescape(last);
    match (last.parse::<usize>(), parent.rsplit_once('/')) {
        (Ok(i), Some((_, list))) => format!("`{}[{i}]`", pointer::unescape(list)),
        _ => format!("`{last}`"),
    }
}

/// "1 entry", "2 entries".
fn count(n: u64, noun: &str) -> String {
    match (n, noun.strip_suffix('y')) {
        (1, _) => format!("1 {noun}"),
        (_, Some(stem)) => format!("{n} {stem}ies"),
        _ => format!("{n} {noun}s"),
    }
}

/// A value as a finding shows it: text as itself, anything else as JSON,
/// long ones cut; in backticks.
fn short(value: &Value) -> String {
    let text = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.chars().count() > 60 {
        let cut: String = text.chars().take(57).collect();
        format!("`{cut}…`")
    } else {
        format!("`{text}`")
    }
}

/// `["a","b"]` → "a, b".
fn listed(options: &Value) -> String {
    match options.as_array() {
        Some(items) => items
            .iter()
            .map(|v| short(v).trim_matches('`').to_string())
            .collect::<Vec<_>>()
            .join(", "),
        None => options.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_vendored_schemas_compile() {
        for v in [Version::V3_0, Version::V3_1, Version::V3_2] {
            assert!(official(v).is_some(), "{v}");
        }
        assert_eq!(object_label("path-item"), "Path Item Object");
        assert_eq!(object_label("parameter-or-reference"), "Parameter Object");
        assert_eq!(object_label("oauth-flows"), "OAuth Flows Object");
        assert_eq!(object_label("PathItem"), "Path Item Object");
        // 3.1's helper definitions are no object of the specification.
        assert_eq!(object_label("examples"), "object");
        assert_eq!(object_label("styles-for-form"), "object");
    }

    #[test]
    fn places_and_counts_read_as_words() {
        assert_eq!(what("/paths/~1a/get/parameters/0"), "`parameters[0]`");
        assert_eq!(what("/paths/~1a~1b"), "`/a/b`");
        assert_eq!(what("/info"), "`info`");
        assert_eq!(what(""), "the document");
        assert_eq!(count(1, "entry"), "1 entry");
        assert_eq!(count(2, "entry"), "2 entries");
        assert_eq!(count(3, "item"), "3 items");
        let sixty = "x".repeat(60);
        assert_eq!(short(&json!(sixty)), format!("`{sixty}`"));
        let cut = short(&json!("y".repeat(61)));
        assert_eq!(cut, format!("`{}…`", "y".repeat(57)));
        assert_eq!(short(&json!(1.5)), "`1.5`");
        assert_eq!(listed(&json!(["a", 1])), "a, 1");
        assert_eq!(listed(&json!("a")), "\"a\"");
    }

    #[test]
    fn labels_name_the_specification_objects() {
        assert_eq!(object_label("PathItem"), "Path Item Object");
        // 3.1's helper definitions are no object of the specification.
        assert_eq!(object_label("examples"), "object");
        assert_eq!(object_label("styles-for-form"), "object");
        assert_eq!(object_label("QueryParameter"), "Parameter Object");
        assert_eq!(
            object_label("OAuth2SecurityScheme"),
            "Security Scheme Object"
        );
        assert_eq!(object_label(""), "document");
    }
}
