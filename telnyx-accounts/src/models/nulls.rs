//! Null-tolerant decoding of Telnyx's 200 bodies (the rule is in the
//! [`models`](super) docs: `null` reads as absent).
//!
//! Bodies are decoded by the generated client into the generated types,
//! which accept `null` wherever the field is an `Option`, but not in the
//! optional arrays (`data` of the pages and the groups report, `groups` of a
//! user: generated as `Vec` with `#[serde(default)]`). When the generated
//! decode fails, the body is decoded again with every `null` object member
//! removed, so that those fields take their absent value; if that fails too,
//! the original error stands.

use progenitor_client::{Error as GenError, ResponseValue};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// A generated call's result, with a body that failed to decode given a
/// second chance with its nulls read as absent.
///
/// The generated client does not keep the response headers of a body it
/// could not decode, so a body decoded on this second path has none.
// The error type is the generated client's, passed through as it came.
#[allow(clippy::result_large_err)]
pub(crate) fn tolerate_nulls<T: DeserializeOwned>(
    result: Result<ResponseValue<T>, GenError<()>>,
) -> Result<ResponseValue<T>, GenError<()>> {
    match result {
        Err(GenError::InvalidResponsePayload(body, error)) => match decode_without_nulls(&body) {
            // The fragment lists only 200 responses, so that is what was decoded.
            Some(value) => Ok(ResponseValue::new(
                value,
                reqwest::StatusCode::OK,
                reqwest::header::HeaderMap::new(),
            )),
            None => Err(GenError::InvalidResponsePayload(body, error)),
        },
        other => other,
    }
}

/// `body` decoded with every `null` object member removed; `None` when it
/// still does not fit `T`.
pub(crate) fn decode_without_nulls<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
    // serde_json limits nesting (128 levels), which bounds the recursion below.
    let mut value: Value = serde_json::from_slice(body).ok()?;
    remove_nulls(&mut value);
    serde_json::from_value(value).ok()
}

fn remove_nulls(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(remove_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(remove_nulls),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use telnyx_accounts_gen::types as gen;

    #[test]
    fn null_arrays_read_as_absent_and_required_nulls_still_fail() {
        let body = br#"{"data":null,"meta":null}"#;
        assert!(serde_json::from_slice::<gen::OrganizationUserPage>(body).is_err());
        let page: gen::OrganizationUserPage = decode_without_nulls(body).unwrap();
        assert!(page.data.is_empty() && page.meta.is_none());

        let body = br#"{"data":[{"id":"u1","groups":null,"email":null}]}"#;
        let page: gen::OrganizationUserPage = decode_without_nulls(body).unwrap();
        assert_eq!(page.data[0].id.as_deref(), Some("u1"));

        let body = br#"{"data":[{"id":null,"email":"a@b.c","groups":null,"created_at":"2018-02-02T22:25:27.521Z","record_type":"organization_sub_user","user_status":"enabled"}]}"#;
        assert!(decode_without_nulls::<gen::OrganizationUserWithGroupsList>(body).is_none());
    }
}
