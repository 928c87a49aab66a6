//! The client's settings: [`ClientBuilder`] collects them, [`Config`] is
//! what they become once checked.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, USER_AGENT};

use crate::auth::Credentials;
use crate::error::{Error, Result};
use crate::hooks::Hook;
use crate::retry::{RetryBudget, RetryPolicy};
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
/// The environment variable holding the API key.
pub const API_KEY_ENV: &str = "TELNYX_API_KEY";
/// The environment variable that overrides the base URL.
pub const BASE_URL_ENV: &str = "TELNYX_BASE_URL";

/// Configures and builds a [`Client`](crate::Client). Start with
/// [`Client::builder`](crate::Client::builder).
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
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field(
                "api_key",
                &self.api_key.as_ref().map(|_| crate::secret::REDACTED),
            )
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
            .finish()
    }
}

impl ClientBuilder {
    /// The API key (required), sent as `Authorization: Bearer <key>`.
    pub fn api_key(mut self, key: impl Into<SecretString>) -> Self {
        self.api_key = Some(key.into());
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
    /// [`deadline`](Self::deadline).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How long to wait for a connection, default 5 s. Ignored with
    /// [`http_client`](Self::http_client) (configure yours instead). A
    /// connection that times out sent nothing, so even `create` retries it.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The bound on one call, every attempt and wait included, default
    /// [`DEFAULT_DEADLINE`] (120 s). Without it, a call could take
    /// `(retries + 1) × timeout` plus the waits between attempts. When it
    /// runs out, the call fails with [`Error::Timeout`] (`deadline: true`).
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
    /// [`DEFAULT_MAX_CONCURRENCY`](crate::limiter::DEFAULT_MAX_CONCURRENCY),
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
    /// [`crate::limiter`].
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

    /// Brings your own `reqwest::Client` (proxies, TLS roots, connection
    /// limits). Its connection pool is shared by every clone of the
    /// [`Client`](crate::Client); the API key, `User-Agent` and default
    /// headers are still added to each request. Its redirect policy is yours
    /// (the default client follows redirects only within the origin of the
    /// request).
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

    /// Reads `TELNYX_API_KEY` and `TELNYX_BASE_URL` into any setting not
    /// already made.
    pub fn from_env(mut self) -> Self {
        if self.api_key.is_none() {
            self.api_key = std::env::var(API_KEY_ENV).ok().map(SecretString::from);
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
        let credentials = Credentials::api_key(self.api_key.unwrap_or_default(), API_KEY_ENV)?;
        let base = parse_base_url(self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))?;
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
            .unwrap_or(crate::limiter::DEFAULT_MAX_CONCURRENCY);
        if max_concurrency == 0 {
            return Err(Error::config(
                "max_concurrency must be at least 1 (usize::MAX for no bound)",
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
        let ua = match &self.user_agent {
            Some(suffix) => format!(
                "telnyx-accounts-rust/{} {suffix}",
                env!("CARGO_PKG_VERSION")
            ),
            None => format!("telnyx-accounts-rust/{}", env!("CARGO_PKG_VERSION")),
        };
        headers.insert(
            USER_AGENT,
            HeaderValue::from_str(&ua)
                .map_err(|_| Error::config("the user agent suffix cannot be sent in a header"))?,
        );

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
        })
    }
}

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
}

/// The default HTTP client: `connect_timeout`, and redirects only within the
/// origin first asked.
fn default_http_client(connect_timeout: Duration) -> Result<reqwest::Client> {
    reqwest::Client::builder()
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

/// Checks a base URL.
fn parse_base_url(raw: &str) -> Result<reqwest::Url> {
    let url = reqwest::Url::parse(raw.trim())
        .map_err(|e| Error::config(format!("base URL {raw:?} does not parse: {e}")))?;
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
                    "base URL {raw:?} uses plain http:// to a non-loopback host, which would send the API key in clear; use https://"
                )));
            }
        }
        other => {
            return Err(Error::config(format!(
                "base URL {raw:?} has scheme {other:?}; use https://"
            )))
        }
    }
    if url.host().is_none() {
        return Err(Error::config(format!("base URL {raw:?} has no host")));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::config(format!(
            "base URL {raw:?} must not have a query or fragment"
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
