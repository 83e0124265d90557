//! Every item of a paged list, page after page, checked as it goes: a walk
//! that repeats an item, skips items or sees `total` change fails with
//! [`Error::Paging`] instead of giving a wrong answer.

use std::collections::{HashSet, VecDeque};

use futures_util::Stream;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::send::Request;
use crate::{Client, Error, PagingError};

/// One page cut into what the walk needs.
pub(crate) struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
}

/// How a list pages (from its `x-pagination`).
pub(crate) struct Walk<P, T> {
    pub limit_param: &'static str,
    pub offset_param: &'static str,
    /// The item properties the list is ordered by: an item's identity.
    pub order: &'static [&'static str],
    pub split: fn(P) -> Page<T>,
}

struct State<'c, P, T> {
    client: &'c Client,
    request: Request,
    walk: Walk<P, T>,
    limit: Option<i64>,
    offset: i64,
    total: Option<i64>,
    seen: HashSet<String>,
    buffer: VecDeque<T>,
    done: bool,
}

/// An item's identity: its ordering properties, or all of it.
fn identity<T: Serialize>(item: &T, order: &[&str]) -> String {
    let value = serde_json::to_value(item).unwrap_or_default();
    if order.is_empty() {
        return value.to_string();
    }
    order
        .iter()
        .map(|k| value.get(*k).map(|v| v.to_string()).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\u{1f}")
}

impl<'c, P: DeserializeOwned, T: Serialize> State<'c, P, T> {
    fn skipped(&self, got: i64, expected: i64, total: i64) -> Error {
        PagingError::Skipped {
            offset: self.offset,
            got,
            expected,
            total,
        }
        .into()
    }

    /// The next page into the buffer; `Ok(false)` at the end.
    async fn fetch(&mut self) -> Result<bool, Error> {
        if self.done || self.total.is_some_and(|t| self.offset >= t) {
            return Ok(false);
        }
        let mut request = self.request.clone();
        request
            .query
            .retain(|(k, _)| *k != self.walk.limit_param && *k != self.walk.offset_param);
        if let Some(limit) = self.limit {
            request
                .query
                .push((self.walk.limit_param, limit.to_string()));
        }
        request
            .query
            .push((self.walk.offset_param, self.offset.to_string()));
        let page = (self.walk.split)(self.client.execute::<P>(&request).await?.value);
        if let Some(total) = self.total
            && total != page.total
        {
            return Err(PagingError::TotalChanged {
                from: total,
                to: page.total,
                offset: self.offset,
            }
            .into());
        }
        self.total = Some(page.total);
        let expected = (page.total - self.offset).max(0);
        let n = page.items.len() as i64;
        if n == 0 {
            if expected > 0 {
                return Err(self.skipped(0, expected, page.total));
            }
            self.done = true;
            return Ok(false);
        }
        if let Some(limit) = self.limit
            && n < limit.min(expected)
        {
            return Err(self.skipped(n, limit.min(expected), page.total));
        }
        for item in page.items {
            if !self.seen.insert(identity(&item, self.walk.order)) {
                return Err(PagingError::Repeated {
                    offset: self.offset,
                }
                .into());
            }
            self.buffer.push_back(item);
        }
        self.offset += n;
        Ok(true)
    }
}

/// Every item from `offset` on, at page size `limit` (the document's
/// default when `None`).
pub(crate) fn stream<'c, P, T>(
    client: &'c Client,
    request: Request,
    walk: Walk<P, T>,
    limit: Option<i64>,
    offset: i64,
) -> impl Stream<Item = Result<T, Error>> + Send + 'c
where
    P: DeserializeOwned + Send + 'c,
    T: Serialize + Send + 'c,
{
    let state = State {
        client,
        request,
        walk,
        limit,
        offset,
        total: None,
        seen: HashSet::new(),
        buffer: VecDeque::new(),
        done: false,
    };
    futures_util::stream::try_unfold(state, |mut state| async move {
        loop {
            if let Some(item) = state.buffer.pop_front() {
                return Ok(Some((item, state)));
            }
            if !state.fetch().await? {
                return Ok(None);
            }
        }
    })
}
