//! f28 of the fault matrix (`faults.rs`): a 30 MB 2xx body decodes, and the
//! peak memory it costs stays within a bound.
//!
//! Alone in its test binary on purpose: the peak resident set (`VmHWM`) is
//! the process's, so beside other tests it would measure them too. Here the
//! process holds only this test, its mock and its client.

use serde_json::json;
use telnyx_accounts_mock::{Fault, FaultRule, MockServer};

mod support;

/// The process's peak resident set, from /proc (Linux), in bytes.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

#[tokio::test]
async fn f28_a_30_mb_body_decodes() {
    let mock = MockServer::start().await;
    let client = support::client(&mock);
    let id = support::enabled_id(&mock);
    // The mock's own JSON for the account, padded to 30 MB.
    let mut body = support::raw_json(&mock, &format!("/managed_accounts/{id}")).await;
    body["data"]["padding"] = json!("x".repeat(30 * 1024 * 1024));
    let text = body.to_string();
    drop(body);
    assert!(text.len() > 30 * 1024 * 1024);
    mock.inject(FaultRule::new(Fault::json_200(text)).operation("RetrieveManagedAccount"));
    let account = client
        .managed_accounts()
        .retrieve(id.as_str())
        .await
        .unwrap();
    assert_eq!(account.id.to_string(), id);
    assert_eq!(mock.requests().len(), 1);
    if let Some(peak) = peak_rss() {
        // The body exists in the mock and in the client once or twice; an
        // unbounded copy per byte or per field would be far beyond this.
        assert!(peak < 768 * 1024 * 1024, "peak RSS {} MB", peak >> 20);
    }
}
