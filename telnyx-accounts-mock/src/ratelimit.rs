//! Telnyx's rate limit: N requests per second per credential, as a fixed
//! window. Always on: with the default N (`DEFAULT_RATE_LIMIT`) no test is
//! throttled, but every response still says where it stands.
//!
//! Windows are one second long (tests may choose another length) and
//! aligned to the server's start (window k covers `[k s, (k + 1) s)` after
//! it), the same for every credential. Each
//! credential (the API key; each OAuth client, whichever of its tokens it
//! uses; and one shared bucket for requests with no valid credential) may
//! make N requests in a window; the next ones get a 429. Every API response
//! says where the caller stands: `x-ratelimit-limit: N`,
//! `x-ratelimit-remaining` (after this request) and `x-ratelimit-reset`
//! (whole seconds until the window refills, rounded up, so never 0).
//!
//! A fixed window rather than a token bucket: it is what Telnyx's headers
//! describe ("seconds until the window refills"), and it lets a client that
//! reads them predict exactly when it may send again.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use http::{HeaderMap, HeaderName, HeaderValue};
use parking_lot::Mutex;

/// Where one request stands against the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Verdict {
    /// False: answer 429.
    pub(crate) allowed: bool,
    pub(crate) limit: u32,
    pub(crate) remaining: u32,
    /// Whole seconds until the window refills (rounded up).
    pub(crate) reset_secs: u64,
}

impl Verdict {
    /// Sets the three `x-ratelimit-*` headers (replacing any already there).
    pub(crate) fn write_headers(&self, headers: &mut HeaderMap) {
        for (name, value) in [
            ("x-ratelimit-limit", u64::from(self.limit)),
            ("x-ratelimit-remaining", u64::from(self.remaining)),
            ("x-ratelimit-reset", self.reset_secs),
        ] {
            headers.insert(HeaderName::from_static(name), HeaderValue::from(value));
        }
    }
}

/// Requests counted in the current window, per credential.
pub(crate) struct RateLimiter {
    limit: u32,
    /// Never zero.
    window: Duration,
    start: Instant,
    /// credential -> (window index, requests counted in it)
    windows: Mutex<HashMap<String, (u128, u32)>>,
}

impl RateLimiter {
    pub(crate) fn new(limit: u32, window: Duration, start: Instant) -> Self {
        RateLimiter {
            limit,
            window: window.max(Duration::from_millis(1)),
            start,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one request of `credential` arriving at `now`.
    pub(crate) fn check(&self, credential: &str, now: Instant) -> Verdict {
        let elapsed = now.saturating_duration_since(self.start);
        let length = self.window.as_nanos();
        let window = elapsed.as_nanos() / length;
        let left = (length * (window + 1)).saturating_sub(elapsed.as_nanos());
        let reset_secs = u64::try_from(left.div_ceil(1_000_000_000)).unwrap_or(u64::MAX);
        let mut windows = self.windows.lock();
        let (current, used) = windows.entry(credential.to_owned()).or_insert((window, 0));
        if *current != window {
            *current = window;
            *used = 0;
        }
        let allowed = *used < self.limit;
        if allowed {
            *used += 1;
        }
        Verdict {
            allowed,
            limit: self.limit,
            remaining: self.limit.saturating_sub(*used),
            reset_secs,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_window_per_credential() {
        let start = Instant::now();
        let rl = RateLimiter::new(2, Duration::from_secs(1), start);
        let at = |ms| start + Duration::from_millis(ms);
        let v = rl.check("key", at(100));
        assert_eq!((v.allowed, v.remaining, v.reset_secs), (true, 1, 1));
        assert!(rl.check("key", at(200)).allowed);
        let v = rl.check("key", at(300));
        assert_eq!((v.allowed, v.remaining), (false, 0));
        // Another credential has its own count.
        assert!(rl.check("client:abc", at(300)).allowed);
        // The next window refills.
        let v = rl.check("key", at(1_000));
        assert_eq!((v.allowed, v.remaining, v.reset_secs), (true, 1, 1));
    }
}

#[cfg(test)]
mod window_tests {
    use super::*;

    #[test]
    fn reset_counts_whole_seconds_left_in_longer_windows() {
        let start = Instant::now();
        let rl = RateLimiter::new(1, Duration::from_secs(60), start);
        let v = rl.check("key", start + Duration::from_millis(500));
        assert_eq!(v.reset_secs, 60);
        let v = rl.check("key", start + Duration::from_millis(58_100));
        assert_eq!((v.allowed, v.reset_secs), (false, 2));
    }
}
