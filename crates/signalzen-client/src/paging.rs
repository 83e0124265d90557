//! Every item of a paged list, page after page, checked as it goes: a walk
//! that repeats an item, skips items or sees `total` change fails with
//! [`Error::Paging`] instead of giving a wrong answer.

use std::collections::VecDeque;

use futures_util::Stream;
use serde::Serialize;
use serde::de::DeserializeOwned;

use openapi_paging::{Broken, Identity, Page as Seen, PageLaws};

use crate::send::Request;
use crate::{Client, Error, PagingError};

/// One page cut into what the walk needs.
pub(crate) struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
}

/// How a list pages (from its `x-pagination`), handed in by the generated
/// method.
pub(crate) struct Paging<P, T> {
    pub limit_param: &'static str,
    pub offset_param: &'static str,
    /// The page size when none is asked (the limit parameter's default).
    pub default_limit: Option<i64>,
    /// The properties that tell items apart
    /// ([`openapi_paging::Identity::of`], chosen by the generator).
    pub identity: &'static [&'static str],
    /// The item properties the list is sorted by, ascending.
    pub order: &'static [&'static str],
    pub split: fn(P) -> Page<T>,
}

struct State<'c, P, T> {
    client: &'c Client,
    request: Request,
    paging: Paging<P, T>,
    limit: Option<i64>,
    offset: i64,
    laws: PageLaws,
    buffer: VecDeque<T>,
    done: bool,
}

impl<'c, P: DeserializeOwned, T: Serialize> State<'c, P, T> {
    /// The request for the page at the current offset.
    fn page_request(&self) -> Request {
        let mut request = self.request.clone();
        let paging = &self.paging;
        request
            .query
            .retain(|(k, _)| *k != paging.limit_param && *k != paging.offset_param);
        if let Some(limit) = self.limit {
            request.query.push((paging.limit_param, limit.to_string()));
        }
        request
            .query
            .push((paging.offset_param, self.offset.to_string()));
        request
    }

    /// The next page into the buffer; `Ok(false)` at the end.
    async fn fetch(&mut self) -> Result<bool, Error> {
        if self.done || self.laws.total().is_some_and(|t| self.offset >= t) {
            return Ok(false);
        }
        let request = self.page_request();
        let page = (self.paging.split)(self.client.execute::<P>(&request).await?.value);
        let values: Vec<serde_json::Value> = page
            .items
            .iter()
            .map(|item| serde_json::to_value(item).unwrap_or_default())
            .collect();
        let seen = Seen {
            offset: self.offset,
            limit: self.limit.or(self.paging.default_limit),
            total: Some(page.total),
            items: &values,
        };
        if let Some(error) = self
            .laws
            .page(&seen)
            .iter()
            .find_map(|b| self.error(b, page.total))
        {
            return Err(error.into());
        }
        if page.items.is_empty() {
            self.done = true;
            return Ok(false);
        }
        self.offset += page.items.len() as i64;
        self.buffer.extend(page.items);
        Ok(true)
    }

    /// The error a broken law is, for the caller; `None` for a page longer
    /// than asked: every item still arrives once, in order, so the answer
    /// is not wrong.
    fn error(&self, broken: &Broken, total: i64) -> Option<PagingError> {
        let offset = self.offset;
        Some(match *broken {
            Broken::TotalChanged { from, to } => PagingError::TotalChanged { from, to, offset },
            Broken::Repeated { .. } => PagingError::Repeated { offset },
            Broken::OutOfOrder { position, .. } => PagingError::OrderBroken {
                offset,
                position: position as i64,
            },
            Broken::Length { got, expected } if got < expected => PagingError::Skipped {
                offset,
                got,
                expected,
                total,
            },
            Broken::Empty { left } => PagingError::Skipped {
                offset,
                got: 0,
                expected: left,
                total,
            },
            Broken::Length { .. } => return None,
        })
    }
}

/// Every item from `offset` on, at page size `limit` (the document's
/// default when `None`).
pub(crate) fn stream<'c, P, T>(
    client: &'c Client,
    request: Request,
    paging: Paging<P, T>,
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
        laws: PageLaws::new(
            Identity::by(paging.identity.iter().copied()),
            paging.order.iter().map(|o| o.to_string()).collect(),
        ),
        paging,
        limit,
        offset,
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
