//! [`MockServer`]: what a test holds. The data, faults, the request log,
//! tokens and load figures, expectations, and the way to stop it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

use crate::faults::{Fault, FaultRule};
use crate::fixtures::{FixtureError, NewAccount, NewUser};
use crate::log::{RecordedRequest, WaitTimeout};
use crate::shared::Shared;
use crate::state::{AccountStatus, MockAccount, MockUser};

/// Where the server runs, to wait for it at shutdown.
pub(crate) enum Running {
    /// A thread and runtime of its own; says when it is done.
    OwnThread(oneshot::Receiver<()>),
    /// A task on the caller's runtime.
    CallerRuntime(JoinHandle<()>),
}

/// A running mock of Telnyx's account-management API on 127.0.0.1.
///
/// Dropping it stops the server: it stops accepting, lets requests in flight
/// finish (up to the builder's `drain_timeout`), then closes the
/// connections; and it checks the fault rules' expectations
/// ([`FaultRule::expect`]), failing the test if one is not met.
pub struct MockServer {
    shared: Arc<Shared>,
    addr: SocketAddr,
    shutdown_tx: watch::Sender<bool>,
    running: Option<Running>,
    wait_timeout: Duration,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("base_url", &self.base_url())
            .finish_non_exhaustive()
    }
}

impl MockServer {
    pub(crate) fn new(
        shared: Arc<Shared>,
        addr: SocketAddr,
        shutdown_tx: watch::Sender<bool>,
        running: Running,
        wait_timeout: Duration,
    ) -> Self {
        MockServer {
            shared,
            addr,
            shutdown_tx,
            running: Some(running),
            wait_timeout,
        }
    }

    /// The base URL, ending in `/v2` (`http://127.0.0.1:PORT/v2`).
    pub fn base_url(&self) -> String {
        format!("http://{}/v2", self.addr)
    }

    /// The OAuth2 token endpoint, `{base_url}/oauth/token`.
    pub fn token_url(&self) -> String {
        format!("{}/oauth/token", self.base_url())
    }

    /// The API key (bearer token) the mock accepts.
    pub fn api_key(&self) -> &str {
        self.shared.auth.api_key()
    }

    /// The OAuth2 client id the token endpoint accepts, if client
    /// credentials are enabled ([`MockServerBuilder::client_credentials`](crate::MockServerBuilder::client_credentials)).
    pub fn client_id(&self) -> Option<&str> {
        self.shared.auth.client_id()
    }

    /// The address the mock listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    // -- data ----------------------------------------------------------------

    /// Every managed account, cancelled ones included, oldest first.
    pub fn accounts(&self) -> Vec<MockAccount> {
        self.shared.store.read().account_snapshots()
    }

    /// One managed account by id (the forms the API resolves: see the crate docs).
    pub fn account(&self, id: &str) -> Option<MockAccount> {
        self.shared.store.read().account_snapshot(id)
    }

    /// Sets an account's status directly (to arrange a test); `false` if
    /// there is no such account.
    pub fn set_account_status(&self, id: &str, status: AccountStatus) -> bool {
        let mut store = self.shared.store.write();
        match store.account_index(id) {
            Some(i) => {
                store.accounts[i].status = status;
                true
            }
            None => false,
        }
    }

    /// Puts a managed account in the store, as if it had always been there
    /// (a fixture), and returns it as the API will show it.
    ///
    /// ```no_run
    /// # async fn demo() {
    /// use telnyx_accounts_mock::{AccountStatus, MockServer, NewAccount};
    /// let mock = MockServer::start().await;
    /// let acme = mock
    ///     .insert_account(NewAccount::new("Acme Inc").status(AccountStatus::Blocked))
    ///     .expect("fixture");
    /// // GET /v2/managed_accounts/{acme.id} now finds it.
    /// # let _ = acme;
    /// # }
    /// ```
    pub fn insert_account(&self, account: NewAccount) -> Result<MockAccount, FixtureError> {
        let mut store = self.shared.store.write();
        let idx = store.insert_fixture(account)?;
        Ok(store.accounts[idx].snapshot())
    }

    /// Adds an organization user (never the owner) at the end of the list,
    /// and returns it as the API will show it.
    pub fn insert_user(&self, user: NewUser) -> Result<MockUser, FixtureError> {
        let mut store = self.shared.store.write();
        let idx = store.insert_user_fixture(user)?;
        let user = &store.users[idx];
        Ok(store.user_snapshot(user))
    }

    /// The organization users still present, in list order (owner first).
    pub fn users(&self) -> Vec<MockUser> {
        self.shared.store.read().user_snapshots()
    }

    /// The allocatable global outbound channel pool.
    pub fn channel_pool(&self) -> u64 {
        self.shared.store.read().channel_pool
    }

    /// The sum of all accounts' channel limits (`total_global_channels_allocated`).
    pub fn total_channels_allocated(&self) -> u64 {
        self.shared.store.read().channels_allocated
    }

    // -- faults and expectations -----------------------------------------------

    /// Adds a fault rule; see [`FaultRule`] and [`Fault`].
    pub fn inject(&self, rule: FaultRule) {
        self.shared.faults.add(rule);
    }

    /// Shorthand for `inject(FaultRule::new(fault))`: the next request, any path, once.
    pub fn fail_next(&self, fault: Fault) {
        self.inject(FaultRule::new(fault));
    }

    /// Removes every fault rule, with their expectations.
    pub fn clear_faults(&self) {
        self.shared.faults.clear();
    }

    /// How many fault rules still have uses left.
    pub fn pending_faults(&self) -> usize {
        self.shared.faults.pending()
    }

    /// Checks every fault rule's expectation ([`FaultRule::expect`]).
    ///
    /// # Panics
    /// When one is not met, with a message naming each such rule, how often
    /// it fired, and the requests the mock received.
    pub fn verify(&self) {
        let unmet = self.shared.faults.unmet();
        if unmet.is_empty() {
            return;
        }
        let mut message = format!(
            "telnyx-accounts-mock: {} fault rule expectation(s) not met:",
            unmet.len()
        );
        for line in &unmet {
            message.push_str("\n  - ");
            message.push_str(line);
        }
        let received = self.shared.log.received();
        if self.shared.log.keeps_entries() {
            let kept = self.shared.log.summaries();
            message.push_str(&format!(
                "\nrequests received: {received} (the log keeps the newest {}):",
                kept.len()
            ));
            for line in kept {
                message.push_str("\n    ");
                message.push_str(&line);
            }
        } else {
            message.push_str(&format!(
                "\nrequests received: {received} (the request log keeps none: log_capacity is 0)"
            ));
        }
        panic!("{message}");
    }

    // -- the request log ---------------------------------------------------------

    /// The requests received since the start (or the last
    /// [`MockServer::clear_requests`]), in arrival order, including rejected
    /// and faulted ones; at most the builder's `log_capacity` newest, and
    /// `log_max_bytes`.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.log.snapshot()
    }

    /// Empties the request log.
    pub fn clear_requests(&self) {
        self.shared.log.clear();
    }

    /// Resolves once at least `n` requests have been received since the
    /// start or the last [`MockServer::clear_requests`] (no polling).
    ///
    /// # Panics
    /// After the builder's `wait_timeout` (default
    /// [`crate::DEFAULT_WAIT_TIMEOUT`]), with a message listing the requests
    /// that did arrive, so a missing request fails the test instead of
    /// hanging it. [`MockServer::wait_for_requests_within`] returns the
    /// error instead.
    pub async fn wait_for_requests(&self, n: usize) {
        if let Err(e) = self.wait_for_requests_within(n, self.wait_timeout).await {
            panic!("{e}");
        }
    }

    /// Like [`MockServer::wait_for_requests`], with this timeout, returning
    /// what arrived when it runs out.
    pub async fn wait_for_requests_within(
        &self,
        n: usize,
        timeout: Duration,
    ) -> Result<(), WaitTimeout> {
        self.shared.log.wait_for(n, timeout).await
    }

    // -- OAuth2 tokens -------------------------------------------------------------

    /// Makes every token issued so far expired, at once: the next API
    /// request with one gets a 401 (`10009`, "The access token has
    /// expired."), as a token that expired early would. Returns how many
    /// were still valid. Tokens issued afterwards are valid as usual.
    pub fn expire_tokens(&self) -> usize {
        self.shared.auth.expire_tokens(Instant::now())
    }

    /// How many issued tokens are valid now.
    pub fn valid_tokens(&self) -> usize {
        self.shared.auth.valid_tokens(Instant::now())
    }

    // -- load ------------------------------------------------------------------------

    /// Requests being handled now (received, response head not yet sent;
    /// the configured latency included).
    pub fn in_flight(&self) -> usize {
        self.shared.in_flight.current()
    }

    /// The most requests that were in flight at once since the start or the
    /// last [`MockServer::reset_peak_in_flight`].
    pub fn peak_in_flight(&self) -> usize {
        self.shared.in_flight.peak()
    }

    /// Restarts [`MockServer::peak_in_flight`] from the requests in flight now.
    pub fn reset_peak_in_flight(&self) {
        self.shared.in_flight.reset_peak();
    }

    // -- stopping ----------------------------------------------------------------------

    /// Stops accepting, lets the requests in flight finish (up to the
    /// builder's `drain_timeout`), closes the connections, and waits for the
    /// server to be gone. Then checks expectations, as dropping does.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown_tx.send(true);
        match self.running.take() {
            Some(Running::OwnThread(done)) => {
                let _ = done.await;
            }
            Some(Running::CallerRuntime(task)) => {
                let _ = task.await;
            }
            None => {}
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        let _ = self.shutdown_tx.send(true);
        // A test that is already failing keeps its own message.
        if !std::thread::panicking() {
            self.verify();
        }
    }
}
