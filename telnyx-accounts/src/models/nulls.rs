//! Null-tolerant decoding of Telnyx's 2xx bodies: `null_as_default` for
//! fields, and `remove_nulls` for a whole body (the rule is in the
//! [`models`](super#nulls-and-missing-fields) docs: `null` reads as absent),
//! used by `decode.rs` when a body does not fit the generated type as sent.

use serde_json::Value;

/// Removes every `null` object member, in place.
pub(crate) fn remove_nulls(value: &mut Value) {
    // serde_json limits nesting (128 levels), which bounds the recursion.
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(remove_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(remove_nulls),
        _ => {}
    }
}

/// `deserialize_with` for a field whose `null` reads as its default (with
/// `#[serde(default)]` for absent).
pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de> + Default,
{
    Ok(<Option<T> as serde::Deserialize>::deserialize(deserializer)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::DeserializeOwned;
    use telnyx_accounts_gen::types as generated;

    fn decode_without_nulls<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
        let mut value: Value = serde_json::from_slice(body).ok()?;
        remove_nulls(&mut value);
        serde_json::from_value(value).ok()
    }

    #[test]
    fn null_arrays_read_as_absent_and_required_nulls_still_fail() {
        let body = br#"{"data":null,"meta":null}"#;
        assert!(serde_json::from_slice::<generated::OrganizationUserPage>(body).is_err());
        let page: generated::OrganizationUserPage = decode_without_nulls(body).unwrap();
        assert!(page.data.is_empty() && page.meta.is_none());

        let body = br#"{"data":[{"id":"u1","groups":null,"email":null}]}"#;
        let page: generated::OrganizationUserPage = decode_without_nulls(body).unwrap();
        assert_eq!(page.data[0].id.as_deref(), Some("u1"));

        let body = br#"{"data":[{"id":null,"email":"a@b.c","groups":null,"created_at":"2018-02-02T22:25:27.521Z","record_type":"organization_sub_user","user_status":"enabled"}]}"#;
        assert!(decode_without_nulls::<generated::OrganizationUserWithGroupsList>(body).is_none());
    }
}
