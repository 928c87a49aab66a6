//! The request log: every request the mock received, for tests to assert on.

use std::collections::VecDeque;
use std::fmt;
use std::time::SystemTime;

use bytes::Bytes;
use http::{HeaderMap, Method};
use parking_lot::Mutex;
use tokio::sync::Notify;

/// One request as the mock received it.
///
/// Recorded before authentication and before faults are applied, so rejected
/// and faulted requests are in the log too. Its `Debug` output redacts the
/// `Authorization` header.
#[derive(Clone)]
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
    /// The request body.
    pub body: Bytes,
    /// The operationId the request was routed to (`"ListManagedAccounts"`),
    /// or `None` for an unknown path or method.
    pub operation_id: Option<&'static str>,
    /// The `x-request-id` the mock sent back.
    pub request_id: String,
    /// When the request head was received.
    pub received_at: SystemTime,
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
            .field("body", &String::from_utf8_lossy(&self.body))
            .field("operation_id", &self.operation_id)
            .field("request_id", &self.request_id)
            .finish()
    }
}

struct Entries {
    /// The retained requests, oldest first (at most `capacity`).
    kept: VecDeque<RecordedRequest>,
    /// Requests received since the start or the last clear, kept or not.
    received: usize,
}

/// A bounded log: the newest `capacity` requests are kept, so a long-running
/// mock under a benchmark does not grow without limit.
pub(crate) struct RequestLog {
    entries: Mutex<Entries>,
    capacity: usize,
    notify: Notify,
}

impl RequestLog {
    pub(crate) fn new(capacity: usize) -> Self {
        RequestLog {
            entries: Mutex::new(Entries {
                kept: VecDeque::new(),
                received: 0,
            }),
            capacity,
            notify: Notify::new(),
        }
    }

    pub(crate) fn record(&self, req: RecordedRequest) {
        {
            let mut e = self.entries.lock();
            e.received += 1;
            if self.capacity > 0 {
                if e.kept.len() >= self.capacity {
                    e.kept.pop_front();
                }
                e.kept.push_back(req);
            }
        }
        self.notify.notify_waiters();
    }

    pub(crate) fn snapshot(&self) -> Vec<RecordedRequest> {
        self.entries.lock().kept.iter().cloned().collect()
    }

    pub(crate) fn clear(&self) {
        let mut e = self.entries.lock();
        e.kept.clear();
        e.received = 0;
    }

    pub(crate) fn received(&self) -> usize {
        self.entries.lock().received
    }

    /// Resolves once at least `n` requests were received since the last clear.
    pub(crate) async fn wait_for(&self, n: usize) {
        loop {
            let notified = self.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.received() >= n {
                return;
            }
            notified.await;
        }
    }
}
