//! Laws across entries, for recorded mode: a HAR from a browser or a proxy
//! often holds several pages of one list, items fetched alone, and the
//! same resource under two websites' secrets. Each entry is checked alone
//! first; then, in file order, the live run's laws apply to whatever the
//! file holds: `pagination.walk` (consecutive pages of one list share no item,
//! `total` does not change), `item.consistency` (a listed item equals the
//! same item fetched alone) and `tenant.isolation` (one resource is not
//! answered 200 under both known secrets).
//!
//! What an entry leaves for the laws is small (item keys and digests, not
//! bodies); the two bodies of an inconsistent pair are read again only to
//! say where they differ.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

use openapi_model::{OffsetLimit, Segment, paging};
use serde_json::Value;

use crate::normalize::{self, Redaction};
use crate::{Check, Contract, Exchange, ExchangeReport, Finding, Outcome};

/// What one checked entry leaves for the laws.
#[derive(Debug, Default)]
pub struct Sighting {
    /// The request path under the base path, decoded.
    path: String,
    /// [`path_hash`] of `path`.
    path_hash: u64,
    /// Whose credential the request presented. Two identities are two
    /// websites.
    secret: Option<Website>,
    status: u16,
    /// For a list page: what the walk law needs.
    page: Option<PageSeen>,
    /// The path names a resource by id (the operation has path parameters).
    addressed: bool,
    /// Live checks the entry's `_expect` names (judged after the laws).
    pub(crate) expected_live: Vec<Check>,
}

/// A website, as far as one entry tells: one of the run's known secrets,
/// else (for an entry marked valid) a digest of the credential presented.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Website {
    Known(usize),
    Presented(u64),
}

#[derive(Debug)]
struct PageSeen {
    /// The body field that holds the items.
    items_field: String,
    limit: i64,
    offset: i64,
    total: Option<i64>,
    /// Each listed item's identity and the path that fetches it alone.
    items: Vec<ItemSeen>,
}

/// A listed item, as hashes: nothing of it is copied (a HAR may hold
/// hundreds of thousands of items).
#[derive(Debug)]
struct ItemSeen {
    /// Its identity: the linked properties' values, else its content.
    key: u64,
    /// The path that fetches it alone (as [`path_hash`] of that path).
    alone: Option<u64>,
}

/// A path segment's text into a hasher; numbers as their decimal text, so a
/// listed id (a JSON number) and the same id in a path hash the same.
fn hash_text(value: &Value, h: &mut impl Hasher) -> Option<()> {
    use std::io::Write as _;
    match value {
        Value::String(s) => s.as_bytes().hash(h),
        Value::Number(_) | Value::Bool(_) => {
            let mut buf = [0u8; 48];
            let mut cursor = std::io::Cursor::new(&mut buf[..]);
            write!(cursor, "{value}").ok()?;
            let len = cursor.position() as usize;
            buf[..len].hash(h);
        }
        _ => return None,
    }
    Some(())
}

/// A path under the base path (`users/1/messages`), hashed segment by segment.
fn path_hash(path: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for segment in path.split('/') {
        segment.as_bytes().hash(&mut h);
    }
    h.finish()
}

/// A digest of the value as [`normalize::redact`] would leave it, computed
/// in one pass without copying the value.
fn digest(value: &Value, redactions: &[Redaction]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    hash_redacted(value, redactions, &mut h);
    h.finish()
}

fn hash_redacted(value: &Value, rules: &[Redaction], h: &mut impl Hasher) {
    match value {
        Value::Object(map) => {
            h.write_u8(b'{');
            for (k, v) in map {
                k.hash(h);
                match rules.iter().find(|r| r.property == *k) {
                    Some(r) if !v.is_null() => match (&r.part, v) {
                        (normalize::Part::Query, Value::String(s)) => s
                            .split_once('?')
                            .map_or(s.as_str(), |(base, _)| base)
                            .hash(h),
                        _ => h.write_u8(b'*'),
                    },
                    _ => hash_redacted(v, rules, h),
                }
            }
        }
        Value::Array(items) => {
            h.write_u8(b'[');
            items.iter().for_each(|v| hash_redacted(v, rules, h));
        }
        Value::String(s) => s.hash(h),
        other => other.to_string().hash(h),
    }
}

/// What the checks already found about a matched exchange, lent to
/// [`Contract::sighting`] so nothing is matched or parsed twice.
pub(crate) struct Seen<'a> {
    pub op: &'a openapi_model::Operation,
    pub url: &'a url::Url,
    /// The credentials the request presented (`leak::presented`).
    pub presented: &'a [String],
}

impl Sighting {
    /// An entry that matched no operation: nothing for the laws.
    pub(crate) fn unmatched(status: u16) -> Sighting {
        Sighting {
            status,
            ..Sighting::default()
        }
    }
}

impl Contract {
    /// What a matched entry leaves for the laws across entries.
    pub(crate) fn sighting(
        &self,
        seen: &Seen<'_>,
        ex: &Exchange<'_>,
        body: Option<&Value>,
    ) -> Sighting {
        let (op, url) = (seen.op, seen.url);
        let mut s = Sighting::unmatched(ex.status);
        s.addressed = !op.path_params.is_empty();
        let rest = url
            .path()
            .strip_prefix(self.model.base_path.as_str())
            .unwrap_or(url.path());
        s.path = crate::decoded_segments(rest).join("/");
        s.path_hash = path_hash(&s.path);
        let known = self
            .options
            .valid_secrets
            .iter()
            .position(|k| seen.presented.contains(k));
        s.secret = match (known, seen.presented.first()) {
            (Some(i), _) => Some(Website::Known(i)),
            (None, Some(raw)) if ex.credentials == Some(crate::Credentials::Valid) => {
                let mut h = std::collections::hash_map::DefaultHasher::new();
                raw.hash(&mut h);
                Some(Website::Presented(h.finish()))
            }
            _ => None,
        };
        if ex.status == 200
            && let Some(body) = body
        {
            let redactions = &self.redactions;
            if let Some(paging) = op.pagination.as_ref().and_then(|p| p.offset_limit()) {
                s.page = self.page_seen(op, paging, &s.path, body, redactions);
            }
        }
        s
    }

    fn page_seen(
        &self,
        op: &openapi_model::Operation,
        paging: &OffsetLimit,
        path: &str,
        body: &Value,
        redactions: &[Redaction],
    ) -> Option<PageSeen> {
        let int = |field: &str| body.get(field).and_then(Value::as_i64);
        let items = body.get(&paging.items_field)?.as_array()?;
        let link = op.item.as_ref();
        let item_op = link.and_then(|l| self.model.operation(&l.operation));
        let identity = op.item_identity()?;
        let values = path_values(op, path);
        let seen = items
            .iter()
            .map(|item| {
                // The identity's properties hashed without copying them (a HAR
                // may list hundreds of thousands of items); the whole item
                // (signed links' queries left out) when none identifies it.
                let key = if identity.properties().is_empty() {
                    digest(item, redactions)
                } else {
                    let mut h = std::collections::hash_map::DefaultHasher::new();
                    for property in identity.properties() {
                        property.hash(&mut h);
                        item.get(property).and_then(|v| hash_text(v, &mut h));
                    }
                    h.finish()
                };
                let alone = item_op.and_then(|target| alone_hash(target, &values, link?, item));
                ItemSeen { key, alone }
            })
            .collect();
        // A page without its limit or offset fails `pagination` and the
        // walk law leaves it out; its items still count for consistency.
        Some(PageSeen {
            items_field: paging.items_field.clone(),
            limit: int(&paging.limit_field).unwrap_or(0),
            offset: int(&paging.offset_field).unwrap_or(0),
            total: int(&paging.total_field),
            items: seen,
        })
    }
}

/// The template's parameter values in a matched path.
fn path_values(op: &openapi_model::Operation, path: &str) -> Vec<(String, String)> {
    op.segments
        .iter()
        .zip(path.split('/'))
        .filter_map(|(segment, value)| match segment {
            Segment::Param(name) => Some((name.clone(), value.to_string())),
            Segment::Literal(_) => None,
        })
        .collect()
}

/// [`path_hash`] of the path that fetches a listed item alone: the item
/// operation's template filled with the list's path values and the item's
/// linked properties, without building the path.
fn alone_hash(
    target: &openapi_model::Operation,
    list_values: &[(String, String)],
    link: &openapi_model::ItemLink,
    item: &Value,
) -> Option<u64> {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for segment in &target.segments {
        match segment {
            Segment::Literal(l) => l.as_bytes().hash(&mut h),
            Segment::Param(name) => {
                match link.parameters.iter().find(|p| p.path_parameter == *name) {
                    Some(p) => hash_text(item.get(&p.property)?, &mut h)?,
                    None => list_values
                        .iter()
                        .find(|(n, _)| n == name)?
                        .1
                        .as_bytes()
                        .hash(&mut h),
                }
            }
        }
    }
    Some(h.finish())
}

fn push(report: &mut ExchangeReport, check: Check, message: String) {
    let finding = Finding {
        pointer: String::new(),
        message,
        value: None,
    };
    match report.checks.iter_mut().find(|c| c.check == check) {
        Some(c) => {
            c.outcome = Outcome::Fail;
            c.findings.push(finding);
        }
        None => report
            .checks
            .push(crate::result(check, vec![finding], Outcome::Fail)),
    }
}

/// Applies the laws to a file's checked entries (reports and sightings in
/// entry order); `body_of(i)` reads entry `i`'s body again, for the place
/// two bodies differ.
pub(crate) fn apply(
    reports: &mut [ExchangeReport],
    sightings: &[Sighting],
    body_of: &dyn Fn(usize) -> Option<Value>,
    redactions: &[Redaction],
) {
    walk(reports, sightings, body_of);
    consistency(reports, sightings, body_of, redactions);
    isolation(reports, sightings);
}

/// Consecutive pages of one list (same path, page size and secret) share no
/// item, and every page of it says the same `total`.
fn walk(
    reports: &mut [ExchangeReport],
    sightings: &[Sighting],
    body_of: &dyn Fn(usize) -> Option<Value>,
) {
    let mut lists: BTreeMap<(&str, i64, Option<Website>), Vec<usize>> = BTreeMap::new();
    for (i, s) in sightings.iter().enumerate() {
        let Some(page) = &s.page else { continue };
        // A page that already broke a rule alone explains itself.
        if body_failed(&reports[i]) || reports[i].failed(Check::Pagination) {
            continue;
        }
        let group = lists
            .entry((s.path.as_str(), page.limit, s.secret))
            .or_default();
        let first = group
            .first()
            .and_then(|&j| Some((j, sightings[j].page.as_ref()?)));
        if let Some((j, first)) = first
            && let (Some(t0), Some(t)) = (first.total, page.total)
            && t0 != t
        {
            let message = format!(
                "`total` is {t} here but {t0} on the page at offset {} (entry {}): it changed between pages",
                first.offset, reports[j].index
            );
            push(&mut reports[i], Check::PaginationWalk, message);
        }
        for &j in group.iter() {
            let Some(earlier) = &sightings[j].page else {
                continue;
            };
            if !paging::consecutive(earlier.offset, page.offset, page.limit) {
                continue;
            }
            let keys: Vec<u64> = earlier.items.iter().map(|e| e.key).collect();
            let page_keys: Vec<u64> = page.items.iter().map(|e| e.key).collect();
            if let Some(n) = paging::shared_item(&keys, &page_keys) {
                let item = body_of(i)
                    .and_then(|b| b.get(&page.items_field)?.get(n).map(crate::shorten))
                    .unwrap_or_else(|| format!("at position {n}"));
                let message = format!(
                    "the item {item} is listed on this page (offset {}) and on the page at offset {} (entry {}): consecutive pages repeat it",
                    page.offset, earlier.offset, reports[j].index
                );
                push(&mut reports[i], Check::PaginationWalk, message);
            }
        }
        group.push(i);
    }
}

/// A listed item equals the same item fetched alone (same secret). Both
/// bodies are read again, only for the pairs the file holds.
fn consistency(
    reports: &mut [ExchangeReport],
    sightings: &[Sighting],
    body_of: &dyn Fn(usize) -> Option<Value>,
    redactions: &[Redaction],
) {
    let mut listed: std::collections::HashMap<(u64, Option<Website>), (usize, usize)> =
        std::collections::HashMap::new();
    for (i, s) in sightings.iter().enumerate() {
        for (n, item) in s.page.iter().flat_map(|p| p.items.iter().enumerate()) {
            if let Some(alone) = item.alone {
                listed.entry((alone, s.secret)).or_insert((i, n));
            }
        }
    }
    for (i, s) in sightings.iter().enumerate() {
        if s.status != 200 || !s.addressed {
            continue;
        }
        let Some(&(j, n)) = listed.get(&(s.path_hash, s.secret)) else {
            continue;
        };
        let Some(page) = sightings[j].page.as_ref() else {
            continue;
        };
        // A body that already broke its schema explains its own difference.
        if body_failed(&reports[i]) || body_failed(&reports[j]) {
            continue;
        }
        let Some(pointer) = difference(body_of(j), &page.items_field, n, body_of(i), redactions)
        else {
            continue;
        };
        let message = format!(
            "the item fetched alone differs from the same item listed in entry {} at {}",
            reports[j].index,
            if pointer.is_empty() { "/" } else { &pointer }
        );
        push(&mut reports[i], Check::ItemConsistency, message);
    }
}

/// Where the listed item (`n`th of the page) and the item alone first
/// differ, signed-link queries aside; `None` when they are equal.
fn difference(
    page: Option<Value>,
    items_field: &str,
    n: usize,
    alone: Option<Value>,
    redactions: &[Redaction],
) -> Option<String> {
    let mut listed = page?.get(items_field)?.as_array()?.get(n)?.clone();
    let mut alone = alone?;
    normalize::redact(&mut listed, redactions);
    normalize::redact(&mut alone, redactions);
    normalize::first_difference(&listed, &alone, "")
}

/// Whether a body check failed (or failed as the recording expects).
fn body_failed(report: &ExchangeReport) -> bool {
    report.checks.iter().any(|c| {
        matches!(
            c.check,
            Check::BodyJson | Check::BodySchema | Check::BodyDiscriminator | Check::BodyNullable
        ) && matches!(c.outcome, Outcome::Fail | Outcome::ExpectedFail)
    })
}

/// A resource (a path with ids) answered 200 under both known secrets: one
/// website sees the other's data.
fn isolation(reports: &mut [ExchangeReport], sightings: &[Sighting]) {
    let mut seen: BTreeMap<&str, (usize, Website)> = BTreeMap::new();
    for (i, s) in sightings.iter().enumerate() {
        let (Some(secret), 200, true) = (s.secret, s.status, s.addressed) else {
            continue;
        };
        match seen.get(s.path.as_str()) {
            Some(&(j, other)) if other != secret => {
                let message = format!(
                    "{} was answered 200 under both websites' secrets (also entry {}): one website sees the other's data",
                    reports[i].target, reports[j].index
                );
                push(&mut reports[i], Check::TenantIsolation, message);
            }
            Some(_) => {}
            None => {
                seen.insert(&s.path, (i, secret));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::hash::Hasher as _;

    use serde_json::{Value, json};

    use super::*;
    use crate::normalize::Part;

    fn text_hash(value: &Value) -> Option<u64> {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        hash_text(value, &mut h)?;
        Some(h.finish())
    }

    #[test]
    fn an_id_hashes_the_same_as_a_number_and_as_path_text() {
        assert_eq!(text_hash(&json!(5)), text_hash(&json!("5")));
        assert_ne!(text_hash(&json!("5")), text_hash(&json!("6")));
        assert_eq!(text_hash(&json!(true)), text_hash(&json!("true")));
        assert!(text_hash(&json!(null)).is_none());
        assert!(text_hash(&json!({"id": 5})).is_none());
    }

    #[test]
    fn an_items_digest_is_its_content_with_redacted_parts_left_out() {
        let rules = [
            Redaction {
                property: "file_url".into(),
                part: Part::Query,
            },
            Redaction {
                property: "seen_at".into(),
                part: Part::Value,
            },
        ];
        let item = |url: Value, seen: Value| json!({"id": 1, "file_url": url, "seen_at": seen});
        let d = |v: &Value| digest(v, &rules);
        let base = item(json!("https://f/x?sig=1"), json!("10:00"));
        assert_eq!(
            d(&base),
            d(&item(json!("https://f/x?sig=2"), json!("11:00")))
        );
        assert_ne!(
            d(&base),
            d(&item(json!("https://f/y?sig=1"), json!("10:00")))
        );
        assert_ne!(
            d(&base),
            d(&json!({"id": 2, "file_url": "https://f/x?sig=1", "seen_at": "10:00"}))
        );
        // Null is a value of its own, not a redacted one.
        assert_ne!(d(&base), d(&item(json!("https://f/x?sig=1"), Value::Null)));
        assert_ne!(d(&base), d(&item(Value::Null, json!("10:00"))));
        assert_ne!(d(&json!([1, 2])), d(&json!([2, 1])));
        assert_ne!(d(&json!({"a": 1})), d(&json!({"b": 1})));
    }
}
