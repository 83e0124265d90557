//! Schemas: fields in plain words, unions as one table per variant.

use super::*;

impl<'a> Builder<'a> {
    pub(super) fn schemas(&self) -> Vec<Schema> {
        let Some(all) = self
            .raw
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        else {
            return Vec::new();
        };
        all.iter()
            .map(|(name, s)| {
                let ptr = pointer::push("/components/schemas", name);
                let (fields, includes) = self.fields(s, &ptr);
                Schema {
                    name: name.clone(),
                    anchor: format!("schema-{}", slug(name)),
                    page: self.links.schemas.get(name).cloned().unwrap_or_default(),
                    description: self.target.block(str_at(s, "description")),
                    type_words: self.words(s),
                    fields,
                    includes,
                    union: self.union(s, &ptr),
                    example: openapi_spec::schema::example(s)
                        .map(|v| example("Example".into(), v, &ptr, "json")),
                }
            })
            .collect()
    }

    /// The properties of an object schema, `allOf` parts merged in order;
    /// parts that are unions are named instead of merged.
    pub(super) fn fields(&self, schema: &Value, ptr: &str) -> (Vec<Field>, Vec<String>) {
        let mut fields: Vec<Field> = Vec::new();
        let mut includes = Vec::new();
        self.collect_fields(schema, ptr, &mut fields, &mut includes, 0);
        (fields, includes)
    }

    pub(super) fn collect_fields(
        &self,
        schema: &Value,
        ptr: &str,
        fields: &mut Vec<Field>,
        includes: &mut Vec<String>,
        depth: usize,
    ) {
        if depth > 16 {
            return;
        }
        let Some((schema, ptr)) = self.resolve(schema, ptr) else {
            return;
        };
        if schema.get("oneOf").is_some() || schema.get("anyOf").is_some() {
            if let Some(name) = ptr.strip_prefix("/components/schemas/") {
                let name = pointer::unescape(name);
                includes.push(self.target.inline(&self.schema_link(&name)));
            }
            return;
        }
        for (i, part) in openapi_spec::schema::all_of(schema).enumerate() {
            self.collect_fields(
                part,
                &format!("{ptr}/allOf/{i}"),
                fields,
                includes,
                depth + 1,
            );
        }
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        for (name, prop) in entries(schema, "properties") {
            let pp = pointer::push(&format!("{ptr}/properties"), name);
            let field = self.field(name, prop, &pp, required.contains(&name.as_str()));
            fields.retain(|f| f.name != field.name);
            fields.push(field);
        }
    }

    pub(super) fn field(&self, name: &str, prop: &Value, ptr: &str, required: bool) -> Field {
        let resolved = self.resolve(prop, ptr).map(|(v, _)| v).unwrap_or(prop);
        Field {
            name: name.to_string(),
            type_words: self.words(prop),
            required,
            nullable: resolved.get("nullable").and_then(Value::as_bool) == Some(true),
            bounds: bounds(resolved),
            description: self.target.inline(
                prop.get("description")
                    .or_else(|| resolved.get("description"))
                    .and_then(Value::as_str)
                    .unwrap_or(""),
            ),
        }
    }

    /// A discriminated `oneOf`: the variants side by side, with the fields
    /// they share once and the fields each has its own way opened up.
    pub(super) fn union(&self, schema: &Value, ptr: &str) -> Option<Union> {
        let branches = schema
            .get("oneOf")
            .or_else(|| schema.get("anyOf"))?
            .as_array()?;
        let property = schema.pointer("/discriminator/propertyName")?.as_str()?;
        let mapping = schema
            .pointer("/discriminator/mapping")
            .and_then(Value::as_object);
        let mut variants: Vec<(String, String, Vec<Field>)> = Vec::new();
        for (i, branch) in branches.iter().enumerate() {
            let bp = format!("{ptr}/oneOf/{i}");
            let name = component_name(branch).unwrap_or_default();
            let tag = mapping
                .and_then(|m| {
                    m.iter()
                        .find(|(_, r)| r.as_str() == branch.get("$ref").and_then(Value::as_str))
                })
                .map(|(t, _)| t.clone())
                .unwrap_or_else(|| name.clone());
            let (fields, _) = self.fields(branch, &bp);
            variants.push((tag, name, fields));
        }
        let shared = |f: &Field| {
            variants.iter().all(|(_, _, fs)| {
                fs.iter()
                    .any(|g| g.name == f.name && g.type_words == f.type_words)
            })
        };
        let common: Vec<Field> = variants
            .first()
            .map(|(_, _, fs)| fs.iter().filter(|f| shared(f)).cloned().collect())
            .unwrap_or_default();
        let variants: Vec<Variant> = variants
            .iter()
            .map(|(tag, name, fields)| {
                let mut own = Vec::new();
                for f in fields.iter().filter(|f| !shared(f) && f.name != property) {
                    own.push(f.clone());
                    own.extend(self.opened(name, &f.name));
                }
                Variant {
                    tag: tag.clone(),
                    schema: self.target.inline(&self.schema_link(name)),
                    fields: own,
                }
            })
            .collect();
        let mut names: Vec<&str> = Vec::new();
        for v in &variants {
            for f in &v.fields {
                if !names.contains(&f.name.as_str()) {
                    names.push(&f.name);
                }
            }
        }
        let rows = names
            .iter()
            .map(|n| VariantRow {
                name: n.to_string(),
                cells: variants
                    .iter()
                    .map(|v| {
                        v.fields
                            .iter()
                            .find(|f| f.name == *n)
                            .map(|f| f.type_words.clone())
                    })
                    .collect(),
            })
            .collect();
        Some(Union {
            property: property.to_string(),
            common,
            variants,
            rows,
        })
    }

    /// The fields of `variant.property` when it is an object, as `property.field`.
    pub(super) fn opened(&self, variant: &str, property: &str) -> Vec<Field> {
        let ptr = pointer::push("/components/schemas", variant);
        let Some(schema) = self.raw.pointer(&ptr) else {
            return Vec::new();
        };
        let mut found = None;
        self.find_property(schema, &ptr, property, &mut found, 0);
        let Some((prop, pp)) = found else {
            return Vec::new();
        };
        let (fields, _) = self.fields(&prop, &pp);
        fields
            .into_iter()
            .map(|mut f| {
                f.name = format!("{property}.{}", f.name);
                f
            })
            .collect()
    }

    pub(super) fn find_property(
        &self,
        schema: &Value,
        ptr: &str,
        property: &str,
        found: &mut Option<(Value, String)>,
        depth: usize,
    ) {
        if depth > 16 {
            return;
        }
        let Some((schema, ptr)) = self.resolve(schema, ptr) else {
            return;
        };
        if let Some(p) = schema.pointer(&format!("/properties/{}", pointer::escape(property))) {
            *found = Some((
                p.clone(),
                pointer::push(&format!("{ptr}/properties"), property),
            ));
        }
        for (i, part) in openapi_spec::schema::all_of(schema).enumerate() {
            self.find_property(
                part,
                &format!("{ptr}/allOf/{i}"),
                property,
                found,
                depth + 1,
            );
        }
    }
}
