//! Secrets: [`SecretString`], which never shows itself by accident, and the
//! explicit opt-in for storing one.
//!
//! By default a secret prints and serializes as `[REDACTED]`, so a model
//! dumped to a log or a JSON file does not leak the managed account's
//! `api_key` and `api_token`. Storing them is a deliberate act, in one of two
//! ways:
//!
//! - [`expose_secrets(&value)`](expose_secrets) wraps any serializable value
//!   (an account, a `Vec` of them, your own struct) so that serializing the
//!   wrapper writes its secrets in clear;
//! - `#[serde(with = "telnyx_accounts::secret::expose")]` on a field of your
//!   own struct does the same for that field, and on reading refuses a
//!   secret that was stored redacted (instead of restoring `[REDACTED]` as if
//!   it were the key).
//!
//! # A JSON cache of managed accounts
//!
//! ```
//! use serde::{Deserialize, Serialize};
//! use telnyx_accounts::ManagedAccount;
//!
//! /// What a service keeps on disk between runs.
//! #[derive(Serialize, Deserialize)]
//! struct AccountCache {
//!     // Keys included: this file must be protected like a vault.
//!     #[serde(with = "telnyx_accounts::secret::expose")]
//!     accounts: Vec<ManagedAccount>,
//! }
//!
//! let account = ManagedAccount::builder()
//!     .email("larry@example.com")
//!     .api_key("KEY0123")
//!     .api_token("TOKEN")
//!     .build();
//! let cache = AccountCache { accounts: vec![account.clone()] };
//!
//! let json = serde_json::to_string(&cache)?;
//! assert!(json.contains("KEY0123"));
//! let restored: AccountCache = serde_json::from_str(&json)?;
//! assert_eq!(restored.accounts[0], account);
//! assert_eq!(restored.accounts[0].api_key.expose_secret(), "KEY0123");
//!
//! // Without the opt-in the key is not written...
//! let redacted = serde_json::to_string(&account)?;
//! assert!(!redacted.contains("KEY0123"));
//! // ...and the opt-in refuses to restore `[REDACTED]` as a key.
//! let stale = format!(r#"{{"accounts":[{redacted}]}}"#);
//! let err = serde_json::from_str::<AccountCache>(&stale).err().expect("refused");
//! assert!(err.to_string().contains("stored redacted"));
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! Without a struct of your own, wrap the value when writing:
//! `serde_json::to_string(&expose_secrets(&accounts))`. Reading it back with
//! plain `serde_json::from_str::<Vec<ManagedAccount>>` works too, but accepts
//! a redacted secret: check [`SecretString::is_redacted`] if the file may
//! have been written without the opt-in.

use std::cell::Cell;
use std::fmt;

use reqwest::header::HeaderValue;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What a secret looks like in `Debug`, `Display` and serialized output.
pub const REDACTED: &str = "[REDACTED]";

thread_local! {
    /// While above 0, secrets serialize in clear (inside `expose_secrets`).
    static EXPOSE: Cell<u32> = const { Cell::new(0) };
    /// While above 0, a `[REDACTED]` secret fails to deserialize (inside
    /// `expose::deserialize`).
    static STRICT: Cell<u32> = const { Cell::new(0) };
}

/// Raises a thread-local counter for as long as it lives (panic-safe).
struct Scope(&'static std::thread::LocalKey<Cell<u32>>);

impl Scope {
    fn enter(key: &'static std::thread::LocalKey<Cell<u32>>) -> Self {
        key.with(|c| c.set(c.get().saturating_add(1)));
        Scope(key)
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        self.0.with(|c| c.set(c.get().saturating_sub(1)));
    }
}

/// An API key, API token or password.
///
/// `Debug`, `Display` and `Serialize` all print `[REDACTED]`: a secret reaches
/// a log, an error message or a JSON dump only through an explicit
/// [`expose_secret`](Self::expose_secret) call, or serialized inside
/// [`expose_secrets`] / [`expose`] (see the [module docs](self)).
///
/// ```
/// use telnyx_accounts::SecretString;
///
/// let key = SecretString::from("KEY0123");
/// assert_eq!(format!("{key:?} {key}"), "[REDACTED] [REDACTED]");
/// assert_eq!(serde_json::to_string(&key)?, r#""[REDACTED]""#);
/// assert_eq!(key.expose_secret(), "KEY0123");
/// # Ok::<(), serde_json::Error>(())
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

    /// Whether this is the `[REDACTED]` placeholder rather than a secret: what
    /// a secret serialized without the opt-in reads back as.
    ///
    /// ```
    /// use telnyx_accounts::SecretString;
    ///
    /// let json = serde_json::to_string(&SecretString::from("KEY0123"))?;
    /// let read: SecretString = serde_json::from_str(&json)?;
    /// assert!(read.is_redacted());
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn is_redacted(&self) -> bool {
        self.0 == REDACTED
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

/// Serializes as `"[REDACTED]"`, so dumping a model to JSON does not leak
/// it; in clear only inside [`expose_secrets`] or [`expose`].
impl Serialize for SecretString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if EXPOSE.with(Cell::get) > 0 {
            serializer.serialize_str(&self.0)
        } else {
            serializer.serialize_str(REDACTED)
        }
    }
}

/// Reads any string, `[REDACTED]` included (see
/// [`is_redacted`](SecretString::is_redacted)); inside [`expose`]'s
/// `deserialize`, `[REDACTED]` is an error.
impl<'de> Deserialize<'de> for SecretString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        if s == REDACTED && STRICT.with(Cell::get) > 0 {
            return Err(serde::de::Error::custom(
                "a secret was stored redacted (serialized without \
                 telnyx_accounts::secret::expose or expose_secrets): the key is not in this data",
            ));
        }
        Ok(Self(s))
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for SecretString {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "SecretString".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A secret: `[REDACTED]` unless serialized through telnyx_accounts::secret::expose.",
        })
    }
}

/// Serializes `value` with its secrets in clear. See [`expose_secrets`].
#[derive(Clone, Copy)]
#[must_use = "serialize the wrapper: it exposes secrets only while being serialized"]
pub struct ExposeSecrets<'a, T: ?Sized>(&'a T);

/// Wraps `value` so that serializing the wrapper writes every
/// [`SecretString`] inside it in clear, for storing an account with its
/// keys. The value itself is unchanged: serialized on its own, or printed,
/// its secrets stay `[REDACTED]`.
///
/// ```
/// use telnyx_accounts::secret::expose_secrets;
/// use telnyx_accounts::ManagedAccount;
///
/// let account = ManagedAccount::builder().api_key("KEY0123").build();
/// let stored = serde_json::to_string(&expose_secrets(&account))?;
/// assert!(stored.contains(r#""api_key":"KEY0123""#));
/// assert!(!serde_json::to_string(&account)?.contains("KEY0123"));
///
/// let restored: ManagedAccount = serde_json::from_str(&stored)?;
/// assert_eq!(restored, account);
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn expose_secrets<T: Serialize + ?Sized>(value: &T) -> ExposeSecrets<'_, T> {
    ExposeSecrets(value)
}

impl<T: Serialize + ?Sized> Serialize for ExposeSecrets<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let _scope = Scope::enter(&EXPOSE);
        self.0.serialize(serializer)
    }
}

/// Prints the value as its own `Debug` does: secrets stay redacted.
impl<T: fmt::Debug + ?Sized> fmt::Debug for ExposeSecrets<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ExposeSecrets").field(&self.0).finish()
    }
}

/// `#[serde(with = "telnyx_accounts::secret::expose")]`: a field whose
/// secrets are stored in clear.
///
/// It works on a field of any type: a [`SecretString`], a
/// [`ManagedAccount`](crate::ManagedAccount), a `Vec` or `Option` of them,
/// a struct holding them. Reading refuses a secret stored as `[REDACTED]`,
/// so data written without the opt-in fails loudly instead of yielding
/// `[REDACTED]` as a key. See the [module docs](super::secret) for a cache.
///
/// ```
/// use serde::{Deserialize, Serialize};
/// use telnyx_accounts::SecretString;
///
/// #[derive(Serialize, Deserialize)]
/// struct Credentials {
///     user: String,
///     #[serde(with = "telnyx_accounts::secret::expose")]
///     api_key: SecretString,
/// }
///
/// let c = Credentials { user: "ops".into(), api_key: "KEY0123".into() };
/// let json = serde_json::to_string(&c)?;
/// assert_eq!(json, r#"{"user":"ops","api_key":"KEY0123"}"#);
/// let back: Credentials = serde_json::from_str(&json)?;
/// assert_eq!(back.api_key.expose_secret(), "KEY0123");
/// # Ok::<(), serde_json::Error>(())
/// ```
pub mod expose {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// Serializes `value` with its secrets in clear.
    pub fn serialize<T, S>(value: &T, serializer: S) -> Result<S::Ok, S::Error>
    where
        T: Serialize + ?Sized,
        S: Serializer,
    {
        super::expose_secrets(value).serialize(serializer)
    }

    /// Deserializes a `T`, failing if any secret inside it was stored as
    /// `[REDACTED]`.
    pub fn deserialize<'de, T, D>(deserializer: D) -> Result<T, D::Error>
    where
        T: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        let _scope = super::Scope::enter(&super::STRICT);
        T::deserialize(deserializer)
    }
}

/// A credential header for one request: `value` in a buffer of its own,
/// still marked sensitive if it was. Not a clone: a clone of a header built
/// at run time shares one atomic reference count, which every worker thread
/// of a busy client would update twice a call.
pub(crate) fn private_copy(value: &HeaderValue) -> HeaderValue {
    // A valid header's bytes are valid again; the clone is never taken.
    let mut copy = HeaderValue::from_bytes(value.as_bytes()).unwrap_or_else(|_| value.clone());
    copy.set_sensitive(value.is_sensitive());
    copy
}

/// Replaces, in `text`, the string values of secret-bearing JSON fields
/// (`api_key`, `api_token`, `password`, `authorization`, and OAuth2's
/// `access_token`, `refresh_token`, `client_secret`) and every occurrence of
/// `known` (the client's own key or client secret and token), so a body
/// snippet can be shown safely.
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
        "\"access_token\"",
        "\"refresh_token\"",
        "\"client_secret\"",
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

    /// A credential header goes out as a copy with a buffer of its own (no
    /// count shared with the client's), equal and still sensitive (kept
    /// out of `Debug`).
    #[test]
    fn a_private_copy_has_its_own_buffer_and_keeps_its_sensitivity() {
        let mut key = HeaderValue::from_str("Bearer KEY_SECRET").unwrap();
        key.set_sensitive(true);
        let copy = private_copy(&key);
        assert_eq!(copy, key);
        assert_ne!(
            copy.as_bytes().as_ptr(),
            key.as_bytes().as_ptr(),
            "a clone shares the buffer"
        );
        assert!(copy.is_sensitive());
        assert_eq!(format!("{copy:?}"), "Sensitive");
        assert!(!private_copy(&HeaderValue::from_static("text/csv")).is_sensitive());
    }

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
    fn exposure_is_scoped_to_the_wrapper_even_after_a_failure() {
        struct Fails;
        impl Serialize for Fails {
            fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("no"))
            }
        }
        let key = SecretString::from("KEY0123");
        assert!(serde_json::to_string(&expose_secrets(&(&key, Fails))).is_err());
        assert_eq!(serde_json::to_string(&key).unwrap(), "\"[REDACTED]\"");
        let inner = expose_secrets(&key);
        assert_eq!(
            serde_json::to_string(&expose_secrets(&inner)).unwrap(),
            "\"KEY0123\""
        );
        assert_eq!(serde_json::to_string(&key).unwrap(), "\"[REDACTED]\"");
    }

    #[test]
    fn strict_reading_is_scoped_to_expose() {
        let json = "\"[REDACTED]\"";
        let mut de = serde_json::Deserializer::from_str(json);
        assert!(expose::deserialize::<SecretString, _>(&mut de).is_err());
        let plain: SecretString = serde_json::from_str(json).unwrap();
        assert!(plain.is_redacted());
    }

    #[test]
    fn scrub_masks_oauth_fields() {
        let body = r#"{"access_token":"tok-1","token_type":"bearer","refresh_token":"r","client_secret":"s","expires_in":60}"#;
        assert_eq!(
            scrub(body, &[]),
            r#"{"access_token":"[REDACTED]","token_type":"bearer","refresh_token":"[REDACTED]","client_secret":"[REDACTED]","expires_in":60}"#
        );
    }

    /// A page of accounts has a key per account: every one is masked, however
    /// long each value is next to `[REDACTED]` and whatever comes between.
    #[test]
    fn scrub_masks_every_occurrence_of_a_field() {
        let body = r#"[{"api_key":"K1"},{"API_KEY": "a-key-longer-than-the-mask-0123456789","id":"é"},{"api_key":"K3","api_key":"K4"}]"#;
        assert_eq!(
            scrub(body, &[]),
            r#"[{"api_key":"[REDACTED]"},{"API_KEY": "[REDACTED]","id":"é"},{"api_key":"[REDACTED]","api_key":"[REDACTED]"}]"#
        );
        // A field name with no string value is left as it is, and the search
        // goes on after it.
        assert_eq!(
            scrub(r#"{"password":null,"password":"pw"}"#, &[]),
            r#"{"password":null,"password":"[REDACTED]"}"#
        );
    }

    #[test]
    fn a_secret_prints_as_redacted_every_way() {
        let key = SecretString::from("KEY0123");
        assert_eq!(
            format!("{key} {key:?} {key:#?}"),
            "[REDACTED] [REDACTED] [REDACTED]"
        );
    }

    #[test]
    fn scrub_masks_a_truncated_value() {
        let s = scrub(r#"{"api_token":"abcdef"#, &[]);
        assert_eq!(s, r#"{"api_token":"[REDACTED]"#);
    }
}
