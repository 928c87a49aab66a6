//! Fixtures: accounts and users a test puts in the store directly
//! ([`crate::MockServer::insert_account`], [`crate::MockServer::insert_user`]),
//! so that it need not search the seeded data for one that fits.

use std::fmt;
use std::time::SystemTime;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::state::{format_ts, Account, AccountStatus, Group, Store, User, UserStatus};

/// A managed account to insert with [`crate::MockServer::insert_account`].
///
/// ```
/// use telnyx_accounts_mock::{AccountStatus, NewAccount};
/// let fixture = NewAccount::new("Acme Inc")
///     .email("ops@acme.example.com")
///     .status(AccountStatus::Disabled)
///     .channel_limit(5);
/// # let _ = fixture;
/// ```
#[derive(Debug, Clone)]
pub struct NewAccount {
    organization_name: String,
    id: Option<Uuid>,
    email: Option<String>,
    status: AccountStatus,
    channel_limit: u64,
    allow_custom_pricing: bool,
    rollup_billing: bool,
    balance_cents: i64,
    credit_limit_cents: i64,
    created_at: Option<SystemTime>,
}

impl NewAccount {
    /// An enabled account named `organization_name`, with a generated id and
    /// email, no channels, a zero balance, created now.
    pub fn new(organization_name: impl Into<String>) -> Self {
        NewAccount {
            organization_name: organization_name.into(),
            id: None,
            email: None,
            status: AccountStatus::Enabled,
            channel_limit: 0,
            allow_custom_pricing: false,
            rollup_billing: false,
            balance_cents: 0,
            credit_limit_cents: 0,
            created_at: None,
        }
    }

    /// This id instead of a generated one.
    pub fn id(mut self, id: Uuid) -> Self {
        self.id = Some(id);
        self
    }

    /// This email instead of a generated one.
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    /// The account's status (default enabled).
    pub fn status(mut self, status: AccountStatus) -> Self {
        self.status = status;
        self
    }

    /// Global outbound channels allocated to it (default 0), taken from the pool.
    pub fn channel_limit(mut self, channels: u64) -> Self {
        self.channel_limit = channels;
        self
    }

    /// `managed_account_allow_custom_pricing` (default false).
    pub fn managed_account_allow_custom_pricing(mut self, allow: bool) -> Self {
        self.allow_custom_pricing = allow;
        self
    }

    /// `rollup_billing` (default false): such accounts have no `balance`.
    pub fn rollup_billing(mut self, rollup: bool) -> Self {
        self.rollup_billing = rollup;
        self
    }

    /// The balance and credit limit, in cents (`balance` `"12.34"` is 1234).
    pub fn balance_cents(mut self, balance: i64, credit_limit: i64) -> Self {
        self.balance_cents = balance;
        self.credit_limit_cents = credit_limit;
        self
    }

    /// `created_at` (and `updated_at`) instead of now; it decides where the
    /// account sorts under `sort=created_at`.
    pub fn created_at(mut self, at: SystemTime) -> Self {
        self.created_at = Some(at);
        self
    }
}

/// An organization user to insert with [`crate::MockServer::insert_user`].
///
/// ```
/// use telnyx_accounts_mock::{NewUser, UserStatus};
/// let fixture = NewUser::new("dev@example.com")
///     .user_status(UserStatus::Disabled)
///     .group("Engineering");
/// # let _ = fixture;
/// ```
#[derive(Debug, Clone)]
pub struct NewUser {
    email: String,
    id: Option<String>,
    status: UserStatus,
    groups: Vec<String>,
    last_sign_in_at: Option<SystemTime>,
    bypasses_sso: bool,
}

impl NewUser {
    /// An enabled sub-user (never the owner) with a generated id, no groups,
    /// who never signed in.
    pub fn new(email: impl Into<String>) -> Self {
        NewUser {
            email: email.into(),
            id: None,
            status: UserStatus::Enabled,
            groups: Vec::new(),
            last_sign_in_at: None,
            bypasses_sso: false,
        }
    }

    /// This id instead of a generated one.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// `user_status` (default enabled).
    pub fn user_status(mut self, status: UserStatus) -> Self {
        self.status = status;
        self
    }

    /// Adds the user to the group of that name, creating the group if the
    /// organization has none by that name.
    pub fn group(mut self, name: impl Into<String>) -> Self {
        self.groups.push(name.into());
        self
    }

    /// `last_sign_in_at` (default `null`).
    pub fn last_sign_in_at(mut self, at: SystemTime) -> Self {
        self.last_sign_in_at = Some(at);
        self
    }

    /// `organization_user_bypasses_sso` (default false).
    pub fn organization_user_bypasses_sso(mut self, bypasses: bool) -> Self {
        self.bypasses_sso = bypasses;
        self
    }
}

/// Why a fixture could not be inserted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FixtureError {
    /// An account or user with this id exists already.
    DuplicateId(String),
    /// An account with this email (case-insensitively) exists already.
    DuplicateEmail(String),
    /// The channel limit is more than the pool has left.
    ChannelPoolExceeded {
        /// The channels asked for.
        requested: u64,
        /// The channels the pool has left.
        available: u64,
    },
}

impl fmt::Display for FixtureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FixtureError::DuplicateId(id) => write!(f, "the mock already has id {id}"),
            FixtureError::DuplicateEmail(e) => {
                write!(f, "the mock already has an account with email {e}")
            }
            FixtureError::ChannelPoolExceeded {
                requested,
                available,
            } => write!(
                f,
                "a channel limit of {requested} exceeds the {available} channels left in the pool (see MockServerBuilder::channel_pool)"
            ),
        }
    }
}

impl std::error::Error for FixtureError {}

fn timestamp(at: SystemTime) -> (i64, String) {
    let t: DateTime<Utc> = at.into();
    (t.timestamp_millis(), format_ts(t))
}

impl Store {
    /// Inserts an account fixture; returns its index.
    pub(crate) fn insert_fixture(&mut self, new: NewAccount) -> Result<usize, FixtureError> {
        let id = match new.id {
            Some(id) if self.by_id.contains_key(&id) => {
                return Err(FixtureError::DuplicateId(id.to_string()))
            }
            Some(id) => id,
            None => self.new_id(),
        };
        let email = match new.email {
            Some(e) if self.emails.contains(&e.to_lowercase()) => {
                return Err(FixtureError::DuplicateEmail(e))
            }
            Some(e) => e,
            None => self.generated_email(),
        };
        let available = self.channel_pool.saturating_sub(self.channels_allocated);
        if new.channel_limit > available {
            return Err(FixtureError::ChannelPoolExceeded {
                requested: new.channel_limit,
                available,
            });
        }
        let (created_ms, created_at) = timestamp(new.created_at.unwrap_or_else(SystemTime::now));
        let (api_key, api_token) = self.new_api_key();
        self.channels_allocated += new.channel_limit;
        Ok(self.insert_account(Account {
            id,
            id_str: id.to_string(),
            email_lower: email.to_lowercase(),
            email,
            org_lower: new.organization_name.to_lowercase(),
            organization_name: new.organization_name,
            api_key,
            api_token,
            created_ms,
            updated_at: created_at.clone(),
            created_at,
            allow_custom_pricing: new.allow_custom_pricing,
            rollup_billing: new.rollup_billing,
            status: new.status,
            channel_limit: new.channel_limit,
            balance_cents: new.balance_cents,
            credit_limit_cents: new.credit_limit_cents,
        }))
    }

    /// Inserts a user fixture at the end of the list; returns its index.
    pub(crate) fn insert_user_fixture(&mut self, new: NewUser) -> Result<usize, FixtureError> {
        let id = match new.id {
            Some(id) if self.users.iter().any(|u| u.id == id) => {
                return Err(FixtureError::DuplicateId(id))
            }
            Some(id) => id,
            None => loop {
                let id = self.new_id().to_string();
                if !self.users.iter().any(|u| u.id == id) {
                    break id;
                }
            },
        };
        let mut groups = Vec::new();
        for name in new.groups {
            let index = match self.groups.iter().position(|g| g.name == name) {
                Some(i) => i,
                None => {
                    let id = self.new_id().to_string();
                    self.groups.push(Group { id, name });
                    self.groups.len() - 1
                }
            };
            if !groups.contains(&index) {
                groups.push(index);
            }
        }
        groups.sort_unstable();
        self.users.push(User {
            id,
            email_lower: new.email.to_lowercase(),
            email: new.email,
            status: new.status,
            is_owner: false,
            created_at: timestamp(SystemTime::now()).1,
            last_sign_in_at: new.last_sign_in_at.map(|t| timestamp(t).1),
            bypasses_sso: new.bypasses_sso,
            groups,
        });
        Ok(self.users.len() - 1)
    }
}
