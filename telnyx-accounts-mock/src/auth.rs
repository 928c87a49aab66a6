//! Credentials: the API key, and OAuth2 client credentials as Telnyx's
//! official SDKs use them.
//!
//! `POST /v2/oauth/token` takes `Authorization: Basic base64(id:secret)` and
//! the form body `grant_type=client_credentials`
//! (`Content-Type: application/x-www-form-urlencoded`), and answers
//! `{"access_token", "token_type": "bearer", "expires_in"}`. The tokens are
//! opaque; the API routes accept them as `Authorization: Bearer <token>`
//! until they expire, beside the API key. Its errors, checked in this order:
//! bad or missing client credentials: 401 (`10009`); a body that is not
//! form-encoded: 415 (`10014`); no `grant_type`: 400 (`10004`); another
//! `grant_type`: 400 (`10015`). 400 rather than 422 because RFC 6749 answers
//! 400 for `invalid_request` and `unsupported_grant_type`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use http::{header, HeaderMap, HeaderValue, StatusCode};
use parking_lot::Mutex;
use serde::Serialize;

use crate::body::declares;
use crate::errors::ApiError;
use crate::wire::json_response;

/// The client id and secret the token endpoint accepts.
#[derive(Clone)]
pub(crate) struct ClientCredentials {
    pub(crate) id: String,
    pub(crate) secret: String,
}

impl std::fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("id", &self.id)
            .field("secret", &"[redacted]")
            .finish()
    }
}

struct Issued {
    client_id: String,
    expires_at: Instant,
}

/// Who a request says it is, for authentication and for the rate limit.
pub(crate) struct Identity {
    /// The rate-limit bucket: `api-key`, `client:<id>`, or `anonymous`.
    pub(crate) bucket: String,
    /// `Ok` when the credentials are valid now.
    pub(crate) verdict: Result<(), ApiError>,
}

/// The mock's credentials and the tokens it has issued.
pub(crate) struct Auth {
    api_key: String,
    client: Option<ClientCredentials>,
    token_ttl: Duration,
    tokens: Mutex<HashMap<String, Issued>>,
}

/// The token endpoint's success body.
#[derive(Serialize)]
struct TokenResponse<'a> {
    access_token: &'a str,
    token_type: &'static str,
    expires_in: u64,
}

/// The bearer token in `Authorization: Bearer <token>`, if that is the scheme.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// `(id, secret)` from `Authorization: Basic base64(id:secret)`.
fn basic(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

/// A fresh opaque token: 40 random characters behind a recognizable prefix.
fn new_token() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = fastrand::Rng::new();
    let random: String = (0..40)
        .map(|_| {
            let i = rng.usize(..ALPHABET.len());
            ALPHABET.get(i).copied().map_or('x', char::from)
        })
        .collect();
    format!("mock-token-{random}")
}

impl Auth {
    pub(crate) fn new(
        api_key: String,
        client: Option<ClientCredentials>,
        token_ttl: Duration,
    ) -> Self {
        Auth {
            api_key,
            client,
            token_ttl,
            tokens: Mutex::new(HashMap::new()),
        }
    }

    pub(crate) fn api_key(&self) -> &str {
        &self.api_key
    }

    pub(crate) fn client_id(&self) -> Option<&str> {
        self.client.as_ref().map(|c| c.id.as_str())
    }

    /// Checks the API routes' credentials: the API key, or a token issued
    /// here that has not expired.
    pub(crate) fn identify(&self, headers: &HeaderMap, now: Instant) -> Identity {
        let Some(token) = bearer(headers) else {
            return Identity {
                bucket: "anonymous".into(),
                verdict: Err(ApiError::unauthorized()),
            };
        };
        if token == self.api_key {
            return Identity {
                bucket: "api-key".into(),
                verdict: Ok(()),
            };
        }
        let tokens = self.tokens.lock();
        match tokens.get(token) {
            Some(issued) => Identity {
                bucket: format!("client:{}", issued.client_id),
                verdict: if now < issued.expires_at {
                    Ok(())
                } else {
                    Err(ApiError::token_expired())
                },
            },
            None => Identity {
                bucket: "anonymous".into(),
                verdict: Err(ApiError::unauthorized()),
            },
        }
    }

    /// Whether `Authorization: Basic` names the configured OAuth2 client
    /// (the token endpoint's authentication).
    pub(crate) fn client_authenticated(&self, headers: &HeaderMap) -> bool {
        match (&self.client, basic(headers)) {
            (Some(client), Some((id, secret))) => id == client.id && secret == client.secret,
            _ => false,
        }
    }

    /// `POST /v2/oauth/token`.
    pub(crate) fn token_endpoint(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now: Instant,
    ) -> Response {
        match self.issue(headers, body, now) {
            Ok(resp) => resp,
            Err(e) => {
                let unauthorized = e.status() == StatusCode::UNAUTHORIZED;
                let mut resp = e.into_response();
                if unauthorized {
                    resp.headers_mut().insert(
                        header::WWW_AUTHENTICATE,
                        HeaderValue::from_static("Basic realm=\"telnyx\""),
                    );
                }
                resp
            }
        }
    }

    fn issue(&self, headers: &HeaderMap, body: &[u8], now: Instant) -> Result<Response, ApiError> {
        let client = self
            .client
            .as_ref()
            .ok_or_else(ApiError::bad_client_credentials)?;
        if !self.client_authenticated(headers) {
            return Err(ApiError::bad_client_credentials());
        }
        if !declares(headers, "application/x-www-form-urlencoded") {
            return Err(ApiError::unsupported_media_type(
                "application/x-www-form-urlencoded",
            ));
        }
        let grant = form_urlencoded::parse(body)
            .filter(|(k, _)| k == "grant_type")
            .map(|(_, v)| v.into_owned())
            .last();
        match grant.as_deref() {
            None => return Err(ApiError::missing_parameter("grant_type")),
            Some("client_credentials") => {}
            Some(_) => {
                return Err(ApiError::bad_query(
                    "grant_type",
                    "The 'grant_type' parameter must be 'client_credentials'.",
                ))
            }
        }
        let token = new_token();
        {
            let mut tokens = self.tokens.lock();
            // Forget tokens that expired long ago, so a long run stays small.
            let keep_for = self.token_ttl.max(Duration::from_secs(3600));
            tokens.retain(|_, t| now.saturating_duration_since(t.expires_at) < keep_for);
            tokens.insert(
                token.clone(),
                Issued {
                    client_id: client.id.clone(),
                    expires_at: now + self.token_ttl,
                },
            );
        }
        let mut resp = json_response(
            StatusCode::OK,
            &TokenResponse {
                access_token: &token,
                token_type: "bearer",
                expires_in: self.token_ttl.as_secs(),
            },
        );
        // RFC 6749, 5.1: token responses must not be cached.
        resp.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        Ok(resp)
    }

    /// Makes every token issued so far expired; returns how many were valid.
    pub(crate) fn expire_tokens(&self, now: Instant) -> usize {
        let mut tokens = self.tokens.lock();
        let mut valid = 0;
        for t in tokens.values_mut() {
            if t.expires_at > now {
                valid += 1;
                t.expires_at = now;
            }
        }
        valid
    }

    /// How many issued tokens are valid at `now`.
    pub(crate) fn valid_tokens(&self, now: Instant) -> usize {
        self.tokens
            .lock()
            .values()
            .filter(|t| t.expires_at > now)
            .count()
    }
}

/// The token request as the log keeps it: the Basic credentials and any
/// `client_secret` form field redacted.
pub(crate) fn redact_token_request(headers: &mut HeaderMap, body: &[u8]) -> Vec<u8> {
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let scheme = value
            .to_str()
            .ok()
            .and_then(|v| v.trim().split(' ').next())
            .unwrap_or("")
            .to_owned();
        let redacted = format!("{scheme} [redacted]");
        if let Ok(v) = HeaderValue::from_str(redacted.trim()) {
            headers.insert(header::AUTHORIZATION, v);
        }
    }
    if !form_urlencoded::parse(body).any(|(k, _)| k == "client_secret") {
        return body.to_vec();
    }
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(body) {
        if k == "client_secret" {
            out.append_pair(&k, "[redacted]");
        } else {
            out.append_pair(&k, &v);
        }
    }
    out.finish().into_bytes()
}
