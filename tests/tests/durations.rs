//! Item 2 of issue 21: every setting that takes a `Duration` takes any
//! `Duration`, `Duration::MAX` included (which means "no bound"), on the
//! client and per request, and a call still ends as the rules say: the
//! timeout, the connect timeout, the deadline, both backoffs and the
//! server-delay cap.
//!
//! The oracle: with timeouts and deadlines of a day or more, a call that
//! meets no fault succeeds; after a 503, a backoff of 10 ms or less is
//! waited out and the retry succeeds, one of a day or more is past a 2 s
//! deadline and the 503 is returned; a 429 asking for 50 ms is waited out
//! when the cap allows it, and returned at once when it does not.

use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use telnyx_accounts::{Client, ClientBuilder, Error, RetryPolicy, RetryStop};
use telnyx_accounts_mock::{Fault, FaultRule, MockServer, RetryHint};

const CASES: u32 = 32;
/// No case legitimately takes longer.
const OUTER: Duration = Duration::from_secs(20);
const DAY: Duration = Duration::from_secs(86_400);
/// What the 429 asks for.
const ASKED: Duration = Duration::from_millis(50);

/// A day or more: up to the largest `Duration` and the largest whole
/// seconds.
fn long() -> BoxedStrategy<Duration> {
    prop_oneof![
        Just(Duration::MAX),
        Just(Duration::from_secs(u64::MAX)),
        (DAY.as_secs()..u64::MAX).prop_map(Duration::from_secs),
        (0u32..1_000_000_000).prop_map(|n| Duration::new(u64::MAX, n)),
    ]
    .boxed()
}

/// Zero, tiny, or a day or more.
fn any_duration() -> BoxedStrategy<Duration> {
    prop_oneof![
        Just(Duration::ZERO),
        (1u64..=10_000_000).prop_map(Duration::from_nanos),
        long(),
    ]
    .boxed()
}

#[derive(Debug, Clone)]
struct Settings {
    timeout: Duration,
    connect_timeout: Duration,
    deadline: Duration,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_server_delay: Duration,
}

fn settings() -> impl Strategy<Value = Settings> {
    (
        long(),
        long(),
        long(),
        any_duration(),
        any_duration(),
        any_duration(),
    )
        .prop_map(|(t, c, d, i, m, s)| Settings {
            timeout: t,
            connect_timeout: c,
            deadline: d,
            initial_backoff: i,
            max_backoff: m,
            max_server_delay: s,
        })
}

impl Settings {
    fn policy(&self) -> RetryPolicy {
        RetryPolicy::default()
            .initial_backoff(self.initial_backoff)
            .max_backoff(self.max_backoff)
            .max_server_delay(self.max_server_delay)
    }
}

fn base(mock: &MockServer) -> ClientBuilder {
    Client::builder()
        .api_key(mock.api_key())
        .base_url(mock.base_url())
}

/// The three calls of the oracle, with the settings on the client
/// (`per_request` false) or on each request.
async fn check(mock: &MockServer, s: &Settings, per_request: bool) -> Result<(), TestCaseError> {
    let client = if per_request {
        base(mock)
    } else {
        base(mock)
            .timeout(s.timeout)
            .deadline(s.deadline)
            .retry_policy(s.policy())
    }
    .connect_timeout(s.connect_timeout)
    .build()
    .map_err(|e| TestCaseError::fail(format!("build: {e}")))?;
    let list = |deadline: Option<Duration>| {
        let mut call = client.managed_accounts().list().page_size(1);
        if per_request {
            call = call
                .timeout(s.timeout)
                .deadline(s.deadline)
                .retry_policy(s.policy());
        }
        if let Some(d) = deadline {
            call = call.deadline(d);
        }
        call.send_with_response()
    };
    let bounded = |what: &'static str| move |_| TestCaseError::fail(format!("{what} hung"));

    // No fault: succeeds at once.
    let r = tokio::time::timeout(OUTER, list(None))
        .await
        .map_err(bounded("the plain call"))?;
    prop_assert!(r.is_ok(), "{r:?}");

    // A 503, then the backoff (before jitter: the smaller of the two).
    mock.inject(FaultRule::new(Fault::Status(503)).times(1));
    let backoff = s.initial_backoff.min(s.max_backoff);
    let r = tokio::time::timeout(OUTER, list(Some(Duration::from_secs(2))))
        .await
        .map_err(bounded("the 503"))?;
    if backoff < DAY {
        prop_assert_eq!(r.map(|r| r.attempts()).ok(), Some(2));
    } else {
        let e = r.expect_err("past the deadline");
        prop_assert_eq!(e.status(), Some(503));
        prop_assert_eq!(e.retry_stop(), Some(RetryStop::Deadline));
    }

    // A 429 asking for 50 ms: waited out only within the cap.
    mock.inject(FaultRule::new(Fault::RateLimited(RetryHint::Millis(50))).times(1));
    let r = tokio::time::timeout(OUTER, list(None))
        .await
        .map_err(bounded("the 429"))?;
    if s.max_server_delay >= ASKED {
        prop_assert_eq!(r.map(|r| r.attempts()).ok(), Some(2));
    } else {
        let e = r.expect_err("over the cap");
        prop_assert!(matches!(&e, Error::Api(a) if a.status() == 429), "{e:?}");
        prop_assert_eq!(e.retry_stop(), Some(RetryStop::ServerDelayTooLong));
    }
    Ok(())
}

fn run(per_request: bool) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mock = rt.block_on(MockServer::start());
    let mut runner = TestRunner::new(Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&settings(), |s| rt.block_on(check(&mock, &s, per_request)));
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn any_duration_works_on_the_client() {
    run(false);
}

#[test]
fn any_duration_works_per_request() {
    run(true);
}
