//! Resource ids as the API takes them: `&str`, `String` or `uuid::Uuid`.

use std::fmt;

use uuid::Uuid;

use crate::error::{Error, Result};
use crate::runtime::operation::is_plain;

/// The id of a managed account or user, from a `&str`, `String` or `Uuid`.
///
/// Ids are checked before any request is sent: an empty id, or one that
/// would change the request's path (`/`, `\`, `?`, `#`, `%`, `.`/`..`,
/// whitespace or control characters), is an [`Error::InvalidRequest`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), telnyx_accounts::Error> {
/// # let mock = telnyx_accounts_mock::MockServer::start().await;
/// # let client = telnyx_accounts::Client::builder().api_key(mock.api_key()).base_url(mock.base_url()).build()?;
/// use telnyx_accounts::{Error, Id};
///
/// let uuid = mock.accounts()[0].id;
/// let by_uuid = client.managed_accounts().retrieve(uuid).await?;
/// let by_str = client.managed_accounts().retrieve(uuid.to_string().as_str()).await?;
/// assert_eq!(by_uuid.id, by_str.id);
/// assert_eq!(Id::from(uuid).as_str(), uuid.to_string());
///
/// // Refused before anything is sent.
/// let err = client.managed_accounts().retrieve("../users").await.unwrap_err();
/// assert!(matches!(err, Error::InvalidRequest(e) if e.parameter == "id"));
/// # Ok(()) }
/// ```
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
        // The common case, a UUID: letters, digits and `-` only.
        if !id.is_empty() && is_plain(id) {
            return Ok(id);
        }
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
    fn an_id_prints_as_it_is_sent() {
        let uuid = Uuid::parse_str("f65ceda4-6522-4ad6-aede-98de83385123").unwrap();
        assert_eq!(
            Id::from(uuid).to_string(),
            "f65ceda4-6522-4ad6-aede-98de83385123"
        );
        assert_eq!(format!("[{}]", Id::from("acct-7")), "[acct-7]");
        // The text a caller stores or compares, whatever it was built from.
        assert_eq!(
            Id::from(uuid).as_str(),
            "f65ceda4-6522-4ad6-aede-98de83385123"
        );
        assert_eq!(Id::from(String::from("acct-7")).as_str(), "acct-7");
    }

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
