//! The JSON shapes the mock sends, exactly as the official spec declares them.
//!
//! These are serialization-only views that borrow from the store, so a list
//! response serializes only the page it returns.

use axum::body::Body;
use axum::response::Response;
use http::{header, HeaderValue, StatusCode};
use serde::Serialize;

/// `{"data": ...}`
#[derive(Serialize)]
pub(crate) struct Data<T> {
    pub(crate) data: T,
}

/// `{"data": [...], "meta": {...}}`
#[derive(Serialize)]
pub(crate) struct ListEnvelope<T> {
    pub(crate) data: Vec<T>,
    pub(crate) meta: PageMeta,
}

/// `PaginationMeta` / `users_PaginationMeta`.
#[derive(Serialize, Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PageMeta {
    pub(crate) page_number: u64,
    pub(crate) page_size: u64,
    pub(crate) total_pages: u64,
    pub(crate) total_results: u64,
}

impl PageMeta {
    pub(crate) fn new(page_number: u64, page_size: u64, total_results: u64) -> Self {
        PageMeta {
            page_number,
            page_size,
            total_pages: total_results.div_ceil(page_size.max(1)),
            total_results,
        }
    }
}

/// `ManagedAccountBalance`.
#[derive(Serialize)]
pub(crate) struct BalanceWire {
    pub(crate) available_credit: String,
    pub(crate) balance: String,
    pub(crate) credit_limit: String,
    pub(crate) currency: &'static str,
    pub(crate) record_type: &'static str,
}

/// `ManagedAccount` (single-object responses): a listing plus secrets and balance.
#[derive(Serialize)]
pub(crate) struct ManagedAccountWire<'a> {
    #[serde(flatten)]
    pub(crate) listing: ManagedAccountListingWire<'a>,
    pub(crate) api_key: &'a str,
    pub(crate) api_token: &'a str,
    /// Absent for `rollup_billing` accounts: they share the manager's balance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) balance: Option<BalanceWire>,
}

/// `ManagedAccountMultiListing` (list items: no secrets, no balance).
#[derive(Serialize)]
pub(crate) struct ManagedAccountListingWire<'a> {
    pub(crate) record_type: &'static str,
    pub(crate) id: &'a str,
    pub(crate) email: &'a str,
    pub(crate) api_user: &'a str,
    pub(crate) manager_account_id: &'a str,
    pub(crate) organization_name: &'a str,
    pub(crate) created_at: &'a str,
    pub(crate) updated_at: &'a str,
    pub(crate) managed_account_allow_custom_pricing: bool,
    pub(crate) rollup_billing: bool,
}

/// `ManagedAccountsGlobalOutboundChannels`.
#[derive(Serialize)]
pub(crate) struct AllocatableChannelsWire {
    pub(crate) allocatable_global_outbound_channels: u64,
    pub(crate) total_global_channels_allocated: u64,
    pub(crate) managed_account_allow_custom_pricing: bool,
    pub(crate) record_type: &'static str,
}

/// `SingleManagedAccountGlobalOutboundChannels`.
#[derive(Serialize)]
pub(crate) struct AccountChannelsWire<'a> {
    pub(crate) channel_limit: u64,
    pub(crate) email: &'a str,
    pub(crate) id: &'a str,
    pub(crate) manager_account_id: &'a str,
    pub(crate) record_type: &'static str,
}

/// `UserGroupReference`.
#[derive(Serialize)]
pub(crate) struct GroupWire<'a> {
    pub(crate) id: &'a str,
    pub(crate) name: &'a str,
}

/// `OrganizationUser` (and `OrganizationUserWithGroups` when `groups` is set).
#[derive(Serialize)]
pub(crate) struct OrganizationUserWire<'a> {
    pub(crate) id: &'a str,
    pub(crate) record_type: &'static str,
    pub(crate) email: &'a str,
    pub(crate) user_status: &'static str,
    pub(crate) created_at: &'a str,
    pub(crate) last_sign_in_at: Option<&'a str>,
    pub(crate) organization_user_bypasses_sso: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) groups: Option<Vec<GroupWire<'a>>>,
}

/// Serializes `value` as an `application/json` response.
pub(crate) fn json_response<T: Serialize>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(bytes) => raw_response(status, "application/json", bytes),
        Err(_) => raw_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            "application/json",
            br#"{"errors":[{"code":"10007","title":"Unexpected error","detail":"An unexpected error occurred."}]}"#.to_vec(),
        ),
    }
}

/// A response with a fixed body and content type.
pub(crate) fn raw_response(
    status: StatusCode,
    content_type: &'static str,
    body: impl Into<Body>,
) -> Response {
    let mut resp = Response::new(body.into());
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    resp
}

/// Formats cents as a decimal string: `30000` -> `"300.00"`.
pub(crate) fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}
