//! Turning a 2xx body into the public model: `serde_json` into the generated
//! envelope type, then this crate's conversion. A body that does not fit is
//! `Err` with what did not fit; the transport makes that an
//! [`Error::Decode`](crate::Error::Decode) with the status, headers and a
//! scrubbed snippet. The fuzz targets run exactly these functions.
//!
//! A `null` reads as an absent field (the per-field table is in the
//! [`models`](crate::models#nulls-and-missing-fields) docs). The generated
//! types accept `null` in every `Option` field but not in the optional
//! arrays (page and report `data`, a user's `groups`: `Vec` with
//! `#[serde(default)]`), and their timestamps only as RFC 3339 (the spec
//! says ISO 8601: the rule is in the [`models`](crate::models#timestamps)
//! docs). So a body that does not decode is tried once more with its `null`
//! members removed and its ISO 8601 timestamps rewritten as RFC 3339; if
//! that fails too, the first error stands. A body that decodes as sent
//! never takes the second pass.

use serde::de::DeserializeOwned;
use telnyx_accounts_gen::types as generated;

use crate::models::{
    normalize_timestamps, remove_nulls, AllocatableChannels, ChannelLimit, FromGenerated,
    ManagedAccount, ManagedAccountListing, OrganizationUser,
};
#[cfg(feature = "csv")]
use crate::models::{GroupsReportCsvRow, GroupsReportRow};
use crate::pagination::{users_page, Page};

/// Why a body did not decode.
pub(crate) type Failure = String;

fn json<T: DeserializeOwned>(body: &[u8]) -> Result<T, Failure> {
    serde_json::from_slice(body).or_else(|e| leniently(body).ok_or_else(|| e.to_string()))
}

/// The second pass: `body` with its `null` members removed and its ISO 8601
/// timestamps as RFC 3339; `None` when it still does not fit `T`.
fn leniently<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
    let mut value: serde_json::Value = serde_json::from_slice(body).ok()?;
    remove_nulls(&mut value);
    normalize_timestamps(&mut value);
    serde_json::from_value(value).ok()
}

fn data<T>(data: Option<T>) -> Result<T, Failure> {
    data.ok_or_else(|| "the response has no `data` object".to_owned())
}

/// `{"data": ManagedAccount}`: create, retrieve, update, disable, enable.
pub(crate) fn managed_account(body: &[u8]) -> Result<ManagedAccount, Failure> {
    let envelope: generated::ManagedAccountResponse = json(body)?;
    data(envelope.data).map(ManagedAccount::from_generated)
}

/// A page of the managed-accounts list.
pub(crate) fn managed_account_page(body: &[u8]) -> Result<Page<ManagedAccountListing>, Failure> {
    let page: generated::ManagedAccountMultiListingPage = json(body)?;
    Ok(Page::from_generated(page))
}

/// A page of the organization-users list (`include_groups` as requested).
pub(crate) fn user_page(
    body: &[u8],
    include_groups: bool,
) -> Result<Page<OrganizationUser>, Failure> {
    let page: generated::OrganizationUserPage = json(body)?;
    Ok(users_page(page, include_groups))
}

/// `{"data": OrganizationUser}`: retrieve and remove.
pub(crate) fn user(body: &[u8], include_groups: bool) -> Result<OrganizationUser, Failure> {
    let envelope: generated::OrganizationUserResponse = json(body)?;
    let user = data(envelope.data)?;
    Ok(OrganizationUser::from_gen(user, include_groups))
}

/// The JSON groups report.
pub(crate) fn groups_report(body: &[u8]) -> Result<Vec<OrganizationUser>, Failure> {
    let list: generated::OrganizationUserWithGroupsList = json(body)?;
    Ok(list
        .data
        .into_iter()
        .map(OrganizationUser::from_generated)
        .collect())
}

/// The CSV groups report as text, decoded lossily as a browser would (a
/// stray byte does not lose the report).
pub(crate) fn groups_report_csv(body: &[u8]) -> Result<String, Failure> {
    Ok(String::from_utf8_lossy(body).into_owned())
}

/// The CSV groups report, parsed into rows (quoted fields such as
/// `"Engineering, Sales"` handled).
#[cfg(feature = "csv")]
pub(crate) fn groups_report_rows(body: &[u8]) -> Result<Vec<GroupsReportRow>, Failure> {
    let text = String::from_utf8_lossy(body);
    csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes())
        .deserialize::<GroupsReportCsvRow>()
        .map(|row| row.map(GroupsReportRow::from))
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())
}

/// `{"data": ...}` of the allocatable-channels call.
pub(crate) fn channels(body: &[u8]) -> Result<AllocatableChannels, Failure> {
    let envelope: generated::ManagedAccountsGlobalOutboundChannelsResponse = json(body)?;
    data(envelope.data).map(AllocatableChannels::from_generated)
}

/// `{"data": ...}` of the channel-limit update.
pub(crate) fn channel_limit(body: &[u8]) -> Result<ChannelLimit, Failure> {
    let envelope: generated::SingleManagedAccountGlobalOutboundChannelsResponse = json(body)?;
    data(envelope.data).map(ChannelLimit::from_generated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "csv")]
    #[test]
    fn csv_rows_handle_quoted_group_lists_and_empty_sign_in() {
        let text = "id,email,user_status,created_at,last_sign_in_at,groups\n\
                    u1,a@example.com,enabled,2018-02-02T22:25:27.521Z,,\"Engineering, Sales\"\n\
                    u2,b@example.com,suspended,2018-02-02T22:25:27.521Z,2019-01-01T00:00:00Z,\n";
        let rows = groups_report_rows(text.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].groups, vec!["Engineering", "Sales"]);
        assert_eq!(rows[0].last_sign_in_at, None);
        assert_eq!(rows[1].user_status.as_str(), "suspended");
        assert!(rows[1].user_status.is_unknown());
        assert!(rows[1].groups.is_empty());
    }

    #[test]
    fn nulls_read_as_absent() {
        let page = user_page(br#"{"data":[{"id":null,"groups":null}],"meta":null}"#, true).unwrap();
        assert_eq!(page.data[0].id, "");
        assert_eq!(page.data[0].groups, Some(vec![]));
        assert!(managed_account_page(br#"{"data":null}"#)
            .unwrap()
            .data
            .is_empty());
        assert!(groups_report(br#"{"data":null}"#).unwrap().is_empty());
        // Nothing to return, and a required field is not made up.
        assert!(managed_account(br#"{"data":null}"#).is_err());
        let e = groups_report(br#"{"data":[{"id":"u1","groups":null}]}"#).unwrap_err();
        assert!(e.contains("null"), "{e}");
    }
}
