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
//! needs no wake-up, and no timer is allocated per attempt.
//!
//! The idle timers are kept **per thread**, not per client: an attempt
//! takes one on the thread it starts on and gives it back there, with no
//! lock and no cache line that the runtime's workers pass back and forth
//! (only tokio's own wheel is shared). A timer belongs to the runtime that
//! made it; one from another
//! runtime (a thread that runs one runtime after another, as each
//! `#[tokio::test]` does) is dropped, not reused. A thread keeps up to
//! [`KEEP`] idle timers registered; one that fires with no attempt waiting
//! wakes the task that last used it once, which then finds nothing to do.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::task::Poll;
use std::time::Instant;

use tokio::runtime::{Handle, Id};
use tokio::time::Sleep;

/// At most this many idle timers are kept per thread (one per attempt in
/// flight, up to the default concurrency bound).
const KEEP: usize = crate::runtime::limiter::DEFAULT_MAX_CONCURRENCY;

/// A timer and the runtime whose wheel it is in.
struct Timer {
    sleep: Pin<Box<Sleep>>,
    runtime: Id,
}

thread_local! {
    /// This thread's idle attempt timers.
    static IDLE: RefCell<Vec<Timer>> = const { RefCell::new(Vec::new()) };
}

/// Runs `fut` until `expires`: `None` if the timer fires first. The future
/// is polled first, as `tokio::time::timeout` does.
///
/// `fut` is borrowed, pinned where the caller keeps it: taken by value, it
/// would be stored twice in the call's future (once as this function's
/// argument, once where it is polled), which made the future of a call a
/// kilobyte larger (`benches/calls.rs sizes`). The caller drops it right
/// after, so that a request that timed out is not held during a retry's
/// wait.
pub(crate) async fn within<F: Future>(expires: Instant, mut fut: Pin<&mut F>) -> Option<F::Output> {
    let mut timer = take(expires);
    let out = std::future::poll_fn(|cx| {
        if let Poll::Ready(out) = fut.as_mut().poll(cx) {
            return Poll::Ready(Some(out));
        }
        timer.sleep.as_mut().poll(cx).map(|()| None)
    })
    .await;
    give_back(timer);
    out
}

/// An idle timer of this thread and runtime moved to `expires`, or a new
/// one.
fn take(expires: Instant) -> Timer {
    let runtime = Handle::current().id();
    let found = IDLE
        .try_with(|idle| {
            let mut idle = idle.borrow_mut();
            loop {
                match idle.pop() {
                    Some(t) if t.runtime == runtime => break Some(t),
                    Some(_) => continue, // another runtime's: dropped
                    None => break None,
                }
            }
        })
        .ok()
        .flatten();
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

/// Keeps `timer` for this thread's next attempt (dropped past [`KEEP`], or
/// while the thread is exiting).
fn give_back(timer: Timer) {
    let _ = IDLE.try_with(|idle| {
        let mut idle = idle.borrow_mut();
        if idle.len() < KEEP {
            idle.push(timer);
        }
    });
}

#[cfg(test)]
mod tests {
    use std::pin::pin;
    use std::time::Duration;

    use super::*;

    fn idle() -> usize {
        IDLE.with(|idle| idle.borrow().len())
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap()
    }

    #[test]
    fn a_reused_timer_fires_at_its_new_expiry() {
        runtime().block_on(async {
            let far = Instant::now() + Duration::from_secs(3600);
            assert_eq!(within(far, pin!(async { 7 })).await, Some(7));
            assert_eq!(idle(), 1, "handed back");
            let soon = Instant::now() + Duration::from_millis(20);
            let never = std::future::pending::<()>();
            assert_eq!(within(soon, pin!(never)).await, None);
        });
    }

    #[test]
    fn a_timer_of_a_runtime_that_is_gone_is_not_reused() {
        runtime().block_on(async {
            let far = Instant::now() + Duration::from_secs(3600);
            within(far, pin!(async {})).await;
        });
        // The first runtime is shut down; its timer must not be polled.
        runtime().block_on(async {
            let soon = Instant::now() + Duration::from_millis(20);
            let never = std::future::pending::<()>();
            assert_eq!(within(soon, pin!(never)).await, None);
            assert_eq!(idle(), 1, "only this runtime's timer is kept");
        });
    }

    /// A thread's idle timers outlive its runtimes: dropping them when the
    /// thread exits, after their runtime is gone, is safe.
    #[test]
    fn a_thread_exits_after_its_runtime_with_idle_timers() {
        std::thread::spawn(|| {
            runtime().block_on(async {
                let far = Instant::now() + Duration::from_secs(3600);
                within(far, pin!(async {})).await;
            });
            assert_eq!(idle(), 1);
        })
        .join()
        .expect("the thread exits cleanly");
    }
}
