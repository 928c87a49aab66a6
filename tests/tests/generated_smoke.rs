//! The generated client on its own, against a local stub: the ground the
//! hand-written crate stands on decodes what the wire carries.

use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION};
use telnyx_accounts_mock::MockServer;

#[tokio::test]
async fn a_generated_operation_decodes_the_stub_response() {
    let mock = MockServer::start().await;
    let expected = mock
        .accounts()
        .into_iter()
        .next()
        .expect("a seeded account");

    // The per-request headers ride in the generated client's inner value; its
    // pre-hook applies them (and drops progenitor's `api-version`).
    let mut headers = HeaderMap::new();
    let auth = HeaderValue::from_str(&format!("Bearer {}", mock.api_key())).expect("header");
    headers.insert(AUTHORIZATION, auth);
    let client = telnyx_accounts_gen::Client::new_with_client(
        &mock.base_url(),
        reqwest::Client::new(),
        headers,
    );

    let response = client
        .retrieve_managed_account()
        .id(expected.id.to_string())
        .send()
        .await
        .expect("retrieve");
    assert_eq!(response.status(), 200);
    let account = response.into_inner().data.expect("data");
    assert_eq!(account.id, expected.id);
    assert_eq!(account.email, expected.email);
    assert_eq!(
        account.organization_name.as_deref(),
        Some(expected.organization_name.as_str())
    );

    let sent = mock.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].api_path(),
        format!("/managed_accounts/{}", expected.id)
    );
    assert_eq!(sent[0].header("accept"), Some("application/json"));
    assert_eq!(sent[0].header("api-version"), None);
}
