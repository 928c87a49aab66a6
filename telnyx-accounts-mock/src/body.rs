//! Request-body parsing with Telnyx-style errors pointing at the field.
//!
//! The order, the same on every route that takes a body: an absent body
//! (no bytes, or only whitespace) is `{}` where the body is optional and a
//! 422 (`10004`) where the spec requires it; a present body must be declared
//! `Content-Type: application/json` (parameters and case aside), else 415
//! (`10014`); then it must be JSON (422, `10023`) and a JSON object (422,
//! `10023`); then each field is checked for its type (422, `10020`) and its
//! value (422, `10004`/`10015`/`10019`), in the order the handler reads them.

use http::{header, HeaderMap};
use serde_json::{Map, Value};

use crate::errors::ApiError;

/// Whether the spec requires a route's request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyRule {
    /// `requestBody.required: true`: an absent body is a 422.
    Required,
    /// An absent body counts as `{}`.
    Optional,
}

/// True when `headers` declare `media_type` (`type/subtype`, case-insensitive,
/// parameters such as `charset` ignored).
pub(crate) fn declares(headers: &HeaderMap, media_type: &str) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case(media_type))
}

/// Parses a route's JSON object body, in the order the module documents.
pub(crate) fn json_object(
    headers: &HeaderMap,
    body: &[u8],
    rule: BodyRule,
) -> Result<Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return match rule {
            BodyRule::Required => Err(ApiError::missing_body()),
            BodyRule::Optional => Ok(Map::new()),
        };
    }
    if !declares(headers, "application/json") {
        return Err(ApiError::unsupported_media_type("application/json"));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::invalid_json(
            "The request body must be a JSON object.",
        )),
        Err(e) => Err(ApiError::invalid_json(format!(
            "The request body is not valid JSON: {e}."
        ))),
    }
}

/// An optional string field (`null` counts as absent).
pub(crate) fn opt_str<'a>(
    map: &'a Map<String, Value>,
    field: &str,
) -> Result<Option<&'a str>, ApiError> {
    match map.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(ApiError::wrong_type(field, "string")),
    }
}

/// An optional boolean field (`null` counts as absent).
pub(crate) fn opt_bool(map: &Map<String, Value>, field: &str) -> Result<Option<bool>, ApiError> {
    match map.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(ApiError::wrong_type(field, "boolean")),
    }
}

/// An optional integer field (`null` counts as absent). Negative values are
/// returned as such for the caller to range-check.
pub(crate) fn opt_int(map: &Map<String, Value>, field: &str) -> Result<Option<i128>, ApiError> {
    match map.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => {
            if let Some(v) = n.as_i64() {
                Ok(Some(i128::from(v)))
            } else if let Some(v) = n.as_u64() {
                Ok(Some(i128::from(v)))
            } else {
                Err(ApiError::wrong_type(field, "integer"))
            }
        }
        Some(_) => Err(ApiError::wrong_type(field, "integer")),
    }
}
