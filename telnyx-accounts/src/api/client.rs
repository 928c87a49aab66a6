//! The [`Client`]: one connection pool and configuration, shared by clones.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::api::resources::{ManagedAccounts, Organizations};
use crate::error::Result;
use crate::retry::RetryPolicy;
use crate::runtime::config::ClientBuilder;
use crate::runtime::transport::Transport;

/// A Telnyx account-management client.
///
/// Cheap to clone (an `Arc`): clones share one connection pool,
/// configuration and retry budget, so build one and pass clones around.
/// `Send + Sync`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), telnyx_accounts::Error> {
/// # let mock = telnyx_accounts_mock::MockServer::start().await;
/// # unsafe { std::env::set_var("TELNYX_API_KEY", mock.api_key()) };
/// # unsafe { std::env::set_var("TELNYX_BASE_URL", mock.base_url()) };
/// let client = telnyx_accounts::Client::from_env()?;
/// let page = client.managed_accounts().list().page_size(50).await?;
/// println!("{} of {} accounts", page.data.len(), page.meta.total_results);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    transport: Arc<Transport>,
}

impl ClientBuilder {
    /// Checks the settings and builds the client. Does no I/O.
    ///
    /// Fails with [`Error::Config`](crate::Error::Config) on missing
    /// credentials (neither an API key nor client credentials), both at
    /// once, an empty API key, client id or secret, an API key that cannot
    /// be a header, a base or token URL that does not parse, is not
    /// http(s), or is `http://` to a host other than loopback, a zero
    /// timeout or deadline, and invalid default headers.
    pub fn build(self) -> Result<Client> {
        Ok(Client {
            transport: Arc::new(Transport::new(self.into_config()?)),
        })
    }
}

impl Client {
    /// A builder for every setting.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client from the environment: `TELNYX_API_KEY`, or else both
    /// `TELNYX_CLIENT_ID` and `TELNYX_CLIENT_SECRET` (OAuth2 client
    /// credentials), and `TELNYX_BASE_URL` (optional); defaults for the
    /// rest. See [`ClientBuilder::from_env`].
    pub fn from_env() -> Result<Self> {
        ClientBuilder::default().from_env().build()
    }

    /// Managed accounts: list, create, retrieve, update, disable, enable and
    /// channel limits.
    pub fn managed_accounts(&self) -> ManagedAccounts {
        ManagedAccounts::new(Arc::clone(&self.transport))
    }

    /// Your organization: its users.
    pub fn organizations(&self) -> Organizations {
        Organizations::new(Arc::clone(&self.transport))
    }

    /// The OAuth2 client id, when the client authenticates with
    /// [client credentials](ClientBuilder::client_credentials) (`None` with
    /// an API key).
    pub fn client_id(&self) -> Option<&str> {
        self.transport.token_source().map(|s| s.client_id())
    }

    /// Where the client gets OAuth2 access tokens, when it authenticates
    /// with [client credentials](ClientBuilder::client_credentials) (`None`
    /// with an API key).
    pub fn token_url(&self) -> Option<&str> {
        self.transport
            .token_source()
            .map(|s| s.token_url().as_str())
    }

    /// The base URL requests go to (no trailing `/`).
    pub fn base_url(&self) -> &str {
        self.transport.base_url()
    }

    /// The per-attempt timeout.
    pub fn timeout(&self) -> Duration {
        self.transport.timeout()
    }

    /// The bound on one call, every attempt and wait included.
    pub fn deadline(&self) -> Duration {
        self.transport.deadline()
    }

    /// The retry policy of every call (unless a request overrides it).
    pub fn retry_policy(&self) -> RetryPolicy {
        self.transport.retry_policy()
    }

    /// Retries after a failed attempt.
    pub fn max_retries(&self) -> u32 {
        self.transport.retry_policy().retries()
    }

    /// The most requests in flight at once, across every clone
    /// ([`ClientBuilder::max_concurrency`]).
    pub fn max_concurrency(&self) -> usize {
        self.transport.max_concurrency()
    }

    /// Whether the client paces itself to Telnyx's rate limit
    /// ([`ClientBuilder::pacing`]).
    pub fn pacing(&self) -> bool {
        self.transport.pacing()
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Client");
        d.field("base_url", &self.base_url())
            .field("credentials", &self.transport.credentials_kind());
        match (self.client_id(), self.token_url()) {
            (Some(id), Some(url)) => d
                .field("client_id", &id)
                .field("client_secret", &crate::secret::REDACTED)
                .field("token_url", &url),
            _ => d.field("api_key", &crate::secret::REDACTED),
        };
        d.field("timeout", &self.timeout())
            .field("deadline", &self.deadline())
            .field("max_retries", &self.max_retries())
            .field("max_concurrency", &self.max_concurrency())
            .field("pacing", &self.pacing())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The client reports the policy it was built with, so a request can
    /// start from it (`.retry_policy(client.retry_policy().max_retries(0))`).
    #[test]
    fn the_client_reports_its_retry_policy() {
        let policy = RetryPolicy::default()
            .max_retries(7)
            .initial_backoff(Duration::from_millis(20))
            .full_jitter();
        let client = Client::builder()
            .api_key("k")
            .retry_policy(policy)
            .build()
            .unwrap();
        assert_eq!(client.retry_policy(), policy);
        assert_eq!(client.max_retries(), 7);
    }

    /// What a service logs or checks at startup: the limits in force.
    #[test]
    fn the_client_reports_the_limits_it_was_built_with() {
        let b = || Client::builder().api_key("k");
        let c = b().build().unwrap();
        assert_eq!(
            (c.timeout(), c.deadline(), c.max_concurrency()),
            (
                crate::DEFAULT_TIMEOUT,
                crate::DEFAULT_DEADLINE,
                crate::runtime::limiter::DEFAULT_MAX_CONCURRENCY
            )
        );
        let c = b()
            .timeout(Duration::from_secs(3))
            .deadline(Duration::from_secs(9))
            .max_concurrency(5)
            .build()
            .unwrap();
        assert_eq!(
            (c.timeout(), c.deadline(), c.max_concurrency()),
            (Duration::from_secs(3), Duration::from_secs(9), 5)
        );
    }

    #[test]
    fn the_client_paces_itself_unless_told_not_to() {
        let b = || Client::builder().api_key("k");
        assert!(b().build().unwrap().pacing());
        assert!(!b().pacing(false).build().unwrap().pacing());
    }

    #[test]
    fn debug_shows_the_settings_and_redacts_the_key() {
        let b = Client::builder()
            .api_key("SECRETKEY123")
            .base_url("https://example.test/v2")
            .timeout(Duration::from_secs(7));
        let text = format!("{b:?}");
        assert!(!text.contains("SECRETKEY123"), "{text}");
        assert!(text.contains("api_key: Some(\"[REDACTED]\")"), "{text}");
        assert!(
            text.contains("https://example.test/v2") && text.contains("7s"),
            "{text}"
        );
        let c = b.build().unwrap();
        let text = format!("{c:?}");
        assert!(!text.contains("SECRETKEY123"), "{text}");
        assert!(
            text.contains("base_url: \"https://example.test/v2\""),
            "{text}"
        );
        assert!(
            text.contains("timeout: 7s") && text.contains("[REDACTED]"),
            "{text}"
        );
        // A request logged with `?request` shows where it goes and how it
        // authenticates, never the key.
        let text = format!("{:?}", c.managed_accounts().list().page_size(5));
        assert!(!text.contains("SECRETKEY123"), "{text}");
        for part in [
            "base_url: \"https://example.test/v2\"",
            "credentials: \"api key\"",
            "timeout: 7s",
        ] {
            assert!(text.contains(part), "{part} not in {text}");
        }
    }
}
