//! When to try a request again, how long to wait first, and when to stop.
//!
//! # The rules
//!
//! For every operation:
//!
//! - **Retried**: timeouts, connection failures, and the statuses 408, 429
//!   and 500 and above, at most [`RetryPolicy::max_retries`] times (default 2).
//!   A response header `x-should-retry: true` or `false` overrides the status.
//! - **Operations that may not be sent twice** are retried only when the
//!   first attempt cannot have been processed: `create` (a second send could
//!   create a second account) and `remove` (a second send of a removal that
//!   went through gets a 404, hiding the success). They are retried on 429
//!   (refused, not processed), on `x-should-retry: true`, and when the
//!   connection failed, or timed out, before the request was sent. After a
//!   timeout or a 5xx the error reaches you and [`Error::is_retryable`] is
//!   false: check whether the call went through before you send it again
//!   (for `create`, list the accounts by `email_eq`; for `remove`, retrieve
//!   the user).
//! - **The wait** is the server's when it gives one: `retry-after-ms`, then
//!   `Retry-After` (seconds or an HTTP date), then `x-ratelimit-reset`, the
//!   last only on a 429 or when `x-ratelimit-remaining` is 0 (Telnyx sends
//!   it on every response: on a 502 it says when the rate-limit window
//!   refills, not when the server recovers). A server wait longer than
//!   [`RetryPolicy::max_server_delay`] (default 60 s) is not waited out: the
//!   error is returned at once, with [`ApiError::retry_after`] carrying the
//!   server's full value. Otherwise the wait is an exponential backoff,
//!   [`initial_backoff`](RetryPolicy::initial_backoff) (0.5 s) doubling up to
//!   [`max_backoff`](RetryPolicy::max_backoff) (8 s), minus up to 25 %
//!   random jitter (or, with [`RetryPolicy::full_jitter`], a random wait
//!   between 0 and the backoff) so that many clients do not retry in step.
//! - **The deadline** ([`ClientBuilder::deadline`], default
//!   [`DEFAULT_DEADLINE`](crate::DEFAULT_DEADLINE)) bounds a call across all
//!   its attempts and waits: an attempt gets at most the time left, and a
//!   wait that would end past the deadline is not started. It is checked
//!   before each attempt is sent: a call whose deadline is spent first (a
//!   slow token request, a long queue) fails with a deadline
//!   [`Error::Timeout`](crate::Error::Timeout) that says it was not sent,
//!   and [`Error::is_retryable`] is true, even for `create`.
//! - **A 429's hold** ([pacing](crate::guide::pacing)): after a 429, the client sends
//!   nothing until the server's wait is over. A call that would have to
//!   wait past its deadline, or longer than
//!   [`RetryPolicy::max_server_delay`], fails at once, unsent, with
//!   [`Error::Held`](crate::Error::Held) and the wait left.
//! - **Any duration works**: every setting that takes a `Duration` (timeout,
//!   connect timeout, deadline, backoffs, `max_server_delay`, on the client
//!   and per request) saturates instead of overflowing; `Duration::MAX`
//!   means no bound.
//! - **The retry budget** ([`RetryBudget`]), shared by every clone of a
//!   [`Client`](crate::Client), is a token bucket as in AWS's standard retry
//!   mode: each retry takes tokens (more after a timeout), each success puts
//!   some back. During an outage a busy service stops multiplying its
//!   traffic by `1 + max_retries`: once the bucket is empty, failures are
//!   returned without retrying until successes refill it. The error then
//!   says so ([`RetryStop::BudgetExhausted`](crate::RetryStop::BudgetExhausted)).
//!
//! ```
//! use std::time::Duration;
//! use telnyx_accounts::{Client, RetryPolicy};
//!
//! let client = Client::builder()
//!     .api_key("KEY")
//!     .retry_policy(
//!         RetryPolicy::default()
//!             .max_retries(4)
//!             .initial_backoff(Duration::from_millis(200))
//!             .max_backoff(Duration::from_secs(10))
//!             .max_server_delay(Duration::from_secs(30))
//!             .full_jitter(),
//!     )
//!     .deadline(Duration::from_secs(90))
//!     .build()?;
//! # Ok::<(), telnyx_accounts::Error>(())
//! ```
//!
//! [`Error::is_retryable`]: crate::Error::is_retryable
//! [`ApiError::retry_after`]: crate::ApiError::retry_after
//! [`ClientBuilder::deadline`]: crate::ClientBuilder::deadline

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, HeaderName, RETRY_AFTER};

use crate::error::RateLimit;

/// Retries after the first attempt unless set otherwise.
pub const DEFAULT_MAX_RETRIES: u32 = 2;

/// How a call is retried: how often, and how long to wait between attempts.
///
/// Set it for every call with
/// [`ClientBuilder::retry_policy`](crate::ClientBuilder::retry_policy), or
/// for one call with the request builders' `.retry_policy(..)`. The default
/// is 2 retries, backoff from 0.5 s doubling to 8 s minus up to 25 % jitter,
/// and server-requested waits honoured up to 60 s. See the [module
/// docs](self) for which failures are retried.
///
/// ```
/// use std::time::Duration;
/// use telnyx_accounts::RetryPolicy;
///
/// let patient = RetryPolicy::default().max_retries(5).max_backoff(Duration::from_secs(20));
/// let never = RetryPolicy::none();
/// # let _ = (patient, never);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_server_delay: Duration,
    jitter: Jitter,
}

/// How the backoff is randomized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Jitter {
    /// Minus up to 25 %: the official SDKs' rule.
    Partial,
    /// Anywhere between 0 and the backoff ("full jitter").
    Full,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: DEFAULT_MAX_RETRIES,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_server_delay: Duration::from_secs(60),
            jitter: Jitter::Partial,
        }
    }
}

impl RetryPolicy {
    /// No retries: every call makes one attempt.
    pub fn none() -> Self {
        Self::default().max_retries(0)
    }

    /// Retries after a failed attempt (default 2, so at most 3 attempts).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// The backoff before the first retry (default 0.5 s); it doubles with
    /// each retry up to [`max_backoff`](Self::max_backoff).
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The longest backoff (default 8 s). Any length works (the doubling
    /// saturates); a backoff that would end past the call's deadline is
    /// not started.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// The longest server-requested wait (`Retry-After`, ...) that is waited
    /// out (default 60 s). When the server asks for more, the call stops and
    /// returns the error, whose `retry_after()` carries the full value. It
    /// also bounds how long a call waits for the client's hold after a 429
    /// (see [pacing](crate::guide::pacing)). `Duration::MAX` waits out any server wait
    /// that ends within the call's deadline; `Duration::ZERO` waits out
    /// none.
    pub fn max_server_delay(mut self, delay: Duration) -> Self {
        self.max_server_delay = delay;
        self
    }

    /// Waits a random time between 0 and the backoff ("full jitter"),
    /// instead of the backoff minus up to 25 %: it spreads many clients'
    /// retries best, at the cost of sometimes retrying at once.
    pub fn full_jitter(mut self) -> Self {
        self.jitter = Jitter::Full;
        self
    }

    /// The retries after a failed attempt.
    pub(crate) fn retries(&self) -> u32 {
        self.max_retries
    }

    /// The longest server-requested wait that is waited out.
    pub(crate) fn server_delay_cap(&self) -> Duration {
        self.max_server_delay
    }

    /// The backoff before the `retry`-th retry (1-based), before jitter:
    /// `min(initial_backoff * 2^(retry-1), max_backoff)`.
    pub fn backoff(&self, retry: u32) -> Duration {
        let exp = retry.saturating_sub(1).min(31);
        self.initial_backoff
            .saturating_mul(1 << exp)
            .min(self.max_backoff)
    }

    /// The backoff with jitter applied.
    pub(crate) fn jittered_backoff(&self, retry: u32) -> Duration {
        let base = self.backoff(retry);
        let factor = match self.jitter {
            Jitter::Partial => 1.0 - 0.25 * fastrand::f64(),
            Jitter::Full => fastrand::f64(),
        };
        // `mul_f64` panics past `Duration::MAX` (where the float rounds
        // up): a factor of at most 1 never makes the wait longer than
        // `base`, so `base` is the saturated answer.
        Duration::try_from_secs_f64(base.as_secs_f64() * factor)
            .unwrap_or(base)
            .min(base)
    }
}

/// A token bucket that retries draw from and successes refill, shared by
/// every clone of a [`Client`](crate::Client), as in AWS's standard retry
/// mode.
///
/// The defaults are AWS's: 500 tokens, a retry takes 5 (10 after a
/// timeout), a success puts back what its own retries took, or 1 when it
/// needed none. A healthy client never notices it; under a sustained outage,
/// about 100 retries in a row empty it, and from then on failures are
/// returned at once ([`RetryStop::BudgetExhausted`](crate::RetryStop::BudgetExhausted)) until successes refill
/// it.
///
/// ```
/// use telnyx_accounts::{Client, RetryBudget};
///
/// let client = Client::builder()
///     .api_key("KEY")
///     .retry_budget(RetryBudget::default().capacity(100))
///     .build()?;
/// # Ok::<(), telnyx_accounts::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryBudget {
    capacity: u32,
    retry_cost: u32,
    timeout_cost: u32,
    success_refill: u32,
    enabled: bool,
}

impl Default for RetryBudget {
    fn default() -> Self {
        Self {
            capacity: 500,
            retry_cost: 5,
            timeout_cost: 10,
            success_refill: 1,
            enabled: true,
        }
    }
}

impl RetryBudget {
    /// No budget: every call retries as its policy says, however many fail.
    pub fn unlimited() -> Self {
        Self {
            enabled: false,
            ..Self::default()
        }
    }

    /// The bucket's size, and how full it starts (default 500).
    pub fn capacity(mut self, tokens: u32) -> Self {
        self.capacity = tokens;
        self
    }

    /// What a retry takes (default 5).
    pub fn retry_cost(mut self, tokens: u32) -> Self {
        self.retry_cost = tokens;
        self
    }

    /// What a retry after a timeout takes (default 10).
    pub fn timeout_cost(mut self, tokens: u32) -> Self {
        self.timeout_cost = tokens;
        self
    }

    /// What a success that needed no retry puts back (default 1).
    pub fn success_refill(mut self, tokens: u32) -> Self {
        self.success_refill = tokens;
        self
    }
}

/// The shared bucket of a client.
#[derive(Debug)]
pub(crate) struct Budget {
    config: RetryBudget,
    tokens: AtomicU32,
}

impl Budget {
    pub(crate) fn new(config: RetryBudget) -> Self {
        Self {
            tokens: AtomicU32::new(config.capacity),
            config,
        }
    }

    /// Takes the tokens for one retry; `None` when the bucket has too few.
    /// Returns what was taken, to put back if the call then succeeds.
    pub(crate) fn acquire(&self, after_timeout: bool) -> Option<u32> {
        if !self.config.enabled {
            return Some(0);
        }
        let cost = if after_timeout {
            self.config.timeout_cost
        } else {
            self.config.retry_cost
        };
        self.tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| t.checked_sub(cost))
            .ok()
            .map(|_| cost)
    }

    /// A call succeeded after taking `spent` tokens for its retries.
    pub(crate) fn refill(&self, spent: u32) {
        if !self.config.enabled {
            return;
        }
        let back = if spent == 0 {
            self.config.success_refill
        } else {
            spent
        };
        let cap = self.config.capacity;
        // A full budget (every success while nothing fails) is only read:
        // no write to a cache line every task of the client shares.
        let _ = self
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| {
                (t < cap).then(|| t.saturating_add(back).min(cap))
            });
    }

    #[cfg(test)]
    pub(crate) fn available(&self) -> u32 {
        self.tokens.load(Ordering::Acquire)
    }
}

/// Whether an operation may safely be sent twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Idempotency {
    /// GET, PATCH, disable and enable: sending twice has the effect of once.
    Idempotent,
    /// `create` and `remove`: a second send is not the same as one.
    NotIdempotent,
}

/// What an attempt ended with, as far as retrying is concerned.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Outcome<'a> {
    /// The attempt ran out of time after the request may have been sent.
    Timeout,
    /// The network failed; `before_send` when nothing was sent (a refused or
    /// timed-out connect).
    Connection { before_send: bool },
    /// A non-2xx status with its headers.
    Status { status: u16, headers: &'a HeaderMap },
}

/// Whether sending the call again is safe and may help, for this outcome of
/// an operation (whatever the attempt count, budget or deadline).
pub(crate) fn is_retryable(outcome: Outcome<'_>, idempotency: Idempotency) -> bool {
    let idempotent = idempotency == Idempotency::Idempotent;
    match outcome {
        Outcome::Timeout => idempotent,
        Outcome::Connection { before_send } => before_send || idempotent,
        Outcome::Status { status, headers } => match should_retry_header(headers) {
            Some(forced) => forced,
            None if idempotent => status == 408 || status == 429 || status >= 500,
            None => status == 429,
        },
    }
}

/// The wait the server asked for before a retry of this outcome, if any.
pub(crate) fn requested_delay(outcome: Outcome<'_>) -> Option<Duration> {
    match outcome {
        Outcome::Status { status, headers } => server_delay(status, headers),
        _ => None,
    }
}

fn should_retry_header(headers: &HeaderMap) -> Option<bool> {
    match header_str(headers, &X_SHOULD_RETRY)? {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

// Header names as constants: a lookup by `&str` parses the name each time.
const X_SHOULD_RETRY: HeaderName = HeaderName::from_static("x-should-retry");
const RETRY_AFTER_MS: HeaderName = HeaderName::from_static("retry-after-ms");
const X_RATELIMIT_LIMIT: HeaderName = HeaderName::from_static("x-ratelimit-limit");
const X_RATELIMIT_REMAINING: HeaderName = HeaderName::from_static("x-ratelimit-remaining");
const X_RATELIMIT_RESET: HeaderName = HeaderName::from_static("x-ratelimit-reset");

fn header_str<'h>(headers: &'h HeaderMap, name: &HeaderName) -> Option<&'h str> {
    headers.get(name)?.to_str().ok().map(str::trim)
}

/// The longest wait a header is read as (about 30 years): larger values
/// are capped, not refused.
const MAX_HEADER_SECONDS: u64 = 1_000_000_000;

fn seconds(secs: f64) -> Option<Duration> {
    (secs.is_finite() && secs >= 0.0)
        .then(|| Duration::from_secs_f64(secs.min(MAX_HEADER_SECONDS as f64)))
}

/// The wait a response asks for, from the first of: `retry-after-ms`,
/// `Retry-After` (delta-seconds or HTTP date), and `x-ratelimit-reset`
/// (seconds), the last only when it is about this response: on a 429, or
/// when `x-ratelimit-remaining` is 0.
pub(crate) fn server_delay(status: u16, headers: &HeaderMap) -> Option<Duration> {
    if let Some(ms) = header_str(headers, &RETRY_AFTER_MS).and_then(|v| v.parse::<f64>().ok())
        && let Some(d) = seconds(ms / 1000.0)
    {
        return Some(d);
    }
    if let Some(v) = header_str(headers, &RETRY_AFTER) {
        if let Ok(secs) = v.parse::<f64>() {
            if let Some(d) = seconds(secs) {
                return Some(d);
            }
        } else if let Ok(when) = httpdate::parse_http_date(v) {
            return Some(
                when.duration_since(SystemTime::now())
                    .unwrap_or(Duration::ZERO),
            );
        }
    }
    let limit = rate_limit(headers)?;
    (status == 429 || limit.remaining == Some(0))
        .then_some(limit.reset)
        .flatten()
}

/// Telnyx's `x-ratelimit-*` headers, if any is present.
pub(crate) fn rate_limit(headers: &HeaderMap) -> Option<RateLimit> {
    let num = |name: &HeaderName| header_str(headers, name).and_then(|v| v.parse::<u64>().ok());
    // Whole seconds, as Telnyx sends them, without a float parse.
    let reset = header_str(headers, &X_RATELIMIT_RESET).and_then(|v| match v.parse::<u64>() {
        Ok(secs) => Some(Duration::from_secs(secs.min(MAX_HEADER_SECONDS))),
        Err(_) => v.parse::<f64>().ok().and_then(seconds),
    });
    let r = RateLimit {
        limit: num(&X_RATELIMIT_LIMIT),
        remaining: num(&X_RATELIMIT_REMAINING),
        reset,
    };
    (r != RateLimit::default()).then_some(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn status(status: u16, headers: &HeaderMap) -> Outcome<'_> {
        Outcome::Status { status, headers }
    }

    #[test]
    fn server_delay_forms() {
        let d = |pairs: &[(&'static str, &str)]| server_delay(429, &headers(pairs));
        assert_eq!(d(&[("retry-after", "3")]), Some(Duration::from_secs(3)));
        assert_eq!(
            d(&[("retry-after-ms", "250"), ("retry-after", "9")]),
            Some(Duration::from_millis(250))
        );
        assert_eq!(
            d(&[("x-ratelimit-reset", "2")]),
            Some(Duration::from_secs(2))
        );
        let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(30));
        let w = d(&[("retry-after", &date)]).unwrap();
        assert!(
            w > Duration::from_secs(25) && w <= Duration::from_secs(30),
            "{w:?}"
        );
        assert_eq!(d(&[("retry-after", "soon")]), None);
        assert_eq!(d(&[("retry-after", "-1")]), None);
    }

    #[test]
    fn the_rate_limit_reset_is_a_wait_only_on_a_429_or_an_empty_window() {
        let reset = headers(&[("x-ratelimit-reset", "45"), ("x-ratelimit-remaining", "7")]);
        assert_eq!(server_delay(502, &reset), None);
        assert_eq!(server_delay(429, &reset), Some(Duration::from_secs(45)));
        let empty = headers(&[("x-ratelimit-reset", "45"), ("x-ratelimit-remaining", "0")]);
        assert_eq!(server_delay(503, &empty), Some(Duration::from_secs(45)));
    }

    #[test]
    fn operations_that_may_not_be_sent_twice_are_retried_only_when_safe() {
        let h = HeaderMap::new();
        let ni = Idempotency::NotIdempotent;
        assert!(!is_retryable(status(500, &h), ni));
        assert!(!is_retryable(Outcome::Timeout, ni));
        assert!(!is_retryable(
            Outcome::Connection { before_send: false },
            ni
        ));
        assert!(is_retryable(Outcome::Connection { before_send: true }, ni));
        assert!(is_retryable(status(429, &h), ni));
        let yes = headers(&[("x-should-retry", "true")]);
        assert!(is_retryable(status(500, &yes), ni));
    }

    #[test]
    fn idempotent_rules_and_overrides() {
        let h = HeaderMap::new();
        let i = Idempotency::Idempotent;
        for s in [408, 429, 500, 502, 503, 504] {
            assert!(is_retryable(status(s, &h), i), "{s}");
        }
        for s in [400, 401, 403, 404, 409, 422] {
            assert!(!is_retryable(status(s, &h), i), "{s}");
        }
        let no = headers(&[("x-should-retry", "false")]);
        assert!(!is_retryable(status(503, &no), i));
        let yes = headers(&[("x-should-retry", "true")]);
        assert!(is_retryable(status(400, &yes), i));
    }

    #[test]
    fn backoff_doubles_to_a_cap_with_at_most_a_quarter_of_jitter() {
        let p = RetryPolicy::default();
        for (retry, full) in [(1, 0.5), (2, 1.0), (3, 2.0), (5, 8.0), (30, 8.0), (90, 8.0)] {
            let d = p.jittered_backoff(retry).as_secs_f64();
            assert!(d <= full && d >= full * 0.75, "retry {retry}: {d}");
        }
    }

    #[test]
    fn full_jitter_spreads_waits_between_zero_and_the_backoff() {
        let p = RetryPolicy::default()
            .initial_backoff(Duration::from_secs(1))
            .full_jitter();
        let waits: Vec<f64> = (0..400)
            .map(|_| p.jittered_backoff(1).as_secs_f64())
            .collect();
        assert!(waits.iter().all(|w| (0.0..=1.0).contains(w)));
        // Partial jitter never goes under 0.75: full jitter does, often.
        assert!(waits.iter().filter(|w| **w < 0.5).count() > 100);
    }

    #[test]
    fn the_budget_runs_out_and_successes_refill_it() {
        let b = Budget::new(RetryBudget::default().capacity(12));
        assert_eq!(b.acquire(false), Some(5));
        assert_eq!(b.acquire(false), Some(5));
        assert_eq!(b.acquire(false), None);
        assert_eq!(b.available(), 2);
        b.refill(5);
        assert_eq!(b.available(), 7);
        b.refill(0);
        assert_eq!(b.available(), 8);
        assert_eq!(b.acquire(true), None);
        b.refill(100);
        assert_eq!(b.available(), 12, "never above capacity");
        let unlimited = Budget::new(RetryBudget::unlimited().capacity(0));
        assert_eq!(unlimited.acquire(true), Some(0));
    }
}
