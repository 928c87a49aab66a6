//! Errors: what went wrong, in a form a program can branch on and a person
//! can act on.
//!
//! Every fallible call returns [`Error`]. Branch on its variant (network,
//! API, bad input) and, for [`Error::Api`], on [`ApiError::kind`]:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! # let mock = telnyx_accounts_mock::MockServer::start().await;
//! # let client = telnyx_accounts::Client::builder().api_key(mock.api_key()).base_url(mock.base_url()).build().unwrap();
//! use telnyx_accounts::{ApiErrorKind, Error};
//!
//! match client.managed_accounts().retrieve("f65ceda4-6522-4ad6-aede-98de83385123").await {
//!     Ok(account) => println!("{}", account.email),
//!     Err(Error::Api(e)) if e.kind() == ApiErrorKind::NotFound => println!("no such account"),
//!     Err(e) if e.is_retryable() => eprintln!("try again later: {e}"),
//!     Err(e) => eprintln!("{e}"),
//! }
//! # }
//! ```

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::HeaderMap;

/// The error of every operation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Telnyx answered with a non-2xx status.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// An attempt took longer than its timeout (retries, if any, timed out
    /// too), or the call ran past its deadline.
    #[error(transparent)]
    Timeout(TimeoutError),
    /// The connection could not be made, or broke before the response was read.
    #[error(transparent)]
    Connection(ConnectionError),
    /// Not sent: after a 429, the client holds every call until the
    /// server's wait is over (see [pacing](crate::guide::pacing)), and this call could
    /// not wait that long (the hold ends after its deadline, or is longer
    /// than its retry policy's
    /// [`max_server_delay`](crate::RetryPolicy::max_server_delay)).
    /// [`HeldError::retry_after`] says when the hold ends.
    #[error(transparent)]
    Held(HeldError),
    /// The request was refused before anything was sent: an empty id, a page
    /// size out of range, ... Fix the call; retrying will not help.
    #[error(transparent)]
    InvalidRequest(InvalidRequestError),
    /// A 2xx response whose body does not fit the model.
    #[error(transparent)]
    Decode(DecodeError),
    /// The client could not be built: a missing API key, a bad base URL, ...
    #[error(transparent)]
    Config(ConfigError),
}

impl Error {
    /// The HTTP status, when Telnyx answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status()),
            Error::Decode(e) => Some(e.status),
            _ => None,
        }
    }

    /// The `x-request-id` Telnyx gave the failed request, if any: quote it to
    /// Telnyx support.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.request_id(),
            Error::Decode(e) => e.request_id.as_deref(),
            _ => None,
        }
    }

    /// Whether sending the same call again is safe and may succeed: network
    /// trouble, timeouts, 408, 429 and 5xx, **except** where the failed
    /// call may have been processed and is not idempotent (a `create` or
    /// `remove` that timed out or got a 5xx: sending it again could create
    /// a second account, or report a removal that went through as a 404).
    /// False for bad input, decode and configuration errors.
    ///
    /// This is the test the client's own retries use, whatever the attempt
    /// count, budget or deadline; build your own retry loop on it.
    pub fn is_retryable(&self) -> bool {
        self.call().is_some_and(|c| c.retryable)
    }

    /// The official operationId of the call that failed
    /// (`CreateManagedAccount`, ...), when a call was made; with OAuth2
    /// client credentials, [`TOKEN_OPERATION`](crate::TOKEN_OPERATION) when
    /// it was the token request that failed (see
    /// [`is_token_error`](Self::is_token_error)).
    pub fn operation(&self) -> Option<&'static str> {
        self.call().map(|c| c.operation)
    }

    /// True when the client authenticates with OAuth2 client credentials
    /// and the request for an access token failed (an [`Error::Api`],
    /// [`Error::Connection`] or [`Error::Timeout`] of the token endpoint):
    /// the call itself was not sent. Its `Display` says so and names the
    /// operation that needed the token; [`operation`](Self::operation) is
    /// [`TOKEN_OPERATION`](crate::TOKEN_OPERATION).
    pub fn is_token_error(&self) -> bool {
        self.call()
            .is_some_and(|c| matches!(c.auth, Auth::TokenRequest { .. }))
    }

    /// Why the client stopped retrying, when a call was made and failed.
    pub fn retry_stop(&self) -> Option<RetryStop> {
        self.call().map(|c| c.stop)
    }

    /// How many attempts were made, when a call was made and failed.
    pub fn attempts(&self) -> Option<u32> {
        match self {
            Error::Api(e) => Some(e.attempts),
            Error::Timeout(e) => Some(e.attempts),
            Error::Connection(e) => Some(e.attempts),
            Error::Held(e) => Some(e.attempts),
            _ => None,
        }
    }

    fn call(&self) -> Option<&CallInfo> {
        match self {
            Error::Api(e) => Some(&e.call),
            Error::Timeout(e) => Some(&e.call),
            Error::Connection(e) => Some(&e.call),
            Error::Held(e) => Some(&e.call),
            _ => None,
        }
    }

    pub(crate) fn invalid(parameter: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidRequest(InvalidRequestError {
            parameter: parameter.into(),
            reason: reason.into(),
        })
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        Error::Config(ConfigError {
            message: message.into(),
        })
    }
}

/// What kind of API error a status means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiErrorKind {
    /// 400: the request was malformed.
    BadRequest,
    /// 401: the API key (or the OAuth2 client credentials or access token)
    /// is missing, wrong or revoked.
    Authentication,
    /// 403: the key is valid but may not do this (e.g. not a manager account).
    PermissionDenied,
    /// 404: no such resource.
    NotFound,
    /// 409: the request conflicts with the resource's state.
    Conflict,
    /// 422: the request was understood but a value is invalid.
    UnprocessableEntity,
    /// 429: too many requests; see [`ApiError::retry_after`].
    RateLimited,
    /// 500 and above: Telnyx failed.
    Server,
    /// Any other status.
    Other,
}

impl ApiErrorKind {
    /// The kind a status belongs to.
    pub fn from_status(status: u16) -> Self {
        match status {
            400 => Self::BadRequest,
            401 => Self::Authentication,
            403 => Self::PermissionDenied,
            404 => Self::NotFound,
            409 => Self::Conflict,
            422 => Self::UnprocessableEntity,
            429 => Self::RateLimited,
            s if s >= 500 => Self::Server,
            _ => Self::Other,
        }
    }
}

/// One entry of Telnyx's `{"errors": [...]}` body.
///
/// Parsed leniently: a numeric `code` becomes its decimal string, missing
/// fields are `None`, unknown fields are ignored.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
#[non_exhaustive]
pub struct TelnyxError {
    /// Telnyx's error code, e.g. `"10009"`; see
    /// <https://developers.telnyx.com/docs/overview/errors>.
    pub code: Option<String>,
    /// A short summary, e.g. `"Authentication failed"`.
    pub title: Option<String>,
    /// A longer explanation.
    pub detail: Option<String>,
    /// Where in the request the problem is.
    pub source: Option<ErrorSource>,
    /// Anything else Telnyx attached (often a documentation `url`).
    pub meta: Option<serde_json::Value>,
}

/// Where in the request an error points.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
#[non_exhaustive]
pub struct ErrorSource {
    /// A JSON pointer into the request body, e.g. `/business_name`.
    pub pointer: Option<String>,
    /// The query parameter at fault, e.g. `page[size]`.
    pub parameter: Option<String>,
}

/// Telnyx's rate-limit headers, when the response carried them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct RateLimit {
    /// `x-ratelimit-limit`: requests allowed in the window.
    pub limit: Option<u64>,
    /// `x-ratelimit-remaining`: requests left in the window.
    pub remaining: Option<u64>,
    /// `x-ratelimit-reset`: time until the window resets.
    pub reset: Option<Duration>,
}

/// A non-2xx response from Telnyx, after the client's retries.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// # use telnyx_accounts_mock::{Fault, FaultRule, RetryHint};
/// # let mock = telnyx_accounts_mock::MockServer::start().await;
/// # let client = telnyx_accounts::Client::builder().api_key(mock.api_key()).base_url(mock.base_url()).max_retries(0).build().unwrap();
/// # mock.inject(FaultRule::new(Fault::RateLimited(RetryHint::Seconds(30))).operation("ListManagedAccounts"));
/// use std::time::Duration;
/// use telnyx_accounts::{ApiErrorKind, Error};
///
/// let Err(Error::Api(e)) = client.managed_accounts().list().await else { panic!() };
/// assert_eq!(e.status(), 429);
/// assert_eq!(e.kind(), ApiErrorKind::RateLimited);
/// assert_eq!(e.errors()[0].code.as_deref(), Some("10011"));
/// assert_eq!(e.retry_after(), Some(Duration::from_secs(30)));
/// assert_eq!(e.rate_limit().and_then(|r| r.remaining), Some(0));
/// assert_eq!(e.attempts(), 1);
/// println!("{e}"); // Telnyx API error 429 Too Many Requests: ... [request id ...]
/// println!("{:?} {} bytes", e.request_id(), e.body().len());
/// # }
/// ```
pub struct ApiError {
    pub(crate) status: u16,
    pub(crate) errors: Vec<TelnyxError>,
    pub(crate) request_id: Option<String>,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) rate_limit: Option<RateLimit>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) attempts: u32,
    pub(crate) call: CallInfo,
}

/// Why a failed call was not tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RetryStop {
    /// The failure is not one that is retried for this operation (a 4xx, or
    /// a 5xx or timeout of a `create` or `remove`).
    NotRetryable,
    /// Every attempt the policy allows was made.
    AttemptsExhausted,
    /// The server asked to wait longer than
    /// [`RetryPolicy::max_server_delay`](crate::RetryPolicy::max_server_delay).
    ServerDelayTooLong,
    /// The next attempt could not start before the call's deadline.
    Deadline,
    /// The client's [`RetryBudget`](crate::RetryBudget) is empty: too many recent failures.
    BudgetExhausted,
    /// The call's deadline passed while it waited to be sent: for the
    /// client's rate limiter (Telnyx's rate limit was used up) or for a free
    /// slot ([`ClientBuilder::max_concurrency`](crate::ClientBuilder::max_concurrency)).
    /// Sending it again is safe. See
    /// [`ClientBuilder::pacing`](crate::ClientBuilder::pacing).
    Queued,
}

impl fmt::Display for RetryStop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RetryStop::NotRetryable => "not retried",
            RetryStop::AttemptsExhausted => "no retries left",
            RetryStop::ServerDelayTooLong => {
                "not retried: the server asked to wait longer than the retry policy's max_server_delay"
            }
            RetryStop::Deadline => "not retried: the call's deadline would pass first",
            RetryStop::BudgetExhausted => {
                "not retried: the client's retry budget is exhausted (many recent failures)"
            }
            RetryStop::Queued => {
                "it was still waiting for the client's rate limiter or a free slot (max_concurrency): Telnyx's rate limit was used up, or too many calls were in flight"
            }
        })
    }
}

/// What the retry loop knew about a failed call, kept in its error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CallInfo {
    /// The official operationId.
    pub(crate) operation: &'static str,
    /// Whether the operation may be sent twice.
    pub(crate) idempotent: bool,
    /// Whether the failed attempt may have been processed anyway (a 5xx, a
    /// timeout or a connection lost after sending).
    pub(crate) ambiguous: bool,
    /// Whether sending it again is safe and may help (see `is_retryable`).
    pub(crate) retryable: bool,
    /// Why the loop stopped.
    pub(crate) stop: RetryStop,
    /// How the failed request authenticated.
    pub(crate) auth: Auth,
}

/// How a failed request authenticated: what its error advises, and whether
/// it was the OAuth2 token request rather than the call itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Auth {
    /// With the API key.
    ApiKey,
    /// With an OAuth2 access token (after a 401, the call was sent once
    /// more with a fresh one).
    AccessToken,
    /// It was the OAuth2 token request, made for the call of this operation.
    TokenRequest {
        /// The operationId of the call that needed the token.
        for_operation: &'static str,
    },
}

impl CallInfo {
    /// Who failed, for the start of a message: `Telnyx (ListManagedAccounts)`
    /// or `Telnyx's OAuth2 token endpoint (OAuthToken, for ListManagedAccounts)`.
    fn subject(&self) -> Subject<'_> {
        Subject(self)
    }
}

struct Subject<'a>(&'a CallInfo);

impl fmt::Display for Subject<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.auth {
            Auth::TokenRequest { for_operation } => write!(
                f,
                "Telnyx's OAuth2 token endpoint ({}, for {for_operation})",
                self.0.operation
            ),
            _ => write!(f, "Telnyx ({})", self.0.operation),
        }
    }
}

impl fmt::Display for CallInfo {
    /// What a person can act on, as `; ...` clauses (or nothing).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ambiguous && !self.idempotent {
            f.write_str("; it may have been processed: check before sending it again")?;
        }
        match self.stop {
            RetryStop::BudgetExhausted
            | RetryStop::ServerDelayTooLong
            | RetryStop::Deadline
            | RetryStop::Queued => {
                write!(f, "; {}", self.stop)
            }
            _ => Ok(()),
        }
    }
}

impl ApiError {
    /// The HTTP status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// What kind of error the status means.
    pub fn kind(&self) -> ApiErrorKind {
        ApiErrorKind::from_status(self.status)
    }

    /// The entries of Telnyx's `errors` array (empty when the body had none,
    /// as Telnyx's 401/403/404 for managed accounts may).
    pub fn errors(&self) -> &[TelnyxError] {
        &self.errors
    }

    /// The `x-request-id` response header.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// How long the server asked us to wait, from `retry-after-ms`,
    /// `Retry-After` (seconds or an HTTP date) or, on a 429 or when no
    /// requests remain in the window, `x-ratelimit-reset`. The full value,
    /// even when it was longer than the retry policy waits out.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// The rate-limit headers, if the response had any.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.rate_limit
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The response body (at most the first 64 KiB).
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// How many attempts were made before giving up (1 when not retried).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("errors", &self.errors)
            .field("request_id", &self.request_id)
            .field("retry_after", &self.retry_after)
            .field("rate_limit", &self.rate_limit)
            .field("body_len", &self.body.len())
            .field("attempts", &self.attempts)
            .finish()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reason = reqwest::StatusCode::from_u16(self.status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("");
        match self.call.auth {
            Auth::TokenRequest { for_operation } => write!(
                f,
                "could not get an OAuth2 access token for {for_operation}: the token endpoint ({}) answered {} {reason}",
                self.call.operation, self.status
            )?,
            _ => write!(f, "Telnyx API error {} {reason}", self.status)?,
        }
        match self.errors.first() {
            Some(e) => {
                let text: Vec<&str> = [e.title.as_deref(), e.detail.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect();
                if !text.is_empty() {
                    write!(f, ": {}", text.join(": "))?;
                }
                if let Some(code) = &e.code {
                    write!(f, " (code {code})")?;
                }
                if let Some(src) = &e.source {
                    // Telnyx points 404s at the document root, `/`: no help to anyone.
                    let at = src.parameter.as_deref().or(src.pointer.as_deref());
                    if let Some(p) = at.filter(|p| *p != "/" && !p.is_empty()) {
                        write!(f, " at `{p}`")?;
                    }
                }
                if self.errors.len() > 1 {
                    write!(f, " and {} more", self.errors.len() - 1)?;
                }
            }
            None => f.write_str(" (no error details in the body)")?,
        }
        match self.kind() {
            ApiErrorKind::Authentication => f.write_str(match self.call.auth {
                Auth::ApiKey => "; check the API key (TELNYX_API_KEY)",
                Auth::AccessToken => {
                    "; a freshly issued OAuth2 access token was refused too: check that the OAuth client is active and may use this API"
                }
                Auth::TokenRequest { .. } => {
                    "; check the OAuth client id and secret (TELNYX_CLIENT_ID, TELNYX_CLIENT_SECRET)"
                }
            })?,
            ApiErrorKind::PermissionDenied => {
                f.write_str("; the key's account may not be approved as a manager account")?
            }
            ApiErrorKind::RateLimited => match self.retry_after {
                Some(d) => write!(f, "; retry after {:.1} s", d.as_secs_f64())?,
                None => f.write_str("; slow down and retry later")?,
            },
            _ => {}
        }
        if self.attempts > 1 {
            write!(f, "; gave up after {} attempts", self.attempts)?;
        }
        write!(f, "{}", self.call)?;
        if let Some(id) = &self.request_id {
            write!(f, " [request id {id}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// A call ran out of time: one attempt's timeout, or the deadline of the
/// whole call.
#[derive(Debug)]
#[non_exhaustive]
pub struct TimeoutError {
    /// The bound that ran out: the per-attempt timeout, or what was left of
    /// the call's deadline when that was shorter.
    pub timeout: Duration,
    /// True when the call's deadline ran out (across attempts and waits),
    /// false when one attempt's timeout did.
    pub deadline: bool,
    /// How many attempts were made.
    pub attempts: u32,
    pub(crate) call: CallInfo,
}

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let subject = self.call.subject();
        // No attempt and not queued in the limiter: it waited for another
        // task's token request.
        let waited_for_token = self.attempts == 0
            && self.call.stop != RetryStop::Queued
            && matches!(self.call.auth, Auth::TokenRequest { .. });
        // Spent before the next attempt could be sent.
        let unsent = self.call.stop == RetryStop::Deadline && !self.call.ambiguous;
        if self.deadline && waited_for_token {
            write!(
                f,
                "call to {subject} ran past its deadline while another task's token request was under way; raise it with `.deadline(..)`",
            )?;
        } else if self.deadline && unsent {
            write!(
                f,
                "call to {subject} ran past its deadline before it was sent ({} attempt(s) before); it was not sent this time, so sending it again is safe; raise it with `.deadline(..)`",
                self.attempts
            )?;
        } else if self.deadline {
            write!(
                f,
                "call to {subject} ran past its deadline ({} attempt(s)); raise it with `.deadline(..)`",
                self.attempts
            )?;
        } else {
            write!(
                f,
                "request to {subject} timed out after {:?} (per attempt; {} attempt(s)); raise it with `.timeout(..)` or check connectivity",
                self.timeout, self.attempts
            )?;
        }
        write!(f, "{}", self.call)
    }
}

impl std::error::Error for TimeoutError {}

/// A call not sent because of a 429's hold it could not wait out: see
/// [`Error::Held`].
#[derive(Debug)]
#[non_exhaustive]
pub struct HeldError {
    pub(crate) retry_after: Duration,
    /// The attempts this call made before (0 when it was its first).
    pub(crate) attempts: u32,
    pub(crate) call: CallInfo,
}

impl HeldError {
    /// How long until the hold ends (the server's wait, less what has
    /// passed since): when sending again may succeed.
    pub fn retry_after(&self) -> Duration {
        self.retry_after
    }
}

impl fmt::Display for HeldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let why = match self.call.stop {
            RetryStop::Deadline => "after its deadline",
            _ => "later than the retry policy's max_server_delay",
        };
        write!(
            f,
            "call to {} was not sent: Telnyx answered 429 and asked to wait, and the client holds every call for another {:.1} s, {why}; retry after that ({} attempt(s) before)",
            self.call.subject(),
            self.retry_after.as_secs_f64(),
            self.attempts,
        )
    }
}

impl std::error::Error for HeldError {}

/// The network failed.
#[derive(Debug)]
#[non_exhaustive]
pub struct ConnectionError {
    /// What failed, from the HTTP stack.
    pub message: String,
    /// True when the connection failed (or timed out) before any of the
    /// request was sent, so the server cannot have acted on it.
    pub before_send: bool,
    /// How many attempts were made.
    pub attempts: u32,
    pub(crate) call: CallInfo,
    pub(crate) source: Option<reqwest::Error>,
}

impl fmt::Display for ConnectionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "could not reach {}", self.call.subject())?;
        if self.before_send {
            f.write_str(" (connection failed before the request was sent)")?;
        }
        write!(f, ": {} ({} attempt(s))", self.message, self.attempts)?;
        write!(f, "{}", self.call)
    }
}

impl std::error::Error for ConnectionError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// The request was refused before anything was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid request: `{parameter}` {reason}")]
#[non_exhaustive]
pub struct InvalidRequestError {
    /// The parameter at fault, as named in this crate (`page_size`, `id`, ...).
    pub parameter: String,
    /// What is wrong with it.
    pub reason: String,
}

/// A 2xx response whose body does not fit the model.
#[derive(Debug, Clone, thiserror::Error)]
#[error("could not decode Telnyx's {status} response: {message}; body starts: {snippet}{}", .request_id.as_ref().map(|id| format!(" [request id {id}]")).unwrap_or_default())]
#[non_exhaustive]
pub struct DecodeError {
    /// The HTTP status of the response.
    pub status: u16,
    /// What did not fit, from the JSON decoder.
    pub message: String,
    /// The start of the body, with secrets masked.
    pub snippet: String,
    /// The `x-request-id` response header.
    pub request_id: Option<String>,
    /// Boxed: a decode error is rare, and `Error` stays small.
    pub(crate) headers: Box<HeaderMap>,
}

impl DecodeError {
    /// The response headers (empty for a body decoded after the call, such
    /// as the CSV rows).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }
}

/// The client could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("telnyx-accounts configuration: {message}")]
#[non_exhaustive]
pub struct ConfigError {
    /// What is wrong and how to fix it.
    pub message: String,
}

/// The result of every operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Parses Telnyx's `{"errors": [...]}` body, as leniently as it can: any
/// shape that is not that yields an empty list.
pub(crate) fn parse_error_body(body: &[u8]) -> Vec<TelnyxError> {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return Vec::new();
    };
    let Some(items) = value.get("errors").and_then(|e| e.as_array()) else {
        return Vec::new();
    };
    items.iter().filter_map(parse_error_item).collect()
}

fn parse_error_item(item: &serde_json::Value) -> Option<TelnyxError> {
    let obj = item.as_object()?;
    let text = |k: &str| -> Option<String> {
        match obj.get(k)? {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    let source = obj
        .get("source")
        .and_then(|s| s.as_object())
        .map(|s| ErrorSource {
            pointer: s.get("pointer").and_then(|v| v.as_str()).map(str::to_owned),
            parameter: s
                .get("parameter")
                .and_then(|v| v.as_str())
                .map(str::to_owned),
        });
    Some(TelnyxError {
        code: text("code"),
        title: text("title"),
        detail: text("detail"),
        source,
        meta: obj.get("meta").filter(|m| !m.is_null()).cloned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_body_is_parsed_leniently() {
        let body = br#"{"errors":[{"code":10009,"title":"Authentication failed","source":{"parameter":"page[size]"},"meta":{"url":"u"},"extra":1},"junk",{"code":"10005"}]}"#;
        let errs = parse_error_body(body);
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[0].code.as_deref(), Some("10009"));
        assert_eq!(
            errs[0].source.as_ref().and_then(|s| s.parameter.as_deref()),
            Some("page[size]")
        );
        assert_eq!(errs[1].code.as_deref(), Some("10005"));
        // `meta` is kept when it says something, dropped when null.
        assert_eq!(errs[0].meta, Some(serde_json::json!({"url": "u"})));
        assert_eq!(errs[1].meta, None, "absent");
        let null = parse_error_body(br#"{"errors":[{"code":"1","meta":null}]}"#);
        assert_eq!(null[0].meta, None, "null is no meta");
        assert!(parse_error_body(b"<html>502</html>").is_empty());
        assert!(parse_error_body(b"{\"errors\":{}}").is_empty());
    }

    /// A retrieve's error: `status`, with `body` as Telnyx's error body.
    fn api_error(status: u16, body: &[u8], retry_after: Option<Duration>) -> ApiError {
        ApiError {
            status,
            errors: parse_error_body(body),
            request_id: Some("req-1".into()),
            retry_after,
            rate_limit: None,
            headers: HeaderMap::new(),
            body: Bytes::new(),
            attempts: 1,
            call: CallInfo {
                operation: "RetrieveManagedAccount",
                idempotent: true,
                ambiguous: false,
                retryable: false,
                stop: RetryStop::NotRetryable,
                auth: Auth::ApiKey,
            },
        }
    }

    #[test]
    fn each_status_has_its_kind() {
        for (status, kind) in [
            (400, ApiErrorKind::BadRequest),
            (401, ApiErrorKind::Authentication),
            (403, ApiErrorKind::PermissionDenied),
            (404, ApiErrorKind::NotFound),
            (409, ApiErrorKind::Conflict),
            (422, ApiErrorKind::UnprocessableEntity),
            (429, ApiErrorKind::RateLimited),
            (500, ApiErrorKind::Server),
            (503, ApiErrorKind::Server),
            (418, ApiErrorKind::Other),
            (302, ApiErrorKind::Other),
        ] {
            assert_eq!(ApiErrorKind::from_status(status), kind, "{status}");
        }
    }

    #[test]
    fn a_rate_limit_says_when_to_retry() {
        let body = br#"{"errors":[{"code":"10011","title":"Too many requests"}]}"#;
        let e = api_error(429, body, Some(Duration::from_millis(2500)));
        assert_eq!(
            e.to_string(),
            "Telnyx API error 429 Too Many Requests: Too many requests (code 10011); retry after 2.5 s [request id req-1]"
        );
        let e = api_error(429, body, None);
        assert!(e.to_string().contains("; slow down and retry later"), "{e}");
    }

    #[test]
    fn display_is_a_sentence_with_the_first_error_and_request_id() {
        let e = api_error(
            404,
            br#"{"errors":[{"code":"10005","title":"Resource not found","detail":"The requested resource or URL could not be found.","source":{"pointer":"/"}}]}"#,
            None,
        );
        assert_eq!(
            e.to_string(),
            "Telnyx API error 404 Not Found: Resource not found: The requested resource or URL could not be found. (code 10005) [request id req-1]"
        );
        assert_eq!(e.kind(), ApiErrorKind::NotFound);
        // What `.unwrap()` prints: the status, the error, the request id and
        // the attempts, with the body's size rather than the body.
        let debug = format!("{e:?}");
        for part in [
            "ApiError { status: 404, errors: [",
            "code: Some(\"10005\")",
            "request_id: Some(\"req-1\")",
            "body_len: 0, attempts: 1 }",
        ] {
            assert!(debug.contains(part), "{part} not in {debug}");
        }
    }

    #[test]
    fn error_is_send_sync_static() {
        fn check<T: Send + Sync + 'static>() {}
        check::<Error>();
    }
}
