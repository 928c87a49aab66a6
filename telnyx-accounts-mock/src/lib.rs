//! An embedded, stateful fake of Telnyx's account-management API.
//!
//! [`MockServer`] serves the twelve managed-accounts and organization-users
//! operations on `127.0.0.1`, in the wire format of Telnyx's official OpenAPI
//! spec, over seeded, deterministic data. It is meant for examples, tests and
//! benchmarks of clients, and for users' own tests.
//!
//! ```no_run
//! # async fn demo() {
//! use telnyx_accounts_mock::MockServer;
//!
//! let mock = MockServer::start().await; // 127.0.0.1, ephemeral port, seeded data
//! let base_url = mock.base_url();       // "http://127.0.0.1:PORT/v2"
//! let key = mock.api_key();             // send as "Authorization: Bearer <key>"
//! # let _ = (base_url, key);
//! assert!(mock.accounts().len() >= 50);
//! mock.shutdown().await;
//! # }
//! ```
//!
//! # Semantics
//!
//! * **Auth**: every request needs `Authorization: Bearer <api_key>`; anything
//!   else is a 401 (code `10009`). Every response carries `x-request-id`.
//! * **Account statuses**: enabled, disabled, cancelled, blocked. Without
//!   `filter[status][eq]`, lists show every status but cancelled, unless
//!   `include_cancelled_accounts=true`. `filter[status][eq]=active` means
//!   "not cancelled"; `all` means everything. Disable/enable work on enabled
//!   and disabled accounts; on cancelled or blocked ones they are a 422.
//! * **Sorting**: `created_at`, `-created_at` (the default), `email`,
//!   `-email` (case-insensitive email); ties are broken by id.
//! * **Paging**: `page[number]` ≥ 1 (default 1), `page[size]` 1..=250 (default
//!   20 for accounts, 250 for users). `total_pages` is 0 when nothing matches;
//!   a page past the end has empty `data` and the true `meta`.
//! * **Errors**: unknown ids and paths are 404 (code `10005`); a query value
//!   that cannot be parsed (`page[number]=abc`, an unknown enum value,
//!   `include_groups=maybe`) is a 400 (code `10015`, `source.parameter`); a
//!   parsed value out of range (`page[size]=0`, a `contains` filter shorter
//!   than three characters) is a 422 naming `source.parameter`; body problems
//!   (malformed JSON, wrong types, missing or invalid fields) are 422 with
//!   `source.pointer` (`/business_name`, `/channel_limit`). A known path with
//!   another method is a 404.
//! * **Filters**: `contains` filters are case-insensitive substrings (at
//!   least three characters); `eq` filters are exact, case-sensitive matches.
//!   When a query key repeats, the last value wins; unknown keys are ignored.
//! * **Channels**: a pool of [`DEFAULT_CHANNEL_POOL`] channels; a
//!   `channel_limit` that would take the total over the pool is a 422. New
//!   accounts start with 0 channels and zero balances.
//! * **Users**: listed in creation order, owner first; the owner cannot be
//!   removed (403, code `10010`).
//!
//! # Fault injection and the request log
//!
//! [`MockServer::inject`] takes a [`FaultRule`] (a [`Fault`] plus what it
//! matches and how often); [`MockServer::requests`] and
//! [`MockServer::wait_for_requests`] let tests assert on what was sent.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod accounts;
mod auth;
mod body;
mod builder;
mod errors;
mod faults;
mod fixtures;
mod inflight;
mod listener;
mod log;
mod pipeline;
mod query;
mod ratelimit;
mod routes;
mod seed;
mod server;
mod state;
mod users;
mod wire;

use std::time::Duration;

pub use builder::{
    MockServerBuilder, DEFAULT_ACCOUNTS, DEFAULT_API_KEY, DEFAULT_CHANNEL_POOL,
    DEFAULT_DRAIN_TIMEOUT, DEFAULT_LOG_CAPACITY, DEFAULT_LOG_MAX_BYTES, DEFAULT_SEED,
    DEFAULT_TOKEN_TTL, DEFAULT_USERS, DEFAULT_WAIT_TIMEOUT,
};
pub use faults::{Fault, FaultRule, RetryHint, Times};
pub use fixtures::{FixtureError, NewAccount, NewUser};
pub use log::{RecordedRequest, WaitTimeout};
pub use server::MockServer;
pub use state::{AccountStatus, MockAccount, MockGroup, MockUser, UserStatus};

/// State shared by every connection and the [`MockServer`] handle.
pub(crate) struct Shared {
    pub(crate) auth: auth::Auth,
    pub(crate) store: parking_lot::RwLock<state::Store>,
    pub(crate) faults: faults::FaultSet,
    pub(crate) log: log::RequestLog,
    /// `None`: no rate limit, and no `x-ratelimit-*` headers.
    pub(crate) limiter: Option<ratelimit::RateLimiter>,
    /// Added to every response.
    pub(crate) latency: Duration,
    pub(crate) in_flight: inflight::InFlight,
}
