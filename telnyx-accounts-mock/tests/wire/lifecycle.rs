//! Issue 15, items 7-10: the server's lifecycle and its independence from the test.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::mpsc;
use std::time::Duration;

use telnyx_accounts_mock::MockServer;

/// One blocking HTTP/1.1 GET with std's `TcpStream`: the status line.
fn blocking_get(addr: std::net::SocketAddr, key: &str, path: &str) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    write!(
        stream,
        "GET /v2{path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {key}\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    Ok(response.lines().next().unwrap_or("").to_owned())
}

/// Item 9: a current-thread test that blocks its only thread must not starve
/// the mock (the mock runs on a thread and runtime of its own by default).
#[tokio::test(flavor = "current_thread")]
async fn serves_while_the_test_thread_is_blocked() {
    let mock = MockServer::start().await;
    let (addr, key) = (mock.addr(), mock.api_key().to_owned());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(blocking_get(addr, &key, "/managed_accounts?page[size]=1"));
    });
    // Block the runtime's only thread until the other thread has its answer.
    let status_line = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("the mock answered while the test's thread was blocked")
        .expect("HTTP exchange");
    assert_eq!(status_line, "HTTP/1.1 200 OK");
}

/// Item 8: shutdown lets a request in flight finish, then refuses new ones.
#[tokio::test]
async fn shutdown_drains_requests_in_flight() {
    let mock = MockServer::start().await;
    mock.fail_next(telnyx_accounts_mock::Fault::Delay(Duration::from_millis(
        300,
    )));
    let url = format!("{}/managed_accounts?page[size]=1", mock.base_url());
    let key = mock.api_key().to_owned();
    let in_flight = tokio::spawn(async move {
        crate::common::client()
            .get(url)
            .bearer_auth(key)
            .send()
            .await
            .map(|r| r.status().as_u16())
    });
    mock.wait_for_requests(1).await;
    let base = mock.base_url();
    mock.shutdown().await;
    let status = in_flight
        .await
        .expect("join")
        .expect("the response arrived");
    assert_eq!(status, 200);
    let refused = crate::common::client()
        .get(format!("{base}/managed_accounts"))
        .send()
        .await;
    assert!(refused.is_err(), "no longer listening");
}

/// Item 8: the drain is bounded: a request that outlives it is cut.
#[tokio::test]
async fn the_drain_is_bounded() {
    let mock = MockServer::builder()
        .drain_timeout(Duration::from_millis(100))
        .start()
        .await;
    mock.fail_next(telnyx_accounts_mock::Fault::Delay(Duration::from_secs(600)));
    let url = format!("{}/managed_accounts", mock.base_url());
    let key = mock.api_key().to_owned();
    let stuck = tokio::spawn(async move {
        crate::common::client()
            .get(url)
            .bearer_auth(key)
            .send()
            .await
    });
    mock.wait_for_requests(1).await;
    tokio::time::timeout(Duration::from_secs(20), mock.shutdown())
        .await
        .expect("shutdown ends after the drain timeout, not the fault's 600 s");
    assert!(stuck.await.expect("join").is_err());
}

/// Item 10: a request that never comes fails the test, it does not hang it.
#[tokio::test]
async fn waiting_for_requests_times_out_with_what_arrived() {
    let mock = MockServer::start().await;
    crate::common::get(&mock, "/managed_accounts?page[size]=1").await;
    let err = mock
        .wait_for_requests_within(2, Duration::from_millis(100))
        .await
        .expect_err("only one request came");
    assert_eq!((err.expected, err.received), (2, 1));
    assert_eq!(
        err.requests,
        vec!["GET /v2/managed_accounts?page[size]=1 -> 200".to_owned()]
    );
    assert_eq!(
        err.to_string(),
        "telnyx-accounts-mock: expected 2 request(s) within 100ms, received 1\n  GET /v2/managed_accounts?page[size]=1 -> 200"
    );
    mock.wait_for_requests_within(1, Duration::from_millis(100))
        .await
        .expect("one did come");
}

/// Item 10: `wait_for_requests` itself gives up after the builder's timeout.
#[tokio::test]
#[should_panic(expected = "expected 1 request(s) within 100ms, received 0")]
async fn wait_for_requests_fails_instead_of_hanging() {
    let mock = MockServer::builder()
        .wait_timeout(Duration::from_millis(100))
        .start()
        .await;
    mock.wait_for_requests(1).await;
}

/// Item 9: the caller's-runtime mode still works (and is what the program uses).
#[tokio::test]
async fn the_callers_runtime_mode_serves_too() {
    let mock = MockServer::builder().own_thread(false).start().await;
    let (status, _) = crate::common::get(&mock, "/managed_accounts").await;
    assert_eq!(status, 200);
    mock.shutdown().await;
}
