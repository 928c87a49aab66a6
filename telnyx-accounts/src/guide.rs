//! Short guides: how to page, retry, handle errors, test and trace.
//!
//! Every example here runs (against the embedded mock, in hidden lines), so
//! what you read is what `cargo test --doc` checked.
//!
//! - [`paging`]: one page, every item, every page, prefetch.
//! - [`retries`]: what is retried, policies, deadlines, and "did my create
//!   happen?".
//! - [`pacing`]: the rate limit and the bound on requests in flight.
//! - [`errors`]: what each kind of error means and what to do about it.
//! - [`testing`]: testing your code against [`telnyx_accounts_mock`].
//! - [`tracing`]: the `telnyx.request` span and how to see it.
//!
//! [`telnyx_accounts_mock`]: https://docs.rs/telnyx-accounts-mock

pub mod paging {
    //! # Paging
    //!
    //! A list request awaited is **one page** ([`Page`](crate::Page)): its
    //! items in `data`, where it is in `meta`, and the request id of its
    //! response.
    //!
    //! ```
    //! # #[tokio::main(flavor = "current_thread")]
    //! # async fn main() -> Result<(), telnyx_accounts::Error> {
    //! # let mock = telnyx_accounts_mock::MockServer::start().await;
    //! # let client = telnyx_accounts::Client::builder().api_key(mock.api_key()).base_url(mock.base_url()).build()?;
    //! let page = client.managed_accounts().list().page_size(10).page_number(2).await?;
    //! assert_eq!(page.meta.page_number, 2);
    //! assert_eq!(page.data.len(), 10);
    //! println!("{} accounts in {} pages", page.meta.total_results, page.meta.total_pages);
    //! println!("request id {:?}", page.request_id());
    //! assert!(page.has_next_page());
    //! # Ok(()) }
    //! ```
    //!
    //! **Every item**: `into_stream()` asks for `page[number] = n + 1` with
    //! the same filters until the last page and yields the items one by one.
    //! Use `try_next()` (the stream is `Send + Unpin`), or any
    //! [`TryStreamExt`](futures::TryStreamExt) combinator:
    //!
    //! ```
    //! # #[tokio::main(flavor = "current_thread")]
    //! # async fn main() -> Result<(), telnyx_accounts::Error> {
    //! # let mock = telnyx_accounts_mock::MockServer::start().await;
    //! # let client = telnyx_accounts::Client::builder().api_key(mock.api_key()).base_url(mock.base_url()).build()?;
    //! use futures::TryStreamExt;
    //! use telnyx_accounts::ManagedAccountStatus;
    //!
    //! let mut accounts = client
    //!     .managed_accounts()
    //!     .list()
    //!     .status(ManagedAccountStatus::Disabled)
    //!     .page_size(250)
    //!     .into_stream();
    //! let mut disabled = 0;
    //! while let Some(account) = accounts.try_next().await? {
    //!     println!("{} is disabled", account.email);
    //!     disabled += 1;
    //! }
    //! # assert!(disabled > 0);
    //! # Ok(()) }
    //! ```
    //!
    //! **Every page**, whole, with its metadata: `pages()`. **All at once**:
    //! `collect_all()` (fine for an organization's users; prefer a stream
    //! for tens of thousands of accounts, whose memory then stays flat).
    //!
    //! ```
    //! # #[tokio::main(flavor = "current_thread")]
    //! # async fn main() -> Result<(), telnyx_accounts::Error> {
    //! # let mock = telnyx_accounts_mock::MockServer::start().await;
    //! # let client = telnyx_accounts::Client::builder().api_key(mock.api_key()).base_url(mock.base_url()).build()?;
    //! use futures::TryStreamExt;
    //!
    //! let mut pages = client.organizations().users().list().page_size(5).pages();
    //! while let Some(page) = pages.try_next().await? {
    //!     println!("page {}: {} users [{:?}]", page.meta.page_number, page.data.len(), page.request_id());
    //! }
    //! let users = client.organizations().users().list().include_groups(true).collect_all().await?;
    //! assert_eq!(users.len(), mock.users().len());
    //! # Ok(()) }
    //! ```
    //!
    //! **Prefetch.** While you work on a page, the stream already fetches the
    //! next one (`prefetch(1)`, the default), so a walk whose consumer does
    //! something per item takes about the longer of the two, not their sum.
    //! `prefetch(k)` keeps up to `k` page requests in flight, in page order;
    //! `prefetch(0)` fetches each page only when the previous one is used
    //! up. Dropping the stream cancels what is in flight; an error ends the
    //! walk and cancels the fetches ahead of it.
    //!
    //! ```
    //! # #[tokio::main(flavor = "current_thread")]
    //! # async fn main() -> Result<(), telnyx_accounts::Error> {
    //! # let mock = telnyx_accounts_mock::MockServer::start().await;
    //! # let client = telnyx_accounts::Client::builder().api_key(mock.api_key()).base_url(mock.base_url()).build()?;
    //! use futures::TryStreamExt;
    //!
    //! let emails: Vec<String> = client
    //!     .managed_accounts()
    //!     .list()
    //!     .page_size(20)
    //!     .prefetch(3)
    //!     .into_stream()
    //!     .map_ok(|account| account.email)
    //!     .try_collect()
    //!     .await?;
    //! # assert_eq!(emails.len(), 50 - mock.accounts().iter().filter(|a| a.status == telnyx_accounts_mock::AccountStatus::Cancelled).count());
    //! # Ok(()) }
    //! ```
    //!
    //! **When it stops**: at the last page (`page_number >= total_pages`) or
    //! on an empty page. A page whose number does not advance (a server that
    //! repeats itself) ends the walk with an error, since it cannot reach the
    //! last page (see [`crate::pagination`]). Pages are numbered: accounts
    //! created or removed during a long walk shift the later pages, so an
    //! item can be seen twice or missed; sort by `created_at` (oldest first)
    //! to make new accounts land at the end.
}

pub mod retries {
    //! # Retries, deadlines and idempotency
    //!
    //! The client retries what is safe to retry, and nothing else; the
    //! rules are in [`crate::retry`]. In short: timeouts, connection
    //! failures, 408, 429 and 5xx are retried (at most twice by default),
    //! honouring the server's `Retry-After`; `create` and `remove` are
    //! retried only when the first attempt cannot have been processed.
    //!
    //! **Tune it** per client or per call:
    //!
    //! ```
    //! # #[tokio::main(flavor = "current_thread")]
    //! # async fn main() -> Result<(), telnyx_accounts::Error> {
    //! # let mock = telnyx_accounts_mock::MockServer::start().await;
    //! use std::time::Duration;
    //! use telnyx_accounts::{Client, RetryPolicy};
    //!
    //! let client = Client::builder()
    //!     .api_key(mock.api_key())
    //! #   .base_url(mock.base_url())
    //!     .retry_policy(RetryPolicy::default().max_retries(4).full_jitter())
    //!     .deadline(Duration::from_secs(30)) // one call, every attempt and wait included
    //!     .build()?;
    //! // A health check that must answer fast or not at all:
    //! let pool = client
    //!     .managed_accounts()
    //!     .allocatable_global_outbound_channels()
    //!     .retry_policy(RetryPolicy::none())
    //!     .timeout(Duration::from_secs(2))
    //!     .await?;
    //! # let _ = pool;
    //! # Ok(()) }
    //! ```
    //!
    //! **Your own retries**: build them on
    //! [`Error::is_retryable`](crate::Error::is_retryable), which is true
    //! only when sending the same call again is safe.
    //!
    //! ## Did my create happen?
    //!
    //! A `create` that timed out, lost its connection after sending, or got
    //! a 5xx may have created the account: the client does not retry it
    //! (that could make two), and `is_retryable()` is false. Look for it by
    //! its email before creating it again:
    //!
    //! ```
    //! # #[tokio::main(flavor = "current_thread")]
    //! # async fn main() -> Result<(), telnyx_accounts::Error> {
    //! # use std::time::Duration;
    //! # use telnyx_accounts_mock::{Fault, FaultRule};
    //! # let mock = telnyx_accounts_mock::MockServer::start().await;
    //! # let client = telnyx_accounts::Client::builder().api_key(mock.api_key()).base_url(mock.base_url()).timeout(Duration::from_millis(300)).build()?;
    //! # // The account is created, but its response never arrives in time.
    //! # mock.inject(FaultRule::new(Fault::StallBody(Duration::from_secs(3))).operation("CreateManagedAccount"));
    //! use telnyx_accounts::{Client, Error};
    //! use uuid::Uuid;
    //!
    //! /// Creates the account, or finds the one an earlier attempt created.
    //! async fn create_once(client: &Client, name: &str, email: &str) -> Result<Uuid, Error> {
    //!     match client.managed_accounts().create(name).email(email).await {
    //!         Ok(account) => Ok(account.id),
    //!         // Not retryable, and no 4xx: a timeout, a lost connection or a 5xx.
    //!         Err(e) if !e.is_retryable() && e.status().is_none_or(|s| s >= 500) => {
    //!             // Maybe created: emails are unique, so look it up.
    //!             let found = client.managed_accounts().list().email_eq(email).await?;
    //!             match found.data.first() {
    //!                 Some(account) => Ok(account.id), // it was created after all
    //!                 None => Err(e),                  // it was not: safe to try again
    //!             }
    //!         }
    //!         Err(e) => Err(e),
    //!     }
    //! }
    //!
    //! let id = create_once(&client, "Larry's Cat Food Inc", "larry@example.com").await?;
    //! assert_eq!(client.managed_accounts().retrieve(id).await?.email, "larry@example.com");
    //! # assert_eq!(mock.accounts().iter().filter(|a| a.email == "larry@example.com").count(), 1);
    //! # Ok(()) }
    //! ```
    //!
    //! The same holds for `remove`: after a timeout, retrieve the user; a
    //! 404 then means the removal went through.
}

pub mod pacing {
    //! # Pacing: the rate limit and requests in flight
    //!
    //! Every attempt of every call, from every clone of a
    //! [`Client`](crate::Client) and every task, first waits for a free
    //! **slot** (at most [`ClientBuilder::max_concurrency`] in flight,
    //! default [`DEFAULT_MAX_CONCURRENCY`](crate::DEFAULT_MAX_CONCURRENCY)),
    //! then, with [`ClientBuilder::pacing`] on (the default), for the
    //! client's **rate limiter**. Both waits count against the call's
    //! deadline; a call that runs out of time there fails with
    //! [`RetryStop::Queued`](crate::RetryStop::Queued) and was never sent.
    //!
    //! The rate limiter reads Telnyx's `x-ratelimit-limit`,
    //! `x-ratelimit-remaining` and `x-ratelimit-reset` headers on every
    //! response and sends a request only while those headers, minus the
    //! requests sent since, leave room for it, so bulk work waits for the
    //! window to refill instead of collecting 429s. A 429 that still happens
    //! (another program using the same key) holds every task of the client
    //! until its wait is over, and the call is retried. Until the first
    //! response says whether there is a limit, requests go one at a time
    //! for a moment; a server that sends no such headers is not paced.
    //!
    //! **The hold binds every call**, however long the server asked for:
    //! no new request leaves the client before it ends. A call that cannot
    //! wait it out, because the hold ends after the call's deadline or is
    //! longer than its policy's
    //! [`max_server_delay`](crate::RetryPolicy::max_server_delay), fails
    //! at once, unsent, with [`Error::Held`](crate::Error::Held): its
    //! [`HeldError::retry_after`](crate::HeldError::retry_after) is the time left on the
    //! hold, and it is safe to send again.
    //!
    //! **First come, first served.** Calls that wait for the limiter go in
    //! the order they arrived; a newcomer never overtakes a waiting call.
    //!
    //! It cannot see other programs, or other `Client`s built separately,
    //! using the same key: share one `Client` and clone it.
    //!
    //! **See the waits** in each attempt's
    //! [`AttemptInfo`](crate::hooks::AttemptInfo) (`concurrency_wait`,
    //! `rate_limit_wait`; [`RequestCounter`](crate::hooks::RequestCounter)
    //! sums them), or in the `DEBUG` event "waited for the rate limiter":
    //!
    //! ```
    //! # #[tokio::main(flavor = "current_thread")]
    //! # async fn main() -> Result<(), telnyx_accounts::Error> {
    //! # let mock = telnyx_accounts_mock::MockServer::start().await;
    //! use telnyx_accounts::hooks::{AttemptOutcome, Hook};
    //! use telnyx_accounts::Client;
    //!
    //! struct LogWaits;
    //!
    //! impl Hook for LogWaits {
    //!     fn after_attempt(&self, outcome: &AttemptOutcome<'_>) {
    //!         let info = &outcome.info;
    //!         if !(info.concurrency_wait + info.rate_limit_wait).is_zero() {
    //!             eprintln!(
    //!                 "{} waited {:?} for a slot, {:?} for the rate limit",
    //!                 info.operation, info.concurrency_wait, info.rate_limit_wait
    //!             );
    //!         }
    //!     }
    //! }
    //!
    //! let client = Client::builder()
    //!     .api_key(mock.api_key())
    //!     .base_url(mock.base_url())
    //!     .max_concurrency(16) // at most 16 requests in flight, across all clones
    //!     .hook(LogWaits)
    //!     .build()?;
    //! client.managed_accounts().list().await?;
    //! # Ok(()) }
    //! ```
    //!
    //! [`ClientBuilder::max_concurrency`]: crate::ClientBuilder::max_concurrency
    //! [`ClientBuilder::pacing`]: crate::ClientBuilder::pacing
}

pub mod errors {
    //! # Errors, and what to do with each
    //!
    //! Every call returns [`Error`](crate::Error). Its `Display` is a
    //! sentence with what a person needs (status, Telnyx's title and detail,
    //! the request id); branch on the variant in code:
    //!
    //! | error | means | do |
    //! |---|---|---|
    //! | `Api`, kind `BadRequest` / `UnprocessableEntity` | a value Telnyx refused | fix it: `errors()[0].source` names the field or parameter |
    //! | `Api`, kind `Authentication` | wrong, revoked or missing key; with client credentials, a freshly issued token refused too | check the key (`TELNYX_API_KEY`), or that the OAuth client may use this API |
    //! | any, with `is_token_error()` | the OAuth2 token request failed (its status, body and request id); the call was **not** sent | 401: check `TELNYX_CLIENT_ID` / `TELNYX_CLIENT_SECRET`; otherwise as the row of its kind (`is_retryable()` is about the call) |
    //! | `Api`, kind `PermissionDenied` | the key may not do this | managed accounts need a manager account approved by Telnyx |
    //! | `Api`, kind `NotFound` | no such account or user | |
    //! | `Api`, kind `RateLimited` | too many requests (after the client's retries) | wait `retry_after()`, slow down |
    //! | `Api`, kind `Server` | Telnyx failed (after retries) | retry later if `is_retryable()`; quote `request_id()` to support |
    //! | `Timeout` | an attempt's timeout, or the call's deadline (`deadline: true`) ran out | raise `.timeout(..)` / `.deadline(..)`; for a create, see [`retries`](super::retries) |
    //! | `Connection` | the network failed; `before_send`: nothing was sent | check connectivity; retry if `is_retryable()` |
    //! | `InvalidRequest` | refused before sending (empty id, page size 0) | fix the call |
    //! | `Decode` | a 2xx body that does not fit the model | report it with `request_id()` and the `snippet` |
    //! | `Config` | the client could not be built | the message says which setting |
    //!
    //! ```
    //! # #[tokio::main(flavor = "current_thread")]
    //! # async fn main() {
    //! # let mock = telnyx_accounts_mock::MockServer::start().await;
    //! # let client = telnyx_accounts::Client::builder().api_key(mock.api_key()).base_url(mock.base_url()).build().unwrap();
    //! use telnyx_accounts::{ApiErrorKind, Error};
    //!
    //! let err = client.managed_accounts().update_global_channel_limit(mock.accounts()[0].id)
    //!     .channel_limit(1_000_000)
    //!     .await
    //!     .unwrap_err();
    //! match &err {
    //!     Error::Api(e) if e.kind() == ApiErrorKind::UnprocessableEntity => {
    //!         let first = &e.errors()[0];
    //!         println!("{:?} at {:?}", first.detail, first.source);
    //!         println!("request id {:?}, after {} attempt(s)", e.request_id(), e.attempts());
    //!     }
    //!     Error::Api(e) if e.kind() == ApiErrorKind::RateLimited => println!("wait {:?}", e.retry_after()),
    //!     e if e.is_retryable() => println!("try again later: {e}"),
    //!     e => println!("{e}"),
    //! }
    //! # assert!(matches!(&err, Error::Api(e) if e.kind() == ApiErrorKind::UnprocessableEntity));
    //! # }
    //! ```
}

pub mod testing {
    //! # Testing your code with the mock
    //!
    //! [`telnyx-accounts-mock`](https://docs.rs/telnyx-accounts-mock) is a
    //! stateful fake of the API on `127.0.0.1`, on a thread of its own: add
    //! it as a dev-dependency, point a client at it, and assert on what your
    //! code sent and what it did with the answers. Faults make it misbehave
    //! on purpose (statuses, timeouts, dropped connections, bad bodies).
    //!
    //! ```
    //! # #[tokio::main(flavor = "current_thread")]
    //! # async fn main() -> Result<(), telnyx_accounts::Error> {
    //! use telnyx_accounts::Client;
    //! use telnyx_accounts_mock::{Fault, FaultRule, MockServer, NewAccount};
    //!
    //! let mock = MockServer::start().await;
    //! let client = Client::builder().api_key(mock.api_key()).base_url(mock.base_url()).build()?;
    //!
    //! // A fixture, instead of searching the seeded data.
    //! let acme = mock.insert_account(NewAccount::new("Acme").email("ops@acme.example")).unwrap();
    //!
    //! // The code under test: disable an account, and survive one 503.
    //! mock.inject(FaultRule::new(Fault::Status(503)).operation("DisableManagedAccount").expect(1));
    //! client.managed_accounts().actions().disable(acme.id).await?;
    //!
    //! // What went over the wire, and the state it left.
    //! let sent: Vec<_> = mock.requests().into_iter().filter(|r| r.operation_id == Some("DisableManagedAccount")).collect();
    //! assert_eq!(sent.len(), 2, "one 503, one retry");
    //! assert_eq!(mock.account(&acme.id.to_string()).unwrap().status, telnyx_accounts_mock::AccountStatus::Disabled);
    //! mock.verify(); // every `expect` was met
    //! # Ok(()) }
    //! ```
    //!
    //! With OAuth2 client credentials, start the mock with
    //! `MockServer::builder().client_credentials(id, secret)`; token requests
    //! are in the log (`is_token_request()`), and `expire_tokens()` makes
    //! every issued token expire at once, to test what your code sees when a
    //! token expires early (the client gets a new one and sends the call
    //! once more):
    //!
    //! ```
    //! # #[tokio::main(flavor = "current_thread")]
    //! # async fn main() -> Result<(), telnyx_accounts::Error> {
    //! use telnyx_accounts::Client;
    //! use telnyx_accounts_mock::MockServer;
    //!
    //! let mock = MockServer::builder().client_credentials("ID", "SECRET").start().await;
    //! let client = Client::builder().client_credentials("ID", "SECRET").base_url(mock.base_url()).build()?;
    //! client.managed_accounts().list().await?;
    //! mock.expire_tokens();
    //! let response = client.managed_accounts().list().send_with_response().await?;
    //! assert_eq!(response.attempts(), 2, "a 401, then the call with a new token");
    //! assert_eq!(mock.requests().iter().filter(|r| r.is_token_request()).count(), 2);
    //! # Ok(()) }
    //! ```
    //!
    //! To build the crate's models without a server (a fake of your own),
    //! every model has a builder: see [`models`](crate::models).
}

pub mod tracing {
    //! # Tracing
    //!
    //! Each call is one `telnyx.request` span (INFO) with the fields
    //! `operation` (the official operationId), `method`, `path` (the
    //! template, such as `/managed_accounts/{id}`: ids may identify people),
    //! `attempt`, `status`, `request_id` and `elapsed_ms`. Retries and
    //! failures are DEBUG events inside it. The API key and query values
    //! (emails, names) never appear. Page fetches that run ahead of a
    //! stream report under the consumer's span.
    //!
    //! ```
    //! # #[tokio::main(flavor = "current_thread")]
    //! # async fn main() -> Result<(), telnyx_accounts::Error> {
    //! # let mock = telnyx_accounts_mock::MockServer::start().await;
    //! # let client = telnyx_accounts::Client::builder().api_key(mock.api_key()).base_url(mock.base_url()).build()?;
    //! tracing_subscriber::fmt()
    //!     .with_env_filter("telnyx_accounts=debug")
    //!     .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
    //!     .init();
    //! client.managed_accounts().list().await?;
    //! // INFO telnyx.request{operation="ListManagedAccounts" method="GET" path="/managed_accounts"
    //! //      attempt=1 status=200 request_id="…" elapsed_ms=1}: close …
    //! # Ok(()) }
    //! ```
    //!
    //! With OAuth2 client credentials, a token request is a `telnyx.request`
    //! span of its own (`operation="OAuthToken"`, `path="/oauth/token"`,
    //! `for_operation` the call that needed it) inside the call's span; the
    //! client secret and the tokens never appear.
    //!
    //! For metrics rather than logs, register a
    //! [`RequestCounter`](crate::hooks::RequestCounter) hook.
}
