//! End to end: every operation and every documented error through `Client`
//! against `MockServer`, asserting what the caller decodes and what changed
//! in the mock's state; paging over thousands of accounts with each filter
//! and sort; 64 tasks sharing one client.

use std::collections::{HashMap, HashSet};

use futures::TryStreamExt;
use telnyx_accounts::{
    ApiErrorKind, Client, Error, ManagedAccountListing, ManagedAccountRecordType,
    ManagedAccountSort, ManagedAccountStatus, UserStatus,
};
use telnyx_accounts_mock::{AccountStatus, MockAccount, MockServer};
use uuid::Uuid;

use crate::support::{api_error, client, seen};

const LIST: &str = "ListManagedAccounts";

fn first_with(mock: &MockServer, status: AccountStatus) -> MockAccount {
    mock.accounts()
        .into_iter()
        .find(|a| a.status == status)
        .expect("seeded accounts have every status")
}

async fn ids_with_status(client: &Client, email: &str, status: ManagedAccountStatus) -> Vec<Uuid> {
    client
        .managed_accounts()
        .list()
        .email_eq(email)
        .status(status)
        .collect_all()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect()
}

/// Every operation that takes an id (six on an account, two on a user),
/// each run once and reduced to its error, by name.
async fn by_id_operations(
    client: &Client,
    account: Uuid,
    user: &str,
) -> Vec<(&'static str, Result<(), Error>)> {
    let ma = client.managed_accounts();
    let users = client.organizations().users();
    vec![
        ("retrieve", ma.retrieve(account).await.map(drop)),
        (
            "update",
            ma.update(account)
                .managed_account_allow_custom_pricing(true)
                .await
                .map(drop),
        ),
        ("disable", ma.actions().disable(account).await.map(drop)),
        ("enable", ma.actions().enable(account).await.map(drop)),
        (
            "channel limit",
            ma.update_global_channel_limit(account)
                .channel_limit(1)
                .await
                .map(drop),
        ),
        ("user", users.retrieve(user).await.map(drop)),
        ("remove", users.actions().remove(user).await.map(drop)),
    ]
}

// ---------------------------------------------------------------------------
// Every operation

#[tokio::test]
async fn managed_account_lifecycle() {
    let mock = MockServer::start().await;
    let client = client(&mock);
    let before = mock.accounts().len();

    // create
    let created = client
        .managed_accounts()
        .create("Larry's Cat Food Inc")
        .email("larry@example.com")
        .password("hunter2-hunter2")
        .managed_account_allow_custom_pricing(false)
        .rollup_billing(true)
        .await
        .unwrap();
    assert_eq!(created.email, "larry@example.com");
    assert_eq!(
        created.organization_name.as_deref(),
        Some("Larry's Cat Food Inc")
    );
    assert_eq!(
        created.record_type,
        ManagedAccountRecordType::ManagedAccount
    );
    assert_eq!(created.managed_account_allow_custom_pricing, Some(false));
    assert_eq!(created.rollup_billing, Some(true));
    assert!(created.api_key.expose_secret().starts_with("KEY"));
    assert!(!created.api_token.is_empty());
    // A rollup_billing account shares the manager's balance: Telnyx sends none.
    assert!(created.balance.is_none(), "{:?}", created.balance);
    let state = mock.account(&created.id.to_string()).expect("in the mock");
    assert_eq!(mock.accounts().len(), before + 1);
    assert_eq!(state.email, "larry@example.com");
    assert_eq!(state.status, AccountStatus::Enabled);
    assert!(state.rollup_billing);
    assert_eq!(state.channel_limit, 0);
    let sent = mock
        .requests()
        .into_iter()
        .find(|r| r.operation_id == Some("CreateManagedAccount"))
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(sent["business_name"], "Larry's Cat Food Inc");
    assert_eq!(sent["password"], "hunter2-hunter2");

    // retrieve: the same account, credentials included
    let account = client
        .managed_accounts()
        .retrieve(created.id)
        .await
        .unwrap();
    assert_eq!(account, created);

    // list: it is there, with the same fields
    let listed = client
        .managed_accounts()
        .list()
        .email_eq("larry@example.com")
        .await
        .unwrap();
    assert_eq!(listed.meta.total_results, 1);
    assert_eq!(listed.data.len(), 1);
    let item = &listed.data[0];
    assert_eq!(item.id, created.id);
    assert_eq!(item.organization_name, created.organization_name);
    assert_eq!(item.created_at, created.created_at);
    let by_org = client
        .managed_accounts()
        .list()
        .organization_name_eq("Larry's Cat Food Inc")
        .collect_all()
        .await
        .unwrap();
    assert_eq!(
        by_org.iter().map(|a| a.id).collect::<Vec<_>>(),
        [created.id]
    );

    // update
    let updated = client
        .managed_accounts()
        .update(created.id)
        .managed_account_allow_custom_pricing(true)
        .await
        .unwrap();
    assert_eq!(updated.managed_account_allow_custom_pricing, Some(true));
    assert!(updated.updated_at >= created.updated_at);
    assert!(
        mock.account(&created.id.to_string())
            .unwrap()
            .managed_account_allow_custom_pricing
    );
    let again = client
        .managed_accounts()
        .retrieve(created.id)
        .await
        .unwrap();
    assert_eq!(again.managed_account_allow_custom_pricing, Some(true));

    // disable: visible in status-filtered lists
    let email = "larry@example.com";
    assert_eq!(
        ids_with_status(&client, email, ManagedAccountStatus::Enabled).await,
        [created.id]
    );
    let disabled = client
        .managed_accounts()
        .actions()
        .disable(created.id)
        .await
        .unwrap();
    assert_eq!(disabled.id, created.id);
    assert_eq!(
        mock.account(&created.id.to_string()).unwrap().status,
        AccountStatus::Disabled
    );
    assert_eq!(
        ids_with_status(&client, email, ManagedAccountStatus::Disabled).await,
        [created.id]
    );
    assert!(
        ids_with_status(&client, email, ManagedAccountStatus::Enabled)
            .await
            .is_empty()
    );
    assert_eq!(
        ids_with_status(&client, email, ManagedAccountStatus::Active).await,
        [created.id]
    );

    // enable
    let enabled = client
        .managed_accounts()
        .actions()
        .enable(created.id)
        .reenable_all_connections(true)
        .await
        .unwrap();
    assert_eq!(enabled.id, created.id);
    let sent = mock
        .requests()
        .into_iter()
        .rfind(|r| r.operation_id == Some("EnableManagedAccount"))
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(sent["reenable_all_connections"], true);
    assert_eq!(
        mock.account(&created.id.to_string()).unwrap().status,
        AccountStatus::Enabled
    );
    assert_eq!(
        ids_with_status(&client, email, ManagedAccountStatus::Enabled).await,
        [created.id]
    );
    assert!(
        ids_with_status(&client, email, ManagedAccountStatus::Disabled)
            .await
            .is_empty()
    );

    // channel limit, reflected in the allocatable totals
    let pool = client
        .managed_accounts()
        .allocatable_global_outbound_channels()
        .await
        .unwrap();
    let total_before = mock.total_channels_allocated();
    assert_eq!(
        pool.allocatable_global_outbound_channels,
        Some(mock.channel_pool() as i64)
    );
    assert_eq!(
        pool.total_global_channels_allocated,
        Some(total_before as i64)
    );
    let limit = client
        .managed_accounts()
        .update_global_channel_limit(created.id)
        .channel_limit(7)
        .await
        .unwrap();
    assert_eq!(limit.channel_limit, Some(7));
    assert_eq!(limit.id, Some(created.id.to_string()));
    assert_eq!(limit.email.as_deref(), Some(email));
    assert_eq!(
        mock.account(&created.id.to_string()).unwrap().channel_limit,
        7
    );
    let pool = client
        .managed_accounts()
        .allocatable_global_outbound_channels()
        .await
        .unwrap();
    assert_eq!(
        pool.total_global_channels_allocated,
        Some(total_before as i64 + 7)
    );
    client
        .managed_accounts()
        .update_global_channel_limit(created.id)
        .channel_limit(3)
        .await
        .unwrap();
    let pool = client
        .managed_accounts()
        .allocatable_global_outbound_channels()
        .await
        .unwrap();
    assert_eq!(
        pool.total_global_channels_allocated,
        Some(total_before as i64 + 3)
    );
    assert_eq!(mock.total_channels_allocated(), total_before + 3);
    let sum: u64 = mock.accounts().iter().map(|a| a.channel_limit).sum();
    assert_eq!(sum, total_before + 3);
}

#[tokio::test]
async fn organization_users() {
    let mock = MockServer::start().await;
    let client = client(&mock);
    let users = mock.users();

    // list, with groups
    let page = client
        .organizations()
        .users()
        .list()
        .include_groups(true)
        .await
        .unwrap();
    assert_eq!(page.meta.total_results, users.len() as u64);
    assert_eq!(page.data.len(), users.len());
    for (got, want) in page.data.iter().zip(&users) {
        assert_eq!(got.id, want.id);
        assert_eq!(got.email.as_deref(), Some(want.email.as_str()));
        assert_eq!(
            got.user_status.as_ref().map(|s| s.as_str()),
            Some(want.user_status.as_str())
        );
        let groups: Vec<&str> = got
            .groups
            .as_ref()
            .expect("asked for groups")
            .iter()
            .map(|g| g.name.as_str())
            .collect();
        let want_groups: Vec<&str> = want.groups.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(groups, want_groups);
        assert_eq!(
            got.last_sign_in_at.is_none(),
            want.last_sign_in_at.is_none()
        );
    }
    assert_eq!(
        page.data[0].record_type.as_ref().map(|r| r.as_str()),
        Some("organization_owner")
    );
    let plain = client.organizations().users().list().await.unwrap();
    assert!(plain.data.iter().all(|u| u.groups.is_none()));

    // filters
    let disabled: Vec<String> = client
        .organizations()
        .users()
        .list()
        .user_status(UserStatus::Disabled)
        .collect_all()
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.id)
        .collect();
    let want: Vec<String> = users
        .iter()
        .filter(|u| u.user_status == telnyx_accounts_mock::UserStatus::Disabled)
        .map(|u| u.id.clone())
        .collect();
    assert!(!want.is_empty());
    assert_eq!(disabled, want);
    let by_email: Vec<String> = client
        .organizations()
        .users()
        .list()
        .email("EXAMPLE.ORG")
        .page_size(2)
        .collect_all()
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.id)
        .collect();
    let want: Vec<String> = users
        .iter()
        .filter(|u| u.email.contains("example.org"))
        .map(|u| u.id.clone())
        .collect();
    assert_eq!(by_email, want);

    // paging the users one at a time
    let pages: Vec<_> = client
        .organizations()
        .users()
        .list()
        .page_size(3)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), users.len().div_ceil(3));
    let ids: Vec<String> = pages
        .iter()
        .flat_map(|p| p.data.iter().map(|u| u.id.clone()))
        .collect();
    assert_eq!(ids, users.iter().map(|u| u.id.clone()).collect::<Vec<_>>());

    // retrieve
    let target = &users[1];
    let user = client
        .organizations()
        .users()
        .retrieve(target.id.as_str())
        .include_groups(true)
        .await
        .unwrap();
    assert_eq!(user.id, target.id);
    assert_eq!(user.email.as_deref(), Some(target.email.as_str()));
    assert_eq!(
        user.groups
            .unwrap()
            .into_iter()
            .map(|g| g.name)
            .collect::<Vec<_>>(),
        target
            .groups
            .iter()
            .map(|g| g.name.clone())
            .collect::<Vec<_>>()
    );
    let user = client
        .organizations()
        .users()
        .retrieve(target.id.as_str())
        .await
        .unwrap();
    assert_eq!(user.groups, None);

    // groups report: JSON and CSV agree with each other and with the mock
    let report = client
        .organizations()
        .users()
        .groups_report()
        .await
        .unwrap();
    let rows = client
        .organizations()
        .users()
        .groups_report_rows()
        .await
        .unwrap();
    let csv = client
        .organizations()
        .users()
        .groups_report_csv()
        .await
        .unwrap();
    assert!(csv.starts_with("id,email,user_status,created_at,last_sign_in_at,groups"));
    assert_eq!(csv.lines().count(), users.len() + 1);
    assert_eq!(report.len(), users.len());
    assert_eq!(rows.len(), users.len());
    for ((json, row), want) in report.iter().zip(&rows).zip(&users) {
        assert_eq!(json.id, row.id);
        assert_eq!(json.id, want.id);
        assert_eq!(json.email.as_deref(), Some(row.email.as_str()));
        assert_eq!(json.user_status.as_ref(), Some(&row.user_status));
        let json_groups: Vec<String> = json
            .groups
            .clone()
            .unwrap()
            .into_iter()
            .map(|g| g.name)
            .collect();
        assert_eq!(json_groups, row.groups);
        assert_eq!(
            json.created_at.map(|t| t.timestamp_millis()),
            chrono::DateTime::parse_from_rfc3339(&row.created_at)
                .ok()
                .map(|t| t.timestamp_millis())
        );
        assert_eq!(
            json.last_sign_in_at.is_none(),
            row.last_sign_in_at.is_none()
        );
    }
    assert!(
        rows.iter().any(|r| r.groups.len() >= 2),
        "a quoted, comma-separated groups cell"
    );

    // remove, then retrieve is a 404 and the user is gone everywhere
    let removed = client
        .organizations()
        .users()
        .actions()
        .remove(target.id.as_str())
        .await
        .unwrap();
    assert_eq!(removed.id, target.id);
    assert!(mock.users().iter().all(|u| u.id != target.id));
    assert_eq!(mock.users().len(), users.len() - 1);
    let e = api_error(
        client
            .organizations()
            .users()
            .retrieve(target.id.as_str())
            .await,
    );
    assert_eq!(e.kind(), ApiErrorKind::NotFound);
    assert_eq!(e.errors()[0].code.as_deref(), Some("10005"));
    let listed = client
        .organizations()
        .users()
        .list()
        .collect_all()
        .await
        .unwrap();
    assert!(listed.iter().all(|u| u.id != target.id));
    let report = client
        .organizations()
        .users()
        .groups_report()
        .await
        .unwrap();
    assert!(report.iter().all(|u| u.id != target.id));
    let csv = client
        .organizations()
        .users()
        .groups_report_csv()
        .await
        .unwrap();
    assert!(!csv.contains(&target.id));
}

// ---------------------------------------------------------------------------
// Every documented error

#[tokio::test]
async fn wrong_key_is_401_on_every_operation() {
    let mock = MockServer::start().await;
    let bad = Client::builder()
        .api_key("not-the-key")
        .base_url(mock.base_url())
        .build()
        .unwrap();
    let id = mock.accounts()[0].id;
    let user = mock.users()[1].id.clone();
    let ma = bad.managed_accounts();
    let users = bad.organizations().users();
    let mut results: Vec<(&str, Result<(), Error>)> = vec![
        ("list", ma.list().await.map(drop)),
        ("create", ma.create("X Inc").await.map(drop)),
        (
            "allocatable",
            ma.allocatable_global_outbound_channels().await.map(drop),
        ),
        ("users", users.list().await.map(drop)),
        ("report", users.groups_report().await.map(drop)),
        ("report csv", users.groups_report_csv().await.map(drop)),
    ];
    results.extend(by_id_operations(&bad, id, &user).await);
    for (name, result) in results {
        let e = api_error(result);
        assert_eq!(e.kind(), ApiErrorKind::Authentication, "{name}");
        assert_eq!(e.status(), 401);
        assert_eq!(e.attempts(), 1, "{name}: a 401 is not retried");
        assert_eq!(e.errors()[0].code.as_deref(), Some("10009"), "{name}");
        let text = e.to_string();
        assert!(text.contains("API key"), "{name}: {text}");
        assert!(text.contains("401"), "{name}: {text}");
    }
    assert_eq!(mock.requests().len(), 13);
    assert!(mock
        .requests()
        .iter()
        .all(|r| r.header("authorization") == Some("Bearer not-the-key")));
    // Nothing changed.
    assert_eq!(mock.users().len(), telnyx_accounts_mock::DEFAULT_USERS);
    assert_eq!(
        mock.accounts().len(),
        telnyx_accounts_mock::DEFAULT_ACCOUNTS
    );
}

#[tokio::test]
async fn not_found_forbidden_and_unprocessable() {
    let mock = MockServer::start().await;
    let client = client(&mock);
    let ma = client.managed_accounts();
    let nobody = Uuid::new_v4();

    // 404 on every by-id operation
    let results = by_id_operations(&client, nobody, "no-such-user").await;
    for (name, result) in results {
        let e = api_error(result);
        assert_eq!(e.kind(), ApiErrorKind::NotFound, "{name}");
        assert_eq!(e.errors()[0].code.as_deref(), Some("10005"), "{name}");
        assert_eq!(e.attempts(), 1);
        assert!(e.request_id().is_some());
        let text = e.to_string();
        assert!(text.contains("404 Not Found"), "{text}");
        assert!(text.contains("Resource not found"), "{text}");
        assert!(text.contains(e.request_id().unwrap()), "{text}");
    }

    // 403: the owner cannot be removed
    let owner = mock.users()[0].clone();
    assert!(owner.is_owner);
    let e = api_error(
        client
            .organizations()
            .users()
            .actions()
            .remove(owner.id.as_str())
            .await,
    );
    assert_eq!(e.kind(), ApiErrorKind::PermissionDenied);
    assert_eq!(e.errors()[0].code.as_deref(), Some("10010"));
    assert!(mock.users().iter().any(|u| u.id == owner.id));

    // 422: over-allocating channels, with the pointer at the field
    let account = first_with(&mock, AccountStatus::Enabled);
    let total = mock.total_channels_allocated();
    let e = api_error(
        ma.update_global_channel_limit(account.id)
            .channel_limit(mock.channel_pool() as i64 + 1)
            .await,
    );
    assert_eq!(e.kind(), ApiErrorKind::UnprocessableEntity);
    assert_eq!(e.status(), 422);
    let source = e.errors()[0].source.as_ref().expect("a source");
    assert_eq!(source.pointer.as_deref(), Some("/channel_limit"));
    assert!(e.to_string().contains("at `/channel_limit`"), "{e}");
    assert_eq!(mock.total_channels_allocated(), total);
    assert_eq!(mock.account(&account.id.to_string()).unwrap(), account);

    // 422: an email already taken
    let before = mock.accounts().len();
    let e = api_error(ma.create("Copycat Inc").email(account.email.clone()).await);
    assert_eq!(e.kind(), ApiErrorKind::UnprocessableEntity);
    assert_eq!(
        e.errors()[0].source.as_ref().unwrap().pointer.as_deref(),
        Some("/email")
    );
    assert_eq!(mock.accounts().len(), before);

    // 422: enabling a cancelled account, disabling a blocked one
    let cancelled = first_with(&mock, AccountStatus::Cancelled);
    let e = api_error(ma.actions().enable(cancelled.id).await);
    assert_eq!(e.kind(), ApiErrorKind::UnprocessableEntity);
    assert!(e.errors()[0]
        .detail
        .as_deref()
        .unwrap()
        .contains("cancelled"));
    let blocked = first_with(&mock, AccountStatus::Blocked);
    let e = api_error(ma.actions().disable(blocked.id).await);
    assert_eq!(e.kind(), ApiErrorKind::UnprocessableEntity);
    assert_eq!(
        mock.account(&blocked.id.to_string()).unwrap().status,
        AccountStatus::Blocked
    );
    assert_eq!(
        mock.account(&cancelled.id.to_string()).unwrap().status,
        AccountStatus::Cancelled
    );
}

#[tokio::test]
async fn invalid_requests_are_refused_before_sending() {
    let mock = MockServer::start().await;
    let client = client(&mock);
    let ma = client.managed_accounts();
    let results: Vec<(&str, Result<(), Error>)> = vec![
        ("page_size", ma.list().page_size(0).await.map(drop)),
        ("page_size", ma.list().page_size(251).await.map(drop)),
        ("page_number", ma.list().page_number(0).await.map(drop)),
        (
            "email_contains",
            ma.list().email_contains("ab").await.map(drop),
        ),
        (
            "organization_name_contains",
            ma.list().organization_name_contains("x").await.map(drop),
        ),
        ("id", ma.retrieve("").await.map(drop)),
        ("id", ma.retrieve("a/../b").await.map(drop)),
        ("business_name", ma.create("  ").await.map(drop)),
        (
            "channel_limit",
            ma.update_global_channel_limit(Uuid::new_v4())
                .channel_limit(-1)
                .await
                .map(drop),
        ),
        (
            "page_size",
            client
                .organizations()
                .users()
                .list()
                .page_size(300)
                .await
                .map(drop),
        ),
        (
            "user_status",
            client
                .organizations()
                .users()
                .list()
                .user_status(UserStatus::from("asleep"))
                .await
                .map(drop),
        ),
    ];
    for (param, result) in results {
        match result {
            Err(Error::InvalidRequest(e)) => assert_eq!(e.parameter, param, "{e}"),
            other => panic!("{param}: expected an invalid request, got {other:?}"),
        }
    }
    assert!(mock.requests().is_empty(), "nothing was sent");
}

// ---------------------------------------------------------------------------
// Paging over thousands of accounts

#[derive(Clone, Copy, Debug)]
enum Filter {
    /// No filter: every status but cancelled.
    Default,
    IncludeCancelled,
    Status(ManagedAccountStatus),
    OrgContains(&'static str),
    EmailContains(&'static str),
    DisabledWithEmail(&'static str),
}

impl Filter {
    fn apply(
        self,
        list: telnyx_accounts::resources::ListManagedAccounts,
    ) -> telnyx_accounts::resources::ListManagedAccounts {
        match self {
            Filter::Default => list,
            Filter::IncludeCancelled => list.include_cancelled_accounts(true),
            Filter::Status(s) => list.status(s),
            Filter::OrgContains(s) => list.organization_name_contains(s),
            Filter::EmailContains(s) => list.email_contains(s),
            Filter::DisabledWithEmail(s) => list
                .status(ManagedAccountStatus::Disabled)
                .email_contains(s),
        }
    }

    fn matches(self, a: &MockAccount) -> bool {
        match self {
            Filter::Default => a.status != AccountStatus::Cancelled,
            Filter::IncludeCancelled => true,
            Filter::Status(s) => match s {
                ManagedAccountStatus::All => true,
                ManagedAccountStatus::Active => a.status != AccountStatus::Cancelled,
                ManagedAccountStatus::Enabled => a.status == AccountStatus::Enabled,
                ManagedAccountStatus::Disabled => a.status == AccountStatus::Disabled,
                ManagedAccountStatus::Cancelled => a.status == AccountStatus::Cancelled,
                ManagedAccountStatus::Blocked => a.status == AccountStatus::Blocked,
                other => panic!("unexpected status {other:?}"),
            },
            // Without a status filter, cancelled accounts are left out.
            Filter::OrgContains(s) => {
                a.status != AccountStatus::Cancelled
                    && a.organization_name
                        .to_lowercase()
                        .contains(&s.to_lowercase())
            }
            Filter::EmailContains(s) => {
                a.status != AccountStatus::Cancelled
                    && a.email.to_lowercase().contains(&s.to_lowercase())
            }
            Filter::DisabledWithEmail(s) => {
                a.status == AccountStatus::Disabled
                    && a.email.to_lowercase().contains(&s.to_lowercase())
            }
        }
    }
}

/// The mock's accounts that `filter` keeps, in `sort`'s order (ties by id,
/// descending orders reversed whole), as the API documents.
fn expected_order(
    accounts: &[MockAccount],
    filter: Filter,
    sort: Option<ManagedAccountSort>,
) -> Vec<Uuid> {
    let mut kept: Vec<&MockAccount> = accounts.iter().filter(|a| filter.matches(a)).collect();
    let sort = sort.unwrap_or(ManagedAccountSort::CreatedAtDesc);
    match sort {
        ManagedAccountSort::CreatedAt | ManagedAccountSort::CreatedAtDesc => {
            kept.sort_by(|a, b| (&a.created_at, a.id).cmp(&(&b.created_at, b.id)))
        }
        _ => kept.sort_by_key(|a| (a.email.to_lowercase(), a.id)),
    }
    if matches!(
        sort,
        ManagedAccountSort::CreatedAtDesc | ManagedAccountSort::EmailDesc
    ) {
        kept.reverse();
    }
    kept.into_iter().map(|a| a.id).collect()
}

/// Every filter, in one sort order, over 3,000 accounts: the stream, `pages()`
/// and `collect_all()` agree with the mock's own order, one request a page.
/// One test per sort order, so that the five run side by side.
async fn paging_thousands_of_accounts_with_every_filter(sort: Option<ManagedAccountSort>) {
    let mock = MockServer::builder().accounts(3000).start().await;
    let client = client(&mock);
    let accounts = mock.accounts();
    assert_eq!(accounts.len(), 3000);
    let by_id: HashMap<Uuid, &MockAccount> = accounts.iter().map(|a| (a.id, a)).collect();

    let filters = [
        (Filter::Default, 250),
        (Filter::IncludeCancelled, 250),
        (Filter::Status(ManagedAccountStatus::Enabled), 97),
        (Filter::Status(ManagedAccountStatus::All), 250),
        (Filter::Status(ManagedAccountStatus::Cancelled), 20),
        (Filter::OrgContains("acme"), 7),
        (Filter::EmailContains("SMITH"), 13),
        (Filter::DisabledWithEmail("example"), 50),
    ];
    for (filter, size) in filters {
        let what = format!("{filter:?} sorted {sort:?}, {size} a page");
        let expected = expected_order(&accounts, filter, sort);
        assert!(!expected.is_empty(), "{what}: nothing to page");
        let request = || {
            let list = filter.apply(client.managed_accounts().list().page_size(size));
            match sort {
                Some(s) => list.sort(s),
                None => list,
            }
        };

        // the stream: every item once, in order
        mock.clear_requests();
        let streamed: Vec<ManagedAccountListing> =
            request().into_stream().try_collect().await.unwrap();
        let ids: Vec<Uuid> = streamed.iter().map(|a| a.id).collect();
        assert_eq!(ids.len(), expected.len(), "{what}");
        assert_eq!(
            ids.iter().collect::<HashSet<_>>().len(),
            ids.len(),
            "{what}: repeated items"
        );
        assert_eq!(ids, expected, "{what}");
        let total_pages = expected.len().div_ceil(size as usize);
        assert_eq!(seen(&mock, LIST), total_pages, "{what}: one request a page");
        for item in &streamed {
            let want = by_id[&item.id];
            assert_eq!(item.email, want.email);
            assert_eq!(
                item.organization_name.as_deref(),
                Some(want.organization_name.as_str())
            );
            assert_eq!(
                item.managed_account_allow_custom_pricing,
                Some(want.managed_account_allow_custom_pricing)
            );
            assert_eq!(
                item.created_at.timestamp_millis(),
                chrono::DateTime::parse_from_rfc3339(&want.created_at)
                    .unwrap()
                    .timestamp_millis()
            );
        }

        // pages(): consistent meta
        let pages: Vec<_> = request().pages().try_collect().await.unwrap();
        assert_eq!(pages.len(), total_pages, "{what}");
        for (i, page) in pages.iter().enumerate() {
            assert_eq!(page.meta.page_number, i as u64 + 1, "{what}");
            assert_eq!(page.meta.page_size, u64::from(size), "{what}");
            assert_eq!(page.meta.total_pages, total_pages as u64, "{what}");
            assert_eq!(page.meta.total_results, expected.len() as u64, "{what}");
            let full = i + 1 < total_pages;
            if full {
                assert_eq!(page.data.len(), size as usize, "{what}");
                assert!(page.has_next_page());
            } else {
                assert!(!page.has_next_page());
            }
        }
        let paged: Vec<ManagedAccountListing> = pages.into_iter().flat_map(|p| p.data).collect();
        assert_eq!(paged, streamed, "{what}");

        // collect_all(): the same as the stream
        let all = request().collect_all().await.unwrap();
        assert_eq!(all, streamed, "{what}");
    }
}

#[tokio::test]
async fn paging_thousands_of_accounts_in_the_default_order() {
    paging_thousands_of_accounts_with_every_filter(None).await;
}

#[tokio::test]
async fn paging_thousands_of_accounts_by_creation() {
    paging_thousands_of_accounts_with_every_filter(Some(ManagedAccountSort::CreatedAt)).await;
}

#[tokio::test]
async fn paging_thousands_of_accounts_by_creation_descending() {
    paging_thousands_of_accounts_with_every_filter(Some(ManagedAccountSort::CreatedAtDesc)).await;
}

#[tokio::test]
async fn paging_thousands_of_accounts_by_email() {
    paging_thousands_of_accounts_with_every_filter(Some(ManagedAccountSort::Email)).await;
}

#[tokio::test]
async fn paging_thousands_of_accounts_by_email_descending() {
    paging_thousands_of_accounts_with_every_filter(Some(ManagedAccountSort::EmailDesc)).await;
}

#[tokio::test]
async fn a_walk_from_page_three_of_thousands_yields_the_rest() {
    let mock = MockServer::builder().accounts(3000).start().await;
    let client = client(&mock);
    let accounts = mock.accounts();
    // A walk from page 3 yields the rest, and the page numbers sent are 3, 4, ...
    mock.clear_requests();
    let expected = expected_order(&accounts, Filter::Default, Some(ManagedAccountSort::Email));
    let rest: Vec<Uuid> = client
        .managed_accounts()
        .list()
        .sort(ManagedAccountSort::Email)
        .page_size(250)
        .page_number(3)
        .into_stream()
        .map_ok(|a| a.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rest, expected[500..]);
    let mut sent: Vec<u64> = mock
        .requests()
        .iter()
        .map(|r| r.query_param("page[number]").unwrap().parse().unwrap())
        .collect();
    // Prefetched pages may arrive in any order; each is asked for once.
    sent.sort_unstable();
    assert_eq!(
        sent,
        (3..=expected.len().div_ceil(250) as u64).collect::<Vec<_>>()
    );
    assert!(mock.requests().iter().all(|r| {
        r.query_param("sort") == Some("email") && r.query_param("page[size]") == Some("250")
    }));
}

// ---------------------------------------------------------------------------
// One client, 64 tasks

#[derive(Debug)]
struct Outcome {
    id: Uuid,
    allow: bool,
    limit: u64,
    status: AccountStatus,
}

async fn task(client: Client, i: usize, seeded: Uuid, user: String) -> Outcome {
    let ma = client.managed_accounts();
    let email = format!("task{i:02}@concurrency.example.com");
    let created = ma
        .create(format!("Concurrent {i} Inc"))
        .email(&email)
        .await
        .unwrap();
    assert_eq!(created.email, email);

    let got = ma.retrieve(created.id).await.unwrap();
    assert_eq!(got.id, created.id);
    let seeded_account = ma.retrieve(seeded).await.unwrap();
    assert_eq!(seeded_account.id, seeded);

    let allow = i.is_multiple_of(2);
    let updated = ma
        .update(created.id)
        .managed_account_allow_custom_pricing(allow)
        .await
        .unwrap();
    assert_eq!(updated.managed_account_allow_custom_pricing, Some(allow));

    let limit = (i % 5) as u64;
    let set = ma
        .update_global_channel_limit(created.id)
        .channel_limit(limit as i64)
        .await
        .unwrap();
    assert_eq!(set.channel_limit, Some(limit as i64));

    let mut status = AccountStatus::Enabled;
    if i.is_multiple_of(3) {
        ma.actions().disable(created.id).await.unwrap();
        status = AccountStatus::Disabled;
    }
    if i.is_multiple_of(6) {
        ma.actions().enable(created.id).await.unwrap();
        status = AccountStatus::Enabled;
    }

    let mine = ma.list().email_eq(&email).await.unwrap();
    assert_eq!(
        mine.data.iter().map(|a| a.id).collect::<Vec<_>>(),
        [created.id]
    );
    let user = client
        .organizations()
        .users()
        .retrieve(user.as_str())
        .await
        .unwrap();
    assert!(!user.id.is_empty());
    ma.allocatable_global_outbound_channels().await.unwrap();
    Outcome {
        id: created.id,
        allow,
        limit,
        status,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_tasks_share_one_client() {
    let mock = MockServer::start().await;
    let client = client(&mock);
    let seeded = mock.accounts();
    let users = mock.users();
    let allocated_before = mock.total_channels_allocated();

    let handles: Vec<_> = (0..64)
        .map(|i| {
            tokio::spawn(task(
                client.clone(),
                i,
                seeded[i % seeded.len()].id,
                users[i % users.len()].id.clone(),
            ))
        })
        .collect();
    let mut outcomes = Vec::new();
    for h in handles {
        outcomes.push(h.await.expect("task"));
    }

    // Every task's last write is the mock's state.
    for o in &outcomes {
        let state = mock.account(&o.id.to_string()).expect("created");
        assert_eq!(state.managed_account_allow_custom_pricing, o.allow, "{o:?}");
        assert_eq!(state.channel_limit, o.limit, "{o:?}");
        assert_eq!(state.status, o.status, "{o:?}");
    }
    assert_eq!(mock.accounts().len(), seeded.len() + 64);
    assert_eq!(
        seen(&mock, "CreateManagedAccount"),
        64,
        "no create sent twice"
    );

    // Channel totals add up, through the API and in the mock.
    let added: u64 = outcomes.iter().map(|o| o.limit).sum();
    assert_eq!(mock.total_channels_allocated(), allocated_before + added);
    let pool = client
        .managed_accounts()
        .allocatable_global_outbound_channels()
        .await
        .unwrap();
    assert_eq!(
        pool.total_global_channels_allocated,
        Some((allocated_before + added) as i64)
    );

    // Lists agree with the final state.
    let ours: HashSet<Uuid> = client
        .managed_accounts()
        .list()
        .email_contains("concurrency.example")
        .page_size(10)
        .collect_all()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(ours, outcomes.iter().map(|o| o.id).collect());
    let disabled: HashSet<Uuid> = client
        .managed_accounts()
        .list()
        .email_contains("concurrency.example")
        .status(ManagedAccountStatus::Disabled)
        .collect_all()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    let want: HashSet<Uuid> = outcomes
        .iter()
        .filter(|o| o.status == AccountStatus::Disabled)
        .map(|o| o.id)
        .collect();
    assert!(!want.is_empty());
    assert_eq!(disabled, want);
}
