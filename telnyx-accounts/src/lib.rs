//! A typed, retry-safe client for Telnyx's account-management API: the
//! managed accounts you run for your customers and the users of your own
//! organization.
//!
//! ```
//! use futures::TryStreamExt;
//! use telnyx_accounts::{ApiErrorKind, Client, Error, ManagedAccountStatus};
//! use telnyx_accounts_mock::MockServer;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Error> {
//! // A local fake of Telnyx (for real use: `Client::from_env()?`).
//! let mock = MockServer::start().await;
//! let client = Client::builder()
//!     .api_key(mock.api_key())
//!     .base_url(mock.base_url())
//!     .build()?;
//!
//! // Create an account, then find it again.
//! let created = client
//!     .managed_accounts()
//!     .create("Larry's Cat Food Inc")
//!     .email("larry@example.com")
//!     .await?;
//! let account = client.managed_accounts().retrieve(created.id).await?;
//! assert_eq!(account.email, "larry@example.com");
//! println!("{account:?}"); // api_key and api_token print as [REDACTED]
//!
//! // Walk every enabled account, page after page.
//! let enabled: Vec<_> = client
//!     .managed_accounts()
//!     .list()
//!     .status(ManagedAccountStatus::Enabled)
//!     .page_size(250)
//!     .into_stream()
//!     .try_collect()
//!     .await?;
//! assert!(enabled.iter().any(|a| a.id == created.id));
//!
//! // Errors say what happened.
//! match client.managed_accounts().retrieve("no-such-id").await {
//!     Err(Error::Api(e)) if e.kind() == ApiErrorKind::NotFound => {}
//!     other => panic!("expected a 404, got {other:?}"),
//! }
//! # Ok(()) }
//! ```
//!
//! # Authenticating: an API key, or OAuth2 client credentials
//!
//! Either an API key, sent as `Authorization: Bearer <key>`, or OAuth2
//! client credentials, as Telnyx's official SDKs use them: the client gets
//! an access token from `{base_url}/oauth/token` and sends that. Both are
//! checked before any I/O; setting both, or neither, is an
//! [`Error::Config`]. [`Client::from_env`] takes `TELNYX_API_KEY`, or else
//! `TELNYX_CLIENT_ID` and `TELNYX_CLIENT_SECRET`.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), telnyx_accounts::Error> {
//! # let mock = telnyx_accounts_mock::MockServer::builder()
//! #     .api_key("KEY")
//! #     .client_credentials("CLIENT_ID", "CLIENT_SECRET")
//! #     .start()
//! #     .await;
//! use telnyx_accounts::Client;
//!
//! let with_key = Client::builder()
//!     .api_key("KEY")
//! #   .base_url(mock.base_url())
//!     .build()?;
//! let with_oauth = Client::builder()
//!     .client_credentials("CLIENT_ID", "CLIENT_SECRET")
//! #   .base_url(mock.base_url())
//!     .build()?;
//! assert_eq!(with_oauth.client_id(), Some("CLIENT_ID"));
//!
//! // One token request for every call of the client and its clones, until
//! // 10 s before the token expires, however many tasks ask at once; a 401
//! // gets a new token and the call is sent once more.
//! with_key.managed_accounts().list().await?;
//! with_oauth.managed_accounts().list().await?;
//! with_oauth.clone().organizations().users().list().await?;
//! # assert_eq!(mock.requests().iter().filter(|r| r.is_token_request()).count(), 1);
//! # Ok(()) }
//! ```
//!
//! A failed token request is the call's error, and says so
//! ([`Error::is_token_error`]); the call is never sent without credentials.
//! See [`ClientBuilder::client_credentials`].
//!
//! # What it does for you
//!
//! - **Configuration** ([`ClientBuilder`]): an API key or OAuth2 client
//!   credentials (one of them required, checked before any I/O), base URL
//!   (`https://` only, except loopback), per-attempt timeout (60 s), retries
//!   (2), user agent, default headers, or your own `reqwest::Client`.
//! - **Every operation as a builder** ([`resources`]): `.await` it. Ids take
//!   `&str`, `String` or `Uuid`; bad input (an empty id, a page size over
//!   250, a 2-character `contains` filter) fails with
//!   [`Error::InvalidRequest`] before anything is sent. `.extra_query` and
//!   `.extra_body` send parameters Telnyx added before this crate knew them.
//! - **Typed models** ([`models`]): `Uuid` ids, `chrono` timestamps, enums
//!   that keep values Telnyx adds later, exact decimal balances, and
//!   credentials as [`SecretString`]s that never print. Builders for your
//!   tests, serde both ways (keys stored only through [`secret::expose`]),
//!   and `schemars::JsonSchema` with the `schemars` feature.
//! - **Pagination** ([`pagination`]): `into_stream()` walks every page with
//!   your filters, fetching pages ahead of you, several at once when you
//!   keep up, items still in page order, repeats (from accounts added during
//!   the walk) dropped.
//! - **Pacing** ([`guide::pacing`]): one view of Telnyx's rate limit for every
//!   clone and task of a client, from the `x-ratelimit-*` headers, so that
//!   bulk work waits for the window instead of collecting 429s; a bound on
//!   requests in flight ([`ClientBuilder::max_concurrency`], default 64).
//! - **Retries** ([`retry`]): a [`RetryPolicy`] (backoff with jitter,
//!   `Retry-After` honoured), a deadline bounding each call, and a retry
//!   budget shared by the client's clones; `create` and `remove` are never
//!   retried when the first attempt may have gone through.
//! - **Response metadata** ([`Response`]): `.send_with_response()` on every
//!   request builder gives the status, headers, request id, rate limit,
//!   attempts and time taken; every [`Page`] carries its request id.
//! - **Hooks** ([`hooks`]): your code before and after every attempt, to
//!   add headers or count requests, retries and statuses.
//! - **Errors** ([`Error`]): Telnyx's `errors[]` parsed, request ids kept,
//!   [`Error::is_retryable`] true only when sending the call again is safe,
//!   messages a person can act on.
//! - **Tracing**: one `telnyx.request` span per call (operation, method,
//!   path template, attempt, status, request id, elapsed), and one for each
//!   OAuth2 token request inside it; never the key, secret or token, never
//!   query values.
//!
//! Requires a Tokio runtime (as `reqwest` does).
//!
//! # Where things live
//!
//! Each item has one home module; the types most programs name are also
//! re-exported at the root (`telnyx_accounts::Client`,
//! `telnyx_accounts::Error`, ...), and either path may be used.
//!
//! | What | Home | Also at the root |
//! |---|---|---|
//! | [`Client`], [`ClientBuilder`], [`Id`], [`Response`], the client's defaults and environment variables ([`DEFAULT_TIMEOUT`], [`API_KEY_ENV`], ...), [`TOKEN_OPERATION`] | the root | |
//! | request builders (one per operation), the resource handles, `MAX_PAGE_SIZE` | [`resources`] | |
//! | models, their builders, open enums, [`UnknownValue`](models::UnknownValue) | [`models`] | the models and enums |
//! | [`Page`], [`PageMeta`] and the prefetch defaults | [`pagination`] | `Page`, `PageMeta` |
//! | [`Error`], its parts and [`RetryStop`] | [`error`] | all of them |
//! | [`RetryPolicy`], [`RetryBudget`], [`DEFAULT_MAX_RETRIES`] | [`retry`] | all of them |
//! | [`Hook`] and what hooks see; [`RequestCounter`](hooks::RequestCounter) | [`hooks`] | `Hook` |
//! | [`SecretString`] and serializing secrets on purpose | [`secret`] | `SecretString` |
//! | guides with examples | [`guide`] | |
//!
//! The raw generated client (`telnyx-accounts-gen`) is an implementation
//! detail: none of its types appear in this API.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod auth;
mod client;
mod config;
mod decode;
pub mod error;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
pub mod guide;
pub mod hooks;
mod id;
mod limiter;
pub mod models;
mod oauth;
pub mod pagination;
mod request;
pub mod resources;
mod response;
pub mod retry;
pub mod secret;
mod timer;
mod transport;

pub use client::Client;
pub use config::{
    ClientBuilder, API_KEY_ENV, BASE_URL_ENV, CLIENT_ID_ENV, CLIENT_SECRET_ENV, DEFAULT_BASE_URL,
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_DEADLINE, DEFAULT_MAX_RESPONSE_BODY_SIZE, DEFAULT_TIMEOUT,
};
pub use error::{
    ApiError, ApiErrorKind, ConfigError, ConnectionError, DecodeError, Error, ErrorSource,
    HeldError, InvalidRequestError, RateLimit, Result, RetryStop, TelnyxError, TimeoutError,
};
pub use hooks::Hook;
pub use id::Id;
pub use limiter::DEFAULT_MAX_CONCURRENCY;
pub use models::{
    AllocatableChannels, Amount, Balance, ChannelLimit, GroupsReportRow, ManagedAccount,
    ManagedAccountListing, ManagedAccountRecordType, ManagedAccountSort, ManagedAccountStatus,
    OrganizationUser, UserGroup, UserRecordType, UserStatus,
};
pub use oauth::TOKEN_OPERATION;
pub use pagination::{Page, PageMeta};
pub use response::Response;
pub use retry::{RetryBudget, RetryPolicy, DEFAULT_MAX_RETRIES};
pub use secret::SecretString;

/// The README's examples, compiled and run against the embedded mock by
/// `cargo test --doc` (the README is packaged with the crate).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
