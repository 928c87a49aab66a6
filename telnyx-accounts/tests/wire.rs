//! The exact request on the wire for every operation with every parameter:
//! method, path, decoded query pairs, JSON body and headers, as the mock
//! received them; and the decoded value the caller gets back.

use std::time::Duration;

use futures::TryStreamExt;
use serde_json::json;
use telnyx_accounts::{
    ApiErrorKind, Client, Error, ManagedAccountRecordType, ManagedAccountSort,
    ManagedAccountStatus, UserStatus,
};
use telnyx_accounts_mock::{MockServer, RecordedRequest};

async fn setup() -> (MockServer, Client) {
    let mock = MockServer::builder().accounts(60).users(12).start().await;
    let client = Client::builder()
        .api_key(mock.api_key())
        .base_url(mock.base_url())
        .build()
        .expect("client");
    (mock, client)
}

/// The one request the mock received since the log was last cleared.
fn only_request(mock: &MockServer) -> RecordedRequest {
    let log = mock.requests();
    assert_eq!(log.len(), 1, "expected exactly one request, got {log:#?}");
    log.into_iter().next().expect("one request")
}

/// The one request since the log was cleared, checked for method and path
/// (without the `/v2` prefix).
fn sent(mock: &MockServer, method: &str, path: impl AsRef<str>) -> RecordedRequest {
    let r = only_request(mock);
    assert_eq!((r.method.as_str(), r.api_path()), (method, path.as_ref()));
    r
}

fn pairs(r: &RecordedRequest) -> Vec<(&str, &str)> {
    r.query_pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

fn body(r: &RecordedRequest) -> serde_json::Value {
    serde_json::from_slice(&r.body).expect("JSON body")
}

fn assert_common_headers(r: &RecordedRequest, mock: &MockServer) {
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {}", mock.api_key()).as_str())
    );
    assert_eq!(r.header("accept"), Some("application/json"));
    let ua = r.header("user-agent").unwrap_or_default();
    assert!(ua.starts_with("telnyx-accounts-rust/"), "user-agent {ua:?}");
    // progenitor adds `api-version`; no official SDK sends it, so we drop it.
    assert_eq!(r.header("api-version"), None);
}

#[tokio::test]
async fn list_managed_accounts_sends_every_filter_under_its_wire_name() {
    let (mock, client) = setup().await;
    let page = client
        .managed_accounts()
        .list()
        .email_contains("example")
        .email_eq("ops@acme.com")
        .organization_name_contains("Acme")
        .organization_name_eq("Acme Inc")
        .status(ManagedAccountStatus::Enabled)
        .sort(ManagedAccountSort::EmailDesc)
        .include_cancelled_accounts(true)
        .page_number(2)
        .page_size(50)
        .await
        .expect("list");
    let r = only_request(&mock);
    assert_eq!(r.method, "GET");
    assert_eq!(r.api_path(), "/managed_accounts");
    let mut got = pairs(&r);
    got.sort();
    let mut want = vec![
        ("filter[email][contains]", "example"),
        ("filter[email][eq]", "ops@acme.com"),
        ("filter[organization_name][contains]", "Acme"),
        ("filter[organization_name][eq]", "Acme Inc"),
        ("filter[status][eq]", "enabled"),
        ("sort", "-email"),
        ("include_cancelled_accounts", "true"),
        ("page[number]", "2"),
        ("page[size]", "50"),
    ];
    want.sort();
    assert_eq!(got, want);
    assert!(r.body.is_empty());
    assert_common_headers(&r, &mock);
    assert_eq!(page.meta.page_number, 2);
    assert_eq!(page.meta.page_size, 50);
}

#[tokio::test]
async fn list_without_options_sends_no_query_and_decodes_the_page() {
    let (mock, client) = setup().await;
    let page = client.managed_accounts().list().await.expect("list");
    let r = only_request(&mock);
    assert!(r.query_pairs.is_empty(), "{:?}", r.query_pairs);
    // The mock's defaults: 20 a page, cancelled accounts hidden.
    let visible = mock
        .accounts()
        .iter()
        .filter(|a| a.status != telnyx_accounts_mock::AccountStatus::Cancelled)
        .count() as u64;
    assert_eq!(page.meta.page_size, 20);
    assert_eq!(page.meta.total_results, visible);
    assert_eq!(page.data.len(), 20);
    assert!(page.has_next_page());
    let first = &page.data[0];
    assert_eq!(first.record_type, ManagedAccountRecordType::ManagedAccount);
    assert!(mock.account(&first.id.to_string()).is_some());
}

#[tokio::test]
async fn each_sort_and_status_value_goes_out_as_documented() {
    let (mock, client) = setup().await;
    for (sort, wire) in [
        (ManagedAccountSort::CreatedAt, "created_at"),
        (ManagedAccountSort::CreatedAtDesc, "-created_at"),
        (ManagedAccountSort::Email, "email"),
        (ManagedAccountSort::EmailDesc, "-email"),
    ] {
        mock.clear_requests();
        client
            .managed_accounts()
            .list()
            .sort(sort)
            .await
            .expect("list");
        assert_eq!(only_request(&mock).query_param("sort"), Some(wire));
    }
    for status in [
        ManagedAccountStatus::All,
        ManagedAccountStatus::Active,
        ManagedAccountStatus::Enabled,
        ManagedAccountStatus::Cancelled,
        ManagedAccountStatus::Disabled,
        ManagedAccountStatus::Blocked,
    ] {
        mock.clear_requests();
        client
            .managed_accounts()
            .list()
            .status(status)
            .await
            .expect("list");
        assert_eq!(
            only_request(&mock).query_param("filter[status][eq]"),
            Some(status.as_str())
        );
    }
}

#[tokio::test]
async fn create_sends_only_the_fields_set() {
    let (mock, client) = setup().await;
    let created = client
        .managed_accounts()
        .create("Larry's Cat Food Inc")
        .await
        .expect("create");
    let r = sent(&mock, "POST", "/managed_accounts");
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(body(&r), json!({"business_name": "Larry's Cat Food Inc"}));
    assert_common_headers(&r, &mock);
    assert_eq!(
        created.organization_name.as_deref(),
        Some("Larry's Cat Food Inc")
    );
    assert!(!created.api_key.expose_secret().is_empty());
    assert!(mock.account(&created.id.to_string()).is_some());

    mock.clear_requests();
    let created = client
        .managed_accounts()
        .create("Acme Widgets")
        .email("larry@example.com")
        .password("3jVjLq!tMuWKyWx4NN*CvhnB")
        .managed_account_allow_custom_pricing(true)
        .rollup_billing(false)
        .await
        .expect("create");
    assert_eq!(
        body(&only_request(&mock)),
        json!({
            "business_name": "Acme Widgets",
            "email": "larry@example.com",
            "password": "3jVjLq!tMuWKyWx4NN*CvhnB",
            "managed_account_allow_custom_pricing": true,
            "rollup_billing": false,
        })
    );
    assert_eq!(created.email, "larry@example.com");
    assert_eq!(created.managed_account_allow_custom_pricing, Some(true));
    assert!(created.balance.is_some());
}

#[tokio::test]
async fn retrieve_update_disable_enable_and_channel_limit() {
    let (mock, client) = setup().await;
    let target = mock.accounts()[0].clone();
    let id = target.id;

    let account = client
        .managed_accounts()
        .retrieve(id)
        .await
        .expect("retrieve");
    let r = sent(&mock, "GET", format!("/managed_accounts/{id}"));
    assert!(r.body.is_empty());
    assert_eq!(account.id, id);
    assert_eq!(account.email, target.email);

    mock.clear_requests();
    let account = client
        .managed_accounts()
        .update(id.to_string())
        .managed_account_allow_custom_pricing(true)
        .await
        .expect("update");
    let r = sent(&mock, "PATCH", format!("/managed_accounts/{id}"));
    assert_eq!(
        body(&r),
        json!({"managed_account_allow_custom_pricing": true})
    );
    assert_eq!(account.managed_account_allow_custom_pricing, Some(true));

    mock.clear_requests();
    let by_ref: &uuid::Uuid = &id; // ids also come as &Uuid
    client
        .managed_accounts()
        .actions()
        .disable(by_ref)
        .await
        .expect("disable");
    sent(
        &mock,
        "POST",
        format!("/managed_accounts/{id}/actions/disable"),
    );
    assert_eq!(
        mock.account(&id.to_string()).map(|a| a.status),
        Some(telnyx_accounts_mock::AccountStatus::Disabled)
    );

    mock.clear_requests();
    client
        .managed_accounts()
        .actions()
        .enable(id)
        .await
        .expect("enable");
    let r = sent(
        &mock,
        "POST",
        format!("/managed_accounts/{id}/actions/enable"),
    );
    assert_eq!(body(&r), json!({}), "nothing set, nothing sent");

    mock.clear_requests();
    client
        .managed_accounts()
        .actions()
        .enable(id)
        .reenable_all_connections(true)
        .await
        .expect("enable");
    assert_eq!(
        body(&only_request(&mock)),
        json!({"reenable_all_connections": true})
    );
    assert_eq!(
        mock.account(&id.to_string()).map(|a| a.status),
        Some(telnyx_accounts_mock::AccountStatus::Enabled)
    );

    mock.clear_requests();
    let limit = client
        .managed_accounts()
        .update_global_channel_limit(id)
        .channel_limit(7)
        .await
        .expect("channel limit");
    let r = sent(
        &mock,
        "PATCH",
        format!("/managed_accounts/{id}/update_global_channel_limit"),
    );
    assert_eq!(body(&r), json!({"channel_limit": 7}));
    assert_eq!(limit.channel_limit, Some(7));
    assert_eq!(limit.id.as_deref(), Some(id.to_string().as_str()));
    // 0 is a limit too (no outbound calling), not a value refused locally.
    mock.clear_requests();
    let limit = client
        .managed_accounts()
        .update_global_channel_limit(id)
        .channel_limit(0)
        .await
        .expect("a limit of 0");
    let r = sent(
        &mock,
        "PATCH",
        format!("/managed_accounts/{id}/update_global_channel_limit"),
    );
    assert_eq!(body(&r), json!({"channel_limit": 0}));
    assert_eq!(limit.channel_limit, Some(0));

    mock.clear_requests();
    let pool = client
        .managed_accounts()
        .allocatable_global_outbound_channels()
        .await
        .expect("channels");
    sent(
        &mock,
        "GET",
        "/managed_accounts/allocatable_global_outbound_channels",
    );
    assert_eq!(
        pool.total_global_channels_allocated,
        Some(mock.total_channels_allocated() as i64)
    );
    assert_eq!(
        pool.allocatable_global_outbound_channels,
        Some(mock.channel_pool() as i64)
    );
}

#[tokio::test]
async fn users_list_retrieve_remove_and_reports() {
    let (mock, client) = setup().await;
    let page = client
        .organizations()
        .users()
        .list()
        .email("example")
        .user_status(UserStatus::Enabled)
        .include_groups(true)
        .page_number(1)
        .page_size(10)
        .await
        .expect("users");
    let r = sent(&mock, "GET", "/organizations/users");
    let mut got = pairs(&r);
    got.sort();
    assert_eq!(
        got,
        vec![
            ("filter[email]", "example"),
            ("filter[user_status]", "enabled"),
            ("include_groups", "true"),
            ("page[number]", "1"),
            ("page[size]", "10"),
        ]
    );
    assert!(page
        .data
        .iter()
        .all(|u| u.user_status == Some(UserStatus::Enabled)));
    assert!(page.data.iter().all(|u| u.groups.is_some()));

    mock.clear_requests();
    let plain = client.organizations().users().list().await.expect("users");
    assert!(only_request(&mock).query_pairs.is_empty());
    assert!(
        plain.data.iter().all(|u| u.groups.is_none()),
        "groups not asked for"
    );
    assert_eq!(plain.meta.page_size, 250);

    let victim = mock
        .users()
        .into_iter()
        .find(|u| !u.is_owner)
        .expect("a sub-user");
    mock.clear_requests();
    let user = client
        .organizations()
        .users()
        .retrieve(victim.id.as_str())
        .include_groups(true)
        .await
        .expect("retrieve user");
    let r = only_request(&mock);
    assert_eq!(r.api_path(), format!("/organizations/users/{}", victim.id));
    assert_eq!(pairs(&r), vec![("include_groups", "true")]);
    assert_eq!(user.email.as_deref(), Some(victim.email.as_str()));
    let names: Vec<_> = user
        .groups
        .unwrap_or_default()
        .into_iter()
        .map(|g| g.name)
        .collect();
    let want: Vec<_> = victim.groups.iter().map(|g| g.name.clone()).collect();
    assert_eq!(names, want);

    mock.clear_requests();
    let report = client
        .organizations()
        .users()
        .groups_report()
        .await
        .expect("report");
    let r = only_request(&mock);
    assert_eq!(r.api_path(), "/organizations/users/users_groups_report");
    assert_eq!(r.header("accept"), Some("application/json"));
    assert_eq!(report.len(), mock.users().len());
    assert!(report.iter().all(|u| u.groups.is_some()));

    mock.clear_requests();
    let csv = client
        .organizations()
        .users()
        .groups_report_csv()
        .await
        .expect("csv");
    let r = only_request(&mock);
    assert_eq!(r.api_path(), "/organizations/users/users_groups_report");
    assert_eq!(r.header("accept"), Some("text/csv"));
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {}", mock.api_key()).as_str())
    );
    assert!(
        csv.starts_with("id,email,user_status,created_at,last_sign_in_at,groups"),
        "{csv}"
    );

    let rows = client
        .organizations()
        .users()
        .groups_report_rows()
        .await
        .expect("rows");
    assert_eq!(rows.len(), mock.users().len());
    let row = rows.iter().find(|r| r.id == victim.id).expect("victim row");
    assert_eq!(row.groups, want);

    mock.clear_requests();
    let removed = client
        .organizations()
        .users()
        .actions()
        .remove(victim.id.clone())
        .await
        .expect("remove");
    sent(
        &mock,
        "POST",
        format!("/organizations/users/{}/actions/remove", victim.id),
    );
    assert_eq!(removed.id, victim.id);
    match client
        .organizations()
        .users()
        .retrieve(victim.id.as_str())
        .await
    {
        Err(Error::Api(e)) => {
            assert_eq!(e.kind(), ApiErrorKind::NotFound);
            assert_eq!(e.errors()[0].code.as_deref(), Some("10005"));
            assert!(e.request_id().is_some());
        }
        other => panic!("expected 404, got {other:?}"),
    }
}

#[tokio::test]
async fn invalid_input_fails_before_any_io_naming_the_parameter() {
    let (mock, client) = setup().await;
    let ma = client.managed_accounts();
    let users = client.organizations().users();
    let cases: Vec<(&str, Error)> = vec![
        ("id", ma.retrieve("").await.unwrap_err()),
        ("id", ma.retrieve("../users").await.unwrap_err()),
        ("id", ma.update("a/b").await.unwrap_err()),
        ("id", ma.actions().disable("x?y").await.unwrap_err()),
        ("id", ma.actions().enable("x#y").await.unwrap_err()),
        ("id", users.retrieve("..").await.unwrap_err()),
        ("id", users.actions().remove("%2e%2e").await.unwrap_err()),
        ("page_size", ma.list().page_size(0).await.unwrap_err()),
        ("page_size", ma.list().page_size(251).await.unwrap_err()),
        ("page_number", ma.list().page_number(0).await.unwrap_err()),
        ("page_size", users.list().page_size(300).await.unwrap_err()),
        (
            "email_contains",
            ma.list().email_contains("ab").await.unwrap_err(),
        ),
        (
            "organization_name_contains",
            ma.list().organization_name_contains("é").await.unwrap_err(),
        ),
        ("business_name", ma.create("  ").await.unwrap_err()),
        (
            "channel_limit",
            ma.update_global_channel_limit("f65ceda4-6522-4ad6-aede-98de83385123")
                .channel_limit(-1)
                .await
                .unwrap_err(),
        ),
        (
            "header",
            ma.list().header("bad header", "v").await.unwrap_err(),
        ),
    ];
    for (parameter, err) in cases {
        match &err {
            Error::InvalidRequest(e) => assert_eq!(e.parameter, parameter, "{err}"),
            other => panic!("expected InvalidRequest for {parameter}, got {other:?}"),
        }
        assert!(err.to_string().contains(parameter), "{err}");
        assert_eq!(err.attempts(), None, "nothing was attempted: {err}");
    }
    assert!(
        mock.requests().is_empty(),
        "nothing may be sent: {:#?}",
        mock.requests()
    );
}

/// The edges of what Telnyx takes are sent, not refused: three characters
/// (counted as characters, not bytes) for a `contains` filter, and page
/// sizes 1 and 250.
#[tokio::test]
async fn the_smallest_and_largest_values_telnyx_takes_are_sent() {
    let (mock, client) = setup().await;
    let ma = client.managed_accounts();
    ma.list()
        .email_contains("abc")
        .organization_name_contains("éèà")
        .page_number(1)
        .page_size(1)
        .await
        .expect("three characters, page 1 of size 1");
    let r = only_request(&mock);
    assert_eq!(r.query_param("filter[email][contains]"), Some("abc"));
    assert_eq!(
        r.query_param("filter[organization_name][contains]"),
        Some("éèà")
    );
    assert_eq!(r.query_param("page[size]"), Some("1"));
    mock.clear_requests();
    ma.list().page_size(250).await.expect("the largest page");
    client
        .organizations()
        .users()
        .list()
        .page_size(250)
        .await
        .expect("the largest page of users");
    let sizes: Vec<_> = mock
        .requests()
        .iter()
        .map(|r| r.query_param("page[size]").map(str::to_owned))
        .collect();
    assert_eq!(sizes, vec![Some("250".to_owned()); 2]);
}

#[tokio::test]
async fn ids_are_percent_encoded_in_the_path() {
    let (mock, client) = setup().await;
    let err = client
        .organizations()
        .users()
        .retrieve("ünï code")
        .await
        .unwrap_err();
    // Whitespace is refused; a non-ASCII id is encoded, not refused.
    assert!(matches!(err, Error::InvalidRequest(_)));
    let _ = client.organizations().users().retrieve("ünïcode").await;
    let r = only_request(&mock);
    assert_eq!(r.path, "/v2/organizations/users/%C3%BCn%C3%AFcode");
}

#[tokio::test]
async fn per_request_header_timeout_and_retries_override_the_client() {
    let (mock, client) = setup().await;
    client
        .managed_accounts()
        .list()
        .header("x-trace", "abc")
        .header("user-agent", "custom/1")
        .timeout(Duration::from_secs(5))
        .max_retries(0)
        .await
        .expect("list");
    let r = only_request(&mock);
    assert_eq!(r.header("x-trace"), Some("abc"));
    assert_eq!(r.header("user-agent"), Some("custom/1"));
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {}", mock.api_key()).as_str())
    );

    // Default headers and the user-agent suffix from the builder.
    let client = Client::builder()
        .api_key(mock.api_key())
        .base_url(mock.base_url())
        .user_agent("billing-sync/1.4")
        .default_header("x-tenant", "t1")
        .build()
        .expect("client");
    mock.clear_requests();
    client
        .organizations()
        .users()
        .groups_report_csv()
        .await
        .expect("csv");
    let r = only_request(&mock);
    assert_eq!(r.header("x-tenant"), Some("t1"));
    let ua = r.header("user-agent").unwrap_or_default();
    assert!(
        ua.starts_with("telnyx-accounts-rust/") && ua.ends_with(" billing-sync/1.4"),
        "{ua}"
    );
}

/// A `reqwest::Client` of the user's own (a proxy, custom roots, a default
/// header) carries every request: its default header reaches the server.
#[tokio::test]
async fn requests_go_through_the_users_own_http_client() {
    let mock = MockServer::start().await;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        "x-egress-proxy",
        reqwest::header::HeaderValue::from_static("corp-1"),
    );
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("HTTP client");
    let client = Client::builder()
        .api_key(mock.api_key())
        .base_url(mock.base_url())
        .http_client(http)
        .build()
        .expect("client");
    client.managed_accounts().list().await.expect("list");
    client
        .organizations()
        .users()
        .groups_report_csv()
        .await
        .expect("csv");
    let log = mock.requests();
    assert_eq!(log.len(), 2, "{log:#?}");
    for r in &log {
        assert_eq!(r.header("x-egress-proxy"), Some("corp-1"), "{}", r.path);
        assert_eq!(
            r.header("authorization"),
            Some(format!("Bearer {}", mock.api_key()).as_str())
        );
    }
}

#[tokio::test]
async fn streams_walk_every_page_with_the_filters_kept() {
    let mock = MockServer::builder().accounts(130).start().await;
    let client = Client::builder()
        .api_key(mock.api_key())
        .base_url(mock.base_url())
        .build()
        .expect("client");
    let all: Vec<_> = client
        .managed_accounts()
        .list()
        .status(ManagedAccountStatus::All)
        .sort(ManagedAccountSort::Email)
        .page_size(25)
        .into_stream()
        .try_collect()
        .await
        .expect("walk");
    assert_eq!(all.len(), 130);
    let emails: Vec<_> = all.iter().map(|a| a.email.to_lowercase()).collect();
    let mut sorted = emails.clone();
    sorted.sort();
    assert_eq!(emails, sorted, "sort kept across pages");
    let mut log = mock.requests();
    assert_eq!(log.len(), 6, "130 / 25 = 6 pages, no extra request");
    // Prefetched pages are requested concurrently: they may arrive in any
    // order, but each page exactly once.
    log.sort_by_key(|r| r.query_param("page[number]").map(str::to_owned));
    for (i, r) in log.iter().enumerate() {
        assert_eq!(
            r.query_param("page[number]"),
            Some((i + 1).to_string().as_str())
        );
        assert_eq!(r.query_param("page[size]"), Some("25"));
        assert_eq!(r.query_param("sort"), Some("email"));
        assert_eq!(r.query_param("filter[status][eq]"), Some("all"));
    }

    // Starting from page 3, and whole pages.
    mock.clear_requests();
    let pages: Vec<_> = client
        .managed_accounts()
        .list()
        .status(ManagedAccountStatus::All)
        .page_size(25)
        .page_number(3)
        .pages()
        .try_collect()
        .await
        .expect("pages");
    let numbers: Vec<_> = pages.iter().map(|p| p.meta.page_number).collect();
    assert_eq!(numbers, vec![3, 4, 5, 6]);
    assert_eq!(pages.iter().map(|p| p.data.len()).sum::<usize>(), 130 - 50);

    let users = client
        .organizations()
        .users()
        .list()
        .page_size(7)
        .collect_all()
        .await
        .expect("users");
    assert_eq!(users.len(), mock.users().len());
}

/// Every request builder, sent with `extra_query` pairs: the operation it
/// is, and the call (its result dropped).
macro_rules! with_extra_query {
    ($builder:expr) => {
        futures::FutureExt::boxed(futures::TryFutureExt::map_ok(
            $builder
                .extra_query("x_new", "a b&c=d/é")
                .extra_query("x_new", 2)
                .extra_query("x_flag", true)
                .send_with_response(),
            drop,
        ))
    };
}

/// Every builder with a JSON body, sent with `extra_body` fields.
macro_rules! with_extra_body {
    ($builder:expr) => {
        futures::FutureExt::boxed(futures::TryFutureExt::map_ok(
            $builder
                .extra_body("new_field", json!({"nested": [1, "two"]}))
                .extra_body("new_flag", true)
                .send_with_response(),
            drop,
        ))
    };
}

type Sent<'a> = futures::future::BoxFuture<'a, Result<(), Error>>;

/// The id of a seeded account that can be disabled and enabled.
fn enabled_account(mock: &MockServer) -> uuid::Uuid {
    mock.accounts()
        .into_iter()
        .find(|a| a.status == telnyx_accounts_mock::AccountStatus::Enabled)
        .expect("an enabled account")
        .id
}

#[tokio::test]
async fn extra_query_reaches_the_wire_on_every_request_builder() {
    let (mock, client) = setup().await;
    let account = enabled_account(&mock);
    let user = mock
        .users()
        .into_iter()
        .find(|u| !u.is_owner)
        .expect("a user who is not the owner")
        .id;
    let (accounts, users) = (client.managed_accounts(), client.organizations().users());
    let calls: Vec<(&str, Sent<'_>)> = vec![
        ("ListManagedAccounts", with_extra_query!(accounts.list())),
        (
            "CreateManagedAccount",
            with_extra_query!(accounts.create("Extra Query Inc")),
        ),
        (
            "ListAllocatableGlobalOutboundChannels",
            with_extra_query!(accounts.allocatable_global_outbound_channels()),
        ),
        (
            "RetrieveManagedAccount",
            with_extra_query!(accounts.retrieve(account)),
        ),
        (
            "UpdateManagedAccount",
            with_extra_query!(accounts.update(account)),
        ),
        (
            "DisableManagedAccount",
            with_extra_query!(accounts.actions().disable(account)),
        ),
        (
            "EnableManagedAccount",
            with_extra_query!(accounts.actions().enable(account)),
        ),
        (
            "UpdateManagedAccountGlobalChannelLimit",
            with_extra_query!(accounts.update_global_channel_limit(account)),
        ),
        ("ListOrganizationUsers", with_extra_query!(users.list())),
        (
            "GetOrganizationUsersGroupsReport",
            with_extra_query!(users.groups_report()),
        ),
        (
            "GetOrganizationUsersGroupsReport",
            with_extra_query!(users.groups_report_csv()),
        ),
        (
            "GetOrganizationUsersGroupsReport",
            with_extra_query!(users.groups_report_rows()),
        ),
        (
            "GetOrganizationUser",
            with_extra_query!(users.retrieve(user.clone())),
        ),
        (
            "DeleteOrganizationUser",
            with_extra_query!(users.actions().remove(user)),
        ),
    ];
    assert_eq!(calls.len(), 14, "every request builder");
    for (operation, call) in calls {
        mock.clear_requests();
        call.await
            .unwrap_or_else(|e| panic!("{operation} with extra query pairs: {e}"));
        let r = only_request(&mock);
        assert_eq!(r.operation_id, Some(operation));
        let extras: Vec<_> = pairs(&r)
            .into_iter()
            .filter(|(k, _)| k.starts_with("x_"))
            .collect();
        assert_eq!(
            extras,
            vec![("x_new", "a b&c=d/é"), ("x_new", "2"), ("x_flag", "true")],
            "{operation}: {}",
            r.query
        );
    }
}

#[tokio::test]
async fn extra_body_reaches_the_wire_on_every_builder_with_a_json_body() {
    let (mock, client) = setup().await;
    let account = enabled_account(&mock);
    let accounts = client.managed_accounts();
    let calls: Vec<(&str, Sent<'_>, serde_json::Value)> = vec![
        (
            "CreateManagedAccount",
            with_extra_body!(accounts.create("Extra Body Inc").rollup_billing(true)),
            json!({"business_name": "Extra Body Inc", "rollup_billing": true}),
        ),
        (
            "UpdateManagedAccount",
            with_extra_body!(accounts
                .update(account)
                .managed_account_allow_custom_pricing(false)),
            json!({"managed_account_allow_custom_pricing": false}),
        ),
        (
            "EnableManagedAccount",
            with_extra_body!(accounts.actions().enable(account)),
            json!({}),
        ),
        (
            "UpdateManagedAccountGlobalChannelLimit",
            with_extra_body!(accounts.update_global_channel_limit(account)),
            json!({}),
        ),
    ];
    for (operation, call, typed) in calls {
        mock.clear_requests();
        call.await
            .unwrap_or_else(|e| panic!("{operation} with extra body fields: {e}"));
        let r = only_request(&mock);
        assert_eq!(r.operation_id, Some(operation));
        let mut expected = typed;
        expected["new_field"] = json!({"nested": [1, "two"]});
        expected["new_flag"] = json!(true);
        assert_eq!(body(&r), expected, "{operation}");
        assert_eq!(r.header("content-type"), Some("application/json"));
    }
}

#[tokio::test]
async fn an_extra_named_like_a_typed_parameter_replaces_it() {
    let (mock, client) = setup().await;

    // Query: the extra pair wins over the typed setter, called before or after.
    let users = client.organizations().users();
    let page = users
        .list()
        .page_size(10)
        .extra_query("page[size]", 3)
        .await
        .expect("list");
    assert_eq!(page.data.len(), 3);
    let page = users
        .list()
        .extra_query("page[size]", "4")
        .page_size(10)
        .await
        .expect("list");
    assert_eq!(page.data.len(), 4);
    let log = mock.requests();
    let sizes: Vec<Vec<_>> = log
        .iter()
        .map(|r| {
            pairs(r)
                .into_iter()
                .filter(|(k, _)| *k == "page[size]")
                .collect()
        })
        .collect();
    assert_eq!(
        sizes,
        vec![vec![("page[size]", "3")], vec![("page[size]", "4")]]
    );

    // Body: likewise, for an optional field and the required one.
    mock.clear_requests();
    let created = client
        .managed_accounts()
        .create("Typed Inc")
        .extra_body("email", "extra@example.com")
        .email("typed@example.com")
        .extra_body("business_name", "Extra Inc")
        .await
        .expect("create");
    let r = only_request(&mock);
    assert_eq!(
        body(&r),
        json!({"business_name": "Extra Inc", "email": "extra@example.com"})
    );
    assert_eq!(created.email, "extra@example.com");
    assert_eq!(created.organization_name.as_deref(), Some("Extra Inc"));
}

#[test]
fn a_builders_debug_names_its_extras_but_never_shows_their_values() {
    let client = Client::builder().api_key("KEY").build().expect("client");
    let builder = client
        .managed_accounts()
        .create("Acme")
        .extra_body("password", "hunter2-extra")
        .extra_query("api_key", "key-extra");
    let debug = format!("{builder:?}");
    assert!(
        debug.contains("password") && debug.contains("api_key"),
        "{debug}"
    );
    assert!(
        !debug.contains("hunter2-extra") && !debug.contains("key-extra"),
        "{debug}"
    );
}
