//! The client's settings: [`ClientBuilder`] collects them, [`Config`] is
//! what they become once checked.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, USER_AGENT};

use crate::error::{Error, Result};
use crate::hooks::Hook;
use crate::retry::{RetryBudget, RetryPolicy};
use crate::runtime::auth::Credentials;
use crate::secret::SecretString;

/// Telnyx's production API, version 2.
pub const DEFAULT_BASE_URL: &str = "https://api.telnyx.com/v2";
/// The per-attempt timeout unless set otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// How long to wait for a TCP/TLS connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The bound on one call, every attempt and wait included, unless set
/// otherwise: one full-length attempt plus room for quick retries.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(120);
/// The largest success body read unless set otherwise with
/// [`ClientBuilder::max_response_body_size`]: 64 MiB. Generous: the largest
/// legitimate body, a page of 250 accounts, is well under 1 MiB, and a body
/// with 30 MB of unknown fields still decodes; what it stops is a body
/// streamed without end.
pub const DEFAULT_MAX_RESPONSE_BODY_SIZE: usize = 64 * 1024 * 1024;
/// The environment variable holding the API key.
pub const API_KEY_ENV: &str = "TELNYX_API_KEY";
/// The environment variable that overrides the base URL.
pub const BASE_URL_ENV: &str = "TELNYX_BASE_URL";
/// The environment variable holding the OAuth2 client id (with
/// [`CLIENT_SECRET_ENV`], when [`API_KEY_ENV`] is not set).
pub const CLIENT_ID_ENV: &str = "TELNYX_CLIENT_ID";
/// The environment variable holding the OAuth2 client secret (with
/// [`CLIENT_ID_ENV`], when [`API_KEY_ENV`] is not set).
pub const CLIENT_SECRET_ENV: &str = "TELNYX_CLIENT_SECRET";

/// Configures and builds a [`Client`](crate::Client). Start with
/// [`Client::builder`](crate::Client::builder).
///
/// The client authenticates in one of two ways, chosen before any I/O
/// (setting both, or neither, is an [`Error::Config`]):
///
/// - an **API key** ([`api_key`](Self::api_key)), sent as
///   `Authorization: Bearer <key>`;
/// - **OAuth2 client credentials**
///   ([`client_credentials`](Self::client_credentials)), as Telnyx's
///   official SDKs use them: the client gets an access token from
///   `{base_url}/oauth/token` (or [`token_url`](Self::token_url)), caches
///   it for every clone until 10 s before it expires, and sends it as
///   `Authorization: Bearer <token>`. See [`client_credentials`](Self::client_credentials).
///
/// ```
/// use std::time::Duration;
/// use telnyx_accounts::Client;
///
/// let client = Client::builder()
///     .api_key("KEY")
///     .timeout(Duration::from_secs(30))
///     .deadline(Duration::from_secs(60))
///     .max_retries(3)
///     .user_agent("billing-sync/1.4")
///     .build()?;
/// # Ok::<(), telnyx_accounts::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct ClientBuilder {
    api_key: Option<SecretString>,
    client_credentials: Option<(String, SecretString)>,
    token_url: Option<String>,
    /// Why [`from_env`](Self::from_env) found no usable credentials, for
    /// [`build`](Self::build) to report if none are set otherwise.
    env_problem: Option<String>,
    base_url: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    deadline: Option<Duration>,
    retry_policy: Option<RetryPolicy>,
    max_retries: Option<u32>,
    retry_budget: Option<RetryBudget>,
    user_agent: Option<String>,
    headers: Vec<(String, String)>,
    hooks: Vec<Arc<dyn Hook>>,
    http_client: Option<reqwest::Client>,
    max_concurrency: Option<usize>,
    pacing: Option<bool>,
    max_response_body_size: Option<usize>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field(
                "api_key",
                &self.api_key.as_ref().map(|_| crate::secret::REDACTED),
            )
            .field(
                "client_id",
                &self.client_credentials.as_ref().map(|(id, _)| id),
            )
            .field(
                "client_secret",
                &self
                    .client_credentials
                    .as_ref()
                    .map(|_| crate::secret::REDACTED),
            )
            .field("token_url", &self.token_url)
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("deadline", &self.deadline)
            .field("retry_policy", &self.retry_policy)
            .field("max_retries", &self.max_retries)
            .field("retry_budget", &self.retry_budget)
            .field("user_agent", &self.user_agent)
            .field(
                "headers",
                &self.headers.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            )
            .field("hooks", &self.hooks.len())
            .field("http_client", &self.http_client.is_some())
            .field("max_concurrency", &self.max_concurrency)
            .field("pacing", &self.pacing)
            .field("max_response_body_size", &self.max_response_body_size)
            .finish()
    }
}

impl ClientBuilder {
    /// The API key, sent as `Authorization: Bearer <key>`. Required unless
    /// [`client_credentials`](Self::client_credentials) are set instead
    /// (setting both is an [`Error::Config`]).
    pub fn api_key(mut self, key: impl Into<SecretString>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// Authenticates with OAuth2 client credentials instead of an
    /// [`api_key`](Self::api_key) (setting both is an [`Error::Config`]).
    ///
    /// Before the first call, the client asks the token endpoint
    /// ([`token_url`](Self::token_url), default `{base_url}/oauth/token`)
    /// for an access token, exactly as Telnyx's official SDKs do: `POST`,
    /// form body `grant_type=client_credentials`, `Authorization: Basic
    /// base64(id:secret)`. It sends the token as `Authorization: Bearer
    /// <token>`, shares it with every clone of the client, and gets a new
    /// one 10 s before `expires_in` runs out. Beyond the official SDKs:
    ///
    /// - however many tasks need a token at once, one token request is
    ///   made, and its token (or its error) serves them all;
    /// - when the API answers 401 (a token revoked or expired early), the
    ///   client gets a new token and sends the call once more, `create`
    ///   included (a 401 proves nothing was processed); a second 401 is
    ///   returned;
    /// - a failed token request is returned as the call's error
    ///   ([`Error::is_token_error`]), with the token endpoint's status,
    ///   body and request id; the call is never sent without credentials;
    /// - the token request follows the call's retry policy, timeout and
    ///   deadline, and runs the hooks (operation
    ///   [`TOKEN_OPERATION`](crate::TOKEN_OPERATION)).
    ///
    /// The secret and the tokens are never printed (`Debug`, `Display`,
    /// errors, tracing, hooks).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), telnyx_accounts::Error> {
    /// # let mock = telnyx_accounts_mock::MockServer::builder()
    /// #     .client_credentials("CLIENT_ID", "CLIENT_SECRET").start().await;
    /// use telnyx_accounts::Client;
    ///
    /// let client = Client::builder()
    ///     .client_credentials("CLIENT_ID", "CLIENT_SECRET")
    /// #   .base_url(mock.base_url())
    ///     .build()?;
    /// let page = client.managed_accounts().list().await?; // gets a token first
    /// # assert_eq!(mock.requests().iter().filter(|r| r.is_token_request()).count(), 1);
    /// # Ok(()) }
    /// ```
    pub fn client_credentials(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<SecretString>,
    ) -> Self {
        self.client_credentials = Some((client_id.into(), client_secret.into()));
        self
    }

    /// Where [`client_credentials`](Self::client_credentials) get access
    /// tokens, default `{base_url}/oauth/token` (so a client pointed at a
    /// test server never sends its secret to Telnyx). The same rule as the
    /// base URL: `https://`, or plain `http://` to a loopback host only.
    /// Not used with an API key.
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = Some(url.into());
        self
    }

    /// The full URL prefix of the API, default [`DEFAULT_BASE_URL`]. Plain
    /// `http://` is accepted only for loopback hosts (a local mock server):
    /// anywhere else it would send the key in clear.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The timeout of each attempt, from sending to the last byte of the
    /// body, default 60 s. Retries get a fresh timeout each, within the
    /// [`deadline`](Self::deadline). Any length works: `Duration::MAX`
    /// means no per-attempt bound (the deadline still applies).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How long to wait for a connection, default 5 s. Ignored with
    /// [`http_client`](Self::http_client) (configure yours instead). A
    /// connection that times out sent nothing, so even `create` retries it.
    /// `Duration::MAX` means no bound of its own (the attempt's timeout
    /// still applies).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The bound on one call, every attempt and wait included, default
    /// [`DEFAULT_DEADLINE`] (120 s). Without it, a call could take
    /// `(retries + 1) × timeout` plus the waits between attempts. When it
    /// runs out, the call fails with [`Error::Timeout`] (`deadline: true`).
    /// Any length works: `Duration::MAX` (or anything past what the clock
    /// can count) means no deadline; each attempt is still bounded by the
    /// [`timeout`](Self::timeout).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// How calls are retried: see [`RetryPolicy`] and [`crate::retry`].
    /// [`RetryPolicy::none()`] turns retries off.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = Some(policy);
        self
    }

    /// How many times to retry a failed attempt, default 2 (so at most 3
    /// attempts); overrides the [`retry_policy`](Self::retry_policy)'s
    /// number. `0` disables retries. See [`crate::retry`] for which failures
    /// are retried.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// The retry budget shared by every clone of the client (default:
    /// AWS's standard numbers); [`RetryBudget::unlimited`] turns it off.
    pub fn retry_budget(mut self, budget: RetryBudget) -> Self {
        self.retry_budget = Some(budget);
        self
    }

    /// Appends your application's name to the `User-Agent`
    /// (`telnyx-accounts-rust/<version> <yours>`).
    pub fn user_agent(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent = Some(suffix.into());
        self
    }

    /// A header sent with every request. Invalid names or values make
    /// [`build`](Self::build) fail.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), telnyx_accounts::Error> {
    /// # let mock = telnyx_accounts_mock::MockServer::start().await;
    /// let client = telnyx_accounts::Client::builder()
    ///     .api_key(mock.api_key())
    ///     .base_url(mock.base_url())
    ///     .default_header("x-tenant", "reseller-eu")
    ///     .build()?;
    /// client.managed_accounts().list().await?;
    /// assert_eq!(mock.requests()[0].header("x-tenant"), Some("reseller-eu"));
    /// # Ok(()) }
    /// ```
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Runs `hook` before and after every attempt of every call, after the
    /// hooks registered before it. See [`crate::hooks`].
    pub fn hook(mut self, hook: impl Hook) -> Self {
        self.hooks.push(Arc::new(hook));
        self
    }

    /// At most `n` requests in flight at once, across every clone of the
    /// client and every task using it (default
    /// [`DEFAULT_MAX_CONCURRENCY`](crate::DEFAULT_MAX_CONCURRENCY),
    /// 64). Further calls wait for a free slot, in the order they asked,
    /// within their [`deadline`](Self::deadline). Retries wait for a slot
    /// like any attempt; a call waiting to retry holds none. `0` makes
    /// [`build`](Self::build) fail; `usize::MAX` means no bound.
    ///
    /// Bounding requests in flight keeps sockets, memory and load in check
    /// when you start many calls at once (`join_all`, `buffer_unordered`);
    /// the rate limiter ([`pacing`](Self::pacing)) is what keeps them under
    /// Telnyx's rate limit.
    ///
    /// ```
    /// use futures::{StreamExt, TryStreamExt};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), telnyx_accounts::Error> {
    /// # let mock = telnyx_accounts_mock::MockServer::start().await;
    /// # let ids: Vec<uuid::Uuid> = mock.accounts().iter().take(20).map(|a| a.id).collect();
    /// let client = telnyx_accounts::Client::builder()
    ///     .api_key(mock.api_key())
    ///     .base_url(mock.base_url())
    ///     .max_concurrency(8)
    ///     .build()?;
    /// // 20 calls started at once; at most 8 are on the wire at any time.
    /// let accounts: Vec<_> = futures::stream::iter(ids)
    ///     .map(|id| client.managed_accounts().retrieve(id).send())
    ///     .buffer_unordered(20)
    ///     .try_collect()
    ///     .await?;
    /// assert!(mock.peak_in_flight() <= 8);
    /// # let _ = accounts; Ok(()) }
    /// ```
    pub fn max_concurrency(mut self, n: usize) -> Self {
        self.max_concurrency = Some(n);
        self
    }

    /// Whether the client paces itself to Telnyx's rate limit (default
    /// `true`): one view of the limit for every clone and task, taken from
    /// the `x-ratelimit-*` headers of the responses, so that requests wait
    /// for the window to refill instead of collecting 429s, and a 429 that
    /// still happens holds every task until its wait is over. See
    /// [`guide::pacing`](crate::guide::pacing).
    ///
    /// `pacing(false)` sends every call as soon as a slot is free; each 429
    /// is then retried by its own call, as the
    /// [`RetryPolicy`](crate::RetryPolicy) says, and the others go on
    /// sending. Useful when something in front of the client (a proxy, a
    /// queue) already paces the traffic.
    ///
    /// ```
    /// let client = telnyx_accounts::Client::builder()
    ///     .api_key("KEY")
    ///     .pacing(false)
    ///     .build()?;
    /// assert!(!client.pacing());
    /// # Ok::<(), telnyx_accounts::Error>(())
    /// ```
    pub fn pacing(mut self, on: bool) -> Self {
        self.pacing = Some(on);
        self
    }

    /// The largest success body a call reads, in bytes (default
    /// [`DEFAULT_MAX_RESPONSE_BODY_SIZE`], 64 MiB). A 2xx body that is
    /// longer (a broken proxy, a hostile server streaming without end)
    /// fails the call with [`Error::Decode`], whose message names this
    /// limit, as soon as the limit is passed: the rest is never read.
    /// Error bodies are kept up to 64 KiB, whatever this says. `0` makes
    /// [`build`](Self::build) fail; `usize::MAX` means no bound.
    ///
    /// ```
    /// let client = telnyx_accounts::Client::builder()
    ///     .api_key("KEY")
    ///     .max_response_body_size(1024 * 1024)
    ///     .build()?;
    /// # Ok::<(), telnyx_accounts::Error>(())
    /// ```
    pub fn max_response_body_size(mut self, bytes: usize) -> Self {
        self.max_response_body_size = Some(bytes);
        self
    }

    /// Brings your own `reqwest::Client` (proxies, TLS roots, connection
    /// limits). Its connection pool is shared by every clone of the
    /// [`Client`](crate::Client); the API key, `User-Agent` and default
    /// headers are still added to each request. Its redirect policy is yours
    /// (the default client follows redirects only within the origin of the
    /// request). Its TLS is yours too: with none of this crate's TLS
    /// features (`rustls`, `rustls-ring`, `native-tls`), the default client
    /// speaks plain HTTP only, and this is how to reach `https://` with the
    /// TLS your own `reqwest` dependency enables.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), telnyx_accounts::Error> {
    /// # let mock = telnyx_accounts_mock::MockServer::start().await;
    /// use std::time::Duration;
    ///
    /// // One pool for everything your service calls, with its own limits
    /// // (and, in production, your proxy or TLS roots).
    /// let http = reqwest::Client::builder()
    ///     .pool_max_idle_per_host(8)
    ///     .connect_timeout(Duration::from_secs(2))
    ///     .build()
    ///     .expect("HTTP client");
    /// let client = telnyx_accounts::Client::builder()
    ///     .api_key(mock.api_key())
    ///     .base_url(mock.base_url())
    ///     .http_client(http)
    ///     .build()?;
    /// client.managed_accounts().list().await?;
    /// # Ok(()) }
    /// ```
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Reads the environment into any setting not already made.
    ///
    /// Credentials, unless [`api_key`](Self::api_key) or
    /// [`client_credentials`](Self::client_credentials) were set:
    /// `TELNYX_API_KEY`, or else both `TELNYX_CLIENT_ID` and
    /// `TELNYX_CLIENT_SECRET` (an empty variable counts as unset). When the
    /// API key is set, the client id and secret are not read. Only one of
    /// the pair is an [`Error::Config`] from [`build`](Self::build) naming
    /// the missing variable. Then `TELNYX_BASE_URL`, the base URL.
    pub fn from_env(mut self) -> Self {
        if self.api_key.is_none() && self.client_credentials.is_none() {
            let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
            match env_credentials(var(API_KEY_ENV), var(CLIENT_ID_ENV), var(CLIENT_SECRET_ENV)) {
                EnvCredentials::ApiKey(key) => self.api_key = Some(key),
                EnvCredentials::Client(id, secret) => {
                    self.client_credentials = Some((id, secret));
                }
                EnvCredentials::Missing(problem) => self.env_problem = problem,
            }
        }
        if self.base_url.is_none() {
            self.base_url = std::env::var(BASE_URL_ENV)
                .ok()
                .filter(|s| !s.trim().is_empty());
        }
        self
    }

    /// Checks the settings; does no I/O.
    pub(crate) fn into_config(self) -> Result<Config> {
        let client = match (self.api_key.is_some(), self.client_credentials) {
            (true, Some(_)) => {
                return Err(Error::config(
                    "both an API key and OAuth client credentials are set: call only one of `.api_key(..)` and `.client_credentials(..)`",
                ))
            }
            (false, None) => {
                return Err(Error::config(self.env_problem.unwrap_or_else(|| {
                    format!(
                        "no API key or OAuth client credentials: call `.api_key(..)` or `.client_credentials(..)`, or set {API_KEY_ENV} (or {CLIENT_ID_ENV} and {CLIENT_SECRET_ENV}); find keys at https://portal.telnyx.com/#/app/api-keys"
                    )
                })))
            }
            (_, client) => client,
        };
        let base = parse_base_url(self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))?;
        let credentials = match client {
            Some((id, secret)) => {
                let token_url = match &self.token_url {
                    Some(url) => parse_url("token URL", url)?,
                    // Beside the API, wherever that is: never Telnyx's own
                    // token endpoint for a client pointed elsewhere.
                    None => parse_url(
                        "token URL",
                        &format!("{}/oauth/token", base.as_str().trim_end_matches('/')),
                    )?,
                };
                Credentials::client_credentials(&id, secret, token_url)?
            }
            None => Credentials::api_key(self.api_key.unwrap_or_default(), API_KEY_ENV)?,
        };
        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        if timeout.is_zero() {
            return Err(Error::config("the timeout must be greater than zero"));
        }
        let deadline = self.deadline.unwrap_or(DEFAULT_DEADLINE);
        if deadline.is_zero() {
            return Err(Error::config("the deadline must be greater than zero"));
        }
        let max_concurrency = self
            .max_concurrency
            .unwrap_or(crate::DEFAULT_MAX_CONCURRENCY);
        if max_concurrency == 0 {
            return Err(Error::config(
                "max_concurrency must be at least 1 (usize::MAX for no bound)",
            ));
        }
        let max_response_body_size = self
            .max_response_body_size
            .unwrap_or(DEFAULT_MAX_RESPONSE_BODY_SIZE);
        if max_response_body_size == 0 {
            return Err(Error::config(
                "max_response_body_size must be at least 1 byte (usize::MAX for no bound)",
            ));
        }
        let mut retry = self.retry_policy.unwrap_or_default();
        if let Some(n) = self.max_retries {
            retry = retry.max_retries(n);
        }

        let mut headers = HeaderMap::new();
        for (name, value) in &self.headers {
            let n = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                Error::config(format!(
                    "default header name {name:?} is not a valid header name"
                ))
            })?;
            let v = HeaderValue::from_str(value).map_err(|_| {
                Error::config(format!(
                    "default header {name:?} has a value that cannot be sent"
                ))
            })?;
            headers.append(n, v);
        }
        // The default value is static: each request's copy of it is then a
        // pointer, not a reference count that every thread updates.
        let ua = match &self.user_agent {
            Some(suffix) => HeaderValue::from_str(&format!("{DEFAULT_USER_AGENT} {suffix}"))
                .map_err(|_| Error::config("the user agent suffix cannot be sent in a header"))?,
            None => HeaderValue::from_static(DEFAULT_USER_AGENT),
        };
        headers.insert(USER_AGENT, ua);

        let http = match self.http_client {
            Some(c) => c,
            None => default_http_client(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))?,
        };
        Ok(Config {
            http,
            base_url: base.as_str().trim_end_matches('/').to_owned(),
            base_path: base.path().trim_end_matches('/').to_owned(),
            base,
            headers,
            credentials,
            timeout,
            deadline,
            retry,
            retry_budget: self.retry_budget.unwrap_or_default(),
            hooks: self.hooks,
            max_concurrency,
            pacing: self.pacing.unwrap_or(true),
            max_response_body_size,
        })
    }
}

/// The `User-Agent` this crate sends (a suffix set with
/// [`ClientBuilder::user_agent`] follows it).
const DEFAULT_USER_AGENT: &str = concat!("telnyx-accounts-rust/", env!("CARGO_PKG_VERSION"));

/// The checked settings a [`Transport`](crate::transport::Transport) runs on.
pub(crate) struct Config {
    pub(crate) http: reqwest::Client,
    /// Without a trailing `/`.
    pub(crate) base_url: String,
    /// Parsed once: each call only sets its path and query on a clone.
    pub(crate) base: reqwest::Url,
    /// The base URL's path, without a trailing `/` (`/v2`).
    pub(crate) base_path: String,
    /// `User-Agent` and the default headers (not `Authorization`).
    pub(crate) headers: HeaderMap,
    pub(crate) credentials: Credentials,
    pub(crate) timeout: Duration,
    pub(crate) deadline: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) retry_budget: RetryBudget,
    pub(crate) hooks: Vec<Arc<dyn Hook>>,
    /// Requests in flight at once, at least 1.
    pub(crate) max_concurrency: usize,
    pub(crate) pacing: bool,
    /// The largest success body read, at least 1.
    pub(crate) max_response_body_size: usize,
}

/// The default HTTP client: `connect_timeout`, redirects only within the
/// origin first asked, and the TLS the crate's features chose (reqwest's
/// own with `rustls` or `native-tls`; [`ring_tls`] with `rustls-ring`, which
/// wins when several are on; none: plain HTTP only, unless the application's
/// own reqwest features add TLS).
fn default_http_client(connect_timeout: Duration) -> Result<reqwest::Client> {
    let builder = reqwest::Client::builder();
    #[cfg(feature = "rustls-ring")]
    let builder = builder.tls_backend_preconfigured(ring_tls()?);
    builder
        .connect_timeout(connect_timeout)
        // reqwest drops `Authorization` on a redirect to another origin, but
        // a 307/308 still re-sends the body (a create's password) there,
        // possibly over plain http: follow redirects only within the origin
        // first asked; otherwise the caller gets the 3xx as an error.
        .redirect(reqwest::redirect::Policy::custom(|attempt| {
            let same_origin = attempt
                .previous()
                .first()
                .is_some_and(|first| first.origin() == attempt.url().origin());
            if same_origin && attempt.previous().len() <= 10 {
                attempt.follow()
            } else {
                attempt.stop()
            }
        }))
        .build()
        .map_err(|e| Error::config(format!("cannot build the HTTP client: {e}")))
}

/// rustls with the ring provider and the platform's certificate verifier,
/// as reqwest's `rustls` sets it up with aws-lc-rs. Handed to this client
/// only: installing a process-wide default provider is the application's
/// choice (reqwest's `rustls-no-provider` panics without one otherwise).
#[cfg(feature = "rustls-ring")]
fn ring_tls() -> Result<rustls::ClientConfig> {
    use rustls_platform_verifier::BuilderVerifierExt;

    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let mut tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_platform_verifier())
        .map_err(|e| Error::config(format!("cannot set up TLS (rustls, ring): {e}")))?
        .with_no_client_auth();
    // What reqwest offers by default (it negotiates HTTP/2 or HTTP/1.1).
    tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(tls)
}

/// What [`ClientBuilder::from_env`] found.
#[derive(Debug, PartialEq)]
enum EnvCredentials {
    ApiKey(SecretString),
    Client(String, SecretString),
    /// Nothing usable; the message when it is worth more than the generic one.
    Missing(Option<String>),
}

/// The rule of [`ClientBuilder::from_env`], on the variables' values (unset
/// or empty: `None`): the API key, or else both halves of the client
/// credentials.
fn env_credentials(
    api_key: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
) -> EnvCredentials {
    match (api_key, client_id, client_secret) {
        (Some(key), _, _) => EnvCredentials::ApiKey(SecretString::from(key)),
        (None, Some(id), Some(secret)) => EnvCredentials::Client(id, SecretString::from(secret)),
        (None, Some(_), None) => EnvCredentials::Missing(Some(format!(
            "{CLIENT_ID_ENV} is set but {CLIENT_SECRET_ENV} is not: set both for OAuth client credentials (or set {API_KEY_ENV})"
        ))),
        (None, None, Some(_)) => EnvCredentials::Missing(Some(format!(
            "{CLIENT_SECRET_ENV} is set but {CLIENT_ID_ENV} is not: set both for OAuth client credentials (or set {API_KEY_ENV})"
        ))),
        (None, None, None) => EnvCredentials::Missing(None),
    }
}

/// Checks a base URL.
fn parse_base_url(raw: &str) -> Result<reqwest::Url> {
    parse_url("base URL", raw)
}

/// Checks a base or token URL: it parses, is `https://` (or `http://` to
/// loopback), has a host, and no query or fragment.
fn parse_url(what: &str, raw: &str) -> Result<reqwest::Url> {
    let url = reqwest::Url::parse(raw.trim())
        .map_err(|e| Error::config(format!("{what} {raw:?} does not parse: {e}")))?;
    match url.scheme() {
        "https" => {}
        "http" => {
            let loopback = match url.host() {
                Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                None => false,
            };
            if !loopback {
                return Err(Error::config(format!(
                    "{what} {raw:?} uses plain http:// to a non-loopback host, which would send the credentials in clear; use https://"
                )));
            }
        }
        other => {
            return Err(Error::config(format!(
                "{what} {raw:?} has scheme {other:?}; use https://"
            )))
        }
    }
    if url.host().is_none() {
        return Err(Error::config(format!("{what} {raw:?} has no host")));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::config(format!(
            "{what} {raw:?} must not have a query or fragment"
        )));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Client;

    fn config_err(b: ClientBuilder) -> String {
        match b.build() {
            Err(Error::Config(e)) => e.message,
            other => panic!("expected a config error, got {other:?}"),
        }
    }

    #[test]
    fn missing_or_empty_key_is_a_config_error() {
        assert!(config_err(Client::builder()).contains("no API key"));
        assert!(config_err(Client::builder().api_key("  ")).contains("no API key"));
    }

    #[test]
    fn both_credentials_or_neither_are_refused_before_any_io() {
        let neither = config_err(Client::builder());
        for name in [
            API_KEY_ENV,
            CLIENT_ID_ENV,
            CLIENT_SECRET_ENV,
            ".client_credentials(..)",
        ] {
            assert!(neither.contains(name), "{neither}");
        }
        let both = config_err(
            Client::builder()
                .api_key("KEY")
                .client_credentials("id", "secret")
                .base_url("https://unreachable.invalid/v2"),
        );
        assert!(
            both.contains("both an API key and OAuth client credentials"),
            "{both}"
        );
        assert!(config_err(Client::builder().client_credentials("", "s")).contains("client id"));
        assert!(config_err(Client::builder().client_credentials("id", "")).contains("secret"));
    }

    #[test]
    fn the_token_url_defaults_to_beside_the_base_url_and_follows_its_rules() {
        let client = |b: ClientBuilder| b.client_credentials("id", "secret").build();
        let c = client(Client::builder()).unwrap();
        assert_eq!(c.token_url(), Some("https://api.telnyx.com/v2/oauth/token"));
        assert_eq!(c.client_id(), Some("id"));
        let c = client(Client::builder().base_url("http://127.0.0.1:4010/v2/")).unwrap();
        assert_eq!(c.token_url(), Some("http://127.0.0.1:4010/v2/oauth/token"));
        let c = client(
            Client::builder()
                .base_url("http://127.0.0.1:4010/v2")
                .token_url("https://auth.example.com/oauth2/token"),
        )
        .unwrap();
        assert_eq!(c.token_url(), Some("https://auth.example.com/oauth2/token"));
        for (url, says) in [
            ("http://auth.example.com/token", "in clear"),
            ("ftp://auth.example.com/token", "scheme"),
            ("not a url", "does not parse"),
            ("https://auth.example.com/token?x=1", "query"),
        ] {
            let e = config_err(
                Client::builder()
                    .client_credentials("id", "s")
                    .token_url(url),
            );
            assert!(e.contains("token URL") && e.contains(says), "{url}: {e}");
        }
        // An API key has no token URL (and ignores one).
        let c = Client::builder()
            .api_key("k")
            .token_url("http://remote.example/token")
            .build()
            .unwrap();
        assert_eq!((c.client_id(), c.token_url()), (None, None));
    }

    #[test]
    fn from_env_takes_the_api_key_or_else_both_client_variables() {
        let v = |s: &str| Some(s.to_owned());
        let key = |k: &str| EnvCredentials::ApiKey(SecretString::from(k));
        let client = |i: &str, s: &str| EnvCredentials::Client(i.to_owned(), SecretString::from(s));
        assert_eq!(env_credentials(v("K"), None, None), key("K"));
        assert_eq!(env_credentials(v("K"), v("I"), v("S")), key("K"));
        assert_eq!(env_credentials(v("K"), v("I"), None), key("K"));
        assert_eq!(env_credentials(v("K"), None, v("S")), key("K"));
        assert_eq!(env_credentials(None, v("I"), v("S")), client("I", "S"));
        assert_eq!(
            env_credentials(None, None, None),
            EnvCredentials::Missing(None)
        );
        let EnvCredentials::Missing(Some(only_id)) = env_credentials(None, v("I"), None) else {
            panic!("only the id")
        };
        assert!(
            only_id.starts_with("TELNYX_CLIENT_ID is set but TELNYX_CLIENT_SECRET is not"),
            "{only_id}"
        );
        let EnvCredentials::Missing(Some(only_secret)) = env_credentials(None, None, v("S")) else {
            panic!("only the secret")
        };
        assert!(
            only_secret.starts_with("TELNYX_CLIENT_SECRET is set but TELNYX_CLIENT_ID is not"),
            "{only_secret}"
        );
    }

    #[test]
    fn debug_shows_the_client_id_and_redacts_the_secret() {
        let b = Client::builder().client_credentials("my-client-id", "MY-CLIENT-SECRET-42");
        let text = format!("{b:?} {b:#?}");
        assert!(!text.contains("MY-CLIENT-SECRET-42"), "{text}");
        assert!(
            text.contains("client_secret: Some(\"[REDACTED]\")"),
            "{text}"
        );
        assert!(text.contains("my-client-id"), "{text}");
        let c = b.build().unwrap();
        let text = format!("{c:?} {c:#?}");
        assert!(!text.contains("MY-CLIENT-SECRET-42"), "{text}");
        assert!(
            text.contains("credentials: \"oauth2 client credentials\"")
                && text.contains("client_id: \"my-client-id\"")
                && text.contains("token_url: \"https://api.telnyx.com/v2/oauth/token\""),
            "{text}"
        );
    }

    #[test]
    fn zero_timeout_or_deadline_is_a_config_error() {
        let b = || Client::builder().api_key("k");
        assert!(config_err(b().timeout(Duration::ZERO)).contains("timeout"));
        assert!(config_err(b().deadline(Duration::ZERO)).contains("deadline"));
        assert!(config_err(b().max_concurrency(0)).contains("max_concurrency"));
    }

    #[test]
    fn base_url_rules() {
        let ok = |u: &str| {
            Client::builder()
                .api_key("k")
                .base_url(u)
                .build()
                .map(|c| c.base_url().to_owned())
        };
        assert_eq!(
            ok("https://api.telnyx.com/v2/").unwrap(),
            "https://api.telnyx.com/v2"
        );
        assert_eq!(
            ok("http://127.0.0.1:4010/v2").unwrap(),
            "http://127.0.0.1:4010/v2"
        );
        assert!(ok("http://localhost:4010/v2").is_ok());
        assert!(ok("http://[::1]:4010/v2").is_ok());
        assert!(config_err(
            Client::builder()
                .api_key("k")
                .base_url("http://api.telnyx.com/v2")
        )
        .contains("in clear"));
        assert!(
            config_err(Client::builder().api_key("k").base_url("not a url"))
                .contains("does not parse")
        );
        assert!(
            config_err(Client::builder().api_key("k").base_url("ftp://x/v2")).contains("scheme")
        );
    }
}
