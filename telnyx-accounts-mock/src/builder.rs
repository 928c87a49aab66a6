//! Configuring and starting a [`MockServer`]: the defaults, the options, and
//! where the server runs (a thread of its own, or the caller's runtime).

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};

use crate::auth::{Auth, ClientCredentials};
use crate::faults::FaultSet;
use crate::inflight::InFlight;
use crate::listener::serve;
use crate::log::RequestLog;
use crate::pipeline;
use crate::ratelimit::RateLimiter;
use crate::server::{MockServer, Running};
use crate::shared::Shared;
use crate::state::{SeedOptions, Store};

/// The API key the mock accepts unless told otherwise.
pub const DEFAULT_API_KEY: &str = "mock-api-key";
/// Managed accounts seeded by default.
pub const DEFAULT_ACCOUNTS: usize = 50;
/// Organization users seeded by default (the first is the owner).
pub const DEFAULT_USERS: usize = 20;
/// The seed used unless told otherwise: the data is the same on every run.
pub const DEFAULT_SEED: u64 = 20_240_301;
/// The allocatable global outbound channel pool (`allocatable_global_outbound_channels`).
pub const DEFAULT_CHANNEL_POOL: u64 = 500;
/// Requests kept in the request log by default (older ones are dropped).
pub const DEFAULT_LOG_CAPACITY: usize = 10_000;
/// Bytes the request log keeps by default (bodies, headers, paths; older
/// requests are dropped past it).
pub const DEFAULT_LOG_MAX_BYTES: usize = 64 * 1024 * 1024;
/// The lifetime of the OAuth2 tokens the mock issues, unless told otherwise
/// (Telnyx's `expires_in`).
pub const DEFAULT_TOKEN_TTL: Duration = Duration::from_secs(3600);
/// Requests per window per credential unless a test sets a limit
/// ([`MockServerBuilder::rate_limit`]): far more than a test can send in
/// [`DEFAULT_RATE_LIMIT_WINDOW`], so nothing is throttled, while every
/// response still carries Telnyx's `x-ratelimit-*` headers (`limit:
/// 1000000`, `remaining` counting down from 999999, `reset: 1`).
pub const DEFAULT_RATE_LIMIT: u32 = 1_000_000;
/// The rate limit's window unless a test sets another
/// ([`MockServerBuilder::rate_limit_window`]): one second, as Telnyx's "per second".
pub const DEFAULT_RATE_LIMIT_WINDOW: Duration = Duration::from_secs(1);
/// How long shutdown waits for requests in flight before closing their connections.
pub const DEFAULT_DRAIN_TIMEOUT: Duration = Duration::from_secs(2);
/// How long [`MockServer::wait_for_requests`] waits before failing the test.
pub const DEFAULT_WAIT_TIMEOUT: Duration = Duration::from_secs(30);

/// Starting a mock: the builder makes every server (its thread or task, its
/// listener), so the server handle does not depend on the builder.
impl MockServer {
    /// Starts a mock with the defaults: an ephemeral port, [`crate::DEFAULT_API_KEY`],
    /// [`crate::DEFAULT_ACCOUNTS`] accounts, [`crate::DEFAULT_USERS`] users,
    /// [`crate::DEFAULT_SEED`], on a thread of its own. It is serving when
    /// this returns.
    ///
    /// # Panics
    /// If no loopback port can be bound.
    pub async fn start() -> MockServer {
        MockServer::builder().start().await
    }

    /// A builder for a mock with other settings.
    pub fn builder() -> MockServerBuilder {
        MockServerBuilder::default()
    }
}

/// Configures and starts a [`MockServer`].
#[derive(Clone)]
pub struct MockServerBuilder {
    api_key: String,
    accounts: usize,
    users: usize,
    seed: u64,
    port: u16,
    channel_pool: u64,
    log_capacity: usize,
    log_max_bytes: usize,
    client: Option<ClientCredentials>,
    token_ttl: Duration,
    latency: Duration,
    rate_limit: u32,
    rate_limit_window: Duration,
    rate_limit_headers: bool,
    own_thread: bool,
    drain_timeout: Duration,
    wait_timeout: Duration,
}

impl std::fmt::Debug for MockServerBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServerBuilder")
            .field("api_key", &"[redacted]")
            .field("accounts", &self.accounts)
            .field("users", &self.users)
            .field("seed", &self.seed)
            .field("port", &self.port)
            .field("channel_pool", &self.channel_pool)
            .field("log_capacity", &self.log_capacity)
            .field("log_max_bytes", &self.log_max_bytes)
            .field("client_credentials", &self.client)
            .field("token_ttl", &self.token_ttl)
            .field("latency", &self.latency)
            .field("rate_limit", &self.rate_limit)
            .field("rate_limit_window", &self.rate_limit_window)
            .field("rate_limit_headers", &self.rate_limit_headers)
            .field("own_thread", &self.own_thread)
            .field("drain_timeout", &self.drain_timeout)
            .field("wait_timeout", &self.wait_timeout)
            .finish()
    }
}

impl Default for MockServerBuilder {
    fn default() -> Self {
        MockServerBuilder {
            api_key: DEFAULT_API_KEY.to_owned(),
            accounts: DEFAULT_ACCOUNTS,
            users: DEFAULT_USERS,
            seed: DEFAULT_SEED,
            port: 0,
            channel_pool: DEFAULT_CHANNEL_POOL,
            log_capacity: DEFAULT_LOG_CAPACITY,
            log_max_bytes: DEFAULT_LOG_MAX_BYTES,
            client: None,
            token_ttl: DEFAULT_TOKEN_TTL,
            latency: Duration::ZERO,
            rate_limit: DEFAULT_RATE_LIMIT,
            rate_limit_window: DEFAULT_RATE_LIMIT_WINDOW,
            rate_limit_headers: true,
            own_thread: true,
            drain_timeout: DEFAULT_DRAIN_TIMEOUT,
            wait_timeout: DEFAULT_WAIT_TIMEOUT,
        }
    }
}

impl MockServerBuilder {
    /// The bearer token the mock accepts (default [`DEFAULT_API_KEY`]).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = key.into();
        self
    }

    /// How many managed accounts to seed (default [`DEFAULT_ACCOUNTS`]).
    /// A mix of statuses, mostly enabled; with four or more, at least one of each.
    pub fn accounts(mut self, n: usize) -> Self {
        self.accounts = n;
        self
    }

    /// How many organization users to seed (default [`DEFAULT_USERS`]); the
    /// first is the organization owner.
    pub fn users(mut self, n: usize) -> Self {
        self.users = n;
        self
    }

    /// The seed for the generated data (default [`DEFAULT_SEED`]): the same
    /// seed and counts give the same ids, names and timestamps.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The port to listen on, on 127.0.0.1 (default 0: an ephemeral port).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The allocatable global outbound channel pool (default [`DEFAULT_CHANNEL_POOL`]).
    /// Seeded accounts hold at most a quarter of it.
    pub fn channel_pool(mut self, channels: u64) -> Self {
        self.channel_pool = channels;
        self
    }

    /// How many requests the log keeps (default [`DEFAULT_LOG_CAPACITY`]);
    /// the oldest are dropped past that, and 0 keeps none (entries are then
    /// not even built). [`MockServer::wait_for_requests`] counts every
    /// request regardless.
    pub fn log_capacity(mut self, n: usize) -> Self {
        self.log_capacity = n;
        self
    }

    /// How many bytes (bodies, headers, paths and queries) the log keeps
    /// (default [`DEFAULT_LOG_MAX_BYTES`]); the oldest requests are dropped
    /// past that. A single request larger than the whole budget is kept
    /// without its body ([`crate::RecordedRequest::body_omitted`]).
    pub fn log_max_bytes(mut self, bytes: usize) -> Self {
        self.log_max_bytes = bytes;
        self
    }

    /// Enables OAuth2 client credentials: `POST {base_url}/oauth/token` with
    /// `Authorization: Basic base64(id:secret)` and
    /// `grant_type=client_credentials` issues tokens that the API accepts as
    /// `Authorization: Bearer <token>`, beside the API key. Without this, the
    /// token endpoint answers 401 to everyone.
    pub fn client_credentials(mut self, id: impl Into<String>, secret: impl Into<String>) -> Self {
        self.client = Some(ClientCredentials {
            id: id.into(),
            secret: secret.into(),
        });
        self
    }

    /// How long issued tokens are valid (default [`DEFAULT_TOKEN_TTL`]; sent
    /// as `expires_in`, in whole seconds). Past it the API answers 401.
    pub fn token_ttl(mut self, ttl: Duration) -> Self {
        self.token_ttl = ttl;
        self
    }

    /// Delays every response by `latency` (default none), as a network
    /// would: the request is processed at once, the response head leaves
    /// after the delay. The wait is a timer, not a thread, so any number of
    /// requests can wait at once.
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// Allows `n` requests per window per credential (default
    /// [`DEFAULT_RATE_LIMIT`], which no test reaches), in fixed windows of
    /// [`MockServerBuilder::rate_limit_window`] (one second unless set).
    /// Requests past the limit get a 429 with code `10011` and are not
    /// processed. Every API response carries `x-ratelimit-limit`,
    /// `x-ratelimit-remaining` and `x-ratelimit-reset`, with or without a
    /// limit set, as Telnyx's do (see
    /// [`MockServerBuilder::rate_limit_headers`]). The token endpoint is not
    /// limited and sends none of them.
    pub fn rate_limit(mut self, n: u32) -> Self {
        self.rate_limit = n;
        self
    }

    /// The rate limit's window (default [`DEFAULT_RATE_LIMIT_WINDOW`], as
    /// Telnyx's "per second"): [`MockServerBuilder::rate_limit`] requests per
    /// window. A longer window lets a test exhaust the limit without racing
    /// the clock.
    pub fn rate_limit_window(mut self, window: Duration) -> Self {
        self.rate_limit_window = window;
        self
    }

    /// Whether API responses carry the `x-ratelimit-*` headers (default
    /// `true`, as Telnyx's do). `false` is for tests of a server that does
    /// not send them: the limit still applies, and its 429s come without
    /// them.
    pub fn rate_limit_headers(mut self, send: bool) -> Self {
        self.rate_limit_headers = send;
        self
    }

    /// Whether the mock runs on a thread and runtime of its own (the
    /// default, `true`), as wiremock does: a test that blocks its own
    /// runtime's thread (a current-thread `#[tokio::test]` calling blocking
    /// code) cannot starve the mock. `false` runs it as a task on the
    /// caller's runtime, which must then be a Tokio runtime with I/O and
    /// timers enabled.
    pub fn own_thread(mut self, own_thread: bool) -> Self {
        self.own_thread = own_thread;
        self
    }

    /// How long shutdown (and dropping the server) lets requests in flight
    /// finish before their connections are closed (default
    /// [`DEFAULT_DRAIN_TIMEOUT`]).
    pub fn drain_timeout(mut self, timeout: Duration) -> Self {
        self.drain_timeout = timeout;
        self
    }

    /// How long [`MockServer::wait_for_requests`] waits before it fails the
    /// test (default [`DEFAULT_WAIT_TIMEOUT`]).
    pub fn wait_timeout(mut self, timeout: Duration) -> Self {
        self.wait_timeout = timeout;
        self
    }

    /// Seeds the data, binds `127.0.0.1:port` and starts serving.
    ///
    /// # Panics
    /// If the port cannot be bound; see [`MockServerBuilder::try_start`].
    pub async fn start(self) -> MockServer {
        match self.try_start().await {
            Ok(server) => server,
            Err(e) => panic!("telnyx-accounts-mock: cannot listen: {e}"),
        }
    }

    /// Like [`MockServerBuilder::start`], but returns bind errors (and, in
    /// the own-thread mode, errors starting the thread).
    pub async fn try_start(self) -> io::Result<MockServer> {
        let started = Instant::now();
        let store = Store::seeded(&SeedOptions {
            accounts: self.accounts,
            users: self.users,
            seed: self.seed,
            channel_pool: self.channel_pool,
        });
        let listener =
            std::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, self.port)))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            auth: Auth::new(self.api_key, self.client, self.token_ttl),
            store: parking_lot::RwLock::new(store),
            faults: FaultSet::default(),
            log: RequestLog::new(self.log_capacity, self.log_max_bytes),
            limiter: RateLimiter::new(self.rate_limit, self.rate_limit_window, started),
            rate_limit_headers: self.rate_limit_headers,
            latency: self.latency,
            in_flight: InFlight::default(),
        });
        let router = Router::new()
            .fallback(pipeline::handle)
            .with_state(Arc::clone(&shared));
        let (shutdown_tx, shutdown_rx) = watch::channel(false);
        let drain = self.drain_timeout;
        let running = if self.own_thread {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            // Register the socket with the mock's own runtime, here, so that
            // an error reaches the caller.
            let listener = {
                let _entered = runtime.enter();
                TcpListener::from_std(listener)?
            };
            let (done_tx, done_rx) = oneshot::channel();
            std::thread::Builder::new()
                .name(format!("telnyx-accounts-mock {addr}"))
                .spawn(move || {
                    runtime.block_on(serve(listener, router, shutdown_rx, drain));
                    let _ = done_tx.send(());
                })?;
            Running::OwnThread(done_rx)
        } else {
            let listener = TcpListener::from_std(listener)?;
            Running::CallerRuntime(tokio::spawn(serve(listener, router, shutdown_rx, drain)))
        };
        Ok(MockServer::new(
            shared,
            addr,
            shutdown_tx,
            running,
            self.wait_timeout,
        ))
    }
}
