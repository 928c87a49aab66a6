//! One `telnyx.request` span per call, carrying what an operator needs and
//! nothing private.

use std::io::Write;
use std::sync::{Arc, Mutex};

use futures::TryStreamExt;
use telnyx_accounts::Client;
use telnyx_accounts_mock::{Fault, FaultRule, MockServer, NewAccount};
use tracing_subscriber::fmt::format::FmtSpan;

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut b) = self.0.lock() {
            b.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Buffer {
    fn text(&self) -> String {
        self.0
            .lock()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    }
}

/// A subscriber that writes every event at `TRACE` and above, with span
/// closes, to the returned buffer, for this thread.
fn capture() -> (Buffer, tracing::subscriber::DefaultGuard) {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    (buffer, tracing::subscriber::set_default(subscriber))
}

#[tokio::test(flavor = "current_thread")]
async fn each_request_has_a_span_with_operation_path_attempt_status_and_request_id() {
    let (buffer, _guard) = capture();

    let mock = MockServer::builder()
        .api_key("KEY_TRACE_0123456789")
        .start()
        .await;
    let client = Client::builder()
        .api_key(mock.api_key())
        .base_url(mock.base_url())
        .build()
        .expect("client");
    mock.inject(
        FaultRule::new(Fault::Status(503))
            .operation("ListManagedAccounts")
            .times(1)
            .header("retry-after-ms", "1"),
    );
    client
        .managed_accounts()
        .list()
        .email_eq("private.person@example.com")
        .await
        .expect("list after one retry");
    let id = mock
        .requests()
        .last()
        .map(|r| r.request_id.clone())
        .unwrap_or_default();

    let out = buffer.text();
    let close = out
        .lines()
        .find(|l| l.contains("telnyx.request") && l.contains("close"))
        .unwrap_or_else(|| panic!("no span close line in:\n{out}"));
    for field in [
        "operation=\"ListManagedAccounts\"",
        "method=\"GET\"",
        "path=\"/managed_accounts\"",
        "attempt=2",
        "status=200",
        "elapsed_ms=",
    ] {
        assert!(close.contains(field), "{field} missing from {close}");
    }
    assert!(
        close.contains(&format!("request_id=\"{id}\""))
            || close.contains(&format!("request_id={id}")),
        "{close}"
    );
    assert!(out.contains("retrying"), "the retry is logged:\n{out}");
    assert!(
        !out.contains("KEY_TRACE_0123456789"),
        "the key leaked:\n{out}"
    );
    assert!(
        !out.contains("private.person"),
        "a query value leaked:\n{out}"
    );
}

/// Accounts created during a walk push earlier ones onto the next page; the
/// walk drops the repeats and says so at `DEBUG`, on that page only.
#[tokio::test(flavor = "current_thread")]
async fn a_walk_logs_the_repeats_it_drops() {
    let (buffer, _guard) = capture();
    let mock = MockServer::builder().accounts(30).start().await;
    let client = Client::builder()
        .api_key(mock.api_key())
        .base_url(mock.base_url())
        .build()
        .expect("client");
    let mut stream = client
        .managed_accounts()
        .list()
        .include_cancelled_accounts(true)
        .page_size(10)
        .prefetch(0)
        .into_stream();
    let mut seen = 0;
    while let Some(_account) = stream.try_next().await.expect("walk") {
        seen += 1;
        if seen == 10 {
            // Page 1 is consumed; page 2 is not requested yet.
            for i in 0..3 {
                mock.insert_account(NewAccount::new(format!("New {i} Inc")))
                    .expect("insert");
            }
        }
    }
    assert_eq!(seen, 30);
    let out = buffer.text();
    let said: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("dropped items already yielded"))
        .collect();
    assert_eq!(said.len(), 1, "{out}");
    assert!(said[0].contains("repeats=3"), "{}", said[0]);
}

/// With OAuth2 client credentials, the token request has a span of its own
/// that names the call it was made for; the call's span does not carry that
/// field.
#[tokio::test(flavor = "current_thread")]
async fn the_token_request_has_its_own_span_naming_the_call_it_serves() {
    let (buffer, _guard) = capture();
    let mock = MockServer::builder()
        .client_credentials("trace-client-id", "trace-client-secret")
        .start()
        .await;
    let client = Client::builder()
        .client_credentials("trace-client-id", "trace-client-secret")
        .base_url(mock.base_url())
        .build()
        .expect("client");
    client
        .managed_accounts()
        .list()
        .await
        .expect("a page, after a token");

    let out = buffer.text();
    let closes: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("telnyx.request") && l.contains("close"))
        .collect();
    let token = closes
        .iter()
        .find(|l| l.contains("operation=\"OAuthToken\""))
        .unwrap_or_else(|| panic!("no token request span in:\n{out}"));
    for field in [
        "method=\"POST\"",
        "for_operation=\"ListManagedAccounts\"",
        "status=200",
    ] {
        assert!(token.contains(field), "{field} missing from {token}");
    }
    // The token request's span sits inside the call's, so its close line
    // names both; the call's own close line names no token request.
    let call = closes
        .iter()
        .find(|l| l.contains("operation=\"ListManagedAccounts\"") && !l.contains("OAuthToken"))
        .unwrap_or_else(|| panic!("no call span in:\n{out}"));
    assert!(!call.contains("for_operation"), "{call}");
    assert!(
        !out.contains("trace-client-secret"),
        "the secret leaked:\n{out}"
    );
}
