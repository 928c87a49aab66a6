//! Organization users and the groups report.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use telnyx_accounts_gen::types as generated;

use super::enums::{UserRecordType, UserStatus};
use super::{builder, null_as_default, open_value, FromGenerated};

/// A user of your organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct OrganizationUser {
    /// Identifies the user. The spec makes it optional: when Telnyx sends
    /// none (absent or `null`) it is `""`, and the user cannot be retrieved
    /// or removed by id (doing so fails before sending).
    #[serde(default, deserialize_with = "null_as_default")]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<String>"))]
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

impl OrganizationUser {
    fn empty() -> Self {
        Self {
            id: String::new(),
            email: None,
            user_status: None,
            record_type: None,
            created_at: None,
            last_sign_in_at: None,
            organization_user_bypasses_sso: None,
            groups: None,
        }
    }
}

builder! {
    /// Builds an [`OrganizationUser`].
    ///
    /// ```
    /// use telnyx_accounts::{OrganizationUser, UserGroup, UserRecordType, UserStatus};
    ///
    /// let user = OrganizationUser::builder()
    ///     .id("6a09cdc3-8948-47f0-aa62-74ac943d6c58")
    ///     .email("user@example.com")
    ///     .user_status(UserStatus::Enabled)
    ///     .record_type(UserRecordType::OrganizationSubUser)
    ///     .groups([UserGroup::new("7b09cdc3", "Engineering")])
    ///     .build();
    /// assert_eq!(user.groups.unwrap()[0].name, "Engineering");
    /// ```
    OrganizationUser => OrganizationUserBuilder {
        into id: String,
        opt email / set_email: String,
        opt user_status / set_user_status: UserStatus,
        opt record_type / set_record_type: UserRecordType,
        opt created_at / set_created_at: DateTime<Utc>,
        opt last_sign_in_at / set_last_sign_in_at: DateTime<Utc>,
        opt organization_user_bypasses_sso / set_organization_user_bypasses_sso: bool,
        optvec groups / set_groups: UserGroup,
    }
}

/// A group a user belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct UserGroup {
    /// The group's id.
    pub id: String,
    /// The group's name, e.g. `Engineering`.
    pub name: String,
}

impl UserGroup {
    /// A group from its id and name.
    ///
    /// ```
    /// let group = telnyx_accounts::UserGroup::new("7b09cdc3", "Engineering");
    /// assert_eq!(group.name, "Engineering");
    /// ```
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
        }
    }

    fn empty() -> Self {
        Self::new("", "")
    }
}

builder! {
    /// Builds a [`UserGroup`] (or use [`UserGroup::new`]).
    ///
    /// ```
    /// use telnyx_accounts::UserGroup;
    ///
    /// let group = UserGroup::builder().id("7b09cdc3").name("Engineering").build();
    /// assert_eq!(group, UserGroup::new("7b09cdc3", "Engineering"));
    /// ```
    UserGroup => UserGroupBuilder {
        into id: String,
        into name: String,
    }
}

/// One row of the CSV groups report.
///
/// As JSON (`Serialize`, `Deserialize`), `groups` is an array of names; in
/// Telnyx's CSV it is one comma-separated column, split when parsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
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
    /// When the user last signed in, as Telnyx wrote it (`None` if never).
    #[serde(default)]
    pub last_sign_in_at: Option<String>,
    /// The names of the user's groups.
    #[serde(default, deserialize_with = "null_as_default")]
    pub groups: Vec<String>,
}

impl GroupsReportRow {
    fn empty() -> Self {
        Self {
            id: String::new(),
            email: String::new(),
            // No status set: an empty value, which is none of the known ones.
            user_status: UserStatus::from(String::new()),
            created_at: String::new(),
            last_sign_in_at: None,
            groups: Vec::new(),
        }
    }
}

builder! {
    /// Builds a [`GroupsReportRow`]. Without a `user_status`, the status is
    /// the empty (unknown) value.
    ///
    /// ```
    /// use telnyx_accounts::{GroupsReportRow, UserStatus};
    ///
    /// let row = GroupsReportRow::builder()
    ///     .id("6a09cdc3")
    ///     .email("user@example.com")
    ///     .user_status(UserStatus::Enabled)
    ///     .created_at("2018-02-02T22:25:27.521Z")
    ///     .groups(["Engineering", "Sales"])
    ///     .build();
    /// assert_eq!(row.groups, ["Engineering", "Sales"]);
    /// ```
    GroupsReportRow => GroupsReportRowBuilder {
        into id: String,
        into email: String,
        value user_status: UserStatus,
        into created_at: String,
        opt last_sign_in_at / set_last_sign_in_at: String,
        vec groups: String,
    }
}

/// A row as Telnyx's CSV has it: `groups` is one comma-separated column.
#[cfg(feature = "csv")]
#[derive(Deserialize)]
pub(crate) struct GroupsReportCsvRow {
    id: String,
    email: String,
    user_status: UserStatus,
    created_at: String,
    #[serde(default)]
    last_sign_in_at: Option<String>,
    #[serde(default)]
    groups: Option<String>,
}

#[cfg(feature = "csv")]
impl From<GroupsReportCsvRow> for GroupsReportRow {
    fn from(row: GroupsReportCsvRow) -> Self {
        Self {
            id: row.id,
            email: row.email,
            user_status: row.user_status,
            created_at: row.created_at,
            last_sign_in_at: row.last_sign_in_at,
            groups: row
                .groups
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|g| !g.is_empty())
                .map(str::to_owned)
                .collect(),
        }
    }
}

impl OrganizationUser {
    /// Converts a generated user. A user without `id` is kept with `""`
    /// (the spec makes `id` optional).
    pub(crate) fn from_gen(g: generated::OrganizationUser, groups_requested: bool) -> Self {
        Self {
            id: g.id.unwrap_or_default(),
            email: g.email,
            user_status: g
                .user_status
                .map(|s| open_value!(s, generated::OrganizationUserUserStatus)),
            record_type: g.record_type.map(UserRecordType::from),
            created_at: g.created_at,
            last_sign_in_at: g.last_sign_in_at,
            organization_user_bypasses_sso: g.organization_user_bypasses_sso,
            // The generated field cannot tell "absent" from "[]"; what was
            // asked for can.
            groups: groups_requested.then(|| {
                g.groups
                    .into_iter()
                    .map(UserGroup::from_generated)
                    .collect()
            }),
        }
    }
}

impl FromGenerated<generated::OrganizationUserWithGroups> for OrganizationUser {
    fn from_generated(g: generated::OrganizationUserWithGroups) -> Self {
        Self {
            id: g.id,
            email: Some(g.email),
            user_status: Some(open_value!(
                g.user_status,
                generated::OrganizationUserWithGroupsUserStatus
            )),
            record_type: Some(UserRecordType::from(g.record_type)),
            created_at: Some(g.created_at),
            last_sign_in_at: g.last_sign_in_at,
            organization_user_bypasses_sso: g.organization_user_bypasses_sso,
            groups: Some(
                g.groups
                    .into_iter()
                    .map(UserGroup::from_generated)
                    .collect(),
            ),
        }
    }
}

impl FromGenerated<generated::UserGroupReference> for UserGroup {
    fn from_generated(g: generated::UserGroupReference) -> Self {
        Self {
            id: g.id,
            name: g.name,
        }
    }
}
