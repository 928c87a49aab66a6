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
