//! Schema against schema: after `$ref`s are followed and `allOf`s merged,
//! what a reader of the message can now receive that it could not before
//! (or a writer can no longer send).

use std::collections::{BTreeMap, BTreeSet};

use openapi_spec::{Document, pointer};
use serde_json::Value;

use crate::{Changes, Context, Kind, Pointers};

/// Deeper than this, schemas are not compared (real documents stay far
/// below; a cycle is caught earlier by the pairs already seen).
const MAX_DEPTH: usize = 48;

/// Lower bounds: raising one narrows. (keyword, what it bounds)
const LOWER: &[(&str, &str)] = &[
    ("minimum", "minimum"),
    ("minLength", "minimum length"),
    ("minItems", "minimum item count"),
    ("minProperties", "minimum property count"),
];

/// Upper bounds: lowering one narrows.
const UPPER: &[(&str, &str)] = &[
    ("maximum", "maximum"),
    ("maxLength", "maximum length"),
    ("maxItems", "maximum item count"),
    ("maxProperties", "maximum property count"),
];

/// One schema with its `$ref`s followed and its `allOf` parts merged.
#[derive(Default)]
struct View<'a> {
    pointer: String,
    name: Option<String>,
    keywords: BTreeMap<&'a str, &'a Value>,
    properties: BTreeMap<&'a str, (&'a Value, String)>,
    required: BTreeSet<&'a str>,
    /// `oneOf`/`anyOf` branches keyed by their component name (or index).
    branches: BTreeMap<String, (&'a Value, String)>,
}

impl<'a> View<'a> {
    /// The view of `node` (already resolved, at `here`), which `schema`
    /// referred to.
    fn of(doc: &'a Document, schema: &'a Value, node: &'a Value, here: String) -> View<'a> {
        let mut view = View {
            name: pointer::schema_ref_name(schema),
            ..View::default()
        };
        view.merge(doc, node, &here, 0);
        view.pointer = here;
        view
    }

    fn merge(&mut self, doc: &'a Document, node: &'a Value, at: &str, depth: usize) {
        let Some(object) = node.as_object() else {
            return;
        };
        if depth > 8 {
            return;
        }
        for (key, value) in object {
            match key.as_str() {
                "properties" => {
                    for (name, schema) in value.as_object().into_iter().flatten() {
                        let p = pointer::push(&pointer::push(at, "properties"), name);
                        self.properties.entry(name).or_insert((schema, p));
                    }
                }
                "required" => self.required.extend(openapi_spec::schema::required(node)),
                "allOf" => {
                    for (i, part) in value.as_array().into_iter().flatten().enumerate() {
                        let p = pointer::push(&pointer::push(at, "allOf"), &i.to_string());
                        let (part, p) = doc.resolve(part, &p).unwrap_or((part, p));
                        self.merge(doc, part, &p, depth + 1);
                    }
                }
                "oneOf" | "anyOf" => {
                    for (i, branch) in value.as_array().into_iter().flatten().enumerate() {
                        let p = pointer::push(&pointer::push(at, key), &i.to_string());
                        let label =
                            pointer::schema_ref_name(branch).unwrap_or_else(|| format!("#{i}"));
                        self.branches.insert(label, (branch, p));
                    }
                }
                _ => {
                    self.keywords.entry(key.as_str()).or_insert(value);
                }
            }
        }
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.keywords.get(key).copied()
    }

    fn flag(&self, key: &str) -> bool {
        self.get(key).and_then(Value::as_bool) == Some(true)
    }

    fn number(&self, key: &str) -> Option<f64> {
        self.get(key).and_then(Value::as_f64)
    }

    fn text(&self, key: &str) -> Option<&'a str> {
        self.get(key).and_then(Value::as_str)
    }
}

/// Compares schemas in one context. The pairs already compared are kept
/// in [`Changes`] for the whole comparison: a component shared by many
/// operations is compared once per context (its changes would only repeat).
pub(crate) struct SchemaComparison<'c, 's, 'd> {
    pub out: &'c mut Changes<'s, 'd>,
    pub context: Context,
}

impl<'c, 's, 'd> SchemaComparison<'c, 's, 'd> {
    pub fn new(out: &'c mut Changes<'s, 'd>, context: Context) -> Self {
        SchemaComparison { out, context }
    }

    /// Compares the schema at `base_at` with the one at `revision_at`;
    /// `label` names the value in messages (`User.email`).
    pub fn compare<'v>(
        &mut self,
        base: &'v Value,
        base_at: &str,
        revision: &'v Value,
        revision_at: &str,
        label: &str,
    ) {
        self.schemas(base, base_at, revision, revision_at, label, 0);
    }

    fn schemas<'v>(
        &mut self,
        base: &'v Value,
        base_at: &str,
        revision: &'v Value,
        revision_at: &str,
        label: &str,
        depth: usize,
    ) {
        // One level below the parent's `depth`: the only place depth grows.
        let depth = depth + 1;
        if depth > MAX_DEPTH {
            return;
        }
        let sides = self.out.sides;
        let resolve = |doc: &'d Document, v: &'v Value, at: &str| {
            doc.resolve(v, at).unwrap_or((v, at.to_string()))
        };
        let (bn, bp) = resolve(sides.base, base, base_at);
        let (rn, rp) = resolve(sides.revision, revision, revision_at);
        // Checked before the views are built: most pairs of a large
        // document are reached again from other operations.
        if !self
            .out
            .seen
            .insert((self.context.prefix(), bp.clone(), rp.clone()))
        {
            return;
        }
        let b = View::of(sides.base, base, bn, bp);
        let r = View::of(sides.revision, revision, rn, rp);
        // A named schema is called by its name wherever it is reached from.
        let label = match &b.name {
            Some(name) => name.clone(),
            None => label.to_string(),
        };
        let at = Pointers::both(&b.pointer, &r.pointer);
        self.scalar(&b, &r, &label, &at);
        self.bounds(&b, &r, &label, &at);
        self.enums(&b, &r, &label, &at);
        self.properties(&b, &r, &label, depth);
        self.additional(&b, &r, &label, &at, depth);
        self.branches(&b, &r, &label, depth);
        self.discriminator(&b, &r, &label, &at);
        if let (Some(bi), Some(ri)) = (b.get("items"), r.get("items")) {
            let bp = pointer::push(&b.pointer, "items");
            let rp = pointer::push(&r.pointer, "items");
            self.schemas(bi, &bp, ri, &rp, &format!("{label}[]"), depth);
        }
    }

    fn report(&mut self, kind: Kind, at: &Pointers, message: String) {
        self.out.kind(self.context, kind, at.clone(), message);
    }

    /// What a reader is told about a change, from its side.
    fn consequence(&self, kind: Kind) -> &'static str {
        let writes_client = self.context.direction() == crate::Direction::ClientWrites;
        match (kind.level(self.context.direction()), writes_client) {
            (crate::Level::Error, true) => "requests valid before may now be refused",
            (crate::Level::Error, false) => "clients that read the old shape will fail",
            (crate::Level::Warning, _) => "some clients may break",
            (crate::Level::Info, _) => "compatible",
        }
    }

    fn scalar(&mut self, b: &View<'_>, r: &View<'_>, label: &str, at: &Pointers) {
        if let (Some(bt), Some(rt)) = (b.get("type"), r.get("type"))
            && bt != rt
        {
            let message = format!(
                "`{label}` changed type from {bt} to {rt}: {}",
                self.consequence(Kind::TypeChanged)
            );
            self.report(Kind::TypeChanged, at, message);
        }
        if b.text("format") != r.text("format") {
            let show = |f: Option<&str>| f.map_or("none".to_string(), |f| format!("`{f}`"));
            let message = format!(
                "`{label}` changed format from {} to {}: {}",
                show(b.text("format")),
                show(r.text("format")),
                self.consequence(Kind::FormatChanged)
            );
            self.report(Kind::FormatChanged, at, message);
        }
        match (b.flag("nullable"), r.flag("nullable")) {
            (false, true) => {
                let message = format!("`{label}` can now be null: {}", self.null_words(true));
                self.report(Kind::NullableAdded, at, message);
            }
            (true, false) => {
                let message = format!(
                    "`{label}` can no longer be null: {}",
                    self.null_words(false)
                );
                self.report(Kind::NullableRemoved, at, message);
            }
            _ => {}
        }
        let (bp, rp) = (b.text("pattern"), r.text("pattern"));
        let pattern = match (bp, rp) {
            (None, Some(p)) => Some((
                Kind::PatternAdded,
                format!("`{label}` must now match `{p}`"),
            )),
            (Some(p), None) => Some((
                Kind::PatternRemoved,
                format!("`{label}` no longer has to match `{p}`"),
            )),
            (Some(x), Some(y)) if x != y => Some((
                Kind::PatternChanged,
                format!("`{label}`'s pattern changed from `{x}` to `{y}`"),
            )),
            _ => None,
        };
        if let Some((kind, words)) = pattern {
            let message = format!("{words}: {}", self.consequence(kind));
            self.report(kind, at, message);
        }
        if let (Some(x), Some(y)) = (b.get("default"), r.get("default"))
            && x != y
        {
            let message = format!(
                "`{label}`'s default changed from {x} to {y}: {}",
                self.consequence(Kind::DefaultChanged)
            );
            self.report(Kind::DefaultChanged, at, message);
        }
    }

    fn null_words(&self, added: bool) -> &'static str {
        match (added, self.context.direction()) {
            (true, crate::Direction::ServerWrites) => {
                "clients that read it as a non-null value will fail"
            }
            (true, crate::Direction::ClientWrites) => "compatible: null is now also accepted",
            (false, crate::Direction::ClientWrites) => "requests that send null will be refused",
            (false, crate::Direction::ServerWrites) => {
                "compatible: readers that handle null still work"
            }
        }
    }

    fn bounds(&mut self, b: &View<'_>, r: &View<'_>, label: &str, at: &Pointers) {
        let mut narrowed = Vec::new();
        let mut widened = Vec::new();
        for (keys, lower) in [(LOWER, true), (UPPER, false)] {
            for (key, what) in keys {
                match (b.number(key), r.number(key)) {
                    (None, Some(y)) => narrowed.push(format!("{what} {y} added")),
                    (Some(x), None) => widened.push(format!("{what} {x} removed")),
                    (Some(x), Some(y)) if x != y => {
                        let tighter = if lower { y > x } else { y < x };
                        let list = if tighter { &mut narrowed } else { &mut widened };
                        list.push(format!("{what} {x} → {y}"));
                    }
                    _ => {}
                }
            }
        }
        // Each flag narrows when set and widens when unset.
        for key in ["exclusiveMinimum", "exclusiveMaximum", "uniqueItems"] {
            match (b.flag(key), r.flag(key)) {
                (false, true) => narrowed.push(format!("{key} set")),
                (true, false) => widened.push(format!("{key} unset")),
                _ => {}
            }
        }
        if b.number("multipleOf") != r.number("multipleOf") && r.number("multipleOf").is_some() {
            narrowed.push("multipleOf changed".to_string());
        }
        if b.get("enum").is_none() && r.get("enum").is_some() {
            narrowed.push("now limited to an enum".to_string());
        }
        if b.get("enum").is_some() && r.get("enum").is_none() {
            widened.push("no longer limited to an enum".to_string());
        }
        for (list, kind) in [
            (narrowed, Kind::BoundsNarrowed),
            (widened, Kind::BoundsWidened),
        ] {
            if !list.is_empty() {
                let verb = if kind == Kind::BoundsNarrowed {
                    "narrowed"
                } else {
                    "widened"
                };
                let message = format!(
                    "`{label}`'s bounds {verb} ({}): {}",
                    list.join(", "),
                    self.consequence(kind)
                );
                self.report(kind, at, message);
            }
        }
    }

    fn enums(&mut self, b: &View<'_>, r: &View<'_>, label: &str, at: &Pointers) {
        let (Some(be), Some(re)) = (
            b.get("enum").and_then(Value::as_array),
            r.get("enum").and_then(Value::as_array),
        ) else {
            return;
        };
        for value in re.iter().filter(|v| !be.contains(v)) {
            let words = match self.context.direction() {
                crate::Direction::ServerWrites => {
                    "exhaustive matches break, and generated Rust enums fail to decode it"
                }
                crate::Direction::ClientWrites => "compatible",
            };
            let message = format!("`{label}` gained the enum value {value}: {words}");
            self.report(Kind::EnumValueAdded, at, message);
        }
        for value in be.iter().filter(|v| !re.contains(v)) {
            let message = format!(
                "`{label}` lost the enum value {value}: {}",
                self.consequence(Kind::EnumValueRemoved)
            );
            self.report(Kind::EnumValueRemoved, at, message);
        }
    }

    fn properties(&mut self, b: &View<'_>, r: &View<'_>, label: &str, depth: usize) {
        let dotted = |name: &str| {
            if label.is_empty() {
                name.to_string()
            } else {
                format!("{label}.{name}")
            }
        };
        for (name, (schema, bp)) in &b.properties {
            let field = dotted(name);
            let was_required = b.required.contains(name);
            let Some((rschema, rp)) = r.properties.get(name) else {
                let kind = if was_required {
                    Kind::RequiredPropertyRemoved
                } else {
                    Kind::PropertyRemoved
                };
                let message = format!("`{field}` was removed: {}", self.consequence(kind));
                self.report(
                    kind,
                    &Pointers {
                        base: Some(bp.clone()),
                        revision: Some(r.pointer.clone()),
                    },
                    message,
                );
                continue;
            };
            let now_required = r.required.contains(name);
            let at = Pointers::both(bp, rp);
            if was_required && !now_required {
                let message = format!("`{field}` is no longer required: {}", self.optional_words());
                self.report(Kind::MadeOptional, &at, message);
            } else if !was_required && now_required {
                let message = format!(
                    "`{field}` is now required: {}",
                    self.consequence(Kind::MadeRequired)
                );
                self.report(Kind::MadeRequired, &at, message);
            }
            self.schemas(schema, bp, rschema, rp, &field, depth);
        }
        for (name, (_, rp)) in r
            .properties
            .iter()
            .filter(|(n, _)| !b.properties.contains_key(*n))
        {
            let field = dotted(name);
            let kind = if r.required.contains(name) {
                Kind::RequiredPropertyAdded
            } else {
                Kind::PropertyAdded
            };
            let required = if kind == Kind::RequiredPropertyAdded {
                "a required"
            } else {
                "an optional"
            };
            let message = format!(
                "`{field}` was added as {required} property: {}",
                self.consequence(kind)
            );
            self.report(
                kind,
                &Pointers {
                    base: Some(b.pointer.clone()),
                    revision: Some(rp.clone()),
                },
                message,
            );
        }
    }

    fn optional_words(&self) -> &'static str {
        match self.context.direction() {
            crate::Direction::ServerWrites => "clients that expect it will fail when it is absent",
            crate::Direction::ClientWrites => "compatible",
        }
    }

    fn additional(&mut self, b: &View<'_>, r: &View<'_>, label: &str, at: &Pointers, depth: usize) {
        let openness = |v: &View<'_>| match v.get("additionalProperties") {
            Some(Value::Bool(false)) => 0,
            Some(Value::Object(_)) => 1,
            _ => 2,
        };
        let (x, y) = (openness(b), openness(r));
        if y < x {
            let message = format!(
                "`{label}` allows fewer undocumented properties: {}",
                self.consequence(Kind::AdditionalPropertiesNarrowed)
            );
            self.report(Kind::AdditionalPropertiesNarrowed, at, message);
        } else if y > x {
            let message = format!(
                "`{label}` allows more undocumented properties: {}",
                self.consequence(Kind::AdditionalPropertiesWidened)
            );
            self.report(Kind::AdditionalPropertiesWidened, at, message);
        } else if let (Some(bs @ Value::Object(_)), Some(rs @ Value::Object(_))) =
            (b.get("additionalProperties"), r.get("additionalProperties"))
        {
            let bp = pointer::push(&b.pointer, "additionalProperties");
            let rp = pointer::push(&r.pointer, "additionalProperties");
            self.schemas(bs, &bp, rs, &rp, &format!("{label}.*"), depth);
        }
    }

    fn branches(&mut self, b: &View<'_>, r: &View<'_>, label: &str, depth: usize) {
        for (key, (schema, bp)) in &b.branches {
            match r.branches.get(key) {
                Some((rschema, rp)) => self.schemas(schema, bp, rschema, rp, label, depth),
                None => {
                    let message = format!(
                        "`{label}` lost the branch {key}: {}",
                        self.consequence(Kind::BranchRemoved)
                    );
                    self.report(
                        Kind::BranchRemoved,
                        &Pointers {
                            base: Some(bp.clone()),
                            revision: Some(r.pointer.clone()),
                        },
                        message,
                    );
                }
            }
        }
        for (key, (_, rp)) in r
            .branches
            .iter()
            .filter(|(k, _)| !b.branches.contains_key(*k))
        {
            let message = format!(
                "`{label}` gained the branch {key}: {}",
                self.consequence(Kind::BranchAdded)
            );
            self.report(
                Kind::BranchAdded,
                &Pointers {
                    base: Some(b.pointer.clone()),
                    revision: Some(rp.clone()),
                },
                message,
            );
        }
    }

    fn discriminator(&mut self, b: &View<'_>, r: &View<'_>, label: &str, at: &Pointers) {
        let (Some(bd), Some(rd)) = (b.get("discriminator"), r.get("discriminator")) else {
            return;
        };
        let property = |d: &Value| {
            d.get("propertyName")
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let mapping = |d: &Value| -> BTreeMap<String, String> {
            d.get("mapping")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter_map(|(k, v)| {
                    Some((
                        k.clone(),
                        pointer::component_name(v.as_str()?).unwrap_or_default(),
                    ))
                })
                .collect()
        };
        let mut what = Vec::new();
        if property(bd) != property(rd) {
            what.push(format!(
                "its property changed from {:?} to {:?}",
                property(bd).unwrap_or_default(),
                property(rd).unwrap_or_default()
            ));
        }
        let (bm, rm) = (mapping(bd), mapping(rd));
        for (tag, target) in &bm {
            match rm.get(tag) {
                None => what.push(format!("the tag {tag:?} was removed")),
                Some(t) if t != target => {
                    what.push(format!("the tag {tag:?} now names {t} instead of {target}"))
                }
                _ => {}
            }
        }
        if !what.is_empty() {
            let message = format!(
                "`{label}`'s discriminator changed ({}): {}",
                what.join("; "),
                self.consequence(Kind::DiscriminatorChanged)
            );
            self.report(Kind::DiscriminatorChanged, at, message);
        }
    }
}
