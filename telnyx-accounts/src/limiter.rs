//! Pacing: the client's one shared view of Telnyx's rate limit, and the
//! bound on requests in flight.
//!
//! Every attempt of every call, from every clone of a
//! [`Client`](crate::Client) and every task, first takes a **slot** (at most
//! [`ClientBuilder::max_concurrency`] attempts are in flight at once, default
//! [`DEFAULT_MAX_CONCURRENCY`]), then, with pacing on (the default; see
//! [`ClientBuilder::pacing`]), a **pass** from the rate limiter. Both are
//! handed back when the attempt's response has been read, before any wait
//! for a retry.
//!
//! # How the rate limiter decides
//!
//! Telnyx counts requests per credential in windows and says, on every
//! response, `x-ratelimit-limit` (per window), `x-ratelimit-remaining`
//! (left after this request) and `x-ratelimit-reset` (seconds until the
//! window refills). The limiter turns what the responses say into a **lower
//! bound on the requests that may still be sent** without a 429, and sends a
//! request only while that bound is at least one:
//!
//! - A response that says `remaining: r` allows `r` more requests, minus
//!   every request that may have reached Telnyx after it: those sent while
//!   it was in flight, and those sent since. Requests answered before it was
//!   sent are already in `r`. This counts requests **sent but not yet
//!   answered**, not only the last header seen: 50 tasks that all read
//!   `remaining: 49` do not all go.
//! - Once `reset` has passed since a response arrived, the window it was
//!   counted in has surely refilled: it then allows `limit` requests, minus
//!   the same requests (they may have been counted in the new window).
//! - The bound is the best of these over every response seen. While it is
//!   below one, requests wait (on a timer and on the responses in flight),
//!   in one place for every task of the client.
//! - A **429** means the view was wrong (another program using the same
//!   key, or a limit that changed): everything learnt before it is dropped,
//!   and every task of the client holds until the 429's wait (its
//!   `Retry-After`, else `x-ratelimit-reset`, else 1 s) has passed. The call
//!   that got it is retried after that wait, as its
//!   [`RetryPolicy`](crate::RetryPolicy) says.
//! - Until the first response says whether there is a limit, one request
//!   goes at a time (for at most [`PROBE_PATIENCE`]); after a response with
//!   no `x-ratelimit-*` headers the limiter lets everything through (only
//!   the concurrency bound applies) until headers appear.
//!
//! With one client per API key, this sends no request that Telnyx would
//! refuse, however many tasks share the client, as long as Telnyx counts as
//! its headers say (fixed windows, `reset` rounded up). What it cannot see:
//! other programs, or other `Client`s built separately, using the same key
//! (share one `Client` and clone it), and requests that timed out on the
//! client but still reach Telnyx later. Those can cost a 429, which is
//! retried and resets the view as above.
//!
//! Its cost when nothing waits: a semaphore's atomic and one uncontended
//! lock per attempt.
//!
//! # Seeing the waits
//!
//! Each attempt's [`AttemptInfo`](crate::hooks::AttemptInfo) carries how
//! long it waited for a slot (`concurrency_wait`) and for the rate limit
//! (`rate_limit_wait`); [`RequestCounter`](crate::hooks::RequestCounter)
//! adds them up; and a `DEBUG` tracing event, "waited for the rate limiter",
//! is emitted in the call's `telnyx.request` span with `wait_ms` whenever an
//! attempt had to wait for a pass.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), telnyx_accounts::Error> {
//! # let mock = telnyx_accounts_mock::MockServer::start().await;
//! use telnyx_accounts::hooks::RequestCounter;
//! use telnyx_accounts::Client;
//!
//! let counter = RequestCounter::new();
//! let client = Client::builder()
//!     .api_key(mock.api_key())
//!     .base_url(mock.base_url())
//!     .max_concurrency(16) // at most 16 requests in flight, across all clones
//!     .hook(counter.clone())
//!     .build()?;
//! client.managed_accounts().list().await?;
//! let counts = counter.snapshot();
//! println!("{} attempts waited {:?} for the rate limit", counts.rate_limit_waits, counts.rate_limit_wait_time);
//! # Ok(()) }
//! ```
//!
//! [`ClientBuilder::max_concurrency`]: crate::ClientBuilder::max_concurrency
//! [`ClientBuilder::pacing`]: crate::ClientBuilder::pacing

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::{Notify, Semaphore, SemaphorePermit, TryAcquireError};

use crate::error::RateLimit;

/// Requests in flight at once per [`Client`](crate::Client) (all clones)
/// unless set otherwise with
/// [`ClientBuilder::max_concurrency`](crate::ClientBuilder::max_concurrency).
///
/// 64 keeps a client far from being the bottleneck (at 40 ms per request
/// that is 1,600 requests a second, at 200 ms 320, above any per-key rate
/// limit Telnyx applies) while bounding the sockets, buffers and server work
/// that a `join_all` over thousands of calls would otherwise start at once.
pub const DEFAULT_MAX_CONCURRENCY: usize = 64;

/// How long requests wait for the very first response of a client (which
/// says whether there is a rate limit) before they go anyway.
pub(crate) const PROBE_PATIENCE: Duration = Duration::from_secs(1);

/// The window assumed when a response gives a limit but no reset.
const DEFAULT_RESET: Duration = Duration::from_secs(1);

/// At most this many pending refills are remembered (merging the latest).
const MAX_REFILLS: usize = 1024;

/// The slot and the pass an attempt holds while it is in flight.
pub(crate) struct Permit<'a> {
    _slot: Option<SemaphorePermit<'a>>,
    pass: Option<Pass<'a>>,
    /// How long the attempt waited for a slot.
    pub(crate) concurrency_wait: Duration,
    /// How long the attempt waited for a pass.
    pub(crate) rate_limit_wait: Duration,
}

impl Permit<'_> {
    /// Hands the permit back with what the response said: its status, its
    /// rate-limit headers, and (on a 429) the wait the server asked for.
    pub(crate) fn answered(
        mut self,
        status: u16,
        rate_limit: Option<&RateLimit>,
        server_delay: Option<Duration>,
    ) {
        if let Some(mut pass) = self.pass.take() {
            pass.done = true;
            pass.pacer.release(
                pass.k,
                Some(Observation {
                    status,
                    rate_limit,
                    server_delay,
                }),
            );
        }
    }
}

/// Why no permit was had: the deadline passed while waiting.
#[derive(Debug)]
pub(crate) struct Queued {
    pub(crate) waited: Duration,
}

/// Bounds requests in flight and paces them.
pub(crate) struct Limiter {
    slots: Option<Semaphore>,
    pacer: Option<Pacer>,
}

impl Limiter {
    /// `max_concurrency` at least 1 (larger than tokio's largest semaphore:
    /// no bound).
    pub(crate) fn new(max_concurrency: usize, pacing: bool) -> Self {
        Self {
            slots: (max_concurrency < Semaphore::MAX_PERMITS)
                .then(|| Semaphore::new(max_concurrency.max(1))),
            pacer: pacing.then(Pacer::default),
        }
    }

    /// A slot, then a pass, waiting at most until `deadline`.
    pub(crate) async fn acquire(&self, deadline: Instant) -> Result<Permit<'_>, Queued> {
        let mut permit = Permit {
            _slot: None,
            pass: None,
            concurrency_wait: Duration::ZERO,
            rate_limit_wait: Duration::ZERO,
        };
        if let Some(slots) = &self.slots {
            permit._slot = Some(match slots.try_acquire() {
                Ok(slot) => slot,
                Err(TryAcquireError::NoPermits) => {
                    let start = Instant::now();
                    let slot = tokio::time::timeout_at(deadline.into(), slots.acquire()).await;
                    permit.concurrency_wait = start.elapsed();
                    match slot {
                        Ok(Ok(slot)) => slot,
                        // Never closed; treat it as no bound.
                        Ok(Err(_)) => return Ok(permit),
                        Err(_) => {
                            return Err(Queued {
                                waited: permit.concurrency_wait,
                            })
                        }
                    }
                }
                Err(TryAcquireError::Closed) => return Ok(permit),
            });
        }
        if let Some(pacer) = &self.pacer {
            let k = match pacer.try_grant() {
                Some(k) => k,
                None => {
                    let start = Instant::now();
                    let k = tokio::time::timeout_at(deadline.into(), pacer.wait()).await;
                    permit.rate_limit_wait = start.elapsed();
                    match k {
                        Ok(k) => k,
                        Err(_) => {
                            return Err(Queued {
                                waited: permit.concurrency_wait + permit.rate_limit_wait,
                            })
                        }
                    }
                }
            };
            permit.pass = Some(Pass {
                pacer,
                k,
                done: false,
            });
        }
        Ok(permit)
    }
}

/// One granted request, counted until it is handed back.
struct Pass<'a> {
    pacer: &'a Pacer,
    /// 1 + the passes handed back before this one was granted: every other
    /// pass granted so far may reach the server after this one.
    k: u64,
    done: bool,
}

impl Drop for Pass<'_> {
    fn drop(&mut self) {
        if !self.done {
            // No response: a failure, a timeout, or a cancelled call.
            self.pacer.release(self.k, None);
        }
    }
}

/// What a response said, as the pacer needs it.
struct Observation<'r> {
    status: u16,
    rate_limit: Option<&'r RateLimit>,
    server_delay: Option<Duration>,
}

#[derive(Default)]
struct Pacer {
    state: Mutex<State>,
    changed: Notify,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Mode {
    /// Nothing known yet: one request at a time.
    #[default]
    Probing,
    /// The server sends no rate-limit headers: no pacing.
    Unlimited,
    /// Paced by the bound.
    Paced,
}

/// A bound that applies from `at` on.
#[derive(Debug, Clone, Copy)]
struct Refill {
    at: Instant,
    base: u64,
}

/// Counts are in passes. With `granted` passes granted so far, the requests
/// that may still be sent are at least `base - granted`.
#[derive(Debug, Default)]
struct State {
    mode: Mode,
    granted: u64,
    released: u64,
    /// The best `remaining + k` (or, after a refill, `limit + k`) seen.
    base: u64,
    /// The limit, as last said (or the most that `remaining + 1` implies).
    limit: u64,
    /// Bounds that apply once a window has surely refilled, by time, each
    /// later one larger.
    refills: VecDeque<Refill>,
    /// Nothing goes before this (a 429 with no rate-limit headers).
    hold_until: Option<Instant>,
    /// When the current probe was granted.
    probe_since: Option<Instant>,
    /// Tasks waiting for a pass.
    waiters: usize,
}

/// What a task that got no pass waits for.
enum Wait {
    /// A response (or a release), or this time, whichever comes first.
    Until(Instant),
    /// A response (or a release).
    Released,
}

impl Pacer {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A pass at once, if one can be had without reading the clock.
    fn try_grant(&self) -> Option<u64> {
        let mut s = self.lock();
        match s.mode {
            Mode::Unlimited => Some(s.grant()),
            Mode::Paced if s.base > s.granted => Some(s.grant()),
            _ => None,
        }
    }

    /// Waits for a pass.
    async fn wait(&self) -> u64 {
        loop {
            let notified = self.changed.notified();
            tokio::pin!(notified);
            // Registered before the state is read: a release after the read
            // wakes this task.
            notified.as_mut().enable();
            let wait = {
                let mut s = self.lock();
                match s.poll_grant(Instant::now()) {
                    Ok(k) => return k,
                    Err(w) => {
                        s.waiters += 1;
                        w
                    }
                }
            };
            let _waiting = Waiting(self);
            match wait {
                Wait::Released => notified.await,
                Wait::Until(at) => {
                    tokio::select! {
                        _ = notified => {}
                        _ = tokio::time::sleep_until(at.into()) => {}
                    }
                }
            }
        }
    }

    fn release(&self, k: u64, observation: Option<Observation<'_>>) {
        let wake = {
            let mut s = self.lock();
            s.released += 1;
            if let Some(o) = observation {
                s.observe(k, &o, Instant::now());
            }
            s.waiters > 0
        };
        if wake {
            self.changed.notify_waiters();
        }
    }
}

/// Takes a waiting task off the count, also when its wait is cancelled.
struct Waiting<'a>(&'a Pacer);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        let mut s = self.0.lock();
        s.waiters = s.waiters.saturating_sub(1);
    }
}

impl State {
    fn grant(&mut self) -> u64 {
        self.granted += 1;
        self.released + 1
    }

    fn outstanding(&self) -> u64 {
        self.granted.saturating_sub(self.released)
    }

    /// A pass, or what to wait for.
    fn poll_grant(&mut self, now: Instant) -> Result<u64, Wait> {
        if let Some(hold) = self.hold_until {
            if now < hold {
                return Err(Wait::Until(hold));
            }
            self.hold_until = None;
        }
        match self.mode {
            Mode::Unlimited => Ok(self.grant()),
            Mode::Probing => {
                let patience_ends = self.probe_since.map(|t| t + PROBE_PATIENCE);
                match patience_ends {
                    Some(ends) if self.outstanding() > 0 && now < ends => Err(Wait::Until(ends)),
                    _ => {
                        self.probe_since = Some(now);
                        Ok(self.grant())
                    }
                }
            }
            Mode::Paced => {
                self.advance(now);
                if self.base > self.granted {
                    return Ok(self.grant());
                }
                if let Some(next) = self.refills.front() {
                    Err(Wait::Until(next.at))
                } else if self.outstanding() > 0 {
                    Err(Wait::Released)
                } else {
                    // Nothing left to learn from or wait for (requests that
                    // failed without a response): learn again.
                    self.mode = Mode::Probing;
                    self.probe_since = Some(now);
                    Ok(self.grant())
                }
            }
        }
    }

    /// Applies the refills due by `now`.
    fn advance(&mut self, now: Instant) {
        while let Some(r) = self.refills.front() {
            if r.at > now {
                break;
            }
            self.base = self.base.max(r.base);
            self.refills.pop_front();
        }
    }

    fn observe(&mut self, k: u64, o: &Observation<'_>, now: Instant) {
        let remaining = o.rate_limit.and_then(|rl| rl.remaining);
        let Some(remaining) = remaining else {
            if o.status == 429 {
                // Refused, and nothing says how the window stands: hold
                // everyone, then learn again.
                let wait = o.server_delay.unwrap_or(DEFAULT_RESET);
                self.hold_until = Some(self.hold_until.map_or(now + wait, |h| h.max(now + wait)));
                self.mode = Mode::Probing;
                self.probe_since = None;
                self.refills.clear();
            } else if self.mode == Mode::Probing {
                self.mode = Mode::Unlimited;
            }
            return;
        };
        let said = o.rate_limit.and_then(|rl| rl.limit);
        let floor = remaining.saturating_add(1);
        self.limit = match said {
            Some(l) => l.max(floor),
            None => self.limit.max(floor),
        };
        let reset = o
            .rate_limit
            .and_then(|rl| rl.reset)
            .unwrap_or(DEFAULT_RESET);
        self.mode = Mode::Paced;
        self.probe_since = None;
        if o.status == 429 {
            // The server refused: whatever was believed, the window is
            // spent. Start over from this response alone.
            let wait = o.server_delay.unwrap_or(reset);
            self.base = k;
            self.refills.clear();
            self.push_refill(now + wait, self.limit.saturating_add(k));
        } else {
            self.base = self.base.max(remaining.saturating_add(k));
            self.push_refill(now + reset, self.limit.saturating_add(k));
        }
    }

    /// Remembers that `base` applies from `at` on, keeping the refills a
    /// staircase (later ones larger) and bounded.
    fn push_refill(&mut self, at: Instant, base: u64) {
        if base <= self.base {
            return;
        }
        // Refills no earlier and no larger than this one are of no more use.
        while self
            .refills
            .back()
            .is_some_and(|r| r.at >= at && r.base <= base)
        {
            self.refills.pop_back();
        }
        // Where it goes: after the last refill due no later than it.
        let i = self.refills.partition_point(|r| r.at <= at);
        if i > 0 && self.refills[i - 1].base >= base {
            return; // an earlier refill already gives as much
        }
        self.refills.insert(i, Refill { at, base });
        // Any later refill no larger than this one is of no more use.
        while self.refills.get(i + 1).is_some_and(|r| r.base <= base) {
            self.refills.remove(i + 1);
        }
        if self.refills.len() > MAX_REFILLS {
            // Merging two refills into the later time and the larger bound
            // is safe (the bound holds from then on); it only waits longer.
            if let (Some(last), Some(prev)) = (self.refills.pop_back(), self.refills.pop_back()) {
                self.refills.push_back(Refill {
                    at: last.at.max(prev.at),
                    base: last.base.max(prev.base),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rl(limit: u64, remaining: u64, reset_s: u64) -> RateLimit {
        RateLimit {
            limit: Some(limit),
            remaining: Some(remaining),
            reset: Some(Duration::from_secs(reset_s)),
        }
    }

    fn answer(s: &mut State, k: u64, status: u16, r: Option<&RateLimit>, now: Instant) {
        s.released += 1;
        let o = Observation {
            status,
            rate_limit: r,
            server_delay: None,
        };
        s.observe(k, &o, now);
    }

    #[test]
    fn one_probe_then_the_remaining_minus_what_is_in_flight() {
        let t0 = Instant::now();
        let mut s = State::default();
        let k = s.poll_grant(t0).ok().unwrap();
        assert!(s.poll_grant(t0).is_err(), "one probe at a time");
        answer(&mut s, k, 200, Some(&rl(5, 4, 1)), t0);
        // Four more, and no fifth until the window refills.
        let ks: Vec<u64> = (0..4).map(|_| s.poll_grant(t0).ok().unwrap()).collect();
        assert!(matches!(s.poll_grant(t0), Err(Wait::Until(_))));
        // Their answers say nothing new: still nothing.
        for (i, k) in ks.into_iter().enumerate() {
            answer(&mut s, k, 200, Some(&rl(5, 3 - i as u64, 1)), t0);
        }
        assert!(s.poll_grant(t0).is_err());
        // A second later the window has surely refilled.
        let t1 = t0 + Duration::from_secs(1);
        let granted = (0..10).take_while(|_| s.poll_grant(t1).is_ok()).count();
        assert!((1..=5).contains(&granted), "{granted}");
    }

    #[test]
    fn requests_in_flight_count_against_the_remaining() {
        let t0 = Instant::now();
        let mut s = State::default();
        let k = s.poll_grant(t0).ok().unwrap();
        answer(&mut s, k, 200, Some(&rl(100, 10, 1)), t0);
        let held: Vec<u64> = (0..10).map(|_| s.poll_grant(t0).ok().unwrap()).collect();
        assert!(s.poll_grant(t0).is_err(), "10 in flight use up the 10 left");
        // One answers with a remaining that already counts all ten: no more.
        answer(&mut s, held[9], 200, Some(&rl(100, 0, 1)), t0);
        assert!(s.poll_grant(t0).is_err());
    }

    #[test]
    fn no_headers_means_no_pacing() {
        let t0 = Instant::now();
        let mut s = State::default();
        let k = s.poll_grant(t0).ok().unwrap();
        answer(&mut s, k, 200, None, t0);
        assert_eq!(s.mode, Mode::Unlimited);
        assert!((0..1000).all(|_| s.poll_grant(t0).is_ok()));
    }

    /// Two requests in flight are both refused: the hold lasts until the
    /// later of their waits, whichever answer comes first.
    #[test]
    fn the_longer_of_two_429s_waits_holds_everyone() {
        let refused = |wait_s: u64| Observation {
            status: 429,
            rate_limit: None,
            server_delay: Some(Duration::from_secs(wait_s)),
        };
        // (first wait, second wait 0.5 s later, the hold's end in ms)
        for (first, second, held_ms) in [(1, 3, 3_500), (3, 1, 3_000)] {
            let t0 = Instant::now();
            let mut s = State::default();
            let k = s.poll_grant(t0).ok().unwrap();
            answer(&mut s, k, 200, None, t0);
            let (a, b) = (
                s.poll_grant(t0).ok().unwrap(),
                s.poll_grant(t0).ok().unwrap(),
            );
            s.released += 1;
            s.observe(a, &refused(first), t0);
            s.released += 1;
            s.observe(b, &refused(second), t0 + Duration::from_millis(500));
            let until = t0 + Duration::from_millis(held_ms);
            assert!(
                s.poll_grant(until - Duration::from_millis(1)).is_err(),
                "{first} s then {second} s"
            );
            assert!(s.poll_grant(until).is_ok(), "{first} s then {second} s");
        }
    }

    #[test]
    fn a_429_holds_everyone_until_its_wait_is_over() {
        let t0 = Instant::now();
        let mut s = State::default();
        let k = s.poll_grant(t0).ok().unwrap();
        answer(&mut s, k, 200, Some(&rl(100, 99, 1)), t0);
        let k = s.poll_grant(t0).ok().unwrap();
        let o = Observation {
            status: 429,
            rate_limit: Some(&rl(100, 0, 3)),
            server_delay: Some(Duration::from_secs(3)),
        };
        s.released += 1;
        s.observe(k, &o, t0);
        assert!(s.poll_grant(t0 + Duration::from_millis(2_999)).is_err());
        assert!(s.poll_grant(t0 + Duration::from_secs(3)).is_ok());
    }

    /// With the bound spent and no refill to come, a request waits for an
    /// answer still in flight; with none in flight (they failed without
    /// one), it goes as a new probe instead of waiting forever.
    #[test]
    fn a_spent_bound_waits_for_answers_in_flight_and_probes_when_there_are_none() {
        let t0 = Instant::now();
        let mut s = State::default();
        let k = s.poll_grant(t0).ok().unwrap();
        answer(&mut s, k, 200, Some(&rl(2, 1, 1)), t0);
        // The one request left now, then the window's refill.
        assert!(s.poll_grant(t0).is_ok());
        s.released += 1; // failed without an answer
        assert!(matches!(s.poll_grant(t0), Err(Wait::Until(_))));
        let t1 = t0 + Duration::from_secs(1);
        assert!(s.poll_grant(t1).is_ok());
        // Spent, no refill to come, one request in flight: wait for it.
        assert!(matches!(s.poll_grant(t1), Err(Wait::Released)));
        // It fails without an answer: nothing to wait for, so probe.
        s.released += 1;
        assert!(s.poll_grant(t1).is_ok());
        assert_eq!(s.mode, Mode::Probing);
    }

    #[test]
    fn refills_stay_a_bounded_staircase() {
        let t0 = Instant::now();
        let mut s = State::default();
        for i in 0..5_000u64 {
            s.push_refill(t0 + Duration::from_millis(i), 10 + i);
        }
        // As many as the bound says, and no more.
        assert_eq!(s.refills.len(), MAX_REFILLS);
        let v: Vec<_> = s.refills.iter().collect();
        assert!(v
            .windows(2)
            .all(|w| w[0].at <= w[1].at && w[0].base < w[1].base));
        // An earlier, smaller one goes before; a later, smaller one is dropped.
        let mut s = State::default();
        s.push_refill(t0 + Duration::from_secs(2), 50);
        s.push_refill(t0 + Duration::from_secs(1), 40);
        s.push_refill(t0 + Duration::from_secs(3), 45);
        let v: Vec<u64> = s.refills.iter().map(|r| r.base).collect();
        assert_eq!(v, [40, 50]);
        // An earlier, larger one replaces the later ones it outgrows, and
        // keeps the earlier ones: each refill still comes when it is due.
        let mut s = State::default();
        for (ms, base) in [(1_000, 40), (2_000, 50), (3_000, 60)] {
            s.push_refill(t0 + Duration::from_millis(ms), base);
        }
        s.push_refill(t0 + Duration::from_millis(1_500), 55);
        let bases = |s: &State| s.refills.iter().map(|r| r.base).collect::<Vec<u64>>();
        assert_eq!(bases(&s), [40, 55, 60]);
        s.push_refill(t0 + Duration::from_millis(500), 70);
        assert_eq!(bases(&s), [70]);
    }
}
