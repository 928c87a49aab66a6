//! Entry points for fuzzing the response decoders (`fuzz/` at the repo root).
//!
//! Only compiled with the `fuzzing` feature; not part of the public API and
//! not covered by semver. Each function is the client's own decode path for
//! a raw 2xx body (see `decode.rs`). A body that does not fit is `Err` with
//! the message the client would put in [`Error::Decode`](crate::Error::Decode);
//! a panic is a bug.

use crate::error::TelnyxError;
use crate::models::decode;
use crate::models::{
    AllocatableChannels, ChannelLimit, GroupsReportRow, ManagedAccount, ManagedAccountListing,
    OrganizationUser,
};
use crate::pagination::Page;

/// Why a body did not decode.
pub type Failure = String;

/// `{"data": ManagedAccount}`: create, retrieve, update, disable, enable.
pub fn decode_managed_account(body: &[u8]) -> Result<ManagedAccount, Failure> {
    decode::managed_account(body)
}

/// A page of the managed-accounts list.
pub fn decode_managed_account_page(body: &[u8]) -> Result<Page<ManagedAccountListing>, Failure> {
    decode::managed_account_page(body)
}

/// A page of the organization-users list (`include_groups` as requested).
pub fn decode_user_page(
    body: &[u8],
    include_groups: bool,
) -> Result<Page<OrganizationUser>, Failure> {
    decode::user_page(body, include_groups)
}

/// `{"data": OrganizationUser}`: retrieve and remove.
pub fn decode_user(body: &[u8], include_groups: bool) -> Result<OrganizationUser, Failure> {
    decode::user(body, include_groups)
}

/// The JSON groups report.
pub fn decode_groups_report(body: &[u8]) -> Result<Vec<OrganizationUser>, Failure> {
    decode::groups_report(body)
}

/// The CSV groups report, as `groups_report_rows()` parses it.
#[cfg(feature = "csv")]
pub fn decode_groups_report_rows(body: &[u8]) -> Result<Vec<GroupsReportRow>, Failure> {
    decode::groups_report_rows(body)
}

/// `{"data": ...}` of the allocatable-channels call.
pub fn decode_channels(body: &[u8]) -> Result<AllocatableChannels, Failure> {
    decode::channels(body)
}

/// `{"data": ...}` of the channel-limit update.
pub fn decode_channel_limit(body: &[u8]) -> Result<ChannelLimit, Failure> {
    decode::channel_limit(body)
}

/// Telnyx's `{"errors": [...]}` body of a non-2xx response (never fails:
/// anything else is an empty list).
pub fn parse_error_body(body: &[u8]) -> Vec<TelnyxError> {
    crate::error::parse_error_body(body)
}

/// The secret masking applied to every body snippet a decode error shows
/// (`known` is the API key).
pub fn scrub(body: &[u8], known: &str) -> String {
    crate::secret::scrub(&String::from_utf8_lossy(body), &[known])
}
