//! Organization users and the groups report.

use chrono::{DateTime, Utc};
use serde::Serialize;
use telnyx_accounts_gen::types as gen;

use super::enums::{UserRecordType, UserStatus};
use super::open_value;

/// A user of your organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct OrganizationUser {
    /// Identifies the user.
    pub id: String,
    /// The user's email address.
    pub email: Option<String>,
    /// Enabled, disabled or blocked.
    pub user_status: Option<UserStatus>,
    /// Owner or sub-user.
    pub record_type: Option<UserRecordType>,
    /// When the user was created.
    pub created_at: Option<DateTime<Utc>>,
    /// When the user last signed in to the portal; `None` if never.
    pub last_sign_in_at: Option<DateTime<Utc>>,
    /// Whether the user may bypass SSO and sign in with a password.
    pub organization_user_bypasses_sso: Option<bool>,
    /// The user's groups: `Some` when asked for with `include_groups(true)`
    /// and always in the groups report; `None` when not asked for.
    pub groups: Option<Vec<UserGroup>>,
}

/// A group a user belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[non_exhaustive]
pub struct UserGroup {
    /// The group's id.
    pub id: String,
    /// The group's name, e.g. `Engineering`.
    pub name: String,
}

/// One row of the CSV groups report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct GroupsReportRow {
    /// The user's id.
    pub id: String,
    /// The user's email.
    pub email: String,
    /// The user's status.
    pub user_status: UserStatus,
    /// When the user was created, as Telnyx wrote it.
    pub created_at: String,
    /// When the user last signed in, as Telnyx wrote it (empty if never).
    #[serde(default)]
    pub last_sign_in_at: Option<String>,
    /// The names of the user's groups (the CSV's comma-separated `groups`
    /// column, split).
    #[serde(deserialize_with = "split_groups", default)]
    pub groups: Vec<String>,
}

fn split_groups<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let s: Option<String> = serde::Deserialize::deserialize(d)?;
    Ok(s.unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|g| !g.is_empty())
        .map(str::to_owned)
        .collect())
}

impl OrganizationUser {
    /// Converts a generated user; `None` when it has no `id`.
    pub(crate) fn from_gen(g: gen::OrganizationUser, groups_requested: bool) -> Option<Self> {
        Some(Self {
            id: g.id?,
            email: g.email,
            user_status: g
                .user_status
                .map(|s| open_value!(s, gen::OrganizationUserUserStatus)),
            record_type: g.record_type.map(UserRecordType::from),
            created_at: g.created_at,
            last_sign_in_at: g.last_sign_in_at,
            organization_user_bypasses_sso: g.organization_user_bypasses_sso,
            // The generated field cannot tell "absent" from "[]"; what was
            // asked for can.
            groups: groups_requested.then(|| g.groups.into_iter().map(UserGroup::from).collect()),
        })
    }
}

impl From<gen::OrganizationUserWithGroups> for OrganizationUser {
    fn from(g: gen::OrganizationUserWithGroups) -> Self {
        Self {
            id: g.id,
            email: Some(g.email),
            user_status: Some(open_value!(
                g.user_status,
                gen::OrganizationUserWithGroupsUserStatus
            )),
            record_type: Some(UserRecordType::from(g.record_type)),
            created_at: Some(g.created_at),
            last_sign_in_at: g.last_sign_in_at,
            organization_user_bypasses_sso: g.organization_user_bypasses_sso,
            groups: Some(g.groups.into_iter().map(UserGroup::from).collect()),
        }
    }
}

impl From<gen::UserGroupReference> for UserGroup {
    fn from(g: gen::UserGroupReference) -> Self {
        Self {
            id: g.id,
            name: g.name,
        }
    }
}
