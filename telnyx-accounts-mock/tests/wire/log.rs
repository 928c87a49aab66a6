use reqwest::Method;
use serde_json::json;
use telnyx_accounts_mock::{Fault, MockServer};

use crate::common::{client, req};

#[tokio::test]
async fn log_records_every_request_with_decoded_query() {
    let mock = MockServer::start().await;
    req(
        &mock,
        Method::GET,
        "/managed_accounts?page%5Bnumber%5D=2&filter[email][contains]=a%2Bb&sort=-email",
    )
    .send()
    .await
    .expect("send");
    req(&mock, Method::POST, "/managed_accounts")
        .json(&json!({"business_name": "Acme"}))
        .send()
        .await
        .expect("send");
    client()
        .get(format!("{}/organizations/users", mock.base_url()))
        .send()
        .await
        .expect("send"); // 401
    mock.fail_next(Fault::DropConnection);
    let _ = req(&mock, Method::GET, "/organizations/users").send().await;
    mock.wait_for_requests(4).await;

    let log = mock.requests();
    assert_eq!(log.len(), 4);
    let list = &log[0];
    assert_eq!(list.method, Method::GET);
    assert_eq!(list.path, "/v2/managed_accounts");
    assert_eq!(list.api_path(), "/managed_accounts");
    assert_eq!(
        list.query,
        "page%5Bnumber%5D=2&filter[email][contains]=a%2Bb&sort=-email"
    );
    assert_eq!(
        list.query_pairs,
        vec![
            ("page[number]".to_owned(), "2".to_owned()),
            ("filter[email][contains]".to_owned(), "a+b".to_owned()),
            ("sort".to_owned(), "-email".to_owned()),
        ]
    );
    assert_eq!(list.query_param("page[number]"), Some("2"));
    assert_eq!(list.operation_id, Some("ListManagedAccounts"));
    assert_eq!(list.header("authorization"), Some("Bearer mock-api-key"));
    let debug = format!("{list:?}");
    assert!(!debug.contains("mock-api-key"), "{debug}");
    assert!(debug.contains("[redacted]"));

    assert_eq!(log[1].json(), Some(json!({"business_name": "Acme"})));
    assert_eq!(log[1].operation_id, Some("CreateManagedAccount"));
    assert!(log[2].header("authorization").is_none());
    assert_eq!(log[3].path, "/v2/organizations/users");

    mock.clear_requests();
    assert!(mock.requests().is_empty());
}

#[tokio::test]
async fn wait_for_requests_from_concurrent_clients() {
    let mock = MockServer::start().await;
    let url = format!("{}/managed_accounts?page[size]=5", mock.base_url());
    let key = mock.api_key().to_owned();
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let (url, key) = (url.clone(), key.clone());
        tasks.push(tokio::spawn(async move {
            client()
                .get(url)
                .bearer_auth(key)
                .send()
                .await
                .map(|r| r.status().as_u16())
        }));
    }
    mock.wait_for_requests(16).await;
    assert_eq!(mock.requests().len(), 16);
    for t in tasks {
        assert_eq!(t.await.expect("join").expect("send"), 200);
    }
}

#[tokio::test]
async fn seeded_data_is_deterministic_and_shutdown_stops_serving() {
    let a = MockServer::builder()
        .seed(7)
        .accounts(30)
        .users(5)
        .start()
        .await;
    let b = MockServer::builder()
        .seed(7)
        .accounts(30)
        .users(5)
        .start()
        .await;
    assert_eq!(a.accounts(), b.accounts());
    assert_eq!(a.users(), b.users());
    let c = MockServer::builder().seed(8).accounts(30).start().await;
    assert_ne!(a.accounts(), c.accounts());
    let url = a.base_url();
    a.shutdown().await;
    assert!(client()
        .get(format!("{url}/managed_accounts"))
        .send()
        .await
        .is_err());
}

#[tokio::test]
async fn bounded_log_keeps_the_newest_but_counts_all() {
    let mock = MockServer::builder().log_capacity(2).start().await;
    for n in 1..=3 {
        req(
            &mock,
            Method::GET,
            &format!("/managed_accounts?page[number]={n}"),
        )
        .send()
        .await
        .expect("send");
    }
    mock.wait_for_requests(3).await;
    let kept: Vec<_> = mock.requests().iter().map(|r| r.query.clone()).collect();
    assert_eq!(kept, vec!["page[number]=2", "page[number]=3"]);
}
