//! Telnyx-style error bodies: `{"errors": [{code, title, detail, source, meta}]}`.
//!
//! Every error the mock sends, with its status, code, title and when, is
//! in one table: [the crate docs' error codes](crate#error-codes). The
//! constants below are its codes and titles.

use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde::Serialize;

use crate::wire::json_response;

/// The codes of the crate docs' table, with their titles.
mod code {
    pub(super) const MISSING_PARAMETER: (&str, &str) = ("10004", "Missing required parameter");
    pub(super) const NOT_FOUND: (&str, &str) = ("10005", "Resource not found");
    pub(super) const UNEXPECTED: (&str, &str) = ("10007", "Unexpected error");
    pub(super) const UNAVAILABLE: (&str, &str) = ("10007", "Service unavailable");
    pub(super) const TIMEOUT: (&str, &str) = ("10008", "Request timeout");
    pub(super) const AUTHENTICATION: (&str, &str) = ("10009", "Authentication failed");
    pub(super) const NOT_AUTHORIZED: (&str, &str) = ("10010", "Not authorized");
    pub(super) const TOO_MANY: (&str, &str) = ("10011", "Too many requests");
    pub(super) const DUPLICATE: (&str, &str) = ("10012", "Duplicate resource");
    pub(super) const MEDIA_TYPE: (&str, &str) = ("10014", "Unsupported Media Type");
    pub(super) const BAD_REQUEST: (&str, &str) = ("10015", "Bad Request");
    pub(super) const TOO_LARGE: (&str, &str) = ("10015", "Request entity too large");
    pub(super) const INVALID_EMAIL: (&str, &str) = ("10019", "Invalid email address");
    pub(super) const WRONG_TYPE: (&str, &str) = ("10020", "Invalid resource type");
    pub(super) const INVALID_JSON: (&str, &str) = ("10023", "Invalid JSON");
}

/// Where an error came from: a JSON pointer into the body or a query parameter.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Source {
    /// A JSON pointer (RFC 6901) into the request body, or `/` for the whole request.
    Pointer(String),
    /// The name of the offending query parameter, as sent (`page[size]`).
    Parameter(String),
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct ErrorMeta {
    url: String,
}

/// One item of Telnyx's `errors` array.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ErrorItem {
    code: String,
    title: String,
    detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<Source>,
    meta: ErrorMeta,
}

/// An error response: a status and the `errors` array.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    status: StatusCode,
    item: Box<ErrorItem>,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    errors: [&'a ErrorItem; 1],
}

fn whole_request() -> Option<Source> {
    Some(Source::Pointer("/".into()))
}

fn field(name: &str) -> Option<Source> {
    Some(Source::Pointer(format!("/{name}")))
}

impl ApiError {
    fn new(
        status: StatusCode,
        (code, title): (&str, &str),
        detail: impl Into<String>,
        source: Option<Source>,
    ) -> Self {
        ApiError {
            status,
            item: Box::new(ErrorItem {
                code: code.to_owned(),
                title: title.to_owned(),
                detail: detail.into(),
                source,
                meta: ErrorMeta {
                    url: format!("https://developers.telnyx.com/docs/overview/errors/{code}"),
                },
            }),
        }
    }

    /// The HTTP status.
    pub(crate) fn status(&self) -> StatusCode {
        self.status
    }

    /// 401, code 10009: missing or wrong credentials (the spec's example, verbatim).
    pub(crate) fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            code::AUTHENTICATION,
            "Could not understand the provided credentials.",
            None,
        )
    }

    /// 401, code 10009: a bearer token the mock issued, past its expiry.
    pub(crate) fn token_expired() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            code::AUTHENTICATION,
            "The access token has expired.",
            None,
        )
    }

    /// 401, code 10009, from the token endpoint: unknown client or wrong secret.
    pub(crate) fn bad_client_credentials() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            code::AUTHENTICATION,
            "The client credentials (Authorization: Basic) are missing or invalid.",
            None,
        )
    }

    /// 404, code 10005: unknown id or unknown path.
    pub(crate) fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            code::NOT_FOUND,
            "The requested resource or URL could not be found.",
            whole_request(),
        )
    }

    /// 400, code 10015: a query (or form) value that cannot be parsed at all.
    pub(crate) fn bad_query(parameter: &str, detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            code::BAD_REQUEST,
            detail,
            Some(Source::Parameter(parameter.into())),
        )
    }

    /// 400, code 10004: a required form parameter is absent (the token endpoint).
    pub(crate) fn missing_parameter(parameter: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            code::MISSING_PARAMETER,
            format!("The '{parameter}' parameter is required."),
            Some(Source::Parameter(parameter.into())),
        )
    }

    /// 422, code 10015: a query value that parses but is out of range.
    pub(crate) fn invalid_parameter(parameter: &str, detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            code::BAD_REQUEST,
            detail,
            Some(Source::Parameter(parameter.into())),
        )
    }

    /// 422, code 10004: a required body is absent.
    pub(crate) fn missing_body() -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            code::MISSING_PARAMETER,
            "The request body is required.",
            whole_request(),
        )
    }

    /// 422, code 10004: a required body field is absent.
    pub(crate) fn missing_field(name: &str) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            code::MISSING_PARAMETER,
            format!("The '{name}' parameter is required."),
            field(name),
        )
    }

    /// 422, code 10020: a body field has the wrong JSON type.
    pub(crate) fn wrong_type(name: &str, expected: &str) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            code::WRONG_TYPE,
            format!("The '{name}' parameter must be of type '{expected}'."),
            field(name),
        )
    }

    /// 422, code 10015: a body field has the right type but an unacceptable value.
    pub(crate) fn invalid_field(name: &str, detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            code::BAD_REQUEST,
            detail,
            field(name),
        )
    }

    /// 422, code 10019: `email` is not an email address.
    pub(crate) fn invalid_email(name: &str) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            code::INVALID_EMAIL,
            format!("The '{name}' parameter is not a valid email address."),
            field(name),
        )
    }

    /// 422, code 10023: the body is not JSON (or not a JSON object).
    pub(crate) fn invalid_json(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            code::INVALID_JSON,
            detail,
            whole_request(),
        )
    }

    /// 415, code 10014: a body in a media type the route does not take.
    pub(crate) fn unsupported_media_type(expected: &str) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            code::MEDIA_TYPE,
            format!("The request body must be sent as 'Content-Type: {expected}'."),
            whole_request(),
        )
    }

    /// 422, code 10015: the resource's state forbids the action (e.g.
    /// enabling a cancelled account).
    pub(crate) fn unprocessable(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            code::BAD_REQUEST,
            detail,
            whole_request(),
        )
    }

    /// 403, code 10010.
    pub(crate) fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            code::NOT_AUTHORIZED,
            detail,
            whole_request(),
        )
    }

    /// 413, when the body is larger than the mock accepts.
    pub(crate) fn too_large(limit_mib: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            code::TOO_LARGE,
            format!("The request body is larger than the {limit_mib} MiB the mock accepts."),
            whole_request(),
        )
    }

    /// 429, code 10011: past the rate limit (Telnyx's documented body).
    pub(crate) fn too_many_requests() -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            code::TOO_MANY,
            "You have exceeded the maximum number of allowed requests.",
            None,
        )
    }

    /// The default Telnyx-style error for any status, used by [`crate::Fault::Status`].
    pub(crate) fn for_status(status: StatusCode) -> Self {
        let (code, detail) = match status.as_u16() {
            401 => return Self::unauthorized(),
            404 => return Self::not_found(),
            429 => return Self::too_many_requests(),
            403 => (
                code::NOT_AUTHORIZED,
                "You are not authorized to access the requested resource.",
            ),
            408 => (code::TIMEOUT, "The request timed out."),
            409 => (code::DUPLICATE, "Resource is a duplicate."),
            503 => (
                code::UNAVAILABLE,
                "The service is temporarily unavailable. Please retry later.",
            ),
            s if s >= 500 => (code::UNEXPECTED, "An unexpected error occurred."),
            _ => (
                code::BAD_REQUEST,
                "The request failed because it was not well-formed.",
            ),
        };
        Self::new(status, code, detail, None)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_response(
            self.status,
            &ErrorBody {
                errors: [&self.item],
            },
        )
    }
}
