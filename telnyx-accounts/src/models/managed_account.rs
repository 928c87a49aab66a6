//! Managed accounts and their channel settings.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use telnyx_accounts_gen::types as generated;
use uuid::Uuid;

use super::enums::ManagedAccountRecordType;
use super::{builder, open_value, FromGenerated};
use crate::secret::SecretString;

/// A managed account as returned by create, retrieve, update, enable and
/// disable: with its credentials and balance.
///
/// `api_key` and `api_token` are [`SecretString`]s: they print and serialize
/// as `[REDACTED]`; call `expose_secret()` to hand them on, and see
/// [`crate::secret`] to store an account with its keys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
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

impl ManagedAccount {
    fn empty() -> Self {
        Self {
            id: Uuid::nil(),
            record_type: ManagedAccountRecordType::ManagedAccount,
            email: String::new(),
            api_key: SecretString::default(),
            api_token: SecretString::default(),
            api_user: String::new(),
            balance: None,
            manager_account_id: String::new(),
            organization_name: None,
            managed_account_allow_custom_pricing: None,
            rollup_billing: None,
            created_at: DateTime::UNIX_EPOCH,
            updated_at: DateTime::UNIX_EPOCH,
        }
    }
}

builder! {
    /// Builds a [`ManagedAccount`]: for your tests, or to rebuild one from
    /// your own storage.
    ///
    /// ```
    /// use telnyx_accounts::{Balance, ManagedAccount};
    ///
    /// let account = ManagedAccount::builder()
    ///     .id("f65ceda4-6522-4ad6-aede-98de83385123".parse().unwrap())
    ///     .email("larry@example.com")
    ///     .api_key("KEY0123")
    ///     .api_token("TOKEN")
    ///     .api_user("manager@example.com")
    ///     .manager_account_id("f65ceda4-6522-4ad6-aede-98de83385124")
    ///     .organization_name("Larry's Cat Food Inc")
    ///     .balance(Balance::builder().balance("300.00").currency("USD").build())
    ///     .rollup_billing(false)
    ///     .build();
    /// assert_eq!(account.api_key.expose_secret(), "KEY0123");
    /// assert_eq!(format!("{account:?}").matches("[REDACTED]").count(), 2);
    /// ```
    ManagedAccount => ManagedAccountBuilder {
        value id: Uuid,
        value record_type: ManagedAccountRecordType,
        into email: String,
        into api_key: SecretString,
        into api_token: SecretString,
        into api_user: String,
        opt balance / set_balance: Balance,
        into manager_account_id: String,
        opt organization_name / set_organization_name: String,
        opt managed_account_allow_custom_pricing / set_managed_account_allow_custom_pricing: bool,
        opt rollup_billing / set_rollup_billing: bool,
        value created_at: DateTime<Utc>,
        value updated_at: DateTime<Utc>,
    }
}

/// A managed account as listed: the same fields without credentials and
/// balance, which Telnyx does not send in lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
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

impl ManagedAccountListing {
    fn empty() -> Self {
        Self {
            id: Uuid::nil(),
            record_type: ManagedAccountRecordType::ManagedAccount,
            email: String::new(),
            api_user: String::new(),
            manager_account_id: String::new(),
            organization_name: None,
            managed_account_allow_custom_pricing: None,
            rollup_billing: None,
            created_at: DateTime::UNIX_EPOCH,
            updated_at: DateTime::UNIX_EPOCH,
        }
    }
}

builder! {
    /// Builds a [`ManagedAccountListing`].
    ///
    /// ```
    /// use telnyx_accounts::ManagedAccountListing;
    ///
    /// let listed = ManagedAccountListing::builder()
    ///     .id(uuid::Uuid::new_v4())
    ///     .email("larry@example.com")
    ///     .organization_name("Larry's Cat Food Inc")
    ///     .created_at(chrono::Utc::now())
    ///     .build();
    /// assert_eq!(listed.rollup_billing, None);
    /// ```
    ManagedAccountListing => ManagedAccountListingBuilder {
        value id: Uuid,
        value record_type: ManagedAccountRecordType,
        into email: String,
        into api_user: String,
        into manager_account_id: String,
        opt organization_name / set_organization_name: String,
        opt managed_account_allow_custom_pricing / set_managed_account_allow_custom_pricing: bool,
        opt rollup_billing / set_rollup_billing: bool,
        value created_at: DateTime<Utc>,
        value updated_at: DateTime<Utc>,
    }
}

/// A managed account's balance. Amounts keep Telnyx's exact decimal text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
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

impl Balance {
    fn empty() -> Self {
        Self {
            available_credit: None,
            balance: None,
            credit_limit: None,
            currency: None,
            record_type: None,
        }
    }
}

builder! {
    /// Builds a [`Balance`]; amounts from decimal text.
    ///
    /// ```
    /// use telnyx_accounts::Balance;
    ///
    /// let balance = Balance::builder()
    ///     .balance("300.00")
    ///     .credit_limit("100.00")
    ///     .available_credit("400.00")
    ///     .currency("USD")
    ///     .build();
    /// assert_eq!(balance.balance.unwrap().as_str(), "300.00");
    /// ```
    Balance => BalanceBuilder {
        opt available_credit / set_available_credit: Amount,
        opt balance / set_balance: Amount,
        opt credit_limit / set_credit_limit: Amount,
        opt currency / set_currency: String,
        opt record_type / set_record_type: String,
    }
}

/// A decimal amount exactly as Telnyx sent it (`"300.00"`): no float
/// rounding. Parse it with the decimal crate of your choice.
///
/// ```
/// use telnyx_accounts::Amount;
///
/// let amount = Amount::new("300.00");
/// assert_eq!(amount.to_string(), "300.00");
/// assert_eq!(serde_json::to_string(&amount)?, r#""300.00""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct Amount(String);

impl Amount {
    /// An amount from its decimal text, kept as given (not checked: Telnyx's
    /// text is kept as sent too).
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// The decimal text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<String> for Amount {
    fn from(text: String) -> Self {
        Self(text)
    }
}

impl From<&str> for Amount {
    fn from(text: &str) -> Self {
        Self(text.to_owned())
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The manager's pool of global outbound channels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
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

impl AllocatableChannels {
    fn empty() -> Self {
        Self {
            allocatable_global_outbound_channels: None,
            total_global_channels_allocated: None,
            managed_account_allow_custom_pricing: None,
            record_type: None,
        }
    }
}

builder! {
    /// Builds an [`AllocatableChannels`].
    ///
    /// ```
    /// use telnyx_accounts::AllocatableChannels;
    ///
    /// let pool = AllocatableChannels::builder()
    ///     .allocatable_global_outbound_channels(500)
    ///     .total_global_channels_allocated(135)
    ///     .build();
    /// assert_eq!(pool.allocatable_global_outbound_channels, Some(500));
    /// ```
    AllocatableChannels => AllocatableChannelsBuilder {
        opt allocatable_global_outbound_channels / set_allocatable_global_outbound_channels: i64,
        opt total_global_channels_allocated / set_total_global_channels_allocated: i64,
        opt managed_account_allow_custom_pricing / set_managed_account_allow_custom_pricing: bool,
        opt record_type / set_record_type: String,
    }
}

/// One managed account's global outbound channel limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
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

impl ChannelLimit {
    fn empty() -> Self {
        Self {
            id: None,
            channel_limit: None,
            email: None,
            manager_account_id: None,
            record_type: None,
        }
    }
}

builder! {
    /// Builds a [`ChannelLimit`].
    ///
    /// ```
    /// use telnyx_accounts::ChannelLimit;
    ///
    /// let limit = ChannelLimit::builder().id("096abcde").channel_limit(30).build();
    /// assert_eq!(limit.channel_limit, Some(30));
    /// ```
    ChannelLimit => ChannelLimitBuilder {
        opt id / set_id: String,
        opt channel_limit / set_channel_limit: i64,
        opt email / set_email: String,
        opt manager_account_id / set_manager_account_id: String,
        opt record_type / set_record_type: String,
    }
}

impl FromGenerated<generated::ManagedAccount> for ManagedAccount {
    fn from_generated(g: generated::ManagedAccount) -> Self {
        Self {
            id: g.id,
            record_type: open_value!(g.record_type, generated::ManagedAccountRecordType),
            email: g.email,
            api_key: SecretString::from(g.api_key),
            api_token: SecretString::from(g.api_token),
            api_user: g.api_user,
            balance: g.balance.map(Balance::from_generated),
            manager_account_id: g.manager_account_id,
            organization_name: g.organization_name,
            managed_account_allow_custom_pricing: g.managed_account_allow_custom_pricing,
            rollup_billing: g.rollup_billing,
            created_at: g.created_at,
            updated_at: g.updated_at,
        }
    }
}

impl FromGenerated<generated::ManagedAccountMultiListing> for ManagedAccountListing {
    fn from_generated(g: generated::ManagedAccountMultiListing) -> Self {
        Self {
            id: g.id,
            record_type: open_value!(
                g.record_type,
                generated::ManagedAccountMultiListingRecordType
            ),
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

impl FromGenerated<generated::ManagedAccountBalance> for Balance {
    fn from_generated(g: generated::ManagedAccountBalance) -> Self {
        Self {
            available_credit: g.available_credit.map(Amount),
            balance: g.balance.map(Amount),
            credit_limit: g.credit_limit.map(Amount),
            currency: g.currency,
            record_type: g
                .record_type
                .map(|r| open_value!(r, generated::ManagedAccountBalanceRecordType)),
        }
    }
}

impl FromGenerated<generated::ManagedAccountsGlobalOutboundChannels> for AllocatableChannels {
    fn from_generated(g: generated::ManagedAccountsGlobalOutboundChannels) -> Self {
        Self {
            allocatable_global_outbound_channels: g.allocatable_global_outbound_channels,
            total_global_channels_allocated: g.total_global_channels_allocated,
            managed_account_allow_custom_pricing: g.managed_account_allow_custom_pricing,
            record_type: g.record_type,
        }
    }
}

impl FromGenerated<generated::SingleManagedAccountGlobalOutboundChannels> for ChannelLimit {
    fn from_generated(g: generated::SingleManagedAccountGlobalOutboundChannels) -> Self {
        Self {
            id: g.id,
            channel_limit: g.channel_limit,
            email: g.email,
            manager_account_id: g.manager_account_id,
            record_type: g.record_type,
        }
    }
}
