//! The request pipeline as a caller sees it against `MockServer`: response
//! metadata on every operation, the retry policy and budget, deadlines, and
//! hooks. Timing is asserted only as generous bounds.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use telnyx_accounts::hooks::{AttemptOutcome, AttemptRequest, Hook, RequestCounter};
use telnyx_accounts::{ApiErrorKind, Client, Error, RetryBudget, RetryPolicy, RetryStop};
use telnyx_accounts_mock::{Fault, FaultRule, MockServer, RecordedRequest, RetryHint};

use crate::support::{builder, client, quick, seen};

fn last(mock: &MockServer) -> RecordedRequest {
    mock.requests().pop().expect("a request was made")
}

/// A mock whose retrieve of the returned account always answers 503.
async fn retrieve_always_503() -> (MockServer, uuid::Uuid) {
    let mock = MockServer::start().await;
    let id = mock.accounts()[0].id;
    mock.inject(
        FaultRule::new(Fault::Status(503))
            .operation("RetrieveManagedAccount")
            .always(),
    );
    (mock, id)
}

// ---------------------------------------------------------------------------
// Response metadata

/// Checks a response against the request the mock logged for it.
macro_rules! check_response {
    ($mock:expr, $response:expr, $op:literal) => {{
        let response = $response;
        let logged = last(&$mock);
        assert_eq!(logged.operation_id, Some($op));
        assert_eq!(response.status(), 200, "{}", $op);
        assert_eq!(
            response.request_id(),
            Some(logged.request_id.as_str()),
            "{}",
            $op
        );
        assert_eq!(
            response
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok()),
            Some(logged.request_id.as_str())
        );
        assert_eq!(response.attempts(), 1, "{}", $op);
        assert!(response.elapsed() > Duration::ZERO);
        response.into_inner()
    }};
}

#[tokio::test]
async fn send_with_response_carries_status_headers_request_id_and_attempts_for_all_twelve_operations(
) {
    let mock = MockServer::start().await;
    let c = client(&mock);
    let accounts = c.managed_accounts();
    let users = c.organizations().users();
    let id = mock.accounts()[0].id;
    let user = mock.users()[1].id.clone();

    let page = check_response!(
        mock,
        accounts.list().send_with_response().await.unwrap(),
        "ListManagedAccounts"
    );
    assert_eq!(page.request_id(), Some(last(&mock).request_id.as_str()));
    let created = check_response!(
        mock,
        accounts
            .create("Meta Inc")
            .email("meta@example.com")
            .send_with_response()
            .await
            .unwrap(),
        "CreateManagedAccount"
    );
    assert_eq!(created.email, "meta@example.com");
    check_response!(
        mock,
        accounts
            .allocatable_global_outbound_channels()
            .send_with_response()
            .await
            .unwrap(),
        "ListAllocatableGlobalOutboundChannels"
    );
    let got = check_response!(
        mock,
        accounts.retrieve(id).send_with_response().await.unwrap(),
        "RetrieveManagedAccount"
    );
    assert_eq!(got.id, id);
    check_response!(
        mock,
        accounts
            .update(id)
            .managed_account_allow_custom_pricing(true)
            .send_with_response()
            .await
            .unwrap(),
        "UpdateManagedAccount"
    );
    check_response!(
        mock,
        accounts
            .actions()
            .disable(created.id)
            .send_with_response()
            .await
            .unwrap(),
        "DisableManagedAccount"
    );
    check_response!(
        mock,
        accounts
            .actions()
            .enable(created.id)
            .send_with_response()
            .await
            .unwrap(),
        "EnableManagedAccount"
    );
    check_response!(
        mock,
        accounts
            .update_global_channel_limit(id)
            .channel_limit(3)
            .send_with_response()
            .await
            .unwrap(),
        "UpdateManagedAccountGlobalChannelLimit"
    );
    let page = check_response!(
        mock,
        users.list().send_with_response().await.unwrap(),
        "ListOrganizationUsers"
    );
    assert_eq!(page.request_id(), Some(last(&mock).request_id.as_str()));
    check_response!(
        mock,
        users.groups_report().send_with_response().await.unwrap(),
        "GetOrganizationUsersGroupsReport"
    );
    let csv = check_response!(
        mock,
        users
            .groups_report_csv()
            .send_with_response()
            .await
            .unwrap(),
        "GetOrganizationUsersGroupsReport"
    );
    assert!(csv.starts_with("id,email"));
    check_response!(
        mock,
        users
            .groups_report_rows()
            .send_with_response()
            .await
            .unwrap(),
        "GetOrganizationUsersGroupsReport"
    );
    check_response!(
        mock,
        users
            .retrieve(user.as_str())
            .send_with_response()
            .await
            .unwrap(),
        "GetOrganizationUser"
    );
    let removed = check_response!(
        mock,
        users
            .actions()
            .remove(user.as_str())
            .send_with_response()
            .await
            .unwrap(),
        "DeleteOrganizationUser"
    );
    assert_eq!(removed.id, user);
}

#[tokio::test]
async fn every_streamed_page_carries_the_request_id_and_rate_limit_of_its_response() {
    let mock = MockServer::builder().rate_limit(1_000).start().await;
    let pages: Vec<_> = client(&mock)
        .managed_accounts()
        .list()
        .page_size(10)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 5);
    let logged = mock.requests();
    for page in &pages {
        let request = logged
            .iter()
            .find(|r| r.query_param("page[number]") == Some(&page.meta.page_number.to_string()))
            .expect("the page's request");
        assert_eq!(page.request_id(), Some(request.request_id.as_str()));
        let limit = page.rate_limit().expect("the mock's rate-limit headers");
        assert_eq!(limit.limit, Some(1_000));
        assert!(limit.remaining.is_some_and(|r| r < 1_000), "{limit:?}");
    }
}

#[tokio::test]
async fn a_response_and_a_decode_error_carry_the_rate_limit_and_request_id() {
    let mock = MockServer::start().await;
    let id = mock.accounts()[0].id;
    mock.inject(
        FaultRule::new(Fault::Passthrough)
            .operation("RetrieveManagedAccount")
            .header("x-ratelimit-limit", "100")
            .header("x-ratelimit-remaining", "42")
            .header("x-ratelimit-reset", "7"),
    );
    let response = client(&mock)
        .managed_accounts()
        .retrieve(id)
        .send_with_response()
        .await
        .unwrap();
    let limit = response.rate_limit().expect("rate-limit headers");
    assert_eq!((limit.limit, limit.remaining), (Some(100), Some(42)));
    assert_eq!(limit.reset, Some(Duration::from_secs(7)));
    // What `{response:?}` logs: the metadata, then the value.
    let logged = format!("{response:?}");
    let request_id = format!("request_id: Some({:?})", last(&mock).request_id);
    for part in [
        "Response { status: 200",
        request_id.as_str(),
        "remaining: Some(42)",
        "attempts: 1",
        "value: ManagedAccount {",
    ] {
        assert!(logged.contains(part), "{part} not in {logged}");
    }

    // A 200 whose body does not fit: the error keeps status, headers and id.
    mock.inject(
        FaultRule::new(Fault::json_200(r#"{"data": 5}"#)).operation("RetrieveManagedAccount"),
    );
    let err = client(&mock)
        .managed_accounts()
        .retrieve(id)
        .await
        .unwrap_err();
    let Error::Decode(decode) = &err else {
        panic!("expected a decode error, got {err:?}")
    };
    assert_eq!(decode.status, 200);
    assert_eq!(
        decode.request_id.as_deref(),
        Some(last(&mock).request_id.as_str())
    );
    assert_eq!(
        decode
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
    assert_eq!(err.request_id(), Some(last(&mock).request_id.as_str()));
    assert!(
        decode.snippet.contains(r#"{"data": 5}"#),
        "{}",
        decode.snippet
    );
}

/// Item 6 of issue 21: a success body longer than the client's
/// `max_response_body_size` fails the call with a decode error naming the
/// limit, whether its length was announced or it streams without end; a
/// body within the limit decodes.
#[tokio::test]
async fn a_success_body_past_the_limit_fails_the_call_naming_the_limit() {
    let mock = MockServer::start().await;
    let id = mock.accounts()[0].id;
    let limited = |base_url: &str| {
        Client::builder()
            .api_key(mock.api_key())
            .base_url(base_url)
            .max_response_body_size(4_096)
            .retry_policy(RetryPolicy::none())
            .build()
            .unwrap()
    };
    let names_the_limit = |err: &Error| {
        let Error::Decode(d) = err else {
            panic!("expected a decode error, got {err:?}")
        };
        assert!(
            d.message.contains("4096 bytes") && d.message.contains("max_response_body_size"),
            "{err}"
        );
    };
    // Within the limit: decodes.
    let client = limited(&mock.base_url());
    client.managed_accounts().retrieve(id).await.expect("fits");
    // Announced longer (`content-length`).
    let long = format!(r#"{{"data": {{}}, "pad": "{}"}}"#, "x".repeat(5_000));
    mock.inject(FaultRule::new(Fault::json_200(long)).operation("RetrieveManagedAccount"));
    let err = client.managed_accounts().retrieve(id).await.unwrap_err();
    names_the_limit(&err);

    // No length, and no end: a server streaming chunks until the client
    // stops reading. The client reads about the limit, not the stream.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut head = [0u8; 4_096];
        let _ = socket.read(&mut head).await;
        let mut written = 0usize;
        let start = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
        if socket.write_all(start.as_bytes()).await.is_err() {
            return written;
        }
        let chunk = format!("400\r\n{}\r\n", "x".repeat(0x400));
        // Up to 64 MiB; a client reading it all would take it all.
        while written < 64 << 20 {
            if socket.write_all(chunk.as_bytes()).await.is_err() {
                break;
            }
            written += 0x400;
        }
        written
    });
    let err = tokio::time::timeout(
        Duration::from_secs(30),
        limited(&format!("http://127.0.0.1:{port}/v2"))
            .managed_accounts()
            .retrieve(id),
    )
    .await
    .expect("bounded")
    .unwrap_err();
    names_the_limit(&err);
    let written = tokio::time::timeout(Duration::from_secs(30), server)
        .await
        .expect("the server stops when the client hangs up")
        .unwrap();
    assert!(
        written < 16 << 20,
        "the client stopped reading: {written} bytes written"
    );
}

// ---------------------------------------------------------------------------
// Retry policy, budget, deadline

#[tokio::test]
async fn retry_policy_none_makes_one_attempt_on_the_client_and_per_request() {
    let (mock, id) = retrieve_always_503().await;
    let none = builder(&mock)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = none.managed_accounts().retrieve(id).await.unwrap_err();
    assert_eq!(err.attempts(), Some(1));
    assert_eq!(err.retry_stop(), Some(RetryStop::AttemptsExhausted));
    assert!(err.is_retryable(), "a 503 on a read is safe to send again");

    let err = client(&mock)
        .managed_accounts()
        .retrieve(id)
        .retry_policy(RetryPolicy::none())
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), Some(1));
    assert_eq!(seen(&mock, "RetrieveManagedAccount"), 2);
}

#[tokio::test]
async fn a_custom_backoff_sets_the_waits() {
    let mock = MockServer::start().await;
    let id = mock.accounts()[0].id;
    mock.inject(
        FaultRule::new(Fault::Status(503))
            .operation("RetrieveManagedAccount")
            .times(3),
    );
    let policy = RetryPolicy::default()
        .max_retries(3)
        .initial_backoff(Duration::from_millis(60))
        .max_backoff(Duration::from_millis(100));
    let started = Instant::now();
    let response = builder(&mock)
        .retry_policy(policy)
        .build()
        .unwrap()
        .managed_accounts()
        .retrieve(id)
        .send_with_response()
        .await
        .unwrap();
    let took = started.elapsed();
    assert_eq!(response.attempts(), 4);
    // 60, 100, 100 ms, each minus up to 25 %: at least 195 ms. The default
    // policy would have waited at least 0.375 + 0.75 + 1.5 s.
    assert!(took >= Duration::from_millis(195), "{took:?}");
    assert!(took < Duration::from_millis(2_000), "{took:?}");
    assert!(response.elapsed() >= Duration::from_millis(195));
}

#[tokio::test]
async fn the_retry_budget_bounds_total_attempts_under_a_permanent_outage() {
    let (mock, id) = retrieve_always_503().await;
    // 50 tokens, 5 a retry: ten retries between all clones, then none.
    let client = builder(&mock)
        .retry_policy(quick(3))
        .retry_budget(RetryBudget::default().capacity(50))
        .build()
        .unwrap();
    let tasks: Vec<_> = (0..40)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.managed_accounts().retrieve(id).await })
        })
        .collect();
    let mut stops = Vec::new();
    for t in tasks {
        let err = t.await.unwrap().unwrap_err();
        assert!(matches!(&err, Error::Api(e) if e.kind() == ApiErrorKind::Server));
        stops.push((err.retry_stop(), err.to_string()));
    }
    // Without the budget: 40 × 4 = 160 attempts.
    assert_eq!(seen(&mock, "RetrieveManagedAccount"), 40 + 10);
    let (_, message) = stops
        .iter()
        .find(|(stop, _)| *stop == Some(RetryStop::BudgetExhausted))
        .expect("some calls found the budget empty");
    assert!(message.contains("retry budget is exhausted"), "{message}");

    // Successes refill it: a later failure is retried again.
    mock.clear_faults();
    for _ in 0..10 {
        client.managed_accounts().retrieve(id).await.unwrap();
    }
    mock.inject(FaultRule::new(Fault::Status(503)).operation("RetrieveManagedAccount"));
    let response = client
        .managed_accounts()
        .retrieve(id)
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(response.attempts(), 2);
}

/// A budget's costs are the ones it was built with: at 25 tokens a retry,
/// 50 tokens pay for two retries, however many calls ask; a success that
/// needed no retry puts back its `success_refill`.
#[tokio::test]
async fn a_retry_costs_what_the_budget_says() {
    let (mock, id) = retrieve_always_503().await;
    let client = builder(&mock)
        .retry_policy(quick(3))
        .retry_budget(
            RetryBudget::default()
                .capacity(50)
                .retry_cost(25)
                .success_refill(25),
        )
        .build()
        .unwrap();
    let attempts = || async {
        let err = client.managed_accounts().retrieve(id).await.unwrap_err();
        assert_eq!(err.retry_stop(), Some(RetryStop::BudgetExhausted), "{err}");
        err.attempts()
    };
    // At the default 5 a retry: 4 and 4 (each call's three retries).
    assert_eq!([attempts().await, attempts().await], [Some(3), Some(1)]);
    // One success refills 25 (the default, 1): one retry's worth.
    mock.clear_faults();
    client.managed_accounts().retrieve(id).await.unwrap();
    mock.inject(
        FaultRule::new(Fault::Status(503))
            .operation("RetrieveManagedAccount")
            .always(),
    );
    assert_eq!(attempts().await, Some(2));
}

/// A retry after a timeout costs the budget's `timeout_cost`.
#[tokio::test]
async fn a_retry_after_a_timeout_costs_what_the_budget_says() {
    let mock = MockServer::start().await;
    let id = mock.accounts()[0].id;
    mock.inject(
        FaultRule::new(Fault::Delay(Duration::from_secs(30)))
            .operation("RetrieveManagedAccount")
            .always(),
    );
    // 10 tokens at 5 a timeout: two retries (at the default 10, one).
    let client = builder(&mock)
        .retry_policy(quick(3))
        .retry_budget(RetryBudget::default().capacity(10).timeout_cost(5))
        .build()
        .unwrap();
    let err = client
        .managed_accounts()
        .retrieve(id)
        .timeout(Duration::from_millis(100))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert_eq!(err.retry_stop(), Some(RetryStop::BudgetExhausted), "{err}");
    assert_eq!(err.attempts(), Some(3));
}

/// A call that succeeds after retrying puts back what its retries took, so
/// a small budget survives one blip after another.
#[tokio::test]
async fn a_success_after_retries_gives_back_what_they_took() {
    let mock = MockServer::start().await;
    let id = mock.accounts()[0].id;
    // 10 tokens: two retries at 5 each.
    let client = builder(&mock)
        .retry_policy(quick(2))
        .retry_budget(RetryBudget::default().capacity(10))
        .build()
        .unwrap();
    for round in 0..3 {
        mock.inject(
            FaultRule::new(Fault::Status(503))
                .operation("RetrieveManagedAccount")
                .times(2),
        );
        let response = client
            .managed_accounts()
            .retrieve(id)
            .send_with_response()
            .await
            .unwrap_or_else(|e| panic!("round {round}: {e}"));
        assert_eq!(response.attempts(), 3, "round {round}");
    }
}

#[tokio::test]
async fn the_deadline_cuts_a_slow_call_across_attempts() {
    let mock = MockServer::start().await;
    let id = mock.accounts()[0].id;
    mock.inject(
        FaultRule::new(Fault::Delay(Duration::from_secs(5)))
            .operation("RetrieveManagedAccount")
            .always(),
    );
    let deadline = Duration::from_millis(400);
    for client in [
        builder(&mock).deadline(deadline).build().unwrap(),
        client(&mock),
    ] {
        let started = Instant::now();
        let err = client
            .managed_accounts()
            .retrieve(id)
            .deadline(deadline)
            .await
            .unwrap_err();
        let took = started.elapsed();
        match &err {
            Error::Timeout(t) => assert!(t.deadline, "{err}"),
            other => panic!("expected a timeout, got {other:?}"),
        }
        assert_eq!(err.retry_stop(), Some(RetryStop::Deadline));
        assert!(
            err.to_string().starts_with(
                "call to Telnyx (RetrieveManagedAccount) ran past its deadline (1 attempt(s)); \
                 raise it with `.deadline(..)`"
            ),
            "{err}"
        );
        assert!(took >= deadline, "{took:?}");
        assert!(took < deadline + Duration::from_millis(600), "{took:?}");
    }
}

#[tokio::test]
async fn a_wait_that_would_end_past_the_deadline_is_not_started() {
    let mock = MockServer::start().await;
    let id = mock.accounts()[0].id;
    mock.inject(
        FaultRule::new(Fault::Unavailable(RetryHint::Seconds(2)))
            .operation("RetrieveManagedAccount")
            .always(),
    );
    let started = Instant::now();
    let err = client(&mock)
        .managed_accounts()
        .retrieve(id)
        .deadline(Duration::from_secs(1))
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(err.retry_stop(), Some(RetryStop::Deadline));
    assert_eq!(err.attempts(), Some(1));
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.retry_after(), Some(Duration::from_secs(2)));
}

/// A server that asks for a longer wait than the policy accepts gets the
/// error back at once, with the wait it asked for, instead of being waited
/// out.
#[tokio::test]
async fn a_server_delay_over_the_policys_cap_is_returned_not_waited_out() {
    let mock = MockServer::start().await;
    let id = mock.accounts()[0].id;
    mock.inject(
        FaultRule::new(Fault::Unavailable(RetryHint::Seconds(30)))
            .operation("RetrieveManagedAccount")
            .always(),
    );
    let client = builder(&mock)
        .retry_policy(RetryPolicy::default().max_server_delay(Duration::from_secs(1)))
        .build()
        .unwrap();
    let err = client.managed_accounts().retrieve(id).await.unwrap_err();
    assert_eq!(
        err.retry_stop(),
        Some(RetryStop::ServerDelayTooLong),
        "{err}"
    );
    assert_eq!(err.attempts(), Some(1));
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.retry_after(), Some(Duration::from_secs(30)));
}

#[tokio::test]
async fn a_zero_per_request_timeout_or_deadline_is_refused_before_sending() {
    let mock = MockServer::start().await;
    let id = mock.accounts()[0].id;
    let c = client(&mock);
    let err = c
        .managed_accounts()
        .retrieve(id)
        .timeout(Duration::ZERO)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest(e) if e.parameter == "timeout"),
        "{err:?}"
    );
    let err = c
        .managed_accounts()
        .retrieve(id)
        .deadline(Duration::ZERO)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest(e) if e.parameter == "deadline"),
        "{err:?}"
    );
    assert!(mock.requests().is_empty());
}

// ---------------------------------------------------------------------------
// Hooks

/// Records what it sees, under a name, into a shared journal.
struct Journal {
    name: &'static str,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Hook for Journal {
    fn before_attempt(&self, request: &mut AttemptRequest<'_>) {
        let info = *request.info();
        let auth = request
            .headers()
            .get("authorization")
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        self.lines.lock().unwrap().push(format!(
            "{} before {} {} {} #{} auth={auth:?}",
            self.name, info.operation, info.method, info.path, info.attempt
        ));
        request
            .headers_mut()
            .insert("x-attempt", info.attempt.to_string().parse().unwrap());
        // A hook cannot replace the client's credentials.
        request
            .headers_mut()
            .insert("authorization", "Bearer stolen".parse().unwrap());
    }

    fn after_attempt(&self, outcome: &AttemptOutcome<'_>) {
        self.lines.lock().unwrap().push(format!(
            "{} after #{} status={:?} error={:?} retry={}",
            self.name,
            outcome.info.attempt,
            outcome.status,
            outcome.error,
            outcome.retry_in.is_some()
        ));
    }
}

/// `RequestCounter` tells a timed-out attempt from a lost connection from
/// an answered one.
#[tokio::test]
async fn the_request_counter_counts_timeouts_and_lost_connections_apart() {
    let mock = MockServer::start().await;
    let id = mock.accounts()[0].id;
    let counter = RequestCounter::new();
    let client = builder(&mock)
        .retry_policy(quick(2))
        .hook(counter.clone())
        .build()
        .unwrap();
    mock.inject(
        FaultRule::new(Fault::Delay(Duration::from_secs(30)))
            .operation("RetrieveManagedAccount")
            .times(1),
    );
    mock.inject(
        FaultRule::new(Fault::DropConnection)
            .operation("RetrieveManagedAccount")
            .times(1),
    );
    client
        .managed_accounts()
        .retrieve(id)
        .timeout(Duration::from_millis(200))
        .await
        .unwrap();
    let counts = counter.snapshot();
    assert_eq!((counts.attempts, counts.retries), (3, 2), "{counts:?}");
    assert_eq!(counts.timeouts, 1, "{counts:?}");
    assert_eq!(counts.connection_errors, 1, "{counts:?}");
    assert_eq!(counts.statuses.get(&200), Some(&1), "{counts:?}");
}

#[tokio::test]
async fn hooks_run_in_order_on_every_attempt_change_headers_and_never_see_the_key() {
    let mock = MockServer::start().await;
    let id = mock.accounts()[0].id;
    let lines = Arc::new(Mutex::new(Vec::new()));
    let counter = RequestCounter::new();
    let client = builder(&mock)
        .retry_policy(quick(2))
        .hook(Journal {
            name: "A",
            lines: Arc::clone(&lines),
        })
        .hook(Journal {
            name: "B",
            lines: Arc::clone(&lines),
        })
        .hook(counter.clone())
        .build()
        .unwrap();
    mock.inject(FaultRule::new(Fault::Status(503)).operation("RetrieveManagedAccount"));
    client.managed_accounts().retrieve(id).await.unwrap();

    // B sees what A wrote; neither sees the key.
    let before = |n: &str, a: u32| {
        let auth = if n == "A" {
            "[REDACTED]"
        } else {
            "Bearer stolen"
        };
        format!("{n} before RetrieveManagedAccount GET /managed_accounts/{{id}} #{a} auth=Some({auth:?})")
    };
    assert_eq!(
        *lines.lock().unwrap(),
        vec![
            before("A", 1),
            before("B", 1),
            "A after #1 status=Some(503) error=Some(Api(Server)) retry=true".to_owned(),
            "B after #1 status=Some(503) error=Some(Api(Server)) retry=true".to_owned(),
            before("A", 2),
            before("B", 2),
            "A after #2 status=Some(200) error=None retry=false".to_owned(),
            "B after #2 status=Some(200) error=None retry=false".to_owned(),
        ]
    );
    let wire = mock.requests();
    assert_eq!(wire.len(), 2);
    for (n, r) in wire.iter().enumerate() {
        assert_eq!(r.header("x-attempt"), Some((n + 1).to_string().as_str()));
        assert_eq!(
            r.header("authorization"),
            Some(format!("Bearer {}", mock.api_key()).as_str()),
            "the real credentials went out"
        );
    }
    let counts = counter.snapshot();
    assert_eq!((counts.attempts, counts.retries), (2, 1));
    assert_eq!(counts.statuses.get(&503), Some(&1));
    assert_eq!(counts.statuses.get(&200), Some(&1));
    // A counter logged as it is shows the same counts.
    let logged = format!("{counter:?}");
    assert!(
        logged.starts_with("RequestCounter(RequestCounts { attempts: 2, retries: 1,"),
        "{logged}"
    );

    // The CSV report goes through the same path.
    lines.lock().unwrap().clear();
    client
        .organizations()
        .users()
        .groups_report_csv()
        .await
        .unwrap();
    let seen = lines.lock().unwrap().clone();
    assert_eq!(seen.len(), 4, "{seen:#?}");
    assert!(seen[0].starts_with(
        "A before GetOrganizationUsersGroupsReport GET /organizations/users/users_groups_report #1"
    ));
    assert_eq!(last(&mock).header("x-attempt"), Some("1"));
    assert!(!format!("{seen:?}").contains(mock.api_key()));
}
