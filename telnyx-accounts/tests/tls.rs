//! The TLS features (`rustls`, the default; `rustls-ring`; `native-tls`; or
//! none): whichever set is on, the default HTTP client builds with no
//! process-wide setup and speaks plain HTTP to the mock. CI runs this file
//! with `rustls-ring` alone, besides the default (`cargo test --workspace`).
//!
//! A test binary of its own: "no process-wide setup" (such as a rustls
//! crypto provider installed as the process default) holds only in a
//! process where no other test made one; and CI builds it alone under
//! `rustls-ring`, which is quicker than building every suite again.

use telnyx_accounts::Client;
use telnyx_accounts_mock::MockServer;

#[tokio::test]
async fn the_default_client_builds_and_calls_the_mock_over_plain_http() {
    let mock = MockServer::builder().accounts(5).start().await;
    let client = Client::builder()
        .api_key(mock.api_key())
        .base_url(mock.base_url())
        .build()
        .expect("the default HTTP client builds");
    let page = client
        .managed_accounts()
        .list()
        .page_size(3)
        .await
        .expect("a page from the mock");
    assert_eq!(page.data.len(), 3);
    let log = mock.requests();
    assert_eq!(log.len(), 1, "{log:#?}");
    assert_eq!(log[0].api_path(), "/managed_accounts");
}

/// `rustls-ring` brings its own provider to its own client: it neither needs
/// nor installs a process-wide rustls `CryptoProvider` (that choice stays the
/// application's).
#[cfg(feature = "rustls-ring")]
#[test]
fn rustls_ring_leaves_the_process_wide_provider_alone() {
    let client = Client::builder()
        .api_key("KEY")
        .build()
        .expect("the client builds with no provider installed");
    assert_eq!(client.base_url(), "https://api.telnyx.com/v2");
    assert!(rustls::crypto::CryptoProvider::get_default().is_none());
}
