//! Credentials: what goes in every request's `Authorization` header.

use reqwest::header::HeaderValue;

use crate::error::{Error, Result};
use crate::secret::{SecretString, REDACTED};

/// How the client authenticates.
#[derive(Clone)]
pub(crate) enum Credentials {
    /// A Telnyx API key, sent as `Authorization: Bearer <key>`.
    ApiKey {
        key: SecretString,
        /// The header, built once, marked sensitive.
        header: HeaderValue,
    },
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

    /// The `Authorization` header for the next attempt.
    pub(crate) fn authorization(&self) -> HeaderValue {
        match self {
            Credentials::ApiKey { header, .. } => header.clone(),
        }
    }

    /// The secrets to mask wherever a body is shown (a decode error's snippet).
    pub(crate) fn secrets(&self) -> [&str; 1] {
        match self {
            Credentials::ApiKey { key, .. } => [key.expose_secret()],
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
        }
    }
}
