//! The toolkit's extensions: `x-pagination` and the webhooks'
//! `x-webhook-*` per operation, `x-contract` and `x-date-time-format` at
//! the top. Their keys are the toolkit's, not a vendor's.

use openapi_spec::pointer;
use openapi_spec::visit::OperationRef;
use serde_json::Value;

use crate::{Changes, Pointers};

/// `x-pagination` keys and the rule a change to each breaks.
const PAGINATION_KEYS: &[(&str, &str)] = &[
    ("style", "pagination.style-changed"),
    ("limitParameter", "pagination.parameter-changed"),
    ("offsetParameter", "pagination.parameter-changed"),
    ("sizeParameter", "pagination.parameter-changed"),
    ("limitField", "pagination.field-changed"),
    ("offsetField", "pagination.field-changed"),
    ("totalField", "pagination.field-changed"),
    ("itemsField", "pagination.field-changed"),
    ("order", "pagination.order-changed"),
    ("item", "pagination.item-changed"),
];

/// `x-contract` keys holding a status (or a status rule) the API answers.
const CONTRACT_STATUSES: &[&str] = &[
    "notAcceptableStatus",
    "unauthorizedStatus",
    "badRequestStatus",
    "methodNotAllowed",
    "rateLimited",
];

/// A webhook's `x-webhook-*` extensions, each with the rules for its
/// removal, addition and change.
const WEBHOOK_EXTENSIONS: &[(&str, [&str; 3], &str)] = &[
    (
        "x-webhook-signature",
        [
            "webhook.signature-removed",
            "webhook.signature-added",
            "webhook.signature-changed",
        ],
        "receivers that verify deliveries the old way reject every one",
    ),
    (
        "x-webhook-challenge",
        [
            "webhook.challenge-changed",
            "webhook.challenge-changed",
            "webhook.challenge-changed",
        ],
        "receivers answer the URL check the old way, and the URL is not verified",
    ),
    (
        "x-webhook-resource",
        [
            "webhook.resource-changed",
            "webhook.resource-changed",
            "webhook.resource-changed",
        ],
        "receivers that fetch the delivered resource back fetch it the old way",
    ),
];

/// `x-webhook-*` on a webhook present in both documents.
fn webhook(out: &mut Changes<'_, '_>, b: &OperationRef<'_>, r: &OperationRef<'_>) {
    let what = format!("the `{}` webhook", r.path);
    for (key, [removed, added, changed], why) in WEBHOOK_EXTENSIONS {
        let (bp, rp) = (
            pointer::push(&b.pointer(), key),
            pointer::push(&r.pointer(), key),
        );
        let (old, new) = (b.operation.get(*key), r.operation.get(*key));
        let (rule, at, message) = match (old, new) {
            (Some(_), None) => (
                removed,
                Pointers::both(&bp, &r.pointer()),
                format!("{what} lost its {key}: {why}"),
            ),
            (None, Some(_)) => (
                added,
                Pointers::both(&b.pointer(), &rp),
                format!("{what} gained {key}"),
            ),
            (Some(x), Some(y)) if x != y => (
                changed,
                Pointers::both(&bp, &rp),
                format!("{what}'s {key} changed from {x} to {y}: {why}"),
            ),
            _ => continue,
        };
        out.fixed(rule, at, message);
    }
}

pub(crate) fn operation(out: &mut Changes<'_, '_>, b: &OperationRef<'_>, r: &OperationRef<'_>) {
    if b.root() == openapi_spec::visit::Root::Webhooks {
        webhook(out, b, r);
    }
    let (bp, rp) = (
        pointer::push(&b.pointer(), "x-pagination"),
        pointer::push(&r.pointer(), "x-pagination"),
    );
    let what = format!("{} {}", r.method.to_uppercase(), r.path);
    match (
        b.operation.get("x-pagination"),
        r.operation.get("x-pagination"),
    ) {
        (None, Some(_)) => out.fixed(
            "pagination.added",
            Pointers::both(&b.pointer(), &rp),
            format!("{what} is now described as paged"),
        ),
        (Some(_), None) => out.fixed(
            "pagination.removed",
            Pointers::both(&bp, &r.pointer()),
            format!(
                "{what} is no longer described as paged: generated page streams for it disappear"
            ),
        ),
        (Some(x), Some(y)) => {
            for (key, rule) in PAGINATION_KEYS {
                let (old, new) = (x.get(*key), y.get(*key));
                if old != new {
                    let show =
                        |v: Option<&Value>| v.map_or("nothing".to_string(), Value::to_string);
                    let message = format!(
                        "{what}'s x-pagination {key} changed from {} to {}: clients that page it the old way break",
                        show(old),
                        show(new)
                    );
                    out.fixed(
                        rule,
                        Pointers::both(&pointer::push(&bp, key), &pointer::push(&rp, key)),
                        message,
                    );
                }
            }
        }
        (None, None) => {}
    }
}

pub(crate) fn compare(out: &mut Changes<'_, '_>) {
    contract(out);
    date_time(out);
}

fn top<'a>(doc: &'a openapi_spec::Document, key: &str) -> Option<&'a Value> {
    doc.raw.get(key)
}

fn contract(out: &mut Changes<'_, '_>) {
    let sides = out.sides;
    let (Some(x), Some(y)) = (
        top(sides.base, "x-contract"),
        top(sides.revision, "x-contract"),
    ) else {
        return;
    };
    let at =
        |key: &str| Pointers::both(&format!("/x-contract/{key}"), &format!("/x-contract/{key}"));
    let show = |v: Option<&Value>| v.map_or("nothing".to_string(), Value::to_string);
    if x.get("acceptMediaType") != y.get("acceptMediaType") {
        let message = format!(
            "the Accept media type every request must send changed from {} to {}: every existing client is refused",
            show(x.get("acceptMediaType")),
            show(y.get("acceptMediaType"))
        );
        out.fixed(
            "contract.accept-media-type-changed",
            at("acceptMediaType"),
            message,
        );
    }
    for key in CONTRACT_STATUSES {
        if x.get(*key) != y.get(*key) {
            let message = format!(
                "x-contract {key} changed from {} to {}: clients that handle the old answer break",
                show(x.get(*key)),
                show(y.get(*key))
            );
            out.fixed("contract.status-changed", at(key), message);
        }
    }
    if x.get("statusPrecedence") != y.get("statusPrecedence") {
        let message = format!(
            "the status precedence changed from {} to {}: a request with two faults gets another refusal",
            show(x.get("statusPrecedence")),
            show(y.get("statusPrecedence"))
        );
        out.fixed(
            "contract.precedence-changed",
            at("statusPrecedence"),
            message,
        );
    }
    signed_urls(out, x, y);
}

fn signed_urls(out: &mut Changes<'_, '_>, x: &Value, y: &Value) {
    let list = |v: &Value| -> Vec<String> {
        v.get("signedUrlProperties")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(String::from)
            .collect()
    };
    let (old, new) = (list(x), list(y));
    let at = Pointers::both(
        "/x-contract/signedUrlProperties",
        "/x-contract/signedUrlProperties",
    );
    for p in old.iter().filter(|p| !new.contains(p)) {
        let message = format!(
            "`{p}` is no longer a signed link: clients that fetch it without the API secret fail"
        );
        out.fixed("contract.signed-url-property-removed", at.clone(), message);
    }
    for p in new.iter().filter(|p| !old.contains(p)) {
        out.fixed(
            "contract.signed-url-property-added",
            at.clone(),
            format!("`{p}` is now a signed link"),
        );
    }
    let seconds = |v: &Value| v.get("signedUrlLifetimeSeconds").and_then(Value::as_f64);
    if let (Some(a), Some(b)) = (seconds(x), seconds(y)) {
        let at = Pointers::both(
            "/x-contract/signedUrlLifetimeSeconds",
            "/x-contract/signedUrlLifetimeSeconds",
        );
        if b < a {
            let message = format!(
                "signed links now expire after {b} s instead of {a} s: clients that fetch them later fail"
            );
            out.fixed("contract.signed-url-lifetime-shortened", at, message);
        } else if b > a {
            out.fixed(
                "contract.signed-url-lifetime-lengthened",
                at,
                format!("signed links now last {b} s instead of {a} s"),
            );
        }
    }
}

fn date_time(out: &mut Changes<'_, '_>) {
    let sides = out.sides;
    let (Some(x), Some(y)) = (
        top(sides.base, "x-date-time-format"),
        top(sides.revision, "x-date-time-format"),
    ) else {
        return;
    };
    for key in ["fractionDigits", "offset"] {
        if x.get(key) != y.get(key) {
            let show = |v: Option<&Value>| v.map_or("nothing".to_string(), Value::to_string);
            let message = format!(
                "x-date-time-format {key} changed from {} to {}: clients that parse date-times strictly fail",
                show(x.get(key)),
                show(y.get(key))
            );
            let p = format!("/x-date-time-format/{key}");
            out.fixed("date-time.format-changed", Pointers::both(&p, &p), message);
        }
    }
}
