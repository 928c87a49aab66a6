//! The request pipeline, the same for every request:
//!
//! 1. count it in flight, read the body (at most 32 MiB), record it in the log;
//! 2. the rate limit, per credential (API routes only): past it, a 429;
//! 3. fault rules that opt in to firing before authentication
//!    ([`crate::FaultRule::before_auth`]);
//! 4. the token endpoint, or authentication (401);
//! 5. the other fault rules, for authenticated requests only: the first
//!    matching rule (of either kind) replaces or alters step 6;
//! 6. dispatch: body size (413), route (404), then the operation, which
//!    checks the query, then the body, then looks the id up, then the state;
//! 7. headers (`x-request-id`, `x-ratelimit-*`), the configured latency,
//!    and the response's status and time in the log.

use std::sync::Arc;
use std::time::{Instant, SystemTime};

use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::{header, HeaderMap, HeaderValue, Method};
use uuid::Uuid;

use crate::auth::redact_token_request;
use crate::errors::ApiError;
use crate::faults;
use crate::listener::ConnAbort;
use crate::log::RecordedRequest;
use crate::query::decode_pairs;
use crate::ratelimit::Verdict;
use crate::routes::{api_path, route, Operation, Route};
use crate::shared::Shared;
use crate::{accounts, users};

/// Largest request body the mock reads (larger ones get a 413).
pub(crate) const MAX_BODY: usize = 32 * 1024 * 1024;

/// Where a request goes: the OAuth2 token endpoint, or the API.
enum Endpoint {
    Token,
    Api(Option<Route>),
}

impl Endpoint {
    fn of(method: &Method, path: &str) -> Endpoint {
        let is_token = api_path(path).is_some_and(|p| p.trim_end_matches('/') == "/oauth/token");
        if is_token && method == Method::POST {
            Endpoint::Token
        } else {
            Endpoint::Api(route(method, path))
        }
    }

    fn operation_id(&self) -> Option<&'static str> {
        match self {
            Endpoint::Api(Some(r)) => Some(r.op.operation_id()),
            _ => None,
        }
    }
}

/// The whole pipeline for one request.
pub(crate) async fn handle(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let _in_flight = shared.in_flight.enter();
    let received = Instant::now();
    let received_at = SystemTime::now();
    let request_id = Uuid::new_v4().to_string();
    let (parts, body) = req.into_parts();
    let abort = parts.extensions.get::<ConnAbort>().cloned();
    let (body, too_large) = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => (b, false),
        Err(_) => (Bytes::new(), true),
    };
    let path = parts.uri.path();
    let query = parts.uri.query().unwrap_or("");
    let pairs = decode_pairs(query);
    let endpoint = Endpoint::of(&parts.method, path);
    let seq = shared.log.record_with(|| {
        let mut headers = parts.headers.clone();
        let body = match endpoint {
            Endpoint::Token => Bytes::from(redact_token_request(&mut headers, &body)),
            Endpoint::Api(_) => body.clone(),
        };
        RecordedRequest {
            method: parts.method.clone(),
            path: path.to_owned(),
            query: query.to_owned(),
            query_pairs: pairs.clone(),
            headers,
            body,
            body_omitted: false,
            operation_id: endpoint.operation_id(),
            request_id: request_id.clone(),
            received_at,
            received_instant: received,
            responded_instant: None,
            status: None,
        }
    });

    let identity = shared.auth.identify(&parts.headers, received);
    let limit: Option<Verdict> = match &endpoint {
        Endpoint::Api(_) => Some(shared.limiter.check(&identity.bucket, received)),
        Endpoint::Token => None,
    };
    // Whether the request's credentials are valid: the API's key or token,
    // or the token endpoint's client credentials. Only then may a fault
    // rule that does not fire before authentication apply.
    let authenticated = match &endpoint {
        Endpoint::Api(_) => identity.verdict.is_ok(),
        Endpoint::Token => shared.auth.client_authenticated(&parts.headers),
    };
    let ctx = Ctx {
        shared: &shared,
        endpoint: &endpoint,
        headers: &parts.headers,
        pairs: &pairs,
        body: &body,
        too_large,
        authenticated: identity.verdict,
        received,
    };
    let mut resp = if limit.is_some_and(|v| !v.allowed) {
        ApiError::too_many_requests().into_response()
    } else {
        let api_path = api_path(path).unwrap_or(path);
        match shared.faults.take(
            &parts.method,
            api_path,
            endpoint.operation_id(),
            authenticated,
        ) {
            None => ctx.respond(),
            Some(fired) => faults::apply(fired, || ctx.respond(), abort).await,
        }
    };

    let headers = resp.headers_mut();
    if let Some(verdict) = limit.filter(|_| shared.rate_limit_headers) {
        // A fault's own x-ratelimit-* headers (Fault::RateLimited) win.
        if !headers.contains_key("x-ratelimit-limit") {
            verdict.write_headers(headers);
        }
    }
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        headers.insert("x-request-id", v);
    }
    if !shared.latency.is_zero() {
        tokio::time::sleep(shared.latency).await;
    }
    if let Some(seq) = seq {
        shared
            .log
            .complete(seq, resp.status().as_u16(), Instant::now());
    }
    resp
}

/// One request, as the steps after the rate limit see it.
struct Ctx<'a> {
    shared: &'a Shared,
    endpoint: &'a Endpoint,
    headers: &'a HeaderMap,
    pairs: &'a [(String, String)],
    body: &'a [u8],
    too_large: bool,
    /// The outcome of authentication (step 4), computed once.
    authenticated: Result<(), ApiError>,
    received: Instant,
}

impl Ctx<'_> {
    /// Normal processing (steps 4 and 5).
    fn respond(&self) -> Response {
        if let Endpoint::Token = self.endpoint {
            if self.too_large {
                return ApiError::too_large(MAX_BODY >> 20).into_response();
            }
            return self
                .shared
                .auth
                .token_endpoint(self.headers, self.body, self.received);
        }
        match self.dispatch() {
            Ok(r) => r,
            Err(e) => e.into_response(),
        }
    }

    fn dispatch(&self) -> Result<Response, ApiError> {
        self.authenticated.clone()?;
        if self.too_large {
            return Err(ApiError::too_large(MAX_BODY >> 20));
        }
        let Endpoint::Api(Some(route)) = self.endpoint else {
            return Err(ApiError::not_found());
        };
        let id = route.id.as_deref().unwrap_or("");
        let (s, h, b) = (self.shared, self.headers, self.body);
        match route.op {
            Operation::ListManagedAccounts => accounts::list(s, self.pairs),
            Operation::CreateManagedAccount => accounts::create(s, h, b),
            Operation::ListAllocatableGlobalOutboundChannels => accounts::allocatable(s),
            Operation::RetrieveManagedAccount => accounts::retrieve(s, id),
            Operation::UpdateManagedAccount => accounts::update(s, id, h, b),
            Operation::DisableManagedAccount => accounts::disable(s, id),
            Operation::EnableManagedAccount => accounts::enable(s, id, h, b),
            Operation::UpdateManagedAccountGlobalChannelLimit => {
                accounts::update_channel_limit(s, id, h, b)
            }
            Operation::ListOrganizationUsers => users::list(s, self.pairs),
            Operation::GetOrganizationUsersGroupsReport => {
                users::groups_report(s, h.get(header::ACCEPT).and_then(|v| v.to_str().ok()))
            }
            Operation::GetOrganizationUser => users::retrieve(s, id, self.pairs),
            Operation::DeleteOrganizationUser => users::remove(s, id),
        }
    }
}
