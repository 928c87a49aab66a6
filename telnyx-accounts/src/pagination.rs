//! Pages, and walking all of them.
//!
//! A list call returns one [`Page`]. To walk every item, turn the request
//! into a stream: it asks for `page[number] = n + 1` with the same filters
//! until the last page, and fetches the next page while you consume this one
//! (one page ahead by default; see `prefetch`).
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
//! spawned and used with `try_next()` directly. The walk stops at the last page (`page_number >= total_pages`), on an
//! empty page, and, as a guard against a server that repeats itself, when a
//! page's number does not advance. Dropping the stream cancels any request
//! in flight.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};
use telnyx_accounts_gen::types as gen;
use tracing::Instrument;

use crate::error::{RateLimit, Result};
use crate::models::{ManagedAccountListing, OrganizationUser};
use crate::response::ResponseMeta;

/// The default number of pages fetched ahead of the consumer.
pub const DEFAULT_PREFETCH: usize = 1;

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

impl From<gen::PaginationMeta> for PageMeta {
    fn from(m: gen::PaginationMeta) -> Self {
        Self::from_parts(m.page_number, m.page_size, m.total_pages, m.total_results)
    }
}

impl From<gen::UsersPaginationMeta> for PageMeta {
    fn from(m: gen::UsersPaginationMeta) -> Self {
        Self::from_parts(m.page_number, m.page_size, m.total_pages, m.total_results)
    }
}

impl From<gen::ManagedAccountMultiListingPage> for Page<ManagedAccountListing> {
    fn from(page: gen::ManagedAccountMultiListingPage) -> Self {
        Self::new(
            page.data
                .into_iter()
                .map(ManagedAccountListing::from)
                .collect(),
            page.meta.map(PageMeta::from).unwrap_or_default(),
        )
    }
}

/// A users page. `include_groups` says whether groups were asked for
/// (absent and empty look alike on the wire).
pub(crate) fn users_page(
    page: gen::OrganizationUserPage,
    include_groups: bool,
) -> Page<OrganizationUser> {
    Page::new(
        page.data
            .into_iter()
            .map(|u| OrganizationUser::from_gen(u, include_groups))
            .collect(),
        page.meta.map(PageMeta::from).unwrap_or_default(),
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
    type Item: Send + 'static;
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
    prefetch: usize,
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
        // the page number does not advance past the last one received.
        let reported = if page.meta.page_number == 0 {
            number
        } else {
            page.meta.page_number
        };
        if self.last_received.is_some_and(|last| reported <= last) {
            tracing::warn!(
                requested = number,
                received = reported,
                "page number did not advance; stopping the walk"
            );
            self.done = true;
            return None;
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

/// Every page of `request`, from its first page on.
pub(crate) fn pages<R: PagedRequest>(
    request: R,
    prefetch: usize,
) -> BoxStream<'static, Result<Page<R::Item>>> {
    let walk = Walk {
        next_to_request: request.first_page(),
        request,
        prefetch,
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

/// Every item of every page of `request`.
pub(crate) fn items<R: PagedRequest>(
    request: R,
    prefetch: usize,
) -> BoxStream<'static, Result<R::Item>> {
    pages(request, prefetch)
        .map_ok(|page| stream::iter(page.data.into_iter().map(Ok)))
        .try_flatten()
        .boxed()
}

/// The paging half of a list builder (which has `params.page_number`,
/// `params.page_size` and `prefetch` fields and an `async fn send`):
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

            /// How many pages streams fetch ahead of the consumer (default 1;
            /// 0 fetches each page only when the previous one is used up).
            pub fn prefetch(mut self, pages: usize) -> Self {
                self.prefetch = pages;
                self
            }

            #[doc = concat!("Every ", $noun, " of every page, from [`page_number`](Self::page_number)")]
            /// (default 1) to the last, with this request's filters.
            pub fn into_stream(self) -> ::futures::stream::BoxStream<'static, $crate::Result<$item>> {
                let prefetch = self.prefetch;
                $crate::pagination::items(self, prefetch)
            }

            /// Every page, whole.
            pub fn pages(
                self,
            ) -> ::futures::stream::BoxStream<'static, $crate::Result<$crate::Page<$item>>> {
                let prefetch = self.prefetch;
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

    /// Ten pages of one item; page 2 fails (or panics); page 3 never
    /// finishes and records whether its fetch was dropped.
    #[derive(Clone)]
    struct Scripted {
        panic_on_2: bool,
        page_3_dropped: Arc<AtomicBool>,
    }

    struct SetOnDrop(Arc<AtomicBool>);

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

    #[tokio::test]
    async fn a_page_error_stops_the_fetches_ahead_of_it() {
        let dropped = Arc::new(AtomicBool::new(false));
        let request = Scripted {
            panic_on_2: false,
            page_3_dropped: Arc::clone(&dropped),
        };
        let mut walk = pages(request, 3);
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
        let mut walk = pages(request, 2);
        assert_eq!(walk.try_next().await.unwrap().unwrap().data, vec![1]);
        let next = std::panic::AssertUnwindSafe(walk.try_next())
            .catch_unwind()
            .await;
        let payload = next.expect_err("the fetch panicked: not a network error");
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"a hook panicked"));
    }
}
