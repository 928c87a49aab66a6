//! Fault injection: make matching requests misbehave in a chosen way.
//!
//! A [`FaultRule`] pairs a [`Fault`] with what it matches (method, path
//! prefix, operationId) and how often it fires. Rules are tried in the order
//! they were added; the first one that matches and has uses left fires, and
//! is removed once used up (unless it carries an expectation, which
//! [`crate::MockServer::verify`] checks). Faults are applied after the
//! request is recorded in the log and passes the rate limit, and after
//! authentication: a request with a wrong key or none gets its 401, as from
//! Telnyx, and does not use up the rule. A rule made with
//! [`FaultRule::before_auth`] fires before the key is checked instead, as a
//! proxy or gateway in front of Telnyx would fail.

use std::convert::Infallible;
use std::fmt;
use std::io;
use std::ops::{Range, RangeFrom, RangeInclusive, RangeTo, RangeToInclusive};
use std::time::{Duration, SystemTime};

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures_util::StreamExt;
use http::{header, HeaderName, HeaderValue, Method, StatusCode};

use crate::errors::ApiError;
use crate::listener::ConnAbort;
use crate::wire::raw_response;

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
    expected: Option<Times>,
    fired: u64,
    /// Fires whether or not the request's credentials are valid.
    before_auth: bool,
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
            expected: None,
            fired: 0,
            before_auth: false,
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

    /// Fire before authentication: the rule also applies to requests whose
    /// key (or token, or the token endpoint's client credentials) is wrong
    /// or missing, which otherwise get their 401 untouched.
    ///
    /// Use it for what fails in front of Telnyx, where no key has been
    /// checked yet: a proxy's or load balancer's 502 ([`Fault::Html502`]), a
    /// gateway's 503, a dropped or reset connection, a stall. Leave it off
    /// for answers that only Telnyx itself gives (a 200 with a body, a 404, a
    /// 422, its own 429 or 500): those come after the key is checked, and a
    /// test that sends a wrong key must still get its 401.
    ///
    /// ```
    /// use telnyx_accounts_mock::{Fault, FaultRule};
    /// // A gateway that fails every request, whatever credentials it carries.
    /// let rule = FaultRule::new(Fault::Html502).before_auth().always();
    /// # let _ = rule;
    /// ```
    pub fn before_auth(mut self) -> Self {
        self.before_auth = true;
        self
    }

    /// Expect the rule to fire this many times (`2`, `1..=3`, `1..`, `..3`;
    /// at most its [`FaultRule::times`], so set both for more than one).
    /// [`crate::MockServer::verify`] checks it, and so does dropping the
    /// server; a rule that was not met fails the test with a message listing
    /// the requests received. `expect(0)` asserts that no request matched.
    ///
    /// ```
    /// use telnyx_accounts_mock::{Fault, FaultRule};
    /// // Two 500s, and the client must have come back for both.
    /// let rule = FaultRule::new(Fault::Status(500)).times(2).expect(2);
    /// # let _ = rule;
    /// ```
    pub fn expect(mut self, times: impl Into<Times>) -> Self {
        self.expected = Some(times.into());
        self
    }

    /// A one-line description for messages: the fault and what it matches.
    fn describe(&self) -> String {
        let mut what = format!("{:?}", self.fault);
        if what.len() > 80 {
            let cut = (0..=80)
                .rev()
                .find(|&i| what.is_char_boundary(i))
                .unwrap_or(0);
            what.truncate(cut);
            what.push('…');
        }
        let method = self.method.as_ref().map_or("any method", Method::as_str);
        let path = self.path_prefix.as_deref().unwrap_or("any path");
        let when = if self.before_auth {
            ", before authentication"
        } else {
            ""
        };
        match &self.operation_id {
            Some(op) => format!("{what} on {method} {path} (operation {op}){when}"),
            None => format!("{what} on {method} {path}{when}"),
        }
    }

    fn matches(
        &self,
        method: &Method,
        api_path: &str,
        operation_id: Option<&str>,
        authenticated: bool,
    ) -> bool {
        self.remaining != Some(0)
            && (authenticated || self.before_auth)
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

/// How many times a rule is expected to fire ([`FaultRule::expect`]):
/// exactly `n` (from a `u64`) or a range (`1..=3`, `2..`, `..4`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Times {
    min: u64,
    /// Inclusive; `None`: no upper bound.
    max: Option<u64>,
}

impl Times {
    fn contains(self, n: u64) -> bool {
        n >= self.min && self.max.is_none_or(|m| n <= m)
    }
}

impl fmt::Display for Times {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.max {
            Some(max) if max == self.min => write!(f, "exactly {max}"),
            Some(max) if self.min == 0 => write!(f, "at most {max}"),
            Some(max) => write!(f, "between {} and {max}", self.min),
            None => write!(f, "at least {}", self.min),
        }
    }
}

impl From<u64> for Times {
    fn from(n: u64) -> Self {
        Times {
            min: n,
            max: Some(n),
        }
    }
}

impl From<Range<u64>> for Times {
    fn from(r: Range<u64>) -> Self {
        Times {
            min: r.start,
            max: Some(r.end.saturating_sub(1)),
        }
    }
}

impl From<RangeInclusive<u64>> for Times {
    fn from(r: RangeInclusive<u64>) -> Self {
        Times {
            min: *r.start(),
            max: Some(*r.end()),
        }
    }
}

impl From<RangeFrom<u64>> for Times {
    fn from(r: RangeFrom<u64>) -> Self {
        Times {
            min: r.start,
            max: None,
        }
    }
}

impl From<RangeTo<u64>> for Times {
    fn from(r: RangeTo<u64>) -> Self {
        Times {
            min: 0,
            max: Some(r.end.saturating_sub(1)),
        }
    }
}

impl From<RangeToInclusive<u64>> for Times {
    fn from(r: RangeToInclusive<u64>) -> Self {
        Times {
            min: 0,
            max: Some(r.end),
        }
    }
}

/// The active rules, and used-up rules that still carry an expectation.
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

    /// Rules with uses left.
    pub(crate) fn pending(&self) -> usize {
        self.rules
            .lock()
            .iter()
            .filter(|r| r.remaining != Some(0))
            .count()
    }

    /// One line per rule whose expectation is not met.
    pub(crate) fn unmet(&self) -> Vec<String> {
        self.rules
            .lock()
            .iter()
            .filter_map(|r| {
                let want = r.expected?;
                (!want.contains(r.fired)).then(|| {
                    format!(
                        "{}: expected to fire {want}, fired {}",
                        r.describe(),
                        r.fired
                    )
                })
            })
            .collect()
    }

    /// Takes one use of the first matching rule; a request whose
    /// credentials are not valid (`authenticated` false) matches only rules
    /// that fire before authentication.
    pub(crate) fn take(
        &self,
        method: &Method,
        api_path: &str,
        operation_id: Option<&str>,
        authenticated: bool,
    ) -> Option<Fired> {
        let mut rules = self.rules.lock();
        let pos = rules
            .iter()
            .position(|r| r.matches(method, api_path, operation_id, authenticated))?;
        let rule = rules.get_mut(pos)?;
        rule.fired += 1;
        let fired = Fired {
            fault: rule.fault.clone(),
            headers: rule.headers.clone(),
        };
        if let Some(n) = rule.remaining.as_mut() {
            *n = n.saturating_sub(1);
            if *n == 0 && rule.expected.is_none() {
                rules.remove(pos);
            }
        }
        Some(fired)
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

/// A response's head and its whole body (to cut or hold back).
async fn into_bytes(resp: Response) -> (http::response::Parts, Bytes) {
    let (mut parts, body) = resp.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    (parts, bytes)
}

const HTML_502: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

/// Applies a fired fault. `respond` is the normal processing of the request,
/// run when the fault needs the real response (or passes it through).
pub(crate) async fn apply(
    fired: Fired,
    respond: impl FnOnce() -> Response,
    abort: Option<ConnAbort>,
) -> Response {
    let Fired { fault, headers } = fired;
    let mut resp = match fault {
        Fault::Passthrough => respond(),
        Fault::Status(code) => ApiError::for_status(status_or_500(code)).into_response(),
        Fault::RateLimited(hint) => {
            let mut extra = Vec::new();
            if !matches!(hint, RetryHint::RateLimitReset(_)) {
                extra.push((HeaderName::from_static("x-ratelimit-limit"), "100".into()));
                extra.push((HeaderName::from_static("x-ratelimit-remaining"), "0".into()));
            }
            extra.extend(retry_headers(&hint));
            with_headers(ApiError::too_many_requests().into_response(), extra)
        }
        Fault::Unavailable(hint) => with_headers(
            ApiError::for_status(StatusCode::SERVICE_UNAVAILABLE).into_response(),
            retry_headers(&hint),
        ),
        Fault::Delay(d) => {
            tokio::time::sleep(d).await;
            respond()
        }
        Fault::StallBody(d) => {
            let (parts, bytes) = into_bytes(respond()).await;
            let stream = futures_util::stream::once(async move {
                tokio::time::sleep(d).await;
                Ok::<Bytes, Infallible>(bytes)
            });
            Response::from_parts(parts, Body::from_stream(stream))
        }
        Fault::DropConnection => match abort {
            Some(abort) => {
                abort.abort();
                std::future::pending::<()>().await;
                ApiError::for_status(StatusCode::INTERNAL_SERVER_ERROR).into_response()
            }
            None => ApiError::for_status(StatusCode::INTERNAL_SERVER_ERROR).into_response(),
        },
        Fault::ResetMidBody => {
            let (parts, bytes) = into_bytes(respond()).await;
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
            let (parts, bytes) = into_bytes(respond()).await;
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
