//! The resource tree, as in the official SDKs: `client.managed_accounts()`,
//! `client.organizations().users()`, and their `actions()`.
//!
//! Every call returns a request builder: set options on it, then `.await` it
//! (or call `.send().await`), or call `.send_with_response().await` for the
//! value with the response's status, headers, request id and rate limit
//! ([`Response`](crate::Response)). Bad input is refused before anything is
//! sent.
//!
//! # Per-request options
//!
//! Every builder also takes `.timeout(..)` (per attempt), `.deadline(..)`
//! (the whole call), `.retry_policy(..)`, `.max_retries(..)` and
//! `.header(..)`, overriding the client's settings for that call only:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), telnyx_accounts::Error> {
//! # let mock = telnyx_accounts_mock::MockServer::start().await;
//! # let client = telnyx_accounts::Client::builder().api_key(mock.api_key()).base_url(mock.base_url()).build()?;
//! use std::time::Duration;
//! use telnyx_accounts::RetryPolicy;
//!
//! let page = client
//!     .managed_accounts()
//!     .list()
//!     .timeout(Duration::from_secs(5))
//!     .deadline(Duration::from_secs(12))
//!     .retry_policy(RetryPolicy::default().max_retries(1))
//!     .header("x-correlation-id", "sync-2026-11-29")
//!     .await?;
//! # assert_eq!(mock.requests()[0].header("x-correlation-id"), Some("sync-2026-11-29"));
//! # let _ = page;
//! # Ok(()) }
//! ```
//!
//! # Parameters this crate does not know yet
//!
//! Telnyx adds parameters before this crate has setters for them. Every
//! builder takes `.extra_query(name, value)`, a query pair sent as given,
//! and every builder with a JSON body (`create`, `update`, `enable`,
//! `update_global_channel_limit`) takes `.extra_body(name, value)`, a
//! top-level field of the body. An extra named like a typed parameter
//! replaces it on the wire. Unused, they cost nothing.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), telnyx_accounts::Error> {
//! # let mock = telnyx_accounts_mock::MockServer::start().await;
//! # let client = telnyx_accounts::Client::builder().api_key(mock.api_key()).base_url(mock.base_url()).build()?;
//! use serde_json::json;
//!
//! let page = client
//!     .managed_accounts()
//!     .list()
//!     .extra_query("filter[new_thing]", "x")
//!     .await?;
//! let account = client
//!     .managed_accounts()
//!     .create("Acme")
//!     .extra_body("new_field", json!(1))
//!     .await?;
//! # let log = mock.requests();
//! # assert_eq!(log[0].query_param("filter[new_thing]"), Some("x"));
//! # assert_eq!(log[1].json().unwrap()["new_field"], 1);
//! # let _ = (page, account);
//! # Ok(()) }
//! ```

mod checks;
mod managed_accounts;
mod organizations;

pub use checks::MAX_PAGE_SIZE;

pub use managed_accounts::{
    CreateManagedAccount, DisableManagedAccount, EnableManagedAccount, GetAllocatableChannels,
    ListManagedAccounts, ManagedAccountActions, ManagedAccounts, RetrieveManagedAccount,
    UpdateGlobalChannelLimit, UpdateManagedAccount,
};
#[cfg(feature = "csv")]
pub use organizations::GetGroupsReportRows;
pub use organizations::{
    GetGroupsReport, GetGroupsReportCsv, ListUsers, Organizations, RemoveUser, RetrieveUser,
    UserActions, Users,
};
