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
//! * **Validation**: one order on every route, and a list of what is not
//!   checked: see [What the mock checks, in order](#what-the-mock-checks-in-order).
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
//! * **Filters**: `contains` filters are case-insensitive substrings;
//!   `eq` filters are exact, case-sensitive matches.
//! * **Channels**: a pool of [`DEFAULT_CHANNEL_POOL`] channels; a
//!   `channel_limit` that would take the total over the pool is a 422. New
//!   accounts start with 0 channels and zero balances.
//! * **Users**: listed in creation order, owner first; the owner cannot be
//!   removed (403, code `10010`).
//!
//! # What the mock checks, in order
//!
//! Every request goes through the same steps; the first that fails
//! answers, and nothing after it runs (a refused request changes no data).
//! This list is the only copy: the READMEs link here.
//!
//! 1. **The rate limit** (API routes, not the token endpoint), per
//!    credential: past it, 429 (`10011`); see
//!    [the rate limit](#realism-oauth2-tokens-latency-the-rate-limit).
//! 2. **Fault rules that fire before authentication**
//!    ([`FaultRule::before_auth`]): a proxy's or gateway's failure.
//! 3. **Credentials**: `Authorization: Bearer` with the API key or an
//!    unexpired token from the token endpoint; anything else, 401
//!    (`10009`). On the token endpoint: `Authorization: Basic` with the
//!    configured client's id and secret, else 401.
//! 4. **The other fault rules**, for authenticated requests only: a wrong
//!    or missing key gets its 401 and leaves the rule unused, as a request
//!    to Telnyx would.
//! 5. **The body's size**: over 32 MiB, 413 (on every route).
//! 6. **The path and method**: the `/v2` prefix and one of the twelve
//!    operations (a trailing slash is tolerated; path segments are
//!    percent-decoded); an unknown path, or a known path with another
//!    method, is a 404 (`10005`), never a 405.
//! 7. **The query**, in the order the operation reads it, so the first bad
//!    parameter is the one reported (`source.parameter`). A value that does
//!    not parse (`page[number]=abc`, an unknown enum value,
//!    `include_groups=maybe`) is a 400 (`10015`); a parsed value out of
//!    range (`page[size]=0` or `251`, `page[number]=0`, a `contains` filter
//!    under three characters) is a 422 (`10015`). List managed accounts
//!    reads `filter[email][contains]`, `filter[organization_name][contains]`,
//!    `include_cancelled_accounts`, `filter[status][eq]`, `sort`,
//!    `page[number]`, `page[size]`; list organization users
//!    `filter[user_status]`, `include_groups`, `page[number]`,
//!    `page[size]`; retrieve organization user `include_groups`.
//! 8. **The body** (create, update and update-global-channel-limit require
//!    one; enable's is optional; the other operations do not read theirs):
//!    absent (no bytes, or only whitespace), 422 (`10004`) where required,
//!    `{}` where optional; not declared `Content-Type: application/json`
//!    (parameters and case aside), 415 (`10014`); not JSON, or not a JSON
//!    object, 422 (`10023`); then each field in the order the operation
//!    reads it: the wrong JSON type, 422 (`10020`); a required field
//!    absent, 422 (`10004`); a bad value, 422 (`10019` for an email,
//!    `10015` otherwise: a blank `business_name`, a negative
//!    `channel_limit`). `source.pointer` names the field.
//! 9. **The id**: a managed-account id resolves in its 36-character
//!    hyphenated form, in either case (the canonical lowercase id comes
//!    back); any other form (hyphenless, braced, `urn:uuid:`) or an unknown
//!    id is a 404. Organization-user ids match exactly.
//! 10. **The resource's state**: an email already taken (case-insensitive),
//!     a `channel_limit` over what the pool has left, enabling or disabling a
//!     cancelled or blocked account, 422 (`10015`); removing the owner, 403
//!     (`10010`).
//!
//! The token endpoint (`POST /v2/oauth/token`) has steps of its own, after
//! the fault rules: a body over 32 MiB, 413; the client credentials, 401
//! (`10009`); a body not declared `application/x-www-form-urlencoded`, 415
//! (`10014`); no `grant_type`, 400 (`10004`); another grant, 400 (`10015`).
//!
//! ## What it does not check
//!
//! What Telnyx may refuse but the mock accepts, so that a test passing here
//! does not prove these:
//!
//! * **Null body fields count as absent**: `"email": null` is no email,
//!   `"business_name": null` a missing field (422, `10004`).
//! * **Unknown body fields are ignored**, whatever their type; update reads
//!   only `managed_account_allow_custom_pricing`.
//! * **Unknown query keys are ignored**, on every operation, including
//!   operations that take no query.
//! * **A repeated query key keeps its last value** (`page[size]=5&page[size]=7`
//!   is 7).
//! * Query keys and values are percent-decoded, and `+` is a space:
//!   `filter%5Bemail%5D%5Bcontains%5D` is `filter[email][contains]`.
//! * Integers may carry surrounding whitespace and a leading `+`;
//!   booleans are `true`/`false` in any case.
//! * `filter[email][eq]`, `filter[organization_name][eq]` and the users'
//!   `filter[email]` take any string (no minimum length; the users' filter
//!   is a case-insensitive substring).
//! * Emails are checked only for the shape `local@domain` with a dot in the
//!   domain; `password` is any string.
//! * `Content-Type` is checked only on a request that carries a body; a body
//!   sent to an operation that takes none is ignored.
//! * `Accept` is read only by the groups report (`text/csv` anywhere in it
//!   gives CSV, anything else JSON); no request is refused for its `Accept`
//!   (no 406).
//! * No other request header is read (`User-Agent`, `Idempotency-Key`,
//!   `api-version`, ...).
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
//! | other 4xx / 5xx | `10015` / `10007` | Bad Request / Unexpected error | `Fault::Status` with any other code | **no** |
//!
//! "Spec" is Telnyx's official OpenAPI spec (its examples and response
//! components); "error list" is Telnyx's published list of API error codes;
//! "rate-limiting docs" is Telnyx's rate-limiting page. A row marked **no**
//! is the mock's own choice: the status is right, but Telnyx documents no
//! code for it, so the closest documented code is reused. Every error item
//! carries `code`, `title`, `detail`, `meta.url`
//! (`https://developers.telnyx.com/docs/overview/errors/<code>`) and, where
//! it applies, `source`: a `pointer` into the body (`/` for the whole
//! body) or the offending query `parameter`. This table is the only copy:
//! the READMEs link here.
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
//! * The rate limit: every API response carries `x-ratelimit-limit`,
//!   `x-ratelimit-remaining` and `x-ratelimit-reset` (whole seconds until
//!   the window refills, rounded up), as Telnyx's do, so a client paces
//!   against the mock as it does against Telnyx. By default the limit is
//!   [`DEFAULT_RATE_LIMIT`] (1,000,000) requests per
//!   [`DEFAULT_RATE_LIMIT_WINDOW`] (one second): `limit: 1000000`,
//!   `remaining` counting down from 999999, `reset: 1`, and no test is ever
//!   throttled. [`MockServerBuilder::rate_limit`] sets N requests per
//!   window per credential (the API key, each OAuth client, one bucket for
//!   requests without valid credentials), as fixed windows aligned to the
//!   mock's start; past it, a 429 with code `10011`, and the request is not
//!   processed. [`MockServerBuilder::rate_limit_headers`]`(false)` (the
//!   program's `--no-rate-limit-headers`) leaves the headers out, for tests
//!   of a server that does not send them. The token endpoint is not limited
//!   and carries none of them.
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
mod random;
mod ratelimit;
mod routes;
mod seed;
mod server;
mod shared;
mod state;
mod users;
mod wire;

pub use builder::{
    MockServerBuilder, DEFAULT_ACCOUNTS, DEFAULT_API_KEY, DEFAULT_CHANNEL_POOL,
    DEFAULT_DRAIN_TIMEOUT, DEFAULT_LOG_CAPACITY, DEFAULT_LOG_MAX_BYTES, DEFAULT_RATE_LIMIT,
    DEFAULT_RATE_LIMIT_WINDOW, DEFAULT_SEED, DEFAULT_TOKEN_TTL, DEFAULT_USERS,
    DEFAULT_WAIT_TIMEOUT,
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
