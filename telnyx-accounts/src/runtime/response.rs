//! [`Response`]: a call's value with what the response said about it.

use std::fmt;
use std::ops::Deref;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName};

use crate::error::RateLimit;

/// A successful call's value, with the response's status, headers, request
/// id and rate-limit headers, and how many attempts and how long it took.
/// Every request builder returns one from `.send_with_response()`.
///
/// It dereferences to the value; [`into_inner`](Self::into_inner) takes it.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), telnyx_accounts::Error> {
/// # let mock = telnyx_accounts_mock::MockServer::start().await;
/// # let client = telnyx_accounts::Client::builder().api_key(mock.api_key()).base_url(mock.base_url()).build()?;
/// # let id = mock.accounts()[0].id;
/// let response = client.managed_accounts().retrieve(id).send_with_response().await?;
/// assert_eq!(response.status(), 200);
/// assert_eq!(response.attempts(), 1);
/// println!("request id {:?}, took {:?}", response.request_id(), response.elapsed());
/// println!("{}", response.email); // Deref to the account
/// let account = response.into_inner();
/// # let _ = account; Ok(()) }
/// ```
pub struct Response<T> {
    value: T,
    meta: ResponseMeta,
}

/// What a successful response said, besides its body.
#[derive(Debug, Clone)]
pub(crate) struct ResponseMeta {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) rate_limit: Option<RateLimit>,
    pub(crate) attempts: u32,
    pub(crate) elapsed: Duration,
}

impl ResponseMeta {
    pub(crate) fn request_id(&self) -> Option<&str> {
        request_id(&self.headers)
    }
}

/// The `x-request-id` header.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<&str> {
    const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
    headers.get(&X_REQUEST_ID).and_then(|v| v.to_str().ok())
}

impl<T> Response<T> {
    pub(crate) fn new(value: T, meta: ResponseMeta) -> Self {
        Self { value, meta }
    }

    /// The HTTP status, e.g. 200.
    pub fn status(&self) -> u16 {
        self.meta.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.meta.headers
    }

    /// The `x-request-id` Telnyx gave the request: quote it to support.
    pub fn request_id(&self) -> Option<&str> {
        self.meta.request_id()
    }

    /// Telnyx's rate-limit headers, when the response carried them.
    pub fn rate_limit(&self) -> Option<&RateLimit> {
        self.meta.rate_limit.as_ref()
    }

    /// How many attempts the call took: 1 when the first succeeded.
    pub fn attempts(&self) -> u32 {
        self.meta.attempts
    }

    /// How long the call took, every attempt and wait included.
    pub fn elapsed(&self) -> Duration {
        self.meta.elapsed
    }

    /// The value, without the response metadata.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The value converted, the metadata kept.
    pub(crate) fn map<U>(self, f: impl FnOnce(T, &ResponseMeta) -> U) -> Response<U> {
        let value = f(self.value, &self.meta);
        Response {
            value,
            meta: self.meta,
        }
    }
}

impl<T> Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: fmt::Debug> fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.meta.status)
            .field("request_id", &self.request_id())
            .field("rate_limit", &self.meta.rate_limit)
            .field("attempts", &self.meta.attempts)
            .field("elapsed", &self.meta.elapsed)
            .field("value", &self.value)
            .finish_non_exhaustive()
    }
}
