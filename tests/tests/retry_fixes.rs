//! Four retry behaviours that hurt users, each shown against a misbehaving
//! `MockServer`: the attempts the server saw, how long the client waited
//! (lower and upper bounds), and the error the caller got.
//!
//! 1. `x-ratelimit-reset` (sent on every Telnyx response) must not become
//!    the wait before retrying a 502.
//! 2. `remove` must not be retried after an attempt that may have removed
//!    the user: the retry's 404 would hide the success.
//! 3. A server wait longer than the policy's cap is not waited out (nor
//!    shortened to the cap, which only collects another 429).
//! 4. `is_retryable()` is false for a `create` that may have gone through,
//!    and a connect timeout (nothing sent) is retried even for `create`.
//!
//! Every call runs under a generous outer timeout, so a regression fails
//! the test instead of hanging it.

use std::future::IntoFuture;
use std::time::{Duration, Instant};

use telnyx_accounts::{ApiErrorKind, Client, Error};
use telnyx_accounts_mock::{Fault, FaultRule, MockServer, RetryHint};

use crate::support::{builder, client, quick, seen};

/// No scenario here legitimately takes longer.
const OUTER: Duration = Duration::from_secs(10);

/// Runs `call`, failing the test if it takes longer than [`OUTER`];
/// returns its result and how long it took.
async fn timed<T>(call: impl IntoFuture<Output = T>) -> (T, Duration) {
    let started = Instant::now();
    let out = tokio::time::timeout(OUTER, call)
        .await
        .unwrap_or_else(|_| panic!("the call took longer than {OUTER:?}"));
    (out, started.elapsed())
}

#[tokio::test]
async fn a_502_carrying_x_ratelimit_reset_is_retried_after_the_backoff_not_the_reset() {
    let mock = MockServer::start().await;
    let id = mock.accounts()[0].id;
    // Telnyx sends the rate-limit headers on every response; here the window
    // refills in 45 s, and 7 requests are left in it.
    mock.inject(
        FaultRule::new(Fault::Status(502))
            .operation("RetrieveManagedAccount")
            .times(2)
            .header("x-ratelimit-reset", "45")
            .header("x-ratelimit-remaining", "7")
            .header("x-ratelimit-limit", "100"),
    );
    // The quick policy's backoffs: 10 ms each, minus up to 25 %.
    let client = builder(&mock)
        .retry_policy(quick(2))
        .build()
        .expect("client");
    let (result, took) = timed(client.managed_accounts().retrieve(id)).await;
    assert_eq!(result.expect("third attempt succeeds").id, id);
    assert_eq!(seen(&mock, "RetrieveManagedAccount"), 3);
    assert!(took >= Duration::from_millis(15), "{took:?}");
    assert!(
        took < Duration::from_secs(4),
        "waited for the reset: {took:?}"
    );
}

#[tokio::test]
async fn a_removal_whose_response_was_lost_is_not_retried_into_a_404() {
    let mock = MockServer::start().await;
    let user = mock.users()[1].id.clone();
    // The removal happens and the head is sent, but the body never arrives
    // within the client's timeout.
    mock.inject(
        FaultRule::new(Fault::StallBody(Duration::from_secs(5)))
            .operation("DeleteOrganizationUser"),
    );
    let client = builder(&mock)
        .timeout(Duration::from_millis(300))
        .build()
        .expect("client");
    let (result, took) = timed(
        client
            .organizations()
            .users()
            .actions()
            .remove(user.as_str()),
    )
    .await;
    let err = result.expect_err("the response was lost");
    assert!(
        matches!(&err, Error::Timeout(t) if t.attempts == 1),
        "the caller must see the timeout, not a retry's 404: {err:?}"
    );
    assert!(!err.is_retryable(), "the removal may have gone through");
    assert_eq!(seen(&mock, "DeleteOrganizationUser"), 1);
    assert!(took < Duration::from_secs(2), "{took:?}");
    assert!(
        mock.users().iter().all(|u| u.id != user),
        "the removal went through on the server"
    );
}

#[tokio::test]
async fn a_retry_after_longer_than_the_cap_is_returned_at_once_with_the_full_value() {
    let mock = MockServer::start().await;
    let id = mock.accounts()[0].id;
    mock.inject(
        FaultRule::new(Fault::RateLimited(RetryHint::Seconds(3600)))
            .operation("RetrieveManagedAccount")
            .always(),
    );
    let (result, took) = timed(client(&mock).managed_accounts().retrieve(id)).await;
    let err = result.expect_err("rate limited for an hour");
    let Error::Api(api) = &err else {
        panic!("expected the 429, got {err:?}")
    };
    assert_eq!(api.kind(), ApiErrorKind::RateLimited);
    assert_eq!(api.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(api.attempts(), 1, "no attempt burnt after a capped wait");
    assert_eq!(seen(&mock, "RetrieveManagedAccount"), 1);
    assert!(took < Duration::from_secs(2), "{took:?}");
}

#[tokio::test]
async fn is_retryable_is_false_for_a_create_that_may_have_gone_through() {
    let mock = MockServer::start().await;
    let id = mock.accounts()[0].id;
    let client = builder(&mock)
        .timeout(Duration::from_millis(300))
        .max_retries(0)
        .build()
        .expect("client");

    // A create whose response was lost: the account exists.
    mock.inject(
        FaultRule::new(Fault::StallBody(Duration::from_secs(5))).operation("CreateManagedAccount"),
    );
    let before = mock.accounts().len();
    let err = client
        .managed_accounts()
        .create("Maybe Twice Inc")
        .await
        .expect_err("timed out");
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert!(!err.is_retryable(), "a retry would create a second account");
    assert_eq!(mock.accounts().len(), before + 1);

    // A create that got a 5xx may have gone through as well.
    mock.inject(FaultRule::new(Fault::Status(500)).operation("CreateManagedAccount"));
    let err = client
        .managed_accounts()
        .create("Maybe Again Inc")
        .await
        .expect_err("500");
    assert!(!err.is_retryable(), "{err:?}");

    // A 429 says it was not processed: safe to send again. (A short
    // Retry-After: the client holds its next calls for it.)
    mock.inject(
        FaultRule::new(Fault::RateLimited(RetryHint::Millis(10))).operation("CreateManagedAccount"),
    );
    let err = client
        .managed_accounts()
        .create("Later Inc")
        .await
        .expect_err("429");
    assert!(err.is_retryable(), "{err:?}");

    // The same 5xx and timeout on a read are safe to retry.
    mock.inject(FaultRule::new(Fault::Status(500)).operation("RetrieveManagedAccount"));
    let err = client
        .managed_accounts()
        .retrieve(id)
        .await
        .expect_err("500");
    assert!(err.is_retryable(), "{err:?}");
    mock.inject(
        FaultRule::new(Fault::StallBody(Duration::from_secs(5)))
            .operation("RetrieveManagedAccount"),
    );
    let err = client
        .managed_accounts()
        .retrieve(id)
        .await
        .expect_err("timeout");
    assert!(err.is_retryable(), "{err:?}");
}

#[tokio::test]
async fn a_connect_timeout_sent_nothing_so_even_create_is_retried() {
    let (_listener, port) = full_backlog::listener();
    let client = Client::builder()
        .api_key("k")
        .base_url(format!("http://127.0.0.1:{port}/v2"))
        .connect_timeout(Duration::from_millis(200))
        .retry_policy(
            telnyx_accounts::RetryPolicy::default()
                .max_retries(2)
                .initial_backoff(Duration::from_millis(10)),
        )
        .build()
        .expect("client");
    let (result, took) = timed(client.managed_accounts().create("Never Sent Inc")).await;
    let err = result.expect_err("nothing listens");
    match &err {
        Error::Connection(c) => {
            assert!(c.before_send, "{err}");
            assert_eq!(c.attempts, 3, "a create that sent nothing is retried");
        }
        other => panic!("expected a connection error, got {other:?}"),
    }
    assert_eq!(err.attempts(), Some(3));
    assert!(err.is_retryable());
    // Three connects of 200 ms each: the connect timeout bounded them.
    assert!(took >= Duration::from_millis(600), "{took:?}");
    assert!(took < Duration::from_secs(5), "{took:?}");
}

/// A loopback listener that never accepts and whose accept queue is full,
/// so that a new connection hangs in the handshake (Linux drops the SYN).
mod full_backlog {
    use std::net::{SocketAddr, TcpListener, TcpStream};
    use std::time::Duration;

    /// The listener and the connections filling its queue; dropping it frees
    /// the port.
    pub struct Listener {
        _listener: TcpListener,
        _queued: Vec<TcpStream>,
    }

    pub fn listener() -> (Listener, u16) {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr: SocketAddr = listener.local_addr().expect("addr");
        // Connect until a handshake no longer completes: the queue is full.
        let mut queued = Vec::new();
        for _ in 0..4096 {
            match TcpStream::connect_timeout(&addr, Duration::from_millis(100)) {
                Ok(s) => queued.push(s),
                Err(_) => break,
            }
        }
        assert!(
            queued.len() < 4096,
            "the accept queue never filled; cannot test a connect timeout here"
        );
        (
            Listener {
                _listener: listener,
                _queued: queued,
            },
            addr.port(),
        )
    }
}

/// After its first attempt, stalls the call's task for this long: the
/// slow step (a token request, a busy hook) that spends the deadline
/// between two attempts.
struct SlowAfterFirst(Duration);

impl telnyx_accounts::Hook for SlowAfterFirst {
    fn after_attempt(&self, outcome: &telnyx_accounts::hooks::AttemptOutcome<'_>) {
        if outcome.info.attempt == 1 {
            std::thread::sleep(self.0);
        }
    }
}

/// Item 7 of issue 21: a `create` refused with a 429 is retried, but the
/// deadline is spent before the retry can be sent. Nothing was sent, so
/// the error says so: a deadline timeout that is retryable, not "may have
/// been processed".
#[tokio::test]
async fn a_retry_with_no_time_left_is_reported_not_sent() {
    let mock = MockServer::start().await;
    let client = builder(&mock)
        .deadline(Duration::from_millis(250))
        .hook(SlowAfterFirst(Duration::from_millis(400)))
        .build()
        .expect("client");
    mock.inject(
        FaultRule::new(Fault::RateLimited(RetryHint::Millis(10)))
            .operation("CreateManagedAccount")
            .times(1),
    );
    let (result, _) = timed(client.managed_accounts().create("Never Twice Inc")).await;
    let err = result.expect_err("deadline spent");
    assert!(
        matches!(&err, Error::Timeout(t) if t.deadline && t.attempts == 1),
        "{err:?}"
    );
    assert!(err.is_retryable(), "the retry was never sent: {err}");
    assert!(err.to_string().contains("before it was sent"), "{err}");
    assert!(
        !err.to_string().contains("may have been processed"),
        "{err}"
    );
    assert_eq!(seen(&mock, "CreateManagedAccount"), 1, "only the 429'd one");
}

/// A call that keeps failing stops when its policy says, within a bound
/// of the test's own: a retry loop that never stops (a decision that
/// always retries at once) fails here instead of hanging the suite.
#[tokio::test]
async fn a_failing_call_stops_after_the_attempts_its_policy_allows() {
    let mock = MockServer::start().await;
    mock.inject(FaultRule::new(Fault::Status(503)).always());
    let client = builder(&mock)
        .retry_policy(telnyx_accounts::RetryPolicy::none())
        .build()
        .expect("client");
    let (result, _) = timed(client.managed_accounts().list().send()).await;
    let err = result.expect_err("503");
    assert_eq!(err.attempts(), Some(1), "{err}");
    assert_eq!(seen(&mock, "ListManagedAccounts"), 1);
}
