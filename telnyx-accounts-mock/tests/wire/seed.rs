//! The seeded data is part of the mock's contract. The same seed and counts
//! give the same accounts and users, in this version and the next, so a test
//! written against the default data (its first account's name, how many are
//! disabled, a user's groups) keeps passing. A change to the generator shows
//! here as a diff of `fixtures/default-seed.json`: regenerate it on purpose
//! with `UPDATE_SEED_FIXTURE=1`, and say so in the release notes.

use serde_json::json;
use telnyx_accounts_mock::MockServer;

use crate::common::{get, manifest_dir};

const FIXTURE: &str = "tests/wire/fixtures/default-seed.json";

#[tokio::test]
async fn the_default_data_is_the_same_in_every_version() {
    let mock = MockServer::start().await;
    // Each account as GET /managed_accounts/{id} shows it (cancelled ones
    // too, which the list leaves out by default), oldest first.
    let mut accounts = Vec::new();
    for account in mock.accounts() {
        let (status, body) = get(&mock, &format!("/managed_accounts/{}", account.id)).await;
        assert_eq!(status, 200, "{body}");
        // The status is not in the account's JSON; filters and the
        // mock's own accessor show it.
        accounts.push(json!({
            "status": format!("{:?}", account.status),
            "account": body["data"],
        }));
    }
    let (status, users) = get(&mock, "/organizations/users?page[size]=250").await;
    assert_eq!(status, 200, "{users}");
    let now = json!({ "accounts": accounts, "users": users["data"] });
    let text = serde_json::to_string_pretty(&now).expect("json") + "\n";

    let path = manifest_dir().join(FIXTURE);
    if std::env::var_os("UPDATE_SEED_FIXTURE").is_some() {
        std::fs::write(&path, &text).expect("write the fixture");
    }
    let before = std::fs::read_to_string(&path).expect("the fixture");
    if text != before {
        let first = text
            .lines()
            .zip(before.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        panic!(
            "the default seeded data changed: {FIXTURE}, first at line {}:\n  was: {}\n  now: {}\n\
             (regenerate with UPDATE_SEED_FIXTURE=1 if the change is meant)",
            first + 1,
            before.lines().nth(first).unwrap_or(""),
            text.lines().nth(first).unwrap_or(""),
        );
    }
}
