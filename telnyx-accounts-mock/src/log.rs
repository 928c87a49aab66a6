//! The request log: every request the mock received, for tests to assert on.

use std::collections::VecDeque;
use std::fmt;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use http::{HeaderMap, Method};
use parking_lot::Mutex;
use tokio::sync::Notify;

/// JSON body fields whose values `Debug` never shows.
const SECRET_FIELDS: &[&str] = &[
    "password",
    "api_key",
    "api_token",
    "client_secret",
    "access_token",
];

/// One request as the mock received it.
///
/// Recorded before anything else happens to it (rate limiting, faults,
/// authentication), so rejected and faulted requests are in the log too.
/// Headers and bodies are kept as sent, so tests can assert on them, except
/// on the token endpoint (`POST /v2/oauth/token`), whose client credentials
/// are stored redacted: the `Authorization` value becomes `Basic [redacted]`
/// and a `client_secret` form field `client_secret=[redacted]`. `Debug`
/// additionally redacts every `Authorization` header and the secret fields of
/// JSON bodies (`password`, `api_key`, `api_token`, `client_secret`,
/// `access_token`).
#[derive(Clone)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The HTTP method.
    pub method: Method,
    /// The full request path as received, *with* the `/v2` prefix
    /// (`/v2/managed_accounts`); see [`RecordedRequest::api_path`].
    pub path: String,
    /// The raw query string, without `?` (empty when there was none).
    pub query: String,
    /// The query pairs, percent-decoded (keys and values), in the order sent.
    pub query_pairs: Vec<(String, String)>,
    /// All request headers.
    pub headers: HeaderMap,
    /// The request body (empty when [`RecordedRequest::body_omitted`]).
    pub body: Bytes,
    /// True when the body was not kept because this one request was larger
    /// than the log's whole byte budget (`MockServerBuilder::log_max_bytes`).
    pub body_omitted: bool,
    /// The operationId the request was routed to (`"ListManagedAccounts"`),
    /// or `None` for the token endpoint and unknown paths or methods.
    pub operation_id: Option<&'static str>,
    /// The `x-request-id` the mock sent back.
    pub request_id: String,
    /// When the request head was received (wall clock).
    pub received_at: SystemTime,
    /// When the request head was received (monotonic: compare it with other
    /// requests' times and with [`Instant::now`]).
    pub received_instant: Instant,
    /// When the mock handed the response head to the connection, after any
    /// latency and fault delay; `None` while the request is in flight, and
    /// for connections dropped by [`crate::Fault::DropConnection`].
    pub responded_instant: Option<Instant>,
    /// The status the mock answered with; `None` while in flight or when
    /// no response was sent.
    pub status: Option<u16>,
}

impl RecordedRequest {
    /// The path without the `/v2` prefix (`/managed_accounts`).
    pub fn api_path(&self) -> &str {
        match self.path.strip_prefix("/v2") {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => rest,
            _ => &self.path,
        }
    }

    /// The last decoded value of query parameter `key` (e.g. `"page[number]"`).
    pub fn query_param(&self, key: &str) -> Option<&str> {
        self.query_pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// A header's value, if present and valid UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// True for a request to the OAuth2 token endpoint (`/v2/oauth/token`).
    pub fn is_token_request(&self) -> bool {
        self.api_path().trim_end_matches('/') == "/oauth/token"
    }

    /// One line for messages: `GET /v2/managed_accounts?page[size]=5 -> 200`.
    pub fn summary(&self) -> String {
        let query = if self.query.is_empty() {
            String::new()
        } else {
            format!("?{}", self.query)
        };
        let status = match self.status {
            Some(s) => s.to_string(),
            None => "no response".to_owned(),
        };
        format!("{} {}{query} -> {status}", self.method, self.path)
    }

    /// Bytes this entry holds, as the log's byte budget counts them.
    fn weight(&self) -> usize {
        let headers: usize = self
            .headers
            .iter()
            .map(|(k, v)| k.as_str().len() + v.len())
            .sum();
        let pairs: usize = self
            .query_pairs
            .iter()
            .map(|(k, v)| k.len() + v.len())
            .sum();
        self.body.len() + self.path.len() + self.query.len() + headers + pairs
    }
}

/// The body as `Debug` shows it: JSON with secret fields redacted, else text.
fn redacted_body(body: &[u8]) -> String {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(mut map)) => {
            for field in SECRET_FIELDS {
                if let Some(v) = map.get_mut(*field) {
                    *v = serde_json::Value::String("[redacted]".into());
                }
            }
            serde_json::Value::Object(map).to_string()
        }
        _ => String::from_utf8_lossy(body).into_owned(),
    }
}

impl fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| {
                let value = if k == http::header::AUTHORIZATION {
                    "[redacted]"
                } else {
                    v.to_str().unwrap_or("[non-utf8]")
                };
                (k.as_str(), value)
            })
            .collect();
        f.debug_struct("RecordedRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("query_pairs", &self.query_pairs)
            .field("headers", &headers)
            .field("body", &redacted_body(&self.body))
            .field("body_omitted", &self.body_omitted)
            .field("operation_id", &self.operation_id)
            .field("request_id", &self.request_id)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

/// What [`crate::MockServer::wait_for_requests_within`] returns when the
/// requests did not all arrive in time.
#[derive(Debug, Clone)]
pub struct WaitTimeout {
    /// How many requests were awaited.
    pub expected: usize,
    /// How many had arrived when the time ran out.
    pub received: usize,
    /// How long it waited.
    pub waited: Duration,
    /// [`RecordedRequest::summary`] of each request still in the log.
    pub requests: Vec<String>,
}

impl fmt::Display for WaitTimeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "telnyx-accounts-mock: expected {} request(s) within {:?}, received {}",
            self.expected, self.waited, self.received
        )?;
        for line in &self.requests {
            write!(f, "\n  {line}")?;
        }
        Ok(())
    }
}

impl std::error::Error for WaitTimeout {}

/// Where a recorded request sits in the log, to add its response later.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Seq(u64);

struct Kept {
    seq: u64,
    weight: usize,
    req: RecordedRequest,
}

struct Entries {
    /// The retained requests, oldest first.
    kept: VecDeque<Kept>,
    /// The sum of `kept`'s weights.
    bytes: usize,
    /// Requests received since the start or the last clear, kept or not.
    received: usize,
    next_seq: u64,
}

/// A log bounded twice: the newest `capacity` requests, and no more than
/// `max_bytes` of them, so a long-running mock under a benchmark (or a test
/// sending large bodies) does not grow without limit.
pub(crate) struct RequestLog {
    entries: Mutex<Entries>,
    capacity: usize,
    max_bytes: usize,
    notify: Notify,
}

impl RequestLog {
    pub(crate) fn new(capacity: usize, max_bytes: usize) -> Self {
        RequestLog {
            entries: Mutex::new(Entries {
                kept: VecDeque::new(),
                bytes: 0,
                received: 0,
                next_seq: 0,
            }),
            capacity,
            max_bytes,
            notify: Notify::new(),
        }
    }

    /// False when the log keeps nothing: entries are then never built.
    pub(crate) fn keeps_entries(&self) -> bool {
        self.capacity > 0 && self.max_bytes > 0
    }

    /// Counts one request and, when the log keeps entries, builds and keeps it.
    pub(crate) fn record_with(&self, build: impl FnOnce() -> RecordedRequest) -> Option<Seq> {
        let entry = self.keeps_entries().then(build).map(|mut req| {
            let mut weight = req.weight();
            if weight > self.max_bytes {
                req.body = Bytes::new();
                req.body_omitted = true;
                weight = req.weight();
            }
            (req, weight)
        });
        let seq = {
            let mut e = self.entries.lock();
            e.received += 1;
            entry.map(|(req, weight)| {
                let seq = e.next_seq;
                e.next_seq += 1;
                e.bytes += weight;
                e.kept.push_back(Kept { seq, weight, req });
                while e.kept.len() > self.capacity || (e.bytes > self.max_bytes && e.kept.len() > 1)
                {
                    match e.kept.pop_front() {
                        Some(old) => e.bytes -= old.weight,
                        None => break,
                    }
                }
                Seq(seq)
            })
        };
        self.notify.notify_waiters();
        seq
    }

    /// Adds the response's status and time to a kept entry (if still kept).
    pub(crate) fn complete(&self, seq: Seq, status: u16, at: Instant) {
        let mut e = self.entries.lock();
        let Some(front) = e.kept.front().map(|k| k.seq) else {
            return;
        };
        let Some(offset) = seq.0.checked_sub(front) else {
            return;
        };
        let index = usize::try_from(offset).unwrap_or(usize::MAX);
        if let Some(kept) = e.kept.get_mut(index)
            && kept.seq == seq.0
        {
            kept.req.status = Some(status);
            kept.req.responded_instant = Some(at);
        }
    }

    pub(crate) fn snapshot(&self) -> Vec<RecordedRequest> {
        self.entries
            .lock()
            .kept
            .iter()
            .map(|k| k.req.clone())
            .collect()
    }

    pub(crate) fn summaries(&self) -> Vec<String> {
        self.entries
            .lock()
            .kept
            .iter()
            .map(|k| k.req.summary())
            .collect()
    }

    pub(crate) fn clear(&self) {
        let mut e = self.entries.lock();
        e.kept.clear();
        e.bytes = 0;
        e.received = 0;
    }

    pub(crate) fn received(&self) -> usize {
        self.entries.lock().received
    }

    /// Resolves once at least `n` requests were received since the last
    /// clear, or fails after `timeout`.
    pub(crate) async fn wait_for(&self, n: usize, timeout: Duration) -> Result<(), WaitTimeout> {
        let arrived = tokio::time::timeout(timeout, async {
            loop {
                let notified = self.notify.notified();
                tokio::pin!(notified);
                notified.as_mut().enable();
                if self.received() >= n {
                    return;
                }
                notified.await;
            }
        })
        .await;
        arrived.map_err(|_| WaitTimeout {
            expected: n,
            received: self.received(),
            waited: timeout,
            requests: self.summaries(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(body: &'static [u8]) -> RecordedRequest {
        RecordedRequest {
            method: Method::POST,
            path: "/v2/managed_accounts".into(),
            query: String::new(),
            query_pairs: Vec::new(),
            headers: HeaderMap::new(),
            body: Bytes::from_static(body),
            body_omitted: false,
            operation_id: None,
            request_id: String::new(),
            received_at: SystemTime::now(),
            received_instant: Instant::now(),
            responded_instant: None,
            status: None,
        }
    }

    #[test]
    fn a_log_that_keeps_nothing_builds_nothing() {
        for (capacity, max_bytes) in [(0, 1 << 20), (10, 0)] {
            let log = RequestLog::new(capacity, max_bytes);
            let mut built = 0;
            for _ in 0..3 {
                let seq = log.record_with(|| {
                    built += 1;
                    request(b"{}")
                });
                assert!(seq.is_none());
            }
            assert_eq!(built, 0);
            assert_eq!(log.received(), 3, "every request is still counted");
        }
    }

    /// The byte budget's boundaries, exactly: an entry that weighs the
    /// budget keeps its body, one byte more loses it; entries that add up
    /// to the budget are all kept, one more evicts the oldest; the newest
    /// entry is kept even when it alone (body dropped) is over the budget.
    #[test]
    fn the_byte_budget_binds_at_its_exact_boundaries() {
        let path = request(b"").weight();
        assert_eq!(path, "/v2/managed_accounts".len());

        let log = RequestLog::new(10, path + 4);
        log.record_with(|| request(b"1234"));
        let kept = log.snapshot();
        assert_eq!(
            (&kept[0].body[..], kept[0].body_omitted),
            (&b"1234"[..], false)
        );
        log.clear();
        log.record_with(|| request(b"12345"));
        let kept = log.snapshot();
        assert_eq!((&kept[0].body[..], kept[0].body_omitted), (&b""[..], true));

        let log = RequestLog::new(10, 2 * (path + 1));
        log.record_with(|| request(b"1"));
        log.record_with(|| request(b"2"));
        let bodies = |log: &RequestLog| -> Vec<Bytes> {
            log.snapshot().into_iter().map(|r| r.body).collect()
        };
        assert_eq!(bodies(&log), [&b"1"[..], b"2"], "exactly the budget");
        log.record_with(|| request(b"3"));
        assert_eq!(bodies(&log), [&b"2"[..], b"3"], "one entry over it");

        let log = RequestLog::new(10, path / 2);
        log.record_with(|| request(b"1"));
        log.record_with(|| request(b"2"));
        let kept = log.snapshot();
        assert_eq!(kept.len(), 1, "the newest entry is kept");
        assert!(kept[0].body_omitted);
        assert_eq!(log.received(), 2);
    }

    /// A log of `capacity` entries keeps exactly that many, the newest.
    #[test]
    fn the_entry_capacity_binds_at_its_exact_boundary() {
        let log = RequestLog::new(3, 1 << 20);
        for body in [&b"1"[..], b"2", b"3"] {
            log.record_with(|| request(body));
        }
        assert_eq!(log.snapshot().len(), 3);
        log.record_with(|| request(b"4"));
        let kept: Vec<Bytes> = log.snapshot().into_iter().map(|r| r.body).collect();
        assert_eq!(kept, [&b"2"[..], b"3", b"4"]);
    }

    #[test]
    fn completing_an_evicted_entry_is_harmless() {
        let log = RequestLog::new(1, 1 << 20);
        let first = log.record_with(|| request(b"1")).expect("kept");
        log.record_with(|| request(b"2"));
        log.complete(first, 200, Instant::now());
        let kept = log.snapshot();
        assert_eq!(kept.len(), 1);
        assert_eq!(&kept[0].body[..], b"2");
        assert_eq!(kept[0].status, None);
    }
}
