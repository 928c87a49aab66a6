//! Sending one operation: per-attempt timeout, retries, tracing, and turning
//! what progenitor returns into this crate's [`Error`].

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use progenitor_client::{Error as GenError, ResponseValue};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::client::Client;
use crate::error::{ApiError, ConnectionError, DecodeError, Error, TimeoutError};
use crate::retry::{self, Idempotency, Outcome};

/// How much of an error body is kept.
const ERROR_BODY_LIMIT: usize = 64 * 1024;
/// How much of a body a decode error shows.
const SNIPPET_LEN: usize = 200;

/// What the engine needs to know about an operation.
#[derive(Debug)]
pub(crate) struct Operation {
    /// The official operationId.
    pub(crate) id: &'static str,
    pub(crate) method: &'static str,
    /// The path template, e.g. `/managed_accounts/{id}` (never the ids: they
    /// may identify people).
    pub(crate) path: &'static str,
    pub(crate) idempotency: Idempotency,
}

/// Per-request overrides of the client's settings.
#[derive(Debug, Clone, Default)]
pub(crate) struct RequestOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) max_retries: Option<u32>,
    pub(crate) headers: HeaderMap,
    /// A header that could not be parsed; reported when the request is sent.
    pub(crate) header_error: Option<String>,
}

impl RequestOptions {
    pub(crate) fn header<K, V>(&mut self, name: K, value: V)
    where
        K: TryInto<HeaderName>,
        V: TryInto<HeaderValue>,
    {
        match (name.try_into(), value.try_into()) {
            (Ok(n), Ok(v)) => {
                self.headers.insert(n, v);
            }
            _ => self.header_error = Some("is not a valid header name or value".to_owned()),
        }
    }

    /// The generated client to send with: the shared one, or, when this
    /// request has headers of its own, one carrying them too.
    fn gen_client(&self, client: &Client) -> Arc<telnyx_accounts_gen::Client> {
        if self.headers.is_empty() {
            return Arc::clone(&client.inner.gen);
        }
        let mut headers = client.inner.headers.clone();
        for (name, value) in &self.headers {
            headers.insert(name.clone(), value.clone());
        }
        Arc::new(telnyx_accounts_gen::Client::new_with_client(
            &client.inner.base_url,
            client.inner.http.clone(),
            headers,
        ))
    }

    /// The headers for a request built by hand (the CSV report).
    pub(crate) fn all_headers(&self, client: &Client) -> HeaderMap {
        let mut headers = client.inner.headers.clone();
        for (name, value) in &self.headers {
            headers.insert(name.clone(), value.clone());
        }
        headers
    }
}

/// Why an attempt failed.
enum Failure {
    Timeout,
    Connection(reqwest::Error),
    Status {
        status: u16,
        headers: HeaderMap,
        body: Bytes,
    },
    Decode {
        status: u16,
        headers: Option<HeaderMap>,
        body: Bytes,
        error: serde_json::Error,
    },
    Invalid(String),
}

impl Failure {
    fn outcome(&self) -> Option<Outcome<'_>> {
        match self {
            Failure::Timeout => Some(Outcome::Timeout),
            Failure::Connection(e) => Some(Outcome::Connection {
                before_send: e.is_connect(),
            }),
            Failure::Status {
                status, headers, ..
            } => Some(Outcome::Status {
                status: *status,
                headers,
            }),
            Failure::Decode { .. } | Failure::Invalid(_) => None,
        }
    }
}

/// Sends an operation: `send` makes one attempt with the generated client
/// it is given; this retries it as the rules in [`crate::retry`] say.
pub(crate) async fn execute<T, F, Fut>(
    client: &Client,
    op: &'static Operation,
    opts: &RequestOptions,
    mut send: F,
) -> Result<ResponseValue<T>, Error>
where
    T: DeserializeOwned,
    F: FnMut(Arc<telnyx_accounts_gen::Client>) -> Fut,
    Fut: Future<Output = Result<ResponseValue<T>, GenError<()>>>,
{
    if let Some(reason) = &opts.header_error {
        return Err(Error::invalid("header", reason.clone()));
    }
    let gen = opts.gen_client(client);
    let timeout = opts.timeout.unwrap_or(client.inner.timeout);
    let max_retries = opts.max_retries.unwrap_or(client.inner.max_retries);
    let span = tracing::info_span!(
        "telnyx.request",
        operation = op.id,
        method = op.method,
        path = op.path,
        attempt = tracing::field::Empty,
        status = tracing::field::Empty,
        request_id = tracing::field::Empty,
        elapsed_ms = tracing::field::Empty,
    );
    async move {
        let started = Instant::now();
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            tracing::Span::current().record("attempt", attempt);
            let result = match tokio::time::timeout(
                timeout,
                attempt_once(&mut send, Arc::clone(&gen)),
            )
            .await
            {
                Ok(r) => r,
                Err(_elapsed) => Err(Failure::Timeout),
            };
            let failure = match result {
                Ok(value) => {
                    record_response(value.status().as_u16(), value.headers(), started);
                    return Ok(value);
                }
                Err(f) => f,
            };
            if let Failure::Status {
                status, headers, ..
            } = &failure
            {
                record_response(*status, headers, started);
            }
            let delay = failure
                .outcome()
                .and_then(|o| retry::next_delay(o, op.idempotency, attempt, max_retries));
            match delay {
                Some(delay) => {
                    tracing::debug!(
                        attempt,
                        delay_ms = delay.as_millis() as u64,
                        reason = failure_reason(&failure),
                        "retrying"
                    );
                    tokio::time::sleep(delay).await;
                }
                None => {
                    tracing::debug!(attempt, reason = failure_reason(&failure), "request failed");
                    return Err(into_error(failure, attempt, timeout, client));
                }
            }
        }
    }
    .instrument(span)
    .await
}

fn record_response(status: u16, headers: &HeaderMap, started: Instant) {
    let span = tracing::Span::current();
    span.record("status", status);
    if let Some(id) = request_id(headers) {
        span.record("request_id", id);
    }
    span.record("elapsed_ms", started.elapsed().as_millis() as u64);
}

fn failure_reason(f: &Failure) -> &'static str {
    match f {
        Failure::Timeout => "timeout",
        Failure::Connection(_) => "connection",
        Failure::Status { .. } => "status",
        Failure::Decode { .. } => "decode",
        Failure::Invalid(_) => "invalid request",
    }
}

async fn attempt_once<T, F, Fut>(
    send: &mut F,
    gen: Arc<telnyx_accounts_gen::Client>,
) -> Result<ResponseValue<T>, Failure>
where
    T: DeserializeOwned,
    F: FnMut(Arc<telnyx_accounts_gen::Client>) -> Fut,
    Fut: Future<Output = Result<ResponseValue<T>, GenError<()>>>,
{
    match send(gen).await {
        Ok(value) => Ok(value),
        Err(GenError::UnexpectedResponse(response)) => {
            let status = response.status();
            let headers = response.headers().clone();
            if status.is_success() {
                // A 2xx the fragment does not list (201, 203, ...): decode it all the same.
                let body = response.bytes().await.map_err(Failure::Connection)?;
                return match serde_json::from_slice::<T>(&body) {
                    Ok(v) => Ok(ResponseValue::new(v, status, headers)),
                    Err(error) => Err(Failure::Decode {
                        status: status.as_u16(),
                        headers: Some(headers),
                        body,
                        error,
                    }),
                };
            }
            let body = read_bounded(response, ERROR_BODY_LIMIT).await;
            Err(Failure::Status {
                status: status.as_u16(),
                headers,
                body,
            })
        }
        Err(GenError::ErrorResponse(value)) => Err(Failure::Status {
            status: value.status().as_u16(),
            headers: value.headers().clone(),
            body: Bytes::new(),
        }),
        Err(GenError::CommunicationError(e))
        | Err(GenError::ResponseBodyError(e))
        | Err(GenError::InvalidUpgrade(e)) => Err(if e.is_timeout() {
            Failure::Timeout
        } else {
            Failure::Connection(e)
        }),
        Err(GenError::InvalidResponsePayload(body, error)) => Err(Failure::Decode {
            // The fragment lists only 200 responses, so that is what was decoded.
            status: 200,
            headers: None,
            body,
            error,
        }),
        Err(GenError::InvalidRequest(reason)) | Err(GenError::Custom(reason)) => {
            Err(Failure::Invalid(reason))
        }
    }
}

/// Reads at most `limit` bytes of a body; a body that breaks off keeps what
/// arrived (an error body is informative, not essential).
pub(crate) async fn read_bounded(mut response: reqwest::Response, limit: usize) -> Bytes {
    let mut buf = BytesMut::new();
    while buf.len() < limit {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let take = chunk.len().min(limit - buf.len());
                buf.extend_from_slice(&chunk[..take]);
            }
            Ok(None) | Err(_) => break,
        }
    }
    buf.freeze()
}

pub(crate) fn request_id(headers: &HeaderMap) -> Option<&str> {
    headers.get("x-request-id").and_then(|v| v.to_str().ok())
}

fn into_error(failure: Failure, attempts: u32, timeout: Duration, client: &Client) -> Error {
    match failure {
        Failure::Timeout => Error::Timeout(TimeoutError { timeout, attempts }),
        Failure::Connection(e) => {
            let e = e.without_url();
            Error::Connection(ConnectionError {
                message: error_chain(&e),
                before_send: e.is_connect(),
                attempts,
                source: Some(e),
            })
        }
        Failure::Status {
            status,
            headers,
            body,
        } => {
            let errors = crate::error::parse_error_body(&body);
            let retry_after = matches!(status, 429 | 503)
                .then(|| retry::server_delay(&headers))
                .flatten();
            Error::Api(Box::new(ApiError {
                status,
                errors,
                request_id: request_id(&headers).map(str::to_owned),
                retry_after,
                rate_limit: retry::rate_limit(&headers),
                headers,
                body,
                attempts,
            }))
        }
        Failure::Decode {
            status,
            headers,
            body,
            error,
        } => decode_error(
            status,
            headers.as_ref(),
            Some(&body),
            &error.to_string(),
            client,
        ),
        Failure::Invalid(reason) => Error::invalid("request", reason),
    }
}

/// A decode error with a short, secret-free snippet of the body; `None`
/// when the body parsed as JSON and was not kept (a missing `data`).
pub(crate) fn decode_error(
    status: u16,
    headers: Option<&HeaderMap>,
    body: Option<&[u8]>,
    message: &str,
    client: &Client,
) -> Error {
    let key = client.inner.api_key.expose_secret();
    let Some(body) = body else {
        return Error::Decode(DecodeError {
            status,
            message: message.to_owned(),
            snippet: "(valid JSON, not kept)".to_owned(),
            request_id: headers.and_then(request_id).map(str::to_owned),
        });
    };
    let text = String::from_utf8_lossy(body);
    let scrubbed = crate::secret::scrub(&text, &[key]);
    let mut snippet: String = scrubbed.chars().take(SNIPPET_LEN).collect();
    if scrubbed.chars().count() > SNIPPET_LEN {
        snippet.push('…');
    }
    if snippet.is_empty() {
        snippet = "(empty body)".to_owned();
    }
    Error::Decode(DecodeError {
        status,
        message: crate::secret::scrub(message, &[key]),
        snippet,
        request_id: headers.and_then(request_id).map(str::to_owned),
    })
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
