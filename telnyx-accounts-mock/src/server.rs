//! The server's lifecycle (bind, accept loop, shutdown) and the request
//! pipeline: record → fault → authenticate → dispatch → `x-request-id`.

use std::convert::Infallible;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use axum::Router;
use bytes::Bytes;
use futures_util::StreamExt;
use http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};
use tokio::task::{JoinHandle, JoinSet};
use tower::ServiceExt;
use uuid::Uuid;

use crate::errors::ApiError;
use crate::faults::{retry_headers, Fault, FaultRule, FaultSet, Fired, RetryHint};
use crate::log::{RecordedRequest, RequestLog};
use crate::query::decode_pairs;
use crate::routes::{api_path, route, Operation, Route};
use crate::state::{AccountStatus, MockAccount, MockUser, SeedOptions, Store};
use crate::wire::raw_response;
use crate::{accounts, users, Shared};

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
/// Largest request body the mock reads (larger ones get a 413).
const MAX_BODY: usize = 32 * 1024 * 1024;

/// Lets a handler close its own connection (for [`Fault::DropConnection`]).
#[derive(Clone)]
struct ConnAbort(Arc<Notify>);

/// Configures and starts a [`MockServer`].
#[derive(Debug, Clone)]
pub struct MockServerBuilder {
    api_key: String,
    accounts: usize,
    users: usize,
    seed: u64,
    port: u16,
    channel_pool: u64,
    log_capacity: usize,
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
    /// the oldest are dropped past that, and 0 keeps none.
    /// [`MockServer::wait_for_requests`] counts every request regardless.
    pub fn log_capacity(mut self, n: usize) -> Self {
        self.log_capacity = n;
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

    /// Like [`MockServerBuilder::start`], but returns bind errors.
    pub async fn try_start(self) -> io::Result<MockServer> {
        let store = Store::seeded(&SeedOptions {
            accounts: self.accounts,
            users: self.users,
            seed: self.seed,
            channel_pool: self.channel_pool,
        });
        let listener =
            TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, self.port))).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            api_key: self.api_key,
            store: parking_lot::RwLock::new(store),
            faults: FaultSet::default(),
            log: RequestLog::new(self.log_capacity),
        });
        let router = Router::new()
            .fallback(handle)
            .with_state(Arc::clone(&shared));
        let (shutdown_tx, shutdown_rx) = watch::channel(false);
        let task = tokio::spawn(accept_loop(listener, router, shutdown_rx));
        Ok(MockServer {
            shared,
            addr,
            shutdown_tx,
            task: Some(task),
        })
    }
}

/// A running mock of Telnyx's account-management API on 127.0.0.1.
///
/// Dropping it stops the server (open connections are closed).
pub struct MockServer {
    shared: Arc<Shared>,
    addr: SocketAddr,
    shutdown_tx: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("base_url", &self.base_url())
            .finish_non_exhaustive()
    }
}

impl MockServer {
    /// Starts a mock with the defaults: an ephemeral port, [`DEFAULT_API_KEY`],
    /// [`DEFAULT_ACCOUNTS`] accounts, [`DEFAULT_USERS`] users, [`DEFAULT_SEED`].
    /// It is serving when this returns.
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

    /// The base URL, ending in `/v2` (`http://127.0.0.1:PORT/v2`).
    pub fn base_url(&self) -> String {
        format!("http://{}/v2", self.addr)
    }

    /// The API key (bearer token) the mock accepts.
    pub fn api_key(&self) -> &str {
        &self.shared.api_key
    }

    /// The address the mock listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every managed account, cancelled ones included, oldest first.
    pub fn accounts(&self) -> Vec<MockAccount> {
        self.shared.store.read().account_snapshots()
    }

    /// One managed account by id.
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

    /// Adds a fault rule; see [`FaultRule`] and [`Fault`].
    pub fn inject(&self, rule: FaultRule) {
        self.shared.faults.add(rule);
    }

    /// Shorthand for `inject(FaultRule::new(fault))`: the next request, any path, once.
    pub fn fail_next(&self, fault: Fault) {
        self.inject(FaultRule::new(fault));
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        self.shared.faults.clear();
    }

    /// How many fault rules still have uses left.
    pub fn pending_faults(&self) -> usize {
        self.shared.faults.pending()
    }

    /// The requests received since the start (or the last
    /// [`MockServer::clear_requests`]), in arrival order, including rejected
    /// and faulted ones; at most the builder's `log_capacity` newest.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.log.snapshot()
    }

    /// Empties the request log.
    pub fn clear_requests(&self) {
        self.shared.log.clear();
    }

    /// Resolves once at least `n` requests have been received since the
    /// start or the last [`MockServer::clear_requests`] (no polling).
    pub async fn wait_for_requests(&self, n: usize) {
        self.shared.log.wait_for(n).await;
    }

    /// Stops accepting, closes open connections and waits for the server task.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown_tx.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        let _ = self.shutdown_tx.send(true);
    }
}

async fn accept_loop(listener: TcpListener, router: Router, mut shutdown: watch::Receiver<bool>) {
    let mut conns = JoinSet::new();
    loop {
        while conns.try_join_next().is_some() {}
        let stream = tokio::select! {
            _ = shutdown.changed() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Transient accept errors (e.g. too many open files): keep going.
                Err(_) => {
                    tokio::task::yield_now().await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        conns.spawn(async move {
            let abort = Arc::new(Notify::new());
            let conn_abort = ConnAbort(Arc::clone(&abort));
            let service =
                hyper::service::service_fn(move |mut req: http::Request<hyper::body::Incoming>| {
                    req.extensions_mut().insert(conn_abort.clone());
                    let router = router.clone();
                    async move { router.oneshot(req).await }
                });
            let builder = auto::Builder::new(TokioExecutor::new());
            let conn = builder.serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = conn => {}
                _ = abort.notified() => {}
            }
        });
    }
    conns.shutdown().await;
}

fn strip_query_free_path(path: &str) -> &str {
    api_path(path).unwrap_or(path)
}

/// The whole pipeline for one request.
async fn handle(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let request_id = Uuid::new_v4().to_string();
    let (parts, body) = req.into_parts();
    let abort = parts.extensions.get::<ConnAbort>().cloned();
    let (body, too_large) = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => (b, false),
        Err(_) => (Bytes::new(), true),
    };
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().unwrap_or("").to_owned();
    let pairs = decode_pairs(&query);
    let routed = route(&parts.method, &path);
    let operation_id = routed.as_ref().map(|r| r.op.operation_id());
    shared.log.record(RecordedRequest {
        method: parts.method.clone(),
        path: path.clone(),
        query,
        query_pairs: pairs.clone(),
        headers: parts.headers.clone(),
        body: body.clone(),
        operation_id,
        request_id: request_id.clone(),
        received_at: SystemTime::now(),
    });

    let fired = shared
        .faults
        .take(&parts.method, strip_query_free_path(&path), operation_id);
    let ctx = Ctx {
        shared: &shared,
        method: &parts.method,
        headers: &parts.headers,
        routed: routed.as_ref(),
        pairs: &pairs,
        body: &body,
        too_large,
    };
    let mut resp = match fired {
        None => ctx.respond(),
        Some(fired) => apply_fault(fired, &ctx, abort).await,
    };
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        resp.headers_mut().insert("x-request-id", v);
    }
    resp
}

struct Ctx<'a> {
    shared: &'a Shared,
    method: &'a Method,
    headers: &'a HeaderMap,
    routed: Option<&'a Route>,
    pairs: &'a [(String, String)],
    body: &'a [u8],
    too_large: bool,
}

impl Ctx<'_> {
    /// Normal processing: authenticate, then dispatch.
    fn respond(&self) -> Response {
        match self.dispatch() {
            Ok(r) => r,
            Err(e) => e.into_response(),
        }
    }

    fn authorized(&self) -> bool {
        let Some(value) = self.headers.get(header::AUTHORIZATION) else {
            return false;
        };
        let Ok(value) = value.to_str() else {
            return false;
        };
        let mut parts = value.trim().splitn(2, ' ');
        let scheme = parts.next().unwrap_or("");
        let token = parts.next().unwrap_or("").trim();
        scheme.eq_ignore_ascii_case("bearer") && token == self.shared.api_key
    }

    fn dispatch(&self) -> Result<Response, ApiError> {
        if !self.authorized() {
            return Err(ApiError::unauthorized());
        }
        if self.too_large {
            return Err(ApiError::too_large());
        }
        let Some(route) = self.routed else {
            return Err(ApiError::not_found());
        };
        let _ = self.method;
        let id = route.id.as_deref().unwrap_or("");
        let s = self.shared;
        match route.op {
            Operation::ListManagedAccounts => accounts::list(s, self.pairs),
            Operation::CreateManagedAccount => accounts::create(s, self.body),
            Operation::ListAllocatableGlobalOutboundChannels => accounts::allocatable(s),
            Operation::RetrieveManagedAccount => accounts::retrieve(s, id),
            Operation::UpdateManagedAccount => accounts::update(s, id, self.body),
            Operation::DisableManagedAccount => accounts::disable(s, id),
            Operation::EnableManagedAccount => accounts::enable(s, id, self.body),
            Operation::UpdateManagedAccountGlobalChannelLimit => {
                accounts::update_channel_limit(s, id, self.body)
            }
            Operation::ListOrganizationUsers => users::list(s, self.pairs),
            Operation::GetOrganizationUsersGroupsReport => users::groups_report(
                s,
                self.headers
                    .get(header::ACCEPT)
                    .and_then(|v| v.to_str().ok()),
            ),
            Operation::GetOrganizationUser => users::retrieve(s, id, self.pairs),
            Operation::DeleteOrganizationUser => users::remove(s, id),
        }
    }
}

fn status_or_500(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

fn with_headers(mut resp: Response, headers: Vec<(HeaderName, String)>) -> Response {
    for (name, value) in headers {
        if let Ok(v) = HeaderValue::from_str(&value) {
            resp.headers_mut().insert(name, v);
        }
    }
    resp
}

async fn into_bytes(resp: Response) -> (http::response::Parts, Bytes) {
    let (mut parts, body) = resp.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    (parts, bytes)
}

const HTML_502: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

async fn apply_fault(fired: Fired, ctx: &Ctx<'_>, abort: Option<ConnAbort>) -> Response {
    let Fired { fault, headers } = fired;
    let mut resp = match fault {
        Fault::Passthrough => ctx.respond(),
        Fault::Status(code) => ApiError::for_status(status_or_500(code)).into_response(),
        Fault::RateLimited(hint) => {
            let mut extra = Vec::new();
            if !matches!(hint, RetryHint::RateLimitReset(_)) {
                extra.push((HeaderName::from_static("x-ratelimit-limit"), "100".into()));
                extra.push((HeaderName::from_static("x-ratelimit-remaining"), "0".into()));
            }
            extra.extend(retry_headers(&hint));
            with_headers(
                ApiError::for_status(StatusCode::TOO_MANY_REQUESTS).into_response(),
                extra,
            )
        }
        Fault::Unavailable(hint) => with_headers(
            ApiError::for_status(StatusCode::SERVICE_UNAVAILABLE).into_response(),
            retry_headers(&hint),
        ),
        Fault::Delay(d) => {
            tokio::time::sleep(d).await;
            ctx.respond()
        }
        Fault::StallBody(d) => {
            let (parts, bytes) = into_bytes(ctx.respond()).await;
            let stream = futures_util::stream::once(async move {
                tokio::time::sleep(d).await;
                Ok::<Bytes, Infallible>(bytes)
            });
            Response::from_parts(parts, Body::from_stream(stream))
        }
        Fault::DropConnection => match abort {
            Some(ConnAbort(notify)) => {
                notify.notify_one();
                std::future::pending::<()>().await;
                ApiError::for_status(StatusCode::INTERNAL_SERVER_ERROR).into_response()
            }
            None => ApiError::for_status(StatusCode::INTERNAL_SERVER_ERROR).into_response(),
        },
        Fault::ResetMidBody => {
            let (parts, bytes) = into_bytes(ctx.respond()).await;
            let half = bytes.slice(..bytes.len() / 2);
            let first = futures_util::stream::iter([Ok::<Bytes, io::Error>(half)]);
            let fail = futures_util::stream::once(async {
                // Let hyper flush the head and the first half before the reset.
                tokio::time::sleep(Duration::from_millis(20)).await;
                Err(io::Error::new(
                    io::ErrorKind::ConnectionReset,
                    "fault injected: reset mid-body",
                ))
            });
            Response::from_parts(parts, Body::from_stream(first.chain(fail)))
        }
        Fault::TruncatedJson => {
            let (parts, bytes) = into_bytes(ctx.respond()).await;
            let half = bytes.slice(..bytes.len() / 2);
            Response::from_parts(parts, Body::from(half))
        }
        Fault::Html502 => raw_response(StatusCode::BAD_GATEWAY, "text/html", HTML_502),
        Fault::Empty200 => raw_response(StatusCode::OK, "application/json", Body::empty()),
        Fault::Raw {
            status,
            content_type,
            body,
        } => {
            let mut resp = Response::new(Body::from(body));
            *resp.status_mut() = status_or_500(status);
            let ct = HeaderValue::from_str(&content_type)
                .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
            resp.headers_mut().insert(header::CONTENT_TYPE, ct);
            resp
        }
    };
    for (name, value) in headers {
        resp.headers_mut().append(name, value);
    }
    resp
}
