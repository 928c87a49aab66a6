//! The resource tree, as in the official SDKs: `client.managed_accounts()`,
//! `client.organizations().users()`, and their `actions()`.
//!
//! Every call returns a request builder: set options on it, then `.await` it
//! (or call `.send().await`), or call `.send_with_response().await` for the
//! value with the response's status, headers, request id and rate limit
//! ([`Response`](crate::Response)). Bad input is refused before anything is
//! sent. Every builder also takes per-request `.timeout(..)`,
//! `.deadline(..)`, `.retry_policy(..)`, `.max_retries(..)` and
//! `.header(..)`.

mod managed_accounts;
mod organizations;

pub use managed_accounts::{
    CreateManagedAccount, DisableManagedAccount, EnableManagedAccount, GetAllocatableChannels,
    ListManagedAccounts, ManagedAccountActions, ManagedAccounts, RetrieveManagedAccount,
    UpdateGlobalChannelLimit, UpdateManagedAccount,
};
pub use organizations::{
    GetGroupsReport, GetGroupsReportCsv, GetGroupsReportRows, ListUsers, Organizations, RemoveUser,
    RetrieveUser, UserActions, Users,
};

use crate::error::{Error, Result};

/// The largest `page[size]` Telnyx accepts.
pub const MAX_PAGE_SIZE: u32 = 250;

/// Checks `page_number` (>= 1) and `page_size` (1..=250).
fn check_page(number: Option<u32>, size: Option<u32>) -> Result<()> {
    if number == Some(0) {
        return Err(Error::invalid("page_number", "must be 1 or more"));
    }
    match size {
        Some(s) if !(1..=MAX_PAGE_SIZE).contains(&s) => Err(Error::invalid(
            "page_size",
            format!("must be between 1 and {MAX_PAGE_SIZE}, not {s}"),
        )),
        _ => Ok(()),
    }
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
