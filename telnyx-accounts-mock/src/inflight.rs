//! Requests in flight, and the most there ever were at once: client tests
//! use the peak to prove that a concurrency bound held.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Counts requests from the moment the mock starts handling one until its
/// response head is handed back (latency and fault delays included).
#[derive(Default)]
pub(crate) struct InFlight {
    now: AtomicUsize,
    peak: AtomicUsize,
}

/// Holds one request's place in the count; dropping it (also when the
/// connection goes away mid-request) releases it.
pub(crate) struct InFlightGuard<'a>(&'a InFlight);

impl InFlight {
    pub(crate) fn enter(&self) -> InFlightGuard<'_> {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        InFlightGuard(self)
    }

    pub(crate) fn current(&self) -> usize {
        self.now.load(Ordering::SeqCst)
    }

    pub(crate) fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }

    /// Starts a new peak from the requests in flight now.
    pub(crate) fn reset_peak(&self) {
        self.peak.store(self.current(), Ordering::SeqCst);
    }
}

impl Drop for InFlightGuard<'_> {
    fn drop(&mut self) {
        self.0.now.fetch_sub(1, Ordering::SeqCst);
    }
}
