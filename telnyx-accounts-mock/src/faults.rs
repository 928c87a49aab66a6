//! Fault injection: make matching requests misbehave in a chosen way.
//!
//! A [`FaultRule`] pairs a [`Fault`] with what it matches (method, path
//! prefix, operationId) and how often it fires. Rules are tried in the order
//! they were added; the first one that matches and has uses left fires, and
//! is removed once used up. Faults are applied after the request is recorded
//! in the log and *before* authentication, so a faulted request needs no
//! valid key.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{HeaderName, HeaderValue, Method};

/// How a 429 or 503 tells the client when to retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetryHint {
    /// No retry header at all.
    None,
    /// `Retry-After: <seconds>`.
    Seconds(u64),
    /// `Retry-After: <HTTP date>`, this far in the future (rounded to seconds).
    HttpDate(Duration),
    /// `retry-after-ms: <milliseconds>` (no `Retry-After`).
    Millis(u64),
    /// Only `x-ratelimit-reset: <seconds>` (plus `x-ratelimit-limit` and
    /// `x-ratelimit-remaining: 0`), no `Retry-After`.
    RateLimitReset(u64),
}

/// What a faulted request gets instead of (or on top of) the normal response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Normal processing; only the rule's extra headers are added
    /// (e.g. `x-should-retry: false` on a real response).
    Passthrough,
    /// Respond with this status and a Telnyx error body for it
    /// (`{"errors":[{"code","title","detail","meta"}]}`; e.g. 500 → code 10007).
    Status(u16),
    /// 429 with code 10011, `x-ratelimit-limit: 100`, `x-ratelimit-remaining: 0`
    /// and the retry header the hint asks for.
    RateLimited(RetryHint),
    /// 503 with a Telnyx error body and the retry header the hint asks for.
    Unavailable(RetryHint),
    /// Wait this long before processing the request normally (the response
    /// head is delayed; use it to trigger client timeouts).
    Delay(Duration),
    /// Process normally and send the response head at once, then hold the
    /// body back for this long before sending it.
    StallBody(Duration),
    /// Close the connection without sending any response.
    DropConnection,
    /// Process normally, send the head and the first half of the body, then
    /// reset the connection.
    ResetMidBody,
    /// Process normally but send only the first half of the JSON body, as a
    /// complete response (valid HTTP, invalid JSON; `content-length` matches).
    TruncatedJson,
    /// A 502 with an HTML page (`content-type: text/html`), as a proxy would send.
    Html502,
    /// `200 OK` with an empty body and `content-type: application/json`.
    Empty200,
    /// Any status with exactly this body and content type (unknown fields,
    /// unknown enum values, nulls, huge bodies, lying pagination meta, ...).
    Raw {
        /// The status code (an invalid one is sent as 500).
        status: u16,
        /// The `content-type` header value.
        content_type: String,
        /// The body, sent as is.
        body: Bytes,
    },
}

impl Fault {
    /// `Fault::Raw` with status 200 and `content-type: application/json`.
    pub fn json_200(body: impl Into<Bytes>) -> Fault {
        Fault::Raw {
            status: 200,
            content_type: "application/json".into(),
            body: body.into(),
        }
    }
}

/// A fault plus which requests it applies to and how many times.
///
/// ```
/// use telnyx_accounts_mock::{Fault, FaultRule, RetryHint};
/// let rule = FaultRule::new(Fault::RateLimited(RetryHint::Seconds(1)))
///     .method("POST")
///     .path("/managed_accounts")
///     .times(2)
///     .header("x-should-retry", "true");
/// # let _ = rule;
/// ```
#[derive(Debug, Clone)]
pub struct FaultRule {
    pub(crate) fault: Fault,
    method: Option<Method>,
    path_prefix: Option<String>,
    operation_id: Option<String>,
    /// `None`: always.
    pub(crate) remaining: Option<u64>,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
}

impl FaultRule {
    /// A rule that applies `fault` to the next request (any method, any path), once.
    pub fn new(fault: Fault) -> Self {
        FaultRule {
            fault,
            method: None,
            path_prefix: None,
            operation_id: None,
            remaining: Some(1),
            headers: Vec::new(),
        }
    }

    /// Only requests with this method (case-insensitive, e.g. `"GET"`).
    ///
    /// # Panics
    /// If `method` is not a valid HTTP method token.
    pub fn method(mut self, method: &str) -> Self {
        let parsed = Method::from_bytes(method.to_ascii_uppercase().as_bytes());
        self.method = Some(parsed.unwrap_or_else(|_| panic!("invalid HTTP method {method:?}")));
        self
    }

    /// Only requests whose path (without the `/v2` prefix; a leading `/v2` in
    /// `prefix` is ignored) starts with `prefix`, e.g. `"/managed_accounts"`.
    pub fn path(mut self, prefix: &str) -> Self {
        let p = prefix.strip_prefix("/v2").unwrap_or(prefix);
        let p = if p.starts_with('/') {
            p.to_owned()
        } else {
            format!("/{p}")
        };
        self.path_prefix = Some(p);
        self
    }

    /// Only requests routed to this operationId (e.g. `"ListManagedAccounts"`).
    pub fn operation(mut self, operation_id: &str) -> Self {
        self.operation_id = Some(operation_id.to_owned());
        self
    }

    /// Fire for the next `n` matching requests (the default is 1).
    pub fn times(mut self, n: u64) -> Self {
        self.remaining = Some(n);
        self
    }

    /// Fire for every matching request until [`crate::MockServer::clear_faults`].
    pub fn always(mut self) -> Self {
        self.remaining = None;
        self
    }

    /// Add a header to the faulted response (e.g. `x-should-retry: false`).
    ///
    /// # Panics
    /// If `name` or `value` is not a valid header name or value.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        let n = HeaderName::from_bytes(name.as_bytes())
            .unwrap_or_else(|_| panic!("invalid header name {name:?}"));
        let v = HeaderValue::from_str(value)
            .unwrap_or_else(|_| panic!("invalid header value {value:?}"));
        self.headers.push((n, v));
        self
    }

    fn matches(&self, method: &Method, api_path: &str, operation_id: Option<&str>) -> bool {
        self.remaining != Some(0)
            && self.method.as_ref().is_none_or(|m| m == method)
            && self
                .path_prefix
                .as_deref()
                .is_none_or(|p| api_path.starts_with(p))
            && self
                .operation_id
                .as_deref()
                .is_none_or(|o| Some(o) == operation_id)
    }
}

/// The active rules.
#[derive(Default)]
pub(crate) struct FaultSet {
    rules: parking_lot::Mutex<Vec<FaultRule>>,
}

/// What fired: the fault and the extra headers.
pub(crate) struct Fired {
    pub(crate) fault: Fault,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
}

impl FaultSet {
    pub(crate) fn add(&self, rule: FaultRule) {
        self.rules.lock().push(rule);
    }

    pub(crate) fn clear(&self) {
        self.rules.lock().clear();
    }

    pub(crate) fn pending(&self) -> usize {
        self.rules.lock().len()
    }

    /// Takes one use of the first matching rule.
    pub(crate) fn take(
        &self,
        method: &Method,
        api_path: &str,
        operation_id: Option<&str>,
    ) -> Option<Fired> {
        let mut rules = self.rules.lock();
        let pos = rules
            .iter()
            .position(|r| r.matches(method, api_path, operation_id))?;
        let rule = &mut rules[pos];
        let fired = Fired {
            fault: rule.fault.clone(),
            headers: rule.headers.clone(),
        };
        if let Some(n) = rule.remaining.as_mut() {
            *n -= 1;
            if *n == 0 {
                rules.remove(pos);
            }
        }
        Some(fired)
    }
}

/// The `Retry-After`-style headers for a hint.
pub(crate) fn retry_headers(hint: &RetryHint) -> Vec<(HeaderName, String)> {
    match hint {
        RetryHint::None => vec![],
        RetryHint::Seconds(s) => vec![(http::header::RETRY_AFTER, s.to_string())],
        RetryHint::HttpDate(d) => {
            let at = SystemTime::now() + *d;
            vec![(http::header::RETRY_AFTER, httpdate::fmt_http_date(at))]
        }
        RetryHint::Millis(ms) => vec![(HeaderName::from_static("retry-after-ms"), ms.to_string())],
        RetryHint::RateLimitReset(s) => vec![
            (HeaderName::from_static("x-ratelimit-limit"), "100".into()),
            (HeaderName::from_static("x-ratelimit-remaining"), "0".into()),
            (HeaderName::from_static("x-ratelimit-reset"), s.to_string()),
        ],
    }
}
