//! Operations, their parameters, bodies, responses and security; webhooks
//! with the roles swapped.

use std::collections::{BTreeMap, BTreeSet};

use openapi_spec::visit::{self, OperationRef, Root};
use openapi_spec::{Document, pointer, template};
use serde_json::Value;

use crate::schema::SchemaComparison;
use crate::{Changes, Context, Kind, Pointers};

/// An operation's identity across the two documents: the root, the path
/// template with its parameter names blanked, and the method.
type Key = (bool, String, String);

fn key(op: &OperationRef<'_>) -> Key {
    let webhook = op.root() == Root::Webhooks;
    let shape = if webhook {
        op.path.to_string()
    } else {
        template::shape(op.path)
    };
    (webhook, shape, op.method.to_string())
}

fn label(op: &OperationRef<'_>) -> String {
    match op.root() {
        Root::Paths => format!("{} {}", op.method.to_uppercase(), op.path),
        Root::Webhooks => format!("webhook {}", op.path),
    }
}

fn operation_id<'a>(op: &OperationRef<'a>) -> Option<&'a str> {
    op.operation.get("operationId").and_then(Value::as_str)
}

pub(crate) fn compare(out: &mut Changes<'_, '_>) {
    let sides = out.sides;
    let base = visit::operations(&sides.base.raw);
    let revision = visit::operations(&sides.revision.raw);
    let revision_by_key: BTreeMap<Key, &OperationRef<'_>> =
        revision.iter().map(|o| (key(o), o)).collect();
    let base_keys: BTreeSet<Key> = base.iter().map(key).collect();
    let mut moved = BTreeSet::new();
    for b in &base {
        match revision_by_key.get(&key(b)) {
            Some(r) => pair(out, b, r),
            None => {
                if let Some(r) = moved_to(b, &revision, &base_keys) {
                    moved.insert(key(r));
                    let message = format!(
                        "{} ({}) moved to {}: clients calling the old path fail",
                        label(b),
                        operation_id(b).unwrap_or_default(),
                        label(r)
                    );
                    out.fixed(
                        "operation.path-changed",
                        Pointers::both(&b.pointer(), &r.pointer()),
                        message,
                    );
                    pair(out, b, r);
                } else {
                    removed(out, b);
                }
            }
        }
    }
    for r in revision
        .iter()
        .filter(|r| !base_keys.contains(&key(r)) && !moved.contains(&key(r)))
    {
        let (rule, words) = match r.root() {
            Root::Paths => ("operation.added", "new, compatible"),
            Root::Webhooks => (
                "webhook.event-added",
                "receivers will get a delivery they may not expect",
            ),
        };
        out.fixed(
            rule,
            Pointers::revision(&r.pointer()),
            format!("{} was added: {words}", label(r)),
        );
    }
}

/// The revision's operation with the same operationId at another path.
fn moved_to<'r, 'a>(
    b: &OperationRef<'_>,
    revision: &'r [OperationRef<'a>],
    base_keys: &BTreeSet<Key>,
) -> Option<&'r OperationRef<'a>> {
    let id = operation_id(b)?;
    revision.iter().find(|r| {
        r.root() == b.root() && operation_id(r) == Some(id) && !base_keys.contains(&key(r))
    })
}

fn removed(out: &mut Changes<'_, '_>, b: &OperationRef<'_>) {
    let (rule, words) = match b.root() {
        Root::Paths => ("operation.removed", "clients calling it will fail"),
        Root::Webhooks => ("webhook.event-removed", "receivers will no longer get it"),
    };
    out.fixed(
        rule,
        Pointers::base(&b.pointer()),
        format!("{} was removed: {words}", label(b)),
    );
}

/// Two versions of one operation.
fn pair(out: &mut Changes<'_, '_>, b: &OperationRef<'_>, r: &OperationRef<'_>) {
    let at = Pointers::both(&b.pointer(), &r.pointer());
    if let (Some(x), Some(y)) = (operation_id(b), operation_id(r))
        && x != y
    {
        let message = format!(
            "{}'s operationId changed from `{x}` to `{y}`: generated clients rename the method, and callers fail to compile",
            label(r)
        );
        out.fixed("operation.id-changed", at.clone(), message);
    }
    let deprecated =
        |o: &OperationRef<'_>| o.operation.get("deprecated").and_then(Value::as_bool) == Some(true);
    if !deprecated(b) && deprecated(r) {
        out.fixed(
            "operation.deprecated",
            at.clone(),
            format!("{} is deprecated", label(r)),
        );
    }
    if b.root() == Root::Paths && b.path != r.path {
        let message = format!(
            "{}'s path parameters were renamed ({} → {}); the URL is the same",
            label(r),
            b.path,
            r.path
        );
        out.fixed("path.parameter-renamed", at.clone(), message);
    }
    let webhook = b.root() == Root::Webhooks;
    parameters(out, b, r, webhook);
    request_body(out, b, r, webhook);
    responses(out, b, r, webhook);
    if !webhook {
        security(out, b, r);
    }
    crate::extensions::operation(out, b, r);
}

/// One parameter: where it is, and its object.
struct Parameter<'a> {
    value: &'a Value,
    pointer: String,
}

/// An operation's parameters (path-level ones included, the operation's
/// winning) by (in, name); path parameters by position in the template.
fn parameter_map<'a>(
    doc: &'a Document,
    op: &OperationRef<'a>,
) -> BTreeMap<(String, String), Parameter<'a>> {
    let mut map = BTreeMap::new();
    let names = template::names(op.path).unwrap_or_default();
    // The operation's list comes second and overrides the path item's.
    for entry in visit::parameter_lists(doc, &op.pointer())
        .into_iter()
        .flatten()
    {
        let (location, name) = entry.key();
        // A path parameter is known by its place in the template, so a
        // renamed one (`{id}` → `{user_id}`) is the same parameter.
        let name = match location.as_str() {
            "path" => names
                .iter()
                .position(|n| *n == name)
                .map_or(name, |i| format!("#{i}")),
            _ => name,
        };
        let (value, pointer) = (entry.value, entry.resolved);
        map.insert((location, name), Parameter { value, pointer });
    }
    map
}

/// One side's parameter for messages: `GET /users query parameter `limit``.
fn parameter_label(op: &OperationRef<'_>, p: &Parameter<'_>) -> String {
    let n = p.value.get("name").and_then(Value::as_str).unwrap_or("");
    let i = p.value.get("in").and_then(Value::as_str).unwrap_or("");
    format!("{} {i} parameter `{n}`", label(op))
}

fn is_required(p: &Parameter<'_>) -> bool {
    p.value.get("required").and_then(Value::as_bool) == Some(true)
}

/// Parameters removed, added, or changed (required, serialisation, schema).
fn parameters(
    out: &mut Changes<'_, '_>,
    b: &OperationRef<'_>,
    r: &OperationRef<'_>,
    webhook: bool,
) {
    let sides = out.sides;
    let context = if webhook {
        Context::WebhookParameter
    } else {
        Context::Parameter
    };
    let base = parameter_map(sides.base, b);
    let revision = parameter_map(sides.revision, r);
    for (k, bp) in &base {
        let Some(rp) = revision.get(k) else {
            let words = if webhook {
                "receivers that read it will fail"
            } else {
                "clients that send it may get another answer"
            };
            out.kind(
                context,
                Kind::Removed,
                Pointers {
                    base: Some(bp.pointer.clone()),
                    revision: Some(r.pointer()),
                },
                format!("{} was removed: {words}", parameter_label(r, bp)),
            );
            continue;
        };
        parameter_changed(out, context, r, &k.0, bp, rp);
    }
    for rp in revision
        .iter()
        .filter(|(k, _)| !base.contains_key(*k))
        .map(|(_, rp)| rp)
    {
        let (kind, words) = if is_required(rp) {
            (Kind::RequiredAdded, "a required")
        } else {
            (Kind::Added, "an optional")
        };
        let message = format!("{} was added as {words} parameter", parameter_label(r, rp));
        let at = Pointers {
            base: Some(b.pointer()),
            revision: Some(rp.pointer.clone()),
        };
        out.kind(context, kind, at, message);
    }
}

/// A parameter on both sides: made required or optional, serialised
/// otherwise (`style`, `explode`), its schema changed.
fn parameter_changed(
    out: &mut Changes<'_, '_>,
    context: Context,
    r: &OperationRef<'_>,
    location: &str,
    bp: &Parameter<'_>,
    rp: &Parameter<'_>,
) {
    let at = Pointers::both(&bp.pointer, &rp.pointer);
    let name = parameter_label(r, rp);
    match (is_required(bp), is_required(rp)) {
        (false, true) => out.kind(
            context,
            Kind::MadeRequired,
            at.clone(),
            format!("{name} is now required"),
        ),
        (true, false) => out.kind(
            context,
            Kind::MadeOptional,
            at.clone(),
            format!("{name} is now optional"),
        ),
        _ => {}
    }
    for key in ["style", "explode"] {
        if bp.value.get(key) != rp.value.get(key) {
            let show = |p: &Parameter<'_>| {
                p.value
                    .get(key)
                    .map_or("the default".to_string(), Value::to_string)
            };
            let message = format!(
                "{name}'s {key} changed from {} to {}: the value is serialised differently",
                show(bp),
                show(rp)
            );
            out.kind(context, Kind::StyleChanged, at.clone(), message);
        }
    }
    if let (Some(bs), Some(rs)) = (bp.value.get("schema"), rp.value.get("schema")) {
        let label = format!(
            "{location} `{}`",
            rp.value.get("name").and_then(Value::as_str).unwrap_or("")
        );
        let mut comparison = SchemaComparison::new(out, context);
        comparison.compare(
            bs,
            &pointer::push(&bp.pointer, "schema"),
            rs,
            &pointer::push(&rp.pointer, "schema"),
            &label,
        );
    }
}

/// The media types of a content map, with their schema and pointer.
fn content<'a>(holder: &'a Value, at: &str) -> BTreeMap<&'a str, (Option<&'a Value>, String)> {
    holder
        .get("content")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(media, m)| {
            let p = pointer::push(&pointer::push(at, "content"), media);
            (
                media.as_str(),
                (m.get("schema"), pointer::push(&p, "schema")),
            )
        })
        .collect()
}

fn media_types(
    out: &mut Changes<'_, '_>,
    context: Context,
    what: &str,
    base: (&Value, &str),
    revision: (&Value, &str),
) {
    let bm = content(base.0, base.1);
    let rm = content(revision.0, revision.1);
    for (media, (schema, bp)) in &bm {
        match rm.get(media) {
            None => {
                let message = format!(
                    "{what} is no longer offered as `{media}`: clients that ask for it fail"
                );
                out.kind(
                    context,
                    Kind::MediaTypeRemoved,
                    Pointers::both(bp, revision.1),
                    message,
                );
            }
            Some((rschema, rp)) => {
                if let (Some(bs), Some(rs)) = (schema, rschema) {
                    SchemaComparison::new(out, context).compare(bs, bp, rs, rp, "");
                }
            }
        }
    }
    for (media, (_, rp)) in rm.iter().filter(|(m, _)| !bm.contains_key(*m)) {
        let message = format!("{what} is now also offered as `{media}`");
        out.kind(
            context,
            Kind::MediaTypeAdded,
            Pointers::both(base.1, rp),
            message,
        );
    }
}

fn request_body(
    out: &mut Changes<'_, '_>,
    b: &OperationRef<'_>,
    r: &OperationRef<'_>,
    webhook: bool,
) {
    let sides = out.sides;
    let context = if webhook {
        Context::Webhook
    } else {
        Context::Request
    };
    let what = format!("{}'s body", label(r));
    let required = |v: &Value| v.get("required").and_then(Value::as_bool) == Some(true);
    match (body(sides.base, b), body(sides.revision, r)) {
        (None, Some((v, p))) if required(v) => {
            let message = format!("{what} is new and required: requests without it fail");
            out.kind(
                context,
                Kind::BodyAddedRequired,
                Pointers::both(&b.pointer(), &p),
                message,
            );
        }
        (Some((_, p)), None) => {
            out.kind(
                context,
                Kind::BodyRemoved,
                Pointers::both(&p, &r.pointer()),
                format!("{what} was removed"),
            );
        }
        (Some((bv, bp)), Some((rv, rp))) => {
            if !required(bv) && required(rv) {
                let message = format!("{what} is now required: requests without it fail");
                out.kind(
                    context,
                    Kind::BodyMadeRequired,
                    Pointers::both(&bp, &rp),
                    message,
                );
            }
            media_types(out, context, &what, (bv, &bp), (rv, &rp));
        }
        _ => {}
    }
}

/// An operation's request body, `$ref` followed, with its pointer.
fn body<'a>(doc: &'a Document, op: &OperationRef<'a>) -> Option<(&'a Value, String)> {
    let at = pointer::push(&op.pointer(), "requestBody");
    doc.resolve(op.operation.get("requestBody")?, &at)
}

fn responses(out: &mut Changes<'_, '_>, b: &OperationRef<'_>, r: &OperationRef<'_>, webhook: bool) {
    let sides = out.sides;
    let context = if webhook {
        Context::WebhookResponse
    } else {
        Context::Response
    };
    let list = |doc: &'_ Document, op: &OperationRef<'_>| -> BTreeMap<String, String> {
        let at = pointer::push(&op.pointer(), "responses");
        op.operation
            .get("responses")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter_map(|(status, v)| {
                let (_, p) = doc.resolve(v, &pointer::push(&at, status))?;
                Some((status.to_ascii_uppercase(), p))
            })
            .collect()
    };
    let (bl, rl) = (list(sides.base, b), list(sides.revision, r));
    let success = |s: &str| s.starts_with('2');
    for (status, bp) in &bl {
        let Some(rp) = rl.get(status) else {
            if !webhook {
                let (kind, words) = if success(status) {
                    (
                        Kind::SuccessStatusRemoved,
                        "clients that expect it will fail",
                    )
                } else {
                    (Kind::ErrorStatusRemoved, "compatible")
                };
                let message = format!("{} no longer answers {status}: {words}", label(r));
                out.kind(context, kind, Pointers::both(bp, &r.pointer()), message);
            }
            continue;
        };
        let what = format!("{}'s {status} response", label(r));
        let (Some(bv), Some(rv)) = (sides.base.raw.pointer(bp), sides.revision.raw.pointer(rp))
        else {
            continue;
        };
        media_types(out, context, &what, (bv, bp), (rv, rp));
        if !webhook {
            headers(out, &what, (bv, bp), (rv, rp));
        }
    }
    if webhook {
        return;
    }
    for (status, rp) in rl.iter().filter(|(s, _)| !bl.contains_key(*s)) {
        let (kind, words) = if success(status) {
            (Kind::SuccessStatusAdded, "compatible")
        } else {
            (
                Kind::ErrorStatusAdded,
                "clients that handle every documented status meet a new one",
            )
        };
        let message = format!("{} may now answer {status}: {words}", label(r));
        out.kind(context, kind, Pointers::both(&b.pointer(), rp), message);
    }
}

fn headers(out: &mut Changes<'_, '_>, what: &str, base: (&Value, &str), revision: (&Value, &str)) {
    let sides = out.sides;
    let list = |doc: &'_ Document, v: &'_ Value, at: &str| -> BTreeMap<String, (Value, String)> {
        v.get("headers")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter_map(|(name, h)| {
                let here = pointer::push(&pointer::push(at, "headers"), name);
                let (h, p) = doc.resolve(h, &here)?;
                Some((name.to_ascii_lowercase(), (h.clone(), p)))
            })
            .collect()
    };
    let bl = list(sides.base, base.0, base.1);
    let rl = list(sides.revision, revision.0, revision.1);
    let required = |h: &Value| h.get("required").and_then(Value::as_bool) == Some(true);
    for (name, (bh, bp)) in &bl {
        let Some((rh, rp)) = rl.get(name) else {
            let kind = if required(bh) {
                Kind::RequiredHeaderRemoved
            } else {
                Kind::HeaderRemoved
            };
            let message = format!(
                "{what} no longer documents the header `{name}`: clients that read it will miss it"
            );
            out.kind(
                Context::Response,
                kind,
                Pointers::both(bp, revision.1),
                message,
            );
            continue;
        };
        if required(bh) && !required(rh) {
            let message = format!(
                "{what}'s header `{name}` is no longer always sent: clients that expect it will fail"
            );
            out.kind(
                Context::Response,
                Kind::MadeOptional,
                Pointers::both(bp, rp),
                message,
            );
        }
        let (Some(bs), Some(rs)) = (
            sides.base.raw.pointer(bp).and_then(|h| h.get("schema")),
            sides.revision.raw.pointer(rp).and_then(|h| h.get("schema")),
        ) else {
            continue;
        };
        let label = format!("header {name}");
        SchemaComparison::new(out, Context::ResponseHeader).compare(
            bs,
            &pointer::push(bp, "schema"),
            rs,
            &pointer::push(rp, "schema"),
            &label,
        );
    }
}

/// The alternatives of an operation's security (the document's when the
/// operation has none), each a sorted list of scheme names.
fn alternatives(doc: &Document, op: &OperationRef<'_>) -> BTreeSet<Vec<String>> {
    let list = op
        .operation
        .get("security")
        .or_else(|| doc.raw.get("security"));
    list.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .map(|alt| alt.keys().cloned().collect::<Vec<_>>())
        .collect()
}

fn security(out: &mut Changes<'_, '_>, b: &OperationRef<'_>, r: &OperationRef<'_>) {
    let sides = out.sides;
    let (ba, ra) = (alternatives(sides.base, b), alternatives(sides.revision, r));
    let open = |a: &BTreeSet<Vec<String>>| a.is_empty() || a.iter().any(Vec::is_empty);
    let at = Pointers::both(&b.pointer(), &r.pointer());
    let show = |alt: &Vec<String>| alt.join(" + ");
    if open(&ba) && !open(&ra) {
        let message = format!(
            "{} now needs credentials: clients that call it without them fail",
            label(r)
        );
        out.fixed("security.added", at.clone(), message);
    } else if !open(&ba) {
        for alt in ba.difference(&ra) {
            let message = format!(
                "{} no longer accepts {}: clients that use it are refused",
                label(r),
                show(alt)
            );
            out.fixed("security.alternative-removed", at.clone(), message);
        }
    }
    if !open(&ra) {
        for alt in ra.difference(&ba).filter(|a| !a.is_empty()) {
            if !open(&ba) {
                let message = format!("{} now also accepts {}", label(r), show(alt));
                out.fixed("security.alternative-added", at.clone(), message);
            }
        }
    }
}

/// Security schemes kept under the same name whose wire form changed
/// (where the credential goes, or how): every client sends it the old way.
pub(crate) fn schemes(out: &mut Changes<'_, '_>) {
    let sides = out.sides;
    let Some(base) = sides
        .base
        .raw
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
    else {
        return;
    };
    for (name, x) in base {
        let at = pointer::push("/components/securitySchemes", name);
        let Some(y) = sides.revision.raw.pointer(&at) else {
            continue;
        };
        let (Some((x, bp)), Some((y, rp))) =
            (sides.base.resolve(x, &at), sides.revision.resolve(y, &at))
        else {
            continue;
        };
        let wire = |s: &Value| {
            ["type", "scheme", "in", "name"].map(|k| {
                s.get(k)
                    .and_then(Value::as_str)
                    .map(str::to_ascii_lowercase)
            })
        };
        if wire(x) != wire(y) {
            let show = |s: &Value| {
                let [t, scheme, place, n] = wire(s).map(Option::unwrap_or_default);
                [t, scheme, place, n]
                    .iter()
                    .filter(|p| !p.is_empty())
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let message = format!(
                "the security scheme `{name}` changed from {} to {}: clients send the credential the old way and are refused",
                show(x),
                show(y)
            );
            out.fixed("security.scheme-changed", Pointers::both(&bp, &rp), message);
        }
    }
}
