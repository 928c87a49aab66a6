//! Pages, and walking all of them.
//!
//! A list call returns one [`Page`]. To walk every item, turn the request
//! into a stream: it asks for `page[number] = n + 1` with the same filters
//! until the last page, fetching pages ahead of you while you consume them.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), telnyx_accounts::Error> {
//! # let mock = telnyx_accounts_mock::MockServer::start().await;
//! # let client = telnyx_accounts::Client::builder().api_key(mock.api_key()).base_url(mock.base_url()).build()?;
//! use futures::TryStreamExt;
//!
//! let mut accounts = client.managed_accounts().list().page_size(250).into_stream();
//! while let Some(account) = accounts.try_next().await? {
//!     println!("{}", account.email);
//! }
//! # Ok(()) }
//! ```
//!
//! More in [`guide::paging`](crate::guide::paging): every page with
//! `pages()`, `collect_all()`, and how `prefetch(k)` overlaps fetching with
//! your work.
//!
//! The streams are `Send + Unpin` ([`BoxStream`](futures::stream::BoxStream)), so they can be stored,
//! spawned and used with `try_next()` directly. The walk stops at the last
//! page (`page_number >= total_pages`) and on an empty page. Dropping the
//! stream cancels any request in flight.
//!
//! # A stalled walk is an error
//!
//! A server that ignores `page[number]` would repeat itself forever, so a
//! walk checks that each page's number advances past the last one
//! received. When it does not, the walk cannot reach `total_pages`, and it
//! ends with [`Error::Decode`](crate::Error::Decode) saying so: the page it asked for, the page
//! it got, and the `total_pages` the server reported (the snippet is that
//! page's `meta`). The items of the pages before come first; `collect_all`
//! returns the error, never a partial list as a success.
//!
//! # Fetching ahead, in parallel
//!
//! Items always come out in page order, but pages are fetched ahead of you,
//! several at once, each fetch a call of its own (retried, paced by the
//! client's rate limiter and counted in its
//! [`max_concurrency`](crate::ClientBuilder::max_concurrency)):
//!
//! - **By default the walk adapts**: it starts one page ahead
//!   ([`DEFAULT_PREFETCH`]), doubles how far ahead it fetches each time you
//!   had to wait for a page, up to [`DEFAULT_MAX_PREFETCH`] (16), and steps
//!   back when pages wait for you. A consumer that keeps up is then bound by
//!   the rate limit, or by `pages × round trip ÷ 16`, not by `pages × round
//!   trip`: 200 pages at 40 ms take about 0.6 s instead of 8 s. A slow
//!   consumer keeps only a page or two buffered.
//! - `.max_prefetch(k)` keeps the adaptation with another ceiling;
//!   `.prefetch(k)` fixes it: exactly `k` pages requested ahead of the one
//!   you are consuming (`0`: each page only once the previous one is used
//!   up, strictly one request at a time).
//!
//! # When accounts change during a walk
//!
//! Telnyx pages by number: page `n` is "items `(n-1)·size+1` to `n·size` of
//! the list as it is when that page is fetched". Nothing holds the list
//! still between two page fetches, sequential or parallel:
//!
//! - an item **added** before the current position (with the default sort,
//!   newest first, every new account) pushes the rest down by one: the last
//!   item of a page fetched before the change comes again at the top of the
//!   next page fetched after it (a **repeat**);
//! - an item **removed** before the current position, or that **stops
//!   matching the filter** (disabling accounts while walking
//!   `status(Enabled)`), pulls the rest up by one: an item is never seen (a
//!   **skip**).
//!
//! Fetching in parallel does not add to this (the pages of a walk are
//! fetched closer together in time, if anything), but it moves where the
//! boundary falls. **Repeats are removed by default**: the item streams
//! ([`into_stream`](crate::resources::ListManagedAccounts::into_stream),
//! `collect_all`) drop any item whose id was already yielded on the two
//! previous pages, which catches every repeat caused by fewer than two
//! pages' worth of changes between two fetches, in memory bounded by two
//! pages of ids. `.deduplicate(false)` turns it off; [`pages`](crate::resources::ListManagedAccounts::pages)
//! always gives the pages as Telnyx sent them. **Skips cannot be seen from
//! the client**: to act on every account that matches a filter while
//! changing which accounts match (disabling enabled accounts), collect the
//! ids first, then act; or repeat the walk until it comes back empty. To
//! see accounts created during a walk, sort by `created_at` ascending: they
//! are then added at the end, not before your position.
use serde::{Deserialize, Serialize};
use telnyx_accounts_gen::types as generated;

use crate::error::RateLimit;
use crate::models::{FromGenerated, ManagedAccountListing, OrganizationUser};

/// How many pages a walk fetches ahead of the consumer when it starts (it
/// then adapts, up to [`DEFAULT_MAX_PREFETCH`]; see the [module docs](self)).
pub const DEFAULT_PREFETCH: usize = 1;

/// How far ahead an adapting walk fetches at most, unless set otherwise
/// with `.max_prefetch(k)`: 16 pages in flight cover a 40 ms round trip at
/// 400 pages a second, above Telnyx's per-key rate limits, while a walk of
/// 250-item pages buffers at most about 4,000 items.
pub const DEFAULT_MAX_PREFETCH: usize = 16;

/// One page of results, with the request id and rate limit of the response
/// it came in.
///
/// Two pages are equal when their items and paging are: the response
/// metadata is not compared (nor serialized: a page read back from JSON has
/// none).
///
/// Build one with [`Page::new`] (for your tests, or a fake of this crate):
///
/// ```
/// use telnyx_accounts::{ManagedAccountListing, Page, PageMeta};
///
/// let meta = PageMeta::builder()
///     .page_number(1)
///     .page_size(20)
///     .total_pages(3)
///     .total_results(55)
///     .build();
/// let page = Page::new(vec![ManagedAccountListing::builder().email("a@example.com").build()], meta);
/// assert!(page.has_next_page());
/// assert_eq!(page.request_id(), None);
/// assert_eq!(page.into_iter().next().unwrap().email, "a@example.com");
/// ```
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Page<T> {
    /// The items of this page.
    #[serde(default, deserialize_with = "crate::models::null_as_default")]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<Vec<T>>"))]
    pub data: Vec<T>,
    /// Where this page is in the whole.
    #[serde(default, deserialize_with = "crate::models::null_as_default")]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<PageMeta>"))]
    pub meta: PageMeta,
    #[serde(skip)]
    request_id: Option<String>,
    #[serde(skip)]
    rate_limit: Option<RateLimit>,
}

impl<T: PartialEq> PartialEq for Page<T> {
    fn eq(&self, other: &Self) -> bool {
        self.data == other.data && self.meta == other.meta
    }
}

impl<T> Page<T> {
    /// A page of `data`, placed in the whole by `meta`, with no response
    /// metadata.
    pub fn new(data: Vec<T>, meta: PageMeta) -> Self {
        Self {
            data,
            meta,
            request_id: None,
            rate_limit: None,
        }
    }

    /// Whether a later page exists (this page is not empty and is not the last).
    pub fn has_next_page(&self) -> bool {
        !self.data.is_empty() && self.meta.page_number < self.meta.total_pages
    }

    /// The `x-request-id` of the response this page came in: quote it to
    /// Telnyx support.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// Telnyx's rate-limit headers on the response this page came in.
    pub fn rate_limit(&self) -> Option<&RateLimit> {
        self.rate_limit.as_ref()
    }

    /// The page with the request id and rate limit of its response.
    pub(crate) fn with_response(
        mut self,
        request_id: Option<&str>,
        rate_limit: Option<RateLimit>,
    ) -> Self {
        self.request_id = request_id.map(str::to_owned);
        self.rate_limit = rate_limit;
        self
    }
}

impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.data.into_iter()
    }
}

/// Paging information of a [`Page`] (0 where Telnyx left a field out or
/// sent `null`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(default)]
#[non_exhaustive]
pub struct PageMeta {
    /// This page's number, from 1.
    #[serde(deserialize_with = "crate::models::null_as_default")]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<u64>"))]
    pub page_number: u64,
    /// The page size used.
    #[serde(deserialize_with = "crate::models::null_as_default")]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<u64>"))]
    pub page_size: u64,
    /// How many pages there are.
    #[serde(deserialize_with = "crate::models::null_as_default")]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<u64>"))]
    pub total_pages: u64,
    /// How many items there are across all pages.
    #[serde(deserialize_with = "crate::models::null_as_default")]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<u64>"))]
    pub total_results: u64,
}

impl PageMeta {
    /// A builder, starting from zeros.
    ///
    /// ```
    /// use telnyx_accounts::PageMeta;
    ///
    /// let meta = PageMeta::builder().page_number(2).page_size(25).total_pages(3).total_results(55).build();
    /// assert_eq!(meta.total_results, 55);
    /// ```
    pub fn builder() -> PageMetaBuilder {
        PageMetaBuilder::default()
    }
}

/// Builds a [`PageMeta`]; see [`PageMeta::builder`].
#[derive(Debug, Clone, Default)]
#[must_use = "call `build()` to get the PageMeta"]
pub struct PageMetaBuilder {
    inner: PageMeta,
}

impl PageMetaBuilder {
    /// Sets [`page_number`](PageMeta::page_number).
    pub fn page_number(mut self, value: u64) -> Self {
        self.inner.page_number = value;
        self
    }

    /// Sets [`page_size`](PageMeta::page_size).
    pub fn page_size(mut self, value: u64) -> Self {
        self.inner.page_size = value;
        self
    }

    /// Sets [`total_pages`](PageMeta::total_pages).
    pub fn total_pages(mut self, value: u64) -> Self {
        self.inner.total_pages = value;
        self
    }

    /// Sets [`total_results`](PageMeta::total_results).
    pub fn total_results(mut self, value: u64) -> Self {
        self.inner.total_results = value;
        self
    }

    /// The [`PageMeta`].
    pub fn build(self) -> PageMeta {
        self.inner
    }
}

impl FromGenerated<generated::PaginationMeta> for PageMeta {
    fn from_generated(m: generated::PaginationMeta) -> Self {
        Self::from_parts(m.page_number, m.page_size, m.total_pages, m.total_results)
    }
}

impl FromGenerated<generated::UsersPaginationMeta> for PageMeta {
    fn from_generated(m: generated::UsersPaginationMeta) -> Self {
        Self::from_parts(m.page_number, m.page_size, m.total_pages, m.total_results)
    }
}

impl FromGenerated<generated::ManagedAccountMultiListingPage> for Page<ManagedAccountListing> {
    fn from_generated(page: generated::ManagedAccountMultiListingPage) -> Self {
        Self::new(
            page.data
                .into_iter()
                .map(ManagedAccountListing::from_generated)
                .collect(),
            page.meta.map(PageMeta::from_generated).unwrap_or_default(),
        )
    }
}

/// A users page. `include_groups` says whether groups were asked for
/// (absent and empty look alike on the wire).
pub(crate) fn users_page(
    page: generated::OrganizationUserPage,
    include_groups: bool,
) -> Page<OrganizationUser> {
    Page::new(
        page.data
            .into_iter()
            .map(|u| OrganizationUser::from_gen(u, include_groups))
            .collect(),
        page.meta.map(PageMeta::from_generated).unwrap_or_default(),
    )
}

impl PageMeta {
    fn from_parts(
        page_number: Option<i64>,
        page_size: Option<i64>,
        total_pages: Option<i64>,
        total_results: Option<i64>,
    ) -> Self {
        let n = |v: Option<i64>| v.and_then(|v| u64::try_from(v).ok()).unwrap_or(0);
        Self {
            page_number: n(page_number),
            page_size: n(page_size),
            total_pages: n(total_pages),
            total_results: n(total_results),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `assert_eq!` on two pages compares: the items and the paging,
    /// each of them.
    #[test]
    fn pages_are_equal_when_their_items_and_paging_are() {
        let meta = |n| PageMeta::builder().page_number(n).page_size(1).build();
        assert_eq!(Page::new(vec![7], meta(1)), Page::new(vec![7], meta(1)));
        assert_ne!(Page::new(vec![7], meta(1)), Page::new(vec![8], meta(1)));
        assert_ne!(Page::new(vec![7], meta(1)), Page::new(vec![7], meta(2)));
    }
}
