//! Request-body parsing with Telnyx-style 422 errors pointing at the field.

use serde_json::{Map, Value};

use crate::errors::ApiError;

/// Parses a JSON object body. An empty (or whitespace-only) body is `{}`.
pub(crate) fn json_object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
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
