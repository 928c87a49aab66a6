//! A string that never shows itself by accident.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What a secret looks like in `Debug`, `Display` and serialized output.
pub const REDACTED: &str = "[REDACTED]";

/// An API key, API token or password.
///
/// `Debug`, `Display` and `Serialize` all print `[REDACTED]`: a secret reaches
/// a log, an error message or a JSON dump only through an explicit
/// [`expose_secret`](Self::expose_secret) call.
///
/// ```
/// use telnyx_accounts::SecretString;
///
/// let key = SecretString::from("KEY0123");
/// assert_eq!(format!("{key:?} {key}"), "[REDACTED] [REDACTED]");
/// assert_eq!(key.expose_secret(), "KEY0123");
/// ```
#[derive(Clone, PartialEq, Eq, Default)]
pub struct SecretString(String);

impl SecretString {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret itself. Call this only where the value must leave the
    /// program (to store it in a vault, or to configure another client).
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// Whether the secret is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for SecretString {
    fn from(s: String) -> Self {
        Self(s)
    }
}

impl From<&str> for SecretString {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// Serializes as `"[REDACTED]"`, so dumping a model to JSON does not leak it.
impl Serialize for SecretString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(REDACTED)
    }
}

impl<'de> Deserialize<'de> for SecretString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self)
    }
}

/// Replaces, in `text`, the string values of secret-bearing JSON fields
/// (`api_key`, `api_token`, `password`, `authorization`) and every occurrence
/// of `known` (the client's own key), so a body snippet can be shown safely.
pub(crate) fn scrub(text: &str, known: &[&str]) -> String {
    let mut out = text.to_owned();
    for secret in known.iter().filter(|s| s.len() >= 4) {
        out = out.replace(secret, REDACTED);
    }
    for field in [
        "\"api_key\"",
        "\"api_token\"",
        "\"password\"",
        "\"authorization\"",
    ] {
        let mut from = 0;
        while let Some(pos) = find_ascii_ci(&out[from..], field) {
            let after_key = from + pos + field.len();
            // Skip whitespace and the colon, then mask a string value.
            let rest = &out[after_key..];
            let trimmed = rest.trim_start_matches([' ', '\t', '\n', '\r', ':']);
            let value_start = after_key + (rest.len() - trimmed.len());
            if let Some(body) = trimmed.strip_prefix('"') {
                let mut end = None;
                let mut escaped = false;
                for (i, c) in body.char_indices() {
                    match c {
                        '\\' if !escaped => escaped = true,
                        '"' if !escaped => {
                            end = Some(i);
                            break;
                        }
                        _ => escaped = false,
                    }
                }
                // An unterminated value (a truncated body) is masked to the end.
                let value_end = value_start + 1 + end.unwrap_or(body.len());
                out.replace_range(value_start + 1..value_end, REDACTED);
                from = value_start + 1 + REDACTED.len();
            } else {
                from = after_key;
            }
            if from >= out.len() {
                break;
            }
        }
    }
    out
}

fn find_ascii_ci(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrub_masks_secret_fields_and_known_values() {
        let body = r#"{"api_key":"KEYabc","api_token" : "tok\"en","password":"pw","email":"a@b.c","x":"MYKEY123"}"#;
        let s = scrub(body, &["MYKEY123"]);
        assert_eq!(
            s,
            r#"{"api_key":"[REDACTED]","api_token" : "[REDACTED]","password":"[REDACTED]","email":"a@b.c","x":"[REDACTED]"}"#
        );
    }

    #[test]
    fn scrub_masks_a_truncated_value() {
        let s = scrub(r#"{"api_token":"abcdef"#, &[]);
        assert_eq!(s, r#"{"api_token":"[REDACTED]"#);
    }
}
