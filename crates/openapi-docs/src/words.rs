//! Schemas in plain words: "integer (64-bit)", "email address or null",
//! "list of [User]". Written as Markdown; the caller decides where a schema
//! name links to.

use serde_json::Value;

pub use openapi_spec::pointer::schema_ref_name as component_name;

/// What values `schema` takes, in words. `link` turns a component name into
/// a Markdown link.
pub fn type_words(schema: &Value, link: &dyn Fn(&str) -> String) -> String {
    if let Some(name) = component_name(schema) {
        return link(&name);
    }
    let mut words = base_words(schema, link);
    if schema.get("nullable").and_then(Value::as_bool) == Some(true) {
        words.push_str(" or null");
    }
    words
}

fn base_words(schema: &Value, link: &dyn Fn(&str) -> String) -> String {
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let listed: Vec<String> = values
            .iter()
            .filter(|v| !v.is_null())
            .map(|v| format!("`{}`", scalar(v)))
            .collect();
        return match listed.as_slice() {
            [one] => format!("always {one}"),
            _ => format!("one of {}", listed.join(", ")),
        };
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(branches) = schema.get(key).and_then(Value::as_array) {
            let names: Vec<String> = branches.iter().map(|b| type_words(b, link)).collect();
            return format!("one of {}", names.join(", "));
        }
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        let names: Vec<String> = parts.iter().map(|b| type_words(b, link)).collect();
        return names.join(" and ");
    }
    let format = schema.get("format").and_then(Value::as_str);
    match schema.get("type").and_then(Value::as_str) {
        Some("integer") => match format {
            Some("int32") => "integer (32-bit)".into(),
            Some("int64") => "integer (64-bit)".into(),
            _ => "integer".into(),
        },
        Some("number") => match format {
            Some(f @ ("float" | "double")) => format!("number ({f})"),
            _ => "number".into(),
        },
        Some("boolean") => "true or false".into(),
        Some("array") => match schema.get("items") {
            Some(items) => format!("list of {}", type_words(items, link)),
            None => "list".into(),
        },
        Some("string") => string_words(schema, format),
        Some("object") | None if schema.get("properties").is_some() => "object".into(),
        Some(other) => other.to_string(),
        None => "any value".into(),
    }
}

fn string_words(schema: &Value, format: Option<&str>) -> String {
    let mut words = match format {
        Some("date-time") => "date-time (RFC 3339)".to_string(),
        Some("date") => "date (RFC 3339 full-date, YYYY-MM-DD)".to_string(),
        Some("email") => "email address".to_string(),
        Some("uri") | Some("url") => {
            let schemes: Vec<&str> = schema
                .get("x-url-schemes")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            if schemes.is_empty() {
                "URL".to_string()
            } else {
                format!("{} URL", schemes.join(" or "))
            }
        }
        Some("uuid") => "UUID".to_string(),
        Some("byte") => "base64 text".to_string(),
        Some(other) => format!("string ({other})"),
        None => "string".to_string(),
    };
    if let Some(p) = schema.get("pattern").and_then(Value::as_str) {
        words.push_str(&format!(" matching `{p}`"));
    }
    words
}

/// The bounds of a number or a string, in words ("1 to 99", "0 or more").
pub fn bounds(schema: &Value) -> Option<String> {
    let num = |k: &str| schema.get(k).filter(|v| v.is_number()).map(scalar);
    let (min, max) = (num("minimum"), num("maximum"));
    let exclusive = |k: &str| schema.get(k).and_then(Value::as_bool) == Some(true);
    let number = match (exclusive("exclusiveMinimum"), exclusive("exclusiveMaximum")) {
        (false, false) => range(min, max),
        (lo_x, hi_x) => {
            let lo = min.map(|m| {
                if lo_x {
                    format!("more than {m}")
                } else {
                    format!("{m} or more")
                }
            });
            let hi = max.map(|m| {
                if hi_x {
                    format!("less than {m}")
                } else {
                    format!("at most {m}")
                }
            });
            match (lo, hi) {
                (Some(a), Some(b)) => Some(format!("{a} and {b}")),
                (a, b) => a.or(b),
            }
        }
    };
    let len = |k: &str| schema.get(k).and_then(Value::as_u64);
    let length = match (len("minLength"), len("maxLength")) {
        (Some(a), Some(b)) => Some(format!("{a} to {b} characters")),
        (Some(a), None) => Some(format!("at least {a} characters")),
        (None, Some(b)) => Some(format!("at most {b} characters")),
        (None, None) => None,
    };
    match (number, length) {
        (Some(n), Some(l)) => Some(format!("{n}; {l}")),
        (n, l) => n.or(l),
    }
}

/// Inclusive bounds in words: "1 to 99", "0 or more", "at most 5".
pub fn range(min: Option<String>, max: Option<String>) -> Option<String> {
    match (min, max) {
        (Some(a), Some(b)) => Some(format!("{a} to {b}")),
        (Some(a), None) => Some(format!("{a} or more")),
        (None, Some(b)) => Some(format!("at most {b}")),
        (None, None) => None,
    }
}

/// A JSON scalar as it would be typed: strings without quotes.
pub fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn words(schema: Value) -> String {
        type_words(&schema, &|n| format!("[{n}]"))
    }

    #[test]
    fn plain_words() {
        assert_eq!(
            words(json!({"type": "integer", "format": "int64"})),
            "integer (64-bit)"
        );
        assert_eq!(
            words(json!({"type": "string", "format": "email", "nullable": true})),
            "email address or null"
        );
        assert_eq!(
            words(json!({"type": "string", "format": "uri", "x-url-schemes": ["https"]})),
            "https URL"
        );
        assert_eq!(
            words(json!({"type": "array", "items": {"$ref": "#/components/schemas/User"}})),
            "list of [User]"
        );
        assert_eq!(
            words(json!({"type": "string", "enum": ["user"]})),
            "always `user`"
        );
        assert_eq!(
            words(json!({"type": "string", "enum": ["a", "b"]})),
            "one of `a`, `b`"
        );
        assert_eq!(words(json!({"type": "boolean"})), "true or false");
        assert_eq!(
            words(json!({"type": "string", "pattern": "^[0-9a-f]{64}$"})),
            "string matching `^[0-9a-f]{64}$`"
        );
        assert_eq!(words(json!({})), "any value");
    }

    #[test]
    fn bounds_in_words() {
        assert_eq!(
            bounds(&json!({"minimum": 1, "maximum": 99})).as_deref(),
            Some("1 to 99")
        );
        assert_eq!(bounds(&json!({"minimum": 0})).as_deref(), Some("0 or more"));
        assert_eq!(
            bounds(&json!({"maximum": 5, "exclusiveMaximum": true})).as_deref(),
            Some("less than 5")
        );
        assert_eq!(
            bounds(&json!({"minimum": 0, "maximum": 100, "exclusiveMinimum": true, "exclusiveMaximum": true}))
                .as_deref(),
            Some("more than 0 and less than 100")
        );
        assert_eq!(bounds(&json!({"type": "string"})), None);
        assert_eq!(
            bounds(&json!({"maxLength": 3})).as_deref(),
            Some("at most 3 characters")
        );
    }
}
