//! This file plays a service that depends on `telnyx-accounts`: it builds
//! the crate's models in its own tests, keeps a JSON cache of managed
//! accounts with their keys, and matches on the crate's enums.
//!
//! - every model built with its builder serializes, deserializes and
//!   compares equal;
//! - an account (created through the client, against the mock) is stored in
//!   a file and restored with its key through the explicit opt-in, and not
//!   without it;
//! - a `match` with a `_` arm compiles on every enum, and a value the crate
//!   does not know round-trips through `as_str()`.

use std::fmt::Debug;

use chrono::{DateTime, TimeZone, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use telnyx_accounts::models::{
    AllocatableChannelsBuilder, BalanceBuilder, ChannelLimitBuilder, GroupsReportRowBuilder,
    ManagedAccountBuilder, ManagedAccountListingBuilder, OrganizationUserBuilder, UserGroupBuilder,
};
use telnyx_accounts::pagination::PageMetaBuilder;
use telnyx_accounts::secret::{expose_secrets, REDACTED};
use telnyx_accounts::{
    AllocatableChannels, Amount, Balance, ChannelLimit, GroupsReportRow, ManagedAccount,
    ManagedAccountListing, ManagedAccountRecordType, ManagedAccountSort, ManagedAccountStatus,
    OrganizationUser, Page, PageMeta, SecretString, UserGroup, UserRecordType, UserStatus,
};
use telnyx_accounts_mock::MockServer;
use uuid::Uuid;

fn at(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(secs, 0)
        .single()
        .expect("a valid timestamp")
}

/// Serialize, deserialize, compare: what the crate writes reads back equal.
fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(value: &T) -> String {
    let json = serde_json::to_string(value).expect("serialize");
    let back: T =
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("{json} does not read back: {e}"));
    assert_eq!(&back, value, "{json}");
    json
}

fn account(key: &str) -> ManagedAccount {
    ManagedAccount::builder()
        .id(Uuid::from_u128(0xf65ceda4_6522_4ad6_aede_98de83385123))
        .record_type(ManagedAccountRecordType::ManagedAccount)
        .email("larry@example.com")
        .api_key(key)
        .api_token("x6oexQNHTs-fZ7-QsDMOeg")
        .api_user("manager@example.com")
        .balance(
            Balance::builder()
                .available_credit("400.00")
                .balance("300.00")
                .credit_limit(Amount::new("100.00"))
                .currency("USD")
                .record_type("balance")
                .build(),
        )
        .manager_account_id("f65ceda4-6522-4ad6-aede-98de83385124")
        .organization_name("Larry's Cat Food Inc")
        .managed_account_allow_custom_pricing(true)
        .rollup_billing(false)
        .created_at(at(1_517_610_327))
        .updated_at(at(1_517_610_400))
        .build()
}

fn user(id: &str, groups: bool) -> OrganizationUser {
    let b = OrganizationUser::builder()
        .id(id)
        .email("user@example.com")
        .user_status(UserStatus::Enabled)
        .record_type(UserRecordType::OrganizationSubUser)
        .created_at(at(1_517_610_327))
        .set_last_sign_in_at(None)
        .organization_user_bypasses_sso(false);
    if groups {
        b.groups([
            UserGroup::new("7b09cdc3", "Engineering"),
            UserGroup::builder().id("8c09cdc3").name("Sales").build(),
        ])
        .build()
    } else {
        b.build()
    }
}

#[test]
fn every_model_built_with_its_builder_reads_back_equal() {
    let listing = ManagedAccountListing::builder()
        .id(Uuid::from_u128(7))
        .email("a@example.com")
        .api_user("manager@example.com")
        .manager_account_id("m1")
        .set_organization_name(None)
        .rollup_billing(true)
        .created_at(at(1))
        .updated_at(at(2))
        .build();
    round_trip(&listing);
    round_trip(&Balance::builder().balance("0.10").build());
    assert_eq!(round_trip(&Amount::new("300.00")), r#""300.00""#);
    assert_eq!(Amount::new("300.00").as_str(), "300.00");
    round_trip(
        &AllocatableChannels::builder()
            .allocatable_global_outbound_channels(500)
            .total_global_channels_allocated(135)
            .managed_account_allow_custom_pricing(false)
            .record_type("allocatable_global_outbound_channels")
            .build(),
    );
    round_trip(
        &ChannelLimit::builder()
            .id("096abcde")
            .channel_limit(30)
            .email("customer@example.org")
            .manager_account_id("beeabcde")
            .record_type("managed_account_global_outbound_settings")
            .build(),
    );
    round_trip(&user("u1", true));
    round_trip(&user("u2", false));
    round_trip(&UserGroup::new("g", "Engineering"));
    let row = GroupsReportRow::builder()
        .id("u1")
        .email("user@example.com")
        .user_status(UserStatus::from("suspended"))
        .created_at("2018-02-02T22:25:27.521Z")
        .last_sign_in_at("2018-02-02T22:25:27.521Z")
        .groups(["Engineering", "Sales, EMEA"])
        .build();
    let json = round_trip(&row);
    assert!(
        json.contains(r#""groups":["Engineering","Sales, EMEA"]"#),
        "{json}"
    );

    let meta = PageMeta::builder()
        .page_number(2)
        .page_size(25)
        .total_pages(3)
        .total_results(55)
        .build();
    assert_eq!(
        round_trip(&meta),
        r#"{"page_number":2,"page_size":25,"total_pages":3,"total_results":55}"#
    );
    let page = Page::new(vec![listing.clone(), listing], meta);
    assert!(page.has_next_page());
    round_trip(&page);
    round_trip(&Page::new(vec![user("u1", true)], PageMeta::default()));

    // The builders are plain values too: Default, Clone, Debug.
    let _: (
        ManagedAccountBuilder,
        ManagedAccountListingBuilder,
        BalanceBuilder,
        AllocatableChannelsBuilder,
        ChannelLimitBuilder,
        OrganizationUserBuilder,
        UserGroupBuilder,
        GroupsReportRowBuilder,
        PageMetaBuilder,
    ) = Default::default();

    // A managed account reads back equal only with its secrets: by default
    // they are written as [REDACTED], and read back as that placeholder.
    let account = account("KEY0123");
    let builder = ManagedAccount::builder().api_key("KEY0123");
    assert!(!format!("{builder:?}").contains("KEY0123"));
    let redacted = serde_json::to_string(&account).unwrap();
    assert!(!redacted.contains("KEY0123") && !redacted.contains("x6oexQNHTs"));
    let back: ManagedAccount = serde_json::from_str(&redacted).unwrap();
    assert!(back.api_key.is_redacted() && back.api_token.is_redacted());
    assert_eq!(back.api_key.expose_secret(), REDACTED);
    assert_ne!(back, account);
    let mut back = back;
    back.api_key = account.api_key.clone();
    back.api_token = account.api_token.clone();
    assert_eq!(
        back, account,
        "apart from the secrets, the default output reads back equal"
    );
    let exposed = serde_json::to_string(&expose_secrets(&account)).unwrap();
    let back: ManagedAccount = serde_json::from_str(&exposed).unwrap();
    assert_eq!(back, account);
}

/// What the service keeps on disk.
#[derive(Debug, Serialize, Deserialize)]
struct AccountCache {
    written_at: DateTime<Utc>,
    #[serde(with = "telnyx_accounts::secret::expose")]
    accounts: Vec<ManagedAccount>,
}

#[tokio::test]
async fn an_account_is_stored_and_restored_with_its_key_through_the_opt_in() {
    let mock = MockServer::start().await;
    let client = crate::support::client(&mock);
    let created = client
        .managed_accounts()
        .create("Larry's Cat Food Inc")
        .email("larry@example.com")
        .await
        .unwrap();
    let key = created.api_key.expose_secret().to_owned();
    assert!(key.len() > 8 && !created.api_key.is_redacted());

    let dir = std::env::temp_dir().join(format!("telnyx-accounts-cache-{}", Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("accounts.json");
    let cache = AccountCache {
        written_at: Utc::now(),
        accounts: vec![created.clone()],
    };
    std::fs::write(&path, serde_json::to_vec_pretty(&cache).unwrap()).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(&key), "the key is stored");

    let restored: AccountCache = serde_json::from_str(&text).unwrap();
    assert_eq!(restored.accounts, vec![created.clone()]);
    assert_eq!(restored.accounts[0].api_key.expose_secret(), key);
    // The restored account is the one Telnyx (the mock) has.
    let fetched = client
        .managed_accounts()
        .retrieve(restored.accounts[0].id)
        .await
        .unwrap();
    assert_eq!(fetched.api_key, restored.accounts[0].api_key);

    // The cache's Debug output still hides the key.
    assert!(!format!("{restored:?}").contains(&key));

    // A cache written without the opt-in has no key, and the opt-in refuses
    // to restore [REDACTED] as one.
    let careless = format!(
        r#"{{"written_at":"2026-01-01T00:00:00Z","accounts":{}}}"#,
        serde_json::to_string(&vec![created.clone()]).unwrap()
    );
    assert!(!careless.contains(&key));
    let err = serde_json::from_str::<AccountCache>(&careless).unwrap_err();
    assert!(err.to_string().contains("stored redacted"), "{err}");

    // Without a struct of one's own: the wrapper when writing.
    let plain = serde_json::to_string(&expose_secrets(&vec![created.clone()])).unwrap();
    let back: Vec<ManagedAccount> = serde_json::from_str(&plain).unwrap();
    assert_eq!(back, vec![created.clone()]);
    // ...and the account alone still serializes redacted.
    assert!(!serde_json::to_string(&created).unwrap().contains(&key));
    std::fs::remove_dir_all(&dir).ok();

    // A secret of one's own, stored through the same opt-in.
    #[derive(Serialize, Deserialize)]
    struct Vault {
        #[serde(with = "telnyx_accounts::secret::expose")]
        key: SecretString,
        #[serde(with = "telnyx_accounts::secret::expose")]
        backup: Option<SecretString>,
    }
    let vault = Vault {
        key: created.api_key.clone(),
        backup: None,
    };
    let json = serde_json::to_string(&vault).unwrap();
    let back: Vault = serde_json::from_str(&json).unwrap();
    assert_eq!(back.key.expose_secret(), key);
    assert!(back.backup.is_none());
}

// ---------------------------------------------------------------------------
// Enums

fn user_status(s: &UserStatus) -> &'static str {
    match s {
        UserStatus::Enabled => "enabled",
        UserStatus::Disabled => "disabled",
        UserStatus::Blocked => "blocked",
        _ => "something else",
    }
}

fn user_record_type(r: &UserRecordType) -> &'static str {
    match r {
        UserRecordType::OrganizationOwner => "owner",
        UserRecordType::OrganizationSubUser => "sub-user",
        _ => "something else",
    }
}

fn account_record_type(r: &ManagedAccountRecordType) -> &'static str {
    match r {
        ManagedAccountRecordType::ManagedAccount => "managed account",
        _ => "something else",
    }
}

fn status_filter(s: ManagedAccountStatus) -> &'static str {
    match s {
        ManagedAccountStatus::All => "all",
        ManagedAccountStatus::Active => "active",
        ManagedAccountStatus::Enabled => "enabled",
        ManagedAccountStatus::Cancelled => "cancelled",
        ManagedAccountStatus::Disabled => "disabled",
        ManagedAccountStatus::Blocked => "blocked",
        _ => "something else",
    }
}

fn sort(s: ManagedAccountSort) -> &'static str {
    match s {
        ManagedAccountSort::CreatedAt => "oldest first",
        ManagedAccountSort::CreatedAtDesc => "newest first",
        ManagedAccountSort::Email => "a to z",
        ManagedAccountSort::EmailDesc => "z to a",
        _ => "something else",
    }
}

#[test]
fn a_match_with_a_wildcard_arm_compiles_on_every_enum() {
    assert_eq!(user_status(&UserStatus::Blocked), "blocked");
    assert_eq!(
        user_status(&UserStatus::from("suspended")),
        "something else"
    );
    assert_eq!(
        user_record_type(&UserRecordType::from("organization_owner")),
        "owner"
    );
    assert_eq!(
        user_record_type(&UserRecordType::from("admin")),
        "something else"
    );
    assert_eq!(
        account_record_type(&ManagedAccountRecordType::from("managed_account")),
        "managed account"
    );
    assert_eq!(status_filter(ManagedAccountStatus::Cancelled), "cancelled");
    assert_eq!(sort(ManagedAccountSort::EmailDesc), "z to a");
}

#[test]
fn an_unknown_value_round_trips_through_as_str() {
    for raw in [
        "suspended",
        "",
        "ENABLED",
        "enabled ",
        "ünïcode",
        "organization_admin",
    ] {
        let status = UserStatus::from(raw);
        assert!(status.is_unknown(), "{raw:?}");
        assert_eq!(status.as_str(), raw);
        assert_eq!(status.to_string(), raw);
        assert_eq!(raw.parse::<UserStatus>().unwrap(), status);
        let json = serde_json::to_string(&status).unwrap();
        assert_eq!(json, serde_json::to_string(raw).unwrap());
        let back: UserStatus = serde_json::from_str(&json).unwrap();
        assert_eq!(back, status);
        assert_eq!(back.as_str(), raw);
        assert_eq!(UserStatus::from(status.as_str().to_owned()), status);

        let record = UserRecordType::from(raw.to_owned());
        assert_eq!(record.as_str(), raw);
        let record = ManagedAccountRecordType::from(raw);
        assert_eq!(serde_json::to_value(&record).unwrap(), raw);
    }
    // A known value never lands in Unknown, however it was made.
    for known in UserStatus::values() {
        let status = UserStatus::from(*known);
        assert!(!status.is_unknown());
        assert_eq!(status.as_str(), *known);
        assert_eq!(
            serde_json::from_value::<UserStatus>((*known).into()).unwrap(),
            status
        );
    }
    assert_eq!(UserStatus::from("blocked"), UserStatus::Blocked);
    // Its Debug shows the value, as a user would want in a log.
    assert_eq!(
        format!("{:?}", UserStatus::from("suspended")),
        r#"Unknown("suspended")"#
    );

    // The closed enums round-trip their values and refuse others.
    for wire in ManagedAccountSort::values() {
        let sort: ManagedAccountSort = serde_json::from_value((*wire).into()).unwrap();
        assert_eq!(sort.as_str(), *wire);
        assert_eq!(serde_json::to_value(sort).unwrap(), *wire);
    }
    for wire in ManagedAccountStatus::values() {
        let status: ManagedAccountStatus = serde_json::from_value((*wire).into()).unwrap();
        assert_eq!(status.to_string(), *wire);
    }
    assert!(serde_json::from_str::<ManagedAccountStatus>(r#""suspended""#).is_err());
}
