//! Entry points for fuzzing the response decoders (`fuzz/` at the repo root).
//!
//! Only compiled with the `fuzzing` feature; not part of the public API and
//! not covered by semver. Each function runs the client's own decode path on
//! a raw 200 body: `serde_json` into the generated envelope type (what
//! progenitor does with the body), then this crate's conversion into the
//! public model. A body that does not fit is `Err` with the message the
//! client would put in [`Error::Decode`](crate::Error::Decode); a panic is a
//! bug.

use telnyx_accounts_gen::types as gen;

use crate::error::TelnyxError;
use crate::models::{
    decode_without_nulls, AllocatableChannels, ChannelLimit, GroupsReportRow, ManagedAccount,
    ManagedAccountListing, OrganizationUser,
};
use crate::pagination::{users_page, Page};

/// Why a body did not decode.
pub type Failure = String;

fn json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Failure> {
    serde_json::from_slice(body).map_err(|e| e.to_string())
}

/// As the client decodes the operations it decodes null-tolerantly: the
/// generated type, then the body with its nulls read as absent.
fn json_tolerating_nulls<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Failure> {
    json(body).or_else(|e| decode_without_nulls(body).ok_or(e))
}

fn data<T>(data: Option<T>) -> Result<T, Failure> {
    data.ok_or_else(|| "the response has no `data` object".to_owned())
}

/// `{"data": ManagedAccount}`: create, retrieve, update, disable, enable.
pub fn decode_managed_account(body: &[u8]) -> Result<ManagedAccount, Failure> {
    let envelope: gen::ManagedAccountResponse = json(body)?;
    data(envelope.data).map(ManagedAccount::from)
}

/// A page of the managed-accounts list.
pub fn decode_managed_account_page(body: &[u8]) -> Result<Page<ManagedAccountListing>, Failure> {
    let page: gen::ManagedAccountMultiListingPage = json_tolerating_nulls(body)?;
    Ok(page.into())
}

/// A page of the organization-users list (`include_groups` as requested).
pub fn decode_user_page(
    body: &[u8],
    include_groups: bool,
) -> Result<Page<OrganizationUser>, Failure> {
    let page: gen::OrganizationUserPage = json_tolerating_nulls(body)?;
    Ok(users_page(page, include_groups))
}

/// `{"data": OrganizationUser}`: retrieve and remove.
pub fn decode_user(body: &[u8], include_groups: bool) -> Result<OrganizationUser, Failure> {
    let envelope: gen::OrganizationUserResponse = json_tolerating_nulls(body)?;
    data(
        envelope
            .data
            .map(|u| OrganizationUser::from_gen(u, include_groups)),
    )
}

/// The JSON groups report.
pub fn decode_groups_report(body: &[u8]) -> Result<Vec<OrganizationUser>, Failure> {
    let list: gen::OrganizationUserWithGroupsList = json_tolerating_nulls(body)?;
    Ok(list.data.into_iter().map(OrganizationUser::from).collect())
}

/// The CSV groups report, as `groups_report_rows()` parses it (the body is
/// first read as text, lossily, as reqwest's `text()` does).
pub fn decode_groups_report_rows(body: &[u8]) -> Result<Vec<GroupsReportRow>, Failure> {
    let text = String::from_utf8_lossy(body);
    crate::resources::parse_report_csv(&text).map_err(|e| e.to_string())
}

/// `{"data": ...}` of the allocatable-channels call.
pub fn decode_channels(body: &[u8]) -> Result<AllocatableChannels, Failure> {
    let envelope: gen::ManagedAccountsGlobalOutboundChannelsResponse = json(body)?;
    data(envelope.data).map(AllocatableChannels::from)
}

/// `{"data": ...}` of the channel-limit update.
pub fn decode_channel_limit(body: &[u8]) -> Result<ChannelLimit, Failure> {
    let envelope: gen::SingleManagedAccountGlobalOutboundChannelsResponse = json(body)?;
    data(envelope.data).map(ChannelLimit::from)
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
