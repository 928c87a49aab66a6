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
//! * **Auth**: every API request needs `Authorization: Bearer <api_key>`, or
//!   a bearer token from the OAuth2 token endpoint (see below); anything
//!   else is a 401 (code `10009`). Every response carries `x-request-id`.
//! * **Validation order**, the same on every route; the first failing step
//!   answers: the rate limit (429), fault rules, credentials (401), the
//!   body's size (413, over 32 MiB), the path and method (404), the query
//!   (400/422), the body (absent where required: 422; not
//!   `application/json`: 415; not a JSON object: 422; each field's type and
//!   value: 422), the id (404), the resource's state (422, or 403 for the
//!   owner). Everything about the request itself is checked before anything
//!   about the stored data.
//! * **Ids**: managed-account ids resolve in their 36-character hyphenated
//!   form, in either case (the canonical lowercase id comes back). The forms
//!   no client sends (hyphenless, braced, `urn:uuid:`) are 404.
//! * **Bodies**: create, update and update-global-channel-limit require a
//!   body (422, `10004`, when absent); enable's is optional. A body must be
//!   sent as `Content-Type: application/json` (parameters and case aside),
//!   else 415 (`10014`). `channel_limit` is optional: without it nothing
//!   changes.
//! * **Account statuses**: enabled, disabled, cancelled, blocked.
//!   `filter[status][eq]`, when given, decides alone which statuses are
//!   listed (`cancelled` lists them even with
//!   `include_cancelled_accounts=false`); `active` means "not cancelled",
//!   `all` everything. Without it, lists show every status but cancelled,
//!   unless `include_cancelled_accounts=true`. Disable/enable work on enabled
//!   and disabled accounts; on cancelled or blocked ones they are a 422.
//! * **Data**: seeded timestamps come in four RFC 3339 forms (`…:00Z`,
//!   `….123Z`, `….123456Z`, `….123+00:00`); accounts created over the API
//!   show milliseconds and `Z`. `rollup_billing` accounts have no `balance`.
//! * **Sorting**: `created_at`, `-created_at` (the default), `email`,
//!   `-email` (case-insensitive email); ties are broken by id.
//! * **Paging**: `page[number]` ≥ 1 (default 1), `page[size]` 1..=250 (default
//!   20 for accounts, 250 for users). `total_pages` is 0 when nothing matches;
//!   a page past the end has empty `data` and the true `meta`.
//! * **Query errors**: a value that cannot be parsed (`page[number]=abc`, an
//!   unknown enum value, `include_groups=maybe`) is a 400 (`10015`); a parsed
//!   value out of range (`page[size]=0`, a `contains` filter shorter than
//!   three characters) is a 422; both name `source.parameter`. Body errors
//!   name `source.pointer` (`/business_name`, `/channel_limit`, `/` for the
//!   whole body). A known path with another method is a 404.
//! * **Filters**: `contains` filters are case-insensitive substrings (at
//!   least three characters); `eq` filters are exact, case-sensitive matches.
//!   When a query key repeats, the last value wins; unknown keys are ignored.
//! * **Channels**: a pool of [`DEFAULT_CHANNEL_POOL`] channels; a
//!   `channel_limit` that would take the total over the pool is a 422. New
//!   accounts start with 0 channels and zero balances.
//! * **Users**: listed in creation order, owner first; the owner cannot be
//!   removed (403, code `10010`).
//!
//! # Error codes
//!
//! | Status | Code | Title | When | Documented by Telnyx |
//! |---|---|---|---|---|
//! | 400 | `10015` | Bad Request | a query value that does not parse; a token `grant_type` other than `client_credentials` | spec |
//! | 400 | `10004` | Missing required parameter | a token request without `grant_type` | error list |
//! | 401 | `10009` | Authentication failed | missing, wrong or expired credentials | spec |
//! | 403 | `10010` | Not authorized | removing the organization owner | spec |
//! | 404 | `10005` | Resource not found | unknown path, method or id | spec |
//! | 408 | `10008` | Request timeout | `Fault::Status(408)` | error list |
//! | 409 | `10012` | Duplicate resource | `Fault::Status(409)` | error list |
//! | 413 | `10015` | Request entity too large | a body over 32 MiB | **no**: code borrowed |
//! | 415 | `10014` | Unsupported Media Type | a body not sent as JSON (form-encoded on the token endpoint) | error list |
//! | 422 | `10004` | Missing required parameter | a required body or body field is absent | error list |
//! | 422 | `10023` | Invalid JSON | a body that is not JSON, or not an object | error list |
//! | 422 | `10020` | Invalid resource type | a body field of the wrong JSON type | error list |
//! | 422 | `10019` | Invalid email address | an `email` that is not an address | error list |
//! | 422 | `10015` | Bad Request | values out of range, a taken email, the channel pool exceeded, a state that forbids the action | code in the spec; with 422, **no** |
//! | 429 | `10011` | Too many requests | past the rate limit; [`Fault::RateLimited`] | rate-limiting docs |
//! | 500 | `10007` | Unexpected error | `Fault::Status(500)` and other 5xx but 503 | error list |
//! | 503 | `10007` | Service unavailable | [`Fault::Unavailable`], `Fault::Status(503)` | **no**: code borrowed from 500 |
//!
//! "Spec" is Telnyx's official OpenAPI spec; "error list" is Telnyx's
//! published list of API error codes.
//!
//! # Realism: OAuth2 tokens, latency, the rate limit
//!
//! * [`MockServerBuilder::client_credentials`] enables
//!   `POST {base_url}/oauth/token` (`Authorization: Basic
//!   base64(id:secret)`, form body `grant_type=client_credentials`), which
//!   answers `{"access_token", "token_type": "bearer", "expires_in"}`. The
//!   API accepts those tokens until [`MockServerBuilder::token_ttl`] runs
//!   out (then 401, "The access token has expired."), beside the API key;
//!   [`MockServer::expire_tokens`] expires them at once. Token errors: bad
//!   credentials 401 (`10009`), a body that is not form-encoded 415, no
//!   `grant_type` 400 (`10004`), another grant 400 (`10015`).
//! * [`MockServerBuilder::latency`] delays every response on a timer.
//! * [`MockServerBuilder::rate_limit`]: N requests per second per
//!   credential (the API key, each OAuth client, one bucket for requests
//!   without valid credentials), as fixed one-second windows aligned to the
//!   mock's start. API responses then carry `x-ratelimit-limit`,
//!   `x-ratelimit-remaining` and `x-ratelimit-reset` (whole seconds until the
//!   window refills, rounded up); past the limit, a 429 with code `10011`,
//!   and the request is not processed. The token endpoint is not limited.
//! * [`MockServer::peak_in_flight`] reports the most requests handled at once.
//!
//! # Where it runs
//!
//! On a thread and current-thread runtime of its own by default, as wiremock
//! does, so a test that blocks its own thread cannot starve it
//! ([`MockServerBuilder::own_thread`]`(false)` runs it on the caller's
//! runtime). Shutdown, or dropping the [`MockServer`], stops accepting, lets
//! requests in flight finish (up to [`MockServerBuilder::drain_timeout`]),
//! then closes the connections.
//!
//! # Fault injection, expectations, fixtures and the request log
//!
//! [`MockServer::inject`] takes a [`FaultRule`] (a [`Fault`] plus what it
//! matches and how often); [`FaultRule::expect`] sets how often it must
//! fire, checked by [`MockServer::verify`] and when the mock is dropped.
//! [`MockServer::insert_account`] and [`MockServer::insert_user`] add
//! fixtures. [`MockServer::requests`] and [`MockServer::wait_for_requests`]
//! (which fails the test after a timeout instead of hanging) let tests
//! assert on what was sent; the log is bounded by count and by bytes.
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

/// The README's example, compiled and run by `cargo test --doc` (the README
/// is packaged with the crate).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

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
