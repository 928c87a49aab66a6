//! The four organization-users operations.

use axum::response::Response;
use http::StatusCode;

use crate::errors::ApiError;
use crate::query::Query;
use crate::shared::Shared;
use crate::state::{Store, User, UserStatus};
use crate::wire::{
    json_response, raw_response, Data, GroupWire, ListEnvelope, OrganizationUserWire, PageMeta,
};

type Result<T> = std::result::Result<T, ApiError>;

fn wire<'a>(store: &'a Store, u: &'a User, include_groups: bool) -> OrganizationUserWire<'a> {
    OrganizationUserWire {
        id: &u.id,
        record_type: if u.is_owner {
            "organization_owner"
        } else {
            "organization_sub_user"
        },
        email: &u.email,
        user_status: u.status.as_str(),
        created_at: &u.created_at,
        last_sign_in_at: u.last_sign_in_at.as_deref(),
        organization_user_bypasses_sso: u.bypasses_sso,
        groups: include_groups.then(|| {
            u.groups
                .iter()
                .filter_map(|&g| store.groups.get(g))
                .map(|g| GroupWire {
                    id: &g.id,
                    name: &g.name,
                })
                .collect()
        }),
    }
}

/// `GET /organizations/users`
///
/// Users are listed in the order they were created (the owner first).
pub(crate) fn list(shared: &Shared, pairs: &[(String, String)]) -> Result<Response> {
    let q = Query::new(pairs);
    let status = match q.get("filter[user_status]") {
        None => None,
        Some(s) => Some(UserStatus::parse(s).ok_or_else(|| {
            ApiError::bad_query(
                "filter[user_status]",
                "The 'filter[user_status]' parameter must be one of: enabled, disabled, blocked.",
            )
        })?),
    };
    let email = q.get("filter[email]").map(str::to_lowercase);
    let include_groups = q.bool("include_groups")?.unwrap_or(false);
    let page_number = q.int_in("page[number]", 1, 1, None)?;
    let page_size = q.int_in("page[size]", 250, 1, Some(250))?;

    let store = shared.store.read();
    let offset = usize::try_from((page_number - 1).saturating_mul(page_size)).unwrap_or(usize::MAX);
    let size = page_size as usize;
    let mut page = Vec::new();
    let mut total = 0usize;
    for u in &store.users {
        let keep = status.is_none_or(|s| u.status == s)
            && email.as_deref().is_none_or(|e| u.email_lower.contains(e));
        if !keep {
            continue;
        }
        if total >= offset && page.len() < size {
            page.push(wire(&store, u, include_groups));
        }
        total += 1;
    }
    let meta = PageMeta::new(page_number, page_size, total as u64);
    Ok(json_response(
        StatusCode::OK,
        &ListEnvelope { data: page, meta },
    ))
}

/// `GET /organizations/users/{id}`
pub(crate) fn retrieve(shared: &Shared, id: &str, pairs: &[(String, String)]) -> Result<Response> {
    let include_groups = Query::new(pairs).bool("include_groups")?.unwrap_or(false);
    let store = shared.store.read();
    let u = store
        .users
        .iter()
        .find(|u| u.id == id)
        .ok_or_else(ApiError::not_found)?;
    Ok(json_response(
        StatusCode::OK,
        &Data {
            data: wire(&store, u, include_groups),
        },
    ))
}

/// `POST /organizations/users/{id}/actions/remove`
///
/// The organization owner cannot be removed (403, code 10010).
pub(crate) fn remove(shared: &Shared, id: &str) -> Result<Response> {
    let mut store = shared.store.write();
    let pos = store
        .users
        .iter()
        .position(|u| u.id == id)
        .ok_or_else(ApiError::not_found)?;
    if store.users[pos].is_owner {
        return Err(ApiError::forbidden(
            "The organization owner cannot be removed.",
        ));
    }
    let user = store.users.remove(pos);
    Ok(json_response(
        StatusCode::OK,
        &Data {
            data: wire(&store, &user, false),
        },
    ))
}

/// `GET /organizations/users/users_groups_report`: JSON, or CSV when the
/// `Accept` header asks for `text/csv`.
pub(crate) fn groups_report(shared: &Shared, accept: Option<&str>) -> Result<Response> {
    let wants_csv = accept.is_some_and(|a| a.to_ascii_lowercase().contains("text/csv"));
    let store = shared.store.read();
    if !wants_csv {
        let data: Vec<_> = store.users.iter().map(|u| wire(&store, u, true)).collect();
        return Ok(json_response(StatusCode::OK, &Data { data }));
    }
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut rows = vec![vec![
        "id".to_owned(),
        "email".into(),
        "user_status".into(),
        "created_at".into(),
        "last_sign_in_at".into(),
        "groups".into(),
    ]];
    for u in &store.users {
        let groups: Vec<&str> = u
            .groups
            .iter()
            .filter_map(|&g| store.groups.get(g))
            .map(|g| g.name.as_str())
            .collect();
        rows.push(vec![
            u.id.clone(),
            u.email.clone(),
            u.status.as_str().to_owned(),
            u.created_at.clone(),
            u.last_sign_in_at.clone().unwrap_or_default(),
            groups.join(", "),
        ]);
    }
    for row in &rows {
        if writer.write_record(row).is_err() {
            return Err(ApiError::for_status(StatusCode::INTERNAL_SERVER_ERROR));
        }
    }
    let bytes = writer
        .into_inner()
        .map_err(|_| ApiError::for_status(StatusCode::INTERNAL_SERVER_ERROR))?;
    Ok(raw_response(StatusCode::OK, "text/csv", bytes))
}
