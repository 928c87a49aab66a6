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

/// Whether `s` is letters, digits and `-` only (a UUID is): what a path
/// takes as it is. Every byte is looked at, with no early exit: a UUID's
/// mix of digits and letters made the short-circuiting form mispredict a
/// branch every few bytes (it showed in profiles of a `retrieve` loop).
pub(crate) fn is_plain(s: &str) -> bool {
    s.bytes().fold(true, |plain, b| {
        plain & (b.is_ascii_digit() | (b | 0x20).is_ascii_lowercase() | (b == b'-'))
    })
}

#[cfg(test)]
mod tests {
    use super::is_plain;

    #[test]
    fn plain_is_letters_digits_and_dash_only() {
        for b in 0..=u8::MAX {
            let expected = b.is_ascii_alphanumeric() || b == b'-';
            let text = [b];
            let s = String::from_utf8_lossy(&text);
            assert_eq!(is_plain(&s), expected, "byte {b:#04x}");
        }
        assert!(is_plain("f65ceda4-6522-4ad6-AEDE-98de83385123"));
        assert!(!is_plain("f65ceda4-6522-4ad6-aede-98de8338512_"));
    }
}
