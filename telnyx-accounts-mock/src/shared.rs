//! [`Shared`]: the state every connection and the server handle hold.

use std::time::Duration;

use crate::{auth, faults, inflight, log, ratelimit, state};

/// State shared by every connection and the [`MockServer`](crate::MockServer) handle.
pub(crate) struct Shared {
    pub(crate) auth: auth::Auth,
    pub(crate) store: parking_lot::RwLock<state::Store>,
    pub(crate) faults: faults::FaultSet,
    pub(crate) log: log::RequestLog,
    /// Counts every API request (a default limit no test reaches).
    pub(crate) limiter: ratelimit::RateLimiter,
    /// Whether API responses carry `x-ratelimit-*`.
    pub(crate) rate_limit_headers: bool,
    /// Added to every response.
    pub(crate) latency: Duration,
    pub(crate) in_flight: inflight::InFlight,
}
