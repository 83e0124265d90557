//! The laws of a paged list, once: which listed items are "the same item",
//! and what a walk over the list's pages may not do (repeat an item, skip
//! items, break the documented order, change `total`, give a page of the
//! wrong length).
//!
//! The live planner, the recorded laws and the generated client's runtime
//! all call these functions, so the three cannot drift apart. The crate
//! depends on `serde_json` alone: the client's runtime uses it without the
//! loader. What the functions are given (which properties identify an
//! item, which order the list keeps) comes from the document's
//! `x-pagination` extension, read by the model (`openapi-model`), and is
//! handed in as plain values.
//!
//! ```
//! use openapi_paging::{Broken, Identity, Page, PageLaws};
//! use serde_json::json;
//!
//! let mut walk = PageLaws::new(Identity::by(["id"]), vec!["id".into()]);
//! let first = [json!({"id": 1}), json!({"id": 2})];
//! assert!(walk.page(&Page { offset: 0, limit: Some(2), total: Some(3), items: &first }).is_empty());
//! let again = [json!({"id": 2})];
//! let broken = walk.page(&Page { offset: 2, limit: Some(2), total: Some(3), items: &again });
//! assert!(matches!(broken[0], Broken::Repeated { position: 2, first: 1, .. }));
//! ```

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;

use serde_json::Value;

/// Which properties tell two listed items apart; none: the whole item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity {
    properties: Vec<String>,
}

/// A listed item's identity, as text: `id=5` (properties joined with `,`),
/// or the item's JSON when the identity is the whole item.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ItemKey(String);

impl fmt::Display for ItemKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl ItemKey {
    /// The key's text (what [`fmt::Display`] shows).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Identity {
    /// Items are the same when these properties hold the same values.
    pub fn by<I, S>(properties: I) -> Identity
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Identity {
            properties: properties.into_iter().map(Into::into).collect(),
        }
    }

    /// The identity of a list's items, by the first rule that names
    /// properties: the item link's (`x-pagination.item`, the properties that
    /// address an item alone), else the order's (`x-pagination.order`: a
    /// list sorted by them tells its items apart by them), else the whole
    /// item.
    pub fn of(link: &[String], order: &[String]) -> Identity {
        let chosen = if link.is_empty() { order } else { link };
        Identity::by(chosen.iter().cloned())
    }

    /// The properties, in order; empty when the whole item counts.
    pub fn properties(&self) -> &[String] {
        &self.properties
    }

    /// The item's key. A missing property counts as an empty value, so two
    /// items missing it are the same (the schema check reports the absence).
    pub fn key(&self, item: &Value) -> ItemKey {
        if self.properties.is_empty() {
            return ItemKey(item.to_string());
        }
        let parts: Vec<String> = self
            .properties
            .iter()
            .map(|p| {
                let value = item.get(p).map(Value::to_string).unwrap_or_default();
                format!("{p}={value}")
            })
            .collect();
        ItemKey(parts.join(","))
    }
}

/// One page as a walk sees it.
#[derive(Debug, Clone, Copy)]
pub struct Page<'a> {
    /// The index of the page's first item.
    pub offset: i64,
    /// The page size asked for, when known.
    pub limit: Option<i64>,
    /// The number of items in all, as this page says it.
    pub total: Option<i64>,
    /// The page's items.
    pub items: &'a [Value],
}

/// A law a page broke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Broken {
    /// `total` differs from the walk's first page.
    TotalChanged {
        /// The first page's total.
        from: i64,
        /// This page's total.
        to: i64,
    },
    /// An item seen earlier in the walk came again.
    Repeated {
        /// The item.
        key: ItemKey,
        /// Its place in the walk (items before it, over all pages).
        position: usize,
        /// Where it was first seen.
        first: usize,
    },
    /// An item sorts before the one listed above it.
    OutOfOrder {
        /// The item.
        key: ItemKey,
        /// Its place in the walk.
        position: usize,
    },
    /// The page's length is not the one its limit, offset and total give
    /// ([`expected_length`]): items were skipped, or the page overflows.
    Length {
        /// The items the page held.
        got: i64,
        /// The items it must hold.
        expected: i64,
    },
    /// An empty page before the end, the page size unknown (with it, this
    /// is a [`Broken::Length`]): the walk cannot go on, and `left` items
    /// are never listed.
    Empty {
        /// Items from the page's offset to `total`.
        left: i64,
    },
}

/// How many items the page at `offset` must hold: `min(limit, max(0,
/// total - offset))`.
pub fn expected_length(limit: i64, offset: i64, total: i64) -> i64 {
    limit.min(total.saturating_sub(offset).max(0))
}

/// Whether `b` may follow `a` in a list sorted ascending by `order`: the
/// first property that differs decides; a property missing or of a kind
/// that does not compare (not two numbers, not two strings) decides nothing
/// the schema check has not already said, so the pair passes.
pub fn in_order(order: &[String], a: &Value, b: &Value) -> bool {
    for field in order {
        let (Some(x), Some(y)) = (a.get(field), b.get(field)) else {
            return true;
        };
        match compare(x, y) {
            Some(Ordering::Less) => return true,
            Some(Ordering::Greater) => return false,
            _ => continue,
        }
    }
    true
}

fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64()?.partial_cmp(&y.as_f64()?),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// The first item of `page` that `earlier` (the keys of another page of
/// the same list) also holds, by its index in `page`.
pub fn shared_item<K: PartialEq>(earlier: &[K], page: &[K]) -> Option<usize> {
    page.iter().position(|k| earlier.contains(k))
}

/// Whether two pages of one list at one page size are neighbours (one
/// starts where the other ends): neighbours share no item.
pub fn consecutive(a_offset: i64, b_offset: i64, limit: i64) -> bool {
    a_offset + limit == b_offset || b_offset + limit == a_offset
}

/// A walk over a list's pages in ascending offset (every page, or a sample
/// of them): the laws checked page by page.
#[derive(Debug, Clone)]
pub struct PageLaws {
    identity: Identity,
    order: Vec<String>,
    first_at: HashMap<ItemKey, usize>,
    total: Option<i64>,
    /// The order properties of the last item taken (not the whole item).
    last: Option<Value>,
    position: usize,
}

impl PageLaws {
    /// A walk of a list whose items are told apart by `identity` and sorted
    /// ascending by `order` (empty: no order promised).
    pub fn new(identity: Identity, order: Vec<String>) -> PageLaws {
        PageLaws {
            identity,
            order,
            first_at: HashMap::new(),
            total: None,
            last: None,
            position: 0,
        }
    }

    /// The identity the walk keys items by.
    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    /// The first page's total, once a page said one.
    pub fn total(&self) -> Option<i64> {
        self.total
    }

    /// Items taken so far, over all pages.
    pub fn position(&self) -> usize {
        self.position
    }

    /// Takes the next page; what it broke, in the order found: its length,
    /// its total, then item by item a repeat and the order.
    pub fn page(&mut self, page: &Page<'_>) -> Vec<Broken> {
        let mut broken = Vec::new();
        let got = page.items.len() as i64;
        match (page.limit, page.total.or(self.total)) {
            (Some(limit), Some(total)) => {
                let expected = expected_length(limit, page.offset, total);
                if got != expected {
                    broken.push(Broken::Length { got, expected });
                }
            }
            (None, Some(total)) if got == 0 && total > page.offset => {
                broken.push(Broken::Empty {
                    left: total - page.offset,
                });
            }
            _ => {}
        }
        match (self.total, page.total) {
            (None, t) => self.total = t,
            (Some(from), Some(to)) if from != to => broken.push(Broken::TotalChanged { from, to }),
            _ => {}
        }
        for item in page.items {
            broken.extend(self.item(item));
        }
        broken
    }

    fn item(&mut self, item: &Value) -> Vec<Broken> {
        let mut broken = Vec::new();
        let key = self.identity.key(item);
        let position = self.position;
        if let Some(&first) = self.first_at.get(&key) {
            broken.push(Broken::Repeated {
                key: key.clone(),
                position,
                first,
            });
        } else {
            self.first_at.insert(key.clone(), position);
        }
        if let Some(prev) = &self.last
            && !in_order(&self.order, prev, item)
        {
            broken.push(Broken::OutOfOrder { key, position });
        }
        self.last = Some(self.order_values(item));
        self.position += 1;
        broken
    }

    /// The item cut to its order properties: what the next comparison needs.
    fn order_values(&self, item: &Value) -> Value {
        let mut kept = serde_json::Map::new();
        for field in &self.order {
            if let Some(v) = item.get(field) {
                kept.insert(field.clone(), v.clone());
            }
        }
        Value::Object(kept)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn page(offset: i64, limit: i64, total: i64, items: &[Value]) -> Page<'_> {
        Page {
            offset,
            limit: Some(limit),
            total: Some(total),
            items,
        }
    }

    #[test]
    fn identity_is_the_link_then_the_order_then_the_whole_item() {
        let item = json!({"id": 5, "user_id": 2, "text": "hi"});
        let link = vec!["user_id".to_string(), "id".to_string()];
        let order = vec!["id".to_string()];
        assert_eq!(
            Identity::of(&link, &order).key(&item).as_str(),
            "user_id=2,id=5"
        );
        assert_eq!(Identity::of(&[], &order).key(&item).as_str(), "id=5");
        assert_eq!(
            Identity::of(&[], &[]).key(&item).as_str(),
            r#"{"id":5,"user_id":2,"text":"hi"}"#
        );
        assert_eq!(Identity::by(["gone"]).key(&item).as_str(), "gone=");
    }

    #[test]
    fn the_expected_length_is_the_limit_or_what_is_left() {
        assert_eq!(expected_length(10, 0, 25), 10);
        assert_eq!(expected_length(10, 20, 25), 5);
        assert_eq!(expected_length(10, 25, 25), 0);
        assert_eq!(expected_length(10, 30, 25), 0);
        assert_eq!(expected_length(10, i64::MIN, 25), 10);
    }

    #[test]
    fn order_is_checked_key_by_key_ascending() {
        let order = ["created_at".to_string(), "id".to_string()];
        let at = |t: &str, id: i64| json!({"created_at": t, "id": id});
        assert!(in_order(&order, &at("a", 1), &at("b", 0)));
        assert!(!in_order(&order, &at("b", 0), &at("a", 1)));
        // Same first key: the second decides.
        assert!(in_order(&order, &at("a", 1), &at("a", 2)));
        assert!(!in_order(&order, &at("a", 2), &at("a", 1)));
        // Equal items may follow each other.
        assert!(in_order(&order, &at("a", 1), &at("a", 1)));
        // A missing key or values of different types cannot be compared: allowed.
        assert!(in_order(
            &order,
            &json!({"id": 2}),
            &json!({"id": 1, "created_at": "a"})
        ));
        assert!(!in_order(
            &["id".to_string()],
            &json!({"id": 2.5}),
            &json!({"id": 1})
        ));
        assert!(in_order(
            &["id".to_string()],
            &json!({"id": "2"}),
            &json!({"id": 1})
        ));
        assert!(in_order(&[], &json!({"id": 2}), &json!({"id": 1})));
    }

    #[test]
    fn a_clean_walk_breaks_nothing() {
        let mut walk = PageLaws::new(Identity::by(["id"]), vec!["id".into()]);
        let one = [json!({"id": 1}), json!({"id": 2})];
        let two = [json!({"id": 3})];
        assert!(walk.page(&page(0, 2, 3, &one)).is_empty());
        assert!(walk.page(&page(2, 2, 3, &two)).is_empty());
        assert!(walk.page(&page(3, 2, 3, &[])).is_empty());
        assert_eq!((walk.position(), walk.total()), (3, Some(3)));
    }

    #[test]
    fn each_law_is_named_when_broken() {
        let mut walk = PageLaws::new(Identity::by(["id"]), vec!["id".into()]);
        let one = [json!({"id": 1}), json!({"id": 4})];
        assert!(walk.page(&page(0, 2, 5, &one)).is_empty());
        let two = [json!({"id": 4}), json!({"id": 3})];
        let broken = walk.page(&page(2, 2, 6, &two));
        let key = |s: &str| ItemKey(s.to_string());
        assert_eq!(
            broken,
            vec![
                Broken::TotalChanged { from: 5, to: 6 },
                Broken::Repeated {
                    key: key("id=4"),
                    position: 2,
                    first: 1
                },
                Broken::OutOfOrder {
                    key: key("id=3"),
                    position: 3
                },
            ]
        );
        let short = [json!({"id": 9})];
        assert_eq!(
            walk.page(&page(4, 2, 6, &short)),
            vec![
                Broken::Length {
                    got: 1,
                    expected: 2
                },
                Broken::TotalChanged { from: 5, to: 6 },
            ]
        );
    }

    #[test]
    fn a_page_without_a_total_is_judged_by_the_walks() {
        let mut walk = PageLaws::new(Identity::default(), Vec::new());
        let one = [json!(1), json!(2)];
        assert!(walk.page(&page(0, 2, 3, &one)).is_empty());
        let empty = Page {
            offset: 2,
            limit: Some(2),
            total: None,
            items: &[],
        };
        assert_eq!(
            walk.page(&empty),
            vec![Broken::Length {
                got: 0,
                expected: 1
            }]
        );
        let unsized_empty = Page {
            offset: 2,
            limit: None,
            total: Some(3),
            items: &[],
        };
        assert_eq!(walk.page(&unsized_empty), vec![Broken::Empty { left: 1 }]);
        let past_end = Page {
            offset: 3,
            limit: None,
            total: Some(3),
            items: &[],
        };
        assert!(walk.page(&past_end).is_empty());
        let unknown = Page {
            offset: 0,
            limit: None,
            total: None,
            items: &one,
        };
        assert!(
            PageLaws::new(Identity::default(), Vec::new())
                .page(&unknown)
                .is_empty()
        );
    }

    #[test]
    fn neighbours_and_shared_items() {
        assert!(consecutive(0, 10, 10));
        assert!(consecutive(10, 0, 10));
        assert!(!consecutive(0, 20, 10));
        assert!(!consecutive(0, 0, 10));
        assert_eq!(shared_item(&[1, 2, 3], &[4, 3, 2]), Some(1));
        assert_eq!(shared_item(&[1, 2], &[3]), None);
    }
}
