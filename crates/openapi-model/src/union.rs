//! `oneOf`/`anyOf` schemas, with how a value picks its branch.

use std::collections::BTreeMap;

use openapi_spec::pointer;
use serde_json::Value;

use crate::{ModelError, resolve_schema};

/// A `oneOf`/`anyOf` schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Union {
    /// Where the union schema is.
    pub pointer: String,
    /// Each branch as written (`…/oneOf/0`): what a validator compiles.
    pub branch_pointers: Vec<String>,
    /// Each branch with its `$ref`s followed: what the branch is.
    pub branches: Vec<String>,
    /// The discriminator, when the union has one.
    pub discriminator: Option<Discriminator>,
}

/// A discriminator: the property whose value names the branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discriminator {
    /// The tag property.
    pub property: String,
    /// Tag → branch index.
    pub tags: BTreeMap<String, usize>,
}

/// Every `oneOf`/`anyOf` in the document.
pub(crate) fn unions(raw: &Value) -> Result<Vec<Union>, ModelError> {
    let mut out = Vec::new();
    for ptr in openapi_spec::visit::schema_pointers(raw) {
        if let Some(u) = raw.pointer(&ptr).map(|s| read(raw, s, &ptr)).transpose()? {
            out.extend(u);
        }
    }
    Ok(out)
}

fn read(raw: &Value, schema: &Value, ptr: &str) -> Result<Option<Union>, ModelError> {
    let Some((key, list)) = ["oneOf", "anyOf"]
        .into_iter()
        .find_map(|k| Some((k, schema.get(k)?.as_array()?)))
    else {
        return Ok(None);
    };
    let branch_pointers: Vec<String> = (0..list.len())
        .map(|i| format!("{ptr}/{key}/{i}"))
        .collect();
    let branches: Vec<String> = branch_pointers
        .iter()
        .map(|b| resolve_schema(raw, b).unwrap_or_else(|| b.clone()))
        .collect();
    let discriminator = match (schema.as_object(), schema.get("discriminator")) {
        (Some(obj), Some(d)) => Some(discriminator(obj, d, ptr, &branches)?),
        _ => None,
    };
    Ok(Some(Union {
        pointer: ptr.to_string(),
        branch_pointers,
        branches,
        discriminator,
    }))
}

fn discriminator(
    obj: &serde_json::Map<String, Value>,
    d: &Value,
    ptr: &str,
    branches: &[String],
) -> Result<Discriminator, ModelError> {
    let property = d
        .get("propertyName")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let names =
        openapi_jsonschema::discriminator_tags(obj, d, pointer::component_name).map_err(|e| {
            ModelError::Discriminator {
                pointer: ptr.to_string(),
                message: e.to_string(),
            }
        })?;
    let tags = names
        .into_iter()
        .filter_map(|(tag, name)| {
            let target = pointer::component_pointer(&name);
            Some((tag, branches.iter().position(|b| *b == target)?))
        })
        .collect();
    Ok(Discriminator { property, tags })
}
