//! Routing: method + path (under `/v2`) to one of the twelve operations.

use http::Method;

/// The twelve operations, by the official spec's operationId.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operation {
    ListManagedAccounts,
    CreateManagedAccount,
    ListAllocatableGlobalOutboundChannels,
    RetrieveManagedAccount,
    UpdateManagedAccount,
    DisableManagedAccount,
    EnableManagedAccount,
    UpdateManagedAccountGlobalChannelLimit,
    ListOrganizationUsers,
    GetOrganizationUsersGroupsReport,
    GetOrganizationUser,
    DeleteOrganizationUser,
}

impl Operation {
    pub(crate) fn operation_id(self) -> &'static str {
        match self {
            Operation::ListManagedAccounts => "ListManagedAccounts",
            Operation::CreateManagedAccount => "CreateManagedAccount",
            Operation::ListAllocatableGlobalOutboundChannels => {
                "ListAllocatableGlobalOutboundChannels"
            }
            Operation::RetrieveManagedAccount => "RetrieveManagedAccount",
            Operation::UpdateManagedAccount => "UpdateManagedAccount",
            Operation::DisableManagedAccount => "DisableManagedAccount",
            Operation::EnableManagedAccount => "EnableManagedAccount",
            Operation::UpdateManagedAccountGlobalChannelLimit => {
                "UpdateManagedAccountGlobalChannelLimit"
            }
            Operation::ListOrganizationUsers => "ListOrganizationUsers",
            Operation::GetOrganizationUsersGroupsReport => "GetOrganizationUsersGroupsReport",
            Operation::GetOrganizationUser => "GetOrganizationUser",
            Operation::DeleteOrganizationUser => "DeleteOrganizationUser",
        }
    }
}

/// A routed request: the operation and the decoded `{id}`, if the path has one.
#[derive(Debug, Clone)]
pub(crate) struct Route {
    pub(crate) op: Operation,
    pub(crate) id: Option<String>,
}

/// The path without the `/v2` prefix, or `None` when it lacks the prefix.
pub(crate) fn api_path(path: &str) -> Option<&str> {
    match path.strip_prefix("/v2") {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => Some(rest),
        _ => None,
    }
}

fn decode(segment: &str) -> Option<String> {
    percent_encoding::percent_decode_str(segment)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

/// Routes a request. A trailing slash is tolerated; an unknown path or a
/// known path with another method is `None` (the mock answers 404).
pub(crate) fn route(method: &Method, path: &str) -> Option<Route> {
    use Operation::*;
    let rest = api_path(path)?;
    let segs: Vec<&str> = rest.trim_matches('/').split('/').collect();
    let m = method.as_str();
    let (op, id) = match (m, segs.as_slice()) {
        ("GET", ["managed_accounts"]) => (ListManagedAccounts, None),
        ("POST", ["managed_accounts"]) => (CreateManagedAccount, None),
        ("GET", ["managed_accounts", "allocatable_global_outbound_channels"]) => {
            (ListAllocatableGlobalOutboundChannels, None)
        }
        ("GET", ["managed_accounts", id]) => (RetrieveManagedAccount, Some(*id)),
        ("PATCH", ["managed_accounts", id]) => (UpdateManagedAccount, Some(*id)),
        ("POST", ["managed_accounts", id, "actions", "disable"]) => {
            (DisableManagedAccount, Some(*id))
        }
        ("POST", ["managed_accounts", id, "actions", "enable"]) => {
            (EnableManagedAccount, Some(*id))
        }
        ("PATCH", ["managed_accounts", id, "update_global_channel_limit"]) => {
            (UpdateManagedAccountGlobalChannelLimit, Some(*id))
        }
        ("GET", ["organizations", "users"]) => (ListOrganizationUsers, None),
        ("GET", ["organizations", "users", "users_groups_report"]) => {
            (GetOrganizationUsersGroupsReport, None)
        }
        ("GET", ["organizations", "users", id]) => (GetOrganizationUser, Some(*id)),
        ("POST", ["organizations", "users", id, "actions", "remove"]) => {
            (DeleteOrganizationUser, Some(*id))
        }
        _ => return None,
    };
    let id = match id {
        Some("") => return None,
        Some(raw) => Some(decode(raw)?),
        None => None,
    };
    Some(Route { op, id })
}
