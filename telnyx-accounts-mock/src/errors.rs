//! Telnyx-style error bodies: `{"errors": [{code, title, detail, source, meta}]}`.

use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde::Serialize;

use crate::wire::json_response;

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

impl ApiError {
    pub(crate) fn new(
        status: StatusCode,
        code: &str,
        title: &str,
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

    /// 401, code 10009: missing or wrong bearer token.
    pub(crate) fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "10009",
            "Authentication failed",
            "Could not understand the provided credentials.",
            None,
        )
    }

    /// 404, code 10005: unknown id or unknown path.
    pub(crate) fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "10005",
            "Resource not found",
            "The requested resource or URL could not be found.",
            Some(Source::Pointer("/".into())),
        )
    }

    /// 400, code 10015: a query value that cannot be parsed at all.
    pub(crate) fn bad_query(parameter: &str, detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "10015",
            "Bad Request",
            detail,
            Some(Source::Parameter(parameter.into())),
        )
    }

    /// 422, code 10015: a query value that parses but is out of range.
    pub(crate) fn invalid_parameter(parameter: &str, detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "10015",
            "Invalid value",
            detail,
            Some(Source::Parameter(parameter.into())),
        )
    }

    /// 422, code 10004: a required body field is absent.
    pub(crate) fn missing_field(field: &str) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "10004",
            "Missing required parameter",
            format!("The '{field}' parameter is required."),
            Some(Source::Pointer(format!("/{field}"))),
        )
    }

    /// 422, code 10020: a body field has the wrong JSON type.
    pub(crate) fn wrong_type(field: &str, expected: &str) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "10020",
            "Invalid resource type",
            format!("The '{field}' parameter must be of type '{expected}'."),
            Some(Source::Pointer(format!("/{field}"))),
        )
    }

    /// 422, code 10015: a body field has the right type but an unacceptable value.
    pub(crate) fn invalid_field(field: &str, detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "10015",
            "Invalid value",
            detail,
            Some(Source::Pointer(format!("/{field}"))),
        )
    }

    /// 422, code 10023: the body is not JSON (or not a JSON object).
    pub(crate) fn invalid_json(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "10023",
            "Invalid JSON",
            detail,
            Some(Source::Pointer("/".into())),
        )
    }

    /// 422 about the resource's state (e.g. enabling a cancelled account).
    pub(crate) fn unprocessable(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "10015",
            "Unprocessable entity",
            detail,
            Some(Source::Pointer("/".into())),
        )
    }

    /// 403, code 10010.
    pub(crate) fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "10010",
            "Not authorized",
            detail,
            Some(Source::Pointer("/".into())),
        )
    }

    /// 413, when the body is larger than the mock accepts.
    pub(crate) fn too_large() -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "10015",
            "Bad Request",
            "The request body is too large.",
            Some(Source::Pointer("/".into())),
        )
    }

    /// The default Telnyx-style error for any status, used by [`crate::Fault::Status`].
    pub(crate) fn for_status(status: StatusCode) -> Self {
        let (code, title, detail) = match status.as_u16() {
            400 => (
                "10015",
                "Bad Request",
                "The request failed because it was not well-formed.",
            ),
            401 => return Self::unauthorized(),
            403 => (
                "10010",
                "Not authorized",
                "You are not authorized to access the requested resource.",
            ),
            404 => return Self::not_found(),
            408 => ("10008", "Request timeout", "The request timed out."),
            409 => ("10012", "Duplicate resource", "Resource is a duplicate."),
            422 => (
                "10015",
                "Unprocessable entity",
                "The request could not be processed.",
            ),
            429 => (
                "10011",
                "Too many requests",
                "You have exceeded the maximum number of allowed requests.",
            ),
            503 => (
                "10007",
                "Service unavailable",
                "The service is temporarily unavailable. Please retry later.",
            ),
            _ => ("10007", "Unexpected error", "An unexpected error occured."),
        };
        Self::new(status, code, title, detail, None)
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
