//! The enums: open where Telnyx sends them (a value added later decodes as
//! an unknown value), closed where only we send them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A value Telnyx sent that this version of the crate does not know, inside
/// the `Unknown` variant of an open enum such as
/// [`UserStatus`](crate::UserStatus).
///
/// It can be read ([`as_str`](Self::as_str), or `as_str()` on the enum) but
/// not built or matched by its content: the crate makes one only for a
/// string that is none of the enum's known values. So a value never hides
/// in `Unknown` once the crate knows it, and code written against today's
/// unknowns keeps working when a later version adds a variant for them, as
/// long as it compares [`as_str`](Self::as_str) instead of matching
/// `Unknown`. See [the rule in `models`](crate::models#enums).
///
/// ```
/// use telnyx_accounts::UserStatus;
///
/// let status = UserStatus::from("suspended");
/// assert_eq!(status.as_str(), "suspended");
/// # #[allow(deprecated)]
/// if let UserStatus::Unknown(value) = &status {
///     assert_eq!(value.as_str(), "suspended");
/// }
/// ```
///
/// It cannot be built outside this crate:
///
/// ```compile_fail
/// use telnyx_accounts::{models::UnknownValue, UserStatus};
/// # #[allow(deprecated)]
/// let status = UserStatus::Unknown(UnknownValue("enabled".to_owned()));
/// ```
///
/// nor matched by its content:
///
/// ```compile_fail
/// use telnyx_accounts::UserStatus;
/// # #[allow(deprecated)]
/// match UserStatus::from("suspended") {
///     UserStatus::Unknown("suspended") => {}
///     _ => {}
/// }
/// ```
///
/// and matching `Unknown` at all is deprecated (a warning, here an error):
///
/// ```compile_fail
/// #![deny(deprecated)]
/// use telnyx_accounts::UserStatus;
/// match UserStatus::from("suspended") {
///     UserStatus::Unknown(_) => {}
///     _ => {}
/// }
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct UnknownValue(String);

impl UnknownValue {
    /// The value as Telnyx sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An open enum: the values Telnyx documents, plus `Unknown` for any value
/// it adds later, so that one new value never fails a whole response.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident => $wire:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        ///
        /// Open: [`#[non_exhaustive]`](crate::models#enums), and a value this
        /// crate does not know is kept in `Unknown`, readable with
        /// [`as_str`](Self::as_str). Match with a `_` arm, and compare
        /// `as_str()` for values the crate does not name yet:
        ///
        /// ```
        #[doc = concat!("use telnyx_accounts::", stringify!($name), ";")]
        ///
        #[doc = concat!("fn describe(value: &", stringify!($name), ") -> String {")]
        ///     match value {
        #[doc = concat!($("        ", stringify!($name), "::", stringify!($variant), " => \"known\".into(),\n",)+)]
        ///         other => format!("not known to this crate: {}", other.as_str()),
        ///     }
        /// }
        ///
        #[doc = concat!("let later = ", stringify!($name), "::from(\"a_value_added_later\");")]
        /// assert_eq!(later.as_str(), "a_value_added_later");
        /// assert!(later.is_unknown());
        /// assert_eq!(describe(&later), "not known to this crate: a_value_added_later");
        /// ```
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version of the crate does not know, kept as sent.
            ///
            /// Do not match on this variant: when a later version names the
            /// value, it stops landing here. Use a `_` arm and
            /// [`as_str`](Self::as_str) instead.
            #[deprecated(
                note = "do not match on `Unknown`: a later version may name its value. Match with `_` and read `as_str()`."
            )]
            Unknown(UnknownValue),
        }

        #[allow(deprecated)]
        impl $name {
            /// The documented values, as on the wire.
            pub const fn values() -> &'static [&'static str] {
                &[$($wire),+]
            }

            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )+
                    Self::Unknown(v) => v.as_str(),
                }
            }

            /// Whether this is a value this version of the crate does not
            /// know (which a later version may name).
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown(_))
            }
        }

        /// The known variant for a documented value, `Unknown` for any other.
        #[allow(deprecated)]
        impl From<String> for $name {
            fn from(s: String) -> Self {
                match s.as_str() {
                    $( $wire => Self::$variant, )+
                    _ => Self::Unknown(UnknownValue(s)),
                }
            }
        }

        /// The known variant for a documented value, `Unknown` for any other.
        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self::from(s.to_owned())
            }
        }

        /// Never fails: an undocumented value is kept in `Unknown`.
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

        /// Any string (the documented values as `examples`): unknown values
        /// are accepted.
        #[cfg(feature = "schemars")]
        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "type": "string",
                    "examples": [$($wire),+],
                })
            }
        }
    };
}

/// A closed enum: only the values the API takes, as it sends them. Unknown
/// values are refused when deserializing.
macro_rules! closed_enum {
    (
        $(#[$meta:meta])*
        $name:ident => $gen:ident { $( $(#[$vmeta:meta])* $variant:ident => $wire:literal => $genvariant:ident ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, as on the wire.
            pub const fn values() -> &'static [&'static str] {
                &[$($wire),+]
            }

            /// The value as sent on the wire.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( Self::$variant => $wire, )+
                }
            }

            /// The generated client's value: the tests check that the wire
            /// values agree with the spec's.
            #[cfg(test)]
            pub(crate) fn to_gen(self) -> telnyx_accounts_gen::types::$gen {
                use telnyx_accounts_gen::types::$gen as G;
                match self {
                    $( Self::$variant => G::$genvariant, )+
                }
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

        /// One of [`values`](Self::values); anything else is an error.
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = String::deserialize(deserializer)?;
                match s.as_str() {
                    $( $wire => Ok(Self::$variant), )+
                    other => Err(serde::de::Error::unknown_variant(other, Self::values())),
                }
            }
        }

        #[cfg(feature = "schemars")]
        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "type": "string",
                    "enum": [$($wire),+],
                })
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

closed_enum! {
    /// The `filter[status][eq]` of [`managed_accounts().list()`](crate::resources::ListManagedAccounts::status).
    ///
    /// Closed: only the values the API takes. It is `#[non_exhaustive]`, so
    /// a value Telnyx adds becomes a new variant in a minor release; a value
    /// this crate does not name cannot be sent (see
    /// [the rule in `models`](crate::models#enums)).
    ManagedAccountStatus => ListManagedAccountsFilterStatusEq {
        /// Every account, cancelled ones included.
        All => "all" => All,
        /// Accounts that are not cancelled.
        Active => "active" => Active,
        /// Accounts able to use Telnyx services.
        Enabled => "enabled" => Enabled,
        /// Cancelled accounts.
        Cancelled => "cancelled" => Cancelled,
        /// Disabled accounts.
        Disabled => "disabled" => Disabled,
        /// Accounts blocked by Telnyx.
        Blocked => "blocked" => Blocked,
    }
}

closed_enum! {
    /// The `sort` of [`managed_accounts().list()`](crate::resources::ListManagedAccounts::sort).
    /// Telnyx's default, when none is given, is `CreatedAtDesc`.
    ///
    /// Closed, like [`ManagedAccountStatus`]: `#[non_exhaustive]`, and a
    /// sort this crate does not name cannot be sent.
    ManagedAccountSort => ListManagedAccountsSort {
        /// `created_at`: oldest first.
        CreatedAt => "created_at" => CreatedXat,
        /// `-created_at`: newest first.
        CreatedAtDesc => "-created_at" => XcreatedXat,
        /// `email`: A to Z.
        Email => "email" => Email,
        /// `-email`: Z to A.
        EmailDesc => "-email" => Xemail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_values_are_kept() {
        let s: UserStatus = serde_json::from_str("\"suspended\"").unwrap();
        assert!(s.is_unknown());
        assert_eq!(s.as_str(), "suspended");
        assert_eq!(s, UserStatus::from("suspended"));
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"suspended\"");
        assert_eq!(format!("{s:?}"), "Unknown(\"suspended\")");
        // Logged, the value reads as Telnyx sent it, through the enum or
        // through the value held.
        assert_eq!(s.to_string(), "suspended");
        #[allow(deprecated)]
        let UserStatus::Unknown(held) = &s
        else {
            panic!("{s:?}")
        };
        assert_eq!(held.to_string(), "suspended");
        assert_eq!(UserStatus::from("enabled"), UserStatus::Enabled);
        assert!(!UserStatus::Enabled.is_unknown());
    }

    #[test]
    fn closed_enums_refuse_unknown_values() {
        let s: ManagedAccountSort = serde_json::from_str("\"-email\"").unwrap();
        assert_eq!(s, ManagedAccountSort::EmailDesc);
        let e = serde_json::from_str::<ManagedAccountStatus>("\"suspended\"").unwrap_err();
        assert!(e.to_string().contains("unknown variant `suspended`"), "{e}");
    }

    #[test]
    fn request_enums_match_the_generated_wire_values() {
        for wire in ManagedAccountSort::values() {
            let s: ManagedAccountSort = serde_json::from_value((*wire).into()).unwrap();
            assert_eq!(s.to_gen().to_string(), s.as_str());
        }
        for wire in ManagedAccountStatus::values() {
            let s: ManagedAccountStatus = serde_json::from_value((*wire).into()).unwrap();
            assert_eq!(s.to_gen().to_string(), s.as_str());
        }
    }
}
