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
//! The streams are `Send + Unpin` ([`BoxStream`]), so they can be stored,
//! spawned and used with `try_next()` directly. The walk stops at the last
//! page (`page_number >= total_pages`) and on an empty page. Dropping the
//! stream cancels any request in flight.
//!
//! # A stalled walk is an error
//!
//! A server that ignores `page[number]` would repeat itself forever, so a
//! walk checks that each page's number advances past the last one
//! received. When it does not, the walk cannot reach `total_pages`, and it
//! ends with [`Error::Decode`] saying so: the page it asked for, the page
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
use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::hash::Hash;
use std::pin::Pin;

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};
use telnyx_accounts_gen::types as generated;
use tracing::Instrument;

use crate::error::{DecodeError, Error, RateLimit, Result};
use crate::models::{FromGenerated, ManagedAccountListing, OrganizationUser};
use crate::response::ResponseMeta;

/// How many pages a walk fetches ahead of the consumer when it starts (it
/// then adapts, up to [`DEFAULT_MAX_PREFETCH`]; see the [module docs](self)).
pub const DEFAULT_PREFETCH: usize = 1;

/// How far ahead an adapting walk fetches at most, unless set otherwise
/// with `.max_prefetch(k)`: 16 pages in flight cover a 40 ms round trip at
/// 400 pages a second, above Telnyx's per-key rate limits, while a walk of
/// 250-item pages buffers at most about 4,000 items.
pub const DEFAULT_MAX_PREFETCH: usize = 16;

/// How far ahead a walk fetches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Prefetch {
    /// Exactly this many pages ahead.
    Fixed(usize),
    /// From [`DEFAULT_PREFETCH`] up to this many, as the consumer keeps up.
    Adaptive(usize),
}

impl Default for Prefetch {
    fn default() -> Self {
        Prefetch::Adaptive(DEFAULT_MAX_PREFETCH)
    }
}

/// What the paging options of a list builder hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WalkOptions {
    pub(crate) prefetch: Prefetch,
    pub(crate) deduplicate: bool,
}

impl Default for WalkOptions {
    fn default() -> Self {
        Self {
            prefetch: Prefetch::default(),
            deduplicate: true,
        }
    }
}

/// An item with an id, by which repeats are recognised.
pub(crate) trait Keyed {
    type Key: Eq + Hash + Send + 'static;
    fn key(&self) -> Self::Key;
}

impl Keyed for ManagedAccountListing {
    type Key = uuid::Uuid;
    fn key(&self) -> uuid::Uuid {
        self.id
    }
}

impl Keyed for OrganizationUser {
    type Key = String;
    fn key(&self) -> String {
        self.id.clone()
    }
}

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
    pub(crate) fn with_response(mut self, response: &ResponseMeta) -> Self {
        self.request_id = response.request_id().map(str::to_owned);
        self.rate_limit = response.rate_limit;
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

pub(crate) type PageFuture<T> = Pin<Box<dyn Future<Output = Result<Page<T>>> + Send>>;

/// A list request that can fetch any page of itself.
pub(crate) trait PagedRequest: Clone + Send + Sync + 'static {
    /// The item type.
    type Item: Keyed + Send + 'static;
    /// The page the caller asked to start from (default 1).
    fn first_page(&self) -> u64;
    /// Fetches page `number` with this request's filters.
    fn fetch_page(&self, number: u64) -> PageFuture<Self::Item>;
}

/// A page fetch spawned ahead of the consumer; aborted when dropped.
struct Prefetched<T> {
    number: u64,
    handle: tokio::task::JoinHandle<Result<Page<T>>>,
}

impl<T> Drop for Prefetched<T> {
    fn drop(&mut self) {
        self.handle.abort();
    }
}

struct Walk<R: PagedRequest> {
    request: R,
    /// Pages to keep requested ahead of the consumer now.
    prefetch: usize,
    /// The most `prefetch` may grow to, when adapting.
    adaptive: Option<usize>,
    /// The next page number not yet requested.
    next_to_request: u64,
    /// Requests in flight, in page order.
    in_flight: VecDeque<Prefetched<R::Item>>,
    /// The last page number received, for the no-advance guard.
    last_received: Option<u64>,
    /// The total pages the last page reported.
    total_pages: Option<u64>,
    done: bool,
}

impl<R: PagedRequest> Walk<R> {
    /// Requests pages ahead, up to `prefetch`, never past the known last page.
    fn fill(&mut self) {
        let Some(total) = self.total_pages else {
            return;
        };
        while self.in_flight.len() < self.prefetch && self.next_to_request <= total {
            let number = self.next_to_request;
            let fut = self.request.fetch_page(number);
            // The fetch runs in its own task, so it progresses while the
            // consumer works; it reports under the consumer's span.
            let fut = fut.instrument(tracing::Span::current());
            self.in_flight.push_back(Prefetched {
                number,
                handle: tokio::spawn(fut),
            });
            self.next_to_request += 1;
        }
    }

    async fn next_page(&mut self) -> Option<Result<Page<R::Item>>> {
        if self.done {
            return None;
        }
        let (number, result) = match self.in_flight.pop_front() {
            Some(mut p) => {
                if let Some(max) = self.adaptive {
                    if !p.handle.is_finished() {
                        // The consumer waits for this page: fetch further ahead.
                        self.prefetch = (self.prefetch * 2).clamp(1, max.max(1));
                    } else if self
                        .in_flight
                        .back()
                        .is_some_and(|last| last.handle.is_finished())
                    {
                        // Every page asked for is already here: the consumer
                        // is the slower side; buffer fewer.
                        self.prefetch = self.prefetch.saturating_sub(1).max(1);
                    }
                }
                let number = p.number;
                let result = match (&mut p.handle).await {
                    Ok(result) => result,
                    // A panic in the fetch (a bug, or a panicking hook) is
                    // raised in the consumer's task, as it would have been
                    // without prefetching; a fetch cancelled with its
                    // runtime is made again here.
                    Err(e) => match e.try_into_panic() {
                        Ok(payload) => std::panic::resume_unwind(payload),
                        Err(_) => self.request.fetch_page(number).await,
                    },
                };
                (number, result)
            }
            None => {
                let number = self.next_to_request;
                self.next_to_request += 1;
                (number, self.request.fetch_page(number).await)
            }
        };
        let page = match result {
            Ok(page) => page,
            Err(e) => {
                // The walk ends here: stop the fetches ahead of it too.
                self.done = true;
                self.in_flight.clear();
                return Some(Err(e));
            }
        };
        // A server that ignores page[number] would loop forever: stop when
        // the page number does not advance past the last one received. The
        // walk cannot reach the last page then, so it ends with an error,
        // not with a success that holds part of the list.
        let reported = if page.meta.page_number == 0 {
            number
        } else {
            page.meta.page_number
        };
        if let Some(last) = self.last_received.filter(|&last| reported <= last) {
            tracing::warn!(
                requested = number,
                received = reported,
                total_pages = page.meta.total_pages,
                "page number did not advance; the walk ends with an error"
            );
            self.done = true;
            self.in_flight.clear();
            return Some(Err(stalled(number, reported, last, &page)));
        }
        self.last_received = Some(reported);
        if !page.has_next_page() {
            self.done = true;
            self.in_flight.clear();
        } else {
            self.total_pages = Some(page.meta.total_pages);
            self.fill();
        }
        if page.data.is_empty() {
            return None;
        }
        Some(Ok(page))
    }
}

/// The error of a walk whose page number did not advance: it asked for
/// page `asked`, got page `got` after page `last`, and cannot reach the
/// `total_pages` the server reported. A [`Error::Decode`] of that page
/// (a 2xx whose paging does not fit the walk), its snippet the page's
/// `meta`.
fn stalled<T>(asked: u64, got: u64, last: u64, page: &Page<T>) -> Error {
    let total = page.meta.total_pages;
    Error::Decode(DecodeError {
        status: 200,
        message: format!(
            "the page walk stalled: asked for page {asked}, got page {got} again, \
             of total_pages {total} the server reported (the last page received was {last}); \
             the walk cannot reach the last page"
        ),
        snippet: serde_json::to_string(&page.meta)
            .map(|meta| format!(r#"{{"meta":{meta}}}"#))
            .unwrap_or_default(),
        request_id: page.request_id.clone(),
        headers: Box::default(),
    })
}

/// Every page of `request`, from its first page on.
pub(crate) fn pages<R: PagedRequest>(
    request: R,
    prefetch: Prefetch,
) -> BoxStream<'static, Result<Page<R::Item>>> {
    let (prefetch, adaptive) = match prefetch {
        Prefetch::Fixed(k) => (k, None),
        Prefetch::Adaptive(max) => (DEFAULT_PREFETCH.min(max), Some(max)),
    };
    let walk = Walk {
        next_to_request: request.first_page(),
        request,
        prefetch,
        adaptive,
        in_flight: VecDeque::new(),
        last_received: None,
        total_pages: None,
        done: false,
    };
    stream::unfold(walk, |mut walk| async move {
        let item = walk.next_page().await?;
        Some((item, walk))
    })
    .boxed()
}

/// Every item of every page of `request`, repeats dropped if asked.
pub(crate) fn items<R: PagedRequest>(
    request: R,
    options: WalkOptions,
) -> BoxStream<'static, Result<R::Item>> {
    let mut recent = options.deduplicate.then(Recent::default);
    pages(request, options.prefetch)
        .map_ok(move |page| {
            let data = match recent.as_mut() {
                Some(recent) => recent.drop_repeats(page.data),
                None => page.data,
            };
            stream::iter(data.into_iter().map(Ok))
        })
        .try_flatten()
        .boxed()
}

/// The ids of the last two pages yielded.
struct Recent<K> {
    last: HashSet<K>,
    before: HashSet<K>,
}

impl<K> Default for Recent<K> {
    fn default() -> Self {
        Self {
            last: HashSet::new(),
            before: HashSet::new(),
        }
    }
}

impl<K: Eq + Hash> Recent<K> {
    /// The items of a page whose ids were not on the two pages before it
    /// (nor earlier on this page).
    fn drop_repeats<T: Keyed<Key = K>>(&mut self, data: Vec<T>) -> Vec<T> {
        let total = data.len();
        let mut this = HashSet::with_capacity(total);
        let kept: Vec<T> = data
            .into_iter()
            .filter(|item| {
                let key = item.key();
                let earlier = self.last.contains(&key) || self.before.contains(&key);
                let first_here = this.insert(key);
                !earlier && first_here
            })
            .collect();
        if kept.len() < total {
            tracing::debug!(
                repeats = total - kept.len(),
                "dropped items already yielded on an earlier page (the list changed during the walk)"
            );
        }
        self.before = std::mem::replace(&mut self.last, this);
        kept
    }
}

/// The paging half of a list builder (which has `params.page_number`,
/// `params.page_size` and `walk` fields and an `async fn send`):
/// page options, the streams, `PagedRequest` and `IntoFuture`.
macro_rules! paged_request {
    ($builder:ident => $item:ty, $noun:literal, default page size $default:literal) => {
        impl $builder {
            /// The page to fetch, from 1: `page[number]`. Streams start here.
            pub fn page_number(mut self, number: u32) -> Self {
                self.params.page_number = Some(number);
                self
            }

            #[doc = concat!("Items per page, 1 to 250 (Telnyx's default: ", $default, "): `page[size]`.")]
            pub fn page_size(mut self, size: u32) -> Self {
                self.params.page_size = Some(size);
                self
            }

            /// Fetches exactly `pages` pages ahead of the one being consumed
            /// (0: each page only once the previous one is used up, one
            /// request at a time), instead of adapting (the default: from 1
            /// up to [`DEFAULT_MAX_PREFETCH`](crate::pagination::DEFAULT_MAX_PREFETCH)).
            /// See [`crate::pagination`].
            pub fn prefetch(mut self, pages: usize) -> Self {
                self.walk.prefetch = $crate::pagination::Prefetch::Fixed(pages);
                self
            }

            /// Adapts how far ahead streams fetch (the default), up to
            /// `pages` pages instead of
            /// [`DEFAULT_MAX_PREFETCH`](crate::pagination::DEFAULT_MAX_PREFETCH):
            /// one page ahead at first, twice as far each time the consumer
            /// had to wait. See [`crate::pagination`].
            ///
            /// ```no_run
            /// # async fn run(client: telnyx_accounts::Client) -> Result<(), telnyx_accounts::Error> {
            /// use futures::TryStreamExt;
            ///
            /// // Up to 32 pages of 250 in flight for a fast consumer.
            /// let n = client
            ///     .managed_accounts()
            ///     .list()
            ///     .page_size(250)
            ///     .max_prefetch(32)
            ///     .into_stream()
            ///     .try_fold(0, |n, _| async move { Ok(n + 1) })
            ///     .await?;
            /// # let _: usize = n; Ok(()) }
            /// ```
            pub fn max_prefetch(mut self, pages: usize) -> Self {
                self.walk.prefetch = $crate::pagination::Prefetch::Adaptive(pages);
                self
            }

            #[doc = concat!("Whether the item streams drop a ", $noun, " already yielded on one of the")]
            /// two previous pages (default `true`): the repeats that
            /// page-number paging produces when items are added during the
            /// walk. See [`crate::pagination`].
            pub fn deduplicate(mut self, on: bool) -> Self {
                self.walk.deduplicate = on;
                self
            }

            #[doc = concat!("Every ", $noun, " of every page, from [`page_number`](Self::page_number)")]
            /// (default 1) to the last, with this request's filters, in page
            /// order, repeats dropped (see [`deduplicate`](Self::deduplicate)).
            pub fn into_stream(self) -> ::futures::stream::BoxStream<'static, $crate::Result<$item>> {
                let walk = self.walk;
                $crate::pagination::items(self, walk)
            }

            /// Every page, whole, as Telnyx sent it (no de-duplication).
            pub fn pages(
                self,
            ) -> ::futures::stream::BoxStream<'static, $crate::Result<$crate::Page<$item>>> {
                let prefetch = self.walk.prefetch;
                $crate::pagination::pages(self, prefetch)
            }

            #[doc = concat!("Every ", $noun, " of every page, collected. Prefer")]
            /// [`into_stream`](Self::into_stream) for large organizations.
            pub async fn collect_all(self) -> $crate::Result<Vec<$item>> {
                ::futures::TryStreamExt::try_collect(self.into_stream()).await
            }
        }

        impl $crate::pagination::PagedRequest for $builder {
            type Item = $item;

            fn first_page(&self) -> u64 {
                u64::from(self.params.page_number.unwrap_or(1))
            }

            fn fetch_page(&self, number: u64) -> $crate::pagination::PageFuture<$item> {
                let mut request = self.clone();
                request.params.page_number = Some(u32::try_from(number).unwrap_or(u32::MAX));
                Box::pin(request.send())
            }
        }

        $crate::request::sends!($builder => $crate::Page<$item>);
    };
}

pub(crate) use paged_request;

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    use futures::FutureExt;

    use super::*;
    use crate::error::Error;

    /// What `assert_eq!` on two pages compares: the items and the paging,
    /// each of them.
    #[test]
    fn pages_are_equal_when_their_items_and_paging_are() {
        let meta = |n| PageMeta::builder().page_number(n).page_size(1).build();
        assert_eq!(Page::new(vec![7], meta(1)), Page::new(vec![7], meta(1)));
        assert_ne!(Page::new(vec![7], meta(1)), Page::new(vec![8], meta(1)));
        assert_ne!(Page::new(vec![7], meta(1)), Page::new(vec![7], meta(2)));
    }

    /// Ten pages of one item; page 2 fails (or panics); page 3 never
    /// finishes and records whether its fetch was dropped.
    #[derive(Clone)]
    struct Scripted {
        panic_on_2: bool,
        page_3_dropped: Arc<AtomicBool>,
    }

    struct SetOnDrop(Arc<AtomicBool>);

    impl Keyed for u64 {
        type Key = u64;
        fn key(&self) -> u64 {
            *self
        }
    }

    impl Drop for SetOnDrop {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    impl PagedRequest for Scripted {
        type Item = u64;

        fn first_page(&self) -> u64 {
            1
        }

        fn fetch_page(&self, number: u64) -> PageFuture<u64> {
            let this = self.clone();
            Box::pin(async move {
                match number {
                    2 if this.panic_on_2 => panic!("a hook panicked"),
                    2 => Err(Error::invalid("page", "scripted failure")),
                    3 => {
                        let _guard = SetOnDrop(Arc::clone(&this.page_3_dropped));
                        futures::future::pending::<()>().await;
                        unreachable!()
                    }
                    n => Ok(Page::new(
                        vec![n],
                        PageMeta {
                            page_number: n,
                            page_size: 1,
                            total_pages: 10,
                            total_results: 10,
                        },
                    )),
                }
            })
        }
    }

    #[test]
    fn repeats_from_the_two_previous_pages_are_dropped() {
        let mut r = Recent::default();
        assert_eq!(r.drop_repeats(vec![1u64, 2, 3]), [1, 2, 3]);
        assert_eq!(r.drop_repeats(vec![3, 4, 5]), [4, 5]);
        // 2 is from two pages back; 6 comes twice on this page.
        assert_eq!(r.drop_repeats(vec![2, 6, 6, 7]), [6, 7]);
        // 3 came on the page before last (as a repeat): still known.
        assert_eq!(r.drop_repeats(vec![3, 8]), [8]);
        // 1 is four pages back: memory is bounded to two pages.
        assert_eq!(r.drop_repeats(vec![1, 9]), [1, 9]);
    }

    /// A consumer that never waits (every page already there) keeps the
    /// walk one page ahead; one that always waits doubles it to the ceiling.
    #[tokio::test]
    async fn adaptive_prefetch_doubles_while_the_consumer_waits() {
        use std::sync::atomic::AtomicUsize;

        /// Records each fetch with how many were running when it began.
        #[derive(Clone)]
        struct Slow(Arc<std::sync::Mutex<Vec<(u64, usize)>>>, Arc<AtomicUsize>);
        impl PagedRequest for Slow {
            type Item = u64;
            fn first_page(&self) -> u64 {
                1
            }
            fn fetch_page(&self, number: u64) -> PageFuture<u64> {
                let this = self.clone();
                Box::pin(async move {
                    let now = this.1.fetch_add(1, Ordering::SeqCst) + 1;
                    this.0.lock().unwrap().push((number, now));
                    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                    this.1.fetch_sub(1, Ordering::SeqCst);
                    Ok(Page::new(
                        vec![number],
                        PageMeta {
                            page_number: number,
                            page_size: 1,
                            total_pages: 60,
                            total_results: 60,
                        },
                    ))
                })
            }
        }
        let log = Arc::new(std::sync::Mutex::new(Vec::new()));
        let request = Slow(Arc::clone(&log), Arc::default());
        let walk = items(
            request,
            WalkOptions {
                prefetch: Prefetch::Adaptive(8),
                deduplicate: true,
            },
        )
        .try_collect::<Vec<u64>>();
        // This fake has a page for every number: a walk that missed the
        // last page would never end. Fail instead of hanging.
        let items = tokio::time::timeout(std::time::Duration::from_secs(20), walk)
            .await
            .expect("the walk ends at page 60")
            .unwrap();
        assert_eq!(items, (1..=60).collect::<Vec<_>>(), "in page order");
        let peak = log.lock().unwrap().iter().map(|(_, n)| *n).max().unwrap();
        assert_eq!(peak, 8, "grew to the ceiling and no further");
    }

    #[tokio::test]
    async fn a_page_error_stops_the_fetches_ahead_of_it() {
        let dropped = Arc::new(AtomicBool::new(false));
        let request = Scripted {
            panic_on_2: false,
            page_3_dropped: Arc::clone(&dropped),
        };
        let mut walk = pages(request, Prefetch::Fixed(3));
        assert_eq!(walk.try_next().await.unwrap().unwrap().data, vec![1]);
        assert!(matches!(
            walk.try_next().await,
            Err(Error::InvalidRequest(_))
        ));
        // The stream is still held: the fetch of page 3 must be gone anyway.
        for _ in 0..100 {
            if dropped.load(Ordering::SeqCst) {
                break;
            }
            tokio::task::yield_now().await;
        }
        assert!(
            dropped.load(Ordering::SeqCst),
            "page 3 is still being fetched"
        );
        assert!(walk.try_next().await.unwrap().is_none());
    }

    #[tokio::test]
    async fn a_panic_in_a_prefetch_task_reaches_the_consumer_as_a_panic() {
        let request = Scripted {
            panic_on_2: true,
            page_3_dropped: Arc::default(),
        };
        let mut walk = pages(request, Prefetch::Fixed(2));
        assert_eq!(walk.try_next().await.unwrap().unwrap().data, vec![1]);
        let next = std::panic::AssertUnwindSafe(walk.try_next())
            .catch_unwind()
            .await;
        let payload = next.expect_err("the fetch panicked: not a network error");
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"a hook panicked"));
    }
}
