//! Query-string parsing: percent-decoded pairs, in order, plus typed getters
//! that produce Telnyx-style 400/422 errors.
//!
//! Rules: a value that cannot be parsed at all (`page[number]=abc`, an
//! unknown enum value, `include_groups=maybe`) is a 400 (code 10015); a value
//! that parses but is out of range (`page[size]=0`, a `contains` filter
//! shorter than three characters) is a 422. Both name the parameter in
//! `source.parameter`. When a key repeats, the last value wins. Unknown
//! parameters are ignored.

use crate::errors::ApiError;

/// Decodes `raw` (without the `?`) into percent-decoded `(key, value)` pairs.
/// `+` decodes to a space, as in HTML forms.
pub(crate) fn decode_pairs(raw: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(raw.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

pub(crate) struct Query<'a> {
    pairs: &'a [(String, String)],
}

impl<'a> Query<'a> {
    pub(crate) fn new(pairs: &'a [(String, String)]) -> Self {
        Query { pairs }
    }

    /// The last value given for `key`.
    pub(crate) fn get(&self, key: &str) -> Option<&'a str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// An integer in `min..=max` (`max` optional), `default` when absent.
    pub(crate) fn int_in(
        &self,
        key: &str,
        default: u64,
        min: u64,
        max: Option<u64>,
    ) -> Result<u64, ApiError> {
        let Some(raw) = self.get(key) else {
            return Ok(default);
        };
        let value: i64 = raw.trim().parse().map_err(|_| {
            ApiError::bad_query(key, format!("The '{key}' parameter must be an integer."))
        })?;
        let in_range = value >= min as i64 && max.is_none_or(|m| value <= m as i64);
        if !in_range {
            let detail = match max {
                Some(m) => format!("The '{key}' parameter must be between {min} and {m}."),
                None => format!("The '{key}' parameter must be {min} or greater."),
            };
            return Err(ApiError::invalid_parameter(key, detail));
        }
        Ok(value as u64)
    }

    /// `true` / `false` (case-insensitive); `None` when absent.
    pub(crate) fn bool(&self, key: &str) -> Result<Option<bool>, ApiError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(_) => Err(ApiError::bad_query(
                key,
                format!("The '{key}' parameter must be 'true' or 'false'."),
            )),
        }
    }

    /// A case-insensitive substring filter: at least three characters.
    /// Returns the lowercased needle.
    pub(crate) fn contains(&self, key: &str) -> Result<Option<String>, ApiError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) if v.chars().count() < 3 => Err(ApiError::invalid_parameter(
                key,
                format!("The '{key}' parameter requires at least three characters."),
            )),
            Some(v) => Ok(Some(v.to_lowercase())),
        }
    }
}
