//! [`Operation`]: what the runtime knows of an operation. A leaf, so that
//! the operation table (the resources' statics, OAuth2's token request)
//! is declared without importing the request loop.

use reqwest::Method;

use crate::retry::Idempotency;

/// What the transport needs to know about an operation.
#[derive(Debug)]
pub(crate) struct Operation {
    /// The official operationId.
    pub(crate) id: &'static str,
    pub(crate) method: Method,
    /// The path template, e.g. `/managed_accounts/{id}` (never the ids:
    /// they may identify people).
    pub(crate) path: &'static str,
    pub(crate) idempotency: Idempotency,
}
