//! OAuth2 client credentials as a caller sees them: the token request
//! compared byte for byte with the official Python SDK's (a recorded
//! fixture), the token cache shared by clones, refresh before expiry,
//! single flight under 100 concurrent tasks, refresh-once on a 401, errors
//! of the token endpoint, and the token request inside the pipeline
//! (retry policy, deadline, hooks), and refresh-ahead (a slow or failing
//! refresh inside the margin holds and fails no call).
//!
//! Every assertion is on what a user sees: the mock's request log, the
//! error's kind, operation and message, the value returned. The only sleeps
//! are the time a token has to age into the refresh margin (2 s, or 1.1 s);
//! the mock's latency only makes concurrent requests overlap.

use crate::support::{self, quick};

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use telnyx_accounts::hooks::{AttemptOutcome, AttemptRequest, Hook, RequestCounter};
use telnyx_accounts::{
    ApiErrorKind, Client, ClientBuilder, Error, RetryPolicy, RetryStop, TOKEN_OPERATION,
};
use telnyx_accounts_mock::{Fault, FaultRule, MockServer, RecordedRequest};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

const ID: &str = "client-id-0123";
const SECRET: &str = "client-secret-SUPERSECRET-0123";

async fn mock() -> MockServer {
    MockServer::builder()
        .client_credentials(ID, SECRET)
        .start()
        .await
}

/// The mock with 50 ms of latency, so that concurrent calls are in flight
/// together.
async fn slow_mock() -> MockServer {
    mock_with_latency(Duration::from_millis(50)).await
}

/// The mock, every answer taking `latency`.
async fn mock_with_latency(latency: Duration) -> MockServer {
    MockServer::builder()
        .client_credentials(ID, SECRET)
        .latency(latency)
        .start()
        .await
}

fn builder(mock: &MockServer) -> ClientBuilder {
    Client::builder()
        .client_credentials(ID, SECRET)
        .base_url(mock.base_url())
}

fn client(mock: &MockServer) -> Client {
    builder(mock).build().expect("client")
}

fn token_requests(mock: &MockServer) -> Vec<RecordedRequest> {
    mock.requests()
        .into_iter()
        .filter(|r| r.is_token_request())
        .collect()
}

fn api_requests(mock: &MockServer) -> Vec<RecordedRequest> {
    mock.requests()
        .into_iter()
        .filter(|r| !r.is_token_request())
        .collect()
}

/// The log as `TOKEN 200`, `ListManagedAccounts 401`, ... in order.
fn sequence(mock: &MockServer) -> Vec<String> {
    mock.requests()
        .iter()
        .map(|r| {
            let what = if r.is_token_request() {
                "TOKEN"
            } else {
                r.operation_id.unwrap_or("?")
            };
            format!("{what} {}", r.status.map_or(0, |s| s))
        })
        .collect()
}

fn bearer(r: &RecordedRequest) -> &str {
    r.header("authorization").unwrap_or("(none)")
}

// ---------------------------------------------------------------------------
// The wire format, against the official Python SDK's recorded bytes

/// One raw HTTP/1.1 request: request line, headers (names lowercased, in
/// order, values as sent), body.
#[derive(Debug)]
struct Raw {
    line: String,
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
}

impl Raw {
    fn parse(bytes: &[u8]) -> Raw {
        let end = bytes
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a complete head");
        let head = std::str::from_utf8(&bytes[..end]).expect("an ASCII head");
        let mut lines = head.split("\r\n");
        let line = lines.next().unwrap().to_owned();
        let headers = lines
            .map(|l| {
                let (name, value) = l.split_once(':').expect("name: value");
                (name.to_ascii_lowercase(), value.trim().as_bytes().to_vec())
            })
            .collect();
        Raw {
            line,
            headers,
            body: bytes[end + 4..].to_vec(),
        }
    }

    fn header(&self, name: &str) -> Option<&[u8]> {
        let mut found = self.headers.iter().filter(|(n, _)| n == name);
        let first = found.next().map(|(_, v)| v.as_slice());
        assert!(found.next().is_none(), "{name} sent twice: {self:?}");
        first
    }
}

/// A loopback HTTP/1.1 server, one request per connection, that keeps
/// every byte of each request. It answers the token request with
/// `fixture-access-token` and anything else with an empty page.
async fn recorder() -> (std::net::SocketAddr, Arc<Mutex<Vec<Vec<u8>>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let log = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&log);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let seen = Arc::clone(&seen);
            tokio::spawn(async move {
                let Some((head, buf, _)) = support::read_request(&mut stream).await else {
                    return;
                };
                let body = if head.contains("/oauth/token") {
                    r#"{"access_token":"fixture-access-token","token_type":"bearer","expires_in":3600}"#
                } else {
                    r#"{"data":[],"meta":{"page_number":1,"page_size":20,"total_pages":0,"total_results":0}}"#
                };
                seen.lock().unwrap().push(buf);
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(response.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    (addr, log)
}

/// The fixture is the official Python SDK's token request, recorded by
/// `bench/record_token_request.py` (see `tests/fixtures/oauth/README.md`)
/// with the same made-up credentials.
///
/// Compared byte for byte: the request line (method, path, HTTP version),
/// `Content-Type`, `Authorization` (the Basic credentials), `Content-Length`
/// and the body. Not compared: `Host` (the SDK's says `api.telnyx.com`,
/// where it always posts, its transport having been pointed at the
/// recorder; ours must be the address we were given), `User-Agent` and
/// `Accept` (the SDK sends neither on its token request; ours name the
/// client and ask for JSON), and the order and case of header names
/// (insignificant in HTTP). Any other header on ours fails the test.
#[tokio::test]
async fn the_token_request_is_the_official_python_sdks_byte_for_byte() {
    let fixture = std::fs::read(support::fixture_path("oauth/python-sdk-token-request.http"))
        .expect("tests/fixtures/oauth/python-sdk-token-request.http");
    let python = Raw::parse(&fixture);
    assert_eq!(
        python
            .headers
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>(),
        ["host", "content-type", "authorization", "content-length"],
        "the fixture is the SDK's bare token request"
    );

    let (addr, log) = recorder().await;
    let client = Client::builder()
        .client_credentials("fixture-client-id", "fixture-client-secret")
        .base_url(format!("http://{addr}/v2"))
        .build()
        .unwrap();
    client.managed_accounts().list().await.expect("list");
    let sent = log.lock().unwrap().clone();
    assert_eq!(sent.len(), 2, "a token request, then the call");
    let ours = Raw::parse(&sent[0]);

    assert_eq!(ours.line, python.line, "method, path, version");
    assert_eq!(python.line, "POST /v2/oauth/token HTTP/1.1");
    for name in ["content-type", "authorization", "content-length"] {
        assert_eq!(
            ours.header(name),
            python.header(name),
            "{name}: ours {:?}, the Python SDK's {:?}",
            String::from_utf8_lossy(ours.header(name).unwrap_or_default()),
            String::from_utf8_lossy(python.header(name).unwrap_or_default()),
        );
    }
    assert_eq!(ours.body, python.body, "the body");
    assert_eq!(ours.body, b"grant_type=client_credentials");

    // Not compared, but checked: where it went, and nothing unexpected.
    assert_eq!(python.header("host"), Some(&b"api.telnyx.com"[..]));
    assert_eq!(ours.header("host"), Some(addr.to_string().as_bytes()));
    for (name, value) in &ours.headers {
        let compared = ["content-type", "authorization", "content-length"];
        let known = ["host", "user-agent", "accept"];
        assert!(
            compared.contains(&name.as_str()) || known.contains(&name.as_str()),
            "an unexpected header on our token request: {name}: {}",
            String::from_utf8_lossy(value)
        );
    }

    // The call carries the token the recorder issued.
    let call = Raw::parse(&sent[1]);
    assert_eq!(call.line, "GET /v2/managed_accounts HTTP/1.1");
    assert_eq!(
        call.header("authorization"),
        Some(&b"Bearer fixture-access-token"[..])
    );
}

// ---------------------------------------------------------------------------
// Caching

#[tokio::test]
async fn n_calls_on_clones_make_one_token_request() {
    let mock = mock().await;
    let client = client(&mock);
    assert_eq!(client.client_id(), Some(ID));
    assert_eq!(
        client.token_url().map(str::to_owned),
        Some(mock.token_url()),
        "the token URL is beside the base URL, not api.telnyx.com"
    );
    let clone = client.clone();
    for c in [&client, &clone, &client.clone()] {
        c.managed_accounts().list().await.expect("list");
        c.organizations().users().list().await.expect("users");
    }
    let tokens = token_requests(&mock);
    assert_eq!(tokens.len(), 1, "{:?}", sequence(&mock));
    assert_eq!(tokens[0].status, Some(200));
    assert_eq!(tokens[0].path, "/v2/oauth/token");
    let api = api_requests(&mock);
    assert_eq!(api.len(), 6);
    let first = bearer(&api[0]).to_owned();
    assert!(first.starts_with("Bearer mock-token-"), "{first}");
    assert!(api
        .iter()
        .all(|r| bearer(r) == first && r.status == Some(200)));
    assert_eq!(mock.valid_tokens(), 1);

    // A second client has a cache of its own.
    let other = self::client(&mock);
    other.managed_accounts().list().await.expect("list");
    assert_eq!(token_requests(&mock).len(), 2);
}

#[tokio::test]
async fn the_token_is_refreshed_before_it_expires() {
    // expires_in 12 s: due for refresh 2 s after it arrived, 10 s before
    // the mock stops accepting it.
    let mock = MockServer::builder()
        .client_credentials(ID, SECRET)
        .token_ttl(Duration::from_secs(12))
        .start()
        .await;
    let client = client(&mock);
    let started = Instant::now();
    client.managed_accounts().list().await.expect("first");
    client.managed_accounts().list().await.expect("cached");
    assert_eq!(token_requests(&mock).len(), 1);
    assert!(
        started.elapsed() < Duration::from_millis(1800),
        "too slow to observe the cache"
    );
    tokio::time::sleep(Duration::from_millis(2100).saturating_sub(started.elapsed())).await;
    client.managed_accounts().list().await.expect("refreshed");
    assert_eq!(
        sequence(&mock),
        [
            "TOKEN 200",
            "ListManagedAccounts 200",
            "ListManagedAccounts 200",
            "TOKEN 200",
            "ListManagedAccounts 200"
        ]
    );
    // Both tokens are still valid on the server: the refresh came before
    // expiry, not after a 401.
    assert_eq!(mock.valid_tokens(), 2);
    let api = api_requests(&mock);
    assert_eq!(bearer(&api[0]), bearer(&api[1]));
    assert_ne!(bearer(&api[1]), bearer(&api[2]));

    // expires_in 10 s is within the margin at once: every call gets a new
    // token, and no call is ever refused.
    let mock = MockServer::builder()
        .client_credentials(ID, SECRET)
        .token_ttl(Duration::from_secs(10))
        .start()
        .await;
    let client = self::client(&mock);
    for _ in 0..3 {
        client.managed_accounts().list().await.expect("list");
    }
    assert_eq!(token_requests(&mock).len(), 3);
    assert!(api_requests(&mock).iter().all(|r| r.status == Some(200)));
}

/// A mock whose tokens live 11 s, and a client with one first token that is
/// already inside the refresh margin (due 1 s after it arrived, valid for
/// 10 s more): the log holds `TOKEN 200`, `ListManagedAccounts 200`.
async fn a_token_due_for_refresh() -> (MockServer, Client) {
    let mock = MockServer::builder()
        .client_credentials(ID, SECRET)
        .token_ttl(Duration::from_secs(11))
        .start()
        .await;
    let client = builder(&mock)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let started = Instant::now();
    client.managed_accounts().list().await.expect("first");
    // The token's age is what this waits for, not a server.
    tokio::time::sleep(Duration::from_millis(1100).saturating_sub(started.elapsed())).await;
    (mock, client)
}

/// Refresh-ahead: one call refreshes the token inside the margin; while its
/// token request is slow, the other calls keep sending the current token
/// and are not held.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_refresh_ahead_of_expiry_holds_no_other_call() {
    let (mock, client) = a_token_due_for_refresh().await;
    let old = bearer(&api_requests(&mock)[0]).to_owned();
    mock.inject(
        FaultRule::new(Fault::Delay(Duration::from_secs(3)))
            .path("/oauth/token")
            .times(1),
    );
    let refresher = tokio::spawn({
        let c = client.clone();
        async move { c.managed_accounts().list().await.map(drop) }
    });
    mock.wait_for_requests(3).await; // the refresh's token request arrived
    for _ in 0..5 {
        client.managed_accounts().list().await.expect("not held");
    }
    // Taken before the token endpoint answered: the five calls did not wait
    // for it, and sent the token that is still valid.
    let log = mock.requests();
    assert!(log[2].is_token_request(), "{:?}", sequence(&mock));
    assert_eq!(log[2].status, None, "the five calls waited for the refresh");
    let during: Vec<_> = log[3..].iter().collect();
    assert_eq!(during.len(), 5, "{:?}", sequence(&mock));
    assert!(during
        .iter()
        .all(|r| !r.is_token_request() && r.status == Some(200) && bearer(r) == old));

    refresher.await.unwrap().expect("the refreshing call");
    client.managed_accounts().list().await.expect("after");
    let api = api_requests(&mock);
    let new = bearer(api.last().unwrap());
    assert_ne!(new, old, "the refreshed token is used");
    assert_eq!(token_requests(&mock).len(), 2);
}

/// Refresh-ahead: a refresh that fails while the current token is still
/// valid fails no call; a later call tries again.
#[tokio::test]
async fn a_failed_refresh_ahead_of_expiry_fails_no_call_and_is_retried_later() {
    let (mock, client) = a_token_due_for_refresh().await;
    mock.inject(
        FaultRule::new(Fault::Status(503))
            .path("/oauth/token")
            .times(2),
    );
    for i in 0..3 {
        client
            .managed_accounts()
            .list()
            .await
            .unwrap_or_else(|e| panic!("call {i} failed with a valid token: {e}"));
    }
    assert_eq!(
        sequence(&mock),
        [
            "TOKEN 200",
            "ListManagedAccounts 200",
            "TOKEN 503",
            "ListManagedAccounts 200",
            "TOKEN 503",
            "ListManagedAccounts 200",
            "TOKEN 200",
            "ListManagedAccounts 200",
        ]
    );
    let api = api_requests(&mock);
    assert_eq!(bearer(&api[0]), bearer(&api[1]));
    assert_eq!(bearer(&api[0]), bearer(&api[2]));
    assert_ne!(bearer(&api[2]), bearer(&api[3]));
}

// ---------------------------------------------------------------------------
// Single flight

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_concurrent_calls_make_one_token_request() {
    // 50 ms of latency: the token request is still under way when all 100
    // tasks need a token.
    let mock = slow_mock().await;
    let client = client(&mock);
    let tasks: Vec<_> = (0..100)
        .map(|i| {
            let c = client.clone();
            tokio::spawn(async move {
                if i % 2 == 0 {
                    c.managed_accounts().list().await.map(drop)
                } else {
                    c.organizations().users().list().await.map(drop)
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().expect("call");
    }
    assert_eq!(token_requests(&mock).len(), 1, "{:?}", sequence(&mock));
    let api = api_requests(&mock);
    assert_eq!(api.len(), 100);
    assert!(api
        .iter()
        .all(|r| r.status == Some(200) && bearer(r) == bearer(&api[0])));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_concurrent_calls_share_one_token_error() {
    let mock = slow_mock().await;
    let client = Client::builder()
        .client_credentials(ID, "wrong-secret")
        .base_url(mock.base_url())
        .build()
        .unwrap();
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.managed_accounts().list().await })
        })
        .collect();
    for t in tasks {
        match t.await.unwrap() {
            Err(e) => {
                assert!(e.is_token_error(), "{e}");
                assert_eq!(e.status(), Some(401));
                assert!(
                    e.to_string().starts_with(
                        "could not get an OAuth2 access token for ListManagedAccounts"
                    ),
                    "{e}"
                );
            }
            Ok(_) => panic!("a wrong secret got a token"),
        }
    }
    assert_eq!(token_requests(&mock).len(), 1, "{:?}", sequence(&mock));
    assert!(
        api_requests(&mock).is_empty(),
        "no call without credentials"
    );

    // Not cached: the next call asks again.
    let _ = client.managed_accounts().list().await;
    assert_eq!(token_requests(&mock).len(), 2);
}

/// A token request that fails in any other way is shared the same way: one
/// request, and every waiting call gets its error (a connection lost
/// mid-answer, a body that is no token, a timeout).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_concurrent_calls_share_one_failed_token_request() {
    // Each the token request's own error (a decode error names it in its
    // message: it carries no call, so `is_token_error` is false).
    type Expected = fn(&Error) -> bool;
    let cases: [(Fault, Expected); 3] = [
        (Fault::ResetMidBody, |e| {
            matches!(e, Error::Connection(_)) && e.is_token_error()
        }),
        (
            Fault::json_200(r#"{"token_type":"bearer"}"#),
            |e| matches!(e, Error::Decode(d) if d.message.contains("OAuthToken, for ListManagedAccounts")),
        ),
        (Fault::Delay(Duration::from_secs(30)), |e| {
            matches!(e, Error::Timeout(_)) && e.is_token_error()
        }),
    ];
    for (fault, expected) in cases {
        let what = format!("{fault:?}");
        // Every answer takes 300 ms: the hundred calls are all waiting on
        // the first one's token request before it fails.
        let mock = mock_with_latency(Duration::from_millis(300)).await;
        mock.inject(FaultRule::new(fault).path("/oauth/token").always());
        let client = builder(&mock)
            .retry_policy(RetryPolicy::none())
            .timeout(Duration::from_secs(1))
            .build()
            .unwrap();
        let tasks: Vec<_> = (0..100)
            .map(|_| {
                let c = client.clone();
                tokio::spawn(async move { c.managed_accounts().list().await })
            })
            .collect();
        for t in tasks {
            match t.await.unwrap() {
                Err(e) if expected(&e) => assert!(
                    e.to_string()
                        .contains("OAuthToken, for ListManagedAccounts")
                        || e.is_token_error(),
                    "{what}: {e}"
                ),
                other => panic!("{what}: not the token request's error: {other:?}"),
            }
        }
        assert_eq!(
            token_requests(&mock).len(),
            1,
            "{what}: {:?}",
            sequence(&mock)
        );
        assert!(api_requests(&mock).is_empty(), "{what}");
    }
}

/// A call whose deadline passes while another task's token request is under
/// way says that is what it waited for.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deadline_that_passes_during_another_tasks_token_request_says_so() {
    let mock = mock().await;
    mock.inject(
        FaultRule::new(Fault::Delay(Duration::from_millis(800)))
            .path("/oauth/token")
            .times(1),
    );
    let client = client(&mock);
    let first = tokio::spawn({
        let c = client.clone();
        async move { c.managed_accounts().list().await }
    });
    mock.wait_for_requests(1).await; // its token request has arrived
    let err = client
        .managed_accounts()
        .list()
        .deadline(Duration::from_millis(200))
        .await
        .unwrap_err();
    assert!(
        err.to_string().starts_with(
            "call to Telnyx's OAuth2 token endpoint (OAuthToken, for ListManagedAccounts) \
             ran past its deadline while another task's token request was under way"
        ),
        "{err}"
    );
    assert_eq!(err.retry_stop(), Some(RetryStop::Deadline));
    first.await.unwrap().expect("the first call got its token");
    assert_eq!(token_requests(&mock).len(), 1);
}

/// The token request takes a limiter slot of its own, before the call
/// takes one: with a single slot, neither waits for the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn max_concurrency_one_does_not_deadlock_the_token_request() {
    let mock = mock().await;
    let client = builder(&mock).max_concurrency(1).build().unwrap();
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.managed_accounts().list().await.map(drop) })
        })
        .collect();
    let all = futures::future::join_all(tasks);
    let done = tokio::time::timeout(Duration::from_secs(20), all)
        .await
        .expect("the calls finished: no deadlock between the token request and the call");
    for r in done {
        r.unwrap().expect("call");
    }
    assert_eq!(token_requests(&mock).len(), 1);
    assert_eq!(mock.peak_in_flight(), 1);
    assert_eq!(api_requests(&mock).len(), 10);
}

// ---------------------------------------------------------------------------
// Refresh once on a 401

#[tokio::test]
async fn a_401_from_an_expired_token_refreshes_once_and_retries_the_call_once() {
    let mock = mock().await;
    let counter = RequestCounter::new();
    let client = builder(&mock)
        .retry_policy(RetryPolicy::none())
        .hook(counter.clone())
        .build()
        .unwrap();
    client.managed_accounts().list().await.expect("first");
    assert_eq!(mock.expire_tokens(), 1);

    // A read, with retries off: the refresh is not one of the policy's retries.
    let resp = client
        .managed_accounts()
        .list()
        .send_with_response()
        .await
        .expect("retried with a new token");
    assert_eq!(resp.attempts(), 2);
    assert_eq!(
        sequence(&mock),
        [
            "TOKEN 200",
            "ListManagedAccounts 200",
            "ListManagedAccounts 401",
            "TOKEN 200",
            "ListManagedAccounts 200"
        ]
    );
    let api = api_requests(&mock);
    assert_eq!(
        bearer(&api[0]),
        bearer(&api[1]),
        "the expired token was sent"
    );
    assert_ne!(bearer(&api[1]), bearer(&api[2]), "then a new one");
    let counts = counter.snapshot();
    assert_eq!(counts.statuses.get(&401), Some(&1));
    assert_eq!(counts.retries, 1, "the 401 attempt announced its retry");

    // `create` too: the 401 proves nothing was processed. One account.
    mock.expire_tokens();
    mock.clear_requests();
    let accounts = mock.accounts().len();
    let created = client
        .managed_accounts()
        .create("Refreshed Inc")
        .email("refreshed@example.com")
        .send_with_response()
        .await
        .expect("create after a refresh");
    assert_eq!(created.attempts(), 2);
    assert_eq!(mock.accounts().len(), accounts + 1);
    assert_eq!(
        sequence(&mock),
        [
            "CreateManagedAccount 401",
            "TOKEN 200",
            "CreateManagedAccount 200"
        ]
    );
    let creates = api_requests(&mock);
    assert_eq!(
        creates[0].body, creates[1].body,
        "the same body, sent again"
    );
}

/// The retry after a 401 is not one of the policy's: a failure after it
/// still gets every retry the policy allows (here one).
#[tokio::test]
async fn a_failure_after_the_401s_retry_still_gets_the_policys_retries() {
    /// Makes the API unavailable once, right after it refused a token.
    struct ThenUnavailable(Arc<MockServer>);
    impl Hook for ThenUnavailable {
        fn after_attempt(&self, outcome: &AttemptOutcome<'_>) {
            if outcome.status == Some(401) {
                self.0.inject(
                    FaultRule::new(Fault::Status(503))
                        .operation("ListManagedAccounts")
                        .times(1),
                );
            }
        }
    }
    let mock = Arc::new(mock().await);
    let client = builder(&mock)
        .retry_policy(quick(1))
        .hook(ThenUnavailable(Arc::clone(&mock)))
        .build()
        .unwrap();
    client.managed_accounts().list().await.expect("first");
    mock.expire_tokens();
    mock.clear_requests();
    let resp = client
        .managed_accounts()
        .list()
        .send_with_response()
        .await
        .expect("the policy's one retry, after the 503");
    assert_eq!(resp.attempts(), 3);
    assert_eq!(
        sequence(&mock),
        [
            "ListManagedAccounts 401",
            "TOKEN 200",
            "ListManagedAccounts 503",
            "ListManagedAccounts 200"
        ]
    );
}

/// The API refused the token, and getting a new one failed: the refused
/// token is forgotten, so the next call asks for a new one instead of
/// sending it again.
#[tokio::test]
async fn a_refused_token_is_not_sent_again_after_its_refresh_failed() {
    let mock = mock().await;
    let client = builder(&mock)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    client.managed_accounts().list().await.expect("first");
    mock.expire_tokens();
    mock.inject(FaultRule::new(Fault::Status(503)).path("/oauth/token"));
    let err = client
        .managed_accounts()
        .list()
        .await
        .expect_err("no token");
    assert!(err.is_token_error(), "{err}");

    mock.clear_requests();
    client.managed_accounts().list().await.expect("a new token");
    assert_eq!(
        sequence(&mock),
        ["TOKEN 200", "ListManagedAccounts 200"],
        "the refused token was sent again"
    );
}

#[tokio::test]
async fn a_token_that_keeps_being_refused_is_not_retried_in_a_loop() {
    // Tokens that expire as they are issued: every call is refused.
    let mock = MockServer::builder()
        .client_credentials(ID, SECRET)
        .token_ttl(Duration::ZERO)
        .start()
        .await;
    let client = builder(&mock).retry_policy(quick(3)).build().unwrap();
    let err = client
        .managed_accounts()
        .retrieve("f65ceda4-6522-4ad6-aede-98de83385123")
        .await
        .expect_err("refused");
    assert_eq!(
        sequence(&mock),
        [
            "TOKEN 200",
            "RetrieveManagedAccount 401",
            "TOKEN 200",
            "RetrieveManagedAccount 401"
        ]
    );
    match &err {
        Error::Api(e) => {
            assert_eq!(e.kind(), ApiErrorKind::Authentication);
            assert_eq!(e.attempts(), 2);
            assert_eq!(
                e.request_id(),
                mock.requests().last().map(|r| r.request_id.as_str())
            );
        }
        other => panic!("expected the 401, got {other:?}"),
    }
    assert!(!err.is_token_error(), "the token endpoint did its job");
    assert_eq!(err.operation(), Some("RetrieveManagedAccount"));
    assert_eq!(err.retry_stop(), Some(RetryStop::NotRetryable));
    let text = err.to_string();
    assert!(
        text.starts_with("Telnyx API error 401 Unauthorized")
            && text.contains("a freshly issued OAuth2 access token was refused too"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_calls_refused_with_the_same_token_make_one_token_request() {
    // The latency keeps every task's refused call in flight together.
    let mock = slow_mock().await;
    let client = client(&mock);
    client.managed_accounts().list().await.expect("first");
    mock.expire_tokens();
    mock.clear_requests();
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.organizations().users().list().await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().expect("retried with the new token");
    }
    let api = api_requests(&mock);
    let refused = api.iter().filter(|r| r.status == Some(401)).count();
    assert_eq!(refused, 100, "all 100 went out with the expired token");
    assert_eq!(
        token_requests(&mock).len(),
        1,
        "one refresh for all of them"
    );
    let retried: Vec<_> = api.iter().filter(|r| r.status == Some(200)).collect();
    assert_eq!(retried.len(), 100);
    assert!(retried.iter().all(|r| bearer(r) == bearer(retried[0])));
}

// ---------------------------------------------------------------------------
// Errors of the token endpoint

#[tokio::test]
async fn token_endpoint_errors_are_surfaced_as_such_and_the_call_is_not_sent() {
    let mock = mock().await;

    // Wrong credentials: Telnyx's 401, from the token endpoint.
    let wrong = Client::builder()
        .client_credentials(ID, "wrong-secret")
        .base_url(mock.base_url())
        .build()
        .unwrap();
    let err = wrong.managed_accounts().list().await.expect_err("refused");
    let logged = mock.requests();
    assert_eq!(
        logged.len(),
        1,
        "only the token request: {:?}",
        sequence(&mock)
    );
    assert!(logged[0].is_token_request());
    match &err {
        Error::Api(e) => {
            assert_eq!(e.status(), 401);
            assert_eq!(e.kind(), ApiErrorKind::Authentication);
            assert_eq!(e.errors()[0].code.as_deref(), Some("10009"));
            assert_eq!(e.request_id(), Some(logged[0].request_id.as_str()));
            assert!(!e.body().is_empty());
        }
        other => panic!("expected an API error, got {other:?}"),
    }
    assert!(err.is_token_error());
    assert_eq!(err.operation(), Some(TOKEN_OPERATION));
    let text = err.to_string();
    assert!(
        text.starts_with(
            "could not get an OAuth2 access token for ListManagedAccounts: the token endpoint (OAuthToken) answered 401 Unauthorized: Authentication failed"
        ) && text.contains("check the OAuth client id and secret (TELNYX_CLIENT_ID, TELNYX_CLIENT_SECRET)")
            && text.ends_with(&format!("[request id {}]", logged[0].request_id)),
        "{text}"
    );
    assert!(!text.contains("wrong-secret"));

    // A 503 the retry policy gives up on: the status and attempts are the
    // token request's.
    mock.clear_requests();
    mock.inject(
        FaultRule::new(Fault::Status(503))
            .path("/oauth/token")
            .always(),
    );
    let client = builder(&mock).retry_policy(quick(1)).build().unwrap();
    let err = client
        .managed_accounts()
        .create("Never Sent Inc")
        .await
        .expect_err("503");
    assert!(err.is_token_error());
    assert_eq!((err.status(), err.attempts()), (Some(503), Some(2)));
    assert_eq!(err.retry_stop(), Some(RetryStop::AttemptsExhausted));
    assert!(
        err.is_retryable(),
        "the create was not sent: safe to try again"
    );
    assert!(
        err.to_string()
            .starts_with("could not get an OAuth2 access token for CreateManagedAccount"),
        "{err}"
    );
    assert_eq!(sequence(&mock), ["TOKEN 503", "TOKEN 503"]);
    mock.clear_faults();

    // A 2xx without a token: a decode error that says so, the token masked.
    mock.clear_requests();
    mock.inject(
        FaultRule::new(Fault::json_200(
            r#"{"access_token":"LEAKY-TOKEN-0123\u0000","expires_in":60}"#,
        ))
        .path("/oauth/token"),
    );
    let err = client.managed_accounts().list().await.expect_err("decode");
    match &err {
        Error::Decode(e) => {
            assert!(
                e.message
                    .contains("access token cannot be sent in a header")
                    && e.message.contains("OAuthToken, for ListManagedAccounts"),
                "{e}"
            );
            assert!(!e.to_string().contains("LEAKY-TOKEN"), "{e}");
            // The body is still there to read, with the token masked.
            assert_eq!(
                e.snippet,
                r#"{"access_token":"[REDACTED]","expires_in":60}"#
            );
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert_eq!(sequence(&mock), ["TOKEN 200"]);

    // The connection: a token URL where nothing listens.
    let closed = support::closed_port();
    mock.clear_requests();
    let unreachable = builder(&mock)
        .token_url(format!("http://127.0.0.1:{closed}/oauth/token"))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = unreachable
        .organizations()
        .users()
        .list()
        .await
        .expect_err("refused");
    assert!(matches!(&err, Error::Connection(_)), "{err:?}");
    assert!(err.is_token_error());
    assert_eq!(err.operation(), Some(TOKEN_OPERATION));
    assert!(
        err.to_string().starts_with(
            "could not reach Telnyx's OAuth2 token endpoint (OAuthToken, for ListOrganizationUsers)"
        ),
        "{err}"
    );
    assert!(mock.requests().is_empty(), "the call was not sent");
}

#[tokio::test]
async fn the_token_request_obeys_the_retry_policy_and_the_deadline() {
    let mock = mock().await;
    let client = builder(&mock).retry_policy(quick(2)).build().unwrap();

    // One 503 from the token endpoint: retried, then the call goes out.
    mock.inject(FaultRule::new(Fault::Status(503)).path("/oauth/token"));
    let resp = client
        .managed_accounts()
        .list()
        .send_with_response()
        .await
        .expect("retried");
    assert_eq!(resp.attempts(), 1, "the call's own attempts");
    assert_eq!(
        sequence(&mock),
        ["TOKEN 503", "TOKEN 200", "ListManagedAccounts 200"]
    );

    // A per-call policy applies to its token request too.
    mock.clear_requests();
    mock.inject(FaultRule::new(Fault::Status(503)).path("/oauth/token"));
    let fresh = self::client(&mock);
    let err = fresh
        .managed_accounts()
        .list()
        .retry_policy(RetryPolicy::none())
        .await
        .expect_err("not retried");
    assert!(err.is_token_error() && err.attempts() == Some(1), "{err}");
    assert_eq!(sequence(&mock), ["TOKEN 503"]);

    // The call's deadline bounds its token request.
    mock.clear_requests();
    mock.inject(
        FaultRule::new(Fault::Delay(Duration::from_secs(5)))
            .path("/oauth/token")
            .always(),
    );
    let started = Instant::now();
    let err = fresh
        .managed_accounts()
        .list()
        .deadline(Duration::from_millis(300))
        .await
        .expect_err("deadline");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    match &err {
        Error::Timeout(t) => assert!(t.deadline, "{t}"),
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(err.is_token_error());
    assert!(
        err.to_string()
            .contains("Telnyx's OAuth2 token endpoint (OAuthToken, for ListManagedAccounts)"),
        "{err}"
    );
    assert!(api_requests(&mock).is_empty());
}

// ---------------------------------------------------------------------------
// Hooks

#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<String>>>);

impl Hook for Recorder {
    fn before_attempt(&self, request: &mut AttemptRequest<'_>) {
        let auth = request
            .headers()
            .get("authorization")
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let info = request.info();
        self.0.lock().unwrap().push(format!(
            "before {} {} {} #{} auth={}",
            info.operation,
            info.method,
            info.path,
            info.attempt,
            auth.as_deref().unwrap_or("(none)")
        ));
        // A hook cannot replace the credentials.
        request
            .headers_mut()
            .insert("authorization", "Bearer hijacked".parse().unwrap());
    }

    fn after_attempt(&self, outcome: &AttemptOutcome<'_>) {
        self.0.lock().unwrap().push(format!(
            "after {} #{} {:?} retry_in={:?}",
            outcome.info.operation, outcome.info.attempt, outcome.status, outcome.retry_in
        ));
    }
}

#[tokio::test]
async fn hooks_see_the_token_request_with_its_credentials_redacted() {
    let mock = mock().await;
    let hook = Recorder::default();
    let client = builder(&mock).hook(hook.clone()).build().unwrap();
    client.managed_accounts().list().await.expect("list");
    mock.expire_tokens();
    client
        .managed_accounts()
        .list()
        .await
        .expect("after a refresh");
    assert_eq!(
        *hook.0.lock().unwrap(),
        [
            "before OAuthToken POST /oauth/token #1 auth=[REDACTED]",
            "after OAuthToken #1 Some(200) retry_in=None",
            "before ListManagedAccounts GET /managed_accounts #1 auth=[REDACTED]",
            "after ListManagedAccounts #1 Some(200) retry_in=None",
            "before ListManagedAccounts GET /managed_accounts #1 auth=[REDACTED]",
            "after ListManagedAccounts #1 Some(401) retry_in=Some(0ns)",
            "before OAuthToken POST /oauth/token #1 auth=[REDACTED]",
            "after OAuthToken #1 Some(200) retry_in=None",
            "before ListManagedAccounts GET /managed_accounts #2 auth=[REDACTED]",
            "after ListManagedAccounts #2 Some(200) retry_in=None",
        ]
    );
    // What went out: the real credentials, not the hook's.
    for r in mock.requests() {
        let auth = bearer(&r);
        if r.is_token_request() {
            assert_eq!(auth, "Basic [redacted]", "the mock's log redacts it");
        } else {
            assert!(auth.starts_with("Bearer mock-token-"), "{auth}");
        }
    }
}

// ---------------------------------------------------------------------------
// An API key client is untouched

#[tokio::test]
async fn an_api_key_client_makes_no_token_request_and_does_not_retry_a_401() {
    let mock = mock().await;
    let client = Client::builder()
        .api_key("wrong-key")
        .base_url(mock.base_url())
        .build()
        .unwrap();
    assert_eq!((client.client_id(), client.token_url()), (None, None));
    let err = client.managed_accounts().list().await.expect_err("401");
    assert_eq!(err.attempts(), Some(1));
    assert!(!err.is_token_error());
    assert!(
        err.to_string()
            .contains("check the API key (TELNYX_API_KEY)"),
        "{err}"
    );
    assert_eq!(sequence(&mock), ["ListManagedAccounts 401"]);
}
