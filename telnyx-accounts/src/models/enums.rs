//! The closed sets of values: open where Telnyx sends them (a value added
//! later decodes as `Unknown`), closed where we send them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An enum of the values Telnyx documents, plus `Unknown(String)` for any
/// value it adds later, so that one new value never fails a whole response.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident => $wire:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version of the crate does not know, kept as sent.
            Unknown(String),
        }

        impl $name {
            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )+
                    Self::Unknown(s) => s,
                }
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                match s.as_str() {
                    $( $wire => Self::$variant, )+
                    _ => Self::Unknown(s),
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $( $wire => Self::$variant, )+
                    _ => Self::Unknown(s.to_owned()),
                }
            }
        }

        impl FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(s))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(Self::from)
            }
        }
    };
}

open_enum! {
    /// An organization user's status (`user_status`); also a filter of
    /// [`users().list()`](crate::resources::ListUsers::user_status).
    UserStatus {
        /// May sign in and use Telnyx.
        Enabled => "enabled",
        /// Turned off by an administrator.
        Disabled => "disabled",
        /// Blocked by Telnyx.
        Blocked => "blocked",
    }
}

open_enum! {
    /// An organization user's `record_type`.
    UserRecordType {
        /// The organization's owner.
        OrganizationOwner => "organization_owner",
        /// Any other user of the organization.
        OrganizationSubUser => "organization_sub_user",
    }
}

open_enum! {
    /// A managed account's `record_type`.
    ManagedAccountRecordType {
        /// `managed_account`, the only documented value.
        ManagedAccount => "managed_account",
    }
}

/// The `filter[status][eq]` of [`managed_accounts().list()`](crate::resources::ListManagedAccounts::status).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ManagedAccountStatus {
    /// Every account, cancelled ones included.
    All,
    /// Accounts that are not cancelled.
    Active,
    /// Accounts able to use Telnyx services.
    Enabled,
    /// Cancelled accounts.
    Cancelled,
    /// Disabled accounts.
    Disabled,
    /// Accounts blocked by Telnyx.
    Blocked,
}

impl ManagedAccountStatus {
    /// The value as sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Active => "active",
            Self::Enabled => "enabled",
            Self::Cancelled => "cancelled",
            Self::Disabled => "disabled",
            Self::Blocked => "blocked",
        }
    }

    #[cfg(test)]
    pub(crate) fn to_gen(self) -> telnyx_accounts_gen::types::ListManagedAccountsFilterStatusEq {
        use telnyx_accounts_gen::types::ListManagedAccountsFilterStatusEq as G;
        match self {
            Self::All => G::All,
            Self::Active => G::Active,
            Self::Enabled => G::Enabled,
            Self::Cancelled => G::Cancelled,
            Self::Disabled => G::Disabled,
            Self::Blocked => G::Blocked,
        }
    }
}

impl fmt::Display for ManagedAccountStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The `sort` of [`managed_accounts().list()`](crate::resources::ListManagedAccounts::sort).
/// Telnyx's default, when none is given, is `CreatedAtDesc`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ManagedAccountSort {
    /// `created_at`: oldest first.
    CreatedAt,
    /// `-created_at`: newest first.
    CreatedAtDesc,
    /// `email`: A to Z.
    Email,
    /// `-email`: Z to A.
    EmailDesc,
}

impl ManagedAccountSort {
    /// The value as sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CreatedAt => "created_at",
            Self::CreatedAtDesc => "-created_at",
            Self::Email => "email",
            Self::EmailDesc => "-email",
        }
    }

    #[cfg(test)]
    pub(crate) fn to_gen(self) -> telnyx_accounts_gen::types::ListManagedAccountsSort {
        use telnyx_accounts_gen::types::ListManagedAccountsSort as G;
        match self {
            Self::CreatedAt => G::CreatedXat,
            Self::CreatedAtDesc => G::XcreatedXat,
            Self::Email => G::Email,
            Self::EmailDesc => G::Xemail,
        }
    }
}

impl fmt::Display for ManagedAccountSort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_values_are_kept() {
        let s: UserStatus = serde_json::from_str("\"suspended\"").unwrap();
        assert_eq!(s, UserStatus::Unknown("suspended".into()));
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"suspended\"");
        assert_eq!(UserStatus::from("enabled"), UserStatus::Enabled);
    }

    #[test]
    fn request_enums_match_the_generated_wire_values() {
        for s in [
            ManagedAccountSort::CreatedAt,
            ManagedAccountSort::CreatedAtDesc,
            ManagedAccountSort::Email,
            ManagedAccountSort::EmailDesc,
        ] {
            assert_eq!(s.to_gen().to_string(), s.as_str());
        }
        for s in [
            ManagedAccountStatus::All,
            ManagedAccountStatus::Active,
            ManagedAccountStatus::Enabled,
            ManagedAccountStatus::Cancelled,
            ManagedAccountStatus::Disabled,
            ManagedAccountStatus::Blocked,
        ] {
            assert_eq!(s.to_gen().to_string(), s.as_str());
        }
    }
}
