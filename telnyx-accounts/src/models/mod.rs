//! The values the API returns, typed: uuids, timestamps, open enums, secrets.
//!
//! Unknown JSON fields are ignored and enum values Telnyx adds later decode as
//! `Unknown(..)`, so a change on Telnyx's side does not break decoding.

mod enums;
mod managed_account;
mod user;

pub use enums::{
    ManagedAccountRecordType, ManagedAccountSort, ManagedAccountStatus, UserRecordType, UserStatus,
};
pub use managed_account::{
    AllocatableChannels, Amount, Balance, ChannelLimit, ManagedAccount, ManagedAccountListing,
};
pub use user::{GroupsReportRow, OrganizationUser, UserGroup};

/// Converts a generated open enum (`Variant0` known, `Variant1` other string)
/// into this crate's open enum.
macro_rules! open_value {
    ($value:expr, $gen:ty) => {{
        type G = $gen;
        match $value {
            G::Variant0(known) => known.to_string().into(),
            G::Variant1(other) => String::from(other).into(),
        }
    }};
}
pub(crate) use open_value;
