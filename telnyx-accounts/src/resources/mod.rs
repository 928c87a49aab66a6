//! The resource tree, as in the official SDKs: `client.managed_accounts()`,
//! `client.organizations().users()`, and their `actions()`.
//!
//! Every call returns a request builder: set options on it, then `.await` it
//! (or call `.send().await`). Bad input is refused before anything is sent.
//! Every builder also takes per-request `.timeout(..)`, `.max_retries(..)`
//! and `.header(..)`.

mod managed_accounts;
mod organizations;

pub use managed_accounts::{
    CreateManagedAccount, DisableManagedAccount, EnableManagedAccount, GetAllocatableChannels,
    ListManagedAccounts, ManagedAccountActions, ManagedAccounts, RetrieveManagedAccount,
    UpdateGlobalChannelLimit, UpdateManagedAccount,
};
#[cfg(feature = "fuzzing")]
pub(crate) use organizations::parse_report_csv;
pub use organizations::{
    GetGroupsReport, GetGroupsReportCsv, GetGroupsReportRows, ListUsers, Organizations, RemoveUser,
    RetrieveUser, UserActions, Users,
};

use progenitor_client::ResponseValue;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::transport::decode_error;

/// The largest `page[size]` Telnyx accepts.
pub const MAX_PAGE_SIZE: u32 = 250;

/// Checks `page_number` (>= 1) and `page_size` (1..=250) and converts them
/// to the generated builders' types.
fn check_page(
    number: Option<u32>,
    size: Option<u32>,
) -> Result<(Option<std::num::NonZeroU64>, Option<std::num::NonZeroU64>)> {
    let number = match number {
        Some(n) => Some(
            std::num::NonZeroU64::new(u64::from(n))
                .ok_or_else(|| Error::invalid("page_number", "must be 1 or more"))?,
        ),
        None => None,
    };
    let size = match size {
        Some(s) if (1..=MAX_PAGE_SIZE).contains(&s) => std::num::NonZeroU64::new(u64::from(s)),
        Some(s) => {
            return Err(Error::invalid(
                "page_size",
                format!("must be between 1 and {MAX_PAGE_SIZE}, not {s}"),
            ))
        }
        None => None,
    };
    Ok((number, size))
}

/// Telnyx's `contains` filters need at least three characters.
fn check_contains(parameter: &str, value: Option<&str>) -> Result<()> {
    match value {
        Some(v) if v.chars().count() < 3 => Err(Error::invalid(
            parameter,
            format!("needs at least 3 characters, got {}", v.chars().count()),
        )),
        _ => Ok(()),
    }
}

/// The `data` of a `{"data": ...}` envelope, converted; a decode error when
/// the envelope has none.
fn take_data<E, D, M>(
    client: &Client,
    mut rv: ResponseValue<E>,
    take: impl FnOnce(&mut E) -> Option<D>,
) -> Result<M>
where
    M: From<D>,
{
    match take(&mut rv) {
        Some(data) => Ok(M::from(data)),
        None => Err(decode_error(
            rv.status().as_u16(),
            Some(rv.headers()),
            None,
            "the response has no `data` object",
            client,
        )),
    }
}
