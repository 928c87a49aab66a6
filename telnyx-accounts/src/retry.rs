//! When to try a request again, and how long to wait first.
//!
//! The rules, for every operation:
//!
//! - Retried: timeouts, connection failures, and the statuses 408, 429 and
//!   500 and above; at most [`ClientBuilder::max_retries`] times (default 2).
//! - A response header `x-should-retry: true` or `false` overrides the status.
//! - The wait is the server's when it gives one (`retry-after-ms`,
//!   `Retry-After` in seconds or as an HTTP date, `x-ratelimit-reset`), capped
//!   at 60 s; otherwise 0.5 s doubling per retry up to 8 s, minus up to 25 %
//!   random jitter so that many clients do not retry in step.
//! - **`create` is not idempotent**: a create that timed out or got a 5xx may
//!   have created the account, and retrying it could create a second one. It
//!   is retried only on 429 (the request was refused, not processed), on
//!   `x-should-retry: true`, and when the connection failed before the request
//!   was sent. Otherwise the error reaches you: list the accounts (e.g. by
//!   `email_eq`) to see whether it was created.
//!
//! [`ClientBuilder::max_retries`]: crate::ClientBuilder::max_retries

use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;

use crate::error::RateLimit;

/// The longest server-requested wait we honour.
pub(crate) const MAX_SERVER_DELAY: Duration = Duration::from_secs(60);
const BASE_DELAY: Duration = Duration::from_millis(500);
const MAX_BACKOFF: Duration = Duration::from_secs(8);

/// Whether an operation may safely be sent twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Idempotency {
    /// GET, PATCH and the actions: sending twice has the effect of once.
    Idempotent,
    /// `create`: a second send may create a second account.
    NotIdempotent,
}

/// What an attempt ended with, as far as retrying is concerned.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Outcome<'a> {
    /// The per-attempt timeout ran out.
    Timeout,
    /// The network failed; `before_send` when nothing was sent.
    Connection { before_send: bool },
    /// A non-2xx status with its headers.
    Status { status: u16, headers: &'a HeaderMap },
}

/// Decides whether to retry after attempt number `attempt` (1-based), and
/// returns the wait before the next attempt.
pub(crate) fn next_delay(
    outcome: Outcome<'_>,
    idempotency: Idempotency,
    attempt: u32,
    max_retries: u32,
) -> Option<Duration> {
    if attempt > max_retries {
        return None;
    }
    let (retry, server_delay) = match outcome {
        Outcome::Timeout => (idempotency == Idempotency::Idempotent, None),
        Outcome::Connection { before_send } => {
            (before_send || idempotency == Idempotency::Idempotent, None)
        }
        Outcome::Status { status, headers } => {
            let by_status = match idempotency {
                Idempotency::Idempotent => status == 408 || status == 429 || status >= 500,
                Idempotency::NotIdempotent => status == 429,
            };
            let retry = match should_retry_header(headers) {
                Some(forced) => forced,
                None => by_status,
            };
            (retry, server_delay(headers))
        }
    };
    if !retry {
        return None;
    }
    Some(match server_delay {
        Some(d) => d.min(MAX_SERVER_DELAY),
        None => backoff(attempt),
    })
}

/// `min(0.5 s * 2^(attempt-1), 8 s)`, minus up to 25 % jitter.
pub(crate) fn backoff(attempt: u32) -> Duration {
    let exp = attempt.saturating_sub(1).min(16);
    let base = BASE_DELAY.saturating_mul(1 << exp).min(MAX_BACKOFF);
    let jitter = 1.0 - 0.25 * fastrand::f64();
    base.mul_f64(jitter)
}

fn should_retry_header(headers: &HeaderMap) -> Option<bool> {
    let v = headers.get("x-should-retry")?.to_str().ok()?;
    match v.trim() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

fn header_str<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name)?.to_str().ok().map(str::trim)
}

/// The wait the server asked for, from the first of: `retry-after-ms`,
/// `Retry-After` (delta-seconds or HTTP date), `x-ratelimit-reset` (seconds).
pub(crate) fn server_delay(headers: &HeaderMap) -> Option<Duration> {
    if let Some(ms) = header_str(headers, "retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        if ms.is_finite() && ms >= 0.0 {
            return Some(Duration::from_secs_f64((ms / 1000.0).min(1e9)));
        }
    }
    if let Some(v) = header_str(headers, "retry-after") {
        if let Ok(secs) = v.parse::<f64>() {
            if secs.is_finite() && secs >= 0.0 {
                return Some(Duration::from_secs_f64(secs.min(1e9)));
            }
        } else if let Ok(when) = httpdate::parse_http_date(v) {
            return Some(
                when.duration_since(SystemTime::now())
                    .unwrap_or(Duration::ZERO),
            );
        }
    }
    rate_limit(headers).and_then(|r| r.reset)
}

/// Telnyx's `x-ratelimit-*` headers, if any is present.
pub(crate) fn rate_limit(headers: &HeaderMap) -> Option<RateLimit> {
    let num = |name: &str| header_str(headers, name).and_then(|v| v.parse::<u64>().ok());
    let reset = header_str(headers, "x-ratelimit-reset")
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(|s| Duration::from_secs_f64(s.min(1e9)));
    let r = RateLimit {
        limit: num("x-ratelimit-limit"),
        remaining: num("x-ratelimit-remaining"),
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

    #[test]
    fn server_delay_forms() {
        assert_eq!(
            server_delay(&headers(&[("retry-after", "3")])),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            server_delay(&headers(&[("retry-after-ms", "250"), ("retry-after", "9")])),
            Some(Duration::from_millis(250))
        );
        assert_eq!(
            server_delay(&headers(&[("x-ratelimit-reset", "2")])),
            Some(Duration::from_secs(2))
        );
        let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(30));
        let d = server_delay(&headers(&[("retry-after", &date)])).unwrap();
        assert!(
            d > Duration::from_secs(25) && d <= Duration::from_secs(30),
            "{d:?}"
        );
        assert_eq!(server_delay(&headers(&[("retry-after", "soon")])), None);
        assert_eq!(server_delay(&headers(&[("retry-after", "-1")])), None);
    }

    #[test]
    fn create_is_retried_only_when_safe() {
        let h = HeaderMap::new();
        let ni = Idempotency::NotIdempotent;
        assert!(next_delay(
            Outcome::Status {
                status: 500,
                headers: &h
            },
            ni,
            1,
            2
        )
        .is_none());
        assert!(next_delay(Outcome::Timeout, ni, 1, 2).is_none());
        assert!(next_delay(Outcome::Connection { before_send: false }, ni, 1, 2).is_none());
        assert!(next_delay(Outcome::Connection { before_send: true }, ni, 1, 2).is_some());
        assert!(next_delay(
            Outcome::Status {
                status: 429,
                headers: &h
            },
            ni,
            1,
            2
        )
        .is_some());
    }

    #[test]
    fn idempotent_rules_and_overrides() {
        let h = HeaderMap::new();
        let i = Idempotency::Idempotent;
        for s in [408, 429, 500, 502, 503, 504] {
            assert!(
                next_delay(
                    Outcome::Status {
                        status: s,
                        headers: &h
                    },
                    i,
                    1,
                    2
                )
                .is_some(),
                "{s}"
            );
        }
        for s in [400, 401, 403, 404, 409, 422] {
            assert!(
                next_delay(
                    Outcome::Status {
                        status: s,
                        headers: &h
                    },
                    i,
                    1,
                    2
                )
                .is_none(),
                "{s}"
            );
        }
        let no = headers(&[("x-should-retry", "false")]);
        assert!(next_delay(
            Outcome::Status {
                status: 503,
                headers: &no
            },
            i,
            1,
            2
        )
        .is_none());
        let yes = headers(&[("x-should-retry", "true")]);
        assert!(next_delay(
            Outcome::Status {
                status: 400,
                headers: &yes
            },
            i,
            1,
            2
        )
        .is_some());
        assert!(next_delay(
            Outcome::Status {
                status: 500,
                headers: &h
            },
            i,
            3,
            2
        )
        .is_none());
        let far = headers(&[("retry-after", "3600")]);
        assert_eq!(
            next_delay(
                Outcome::Status {
                    status: 429,
                    headers: &far
                },
                i,
                1,
                2
            ),
            Some(MAX_SERVER_DELAY)
        );
    }

    #[test]
    fn backoff_doubles_to_a_cap_with_at_most_a_quarter_of_jitter() {
        for (attempt, full) in [(1, 0.5), (2, 1.0), (3, 2.0), (5, 8.0), (30, 8.0)] {
            let d = backoff(attempt).as_secs_f64();
            assert!(d <= full && d >= full * 0.75, "attempt {attempt}: {d}");
        }
    }
}
