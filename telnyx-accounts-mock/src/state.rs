//! The mock's in-memory store: managed accounts with sorted indexes,
//! organization users and groups. The seeded data comes from `seed.rs`.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, SecondsFormat, Utc};
use uuid::Uuid;

use crate::random::{hex_upper, token, uuid_from};

/// Formats a timestamp the way accounts created over the API show it
/// (RFC 3339, milliseconds, `Z`).
pub(crate) fn format_ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The current time: milliseconds since the epoch, and formatted.
pub(crate) fn now() -> (i64, String) {
    let t = Utc::now();
    (t.timestamp_millis(), format_ts(t))
}

/// The internal status of a managed account.
///
/// Telnyx filters on it (`filter[status][eq]`) but does not send it in the
/// account objects; [`crate::MockServer::accounts`] exposes it to tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccountStatus {
    /// Can use Telnyx services (the usual state; `POST .../actions/enable`).
    Enabled,
    /// Disabled by its manager (`POST .../actions/disable`).
    Disabled,
    /// Cancelled: hidden from lists unless asked for; cannot be enabled or disabled.
    Cancelled,
    /// Blocked by Telnyx: can be neither enabled nor disabled by the manager.
    Blocked,
}

impl AccountStatus {
    /// The status as written in `filter[status][eq]` (`"enabled"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Enabled => "enabled",
            AccountStatus::Disabled => "disabled",
            AccountStatus::Cancelled => "cancelled",
            AccountStatus::Blocked => "blocked",
        }
    }
}

/// An organization user's status (`user_status` on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UserStatus {
    /// `enabled`
    Enabled,
    /// `disabled`
    Disabled,
    /// `blocked`
    Blocked,
}

impl UserStatus {
    /// The wire value (`"enabled"`, `"disabled"`, `"blocked"`).
    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::Enabled => "enabled",
            UserStatus::Disabled => "disabled",
            UserStatus::Blocked => "blocked",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        match s {
            "enabled" => Some(UserStatus::Enabled),
            "disabled" => Some(UserStatus::Disabled),
            "blocked" => Some(UserStatus::Blocked),
            _ => None,
        }
    }
}

/// A snapshot of one managed account, for assertions in tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockAccount {
    /// The account id (a UUID, as on the wire).
    pub id: Uuid,
    /// The account's email.
    pub email: String,
    /// The organization name (`business_name` at creation).
    pub organization_name: String,
    /// Enabled, disabled, cancelled or blocked.
    pub status: AccountStatus,
    /// Global outbound channels allocated to this account.
    pub channel_limit: u64,
    /// `managed_account_allow_custom_pricing`.
    pub managed_account_allow_custom_pricing: bool,
    /// `rollup_billing`.
    pub rollup_billing: bool,
    /// `created_at`, exactly as the mock sends it: RFC 3339, in one of the
    /// forms Telnyx uses (`…12:00:00Z`, `….123Z`, `….123456Z`, `….123+00:00`).
    pub created_at: String,
    /// `updated_at`, as sent (see `created_at`).
    pub updated_at: String,
}

/// A group an organization user belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockGroup {
    /// The group id.
    pub id: String,
    /// The group name (`"Engineering"`, `"Sales"`, ...).
    pub name: String,
}

/// A snapshot of one organization user, for assertions in tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockUser {
    /// The user id.
    pub id: String,
    /// The user's email.
    pub email: String,
    /// `enabled`, `disabled` or `blocked`.
    pub user_status: UserStatus,
    /// True for the organization owner (`record_type: organization_owner`).
    pub is_owner: bool,
    /// `created_at`.
    pub created_at: String,
    /// `last_sign_in_at` (`None` for users who never signed in).
    pub last_sign_in_at: Option<String>,
    /// `organization_user_bypasses_sso`.
    pub organization_user_bypasses_sso: bool,
    /// The user's groups.
    pub groups: Vec<MockGroup>,
}

pub(crate) struct Account {
    pub(crate) id: Uuid,
    pub(crate) id_str: String,
    pub(crate) email: String,
    pub(crate) email_lower: String,
    pub(crate) organization_name: String,
    pub(crate) org_lower: String,
    pub(crate) api_key: String,
    pub(crate) api_token: String,
    pub(crate) created_ms: i64,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
    pub(crate) allow_custom_pricing: bool,
    pub(crate) rollup_billing: bool,
    pub(crate) status: AccountStatus,
    pub(crate) channel_limit: u64,
    pub(crate) balance_cents: i64,
    pub(crate) credit_limit_cents: i64,
}

impl Account {
    pub(crate) fn snapshot(&self) -> MockAccount {
        MockAccount {
            id: self.id,
            email: self.email.clone(),
            organization_name: self.organization_name.clone(),
            status: self.status,
            channel_limit: self.channel_limit,
            managed_account_allow_custom_pricing: self.allow_custom_pricing,
            rollup_billing: self.rollup_billing,
            created_at: self.created_at.clone(),
            updated_at: self.updated_at.clone(),
        }
    }
}

pub(crate) struct Group {
    pub(crate) id: String,
    pub(crate) name: String,
}

pub(crate) struct User {
    pub(crate) id: String,
    pub(crate) email: String,
    pub(crate) email_lower: String,
    pub(crate) status: UserStatus,
    pub(crate) is_owner: bool,
    pub(crate) created_at: String,
    pub(crate) last_sign_in_at: Option<String>,
    pub(crate) bypasses_sso: bool,
    /// Indexes into [`Store::groups`], in the groups' canonical order.
    pub(crate) groups: Vec<usize>,
}

/// Options that shape the seeded data.
#[derive(Debug, Clone)]
pub(crate) struct SeedOptions {
    pub(crate) accounts: usize,
    pub(crate) users: usize,
    pub(crate) seed: u64,
    pub(crate) channel_pool: u64,
}

/// Everything the mock knows. Guarded by one `RwLock` in the server.
pub(crate) struct Store {
    pub(crate) accounts: Vec<Account>,
    pub(crate) by_id: HashMap<Uuid, usize>,
    /// Account indexes sorted by (created_at, id), ascending.
    pub(crate) by_created: Vec<usize>,
    /// Account indexes sorted by (lowercased email, id), ascending.
    pub(crate) by_email: Vec<usize>,
    pub(crate) emails: HashSet<String>,
    pub(crate) channel_pool: u64,
    pub(crate) channels_allocated: u64,
    pub(crate) manager_id: String,
    pub(crate) manager_email: String,
    pub(crate) groups: Vec<Group>,
    pub(crate) users: Vec<User>,
    pub(crate) rng: fastrand::Rng,
}

/// Reads a managed-account id from a path the way the mock resolves it: the
/// 36-character hyphenated form, in either case (UUIDs are case-insensitive,
/// RFC 9562), so `…/6A09CDC3-…` finds the account whose id is sent back in
/// lowercase. The forms no client sends (hyphenless, braced, `urn:uuid:`,
/// padded) are not ids here: they answer 404, never another account.
pub(crate) fn parse_account_id(id: &str) -> Option<Uuid> {
    let hyphens_in_place = id.len() == 36
        && [8, 13, 18, 23]
            .iter()
            .all(|&i| id.as_bytes().get(i) == Some(&b'-'));
    if !hyphens_in_place {
        return None;
    }
    Uuid::try_parse(id).ok()
}

impl Store {
    pub(crate) fn push_account(&mut self, account: Account) -> usize {
        let idx = self.accounts.len();
        self.by_id.insert(account.id, idx);
        self.emails.insert(account.email_lower.clone());
        self.accounts.push(account);
        idx
    }

    fn created_key(&self, idx: usize) -> (i64, &Uuid) {
        let a = &self.accounts[idx];
        (a.created_ms, &a.id)
    }

    fn email_key(&self, idx: usize) -> (&str, &Uuid) {
        let a = &self.accounts[idx];
        (a.email_lower.as_str(), &a.id)
    }

    pub(crate) fn rebuild_indexes(&mut self) {
        let mut by_created: Vec<usize> = (0..self.accounts.len()).collect();
        by_created.sort_by(|&a, &b| self.created_key(a).cmp(&self.created_key(b)));
        let mut by_email: Vec<usize> = (0..self.accounts.len()).collect();
        by_email.sort_by(|&a, &b| self.email_key(a).cmp(&self.email_key(b)));
        self.by_created = by_created;
        self.by_email = by_email;
    }

    /// Adds an account created over the API and keeps both indexes sorted.
    pub(crate) fn insert_account(&mut self, account: Account) -> usize {
        let idx = self.push_account(account);
        let key = self.created_key(idx);
        let pos = self
            .by_created
            .partition_point(|&i| self.created_key(i) < key);
        self.by_created.insert(pos, idx);
        let key = self.email_key(idx);
        let pos = self.by_email.partition_point(|&i| self.email_key(i) < key);
        self.by_email.insert(pos, idx);
        idx
    }

    pub(crate) fn account_index(&self, id: &str) -> Option<usize> {
        let id = parse_account_id(id)?;
        self.by_id.get(&id).copied()
    }

    pub(crate) fn new_id(&mut self) -> Uuid {
        loop {
            let id = uuid_from(&mut self.rng);
            if !self.by_id.contains_key(&id) {
                return id;
            }
        }
    }

    pub(crate) fn new_api_key(&mut self) -> (String, String) {
        let rng = &mut self.rng;
        (
            format!("KEY{}_{}", hex_upper(rng, 32), token(rng, 22)),
            token(rng, 22),
        )
    }

    /// An email derived from the manager's, for accounts created without one.
    pub(crate) fn generated_email(&mut self) -> String {
        let (local, domain) = self
            .manager_email
            .split_once('@')
            .unwrap_or(("manager", "telnyx-mock.example.com"));
        loop {
            let tag = hex_upper(&mut self.rng, 8).to_lowercase();
            let email = format!("{local}+managed-{tag}@{domain}");
            if !self.emails.contains(&email) {
                return email;
            }
        }
    }

    pub(crate) fn account_snapshots(&self) -> Vec<MockAccount> {
        self.by_created
            .iter()
            .map(|&i| self.accounts[i].snapshot())
            .collect()
    }

    pub(crate) fn account_snapshot(&self, id: &str) -> Option<MockAccount> {
        self.account_index(id).map(|i| self.accounts[i].snapshot())
    }

    pub(crate) fn user_snapshots(&self) -> Vec<MockUser> {
        self.users.iter().map(|u| self.user_snapshot(u)).collect()
    }

    pub(crate) fn user_snapshot(&self, u: &User) -> MockUser {
        MockUser {
            id: u.id.clone(),
            email: u.email.clone(),
            user_status: u.status,
            is_owner: u.is_owner,
            created_at: u.created_at.clone(),
            last_sign_in_at: u.last_sign_in_at.clone(),
            organization_user_bypasses_sso: u.bypasses_sso,
            groups: u
                .groups
                .iter()
                .filter_map(|&g| self.groups.get(g))
                .map(|g| MockGroup {
                    id: g.id.clone(),
                    name: g.name.clone(),
                })
                .collect(),
        }
    }
}
