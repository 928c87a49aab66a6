//! The [`Client`]: one connection pool and configuration, shared by clones.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderMap;

use crate::config::ClientBuilder;
use crate::error::Result;
use crate::resources::{ManagedAccounts, Organizations};
use crate::secret::SecretString;

/// A Telnyx account-management client.
///
/// Cheap to clone (an `Arc`): clones share one connection pool and
/// configuration, so build one and pass clones around. `Send + Sync`.
///
/// ```no_run
/// # async fn run() -> Result<(), telnyx_accounts::Error> {
/// let client = telnyx_accounts::Client::from_env()?;
/// let page = client.managed_accounts().list().page_size(50).await?;
/// println!("{} of {} accounts", page.data.len(), page.meta.total_results);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    /// The generated client, carrying the per-client headers.
    pub(crate) gen: Arc<telnyx_accounts_gen::Client>,
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    /// Authorization, User-Agent and default headers, added to every request.
    pub(crate) headers: HeaderMap,
    pub(crate) api_key: SecretString,
    pub(crate) timeout: Duration,
    pub(crate) max_retries: u32,
}

impl Client {
    /// A builder for every setting.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client from the environment: `TELNYX_API_KEY` (required) and
    /// `TELNYX_BASE_URL` (optional); defaults for the rest.
    pub fn from_env() -> Result<Self> {
        ClientBuilder::default().from_env().build()
    }

    /// Managed accounts: list, create, retrieve, update, disable, enable and
    /// channel limits.
    pub fn managed_accounts(&self) -> ManagedAccounts {
        ManagedAccounts::new(self.clone())
    }

    /// Your organization: its users.
    pub fn organizations(&self) -> Organizations {
        Organizations::new(self.clone())
    }

    /// The base URL requests go to (no trailing `/`).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The per-attempt timeout.
    pub fn timeout(&self) -> Duration {
        self.inner.timeout
    }

    /// Retries after a failed attempt.
    pub fn max_retries(&self) -> u32 {
        self.inner.max_retries
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("api_key", &self.inner.api_key)
            .field("timeout", &self.inner.timeout)
            .field("max_retries", &self.inner.max_retries)
            .finish_non_exhaustive()
    }
}
