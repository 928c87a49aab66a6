//! OAuth2 client credentials, as Telnyx's official SDKs use them: the token
//! request's wire format, and the token cache shared by a client's clones.
//!
//! # The exchange
//!
//! `POST {token_url}` (default `{base_url}/oauth/token`) with the body
//! `grant_type=client_credentials`, `Content-Type:
//! application/x-www-form-urlencoded` and `Authorization: Basic
//! base64(id:secret)`: byte for byte what the official Python SDK sends
//! (`tests/fixtures/oauth/` holds its recorded request). The answer is
//! `{"access_token", "token_type", "expires_in"}`; without `expires_in` the
//! token is taken to live 3600 s, as the official SDKs do. The token request
//! goes through the same pipeline as every call (retry policy, the calling
//! request's deadline, hooks, tracing), as operation [`TOKEN_OPERATION`].
//!
//! # The cache, refresh-ahead, single flight and the epoch
//!
//! A token is sent until `expires_in` runs out (by the client's clock,
//! counted from when its answer arrived). Reading it is one uncontended
//! read lock. Every completed token request bumps the cache's *epoch*, and
//! each token remembers the epoch it was stored at.
//!
//! **Refresh-ahead.** From [`REFRESH_MARGIN`] (10 s) before expiry, the
//! token is *due*: while it is still valid, every call keeps sending it,
//! and the one call that finds the refresh lock free (a `try_lock`, never a
//! wait) refreshes it, so only that call waits for the token request.
//! Calls that find the lock taken send the current token at once. A
//! refresh that fails while the current token is still valid fails no
//! call: it is logged (`tracing` warning), the refreshing call sends the
//! current token, and the next call inside the margin tries again. A token
//! that lives 10 s or less is due at once: each call refreshes it in turn
//! while it lasts. Calls fail for want of a token only once no valid token
//! is left (none yet, expired, or refused by a 401); a call never goes out
//! without credentials. A token sent in its last moments that arrives
//! expired gets a 401, which the refresh after a 401 (below) answers with
//! one new token and one more attempt.
//!
//! A task that finds no valid token notes the epoch it saw, then waits for
//! the refresh lock (at most until its call's deadline). Holding it, it
//! looks again: if the epoch moved, another task's token request completed
//! meanwhile, and it takes that token, or that request's error, instead of
//! asking again. Only if nothing happened does it send a token request. So
//! 100 tasks that need a token at once make one token request, and all 100
//! get its token, or its error.
//!
//! After a 401 from the API, a task asks for a token *other than* the one
//! it sent (`refused`, by epoch). If a neighbour already replaced that
//! token, it takes the new one without a request: a task never discards a
//! token its neighbour just fetched (the weakness of the official Go SDK's
//! refresh), and 100 tasks refused with the same expired token make one
//! token request. The transport retries a call at most once after a 401, so
//! a token that keeps being refused costs one more token request and one
//! more attempt, then the 401 is returned.
//!
//! A token request that fails is not cached: the tasks waiting on it get
//! its error, and the next call tries again. A task whose own deadline ran
//! out while it held the lock, or that was cancelled, leaves the epoch as
//! it was, so the next waiter sends its own request.

use std::future::Future;
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

use base64::Engine as _;
use reqwest::header::HeaderValue;
use reqwest::Method;

use crate::error::{
    ApiError, Auth, CallInfo, ConnectionError, Error, Result, RetryStop, TimeoutError,
};
use crate::retry::Idempotency;
use crate::runtime::operation::Operation;
use crate::secret::SecretString;

/// The operation id of the OAuth2 token request, in errors
/// ([`Error::operation`]), hooks ([`AttemptInfo::operation`]) and the
/// `telnyx.request` tracing span.
///
/// Telnyx's spec gives the token endpoint no operationId this crate could
/// use; this is the client's own name for it.
///
/// [`AttemptInfo::operation`]: crate::hooks::AttemptInfo::operation
pub const TOKEN_OPERATION: &str = "OAuthToken";

/// A token is refreshed this long before its `expires_in` runs out, as the
/// official SDKs do; calls keep sending it meanwhile, until it expires
/// (see the refresh-ahead rule in this module's docs).
pub(crate) const REFRESH_MARGIN: Duration = Duration::from_secs(10);

/// A token's lifetime when the token response has no `expires_in`, as the
/// official SDKs assume.
pub(crate) const DEFAULT_EXPIRES_IN: Duration = Duration::from_secs(3600);

/// The longest lifetime believed: a larger `expires_in` is capped to it.
const MAX_EXPIRES_IN: Duration = Duration::from_secs(366 * 24 * 3600);

/// The token request's body, as the official SDKs send it.
pub(crate) const TOKEN_REQUEST_BODY: &[u8] = b"grant_type=client_credentials";

/// The token request's content type.
pub(crate) const TOKEN_REQUEST_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// The token request, for the transport. Its `path` is what hooks and
/// tracing show (the actual URL is the client's token URL).
pub(crate) static TOKEN_OP: Operation = Operation {
    id: TOKEN_OPERATION,
    method: Method::POST,
    path: "/oauth/token",
    // Asking for another token is harmless: every failure may be retried.
    idempotency: Idempotency::Idempotent,
};

/// OAuth2 client credentials and the token cache of one client (all its
/// clones).
pub(crate) struct TokenSource {
    client_id: String,
    secret: SecretString,
    /// `Basic base64(id:secret)`, built once, marked sensitive.
    basic: HeaderValue,
    token_url: reqwest::Url,
    state: RwLock<State>,
    /// Held by the one task whose token request is under way.
    refresh: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct State {
    /// How many token requests completed (successes, and failures that
    /// waiting tasks share).
    epoch: u64,
    token: Option<Token>,
    /// The error of the token request that completed at `.0`; current only
    /// while `.0 == epoch`.
    failure: Option<(u64, Error)>,
}

struct Token {
    /// `Bearer <token>`, marked sensitive.
    header: HeaderValue,
    value: SecretString,
    /// The epoch it was stored at.
    epoch: u64,
    /// [`REFRESH_MARGIN`] before it expires: due for refresh-ahead.
    refresh_at: Instant,
    /// When it expires: sent until then.
    expires_at: Instant,
}

/// What the cache holds for a call: see [`TokenSource::cached`].
pub(crate) enum Cached {
    /// A valid token, not yet due for refresh.
    Fresh(Lease),
    /// A valid token inside the refresh margin, and the epoch seen: send
    /// it, after trying [`TokenSource::refresh_ahead`].
    Due(Lease, u64),
    /// No valid token (none, expired, or the one a 401 refused), and the
    /// epoch seen, for [`TokenSource::refresh`].
    Missing(u64),
}

/// A token to send: its header, and its epoch (to say which one a 401
/// refused). `Debug` shows the header as `Sensitive`.
#[derive(Debug)]
pub(crate) struct Lease {
    pub(crate) header: HeaderValue,
    pub(crate) epoch: u64,
}

/// A token endpoint's successful answer, parsed.
pub(crate) struct Fetched {
    header: HeaderValue,
    value: SecretString,
    expires_in: Duration,
}

impl Fetched {
    /// How long the token endpoint said the token lives.
    pub(crate) fn expires_in(&self) -> Duration {
        self.expires_in
    }
}

impl TokenSource {
    /// Checked credentials: an id and a secret, neither empty, the id
    /// without `:` (Basic authentication cannot carry one).
    pub(crate) fn new(
        client_id: &str,
        secret: SecretString,
        token_url: reqwest::Url,
    ) -> Result<Self> {
        let id = client_id.trim();
        let secret = SecretString::from(secret.expose_secret().trim());
        if id.is_empty() {
            return Err(Error::config(
                "the OAuth client id is empty: pass it to `.client_credentials(..)` or set TELNYX_CLIENT_ID",
            ));
        }
        if id.contains(':') {
            return Err(Error::config(
                "the OAuth client id contains `:`, which Basic authentication cannot carry",
            ));
        }
        if secret.is_empty() {
            return Err(Error::config(
                "the OAuth client secret is empty: pass it to `.client_credentials(..)` or set TELNYX_CLIENT_SECRET",
            ));
        }
        let basic = basic_header(id, secret.expose_secret())?;
        Ok(Self {
            client_id: id.to_owned(),
            secret,
            basic,
            token_url,
            state: RwLock::new(State::default()),
            refresh: tokio::sync::Mutex::new(()),
        })
    }

    pub(crate) fn client_id(&self) -> &str {
        &self.client_id
    }

    pub(crate) fn token_url(&self) -> &reqwest::Url {
        &self.token_url
    }

    /// The token request's `Authorization`.
    pub(crate) fn basic(&self) -> HeaderValue {
        self.basic.clone()
    }

    /// What must never be shown: the secret, the Basic credentials, the
    /// cached token.
    pub(crate) fn secrets(&self) -> Vec<String> {
        let mut out = vec![self.secret.expose_secret().to_owned()];
        if let Ok(basic) = self.basic.to_str() {
            out.push(basic.trim_start_matches("Basic ").to_owned());
        }
        if let Some(t) = &self.read().token {
            out.push(t.value.expose_secret().to_owned());
        }
        out
    }

    /// The fast path: the cached token, fresh or due, unless it expired or
    /// is the one a 401 `refused`; otherwise the epoch seen, for
    /// [`refresh`](Self::refresh).
    pub(crate) fn cached(&self, refused: Option<u64>) -> Cached {
        let state = self.read();
        let now = Instant::now();
        match state.token.as_ref().filter(|t| t.usable(refused, now)) {
            Some(t) if now < t.refresh_at => Cached::Fresh(t.lease()),
            Some(t) => Cached::Due(t.lease(), state.epoch),
            None => Cached::Missing(state.epoch),
        }
    }

    /// Refresh-ahead of `current`, a valid token that is due, after
    /// [`cached`](Self::cached) saw epoch `seen`: only if no other task is
    /// refreshing (never waits for the lock), and only if no token request
    /// completed since. A failure is logged, not returned, while `current`
    /// is still valid: the caller sends `current`, and a later call tries
    /// again.
    pub(crate) async fn refresh_ahead<F, Fut>(
        &self,
        current: Lease,
        seen: u64,
        for_operation: &'static str,
        fetch: F,
    ) -> Result<Lease>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Fetched>>,
    {
        let Ok(_guard) = self.refresh.try_lock() else {
            return Ok(current); // another task is refreshing
        };
        {
            let state = self.read();
            if state.epoch != seen {
                // A token request completed since: take its token if it is
                // valid, or keep the current one; either way, no new request.
                let newer = state.token.as_ref().filter(|t| t.epoch == state.epoch);
                return Ok(newer.map_or(current, Token::lease));
            }
        }
        match self.store(fetch().await, None, for_operation) {
            Ok(lease) => Ok(lease),
            Err(e) => {
                let still_valid = self
                    .read()
                    .token
                    .as_ref()
                    .is_some_and(|t| t.epoch == current.epoch && Instant::now() < t.expires_at);
                if !still_valid {
                    return Err(e);
                }
                tracing::warn!(
                    error = %e,
                    "refreshing the OAuth2 access token ahead of expiry failed; \
                     the current token is sent, and a later call tries again"
                );
                Ok(current)
            }
        }
    }

    /// The slow path, after [`cached`](Self::cached) returned `seen`: a
    /// token from the request another task completed meanwhile, or from a
    /// request of this task's own (`fetch`), made only if none completed.
    /// Waits for the refresh lock at most `wait` (what is left of the
    /// call's deadline).
    pub(crate) async fn refresh<F, Fut>(
        &self,
        seen: u64,
        refused: Option<u64>,
        for_operation: &'static str,
        wait: Duration,
        fetch: F,
    ) -> Result<Lease>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Fetched>>,
    {
        let Ok(_guard) = tokio::time::timeout(wait, self.refresh.lock()).await else {
            return Err(lock_timeout(wait, for_operation));
        };
        {
            let state = self.read();
            if state.epoch != seen {
                // Another task's token request completed while this one waited.
                if let Some(t) = state.token.as_ref().filter(|t| t.epoch == state.epoch) {
                    return Ok(t.lease());
                }
                if let Some((epoch, e)) = &state.failure
                    && *epoch == state.epoch
                    && let Some(copy) = copy_for(e, for_operation)
                {
                    return Err(copy);
                }
            } else if let Some(t) = &state.token {
                // Nothing completed, but the token may do after all (the
                // fast path raced with the request that stored it).
                if t.usable(refused, Instant::now()) {
                    return Ok(t.lease());
                }
            }
        }
        self.store(fetch().await, refused, for_operation)
    }

    /// Stores what a token request of this task's own gave: a new token, or
    /// an error the waiting tasks share (one of the task's own deadline is
    /// not shared). Called with the refresh lock held.
    fn store(
        &self,
        fetched: Result<Fetched>,
        refused: Option<u64>,
        for_operation: &'static str,
    ) -> Result<Lease> {
        let mut state = self.write();
        match fetched {
            Ok(f) => {
                state.epoch = state.epoch.wrapping_add(1);
                let now = Instant::now();
                let at = |d: Duration| now.checked_add(d).unwrap_or(now);
                let token = Token {
                    header: f.header,
                    value: f.value,
                    epoch: state.epoch,
                    refresh_at: at(f.expires_in.saturating_sub(REFRESH_MARGIN)),
                    expires_at: at(f.expires_in),
                };
                let lease = token.lease();
                state.token = Some(token);
                state.failure = None;
                Ok(lease)
            }
            Err(e) => {
                // The waiting tasks share this answer rather than asking
                // again; an error of this task's own is not shared.
                if let Some(shared) = copy_for(&e, for_operation) {
                    state.epoch = state.epoch.wrapping_add(1);
                    if refused.is_some() && state.token.as_ref().map(|t| t.epoch) == refused {
                        // The API refused it: no one should send it again.
                        state.token = None;
                    }
                    state.failure = Some((state.epoch, shared));
                }
                Err(e)
            }
        }
    }

    fn read(&self) -> RwLockReadGuard<'_, State> {
        self.state
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.state
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Token {
    /// Valid at `now`, and not the token a 401 `refused`.
    fn usable(&self, refused: Option<u64>, now: Instant) -> bool {
        Some(self.epoch) != refused && now < self.expires_at
    }

    fn lease(&self) -> Lease {
        Lease {
            header: crate::secret::private_copy(&self.header),
            epoch: self.epoch,
        }
    }
}

/// `Basic base64(id:secret)`, marked sensitive.
fn basic_header(id: &str, secret: &str) -> Result<HeaderValue> {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
    let mut header = HeaderValue::from_str(&format!("Basic {encoded}"))
        .map_err(|_| Error::config("the OAuth client credentials cannot be sent in a header"))?;
    header.set_sensitive(true);
    Ok(header)
}

/// Parses the token endpoint's 2xx body: `access_token` (required, a
/// string), `expires_in` (seconds, a number or a numeric string; default
/// 3600). `token_type` is not checked, as the official SDKs do not: the
/// token is always sent as `Bearer`. The error says what did not fit, never
/// the token.
pub(crate) fn parse_token_response(body: &[u8]) -> std::result::Result<Fetched, String> {
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| format!("the token endpoint's answer is not JSON ({e})"))?;
    let token = value
        .get("access_token")
        .and_then(|t| t.as_str())
        .filter(|t| !t.trim().is_empty())
        .ok_or("the token endpoint's answer has no `access_token` string")?;
    let mut header = HeaderValue::from_str(&format!("Bearer {token}"))
        .map_err(|_| "the token endpoint's access token cannot be sent in a header".to_owned())?;
    header.set_sensitive(true);
    let expires_in = match value.get("expires_in") {
        None | Some(serde_json::Value::Null) => DEFAULT_EXPIRES_IN,
        Some(v) => seconds(v)
            .ok_or("the token endpoint's `expires_in` is not a number of seconds".to_owned())?,
    };
    Ok(Fetched {
        header,
        value: SecretString::from(token),
        expires_in: expires_in.min(MAX_EXPIRES_IN),
    })
}

/// A token response that did not parse, with every occurrence of its
/// `access_token` value (if it has one) masked, wherever else the body
/// repeats it, for the decode error's snippet.
pub(crate) fn mask_access_token(body: &[u8]) -> Vec<u8> {
    let token = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("access_token")?.as_str().map(str::to_owned))
        .filter(|t| t.len() >= 4);
    match token {
        Some(t) => String::from_utf8_lossy(body)
            .replace(&t, crate::secret::REDACTED)
            .into_bytes(),
        None => body.to_vec(),
    }
}

/// A number of seconds: an integer, a decimal or a numeric string; negative
/// is zero (already expired).
fn seconds(v: &serde_json::Value) -> Option<Duration> {
    if let Some(n) = v.as_u64() {
        return Some(Duration::from_secs(n.min(MAX_EXPIRES_IN.as_secs())));
    }
    let x = match v {
        serde_json::Value::Number(n) => n.as_f64()?,
        serde_json::Value::String(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    if !x.is_finite() {
        return None;
    }
    Some(
        Duration::try_from_secs_f64(x.clamp(0.0, MAX_EXPIRES_IN.as_secs_f64()))
            .unwrap_or(MAX_EXPIRES_IN),
    )
}

/// The call's deadline ran out while another task's token request was
/// under way: nothing was sent, so sending the call again is safe.
fn lock_timeout(waited: Duration, for_operation: &'static str) -> Error {
    Error::Timeout(TimeoutError {
        timeout: waited,
        deadline: true,
        attempts: 0,
        call: CallInfo {
            operation: TOKEN_OPERATION,
            idempotent: true,
            ambiguous: false,
            retryable: true,
            stop: RetryStop::Deadline,
            auth: Auth::TokenRequest { for_operation },
        },
    })
}

/// A copy of a token request's error for another task that waited on it,
/// naming that task's operation; `None` for an error that was the
/// requesting task's own (its deadline, not the token endpoint's answer).
fn copy_for(e: &Error, for_operation: &'static str) -> Option<Error> {
    let retarget = |c: CallInfo| CallInfo {
        auth: Auth::TokenRequest { for_operation },
        ..c
    };
    match e {
        Error::Api(a) => Some(Error::Api(Box::new(ApiError {
            status: a.status,
            errors: a.errors.clone(),
            request_id: a.request_id.clone(),
            retry_after: a.retry_after,
            rate_limit: a.rate_limit,
            headers: a.headers.clone(),
            body: a.body.clone(),
            attempts: a.attempts,
            call: retarget(a.call),
        }))),
        Error::Connection(c) => Some(Error::Connection(ConnectionError {
            message: c.message.clone(),
            before_send: c.before_send,
            attempts: c.attempts,
            call: retarget(c.call),
            source: None,
        })),
        Error::Timeout(t) if !t.deadline => Some(Error::Timeout(TimeoutError {
            timeout: t.timeout,
            deadline: false,
            attempts: t.attempts,
            call: retarget(t.call),
        })),
        Error::Decode(d) => Some(Error::Decode(d.clone())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use super::*;

    const OP: &str = "ListManagedAccounts";

    fn source() -> TokenSource {
        TokenSource::new(
            "fixture-client-id",
            SecretString::from("fixture-client-secret"),
            reqwest::Url::parse("http://127.0.0.1:1/v2/oauth/token").unwrap(),
        )
        .unwrap()
    }

    fn fetched(token: &str, expires_in: u64) -> Fetched {
        parse_token_response(
            format!(
                r#"{{"access_token":"{token}","token_type":"bearer","expires_in":{expires_in}}}"#
            )
            .as_bytes(),
        )
        .unwrap()
    }

    fn api_error(status: u16) -> Error {
        Error::Api(Box::new(ApiError {
            status,
            errors: crate::error::parse_error_body(
                br#"{"errors":[{"code":"10009","title":"Authentication failed"}]}"#,
            ),
            request_id: Some("req-token".into()),
            retry_after: None,
            rate_limit: None,
            headers: reqwest::header::HeaderMap::new(),
            body: bytes::Bytes::from_static(b"{}"),
            attempts: 1,
            call: CallInfo {
                operation: TOKEN_OPERATION,
                idempotent: true,
                ambiguous: false,
                retryable: false,
                stop: RetryStop::NotRetryable,
                auth: Auth::TokenRequest {
                    for_operation: "RetrieveManagedAccount",
                },
            },
        }))
    }

    fn header(lease: &Lease) -> &str {
        lease.header.to_str().unwrap()
    }

    #[test]
    fn the_basic_header_is_the_official_sdks() {
        // tests/fixtures/oauth/python-sdk-token-request.http, recorded from
        // the Python SDK with these fixture credentials.
        let s = source();
        assert_eq!(
            s.basic().to_str().unwrap(),
            "Basic Zml4dHVyZS1jbGllbnQtaWQ6Zml4dHVyZS1jbGllbnQtc2VjcmV0"
        );
        assert!(s.basic().is_sensitive());
        assert_eq!(TOKEN_REQUEST_BODY, b"grant_type=client_credentials");
    }

    #[test]
    fn credentials_are_checked() {
        let url = || reqwest::Url::parse("https://api.telnyx.com/v2/oauth/token").unwrap();
        let err = |id: &str, secret: &str| match TokenSource::new(id, secret.into(), url()) {
            Err(Error::Config(e)) => e.message,
            Err(e) => panic!("{e:?}"),
            Ok(_) => panic!("accepted {id:?}"),
        };
        assert!(err("", "secret").contains("client id is empty"));
        assert!(err("  ", "secret").contains("TELNYX_CLIENT_ID"));
        assert!(err("id", " ").contains("client secret is empty"));
        assert!(err("a:b", "secret").contains("`:`"));
        let s = TokenSource::new(" id ", " secret\n".into(), url()).unwrap();
        assert_eq!(s.client_id(), "id");
        assert_eq!(s.basic(), basic_header("id", "secret").unwrap());
    }

    #[test]
    fn token_responses_are_parsed_leniently_and_never_echo_the_token() {
        let f = fetched("tok-1", 600);
        assert_eq!(f.expires_in(), Duration::from_secs(600));
        assert_eq!(f.header.to_str().unwrap(), "Bearer tok-1");
        assert!(f.header.is_sensitive());
        let expires = |body: &str| parse_token_response(body.as_bytes()).map(|f| f.expires_in);
        assert_eq!(expires(r#"{"access_token":"t"}"#), Ok(DEFAULT_EXPIRES_IN));
        assert_eq!(
            expires(r#"{"access_token":"t","expires_in":null}"#),
            Ok(DEFAULT_EXPIRES_IN)
        );
        assert_eq!(
            expires(r#"{"access_token":"t","expires_in":"90"}"#),
            Ok(Duration::from_secs(90))
        );
        assert_eq!(
            expires(r#"{"access_token":"t","expires_in":1.5}"#),
            Ok(Duration::from_millis(1500))
        );
        assert_eq!(
            expires(r#"{"access_token":"t","expires_in":-5}"#),
            Ok(Duration::ZERO)
        );
        assert_eq!(
            expires(r#"{"access_token":"t","expires_in":1e300}"#),
            Ok(MAX_EXPIRES_IN)
        );
        assert_eq!(
            expires(r#"{"access_token":"t","expires_in":18446744073709551615}"#),
            Ok(MAX_EXPIRES_IN)
        );
        for (body, says) in [
            ("", "not JSON"),
            ("<html>", "not JSON"),
            (r#"{"token":"SECRET-TOKEN-1"}"#, "no `access_token`"),
            (r#"{"access_token":""}"#, "no `access_token`"),
            (r#"{"access_token":42}"#, "no `access_token`"),
            (r#"{"access_token":"SECRET\nTOKEN"}"#, "cannot be sent"),
            (
                r#"{"access_token":"SECRET-TOKEN-2","expires_in":"soon"}"#,
                "expires_in",
            ),
        ] {
            let message = expires(body).unwrap_err();
            assert!(message.contains(says), "{body}: {message}");
            assert!(!message.contains("SECRET"), "{message}");
        }
    }

    #[tokio::test]
    async fn a_token_is_fresh_until_the_margin_before_it_expires() {
        let s = source();
        let Err(seen) = fresh(&s, None) else {
            panic!("a new source has no token")
        };
        let lease = s
            .refresh(seen, None, OP, Duration::from_secs(5), || async {
                Ok(fetched("tok-1", 3600))
            })
            .await
            .unwrap();
        assert_eq!(header(&lease), "Bearer tok-1");
        let again = fresh(&s, None).expect("cached");
        assert_eq!((header(&again), again.epoch), ("Bearer tok-1", lease.epoch));
        assert!(s.secrets().contains(&"tok-1".to_owned()));

        // expires_in at or under the margin: due at once, so never fresh
        // (sent while valid, refreshed ahead by the next call).
        let Err(seen) = fresh(&s, Some(lease.epoch)) else {
            panic!("a refused token is not handed out")
        };
        let short = s
            .refresh(
                seen,
                Some(lease.epoch),
                OP,
                Duration::from_secs(5),
                || async { Ok(fetched("tok-2", 10)) },
            )
            .await
            .unwrap();
        assert_eq!(header(&short), "Bearer tok-2");
        assert!(matches!(s.cached(None), Cached::Due(..)));
    }

    /// `cached` as fresh or not: a fresh token, or the epoch seen.
    fn fresh(s: &TokenSource, refused: Option<u64>) -> std::result::Result<Lease, u64> {
        match s.cached(refused) {
            Cached::Fresh(lease) => Ok(lease),
            Cached::Due(_, seen) | Cached::Missing(seen) => Err(seen),
        }
    }

    /// A source holding one token that lives `expires_in` (a JSON number of
    /// seconds), and its lease.
    async fn holding(expires_in: &str) -> (TokenSource, Lease) {
        let s = source();
        let body = format!(r#"{{"access_token":"old","expires_in":{expires_in}}}"#);
        let lease = s
            .refresh(0, None, OP, Duration::from_secs(5), || async {
                Ok(parse_token_response(body.as_bytes()).unwrap())
            })
            .await
            .unwrap();
        (s, lease)
    }

    /// Refresh-ahead: a due token that is still valid is sent whatever the
    /// refresh does: a failed refresh is retried by the next call, a
    /// refresh under way holds no one; once it expires, calls wait for a
    /// token and get the token endpoint's error.
    #[tokio::test]
    async fn a_due_token_is_sent_while_valid_and_a_failed_refresh_is_retried() {
        let (s, old) = holding("5").await;
        let Cached::Due(lease, seen) = s.cached(None) else {
            panic!("a token living 5 s is due at once")
        };
        assert_eq!(header(&lease), "Bearer old");
        let fetches = AtomicUsize::new(0);
        for _ in 0..2 {
            let Cached::Due(lease, seen) = s.cached(None) else {
                panic!("still due")
            };
            let sent = s
                .refresh_ahead(lease, seen, OP, || async {
                    fetches.fetch_add(1, Ordering::SeqCst);
                    Err(api_error(503))
                })
                .await
                .expect("a failed refresh-ahead fails no call");
            assert_eq!((header(&sent), sent.epoch), ("Bearer old", old.epoch));
        }
        assert_eq!(fetches.load(Ordering::SeqCst), 2, "each later call retried");

        // A refresh under way: the others send the current token at once.
        let guard = s.refresh.try_lock().unwrap();
        let Cached::Due(lease, seen2) = s.cached(None) else {
            panic!("still due")
        };
        let sent = s
            .refresh_ahead(lease, seen2, OP, || async {
                panic!("a second refresh while one is under way")
            })
            .await
            .unwrap();
        assert_eq!(header(&sent), "Bearer old");
        drop(guard);

        // A stale `seen`: a token request completed since, so none is sent.
        let sent = s
            .refresh_ahead(old, seen, OP, || async {
                panic!("a refresh after another completed")
            })
            .await
            .unwrap();
        assert_eq!(header(&sent), "Bearer old");

        // A successful refresh replaces it.
        let Cached::Due(lease, seen) = s.cached(None) else {
            panic!("still due")
        };
        let new = s
            .refresh_ahead(lease, seen, OP, || async { Ok(fetched("new", 3600)) })
            .await
            .unwrap();
        assert_eq!(header(&new), "Bearer new");
        assert!(matches!(s.cached(None), Cached::Fresh(l) if header(&l) == "Bearer new"));
    }

    #[tokio::test]
    async fn once_no_valid_token_is_left_calls_wait_and_get_the_error() {
        let (s, _) = holding("0.05").await;
        wait_until(|| matches!(s.cached(None), Cached::Missing(_))).await;
        let Cached::Missing(seen) = s.cached(None) else {
            panic!("an expired token is not sent")
        };
        let r = s
            .refresh(seen, None, OP, Duration::from_secs(5), || async {
                Err(api_error(503))
            })
            .await;
        assert!(matches!(r, Err(Error::Api(_))));

        // Expired while its refresh-ahead was under way: the error is the
        // call's, no expired token is sent.
        let (s, lease) = holding("1").await;
        let Cached::Due(_, seen) = s.cached(None) else {
            panic!("due at once")
        };
        let r = s
            .refresh_ahead(lease, seen, OP, || async {
                wait_until(|| matches!(s.cached(None), Cached::Missing(_))).await;
                Err(api_error(503))
            })
            .await;
        assert!(matches!(r, Err(Error::Api(_))), "an expired token was sent");
    }

    /// 100 tasks that find no token at once: the first fetches, holding the
    /// fetch until all 100 have missed the cache, and the other 99 take its
    /// token.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn one_fetch_serves_a_hundred_tasks() {
        let s = Arc::new(source());
        let fetches = Arc::new(AtomicUsize::new(0));
        let missed = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..100)
            .map(|_| {
                let (s, fetches, missed) = (s.clone(), fetches.clone(), missed.clone());
                tokio::spawn(async move {
                    let seen = match fresh(&s, None) {
                        Ok(lease) => return Ok(lease),
                        Err(seen) => seen,
                    };
                    missed.fetch_add(1, Ordering::SeqCst);
                    s.refresh(seen, None, OP, Duration::from_secs(10), || async {
                        fetches.fetch_add(1, Ordering::SeqCst);
                        wait_until(|| missed.load(Ordering::SeqCst) == 100).await;
                        Ok(fetched("tok-1", 3600))
                    })
                    .await
                })
            })
            .collect();
        for t in tasks {
            let lease = t.await.unwrap().unwrap();
            assert_eq!(header(&lease), "Bearer tok-1");
        }
        assert_eq!(
            missed.load(Ordering::SeqCst),
            100,
            "every task missed the cache"
        );
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
    }

    /// 100 tasks refused with the same token: one fetch; a neighbour's new
    /// token is never thrown away.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_hundred_refusals_of_one_token_make_one_fetch() {
        let s = Arc::new(source());
        let first = s
            .refresh(0, None, OP, Duration::from_secs(5), || async {
                Ok(fetched("old", 3600))
            })
            .await
            .unwrap();
        let fetches = Arc::new(AtomicUsize::new(0));
        let missed = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..100)
            .map(|_| {
                let (s, fetches, missed) = (s.clone(), fetches.clone(), missed.clone());
                let refused = Some(first.epoch);
                tokio::spawn(async move {
                    let seen = match fresh(&s, refused) {
                        Ok(lease) => return Ok(lease),
                        Err(seen) => seen,
                    };
                    missed.fetch_add(1, Ordering::SeqCst);
                    s.refresh(seen, refused, OP, Duration::from_secs(10), || async {
                        fetches.fetch_add(1, Ordering::SeqCst);
                        wait_until(|| missed.load(Ordering::SeqCst) == 100).await;
                        Ok(fetched("new", 3600))
                    })
                    .await
                })
            })
            .collect();
        for t in tasks {
            assert_eq!(header(&t.await.unwrap().unwrap()), "Bearer new");
        }
        assert_eq!(fetches.load(Ordering::SeqCst), 1);

        // Late: refused the old token after the new one is in the cache.
        let late = fresh(&s, Some(first.epoch)).expect("the new token");
        assert_eq!(header(&late), "Bearer new");
    }

    /// The token endpoint's error reaches every waiting task, once fetched;
    /// the next call asks again.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_failed_fetch_is_shared_with_the_waiting_tasks_and_not_cached() {
        let s = Arc::new(source());
        let fetches = Arc::new(AtomicUsize::new(0));
        let missed = Arc::new(AtomicUsize::new(0));
        let ops = ["RetrieveManagedAccount", "ListOrganizationUsers"];
        let tasks: Vec<_> = (0..100)
            .map(|i| {
                let (s, fetches, missed) = (s.clone(), fetches.clone(), missed.clone());
                let op = ops[i % 2];
                tokio::spawn(async move {
                    let Err(seen) = fresh(&s, None) else {
                        panic!("no token was ever fetched")
                    };
                    missed.fetch_add(1, Ordering::SeqCst);
                    let r = s
                        .refresh(seen, None, op, Duration::from_secs(10), || async {
                            fetches.fetch_add(1, Ordering::SeqCst);
                            wait_until(|| missed.load(Ordering::SeqCst) == 100).await;
                            Err(api_error(401))
                        })
                        .await;
                    (op, r)
                })
            })
            .collect();
        for t in tasks {
            let (op, r) = t.await.unwrap();
            let e = match r {
                Err(e) => e,
                Ok(_) => panic!("expected the token error"),
            };
            assert!(e.is_token_error(), "{e:?}");
            assert_eq!(e.operation(), Some(TOKEN_OPERATION));
            assert_eq!(e.status(), Some(401));
            assert_eq!(e.request_id(), Some("req-token"));
            let text = e.to_string();
            assert!(
                text.starts_with(&format!(
                    "could not get an OAuth2 access token for {op}: the token endpoint (OAuthToken) answered 401"
                )),
                "{text}"
            );
        }
        assert_eq!(fetches.load(Ordering::SeqCst), 1);

        // Not cached: the next call asks again.
        let Err(seen) = fresh(&s, None) else {
            panic!("no token")
        };
        let lease = s
            .refresh(seen, None, OP, Duration::from_secs(5), || async {
                Ok(fetched("tok", 60))
            })
            .await
            .unwrap();
        assert_eq!(header(&lease), "Bearer tok");
    }

    #[tokio::test]
    async fn a_fetch_cut_short_by_its_own_deadline_or_cancelled_is_not_shared() {
        let s = source();
        // The fetching task's own deadline: not the token endpoint's answer.
        let own = s
            .refresh(0, None, OP, Duration::from_secs(5), || async {
                Err(lock_timeout(Duration::from_millis(1), OP))
            })
            .await;
        assert!(matches!(own, Err(Error::Timeout(_))));
        // A task that saw epoch 0 asks again.
        let lease = s
            .refresh(0, None, OP, Duration::from_secs(5), || async {
                Ok(fetched("tok", 60))
            })
            .await
            .unwrap();
        assert_eq!(header(&lease), "Bearer tok");

        // A fetch dropped half-way leaves the lock and the cache as they were.
        let s = source();
        let never = s.refresh(0, None, OP, Duration::from_secs(5), || {
            std::future::pending::<Result<Fetched>>()
        });
        assert!(tokio::time::timeout(Duration::from_millis(20), never)
            .await
            .is_err());
        let lease = s
            .refresh(0, None, OP, Duration::from_secs(5), || async {
                Ok(fetched("tok-after", 60))
            })
            .await
            .unwrap();
        assert_eq!(header(&lease), "Bearer tok-after");
    }

    #[tokio::test]
    async fn waiting_for_another_tasks_fetch_is_bounded_by_the_deadline() {
        let s = Arc::new(source());
        let holder = {
            let s = s.clone();
            tokio::spawn(async move {
                s.refresh(0, None, OP, Duration::from_secs(5), || {
                    std::future::pending::<Result<Fetched>>()
                })
                .await
            })
        };
        // Let the holder take the lock.
        wait_until(|| s.refresh.try_lock().is_err()).await;
        let started = Instant::now();
        let r = s
            .refresh(
                0,
                None,
                "CreateManagedAccount",
                Duration::from_millis(50),
                || async { Ok(fetched("unused", 60)) },
            )
            .await;
        assert!(started.elapsed() < Duration::from_secs(5));
        match r {
            Err(e @ Error::Timeout(_)) => {
                assert!(e.is_token_error() && e.is_retryable());
                assert_eq!(e.retry_stop(), Some(RetryStop::Deadline));
                let text = e.to_string();
                assert!(
                    text.contains("OAuthToken, for CreateManagedAccount")
                        && text.contains("another task's token request"),
                    "{text}"
                );
            }
            other => panic!("expected a deadline timeout, got {:?}", other.map(|_| ())),
        }
        holder.abort();
    }

    /// Polls `done` every millisecond, for at most 10 s.
    async fn wait_until(done: impl Fn() -> bool) {
        let until = Instant::now() + Duration::from_secs(10);
        while !done() && Instant::now() < until {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
}
