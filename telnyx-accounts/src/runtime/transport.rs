//! The one path every call takes: build the request, run the hooks, send
//! it under its timeout and the call's deadline, retry as [`crate::retry`]
//! says, and turn the outcome into a [`Response`] or an [`Error`].
//!
//! A call is an operation (its official operationId, method, path template
//! and whether it may be sent twice), a path, query pairs, and an optional
//! JSON body serialized once. For each attempt the [`Transport`]:
//!
//! 1. takes a slot and a pass from the limiter ([`crate::limiter`]), which
//!    fails the call at once with [`Error::Held`] when a 429's hold ends
//!    after its deadline or lasts longer than its policy's
//!    `max_server_delay`;
//! 2. stops with [`Error::Timeout`] if the call's deadline has passed: the
//!    request was not sent, so the error is retryable (checked *before*
//!    sending, never by a zero timeout that would look like a request lost
//!    in flight);
//! 3. builds the request: the client's headers (`User-Agent`, default
//!    headers), then the call's own (`Accept`, `Content-Type`, per-request
//!    headers), then the hooks' changes, then `Authorization`, so that no
//!    hook sees or replaces the credentials;
//! 4. sends it and reads the body, within the attempt's timeout or what is
//!    left of the deadline, whichever is shorter. Bodies are read chunk by
//!    chunk with a bound: an error body keeps its first 64 KiB; a success
//!    body longer than
//!    [`ClientBuilder::max_response_body_size`](crate::ClientBuilder::max_response_body_size)
//!    (default 64 MiB) fails the call with [`Error::Decode`] naming the
//!    limit, and the rest is never read;
//! 5. calls the hooks with the outcome and the retry decision;
//! 6. on a 2xx, decodes the body (a body that does not fit is
//!    [`Error::Decode`], with the status, headers and request id); otherwise
//!    waits and retries, or returns the error, which records why it stopped.
//!
//! With OAuth2 client credentials, each attempt first takes the cached
//! access token or gets one (see [`crate::oauth`]): the token request goes through
//! this same loop, in its own `telnyx.request` span, under the call's
//! deadline. A 401 from the API is retried once with a new token.
//!
//! One `telnyx.request` tracing span covers the call, with the fields
//! `operation`, `method`, `path` (the template: ids may identify people),
//! `attempt`, `status`, `request_id` and `elapsed_ms`; never the key, never
//! query values.
//!
//! The requests are built here rather than by the generated builders of
//! `telnyx-accounts-gen`, whose `send()` does not let a retry loop see the
//! response headers of a body that fails to decode, nor a hook change an
//! attempt's headers. The generated *types* are the request bodies and
//! response envelopes, and `tests/tests/generated_smoke.rs` checks that
//! both send the same bytes.

use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use serde::Serialize;
use tracing::Instrument;

use crate::error::{
    ApiError, Auth, CallInfo, ConnectionError, DecodeError, Error, HeldError, RateLimit, Result,
    RetryStop, TimeoutError,
};
use crate::hooks::{AttemptError, AttemptInfo, AttemptOutcome, AttemptRequest};
use crate::retry::{self, Budget, Idempotency, Outcome, RetryPolicy};
use crate::runtime::auth::Credentials;
use crate::runtime::config::Config;
use crate::runtime::extras::Extras;
use crate::runtime::limiter::{saturating_at, Limiter, Refused};
use crate::runtime::oauth::{self, Cached, Fetched, TokenSource};
use crate::runtime::operation::{is_plain, Operation};
use crate::runtime::response::{request_id, Response, ResponseMeta};
use crate::runtime::timer;
use crate::secret::private_copy;

/// The `telnyx.request` span of a call (or of the token request made for
/// `for_operation`); the attempt loop records the empty fields.
fn request_span(
    operation: &'static str,
    method: &'static str,
    path: &'static str,
    for_operation: Option<&'static str>,
) -> tracing::Span {
    tracing::info_span!(
        "telnyx.request",
        operation,
        method,
        path,
        for_operation,
        attempt = tracing::field::Empty,
        status = tracing::field::Empty,
        request_id = tracing::field::Empty,
        elapsed_ms = tracing::field::Empty,
    )
}

/// How much of an error body is kept.
pub(crate) const ERROR_BODY_LIMIT: usize = 64 * 1024;
/// How much of a body a decode error shows.
const SNIPPET_LEN: usize = 200;

/// One call of an operation: what goes on the wire, besides the headers.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    op: &'static Operation,
    /// The path template, or (with an id) the path built from it.
    path: Cow<'static, str>,
    query: Vec<(Cow<'static, str>, String)>,
    body: Option<Bytes>,
    /// The body's media type: JSON, or the token request's form encoding.
    content_type: &'static str,
    accept: &'static str,
    /// An absolute URL in place of the base URL and `path` (the token
    /// request).
    url: Option<reqwest::Url>,
}

impl Call {
    /// A call of `op` with its path template as the path (no `{id}`).
    pub(crate) fn new(op: &'static Operation) -> Self {
        Self {
            op,
            path: Cow::Borrowed(op.path),
            query: Vec::new(),
            body: None,
            content_type: "application/json",
            accept: "application/json",
            url: None,
        }
    }

    /// The OAuth2 token request, exactly as the official SDKs send it.
    fn token(url: reqwest::Url) -> Self {
        Self {
            body: Some(Bytes::from_static(oauth::TOKEN_REQUEST_BODY)),
            content_type: oauth::TOKEN_REQUEST_CONTENT_TYPE,
            url: Some(url),
            ..Self::new(&oauth::TOKEN_OP)
        }
    }

    /// Puts `id` (checked by the caller: `Id::checked`), percent-encoded,
    /// in place of `{id}`.
    pub(crate) fn id(mut self, id: &str) -> Self {
        // A UUID (letters, digits, `-`) is the same percent-encoded: no
        // second copy of it.
        let encoded = if is_plain(id) {
            Cow::Borrowed(id)
        } else {
            Cow::Owned(progenitor_client::encode_path(id))
        };
        // One allocation: the template's text around `{id}`, and the id.
        let template = self.op.path;
        let parts = template
            .split_once('{')
            .and_then(|(before, rest)| Some((before, rest.strip_prefix("id}")?)));
        self.path = Cow::Owned(match parts {
            Some((before, after)) => {
                let mut path = String::with_capacity(template.len() + encoded.len());
                path.push_str(before);
                path.push_str(&encoded);
                path.push_str(after);
                path
            }
            None => template.to_owned(),
        });
        self
    }

    /// Adds a query pair when the value is set.
    pub(crate) fn query(mut self, name: &'static str, value: Option<impl ToString>) -> Self {
        if let Some(v) = value {
            self.query.push((Cow::Borrowed(name), v.to_string()));
        }
        self
    }

    /// The JSON body (the generated request type, so unset fields stay off
    /// the wire), serialized once for every attempt.
    pub(crate) fn json(mut self, body: &impl Serialize) -> Result<Self> {
        self.body = Some(json_bytes(body)?);
        Ok(self)
    }

    /// Asks for another representation (`text/csv`) than JSON.
    pub(crate) fn accept(mut self, media_type: &'static str) -> Self {
        self.accept = media_type;
        self
    }

    /// Adds the builder's `extra_query` pairs and `extra_body` fields, each
    /// replacing what the typed setters put under the same name. Without
    /// extras the call is untouched: the body is re-read only when there
    /// are body fields to add.
    fn add_extras(&mut self, extras: &Extras) -> Result<()> {
        if !extras.query.is_empty() {
            self.query
                .retain(|(k, _)| !extras.query.iter().any(|(name, _)| name == k));
            self.query.extend(
                extras
                    .query
                    .iter()
                    .map(|(k, v)| (Cow::Owned(k.clone()), v.clone())),
            );
        }
        if !extras.body.is_empty() {
            let mut fields = match &self.body {
                Some(bytes) => {
                    serde_json::from_slice::<serde_json::Map<_, _>>(bytes).map_err(|e| {
                        Error::invalid("extra_body", format!("needs a JSON object body: {e}"))
                    })?
                }
                None => serde_json::Map::new(),
            };
            fields.extend(extras.body.iter().map(|(k, v)| (k.clone(), v.clone())));
            self.body = Some(json_bytes(&fields)?);
        }
        Ok(())
    }
}

/// `body` as JSON.
fn json_bytes(body: &impl Serialize) -> Result<Bytes> {
    serde_json::to_vec(body)
        .map(Bytes::from)
        .map_err(|e| Error::invalid("body", format!("cannot be serialized: {e}")))
}

/// Per-request overrides of the client's settings: one pointer, and no
/// allocation, until a builder sets one. Every request builder holds one,
/// and a call's future holds its builder (twice: an `async fn` keeps its
/// argument and its moved copy), so the common call with no override
/// stays small (`benches/calls.rs sizes`).
#[derive(Debug, Clone, Default)]
pub(crate) struct RequestOptions(Option<Box<Overrides>>);

/// What a builder's per-request methods set.
#[derive(Debug, Clone, Default)]
pub(crate) struct Overrides {
    pub(crate) timeout: Option<Duration>,
    pub(crate) deadline: Option<Duration>,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) max_retries: Option<u32>,
    pub(crate) headers: HeaderMap,
    /// A header that could not be parsed; reported when the request is sent.
    pub(crate) header_error: Option<String>,
    /// `extra_query` and `extra_body`.
    pub(crate) extras: Extras,
}

impl RequestOptions {
    /// The overrides, to set one.
    pub(crate) fn set(&mut self) -> &mut Overrides {
        self.0.get_or_insert_with(Box::default)
    }

    /// The overrides, if any was set.
    fn get(&self) -> Option<&Overrides> {
        self.0.as_deref()
    }

    pub(crate) fn header<K, V>(&mut self, name: K, value: V)
    where
        K: TryInto<HeaderName>,
        V: TryInto<HeaderValue>,
    {
        match (name.try_into(), value.try_into()) {
            (Ok(n), Ok(v)) => {
                self.set().headers.insert(n, v);
            }
            _ => self.set().header_error = Some("is not a valid header name or value".to_owned()),
        }
    }
}

/// The client's shared half: HTTP client, base URL, credentials, retry
/// policy and budget, hooks. Every clone of a `Client`, every resource and
/// every request builder holds it through one `Arc`.
pub(crate) struct Transport {
    config: Config,
    budget: Budget,
    /// The bound on requests in flight and the rate limiter, shared by
    /// every clone ([`crate::limiter`]).
    limiter: Limiter,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.config;
        f.debug_struct("Transport")
            .field("base_url", &c.base_url)
            .field("credentials", &c.credentials.kind())
            .field("timeout", &c.timeout)
            .field("deadline", &c.deadline)
            .field("retry", &c.retry)
            .field("hooks", &c.hooks.len())
            .field("max_concurrency", &c.max_concurrency)
            .field("pacing", &c.pacing)
            .finish_non_exhaustive()
    }
}

/// Why an attempt failed.
enum Failure {
    /// The attempt's time ran out; `deadline` when it was the call's.
    Timeout {
        deadline: bool,
    },
    Connection(reqwest::Error),
    Status {
        status: u16,
        headers: HeaderMap,
        body: Bytes,
    },
}

impl Failure {
    fn outcome(&self) -> Outcome<'_> {
        match self {
            Failure::Timeout { .. } => Outcome::Timeout,
            Failure::Connection(e) => Outcome::Connection {
                before_send: e.is_connect(),
            },
            Failure::Status {
                status, headers, ..
            } => Outcome::Status {
                status: *status,
                headers,
            },
        }
    }

    fn hook_error(&self) -> AttemptError {
        match self {
            Failure::Timeout { .. } => AttemptError::Timeout,
            Failure::Connection(e) => AttemptError::Connection {
                before_send: e.is_connect(),
            },
            Failure::Status { status, .. } => {
                AttemptError::Api(crate::ApiErrorKind::from_status(*status))
            }
        }
    }

    /// Whether the server may have acted on the attempt anyway.
    fn ambiguous(&self) -> bool {
        match self {
            Failure::Timeout { .. } => true,
            Failure::Connection(e) => !e.is_connect(),
            Failure::Status { status, .. } => *status >= 500,
        }
    }
}

/// A 2xx response, read whole (or up to the body limit).
struct Success {
    status: u16,
    headers: HeaderMap,
    body: Bytes,
    /// Longer than the client's `max_response_body_size`: `body` is only
    /// its start, and the call fails.
    too_large: bool,
}

impl Transport {
    pub(crate) fn new(config: Config) -> Self {
        Self {
            budget: Budget::new(config.retry_budget),
            limiter: Limiter::new(config.max_concurrency, config.pacing),
            config,
        }
    }

    pub(crate) fn base_url(&self) -> &str {
        &self.config.base_url
    }

    pub(crate) fn timeout(&self) -> Duration {
        self.config.timeout
    }

    pub(crate) fn deadline(&self) -> Duration {
        self.config.deadline
    }

    pub(crate) fn retry_policy(&self) -> RetryPolicy {
        self.config.retry
    }

    pub(crate) fn max_concurrency(&self) -> usize {
        self.config.max_concurrency
    }

    pub(crate) fn pacing(&self) -> bool {
        self.config.pacing
    }

    pub(crate) fn credentials_kind(&self) -> &'static str {
        self.config.credentials.kind()
    }

    /// The OAuth2 token source, with client credentials.
    pub(crate) fn token_source(&self) -> Option<&TokenSource> {
        self.config.credentials.token_source()
    }

    /// Sends `call` as the rules say and decodes a 2xx body with `decode`
    /// (which says what did not fit, if anything).
    ///
    /// An `async` block, not an `async fn`: an `async fn`'s future keeps each
    /// argument twice (as given, and moved into its body), and a `Call` is
    /// 200 bytes (`benches/calls.rs sizes`).
    #[expect(
        clippy::manual_async_fn,
        reason = "an async fn would store the Call twice"
    )]
    pub(crate) fn send<'a, T>(
        &'a self,
        mut call: Call,
        opts: &'a RequestOptions,
        decode: impl FnOnce(&[u8]) -> std::result::Result<T, String> + 'a,
    ) -> impl Future<Output = Result<Response<T>>> + 'a {
        async move {
            let c = &self.config;
            let (mut timeout, mut deadline, mut policy) = (c.timeout, c.deadline, c.retry);
            if let Some(o) = opts.get() {
                if let Some(reason) = &o.header_error {
                    return Err(Error::invalid("header", reason.clone()));
                }
                timeout = o.timeout.unwrap_or(timeout);
                if timeout.is_zero() {
                    return Err(Error::invalid("timeout", "must be greater than zero"));
                }
                deadline = o.deadline.unwrap_or(deadline);
                if deadline.is_zero() {
                    return Err(Error::invalid("deadline", "must be greater than zero"));
                }
                policy = o.retry.unwrap_or(policy);
                if let Some(n) = o.max_retries {
                    policy = policy.max_retries(n);
                }
                // In place: a second `Call` would stay in the call's future.
                call.add_extras(&o.extras)?;
            }
            let op = call.op;
            let span = request_span(op.id, op.method.as_str(), op.path, None);
            let attempts = Attempts {
                transport: self,
                call: &call,
                opts,
                timeout,
                policy,
                started: Instant::now(),
                deadline,
                token_for: None,
                span: span.clone(),
            };
            let done = attempts.run().instrument(span).await?;
            let (status, headers, body) = self.within_cap(done.success, |b| Cow::Borrowed(b))?;
            let meta = ResponseMeta {
                status,
                rate_limit: done.rate_limit,
                headers,
                attempts: done.attempts,
                elapsed: done.elapsed,
            };
            match decode(&body) {
                Ok(value) => Ok(Response::new(value, meta)),
                Err(message) => Err(self.decode_error(status, meta.headers, &body, &message)),
            }
        }
    }

    /// A success's status, headers and body; or, for a body longer than
    /// `max_response_body_size`, the error that names the limit, its snippet
    /// taken from what was read as `shown` gives it (the token call masks
    /// the token).
    fn within_cap(
        &self,
        success: Success,
        shown: impl FnOnce(&[u8]) -> Cow<'_, [u8]>,
    ) -> Result<(u16, HeaderMap, Bytes)> {
        let Success {
            status,
            headers,
            body,
            too_large,
        } = success;
        if !too_large {
            return Ok((status, headers, body));
        }
        let limit = self.config.max_response_body_size;
        let message = format!(
            "the response body is longer than the client's limit of {limit} bytes \
             (ClientBuilder::max_response_body_size); the rest was not read"
        );
        Err(self.decode_error(status, headers, &shown(&body), &message))
    }

    /// A decode error with a short, secret-free snippet of the body.
    fn decode_error(&self, status: u16, headers: HeaderMap, body: &[u8], message: &str) -> Error {
        let credentials = &self.config.credentials;
        let text = String::from_utf8_lossy(body);
        let scrubbed = credentials.scrub(&text);
        let mut snippet: String = scrubbed.chars().take(SNIPPET_LEN).collect();
        if scrubbed.chars().count() > SNIPPET_LEN {
            snippet.push('…');
        }
        if snippet.is_empty() {
            snippet = "(empty body)".to_owned();
        }
        Error::Decode(DecodeError {
            status,
            message: credentials.scrub(message),
            snippet,
            request_id: request_id(&headers).map(str::to_owned),
            headers: Box::new(headers),
        })
    }

    /// The URL of a call: the base URL with the call's path and query.
    fn url(&self, call: &Call) -> reqwest::Url {
        if let Some(url) = &call.url {
            return url.clone();
        }
        let c = &self.config;
        let mut url = c.base.clone();
        url.set_path(&[c.base_path.as_str(), &call.path].concat());
        if !call.query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(call.query.iter().map(|(k, v)| (k.as_ref(), v.as_str())));
        }
        url
    }

    /// The request of one attempt, hooks applied, then `authorization`.
    fn request(
        &self,
        call: &Call,
        url: reqwest::Url,
        opts: &RequestOptions,
        info: AttemptInfo,
        authorization: HeaderValue,
    ) -> reqwest::Request {
        let c = &self.config;
        let mut request = reqwest::Request::new(call.op.method.clone(), url);
        let headers = request.headers_mut();
        // Room for what this adds and what reqwest and hyper add (`Host`,
        // `Content-Length`): a clone of the client's headers would have room
        // for those alone and grow on the next insert.
        headers.reserve(c.headers.len() + 5);
        for (name, value) in &c.headers {
            headers.append(name.clone(), value.clone());
        }
        headers.insert(ACCEPT, HeaderValue::from_static(call.accept));
        if let Some(body) = &call.body {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(call.content_type));
            *request.body_mut() = Some(body.clone().into());
        }
        let headers = request.headers_mut();
        if let Some(o) = opts.get() {
            for (name, value) in &o.headers {
                headers.insert(name.clone(), value.clone());
            }
        }
        if !c.hooks.is_empty() {
            headers.insert(AUTHORIZATION, Credentials::redacted());
            let mut view = AttemptRequest { info, headers };
            for hook in &c.hooks {
                hook.before_attempt(&mut view);
            }
        }
        request.headers_mut().insert(AUTHORIZATION, authorization);
        request
    }

    /// The `Authorization` of the next attempt of `a`'s call, and, with
    /// OAuth2, the epoch of the token it carries. The API key's header is
    /// a private copy of one built at startup; a cached token costs one
    /// read lock;
    /// only getting a new token awaits (boxed, off the common path).
    /// `refused`: the epoch of a token the API answered 401 to.
    async fn authorization(
        &self,
        a: &Attempts<'_>,
        refused: Option<u64>,
    ) -> Result<(HeaderValue, Option<u64>)> {
        let source = match &self.config.credentials {
            Credentials::ApiKey { header, .. } => return Ok((private_copy(header), None)),
            Credentials::ClientCredentials(source) => source,
        };
        if a.token_for.is_some() {
            return Ok((source.basic(), None));
        }
        let op = a.call.op.id;
        let lease = match source.cached(refused) {
            Cached::Fresh(lease) => lease,
            Cached::Due(lease, seen) => {
                Box::pin(source.refresh_ahead(lease, seen, op, || self.fetch_token(source, a)))
                    .await?
            }
            Cached::Missing(seen) => {
                let left = a.deadline.saturating_sub(a.started.elapsed());
                Box::pin(source.refresh(seen, refused, op, left, || self.fetch_token(source, a)))
                    .await?
            }
        };
        Ok((lease.header, Some(lease.epoch)))
    }

    /// Sends the token request for `parent`'s call through the same loop
    /// (its retry policy, timeout and deadline; the hooks), in a span of
    /// its own, and parses the answer. Boxed: the loop is inside it.
    fn fetch_token<'a>(
        &'a self,
        source: &'a TokenSource,
        parent: &'a Attempts<'a>,
    ) -> futures::future::BoxFuture<'a, Result<Fetched>> {
        Box::pin(async move {
            let call = Call::token(source.token_url().clone());
            let opts = RequestOptions::default();
            let span = request_span(
                oauth::TOKEN_OPERATION,
                "POST",
                oauth::TOKEN_OP.path,
                Some(parent.call.op.id),
            );
            let attempts = Attempts {
                transport: self,
                call: &call,
                opts: &opts,
                timeout: parent.timeout,
                policy: parent.policy,
                started: parent.started,
                deadline: parent.deadline,
                token_for: Some(parent.call.op.id),
                span: span.clone(),
            };
            let done = attempts.run().instrument(span).await?;
            let (status, headers, body) =
                self.within_cap(done.success, |b| Cow::Owned(oauth::mask_access_token(b)))?;
            match oauth::parse_token_response(&body) {
                Ok(fetched) => {
                    tracing::debug!(
                        expires_in_s = fetched.expires_in().as_secs(),
                        "got an OAuth2 access token"
                    );
                    Ok(fetched)
                }
                Err(message) => Err(self.decode_error(
                    status,
                    headers,
                    &oauth::mask_access_token(&body),
                    &format!(
                        "{message} ({}, for {})",
                        oauth::TOKEN_OPERATION,
                        parent.call.op.id
                    ),
                )),
            }
        })
    }

    /// Sends one attempt and reads the body: a success's whole, up to the
    /// client's `max_response_body_size` (past it, only that much, marked
    /// `too_large`), an error's up to [`ERROR_BODY_LIMIT`].
    ///
    /// Takes the request already handed to reqwest (`sent`, a small boxed
    /// future) rather than the request itself, and reads the body through
    /// a borrow: an argument stays in an async fn's future for its whole
    /// life, and each call's future is that much larger (`benches/calls.rs
    /// sizes`).
    async fn attempt(
        &self,
        sent: impl Future<Output = reqwest::Result<reqwest::Response>>,
    ) -> std::result::Result<Success, Failure> {
        let mut response = sent.await.map_err(Failure::Connection)?;
        let status = response.status().as_u16();
        let headers = std::mem::take(response.headers_mut());
        if response.status().is_success() {
            let limit = self.config.max_response_body_size;
            let announced = response.content_length();
            let (body, end) = if announced.is_some_and(|n| n > limit as u64) {
                // Announced too long: not worth reading.
                (Bytes::new(), BodyEnd::OverLimit)
            } else {
                read_bounded(&mut response, limit).await
            };
            match end {
                BodyEnd::Complete | BodyEnd::OverLimit => Ok(Success {
                    status,
                    headers,
                    body,
                    too_large: matches!(end, BodyEnd::OverLimit),
                }),
                BodyEnd::Broken(e) => Err(Failure::Connection(e)),
            }
        } else {
            // An error body is informative, not essential: what arrived.
            let (body, _) = read_bounded(&mut response, ERROR_BODY_LIMIT).await;
            Err(Failure::Status {
                status,
                headers,
                body,
            })
        }
    }

    fn has_hooks(&self) -> bool {
        !self.config.hooks.is_empty()
    }

    fn after_hooks(&self, outcome: AttemptOutcome<'_>) {
        for hook in &self.config.hooks {
            hook.after_attempt(&outcome);
        }
    }
}

/// The 2xx response a call ended with, and the attempts and time it took.
struct Done {
    success: Success,
    rate_limit: Option<RateLimit>,
    attempts: u32,
    elapsed: Duration,
}

/// The retry loop of one call.
struct Attempts<'a> {
    transport: &'a Transport,
    call: &'a Call,
    opts: &'a RequestOptions,
    timeout: Duration,
    policy: RetryPolicy,
    started: Instant,
    deadline: Duration,
    /// When this is the OAuth2 token request: the operation that needs it.
    token_for: Option<&'static str>,
    /// The call's `telnyx.request` span (disabled when nothing listens).
    span: tracing::Span,
}

impl Attempts<'_> {
    /// How this loop's requests authenticate, for its errors.
    fn auth(&self) -> Auth {
        match (self.token_for, &self.transport.config.credentials) {
            (Some(for_operation), _) => Auth::TokenRequest { for_operation },
            (None, Credentials::ApiKey { .. }) => Auth::ApiKey,
            (None, Credentials::ClientCredentials(_)) => Auth::AccessToken,
        }
    }

    async fn run(&self) -> Result<Done> {
        let t = self.transport;
        let op = self.call.op;
        let idempotency = op.idempotency;
        let mut spent = 0;
        let mut attempt: u32 = 0;
        // OAuth2: the epoch of the token a 401 refused (at most one).
        let mut refused = None;
        loop {
            attempt += 1;
            // The credentials first, then the limiter: a token request takes
            // a slot of its own, which it could never get if this call
            // already held one (`max_concurrency(1)`). A token that expires
            // while the call waits for a slot costs one 401 and a refresh.
            let (authorization, token_epoch) = t.authorization(self, refused).await?;
            self.span.record("attempt", attempt);
            // Seam 1: a slot and a pass from the limiter, within the deadline.
            let max_hold = self.policy.server_delay_cap();
            let permit = match t.limiter.acquire(self.deadline_at(), max_hold).await {
                Ok(permit) => permit,
                Err(Refused::Queued { waited }) => {
                    return Err(self.queued_past_deadline(attempt - 1, waited))
                }
                Err(Refused::Held { wait, waited }) => {
                    return Err(self.held(attempt - 1, wait, waited))
                }
            };
            if !permit.rate_limit_wait.is_zero() {
                tracing::debug!(
                    attempt,
                    wait_ms = permit.rate_limit_wait.as_millis() as u64,
                    "waited for the rate limiter"
                );
            }
            // One clock read for the deadline check, the attempt's timer and
            // its elapsed time.
            let sent = Instant::now();
            let left = self
                .deadline
                .saturating_sub(sent.saturating_duration_since(self.started));
            if left.is_zero() {
                // Spent before sending (a slow token request, a long queue):
                // nothing left, so nothing was sent.
                return Err(self.past_deadline_unsent(attempt - 1));
            }
            let info = AttemptInfo {
                operation: op.id,
                method: op.method.as_str(),
                path: op.path,
                attempt,
                concurrency_wait: permit.concurrency_wait,
                rate_limit_wait: permit.rate_limit_wait,
            };
            // Built here, not before the loop: nothing held across the waits
            // above makes the call's future larger.
            let request = t.request(self.call, t.url(self.call), self.opts, info, authorization);
            let expires = saturating_at(sent, self.timeout.min(left));
            // The attempt's future lives in this block only: one that timed
            // out is dropped (its connection closed) before any retry wait.
            let within = {
                let attempt = std::pin::pin!(t.attempt(t.config.http.execute(request)));
                timer::within(expires, attempt).await
            };
            let result = match within {
                Some(r) => r,
                None => Err(Failure::Timeout {
                    deadline: left < self.timeout,
                }),
            };
            let failure = match result {
                Ok(success) => {
                    // Seam 2: the limiter learns from every response.
                    let rate_limit = retry::rate_limit(&success.headers);
                    let now = Instant::now();
                    permit.answered(success.status, rate_limit.as_ref(), None, now);
                    record_response(
                        &self.span,
                        success.status,
                        &success.headers,
                        self.started,
                        now,
                    );
                    if t.has_hooks() {
                        t.after_hooks(AttemptOutcome {
                            info,
                            status: Some(success.status),
                            headers: Some(&success.headers),
                            elapsed: now.saturating_duration_since(sent),
                            error: None,
                            retry_in: None,
                        });
                    }
                    t.budget.refill(spent);
                    return Ok(Done {
                        success,
                        rate_limit,
                        attempts: attempt,
                        elapsed: now.saturating_duration_since(self.started),
                    });
                }
                Err(f) => f,
            };
            if let Failure::Status {
                status, headers, ..
            } = &failure
            {
                // Seam 3: a 429 (or any status) tells the limiter too; a 429
                // holds every task of the client for its wait.
                let delay = (*status == 429)
                    .then(|| retry::server_delay(*status, headers))
                    .flatten();
                let now = Instant::now();
                permit.answered(*status, retry::rate_limit(headers).as_ref(), delay, now);
                record_response(&self.span, *status, headers, self.started, now);
                // OAuth2: a 401 to a token (expired early, or revoked) proves
                // nothing was processed: get a new token and send the call
                // once more, whatever the operation and the retry policy
                // (but within the deadline).
                let in_time = self.started.elapsed() < self.deadline;
                if let (401, Some(epoch), None, true) = (*status, token_epoch, refused, in_time) {
                    refused = Some(epoch);
                    t.after_hooks(AttemptOutcome {
                        info,
                        status: Some(*status),
                        headers: Some(headers),
                        elapsed: sent.elapsed(),
                        error: Some(failure.hook_error()),
                        retry_in: Some(Duration::ZERO),
                    });
                    tracing::debug!(
                        attempt,
                        "access token refused (401): retrying once with a new one"
                    );
                    continue;
                }
            } else {
                drop(permit);
            }
            let outcome = failure.outcome();
            let retryable = retry::is_retryable(outcome, idempotency);
            // The retry after a 401 is not one of the policy's.
            let retry_number = attempt - u32::from(refused.is_some());
            let decision = self.decide(&failure, retryable, retry_number, &mut spent);
            let (status, headers) = match &failure {
                Failure::Status {
                    status, headers, ..
                } => (Some(*status), Some(headers)),
                _ => (None, None),
            };
            t.after_hooks(AttemptOutcome {
                info,
                status,
                headers,
                elapsed: sent.elapsed(),
                error: Some(failure.hook_error()),
                retry_in: decision.ok(),
            });
            match decision {
                Ok(wait) => {
                    tracing::debug!(
                        attempt,
                        delay_ms = wait.as_millis() as u64,
                        reason = failure_reason(&failure),
                        "retrying"
                    );
                    tokio::time::sleep(wait).await;
                }
                Err(stop) => {
                    tracing::debug!(
                        attempt,
                        reason = failure_reason(&failure),
                        stop = %stop,
                        "request failed"
                    );
                    let call = CallInfo {
                        operation: op.id,
                        idempotent: idempotency == Idempotency::Idempotent,
                        ambiguous: failure.ambiguous(),
                        retryable,
                        stop,
                        auth: self.auth(),
                    };
                    return Err(into_error(failure, attempt, self.timeout, call));
                }
            }
        }
    }

    /// When the call's deadline passes; `None` when that is past what an
    /// `Instant` can hold (`Duration::MAX`: no deadline).
    fn deadline_at(&self) -> Option<Instant> {
        self.started.checked_add(self.deadline)
    }

    /// The call information of a call that was not sent this time.
    fn unsent(&self, stop: RetryStop) -> CallInfo {
        let op = self.call.op;
        CallInfo {
            operation: op.id,
            idempotent: op.idempotency == Idempotency::Idempotent,
            ambiguous: false,
            retryable: true,
            stop,
            auth: self.auth(),
        }
    }

    /// The error of a call whose deadline was spent before its next attempt
    /// could be sent, after `attempts` attempts.
    fn past_deadline_unsent(&self, attempts: u32) -> Error {
        tracing::debug!("deadline passed before the request was sent");
        Error::Timeout(TimeoutError {
            timeout: self.deadline,
            deadline: true,
            attempts,
            call: self.unsent(RetryStop::Deadline),
        })
    }

    /// The error of a call that a 429's hold stopped before it was sent:
    /// the hold ends `wait` from now, past its deadline or longer than its
    /// policy's `max_server_delay`.
    fn held(&self, attempts: u32, wait: Duration, waited: Duration) -> Error {
        let past_deadline = self.started.elapsed().saturating_add(wait) >= self.deadline;
        tracing::debug!(
            hold_ms = wait.as_millis() as u64,
            wait_ms = waited.as_millis() as u64,
            "held by a 429's wait longer than the call may wait"
        );
        Error::Held(HeldError {
            retry_after: wait,
            attempts,
            call: self.unsent(if past_deadline {
                RetryStop::Deadline
            } else {
                RetryStop::ServerDelayTooLong
            }),
        })
    }

    /// The error of a call whose deadline passed while it waited for the
    /// limiter, after `attempts` attempts.
    fn queued_past_deadline(&self, attempts: u32, waited: Duration) -> Error {
        tracing::debug!(
            wait_ms = waited.as_millis() as u64,
            "deadline passed while waiting for the rate limiter"
        );
        Error::Timeout(TimeoutError {
            timeout: self.deadline,
            deadline: true,
            attempts,
            call: self.unsent(RetryStop::Queued),
        })
    }

    /// The wait before the next attempt, or why there is none. Takes the
    /// retry's tokens from the budget (adding them to `spent`) only when it
    /// will retry.
    fn decide(
        &self,
        failure: &Failure,
        retryable: bool,
        attempt: u32,
        spent: &mut u32,
    ) -> std::result::Result<Duration, RetryStop> {
        if let Failure::Timeout { deadline: true } = failure {
            return Err(RetryStop::Deadline);
        }
        if !retryable {
            return Err(RetryStop::NotRetryable);
        }
        if attempt > self.policy.retries() {
            return Err(RetryStop::AttemptsExhausted);
        }
        let wait = match retry::requested_delay(failure.outcome()) {
            Some(asked) if asked > self.policy.server_delay_cap() => {
                return Err(RetryStop::ServerDelayTooLong)
            }
            Some(asked) => asked,
            None => self.policy.jittered_backoff(attempt),
        };
        if self.started.elapsed().saturating_add(wait) >= self.deadline {
            return Err(RetryStop::Deadline);
        }
        let after_timeout = matches!(failure, Failure::Timeout { .. });
        match self.transport.budget.acquire(after_timeout) {
            Some(cost) => {
                *spent += cost;
                Ok(wait)
            }
            None => Err(RetryStop::BudgetExhausted),
        }
    }
}

fn record_response(
    span: &tracing::Span,
    status: u16,
    headers: &HeaderMap,
    started: Instant,
    now: Instant,
) {
    if span.is_disabled() {
        return; // no subscriber listens: nothing to look up
    }
    span.record("status", status);
    if let Some(id) = request_id(headers) {
        span.record("request_id", id);
    }
    let elapsed = now.saturating_duration_since(started);
    span.record("elapsed_ms", elapsed.as_millis() as u64);
}

fn failure_reason(f: &Failure) -> &'static str {
    match f {
        Failure::Timeout { .. } => "timeout",
        Failure::Connection(_) => "connection",
        Failure::Status { .. } => "status",
    }
}

/// How reading a body ended.
enum BodyEnd {
    /// Read whole.
    Complete,
    /// Longer than the limit: only the limit's worth was read.
    OverLimit,
    /// The connection broke off.
    Broken(reqwest::Error),
}

/// Reads a body, at most `limit` bytes of it, chunk by chunk: what
/// arrived, and how it ended.
async fn read_bounded(response: &mut reqwest::Response, limit: usize) -> (Bytes, BodyEnd) {
    // The first chunk is kept as it is: a body that arrives whole in one
    // chunk (most, on a keep-alive connection) is not copied.
    let first = match response.chunk().await {
        Ok(Some(chunk)) => chunk,
        Ok(None) => return (Bytes::new(), BodyEnd::Complete),
        Err(e) => return (Bytes::new(), BodyEnd::Broken(e)),
    };
    if first.len() > limit {
        return (first.slice(..limit), BodyEnd::OverLimit);
    }
    let second = match response.chunk().await {
        Ok(Some(chunk)) => chunk,
        Ok(None) => return (first, BodyEnd::Complete),
        Err(e) => return (first, BodyEnd::Broken(e)),
    };
    let announced = response
        .content_length()
        .and_then(|n| usize::try_from(n).ok());
    let mut buf = BytesMut::with_capacity(
        announced
            .unwrap_or(0)
            .max(first.len() + second.len())
            .min(limit),
    );
    buf.extend_from_slice(&first);
    let mut next = Some(second);
    loop {
        let chunk = match next.take() {
            Some(chunk) => chunk,
            None => match response.chunk().await {
                Ok(Some(chunk)) => chunk,
                Ok(None) => return (buf.freeze(), BodyEnd::Complete),
                Err(e) => return (buf.freeze(), BodyEnd::Broken(e)),
            },
        };
        let room = limit - buf.len();
        buf.extend_from_slice(chunk.get(..chunk.len().min(room)).unwrap_or_default());
        if chunk.len() > room {
            return (buf.freeze(), BodyEnd::OverLimit);
        }
    }
}

fn into_error(failure: Failure, attempts: u32, timeout: Duration, call: CallInfo) -> Error {
    match failure {
        Failure::Timeout { deadline } => Error::Timeout(TimeoutError {
            timeout,
            deadline,
            attempts,
            call,
        }),
        Failure::Connection(e) => {
            let e = e.without_url();
            Error::Connection(ConnectionError {
                message: error_chain(&e),
                before_send: e.is_connect(),
                attempts,
                call,
                source: Some(e),
            })
        }
        Failure::Status {
            status,
            headers,
            body,
        } => Error::Api(Box::new(ApiError {
            status,
            errors: crate::error::parse_error_body(&body),
            request_id: request_id(&headers).map(str::to_owned),
            // What the server asked, in full, even beyond the policy's cap.
            retry_after: matches!(status, 429 | 503)
                .then(|| retry::server_delay(status, &headers))
                .flatten(),
            rate_limit: retry::rate_limit(&headers),
            headers,
            body,
            attempts,
            call,
        })),
    }
}

/// `e` and its sources, joined: reqwest's top-level message alone is often
/// just "error sending request".
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}
