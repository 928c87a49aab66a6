//! Credentials: what goes in every request's `Authorization` header.

use reqwest::header::HeaderValue;

use crate::error::{Error, Result};
use crate::runtime::oauth::TokenSource;
use crate::secret::{SecretString, REDACTED};

/// How the client authenticates.
pub(crate) enum Credentials {
    /// A Telnyx API key, sent as `Authorization: Bearer <key>`.
    ApiKey {
        key: SecretString,
        /// The header, built once, marked sensitive.
        header: HeaderValue,
    },
    /// OAuth2 client credentials: an access token from the token endpoint,
    /// sent as `Authorization: Bearer <token>` (see [`crate::oauth`]).
    ClientCredentials(Box<TokenSource>),
}

impl Credentials {
    /// An API key, checked: not empty, and sendable in a header.
    pub(crate) fn api_key(key: SecretString, env_hint: &str) -> Result<Self> {
        let trimmed = key.expose_secret().trim();
        if trimmed.is_empty() {
            return Err(Error::config(format!(
                "no API key: call `.api_key(..)` or set {env_hint} (find keys at https://portal.telnyx.com/#/app/api-keys)"
            )));
        }
        let mut header = HeaderValue::from_str(&format!("Bearer {trimmed}")).map_err(|_| {
            Error::config("the API key contains characters that cannot be sent in a header")
        })?;
        header.set_sensitive(true);
        Ok(Self::ApiKey { key, header })
    }

    /// OAuth2 client credentials, checked (see [`TokenSource::new`]).
    pub(crate) fn client_credentials(
        id: &str,
        secret: SecretString,
        token_url: reqwest::Url,
    ) -> Result<Self> {
        Ok(Self::ClientCredentials(Box::new(TokenSource::new(
            id, secret, token_url,
        )?)))
    }

    /// Replaces the secrets in `text` (a body snippet, a decode error's
    /// message) with `[REDACTED]`.
    pub(crate) fn scrub(&self, text: &str) -> String {
        match self {
            Credentials::ApiKey { key, .. } => crate::secret::scrub(text, &[key.expose_secret()]),
            Credentials::ClientCredentials(source) => {
                let secrets = source.secrets();
                let refs: Vec<&str> = secrets.iter().map(String::as_str).collect();
                crate::secret::scrub(text, &refs)
            }
        }
    }

    /// What a hook sees instead of the `Authorization` header.
    pub(crate) fn redacted() -> HeaderValue {
        let mut v = HeaderValue::from_static(REDACTED);
        v.set_sensitive(true);
        v
    }

    /// How the client authenticates, for `Debug` (never the secret).
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Credentials::ApiKey { .. } => "api key",
            Credentials::ClientCredentials(_) => "oauth2 client credentials",
        }
    }

    /// The OAuth2 token source, when the client uses client credentials.
    pub(crate) fn token_source(&self) -> Option<&TokenSource> {
        match self {
            Credentials::ApiKey { .. } => None,
            Credentials::ClientCredentials(source) => Some(source),
        }
    }
}
