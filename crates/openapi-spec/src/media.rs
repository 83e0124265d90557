//! Media types of documented bodies: which count as JSON, and which schema
//! a response documents for them. Shared by the schema generator and the
//! contract runner, so both pick the same schema.

use serde_json::Value;

/// `application/json`, or any `type/subtype+json`, parameters allowed.
pub fn is_json_media_type(media: &str) -> bool {
    let essence = media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || (essence.contains('/') && essence.ends_with("+json"))
}

/// The schema of the first JSON media type of a response (or request body)
/// that has one, in document order, with that media type.
pub fn json_schema_of(response: &Value) -> Option<(&str, &Value)> {
    response
        .get("content")?
        .as_object()?
        .iter()
        .find(|(m, v)| is_json_media_type(m) && v.get("schema").is_some())
        .and_then(|(m, v)| Some((m.as_str(), v.get("schema")?)))
}
