//! The timers that bound each attempt, kept registered between attempts.
//!
//! Every attempt runs under a timer (its timeout, or what is left of the
//! call's deadline). A fresh `tokio::time::Sleep` per attempt is registered
//! with the runtime's timer wheel and removed again when the response is in.
//! When the wheel was empty, tokio wakes the thread that drives it on every
//! registration so that it can re-arm its wait: one wake-up and two context
//! switches per call, measured (`benches/per_call.rs`, BENCHMARKS.md) as
//! about 5 % more context switches and CPU time than bare reqwest for a
//! sequential loop.
//!
//! So finished attempts hand their timer back here and the next attempt
//! moves it to its own expiry (`Sleep::reset`): the wheel is never empty
//! while calls go on, a later expiry than the one the driver waits for
//! needs no wake-up, and no timer is allocated per attempt. A timer
//! belongs to the runtime that made it; one from another runtime (a client
//! used from several runtimes, one after the other) is dropped, not reused.
//! An idle client keeps up to [`KEEP`] timers registered; one that fires
//! with no attempt waiting wakes the task that last used it once, which
//! then finds nothing to do.

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::Poll;
use std::time::Instant;

use tokio::runtime::{Handle, Id};
use tokio::time::Sleep;

/// At most this many idle timers are kept (one per attempt in flight, up
/// to the default concurrency bound).
const KEEP: usize = crate::runtime::limiter::DEFAULT_MAX_CONCURRENCY;

/// A timer and the runtime whose wheel it is in.
struct Timer {
    sleep: Pin<Box<Sleep>>,
    runtime: Id,
}

/// Idle attempt timers, shared by every clone of a client.
#[derive(Default)]
pub(crate) struct Timers {
    idle: Mutex<Vec<Timer>>,
}

impl Timers {
    /// Runs `fut` until `expires`: `None` if the timer fires first. The
    /// future is polled first, as `tokio::time::timeout` does.
    ///
    /// `fut` is borrowed, pinned where the caller keeps it: taken by value,
    /// it would be stored twice in the call's future (once as this
    /// function's argument, once where it is polled), which made the future
    /// of a call a kilobyte larger (`benches/calls.rs sizes`). The caller
    /// drops it right after, so that a request that timed out is not held
    /// during a retry's wait.
    pub(crate) async fn within<F: Future>(
        &self,
        expires: Instant,
        mut fut: Pin<&mut F>,
    ) -> Option<F::Output> {
        let mut timer = self.take(expires);
        let out = std::future::poll_fn(|cx| {
            if let Poll::Ready(out) = fut.as_mut().poll(cx) {
                return Poll::Ready(Some(out));
            }
            timer.sleep.as_mut().poll(cx).map(|()| None)
        })
        .await;
        self.give_back(timer);
        out
    }

    /// An idle timer of this runtime moved to `expires`, or a new one.
    fn take(&self, expires: Instant) -> Timer {
        let runtime = Handle::current().id();
        let found = {
            let mut idle = self.lock();
            loop {
                match idle.pop() {
                    Some(t) if t.runtime == runtime => break Some(t),
                    Some(_) => continue, // another runtime's: dropped
                    None => break None,
                }
            }
        };
        match found {
            Some(mut t) => {
                t.sleep.as_mut().reset(expires.into());
                t
            }
            None => Timer {
                sleep: Box::pin(tokio::time::sleep_until(expires.into())),
                runtime,
            },
        }
    }

    fn give_back(&self, timer: Timer) {
        let mut idle = self.lock();
        if idle.len() < KEEP {
            idle.push(timer);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Timer>> {
        self.idle.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use std::pin::pin;
    use std::time::Duration;

    use super::*;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap()
    }

    #[test]
    fn a_reused_timer_fires_at_its_new_expiry() {
        let timers = Timers::default();
        runtime().block_on(async {
            let far = Instant::now() + Duration::from_secs(3600);
            assert_eq!(timers.within(far, pin!(async { 7 })).await, Some(7));
            assert_eq!(timers.lock().len(), 1, "handed back");
            let soon = Instant::now() + Duration::from_millis(20);
            let never = std::future::pending::<()>();
            assert_eq!(timers.within(soon, pin!(never)).await, None);
        });
    }

    #[test]
    fn a_timer_of_a_runtime_that_is_gone_is_not_reused() {
        let timers = Timers::default();
        runtime().block_on(async {
            let far = Instant::now() + Duration::from_secs(3600);
            timers.within(far, pin!(async {})).await;
        });
        // The first runtime is shut down; its timer must not be polled.
        runtime().block_on(async {
            let soon = Instant::now() + Duration::from_millis(20);
            let never = std::future::pending::<()>();
            assert_eq!(timers.within(soon, pin!(never)).await, None);
            assert_eq!(timers.lock().len(), 1, "only this runtime's timer is kept");
        });
    }
}
