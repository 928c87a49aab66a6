//! Managed accounts and their channel settings.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::Serialize;
use telnyx_accounts_gen::types as gen;
use uuid::Uuid;

use super::enums::ManagedAccountRecordType;
use super::open_value;
use crate::secret::SecretString;

/// A managed account as returned by create, retrieve, update, enable and
/// disable: with its credentials and balance.
///
/// `api_key` and `api_token` are [`SecretString`]s: they print as
/// `[REDACTED]`; call `expose_secret()` to hand them on.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ManagedAccount {
    /// Uniquely identifies the managed account.
    pub id: Uuid,
    /// `managed_account`.
    pub record_type: ManagedAccountRecordType,
    /// The managed account's email.
    pub email: String,
    /// The managed account's V2 API key.
    pub api_key: SecretString,
    /// The managed account's V1 API token.
    pub api_token: SecretString,
    /// The manager account's email, which serves as the V1 API user identifier.
    pub api_user: String,
    /// The account's balance (absent when billing rolls up to the manager).
    pub balance: Option<Balance>,
    /// The ID of the manager account.
    pub manager_account_id: String,
    /// The organization the managed account is associated with.
    pub organization_name: Option<String>,
    /// Whether the account may have custom pricing (Telnyx's default: false).
    pub managed_account_allow_custom_pricing: Option<bool>,
    /// Whether billing rolls up to the manager account (Telnyx's default: false).
    pub rollup_billing: Option<bool>,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
    /// When the account was last updated.
    pub updated_at: DateTime<Utc>,
}

/// A managed account as listed: the same fields without credentials and
/// balance, which Telnyx does not send in lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ManagedAccountListing {
    /// Uniquely identifies the managed account.
    pub id: Uuid,
    /// `managed_account`.
    pub record_type: ManagedAccountRecordType,
    /// The managed account's email.
    pub email: String,
    /// The manager account's email, which serves as the V1 API user identifier.
    pub api_user: String,
    /// The ID of the manager account.
    pub manager_account_id: String,
    /// The organization the managed account is associated with.
    pub organization_name: Option<String>,
    /// Whether the account may have custom pricing (Telnyx's default: false).
    pub managed_account_allow_custom_pricing: Option<bool>,
    /// Whether billing rolls up to the manager account (Telnyx's default: false).
    pub rollup_billing: Option<bool>,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
    /// When the account was last updated.
    pub updated_at: DateTime<Utc>,
}

/// A managed account's balance. Amounts keep Telnyx's exact decimal text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Balance {
    /// What can be spent: balance plus credit limit.
    pub available_credit: Option<Amount>,
    /// The current balance.
    pub balance: Option<Amount>,
    /// The credit limit.
    pub credit_limit: Option<Amount>,
    /// ISO 4217 currency code, e.g. `USD`.
    pub currency: Option<String>,
    /// `balance`.
    pub record_type: Option<String>,
}

/// A decimal amount exactly as Telnyx sent it (`"300.00"`): no float
/// rounding. Parse it with the decimal crate of your choice.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Amount(String);

impl Amount {
    /// The decimal text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The manager's pool of global outbound channels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct AllocatableChannels {
    /// Channels available to allocate (0 when the feature is off).
    pub allocatable_global_outbound_channels: Option<i64>,
    /// Channels allocated across all managed accounts.
    pub total_global_channels_allocated: Option<i64>,
    /// Whether managed accounts may have custom pricing.
    pub managed_account_allow_custom_pricing: Option<bool>,
    /// `allocatable_global_outbound_channels`.
    pub record_type: Option<String>,
}

/// One managed account's global outbound channel limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ChannelLimit {
    /// The managed account's user ID.
    pub id: Option<String>,
    /// Channels allocated to the account (0: no outbound calling).
    pub channel_limit: Option<i64>,
    /// The managed account's email.
    pub email: Option<String>,
    /// The manager's user ID.
    pub manager_account_id: Option<String>,
    /// `managed_account_global_outbound_settings`.
    pub record_type: Option<String>,
}

impl From<gen::ManagedAccount> for ManagedAccount {
    fn from(g: gen::ManagedAccount) -> Self {
        Self {
            id: g.id,
            record_type: open_value!(g.record_type, gen::ManagedAccountRecordType),
            email: g.email,
            api_key: SecretString::from(g.api_key),
            api_token: SecretString::from(g.api_token),
            api_user: g.api_user,
            balance: g.balance.map(Balance::from),
            manager_account_id: g.manager_account_id,
            organization_name: g.organization_name,
            managed_account_allow_custom_pricing: g.managed_account_allow_custom_pricing,
            rollup_billing: g.rollup_billing,
            created_at: g.created_at,
            updated_at: g.updated_at,
        }
    }
}

impl From<gen::ManagedAccountMultiListing> for ManagedAccountListing {
    fn from(g: gen::ManagedAccountMultiListing) -> Self {
        Self {
            id: g.id,
            record_type: open_value!(g.record_type, gen::ManagedAccountMultiListingRecordType),
            email: g.email,
            api_user: g.api_user,
            manager_account_id: g.manager_account_id,
            organization_name: g.organization_name,
            managed_account_allow_custom_pricing: g.managed_account_allow_custom_pricing,
            rollup_billing: g.rollup_billing,
            created_at: g.created_at,
            updated_at: g.updated_at,
        }
    }
}

impl From<gen::ManagedAccountBalance> for Balance {
    fn from(g: gen::ManagedAccountBalance) -> Self {
        Self {
            available_credit: g.available_credit.map(Amount),
            balance: g.balance.map(Amount),
            credit_limit: g.credit_limit.map(Amount),
            currency: g.currency,
            record_type: g
                .record_type
                .map(|r| open_value!(r, gen::ManagedAccountBalanceRecordType)),
        }
    }
}

impl From<gen::ManagedAccountsGlobalOutboundChannels> for AllocatableChannels {
    fn from(g: gen::ManagedAccountsGlobalOutboundChannels) -> Self {
        Self {
            allocatable_global_outbound_channels: g.allocatable_global_outbound_channels,
            total_global_channels_allocated: g.total_global_channels_allocated,
            managed_account_allow_custom_pricing: g.managed_account_allow_custom_pricing,
            record_type: g.record_type,
        }
    }
}

impl From<gen::SingleManagedAccountGlobalOutboundChannels> for ChannelLimit {
    fn from(g: gen::SingleManagedAccountGlobalOutboundChannels) -> Self {
        Self {
            id: g.id,
            channel_limit: g.channel_limit,
            email: g.email,
            manager_account_id: g.manager_account_id,
            record_type: g.record_type,
        }
    }
}
