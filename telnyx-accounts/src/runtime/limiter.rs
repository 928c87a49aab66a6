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
//!   and the client is **held**: no call of any task is sent until the
//!   429's wait (its `Retry-After`, else `x-ratelimit-reset`, else 1 s) has
//!   passed, whatever other responses say meanwhile, and new calls too
//!   (the hold binds every path, the fast one included). The call that got
//!   it is retried after that wait, as its
//!   [`RetryPolicy`](crate::RetryPolicy) says.
//! - **A hold no call should wait out.** A hold binds the client whatever
//!   its length: Telnyx said no request of this key will be taken before
//!   then, and sending anyway only collects more 429s. But a call waits for
//!   a hold only when it ends within the call's deadline and is no longer
//!   than the call's [`RetryPolicy::max_server_delay`](crate::RetryPolicy::max_server_delay)
//!   (the cap on waits the server asks for, default 60 s). Otherwise the
//!   call fails at once, unsent, with [`Error::Held`](crate::Error::Held),
//!   whose [`retry_after`](crate::HeldError::retry_after) says when the hold
//!   ends (a `Retry-After: 3600` fails every call at once for an hour,
//!   instead of each waiting its full deadline). Sending it again after
//!   that is safe.
//! - **First come, first served.** Calls that have to wait form one queue
//!   and get their passes in the order they came; a new call never goes
//!   past a waiting one. Only the first in line watches the clock; each
//!   answer wakes it alone, and each pass granted wakes the next.
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
//! lock per attempt, with no clock read and no timer (the hold check is a
//! field test under that lock).
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
use std::sync::{Arc, Mutex, MutexGuard};
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

/// `now + wait`, or, when that is past what an `Instant` can hold, a time
/// no program lives to see (about 30 years ahead, as tokio does).
pub(crate) fn saturating_at(now: Instant, wait: Duration) -> Instant {
    const FAR: Duration = Duration::from_secs(86_400 * 365 * 30);
    now.checked_add(wait)
        .or_else(|| now.checked_add(FAR))
        .unwrap_or(now)
}

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
    /// `now`: when it arrived (the caller's clock read, shared).
    pub(crate) fn answered(
        mut self,
        status: u16,
        rate_limit: Option<&RateLimit>,
        server_delay: Option<Duration>,
        now: Instant,
    ) {
        if let Some(mut pass) = self.pass.take() {
            pass.done = true;
            pass.pacer.release(
                pass.k,
                Some((
                    Observation {
                        status,
                        rate_limit,
                        server_delay,
                    },
                    now,
                )),
            );
        }
    }
}

/// Why no permit was had.
#[derive(Debug)]
pub(crate) enum Refused {
    /// The deadline passed while waiting.
    Queued { waited: Duration },
    /// A 429's hold ends after the call's deadline, or is longer than the
    /// call's policy waits out: failed at once, `wait` before the hold ends.
    Held { wait: Duration, waited: Duration },
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

    /// A slot, then a pass, waiting at most until `deadline` (`None`: no
    /// deadline), and for a 429's hold at most `max_hold`.
    pub(crate) async fn acquire(
        &self,
        deadline: Option<Instant>,
        max_hold: Duration,
    ) -> Result<Permit<'_>, Refused> {
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
                    // A hold this call cannot wait out fails it before it
                    // queues for a slot (off the fast path: no lock there).
                    if let Some(pacer) = &self.pacer
                        && let Err(wait) = pacer.check_hold(Instant::now(), deadline, max_hold)
                    {
                        return Err(Refused::Held {
                            wait,
                            waited: Duration::ZERO,
                        });
                    }
                    let start = Instant::now();
                    // Boxed, as the wait below: off the fast path, and
                    // kept out of the size of every call's future.
                    let slot = Box::pin(within(deadline, slots.acquire())).await;
                    permit.concurrency_wait = start.elapsed();
                    match slot {
                        Some(Ok(slot)) => slot,
                        // Never closed; treat it as no bound.
                        Some(Err(_)) => return Ok(permit),
                        None => {
                            return Err(Refused::Queued {
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
                    let k = Box::pin(within(deadline, pacer.wait(deadline, max_hold))).await;
                    permit.rate_limit_wait = start.elapsed();
                    let waited = permit.concurrency_wait + permit.rate_limit_wait;
                    match k {
                        Some(Ok(k)) => k,
                        Some(Err(wait)) => return Err(Refused::Held { wait, waited }),
                        None => return Err(Refused::Queued { waited }),
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

/// `fut`'s output, or `None` if `deadline` passes first.
async fn within<F: std::future::Future>(deadline: Option<Instant>, fut: F) -> Option<F::Output> {
    match deadline {
        Some(at) => tokio::time::timeout_at(at.into(), fut).await.ok(),
        None => Some(fut.await),
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

/// A task waiting for a pass, in the order they came.
#[derive(Debug)]
struct Waiter {
    ticket: u64,
    wake: Arc<Notify>,
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
    /// Nothing goes before this: a 429's wait.
    hold_until: Option<Instant>,
    /// When the current probe was granted.
    probe_since: Option<Instant>,
    /// Tasks waiting for a pass, first come first served: only the first
    /// may take one, and a new call never goes past them.
    queue: VecDeque<Waiter>,
    /// The next waiter's ticket.
    next_ticket: u64,
}

/// What a task that got no pass waits for.
enum Wait {
    /// A wake-up (a response, a release, its turn), or this time, whichever
    /// comes first.
    Until(Instant),
    /// A wake-up.
    Released,
}

impl Pacer {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A pass at once, if one can be had without reading the clock: no
    /// hold, nobody queued, and the bound not spent. One uncontended lock.
    fn try_grant(&self) -> Option<u64> {
        let mut s = self.lock();
        if s.hold_until.is_some() || !s.queue.is_empty() {
            return None;
        }
        match s.mode {
            Mode::Unlimited => Some(s.grant()),
            Mode::Paced if s.base > s.granted => Some(s.grant()),
            _ => None,
        }
    }

    /// `Err(wait)` when a hold is under way that a call with this deadline
    /// and this longest wait cannot wait out.
    fn check_hold(
        &self,
        now: Instant,
        deadline: Option<Instant>,
        max_hold: Duration,
    ) -> Result<(), Duration> {
        match self.lock().held(now) {
            Some(until) => hold_fits(now, until, deadline, max_hold),
            None => Ok(()),
        }
    }

    /// Waits for a pass, in turn; `Err(wait)` at once for a hold that ends
    /// after `deadline` or lasts longer than `max_hold`.
    async fn wait(&self, deadline: Option<Instant>, max_hold: Duration) -> Result<u64, Duration> {
        let wake = Arc::new(Notify::new());
        let ticket = {
            let mut s = self.lock();
            let ticket = s.next_ticket;
            s.next_ticket += 1;
            s.queue.push_back(Waiter {
                ticket,
                wake: Arc::clone(&wake),
            });
            ticket
        };
        // Leaves the queue however this ends (a pass, a refusal, a drop).
        let _in_queue = InQueue {
            pacer: self,
            ticket,
        };
        loop {
            // `notify_one` keeps a permit for a task not yet waiting: a
            // wake-up between the read below and the await is not lost.
            let wait = {
                let mut s = self.lock();
                let now = Instant::now();
                match s.held(now) {
                    Some(until) => {
                        hold_fits(now, until, deadline, max_hold)?;
                        Wait::Until(until)
                    }
                    None if s.queue.front().map(|w| w.ticket) != Some(ticket) => Wait::Released,
                    None => match s.poll_grant(now) {
                        // Leaving the queue (`_in_queue`) wakes the next.
                        Ok(k) => return Ok(k),
                        Err(w) => w,
                    },
                }
            };
            match wait {
                Wait::Released => wake.notified().await,
                Wait::Until(at) => {
                    tokio::select! {
                        _ = wake.notified() => {}
                        _ = tokio::time::sleep_until(at.into()) => {}
                    }
                }
            }
        }
    }

    /// Hands a pass back, with what its response said and when it arrived.
    fn release(&self, k: u64, observation: Option<(Observation<'_>, Instant)>) {
        let wake: Vec<Arc<Notify>> = {
            let mut s = self.lock();
            s.released += 1;
            let hold = s.hold_until;
            if let Some((o, now)) = observation {
                s.observe(k, &o, now);
            }
            if s.hold_until != hold {
                // A new hold: every waiter checks it against its own
                // deadline and policy (rare: a 429).
                s.queue.iter().map(|w| Arc::clone(&w.wake)).collect()
            } else {
                // The first in line: it takes what this frees, then wakes
                // the next.
                s.queue
                    .front()
                    .map(|w| Arc::clone(&w.wake))
                    .into_iter()
                    .collect()
            }
        };
        for w in wake {
            w.notify_one();
        }
    }
}

/// Whether a hold until `until` can be waited out: `Err` with the wait
/// when it ends after `deadline` or lasts longer than `max_hold`.
fn hold_fits(
    now: Instant,
    until: Instant,
    deadline: Option<Instant>,
    max_hold: Duration,
) -> Result<(), Duration> {
    let wait = until.saturating_duration_since(now);
    if wait > max_hold || deadline.is_some_and(|d| until > d) {
        Err(wait)
    } else {
        Ok(())
    }
}

/// A waiter's place in the queue, given up when it is dropped; the next in
/// line is then woken to take its turn.
struct InQueue<'a> {
    pacer: &'a Pacer,
    ticket: u64,
}

impl Drop for InQueue<'_> {
    fn drop(&mut self) {
        let next = {
            let mut s = self.pacer.lock();
            let Some(i) = s.queue.iter().position(|w| w.ticket == self.ticket) else {
                return;
            };
            s.queue.remove(i);
            if i == 0 {
                s.queue.front().map(|w| Arc::clone(&w.wake))
            } else {
                None
            }
        };
        if let Some(w) = next {
            w.notify_one();
        }
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

    /// The end of the hold under way, if any (one that is over is dropped).
    fn held(&mut self, now: Instant) -> Option<Instant> {
        match self.hold_until {
            Some(until) if now < until => Some(until),
            _ => {
                self.hold_until = None;
                None
            }
        }
    }

    /// A pass, or what to wait for.
    fn poll_grant(&mut self, now: Instant) -> Result<u64, Wait> {
        if let Some(until) = self.held(now) {
            return Err(Wait::Until(until));
        }
        match self.mode {
            Mode::Unlimited => Ok(self.grant()),
            Mode::Probing => {
                let patience_ends = self.probe_since.map(|t| saturating_at(t, PROBE_PATIENCE));
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
                self.hold(now, o.server_delay.unwrap_or(DEFAULT_RESET));
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
            // Nothing goes before its wait is over, whatever other
            // responses say meanwhile.
            let wait = o.server_delay.unwrap_or(reset);
            self.hold(now, wait);
            self.base = k;
            self.refills.clear();
            self.push_refill(saturating_at(now, wait), self.limit.saturating_add(k));
        } else {
            self.base = self.base.max(remaining.saturating_add(k));
            self.push_refill(saturating_at(now, reset), self.limit.saturating_add(k));
        }
    }

    /// Holds every call until `wait` from `now` (or a later hold's end).
    fn hold(&mut self, now: Instant, wait: Duration) {
        let until = saturating_at(now, wait);
        self.hold_until = Some(self.hold_until.map_or(until, |h| h.max(until)));
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

    /// Item 1 of issue 21: a 429 with no rate-limit headers holds every
    /// call; a 200 without headers from a request already in flight (which
    /// turns the mode back to `Unlimited`) must not let a new call through
    /// the fast path before the hold ends.
    #[test]
    fn a_hold_binds_the_fast_path_too() {
        let pacer = Pacer::default();
        let t0 = Instant::now();
        {
            let mut s = pacer.lock();
            let k = s.poll_grant(t0).ok().unwrap();
            answer(&mut s, k, 200, None, t0);
            assert_eq!(s.mode, Mode::Unlimited);
        }
        let (a, b) = (pacer.try_grant().unwrap(), pacer.try_grant().unwrap());
        pacer.release(
            a,
            Some((
                Observation {
                    status: 429,
                    rate_limit: None,
                    server_delay: Some(Duration::from_secs(2)),
                },
                Instant::now(),
            )),
        );
        pacer.release(
            b,
            Some((
                Observation {
                    status: 200,
                    rate_limit: None,
                    server_delay: None,
                },
                Instant::now(),
            )),
        );
        assert_eq!(pacer.lock().mode, Mode::Unlimited, "the in-flight 200");
        assert_eq!(pacer.try_grant(), None, "held: no pass on the fast path");
    }

    /// Item 9 of issue 21: a pass freed while a call waits goes to that
    /// call, not to a new call that asks first through the fast path (a
    /// task that got an answer and sends its next call at once).
    #[tokio::test]
    async fn a_freed_pass_goes_to_the_call_already_waiting() {
        let pacer = Pacer::default();
        let t0 = Instant::now();
        {
            let mut s = pacer.lock();
            let k = s.poll_grant(t0).ok().unwrap();
            answer(&mut s, k, 200, Some(&rl(100, 1, 600)), t0);
        }
        let p = pacer.try_grant().expect("the one left");
        let mut waiting = Box::pin(pacer.wait(None, Duration::MAX));
        assert!(
            futures::poll!(waiting.as_mut()).is_pending(),
            "spent: waits"
        );
        // The answer to `p` says one more may go.
        let one_more = rl(100, 1, 600);
        pacer.release(
            p,
            Some((
                Observation {
                    status: 200,
                    rate_limit: Some(&one_more),
                    server_delay: None,
                },
                Instant::now(),
            )),
        );
        assert_eq!(pacer.try_grant(), None, "a newcomer does not go first");
        assert!(
            matches!(
                futures::poll!(waiting.as_mut()),
                std::task::Poll::Ready(Ok(_))
            ),
            "the waiting call takes it"
        );
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
