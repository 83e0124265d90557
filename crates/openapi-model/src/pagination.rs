//! `x-pagination`: how a list operation pages, and how to fetch one of its
//! items alone.

use serde_json::Value;

use openapi_paging::Identity;

use crate::rules::strings;

/// How a list pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pagination {
    /// `style: offset-limit`.
    OffsetLimit(OffsetLimit),
    /// `style: page-size`.
    PageSize(PageSize),
    /// A style this toolkit does not know (kept so checks can say so).
    Unsupported(String),
}

/// Offset-limit paging: the request names a page size and a start, the
/// response echoes both and says how many items there are in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OffsetLimit {
    /// Query parameter with the page size.
    pub limit_param: String,
    /// Query parameter with the index of the first item.
    pub offset_param: String,
    /// Response field echoing the page size.
    pub limit_field: String,
    /// Response field echoing the start.
    pub offset_field: String,
    /// Response field with the number of items in all.
    pub total_field: String,
    /// Response field holding the page's items.
    pub items_field: String,
    /// Item properties the list is sorted by, ascending (`order`).
    pub order: Vec<String>,
}

/// Page-size paging: the request names a page size only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageSize {
    /// Query parameter with the page size.
    pub size_param: String,
    /// Response field holding the items; `None`: the body is the array.
    pub items_field: Option<String>,
}

/// How to fetch one item of a list alone (`x-pagination.item`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemLink {
    /// The operationId of the item operation.
    pub operation: String,
    /// Which of its path parameters take which item property.
    pub parameters: Vec<ItemParameter>,
}

/// One path parameter of an item operation, filled from a listed item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemParameter {
    /// The item operation's path parameter.
    pub path_parameter: String,
    /// The listed item's property that holds its value.
    pub property: String,
}

impl Pagination {
    /// Reads an `x-pagination` object; unnamed fields take the usual names.
    pub(crate) fn read(x: &Value) -> Pagination {
        let field = |k: &str, d: &str| x.get(k).and_then(Value::as_str).unwrap_or(d).to_string();
        match x.get("style").and_then(Value::as_str).unwrap_or("") {
            "offset-limit" => Pagination::OffsetLimit(OffsetLimit {
                limit_param: field("limitParameter", "limit"),
                offset_param: field("offsetParameter", "offset"),
                limit_field: field("limitField", "limit"),
                offset_field: field("offsetField", "offset"),
                total_field: field("totalField", "total"),
                items_field: field("itemsField", "items"),
                order: strings(x.get("order")),
            }),
            "page-size" => Pagination::PageSize(PageSize {
                size_param: field("sizeParameter", "per_page"),
                items_field: x
                    .get("itemsField")
                    .and_then(Value::as_str)
                    .map(String::from),
            }),
            other => Pagination::Unsupported(other.to_string()),
        }
    }

    /// The offset-limit description, if the list pages that way.
    pub fn offset_limit(&self) -> Option<&OffsetLimit> {
        match self {
            Pagination::OffsetLimit(o) => Some(o),
            _ => None,
        }
    }
}

impl ItemLink {
    /// Reads `x-pagination.item`; `None` without an operation name.
    pub(crate) fn read(x: &Value) -> Option<ItemLink> {
        Some(ItemLink {
            operation: x.get("operation")?.as_str()?.to_string(),
            parameters: x
                .get("parameters")
                .and_then(Value::as_object)
                .map(|m| {
                    m.iter()
                        .filter_map(|(k, v)| {
                            Some(ItemParameter {
                                path_parameter: k.clone(),
                                property: v.as_str()?.to_string(),
                            })
                        })
                        .collect()
                })
                .unwrap_or_default(),
        })
    }
}

impl crate::Operation {
    /// How this list tells its items apart ([`Identity::of`]): the
    /// properties of its item link, else of its order, else the whole item.
    /// `None` for an operation that does not page by offset and limit.
    pub fn item_identity(&self) -> Option<Identity> {
        let order = &self.pagination.as_ref()?.offset_limit()?.order;
        let link: Vec<String> = self
            .item
            .iter()
            .flat_map(|l| l.parameters.iter().map(|p| p.property.clone()))
            .collect();
        Some(Identity::of(&link, order))
    }
}
