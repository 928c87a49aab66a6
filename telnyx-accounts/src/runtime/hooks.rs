//! Hooks: your code, run before and after every attempt of every call.
//!
//! A [`Hook`] registered with [`ClientBuilder::hook`] sees each attempt as it
//! goes out (and may add or change its headers), and each attempt's outcome:
//! status, headers, time taken, the error if there was one, and whether a
//! retry follows. Hooks run in the order they were registered, on every
//! attempt (retries included) of every operation, the CSV report included.
//! They are synchronous and run on the request's task: keep them short.
//!
//! The `Authorization` header is the client's: a hook sees it as
//! `[REDACTED]`, and whatever a hook writes there is replaced by the real
//! credentials after the hooks ran.
//!
//! [`RequestCounter`] is a ready-made hook that counts attempts, retries and
//! statuses for a service's metrics:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), telnyx_accounts::Error> {
//! # let mock = telnyx_accounts_mock::MockServer::start().await;
//! use telnyx_accounts::hooks::{AttemptRequest, Hook, RequestCounter};
//! use telnyx_accounts::Client;
//!
//! /// Tags every attempt with the service's name.
//! struct Tag;
//! impl Hook for Tag {
//!     fn before_attempt(&self, request: &mut AttemptRequest<'_>) {
//!         request.headers_mut().insert("x-calling-service", "billing-sync".parse().unwrap());
//!     }
//! }
//!
//! let counter = RequestCounter::new();
//! let client = Client::builder()
//!     .api_key(mock.api_key())
//!     .base_url(mock.base_url())
//!     .hook(Tag)
//!     .hook(counter.clone())
//!     .build()?;
//! client.managed_accounts().list().await?;
//! let counts = counter.snapshot();
//! assert_eq!((counts.attempts, counts.retries), (1, 0));
//! assert_eq!(counts.statuses.get(&200), Some(&1));
//! assert_eq!(mock.requests()[0].header("x-calling-service"), Some("billing-sync"));
//! # Ok(()) }
//! ```
//!
//! [`ClientBuilder::hook`]: crate::ClientBuilder::hook

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::header::HeaderMap;

use crate::error::ApiErrorKind;

/// Code run before and after every attempt. Both methods do nothing unless
/// implemented.
pub trait Hook: Send + Sync + 'static {
    /// Called before each attempt, with the request about to go out.
    fn before_attempt(&self, request: &mut AttemptRequest<'_>) {
        let _ = request;
    }

    /// Called after each attempt, with what came of it.
    fn after_attempt(&self, outcome: &AttemptOutcome<'_>) {
        let _ = outcome;
    }
}

/// Which attempt of which operation: what both hook methods see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct AttemptInfo {
    /// The official operationId, e.g. `ListManagedAccounts`.
    pub operation: &'static str,
    /// The HTTP method, e.g. `GET`.
    pub method: &'static str,
    /// The path template, e.g. `/managed_accounts/{id}` (never the ids).
    pub path: &'static str,
    /// The attempt number, 1 for the first.
    pub attempt: u32,
    /// How long this attempt waited for a free slot before it was sent
    /// ([`ClientBuilder::max_concurrency`](crate::ClientBuilder::max_concurrency));
    /// zero when one was free.
    pub concurrency_wait: Duration,
    /// How long this attempt waited for the client's rate limiter before it
    /// was sent (Telnyx's rate limit used up, a 429 holding every task, or
    /// the client's first response not yet in; see
    /// [`ClientBuilder::pacing`](crate::ClientBuilder::pacing));
    /// zero when it went at once.
    pub rate_limit_wait: Duration,
}

/// An attempt about to be sent, as a [`Hook`] sees it.
#[derive(Debug)]
pub struct AttemptRequest<'a> {
    pub(crate) info: AttemptInfo,
    pub(crate) headers: &'a mut HeaderMap,
}

impl AttemptRequest<'_> {
    /// Which attempt of which operation.
    pub fn info(&self) -> &AttemptInfo {
        &self.info
    }

    /// The request's headers (`Authorization` shows as `[REDACTED]`).
    pub fn headers(&self) -> &HeaderMap {
        self.headers
    }

    /// The request's headers, to add or change one. `Authorization` is
    /// restored to the client's credentials after the hooks ran.
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        self.headers
    }
}

/// What went wrong with an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AttemptError {
    /// The attempt ran out of time (its timeout, or the call's deadline).
    Timeout,
    /// The network failed; `before_send` when nothing was sent.
    Connection {
        /// True when the connection failed before the request was sent.
        before_send: bool,
    },
    /// Telnyx answered with a non-2xx status.
    Api(ApiErrorKind),
}

/// An attempt's outcome, as a [`Hook`] sees it.
#[derive(Debug)]
#[non_exhaustive]
pub struct AttemptOutcome<'a> {
    /// Which attempt of which operation.
    pub info: AttemptInfo,
    /// The response status, when a response came.
    pub status: Option<u16>,
    /// The response headers, when a response came.
    pub headers: Option<&'a HeaderMap>,
    /// From sending the attempt to its outcome (the body read included).
    pub elapsed: Duration,
    /// What went wrong, if anything.
    pub error: Option<AttemptError>,
    /// The wait before the next attempt, when the call will be retried.
    pub retry_in: Option<Duration>,
}

/// A hook counting attempts, retries, statuses and network failures, across
/// every clone of the client it is registered with; export its
/// [`snapshot`](Self::snapshot) as metrics.
///
/// Clones share their counts: keep one clone, register the other.
#[derive(Clone, Default)]
pub struct RequestCounter {
    counts: Arc<Counts>,
}

#[derive(Default)]
struct Counts {
    attempts: AtomicU64,
    retries: AtomicU64,
    timeouts: AtomicU64,
    connection_errors: AtomicU64,
    rate_limit_waits: AtomicU64,
    rate_limit_wait_nanos: AtomicU64,
    statuses: Mutex<BTreeMap<u16, u64>>,
}

/// The counts of a [`RequestCounter`] at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestCounts {
    /// Attempts sent (retries included).
    pub attempts: u64,
    /// Attempts that were followed by a retry.
    pub retries: u64,
    /// Attempts that timed out.
    pub timeouts: u64,
    /// Attempts whose connection failed.
    pub connection_errors: u64,
    /// Attempts that waited for the client's rate limiter before they were
    /// sent ([`AttemptInfo::rate_limit_wait`] above zero).
    pub rate_limit_waits: u64,
    /// The time those attempts waited, added up.
    pub rate_limit_wait_time: Duration,
    /// Responses by status (`statuses.get(&429)`: the 429s received).
    pub statuses: BTreeMap<u16, u64>,
}

impl RequestCounter {
    /// A counter at zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// The counts so far.
    pub fn snapshot(&self) -> RequestCounts {
        let c = &self.counts;
        RequestCounts {
            attempts: c.attempts.load(Ordering::Relaxed),
            retries: c.retries.load(Ordering::Relaxed),
            timeouts: c.timeouts.load(Ordering::Relaxed),
            connection_errors: c.connection_errors.load(Ordering::Relaxed),
            rate_limit_waits: c.rate_limit_waits.load(Ordering::Relaxed),
            rate_limit_wait_time: Duration::from_nanos(
                c.rate_limit_wait_nanos.load(Ordering::Relaxed),
            ),
            statuses: c
                .statuses
                .lock()
                .map(|s| s.clone())
                .unwrap_or_else(|poisoned| poisoned.into_inner().clone()),
        }
    }
}

impl fmt::Debug for RequestCounter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RequestCounter")
            .field(&self.snapshot())
            .finish()
    }
}

impl Hook for RequestCounter {
    fn after_attempt(&self, outcome: &AttemptOutcome<'_>) {
        let c = &self.counts;
        c.attempts.fetch_add(1, Ordering::Relaxed);
        let waited = outcome.info.rate_limit_wait;
        if !waited.is_zero() {
            c.rate_limit_waits.fetch_add(1, Ordering::Relaxed);
            let nanos = u64::try_from(waited.as_nanos()).unwrap_or(u64::MAX);
            c.rate_limit_wait_nanos.fetch_add(nanos, Ordering::Relaxed);
        }
        if outcome.retry_in.is_some() {
            c.retries.fetch_add(1, Ordering::Relaxed);
        }
        match outcome.error {
            Some(AttemptError::Timeout) => {
                c.timeouts.fetch_add(1, Ordering::Relaxed);
            }
            Some(AttemptError::Connection { .. }) => {
                c.connection_errors.fetch_add(1, Ordering::Relaxed);
            }
            _ => {}
        }
        if let Some(status) = outcome.status {
            let mut statuses = c
                .statuses
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            *statuses.entry(status).or_default() += 1;
        }
    }
}
