//! Choosing a shape: each schema read into an [`Item`] (struct, enum,
//! tagged or untagged union) or a [`Ty`], in the order typify's `convert`
//! does; nothing here writes code.

use std::collections::{BTreeMap, BTreeSet};

use openapi_spec::pointer;
use serde_json::{Map, Value};

use super::{AdjacentShape, Field, Generator, Item, Ty, UnionForm};
use crate::CodegenError;
use crate::naming::{field_name, scalar_type, type_name};

impl Generator<'_> {
    /// Emits an item called `name` for `schema`.
    pub(super) fn named(
        &mut self,
        name: &str,
        schema: &Value,
        ptr: &str,
        skip_tag: Option<String>,
    ) -> Result<String, CodegenError> {
        let doc = description(schema);
        if let Some(d) = schema.get("discriminator") {
            return self.discriminated(name, schema, d, ptr);
        }
        if schema.get("oneOf").is_some() || schema.get("anyOf").is_some() {
            let mut variants = Vec::new();
            for (i, b) in branches(schema).iter().enumerate() {
                let vptr = format!(
                    "{ptr}/{}/{i}",
                    if schema.get("oneOf").is_some() {
                        "oneOf"
                    } else {
                        "anyOf"
                    }
                );
                let ty = self.ty(b, &format!("{name}Variant{i}"), &vptr)?;
                let vname = match &ty {
                    Ty::Named(n) => n.clone(),
                    other => variant_name_for(other, i),
                };
                variants.push((vname, ty));
            }
            return Ok(self.add(Item::Untagged {
                name: name.into(),
                doc,
                variants,
            }));
        }
        if schema.get("allOf").is_some() || is_object(schema) {
            let fields = self.fields(name, schema, ptr, skip_tag.as_deref())?;
            return Ok(self.add(Item::Struct {
                name: name.into(),
                doc,
                fields,
            }));
        }
        if let Some(values) = string_enum(schema) {
            return Ok(self.add(Item::StringEnum {
                name: name.into(),
                doc,
                values,
            }));
        }
        let ty = self.ty(schema, name, ptr)?;
        let ty = if nullable(schema) {
            Ty::Option(Box::new(ty))
        } else {
            ty
        };
        Ok(self.add(Item::Alias {
            name: name.into(),
            doc,
            ty,
        }))
    }

    /// The type of a schema used in place (a property, an item, a branch).
    pub(super) fn ty(
        &mut self,
        schema: &Value,
        context: &str,
        ptr: &str,
    ) -> Result<Ty, CodegenError> {
        if let Some(n) = ref_name(schema) {
            if !self.schemas.contains_key(&n) {
                return Err(unsupported(ptr, format!("$ref to unknown schema `{n}`")));
            }
            return Ok(Ty::Named(type_name(&n)));
        }
        if schema.get("$ref").is_some() {
            return Err(unsupported(
                ptr,
                "only $refs to #/components/schemas are supported".into(),
            ));
        }
        if let Some(member) = lone_reference(schema) {
            // `allOf: [$ref]` (3.0.3's way to say `nullable` or describe a
            // reference, and what a 3.1 `anyOf: [X, null]` folds into) is X.
            return self.ty(member, context, &format!("{ptr}/allOf/0"));
        }
        let composite = ["allOf", "oneOf", "anyOf"]
            .iter()
            .any(|k| schema.get(*k).is_some());
        if composite
            || string_enum(schema).is_some()
            || (is_object(schema) && has_properties(schema))
        {
            let n = self.named(context, schema, ptr, None)?;
            return Ok(Ty::Named(n));
        }
        let t = schema.get("type").and_then(Value::as_str);
        let format = schema.get("format").and_then(Value::as_str);
        Ok(match (t, format) {
            (Some("string"), Some("date-time")) => Ty::DateTime,
            (Some("string"), Some("date")) => Ty::Date,
            (Some("string"), _) => Ty::String,
            (Some(t @ ("integer" | "number" | "boolean")), _) => {
                Ty::Prim(scalar_type(t, format).unwrap_or("f64"))
            }
            (Some("array"), _) if closed_tuple(schema).is_some() => {
                let items = closed_tuple(schema).map(Vec::as_slice).unwrap_or_default();
                self.tuple(items, context, ptr)?
            }
            (Some("null"), _) => Ty::Json,
            (Some("array"), _) => {
                let items = schema.get("items").cloned().unwrap_or(Value::Bool(true));
                let inner = self.ty(&items, &format!("{context}Item"), &format!("{ptr}/items"))?;
                let inner = if nullable(&items) {
                    Ty::Option(Box::new(inner))
                } else {
                    inner
                };
                Ty::Vec(Box::new(inner))
            }
            (Some("object"), _) | (None, _) => match schema.get("additionalProperties") {
                Some(ap) if ap.is_object() => {
                    let inner = self.ty(
                        ap,
                        &format!("{context}Value"),
                        &format!("{ptr}/additionalProperties"),
                    )?;
                    Ty::Map(Box::new(inner))
                }
                _ if t == Some("object") => Ty::Map(Box::new(Ty::Json)),
                _ => Ty::Json,
            },
            (Some(other), _) => return Err(unsupported(ptr, format!("unknown type `{other}`"))),
        })
    }

    /// Fields of an object or an `allOf` (referenced members flattened).
    pub(super) fn fields(
        &mut self,
        owner: &str,
        schema: &Value,
        ptr: &str,
        skip: Option<&str>,
    ) -> Result<Vec<Field>, CodegenError> {
        let mut fields = Vec::new();
        for (i, member) in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let mptr = format!("{ptr}/allOf/{i}");
            if let Some(n) = ref_name(member) {
                fields.push(Field::flattened(&n));
            } else {
                fields.extend(self.fields(owner, member, &mptr, skip)?);
            }
        }
        let required = openapi_spec::schema::required(schema);
        for (json, prop) in openapi_spec::schema::properties(schema) {
            if Some(json.as_str()) == skip {
                continue;
            }
            let pptr = pointer::push(&format!("{ptr}/properties"), json);
            let (target, _) =
                pointer::resolve(self.raw, prop, &pptr).unwrap_or((prop, pptr.clone()));
            let context = format!("{owner}{}", type_name(json));
            let mut ty = self.ty(prop, &context, &pptr)?;
            let is_required = required.contains(json.as_str());
            if nullable(prop) || !is_required {
                ty = Ty::Option(Box::new(ty));
            }
            let doc = description(prop).or_else(|| description(target));
            fields.push(Field {
                rust: field_name(json),
                json: json.clone(),
                ty,
                doc,
                required: is_required,
                flatten: false,
                format: target
                    .get("format")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                minimum: inclusive_bound(target, "minimum", "exclusiveMinimum", 1),
                maximum: inclusive_bound(target, "maximum", "exclusiveMaximum", -1),
            });
        }
        // Two members may define the same property; keep the first.
        let mut seen = BTreeSet::new();
        fields.retain(|f| f.flatten || seen.insert(f.json.clone()));
        // Two JSON names may still make one Rust name (`a-b` and `a_b`):
        // later ones get a numbered suffix, serde keeps the JSON names.
        let mut taken = BTreeSet::new();
        for f in fields.iter_mut().filter(|f| !f.flatten) {
            let mut name = f.rust.clone();
            let mut n = 2;
            while !taken.insert(name.clone()) {
                name = format!("{}_{n}", f.rust.trim_end_matches('_'));
                n += 1;
            }
            f.rust = name;
        }
        Ok(fields)
    }

    /// For the adjacent shape: (base component or None, payload property,
    /// per-branch (tag, payload schema)).
    pub(super) fn adjacent_shape(&self, schema: &Value, d: &Value) -> Option<AdjacentShape> {
        let prop = d.get("propertyName")?.as_str()?;
        let tags = self.tags(schema, d)?;
        let mut base: Option<Option<String>> = None;
        let mut payload: Option<String> = None;
        let mut out = Vec::new();
        for b in branches(schema) {
            let name = ref_name(b)?;
            let branch = self.schemas.get(&name)?;
            let (refs, own) = split_all_of(branch);
            if refs.len() > 1 {
                return None;
            }
            let this_base = refs.first().cloned();
            if base.get_or_insert(this_base.clone()) != &this_base {
                return None;
            }
            let others: Vec<&String> = own.keys().filter(|k| k.as_str() != prop).collect();
            let [p] = others.as_slice() else { return None };
            if payload.get_or_insert((*p).clone()) != *p {
                return None;
            }
            let tag = tags
                .iter()
                .find(|(_, n)| **n == name)
                .map(|(t, _)| t.clone())?;
            out.push((tag, own.get(*p)?.clone()));
        }
        Some((base?, payload?, out))
    }

    pub(super) fn tags(&self, schema: &Value, d: &Value) -> Option<BTreeMap<String, String>> {
        let obj = schema.as_object()?;
        openapi_jsonschema::discriminator_tags(obj, d, |r| {
            openapi_jsonschema::component_name(r).filter(|n| self.schemas.contains_key(n))
        })
        .ok()
    }

    pub(super) fn discriminated(
        &mut self,
        name: &str,
        schema: &Value,
        d: &Value,
        ptr: &str,
    ) -> Result<String, CodegenError> {
        let doc = description(schema);
        let prop = d
            .get("propertyName")
            .and_then(Value::as_str)
            .ok_or_else(|| unsupported(ptr, "discriminator without propertyName".into()))?
            .to_string();
        if let Some(shape) = self.adjacent_shape(schema, d) {
            let form = self.union_form(schema, d, &prop, doc.clone());
            let name = self.adjacent(name, doc, &prop, shape, ptr)?;
            self.forms.insert(name.clone(), form);
            return Ok(name);
        }
        let tags = self
            .tags(schema, d)
            .ok_or_else(|| unsupported(ptr, "discriminator mapping does not resolve".into()))?;
        let mut variants = Vec::new();
        for b in branches(schema) {
            let Some(n) = ref_name(b) else {
                return Err(unsupported(
                    ptr,
                    "discriminated branches must be $refs".into(),
                ));
            };
            for (tag, target) in &tags {
                if *target == n {
                    variants.push((type_name(tag), tag.clone(), Ty::Named(type_name(&n))));
                }
            }
        }
        Ok(self.add(Item::Tagged {
            name: name.into(),
            doc,
            tag: prop,
            content: None,
            variants,
        }))
    }

    /// The document's own form of a discriminated union of components.
    fn union_form(&self, schema: &Value, d: &Value, prop: &str, doc: Option<String>) -> UnionForm {
        let explicit = d.get("mapping").and_then(Value::as_object);
        let mapping = self
            .tags(schema, d)
            .unwrap_or_default()
            .into_iter()
            .filter(|(tag, _)| explicit.is_some_and(|m| m.contains_key(tag)))
            .map(|(tag, component)| (tag, type_name(&component)))
            .collect();
        UnionForm {
            any_of: schema.get("oneOf").is_none(),
            property: prop.to_string(),
            branches: branches(schema)
                .into_iter()
                .filter_map(ref_name)
                .map(|n| type_name(&n))
                .collect(),
            mapping,
            doc,
        }
    }

    /// A union whose branches share fields and differ only in one payload
    /// property: a struct with the shared fields and an adjacently tagged
    /// enum for the tag and the payload.
    pub(super) fn adjacent(
        &mut self,
        name: &str,
        doc: Option<String>,
        prop: &str,
        (base, payload, branches): AdjacentShape,
        ptr: &str,
    ) -> Result<String, CodegenError> {
        let enum_name = format!("{name}{}", type_name(&payload));
        let mut variants = Vec::new();
        for (tag, pschema) in &branches {
            let ty = self.ty(pschema, &format!("{enum_name}{}", type_name(tag)), ptr)?;
            variants.push((type_name(tag), tag.clone(), ty));
        }
        let enum_name = self.add(Item::Tagged {
            name: enum_name,
            doc: Some(format!(
                "`{prop}` and `{payload}` of a {name}: the tag decides the payload's shape."
            )),
            tag: prop.to_string(),
            content: Some(payload.clone()),
            variants,
        });
        let mut fields = match &base {
            Some(b) => {
                let bschema = self.schemas.get(b).cloned().unwrap_or(Value::Null);
                let bptr = pointer::push("/components/schemas", b);
                if bschema.get("allOf").is_none() && is_object(&bschema) {
                    self.fields(&type_name(b), &bschema, &bptr, None)?
                } else {
                    vec![Field::flattened(b)]
                }
            }
            None => Vec::new(),
        };
        fields.push(Field {
            rust: field_name(&payload),
            json: payload.clone(),
            ty: Ty::Named(enum_name),
            doc: Some(format!(
                "`{prop}` with `{payload}`: match on this to read the payload."
            )),
            required: true,
            flatten: true,
            format: None,
            minimum: None,
            maximum: None,
        });
        Ok(self.add(Item::Struct {
            name: name.into(),
            doc,
            fields,
        }))
    }

    /// Boxes struct fields that would make a type contain itself.
    pub(super) fn box_recursion(&mut self) {
        let edges: BTreeMap<String, Vec<String>> = self
            .items
            .iter()
            .map(|(n, item)| (n.clone(), direct_children(item)))
            .collect();
        let reaches = |from: &str, to: &str| {
            let mut stack = vec![from.to_string()];
            let mut seen = BTreeSet::new();
            while let Some(n) = stack.pop() {
                if n == to {
                    return true;
                }
                if seen.insert(n.clone()) {
                    stack.extend(edges.get(&n).cloned().unwrap_or_default());
                }
            }
            false
        };
        let names: Vec<String> = self.items.keys().cloned().collect();
        for name in names {
            let mut changes = Vec::new();
            if let Some(Item::Struct { fields, .. }) = self.items.get(&name) {
                for (i, f) in fields.iter().enumerate() {
                    if let Some(t) = f.ty.direct_name()
                        && reaches(t, &name)
                    {
                        changes.push(i);
                    }
                }
            }
            if let Some(Item::Struct { fields, .. }) = self.items.get_mut(&name) {
                for i in changes {
                    let f = &mut fields[i];
                    f.ty = match std::mem::replace(&mut f.ty, Ty::Json) {
                        Ty::Option(t) => Ty::Option(Box::new(Ty::Boxed(t))),
                        t => Ty::Boxed(Box::new(t)),
                    };
                }
            }
        }
    }
}

pub(super) fn inner_ty(t: &Ty) -> &Ty {
    match t {
        Ty::Option(t) | Ty::Boxed(t) => inner_ty(t),
        t => t,
    }
}

pub(super) fn direct_children(item: &Item) -> Vec<String> {
    match item {
        Item::Struct { fields, .. } => fields
            .iter()
            .filter(|f| !matches!(f.ty, Ty::Boxed(_)))
            .filter_map(|f| f.ty.direct_name().map(str::to_string))
            .collect(),
        Item::Tagged { variants, .. } => variants
            .iter()
            .filter_map(|(_, _, t)| t.direct_name().map(str::to_string))
            .collect(),
        Item::Untagged { variants, .. } => variants
            .iter()
            .filter_map(|(_, t)| t.direct_name().map(str::to_string))
            .collect(),
        Item::Alias { ty, .. } => ty.direct_name().map(str::to_string).into_iter().collect(),
        Item::StringEnum { .. } => Vec::new(),
    }
}

pub(super) fn set_name(item: &mut Item, new: &str) {
    match item {
        Item::Struct { name, .. }
        | Item::StringEnum { name, .. }
        | Item::Tagged { name, .. }
        | Item::Untagged { name, .. }
        | Item::Alias { name, .. } => *name = new.to_string(),
    }
}

pub(super) fn unsupported(pointer: &str, message: String) -> CodegenError {
    CodegenError::Unsupported {
        pointer: pointer.to_string(),
        message,
    }
}

pub(super) fn description(schema: &Value) -> Option<String> {
    schema
        .get("description")
        .or_else(|| schema.get("title"))
        .and_then(Value::as_str)
        .map(str::to_string)
}

pub(super) fn ref_name(schema: &Value) -> Option<String> {
    pointer::schema_ref_name(schema)
}

pub(super) fn branches(schema: &Value) -> Vec<&Value> {
    ["oneOf", "anyOf"]
        .iter()
        .flat_map(|k| {
            schema
                .get(*k)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        })
        .collect()
}

impl Generator<'_> {
    /// A tuple of the types of `prefixItems` (a nullable item an `Option`).
    fn tuple(&mut self, items: &[Value], context: &str, ptr: &str) -> Result<Ty, CodegenError> {
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let at = format!("{ptr}/prefixItems/{i}");
            let ty = self.ty(item, &format!("{context}Item{i}"), &at)?;
            out.push(if nullable(item) {
                Ty::Option(Box::new(ty))
            } else {
                ty
            });
        }
        Ok(Ty::Tuple(out))
    }
}

/// A bound as the derives take it (inclusive): an exclusive bound of an
/// integer is the next integer in; of a number, none (no derive says
/// "greater than" exactly, and a wrong inclusive bound would lie).
fn inclusive_bound(schema: &Value, bound: &str, flag: &str, step: i64) -> Option<Value> {
    let value = schema.get(bound)?;
    if schema.get(flag).and_then(Value::as_bool) != Some(true) {
        return Some(value.clone());
    }
    let integer = schema.get("type").and_then(Value::as_str) == Some("integer");
    let next = value.as_i64().filter(|_| integer)?.checked_add(step)?;
    Some(Value::from(next))
}

/// The one member of an `allOf` that is only a `$ref`, when nothing else
/// in the schema shapes the type (no properties, no union).
fn lone_reference(schema: &Value) -> Option<&Value> {
    let [member] = schema.get("allOf")?.as_array()?.as_slice() else {
        return None;
    };
    let shaping = [
        "properties",
        "oneOf",
        "anyOf",
        "discriminator",
        "additionalProperties",
    ];
    (ref_name(member).is_some() && !shaping.iter().any(|k| schema.get(*k).is_some()))
        .then_some(member)
}

/// The items of a fixed-length array: `prefixItems` with no other items
/// allowed (`items: false`, or `maxItems` equal to their number), the
/// shape a Rust tuple reads exactly.
fn closed_tuple(schema: &Value) -> Option<&Vec<Value>> {
    let items = schema.get("prefixItems")?.as_array()?;
    let closed = schema.get("items") == Some(&Value::Bool(false))
        || (schema.get("items").is_none()
            && schema.get("maxItems").and_then(Value::as_u64) == Some(items.len() as u64));
    closed.then_some(items)
}

pub(super) fn nullable(schema: &Value) -> bool {
    openapi_spec::schema::nullable(schema)
}

pub(super) fn is_object(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("object") || has_properties(schema)
}

pub(super) fn has_properties(schema: &Value) -> bool {
    schema.get("properties").is_some_and(Value::is_object)
}

/// `$ref`s and own properties of a schema, looking into `allOf` members.
pub(super) fn split_all_of(schema: &Value) -> (Vec<String>, Map<String, Value>) {
    let mut refs = Vec::new();
    let mut own = Map::new();
    for m in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        match ref_name(m) {
            Some(n) => refs.push(n),
            None => {
                let (r, o) = split_all_of(m);
                refs.extend(r);
                own.extend(o);
            }
        }
    }
    if let Some(p) = schema.get("properties").and_then(Value::as_object) {
        own.extend(p.clone());
    }
    (refs, own)
}

pub(super) fn string_enum(schema: &Value) -> Option<Vec<(String, String)>> {
    let values = schema.get("enum")?.as_array()?;
    // A `const` folds into a one-value `enum`, often with no `type`.
    let typed = schema.get("type").and_then(Value::as_str);
    let strings = !values.is_empty() && values.iter().all(Value::is_string);
    if typed != Some("string") && !(typed.is_none() && strings) {
        return None;
    }
    let mut out = Vec::new();
    let mut used = BTreeSet::new();
    for v in values {
        let Some(s) = v.as_str() else { continue };
        let mut name = type_name(s);
        let base = name.clone();
        let mut n = 2;
        while !used.insert(name.clone()) {
            name = format!("{base}{n}");
            n += 1;
        }
        out.push((name, s.to_string()));
    }
    Some(out)
}

pub(super) fn variant_name_for(ty: &Ty, i: usize) -> String {
    match ty {
        Ty::String => "String".into(),
        Ty::Prim(p) => type_name(p),
        Ty::Vec(_) => format!("List{i}"),
        Ty::Tuple(_) => format!("Tuple{i}"),
        Ty::Map(_) => format!("Map{i}"),
        _ => format!("Variant{i}"),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{closed_tuple, inclusive_bound, lone_reference};

    #[test]
    fn an_exclusive_bound_is_the_next_integer_in_or_none() {
        let integer = json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true, "maximum": 9, "exclusiveMaximum": true});
        assert_eq!(
            inclusive_bound(&integer, "minimum", "exclusiveMinimum", 1),
            Some(json!(1))
        );
        assert_eq!(
            inclusive_bound(&integer, "maximum", "exclusiveMaximum", -1),
            Some(json!(8))
        );
        let number = json!({"type": "number", "minimum": 0, "exclusiveMinimum": true});
        assert_eq!(
            inclusive_bound(&number, "minimum", "exclusiveMinimum", 1),
            None
        );
        let inclusive = json!({"type": "integer", "minimum": 3});
        assert_eq!(
            inclusive_bound(&inclusive, "minimum", "exclusiveMinimum", 1),
            Some(json!(3))
        );
    }

    #[test]
    fn only_closed_prefix_items_are_a_tuple() {
        let two = json!([{"type": "string"}, {"type": "integer"}]);
        assert!(closed_tuple(&json!({"prefixItems": two, "items": false})).is_some());
        assert!(closed_tuple(&json!({"prefixItems": two, "maxItems": 2})).is_some());
        assert!(
            closed_tuple(&json!({"prefixItems": two})).is_none(),
            "more items may follow"
        );
        assert!(closed_tuple(&json!({"prefixItems": two, "maxItems": 3})).is_none());
        assert!(
            closed_tuple(&json!({"prefixItems": two, "items": {"type": "string"}, "maxItems": 2}))
                .is_none()
        );
    }

    #[test]
    fn a_lone_reference_is_the_referenced_type_unless_something_shapes_it() {
        let member = json!({"$ref": "#/components/schemas/T"});
        assert_eq!(
            lone_reference(&json!({"allOf": [member], "nullable": true})),
            Some(&member)
        );
        assert!(lone_reference(&json!({"allOf": [member], "properties": {"a": {}}})).is_none());
        assert!(lone_reference(&json!({"allOf": [member, member]})).is_none());
        assert!(lone_reference(&json!({"allOf": [{"type": "string"}]})).is_none());
    }
}
