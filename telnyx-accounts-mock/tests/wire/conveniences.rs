//! Issue 15, items 6 and 11: the request log's byte bound, expectations
//! with `verify`, and fixtures.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, SystemTime};

use reqwest::Method;
use serde_json::json;
use telnyx_accounts_mock::{
    AccountStatus, Fault, FaultRule, FixtureError, MockServer, NewAccount, NewUser, UserStatus,
};

use crate::common::{get, req, send};

// -- item 6: the log is bounded by bytes as well ------------------------------------

#[tokio::test]
async fn the_log_is_bounded_by_bytes() {
    let mock = MockServer::builder().log_max_bytes(4096).start().await;
    for n in 0..3 {
        let name = format!("{n}{}", "x".repeat(1500));
        send(req(&mock, Method::POST, "/managed_accounts").json(&json!({ "business_name": name })))
            .await;
    }
    let kept = mock.requests();
    assert_eq!(kept.len(), 2, "three 1.5 KB bodies do not fit in 4 KB");
    let names: Vec<String> = kept
        .iter()
        .map(|r| {
            r.json().expect("json")["business_name"]
                .as_str()
                .unwrap_or("")[..1]
                .to_owned()
        })
        .collect();
    assert_eq!(names, ["1", "2"], "the newest are kept");

    // One request larger than the whole budget: kept, without its body.
    let big = "y".repeat(10_000);
    send(req(&mock, Method::POST, "/managed_accounts").json(&json!({ "business_name": big })))
        .await;
    let kept = mock.requests();
    let last = kept.last().expect("kept");
    assert!(last.body_omitted);
    assert!(last.body.is_empty());
    assert_eq!(last.status, Some(200));
    assert!(!kept[..kept.len() - 1].iter().any(|r| r.body_omitted));
}

/// The budget counts what an entry holds: a long query is kept twice, as
/// sent and as decoded pairs, and weighs both.
#[tokio::test]
async fn a_long_query_counts_against_the_log_budget() {
    let mock = MockServer::builder().log_max_bytes(4096).start().await;
    for n in 0..3 {
        let email = format!("{n}{}", "q".repeat(1500));
        get(
            &mock,
            &format!("/managed_accounts?filter[email][contains]={email}"),
        )
        .await;
    }
    let kept = mock.requests();
    assert_eq!(
        kept.len(),
        1,
        "three queries of 2 x 1.5 KB do not fit twice in 4 KB: {:?}",
        kept.iter().map(|r| r.summary()).collect::<Vec<_>>()
    );
    assert!(kept[0].query.contains("2qqq"), "the newest is kept");
}

// -- item 11: expect and verify -----------------------------------------------------------

#[tokio::test]
async fn verify_passes_when_every_expectation_is_met() {
    let mock = MockServer::start().await;
    mock.inject(
        FaultRule::new(Fault::Status(500))
            .path("/managed_accounts")
            .times(2)
            .expect(2),
    );
    mock.inject(
        FaultRule::new(Fault::Passthrough)
            .operation("DeleteOrganizationUser")
            .expect(0),
    );
    mock.inject(
        FaultRule::new(Fault::Passthrough)
            .operation("ListOrganizationUsers")
            .always()
            .expect(1..=3),
    );
    assert_eq!(get(&mock, "/managed_accounts").await.0, 500);
    assert_eq!(get(&mock, "/managed_accounts").await.0, 500);
    assert_eq!(get(&mock, "/managed_accounts").await.0, 200);
    assert_eq!(get(&mock, "/organizations/users").await.0, 200);
    assert_eq!(
        mock.pending_faults(),
        2,
        "the used-up rule no longer counts"
    );
    mock.verify();
}

#[tokio::test]
#[should_panic(
    expected = "Status(500) on GET /managed_accounts: expected to fire exactly 2, fired 1"
)]
async fn verify_names_the_rule_that_was_not_met() {
    let mock = MockServer::start().await;
    mock.inject(
        FaultRule::new(Fault::Status(500))
            .method("GET")
            .path("/managed_accounts")
            .times(2)
            .expect(2),
    );
    get(&mock, "/managed_accounts").await;
    mock.verify();
}

#[test]
fn dropping_the_server_verifies_and_lists_the_requests() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mock = rt.block_on(MockServer::start());
    mock.inject(
        FaultRule::new(Fault::Status(503))
            .path("/managed_accounts")
            .expect(1..),
    );
    rt.block_on(get(&mock, "/organizations/users?page[size]=2"));
    let panicked = catch_unwind(AssertUnwindSafe(|| drop(mock))).expect_err("unmet");
    let message = panicked
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(
        message.contains(
            "Status(503) on any method /managed_accounts: expected to fire at least 1, fired 0"
        ),
        "{message}"
    );
    assert!(
        message.contains("GET /v2/organizations/users?page[size]=2 -> 200"),
        "{message}"
    );
}

// -- item 11: fixtures ----------------------------------------------------------------------

#[tokio::test]
async fn inserted_accounts_are_served_like_seeded_ones() {
    let mock = MockServer::start().await;
    let allocated = mock.total_channels_allocated();
    let acme = mock
        .insert_account(
            NewAccount::new("Acme Fixture Inc")
                .email("ops@acme-fixture.example.com")
                .status(AccountStatus::Disabled)
                .channel_limit(5)
                .rollup_billing(true),
        )
        .expect("inserted");
    assert_eq!(acme.status, AccountStatus::Disabled);
    assert_eq!(mock.total_channels_allocated(), allocated + 5);
    let (status, body) = get(&mock, &format!("/managed_accounts/{}", acme.id)).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["organization_name"], "Acme Fixture Inc");
    assert_eq!(body["data"]["email"], "ops@acme-fixture.example.com");
    assert_eq!(body["data"]["created_at"], acme.created_at.as_str());
    assert!(body["data"].get("balance").is_none(), "rollup_billing");
    let (_, body) = get(
        &mock,
        "/managed_accounts?filter[status][eq]=disabled&filter[email][eq]=ops@acme-fixture.example.com",
    )
    .await;
    assert_eq!(body["meta"]["total_results"], 1);

    // Oldest of all when told so.
    let old = mock
        .insert_account(
            NewAccount::new("Old Fixture LLC")
                .created_at(SystemTime::UNIX_EPOCH + Duration::from_secs(86_400)),
        )
        .expect("inserted");
    assert_eq!(old.created_at, "1970-01-02T00:00:00.000Z");
    let (_, body) = get(&mock, "/managed_accounts?sort=created_at&page[size]=1").await;
    assert_eq!(body["data"][0]["id"], old.id.to_string());

    // What cannot be inserted says why.
    assert_eq!(
        mock.insert_account(NewAccount::new("Again").email("OPS@acme-fixture.example.com")),
        Err(FixtureError::DuplicateEmail(
            "OPS@acme-fixture.example.com".into()
        ))
    );
    assert_eq!(
        mock.insert_account(NewAccount::new("Again").id(acme.id)),
        Err(FixtureError::DuplicateId(acme.id.to_string()))
    );
    let left = mock.channel_pool() - mock.total_channels_allocated();
    let err = mock
        .insert_account(NewAccount::new("Greedy").channel_limit(left + 1))
        .expect_err("over the pool");
    assert_eq!(
        err,
        FixtureError::ChannelPoolExceeded {
            requested: left + 1,
            available: left
        }
    );
    assert!(err.to_string().contains("channel_pool"), "{err}");
}

#[tokio::test]
async fn an_inserted_balance_shows_its_available_credit() {
    let mock = MockServer::start().await;
    let owing = mock
        .insert_account(NewAccount::new("Ledger Fixture Co").balance_cents(-1234, 5000))
        .expect("inserted");
    let (status, body) = get(&mock, &format!("/managed_accounts/{}", owing.id)).await;
    assert_eq!(status, 200);
    assert_eq!(
        body["data"]["balance"],
        json!({
            "available_credit": "37.66",
            "balance": "-12.34",
            "credit_limit": "50.00",
            "currency": "USD",
            "record_type": "balance"
        }),
        "available credit is the balance plus the credit limit"
    );
}

#[tokio::test]
async fn debug_shows_the_settings_and_hides_the_secrets() {
    let builder = MockServer::builder()
        .api_key("key-not-for-logs")
        .client_credentials("client-7", "secret-not-for-logs")
        .seed(77);
    let shown = format!("{builder:?}");
    for secret in ["key-not-for-logs", "secret-not-for-logs"] {
        assert!(!shown.contains(secret), "{shown}");
    }
    assert!(shown.contains("seed: 77"), "{shown}");
    assert!(
        shown.contains(r#"id: "client-7", secret: "[redacted]""#),
        "{shown}"
    );

    let mock = builder.start().await;
    let shown = format!("{mock:?}");
    assert!(shown.contains(&mock.base_url()), "{shown}");
    assert!(!shown.contains("key-not-for-logs"), "{shown}");
}

/// A user inserted without an id gets a new one, unlike every other user's
/// (bounded: a search for a free id that never ends fails here instead of
/// hanging); a group named like an existing one is that group, not a copy.
#[tokio::test]
async fn an_inserted_user_without_an_id_gets_a_fresh_one_and_joins_existing_groups() {
    let mock = MockServer::start().await;
    let before = mock.users();
    let engineering = before
        .iter()
        .flat_map(|u| &u.groups)
        .find(|g| g.name == "Engineering")
        .cloned()
        .expect("the seeded Engineering group");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let user = mock.insert_user(NewUser::new("no.id@example.com").group("Engineering"));
        let _ = tx.send((user, mock));
    });
    let (user, mock) = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("insert_user returned");
    let user = user.expect("inserted");
    assert!(!user.id.is_empty());
    assert!(
        before.iter().all(|u| u.id != user.id),
        "{} is an existing user's id",
        user.id
    );
    assert_eq!(user.groups, [engineering], "the existing group");
    let after = mock.users();
    assert_eq!(after.len(), before.len() + 1);
    let groups: std::collections::HashSet<_> = after
        .iter()
        .flat_map(|u| &u.groups)
        .filter(|g| g.name == "Engineering")
        .map(|g| g.id.clone())
        .collect();
    assert_eq!(groups.len(), 1, "one Engineering group: {groups:?}");
}

#[tokio::test]
async fn inserted_users_are_listed_last_with_their_groups() {
    let mock = MockServer::start().await;
    let user = mock
        .insert_user(
            NewUser::new("fixture.user@example.com")
                .id("fixture-user-1")
                .user_status(UserStatus::Blocked)
                .group("Robots")
                .group("Engineering"),
        )
        .expect("inserted");
    let names: Vec<&str> = user.groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["Engineering", "Robots"], "in the groups' order");
    let (_, body) = get(&mock, "/organizations/users?include_groups=true").await;
    let last = body["data"]
        .as_array()
        .and_then(|d| d.last())
        .cloned()
        .expect("a user");
    assert_eq!(last["id"], "fixture-user-1");
    assert_eq!(last["user_status"], "blocked");
    assert_eq!(last["record_type"], "organization_sub_user");
    assert_eq!(last["last_sign_in_at"], serde_json::Value::Null);
    assert_eq!(last["groups"].as_array().map(Vec::len), Some(2));
    let (status, _) = get(&mock, "/organizations/users/fixture-user-1").await;
    assert_eq!(status, 200);
    assert_eq!(
        mock.insert_user(NewUser::new("x@example.com").id("fixture-user-1")),
        Err(FixtureError::DuplicateId("fixture-user-1".into()))
    );
}
