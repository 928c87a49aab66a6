//! The eight managed-accounts operations.

use axum::response::Response;
use http::{HeaderMap, StatusCode};

use crate::body::{json_object, opt_bool, opt_int, opt_str, BodyRule};
use crate::errors::ApiError;
use crate::query::Query;
use crate::shared::Shared;
use crate::state::{now, Account, AccountStatus, Store};
use crate::wire::{
    json_response, money, AccountChannelsWire, AllocatableChannelsWire, BalanceWire, Data,
    ListEnvelope, ManagedAccountListingWire, ManagedAccountWire, PageMeta,
};

type Result<T> = std::result::Result<T, ApiError>;

fn full_wire<'a>(store: &'a Store, a: &'a Account) -> ManagedAccountWire<'a> {
    ManagedAccountWire {
        listing: listing_wire(store, a),
        api_key: &a.api_key,
        api_token: &a.api_token,
        balance: (!a.rollup_billing).then(|| BalanceWire {
            available_credit: money(a.balance_cents + a.credit_limit_cents),
            balance: money(a.balance_cents),
            credit_limit: money(a.credit_limit_cents),
            currency: "USD",
            record_type: "balance",
        }),
    }
}

fn listing_wire<'a>(store: &'a Store, a: &'a Account) -> ManagedAccountListingWire<'a> {
    ManagedAccountListingWire {
        record_type: "managed_account",
        id: &a.id_str,
        email: &a.email,
        api_user: &store.manager_email,
        manager_account_id: &store.manager_id,
        organization_name: &a.organization_name,
        created_at: &a.created_at,
        updated_at: &a.updated_at,
        managed_account_allow_custom_pricing: a.allow_custom_pricing,
        rollup_billing: a.rollup_billing,
    }
}

fn single(store: &Store, idx: usize) -> Response {
    json_response(
        StatusCode::OK,
        &Data {
            data: full_wire(store, &store.accounts[idx]),
        },
    )
}

/// Which statuses a list shows.
#[derive(Clone, Copy)]
enum StatusFilter {
    /// Everything, cancelled included.
    All,
    /// Everything except cancelled.
    Active,
    Only(AccountStatus),
}

impl StatusFilter {
    fn matches(self, s: AccountStatus) -> bool {
        match self {
            StatusFilter::All => true,
            StatusFilter::Active => s != AccountStatus::Cancelled,
            StatusFilter::Only(want) => s == want,
        }
    }
}

struct ListFilter {
    email_contains: Option<String>,
    email_eq: Option<String>,
    org_contains: Option<String>,
    org_eq: Option<String>,
    status: StatusFilter,
}

impl ListFilter {
    fn is_trivial(&self) -> bool {
        self.email_contains.is_none()
            && self.email_eq.is_none()
            && self.org_contains.is_none()
            && self.org_eq.is_none()
            && matches!(self.status, StatusFilter::All)
    }

    fn matches(&self, a: &Account) -> bool {
        self.status.matches(a.status)
            && self.email_eq.as_deref().is_none_or(|e| a.email == e)
            && self
                .org_eq
                .as_deref()
                .is_none_or(|o| a.organization_name == o)
            && self
                .email_contains
                .as_deref()
                .is_none_or(|n| a.email_lower.contains(n))
            && self
                .org_contains
                .as_deref()
                .is_none_or(|n| a.org_lower.contains(n))
    }
}

/// `GET /managed_accounts`
///
/// Which statuses are listed: `filter[status][eq]`, when given, decides
/// alone (`include_cancelled_accounts` is then ignored: `cancelled` lists the
/// cancelled accounts even with `include_cancelled_accounts=false`);
/// without it, every status but cancelled, plus cancelled when
/// `include_cancelled_accounts=true`. Query parameters are checked in the
/// order they are read here, so the first bad one is the one reported.
pub(crate) fn list(shared: &Shared, pairs: &[(String, String)]) -> Result<Response> {
    let q = Query::new(pairs);
    let email_contains = q.contains("filter[email][contains]")?;
    let org_contains = q.contains("filter[organization_name][contains]")?;
    let include_cancelled = q.bool("include_cancelled_accounts")?.unwrap_or(false);
    let status = match q.get("filter[status][eq]") {
        None if include_cancelled => StatusFilter::All,
        None => StatusFilter::Active,
        Some("all") => StatusFilter::All,
        Some("active") => StatusFilter::Active,
        Some("enabled") => StatusFilter::Only(AccountStatus::Enabled),
        Some("disabled") => StatusFilter::Only(AccountStatus::Disabled),
        Some("cancelled") => StatusFilter::Only(AccountStatus::Cancelled),
        Some("blocked") => StatusFilter::Only(AccountStatus::Blocked),
        Some(_) => {
            return Err(ApiError::bad_query(
                "filter[status][eq]",
                "The 'filter[status][eq]' parameter must be one of: all, active, enabled, cancelled, disabled, blocked.",
            ))
        }
    };
    let (by_email, descending) = match q.get("sort") {
        None => (false, true),
        Some("created_at") => (false, false),
        Some("-created_at") => (false, true),
        Some("email") => (true, false),
        Some("-email") => (true, true),
        Some(_) => {
            return Err(ApiError::bad_query(
                "sort",
                "The 'sort' parameter must be one of: created_at, -created_at, email, -email.",
            ))
        }
    };
    let page_number = q.int_in("page[number]", 1, 1, None)?;
    let page_size = q.int_in("page[size]", 20, 1, Some(250))?;
    let filter = ListFilter {
        email_contains,
        email_eq: q.get("filter[email][eq]").map(str::to_owned),
        org_contains,
        org_eq: q.get("filter[organization_name][eq]").map(str::to_owned),
        status,
    };

    let store = shared.store.read();
    let index = if by_email {
        &store.by_email
    } else {
        &store.by_created
    };
    let offset = (page_number - 1).saturating_mul(page_size);
    let offset = usize::try_from(offset).unwrap_or(usize::MAX);
    let size = page_size as usize;

    let mut page: Vec<ManagedAccountListingWire<'_>> = Vec::with_capacity(size.min(index.len()));
    let total;
    if filter.is_trivial() {
        total = index.len();
        let ordered: Box<dyn Iterator<Item = &usize>> = if descending {
            Box::new(index.iter().rev())
        } else {
            Box::new(index.iter())
        };
        page.extend(
            ordered
                .skip(offset)
                .take(size)
                .map(|&i| listing_wire(&store, &store.accounts[i])),
        );
    } else {
        let ordered: Box<dyn Iterator<Item = &usize>> = if descending {
            Box::new(index.iter().rev())
        } else {
            Box::new(index.iter())
        };
        let mut count = 0usize;
        for &i in ordered {
            let a = &store.accounts[i];
            if !filter.matches(a) {
                continue;
            }
            if count >= offset && page.len() < size {
                page.push(listing_wire(&store, a));
            }
            count += 1;
        }
        total = count;
    }
    let meta = PageMeta::new(page_number, page_size, total as u64);
    Ok(json_response(
        StatusCode::OK,
        &ListEnvelope { data: page, meta },
    ))
}

/// `POST /managed_accounts`
pub(crate) fn create(shared: &Shared, headers: &HeaderMap, body: &[u8]) -> Result<Response> {
    let map = json_object(headers, body, BodyRule::Required)?;
    let business_name = opt_str(&map, "business_name")?
        .ok_or_else(|| ApiError::missing_field("business_name"))?
        .trim()
        .to_owned();
    if business_name.is_empty() {
        return Err(ApiError::invalid_field(
            "business_name",
            "The 'business_name' parameter must not be blank.",
        ));
    }
    let email = opt_str(&map, "email")?.map(str::trim).map(str::to_owned);
    if let Some(e) = &email {
        let valid = matches!(e.split_once('@'), Some((l, d)) if !l.is_empty() && d.contains('.') && !d.contains('@'));
        if !valid {
            return Err(ApiError::invalid_email("email"));
        }
    }
    let _password = opt_str(&map, "password")?;
    let allow_custom_pricing =
        opt_bool(&map, "managed_account_allow_custom_pricing")?.unwrap_or(false);
    let rollup_billing = opt_bool(&map, "rollup_billing")?.unwrap_or(false);

    let mut store = shared.store.write();
    let email = match email {
        Some(e) => {
            if store.emails.contains(&e.to_lowercase()) {
                return Err(ApiError::invalid_field(
                    "email",
                    "The 'email' parameter has already been taken.",
                ));
            }
            e
        }
        None => store.generated_email(),
    };
    let id = store.new_id();
    let (api_key, api_token) = store.new_api_key();
    let (created_ms, ts) = now();
    let idx = store.insert_account(Account {
        id,
        id_str: id.to_string(),
        email_lower: email.to_lowercase(),
        email,
        org_lower: business_name.to_lowercase(),
        organization_name: business_name,
        api_key,
        api_token,
        created_ms,
        created_at: ts.clone(),
        updated_at: ts,
        allow_custom_pricing,
        rollup_billing,
        status: AccountStatus::Enabled,
        channel_limit: 0,
        balance_cents: 0,
        credit_limit_cents: 0,
    });
    Ok(single(&store, idx))
}

/// `GET /managed_accounts/{id}`
pub(crate) fn retrieve(shared: &Shared, id: &str) -> Result<Response> {
    let store = shared.store.read();
    let idx = store.account_index(id).ok_or_else(ApiError::not_found)?;
    Ok(single(&store, idx))
}

/// `PATCH /managed_accounts/{id}`
pub(crate) fn update(
    shared: &Shared,
    id: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response> {
    let map = json_object(headers, body, BodyRule::Required)?;
    let allow = opt_bool(&map, "managed_account_allow_custom_pricing")?;
    let mut store = shared.store.write();
    let idx = store.account_index(id).ok_or_else(ApiError::not_found)?;
    if let Some(allow) = allow {
        let a = &mut store.accounts[idx];
        a.allow_custom_pricing = allow;
        a.updated_at = now().1;
    }
    Ok(single(&store, idx))
}

/// `POST /managed_accounts/{id}/actions/disable`
pub(crate) fn disable(shared: &Shared, id: &str) -> Result<Response> {
    set_enabled(shared, id, AccountStatus::Disabled, "disabled")
}

/// `POST /managed_accounts/{id}/actions/enable`
pub(crate) fn enable(
    shared: &Shared,
    id: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response> {
    let map = json_object(headers, body, BodyRule::Optional)?;
    let _reenable_all_connections = opt_bool(&map, "reenable_all_connections")?;
    set_enabled(shared, id, AccountStatus::Enabled, "enabled")
}

/// Moves an enabled or disabled account to `to`; cancelled and blocked
/// accounts cannot be switched (422).
fn set_enabled(shared: &Shared, id: &str, to: AccountStatus, verb: &str) -> Result<Response> {
    let mut store = shared.store.write();
    let idx = store.account_index(id).ok_or_else(ApiError::not_found)?;
    let a = &mut store.accounts[idx];
    let why = match a.status {
        AccountStatus::Cancelled => "cancelled",
        AccountStatus::Blocked => "blocked by Telnyx",
        AccountStatus::Enabled | AccountStatus::Disabled => {
            a.status = to;
            a.updated_at = now().1;
            return Ok(single(&store, idx));
        }
    };
    Err(ApiError::unprocessable(format!(
        "The managed account is {why} and cannot be {verb}."
    )))
}

/// `PATCH /managed_accounts/{id}/update_global_channel_limit`
///
/// `channel_limit` is optional, as in the spec: without it nothing changes
/// and the current limit comes back.
pub(crate) fn update_channel_limit(
    shared: &Shared,
    id: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response> {
    let map = json_object(headers, body, BodyRule::Required)?;
    let requested = match opt_int(&map, "channel_limit")? {
        Some(n) if n < 0 => {
            return Err(ApiError::invalid_field(
                "channel_limit",
                "The 'channel_limit' parameter must be 0 or more.",
            ))
        }
        Some(n) => Some(u64::try_from(n).unwrap_or(u64::MAX)),
        None => None,
    };
    let mut store = shared.store.write();
    let idx = store.account_index(id).ok_or_else(ApiError::not_found)?;
    let pool = store.channel_pool;
    let old = store.accounts[idx].channel_limit;
    let others = store.channels_allocated.saturating_sub(old);
    let limit = requested.unwrap_or(old);
    if limit > pool.saturating_sub(others) && requested.is_some() {
        return Err(ApiError::invalid_field(
            "channel_limit",
            format!(
                "The 'channel_limit' parameter exceeds the allocatable global outbound channels: {} of {} are available for this account.",
                pool.saturating_sub(others),
                pool
            ),
        ));
    }
    store.channels_allocated = others + limit;
    let manager_id = store.manager_id.clone();
    let a = &mut store.accounts[idx];
    if requested.is_some() {
        a.channel_limit = limit;
        a.updated_at = now().1;
    }
    Ok(json_response(
        StatusCode::OK,
        &Data {
            data: AccountChannelsWire {
                channel_limit: a.channel_limit,
                email: &a.email,
                id: &a.id_str,
                manager_account_id: &manager_id,
                record_type: "managed_account_global_outbound_settings",
            },
        },
    ))
}

/// `GET /managed_accounts/allocatable_global_outbound_channels`
pub(crate) fn allocatable(shared: &Shared) -> Result<Response> {
    let store = shared.store.read();
    Ok(json_response(
        StatusCode::OK,
        &Data {
            data: AllocatableChannelsWire {
                allocatable_global_outbound_channels: store.channel_pool,
                total_global_channels_allocated: store.channels_allocated,
                managed_account_allow_custom_pricing: false,
                record_type: "allocatable_global_outbound_channels",
            },
        },
    ))
}
