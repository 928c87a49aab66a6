//! Resource ids as the API takes them: `&str`, `String` or `uuid::Uuid`.

use std::fmt;

use uuid::Uuid;

use crate::error::{Error, Result};

/// The id of a managed account or user, from a `&str`, `String` or `Uuid`.
///
/// Ids are checked before any request is sent: an empty id, or one that
/// would change the request's path (`/`, `\`, `?`, `#`, `%`, `.`/`..`,
/// whitespace or control characters), is an [`Error::InvalidRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Id(String);

impl Id {
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id if it can go into a path unchanged.
    pub(crate) fn checked(&self) -> Result<&str> {
        let id = self.0.as_str();
        let reason = if id.is_empty() {
            Some("is empty")
        } else if id == "." || id == ".." {
            Some("is a relative path segment")
        } else if id.chars().any(|c| {
            matches!(c, '/' | '\\' | '?' | '#' | '%') || c.is_whitespace() || c.is_control()
        }) {
            Some("contains a character that would change the request path (/ \\ ? # % whitespace or control)")
        } else {
            None
        };
        match reason {
            Some(reason) => Err(Error::invalid("id", reason)),
            None => Ok(id),
        }
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Id {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

impl From<String> for Id {
    fn from(s: String) -> Self {
        Self(s)
    }
}

impl From<&String> for Id {
    fn from(s: &String) -> Self {
        Self(s.clone())
    }
}

impl From<Uuid> for Id {
    fn from(u: Uuid) -> Self {
        Self(u.to_string())
    }
}

impl From<&Uuid> for Id {
    fn from(u: &Uuid) -> Self {
        Self(u.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_that_would_change_the_path_are_refused() {
        for bad in [
            "", ".", "..", "a/b", "a?b", "a#b", "a%2Fb", "a b", "a\\b", "a\nb",
        ] {
            assert!(
                matches!(Id::from(bad).checked(), Err(Error::InvalidRequest(_))),
                "{bad:?}"
            );
        }
        for good in ["u1", "f65ceda4-6522-4ad6-aede-98de83385123", "a.b", "ünï"] {
            assert_eq!(Id::from(good).checked().unwrap(), good);
        }
    }
}
