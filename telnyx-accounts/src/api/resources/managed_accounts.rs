//! `client.managed_accounts()`: the accounts you manage for your customers.

use std::sync::Arc;

use reqwest::Method;
use telnyx_accounts_gen::types as generated;

use super::checks::{check_contains, check_page};
use crate::api::id::Id;
use crate::api::request::{body_options, request_options, sends};
use crate::api::walk::{paged_request, WalkOptions};
use crate::error::{Error, Result};
use crate::models::decode;
use crate::models::{
    AllocatableChannels, ChannelLimit, ManagedAccount, ManagedAccountListing, ManagedAccountSort,
    ManagedAccountStatus,
};
use crate::pagination::Page;
use crate::retry::Idempotency::{Idempotent, NotIdempotent};
use crate::runtime::operation::Operation;
use crate::runtime::response::Response;
use crate::runtime::transport::{Call, RequestOptions, Transport};
use crate::secret::SecretString;

/// The managed-accounts resource. Get it with
/// [`Client::managed_accounts`](crate::Client::managed_accounts).
#[derive(Debug, Clone)]
pub struct ManagedAccounts {
    transport: Arc<Transport>,
}

impl ManagedAccounts {
    pub(crate) fn new(transport: Arc<Transport>) -> Self {
        Self { transport }
    }

    /// Lists the managed accounts (`GET /managed_accounts`), one page per
    /// call, or all of them with [`into_stream`](ListManagedAccounts::into_stream).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), telnyx_accounts::Error> {
    /// # let mock = telnyx_accounts_mock::MockServer::start().await;
    /// # let client = telnyx_accounts::Client::builder().api_key(mock.api_key()).base_url(mock.base_url()).build()?;
    /// use telnyx_accounts::{ManagedAccountSort, ManagedAccountStatus};
    ///
    /// # mock.insert_account(telnyx_accounts_mock::NewAccount::new("Acme Corp")).unwrap();
    /// let page = client
    ///     .managed_accounts()
    ///     .list()
    ///     .organization_name_contains("Acme")
    ///     .status(ManagedAccountStatus::Enabled)
    ///     .sort(ManagedAccountSort::EmailDesc)
    ///     .page_size(50)
    ///     .await?;
    /// for account in &page.data {
    ///     println!("{} {}", account.id, account.email);
    /// }
    /// println!("page {} of {}", page.meta.page_number, page.meta.total_pages);
    /// # assert!(page.data.iter().any(|a| a.organization_name.as_deref() == Some("Acme Corp")));
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> ListManagedAccounts {
        ListManagedAccounts {
            transport: Arc::clone(&self.transport),
            opts: RequestOptions::default(),
            params: ListParams::default(),
            walk: WalkOptions::default(),
        }
    }

    /// Creates a managed account (`POST /managed_accounts`).
    ///
    /// **Not retried after a timeout or a 5xx**: the account may have been
    /// created, and a second attempt could create a second one; the error's
    /// [`is_retryable`](crate::Error::is_retryable) is then false. See
    /// [`crate::retry`], and the recipe in
    /// [`guide::retries`](crate::guide::retries) to find out whether it was
    /// created.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), telnyx_accounts::Error> {
    /// # let mock = telnyx_accounts_mock::MockServer::start().await;
    /// # let client = telnyx_accounts::Client::builder().api_key(mock.api_key()).base_url(mock.base_url()).build()?;
    /// let account = client
    ///     .managed_accounts()
    ///     .create("Larry's Cat Food Inc")
    ///     .email("larry@example.com")
    ///     .rollup_billing(false)
    ///     .await?;
    /// println!("{account:?}"); // api_key: [REDACTED], api_token: [REDACTED]
    /// let key = account.api_key.expose_secret(); // store it in your vault
    /// # assert!(!key.is_empty()); Ok(()) }
    /// ```
    pub fn create(&self, business_name: impl Into<String>) -> CreateManagedAccount {
        CreateManagedAccount {
            transport: Arc::clone(&self.transport),
            opts: RequestOptions::default(),
            business_name: business_name.into(),
            email: None,
            password: None,
            managed_account_allow_custom_pricing: None,
            rollup_billing: None,
        }
    }

    /// The manager's pool of global outbound channels
    /// (`GET /managed_accounts/allocatable_global_outbound_channels`).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), telnyx_accounts::Error> {
    /// # let mock = telnyx_accounts_mock::MockServer::start().await;
    /// # let client = telnyx_accounts::Client::builder().api_key(mock.api_key()).base_url(mock.base_url()).build()?;
    /// let pool = client.managed_accounts().allocatable_global_outbound_channels().await?;
    /// println!("{:?} allocatable", pool.allocatable_global_outbound_channels);
    /// # Ok(()) }
    /// ```
    pub fn allocatable_global_outbound_channels(&self) -> GetAllocatableChannels {
        GetAllocatableChannels {
            transport: Arc::clone(&self.transport),
            opts: RequestOptions::default(),
        }
    }

    /// Retrieves one managed account (`GET /managed_accounts/{id}`).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), telnyx_accounts::Error> {
    /// # let mock = telnyx_accounts_mock::MockServer::start().await;
    /// # let client = telnyx_accounts::Client::builder().api_key(mock.api_key()).base_url(mock.base_url()).build()?;
    /// # let id = "f65ceda4-6522-4ad6-aede-98de83385123";
    /// # mock.insert_account(telnyx_accounts_mock::NewAccount::new("Acme").id(id.parse().unwrap())).unwrap();
    /// let account = client
    ///     .managed_accounts()
    ///     .retrieve("f65ceda4-6522-4ad6-aede-98de83385123")
    ///     .await?;
    /// assert_eq!(account.organization_name.as_deref(), Some("Acme"));
    /// # Ok(()) }
    /// ```
    pub fn retrieve(&self, id: impl Into<Id>) -> RetrieveManagedAccount {
        RetrieveManagedAccount {
            transport: Arc::clone(&self.transport),
            opts: RequestOptions::default(),
            id: id.into(),
        }
    }

    /// Updates a managed account (`PATCH /managed_accounts/{id}`).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), telnyx_accounts::Error> {
    /// # let mock = telnyx_accounts_mock::MockServer::start().await;
    /// # let client = telnyx_accounts::Client::builder().api_key(mock.api_key()).base_url(mock.base_url()).build()?;
    /// # let id = mock.accounts()[0].id;
    /// let account = client
    ///     .managed_accounts()
    ///     .update(id)
    ///     .managed_account_allow_custom_pricing(true)
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn update(&self, id: impl Into<Id>) -> UpdateManagedAccount {
        UpdateManagedAccount {
            transport: Arc::clone(&self.transport),
            opts: RequestOptions::default(),
            id: id.into(),
            managed_account_allow_custom_pricing: None,
        }
    }

    /// Sets how many global outbound channels a managed account may use
    /// (`PATCH /managed_accounts/{id}/update_global_channel_limit`).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), telnyx_accounts::Error> {
    /// # let mock = telnyx_accounts_mock::MockServer::start().await;
    /// # let client = telnyx_accounts::Client::builder().api_key(mock.api_key()).base_url(mock.base_url()).build()?;
    /// # let id = mock.accounts()[0].id;
    /// let limit = client
    ///     .managed_accounts()
    ///     .update_global_channel_limit(id)
    ///     .channel_limit(30)
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn update_global_channel_limit(&self, id: impl Into<Id>) -> UpdateGlobalChannelLimit {
        UpdateGlobalChannelLimit {
            transport: Arc::clone(&self.transport),
            opts: RequestOptions::default(),
            id: id.into(),
            channel_limit: None,
        }
    }

    /// Disabling and enabling accounts.
    pub fn actions(&self) -> ManagedAccountActions {
        ManagedAccountActions {
            transport: Arc::clone(&self.transport),
        }
    }
}

/// `client.managed_accounts().actions()`: disable and enable.
#[derive(Debug, Clone)]
pub struct ManagedAccountActions {
    transport: Arc<Transport>,
}

impl ManagedAccountActions {
    /// Disables a managed account (`POST /managed_accounts/{id}/actions/disable`):
    /// it can no longer use Telnyx services or sign in. Ongoing calls go on.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), telnyx_accounts::Error> {
    /// # let mock = telnyx_accounts_mock::MockServer::start().await;
    /// # let client = telnyx_accounts::Client::builder().api_key(mock.api_key()).base_url(mock.base_url()).build()?;
    /// # let id = mock.accounts()[0].id;
    /// let account = client.managed_accounts().actions().disable(id).await?;
    /// # Ok(()) }
    /// ```
    pub fn disable(&self, id: impl Into<Id>) -> DisableManagedAccount {
        DisableManagedAccount {
            transport: Arc::clone(&self.transport),
            opts: RequestOptions::default(),
            id: id.into(),
        }
    }

    /// Enables a managed account (`POST /managed_accounts/{id}/actions/enable`).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), telnyx_accounts::Error> {
    /// # let mock = telnyx_accounts_mock::MockServer::start().await;
    /// # let client = telnyx_accounts::Client::builder().api_key(mock.api_key()).base_url(mock.base_url()).build()?;
    /// # let id = mock.accounts()[0].id;
    /// let account = client
    ///     .managed_accounts()
    ///     .actions()
    ///     .enable(id)
    ///     .reenable_all_connections(true)
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn enable(&self, id: impl Into<Id>) -> EnableManagedAccount {
        EnableManagedAccount {
            transport: Arc::clone(&self.transport),
            opts: RequestOptions::default(),
            id: id.into(),
            reenable_all_connections: None,
        }
    }
}

// ---------------------------------------------------------------------------
// list

static LIST: Operation = Operation {
    id: "ListManagedAccounts",
    method: Method::GET,
    path: "/managed_accounts",
    idempotency: Idempotent,
};

#[derive(Debug, Clone, Default)]
struct ListParams {
    email_contains: Option<String>,
    email_eq: Option<String>,
    organization_name_contains: Option<String>,
    organization_name_eq: Option<String>,
    status: Option<ManagedAccountStatus>,
    sort: Option<ManagedAccountSort>,
    include_cancelled_accounts: Option<bool>,
    page_number: Option<u32>,
    page_size: Option<u32>,
}

/// A request for a page of managed accounts. Await it for one [`Page`], or
/// walk every page with [`into_stream`](Self::into_stream),
/// [`pages`](Self::pages) or [`collect_all`](Self::collect_all).
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is awaited"]
pub struct ListManagedAccounts {
    transport: Arc<Transport>,
    opts: RequestOptions,
    params: ListParams,
    walk: WalkOptions,
}

impl ListManagedAccounts {
    /// Accounts whose email contains this (case-insensitive, at least 3
    /// characters): `filter[email][contains]`.
    pub fn email_contains(mut self, value: impl Into<String>) -> Self {
        self.params.email_contains = Some(value.into());
        self
    }

    /// Accounts with exactly this email: `filter[email][eq]`.
    pub fn email_eq(mut self, value: impl Into<String>) -> Self {
        self.params.email_eq = Some(value.into());
        self
    }

    /// Accounts whose organization name contains this (case-insensitive, at
    /// least 3 characters): `filter[organization_name][contains]`.
    pub fn organization_name_contains(mut self, value: impl Into<String>) -> Self {
        self.params.organization_name_contains = Some(value.into());
        self
    }

    /// Accounts with exactly this organization name:
    /// `filter[organization_name][eq]`.
    pub fn organization_name_eq(mut self, value: impl Into<String>) -> Self {
        self.params.organization_name_eq = Some(value.into());
        self
    }

    /// Accounts in this status: `filter[status][eq]`.
    pub fn status(mut self, status: ManagedAccountStatus) -> Self {
        self.params.status = Some(status);
        self
    }

    /// The order: `sort` (Telnyx's default: newest first).
    pub fn sort(mut self, sort: ManagedAccountSort) -> Self {
        self.params.sort = Some(sort);
        self
    }

    /// Whether cancelled accounts are listed too: `include_cancelled_accounts`.
    pub fn include_cancelled_accounts(mut self, include: bool) -> Self {
        self.params.include_cancelled_accounts = Some(include);
        self
    }

    request_options!();

    /// Sends the request for one page; the page with the response's
    /// metadata.
    pub async fn send_with_response(self) -> Result<Response<Page<ManagedAccountListing>>> {
        let p = &self.params;
        check_contains("email_contains", p.email_contains.as_deref())?;
        check_contains(
            "organization_name_contains",
            p.organization_name_contains.as_deref(),
        )?;
        check_page(p.page_number, p.page_size)?;
        let call = Call::new(&LIST)
            .query("filter[email][contains]", p.email_contains.as_ref())
            .query("filter[email][eq]", p.email_eq.as_ref())
            .query(
                "filter[organization_name][contains]",
                p.organization_name_contains.as_ref(),
            )
            .query(
                "filter[organization_name][eq]",
                p.organization_name_eq.as_ref(),
            )
            .query("filter[status][eq]", p.status.map(|s| s.as_str()))
            .query("include_cancelled_accounts", p.include_cancelled_accounts)
            .query("page[number]", p.page_number)
            .query("page[size]", p.page_size)
            .query("sort", p.sort.map(|s| s.as_str()));
        let response = self
            .transport
            .send(call, &self.opts, decode::managed_account_page)
            .await?;
        Ok(response.map(|page, meta| page.with_response(meta.request_id(), meta.rate_limit)))
    }
}

paged_request!(ListManagedAccounts => ManagedAccountListing, "account", default page size "20");

// ---------------------------------------------------------------------------
// create

static CREATE: Operation = Operation {
    id: "CreateManagedAccount",
    method: Method::POST,
    path: "/managed_accounts",
    idempotency: NotIdempotent,
};

/// A request to create a managed account.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is awaited"]
pub struct CreateManagedAccount {
    transport: Arc<Transport>,
    opts: RequestOptions,
    business_name: String,
    email: Option<String>,
    password: Option<SecretString>,
    managed_account_allow_custom_pricing: Option<bool>,
    rollup_billing: Option<bool>,
}

impl CreateManagedAccount {
    /// The account's email; Telnyx derives one from the manager's if unset.
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    /// A password for signing in to the portal; without one the account
    /// cannot sign in directly. Never printed.
    pub fn password(mut self, password: impl Into<SecretString>) -> Self {
        self.password = Some(password.into());
        self
    }

    /// Whether the account may have custom pricing (default false).
    pub fn managed_account_allow_custom_pricing(mut self, allow: bool) -> Self {
        self.managed_account_allow_custom_pricing = Some(allow);
        self
    }

    /// Whether billing rolls up to the manager account (default false;
    /// cannot be changed later without Telnyx support).
    pub fn rollup_billing(mut self, rollup: bool) -> Self {
        self.rollup_billing = Some(rollup);
        self
    }

    request_options!();
    body_options!();

    /// Sends the request; the account with the response's metadata.
    pub async fn send_with_response(self) -> Result<Response<ManagedAccount>> {
        if self.business_name.trim().is_empty() {
            return Err(Error::invalid("business_name", "is empty"));
        }
        let body = generated::CreateManagedAccountRequest {
            business_name: self.business_name,
            email: self.email,
            password: self.password.map(|p| p.expose_secret().to_owned()),
            managed_account_allow_custom_pricing: self.managed_account_allow_custom_pricing,
            rollup_billing: self.rollup_billing,
        };
        let call = Call::new(&CREATE).json(&body)?;
        self.transport
            .send(call, &self.opts, decode::managed_account)
            .await
    }
}

sends!(CreateManagedAccount => ManagedAccount);

// ---------------------------------------------------------------------------
// allocatable channels

static ALLOCATABLE: Operation = Operation {
    id: "ListAllocatableGlobalOutboundChannels",
    method: Method::GET,
    path: "/managed_accounts/allocatable_global_outbound_channels",
    idempotency: Idempotent,
};

/// A request for the manager's global outbound channel pool.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is awaited"]
pub struct GetAllocatableChannels {
    transport: Arc<Transport>,
    opts: RequestOptions,
}

impl GetAllocatableChannels {
    request_options!();

    /// Sends the request; the pool with the response's metadata.
    pub async fn send_with_response(self) -> Result<Response<AllocatableChannels>> {
        let call = Call::new(&ALLOCATABLE);
        self.transport
            .send(call, &self.opts, decode::channels)
            .await
    }
}

sends!(GetAllocatableChannels => AllocatableChannels);

// ---------------------------------------------------------------------------
// retrieve, update, disable, enable, channel limit: one account by id

static RETRIEVE: Operation = Operation {
    id: "RetrieveManagedAccount",
    method: Method::GET,
    path: "/managed_accounts/{id}",
    idempotency: Idempotent,
};

/// A request for one managed account.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is awaited"]
pub struct RetrieveManagedAccount {
    transport: Arc<Transport>,
    opts: RequestOptions,
    id: Id,
}

impl RetrieveManagedAccount {
    request_options!();

    /// Sends the request; the account with the response's metadata.
    pub async fn send_with_response(self) -> Result<Response<ManagedAccount>> {
        let call = Call::new(&RETRIEVE).id(self.id.checked()?);
        self.transport
            .send(call, &self.opts, decode::managed_account)
            .await
    }
}

sends!(RetrieveManagedAccount => ManagedAccount);

static UPDATE: Operation = Operation {
    id: "UpdateManagedAccount",
    method: Method::PATCH,
    path: "/managed_accounts/{id}",
    idempotency: Idempotent,
};

/// A request to update a managed account.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is awaited"]
pub struct UpdateManagedAccount {
    transport: Arc<Transport>,
    opts: RequestOptions,
    id: Id,
    managed_account_allow_custom_pricing: Option<bool>,
}

impl UpdateManagedAccount {
    /// Whether the account may have custom pricing (changes may take a while
    /// to reach prices).
    pub fn managed_account_allow_custom_pricing(mut self, allow: bool) -> Self {
        self.managed_account_allow_custom_pricing = Some(allow);
        self
    }

    request_options!();
    body_options!();

    /// Sends the request; the account with the response's metadata.
    pub async fn send_with_response(self) -> Result<Response<ManagedAccount>> {
        let body = generated::UpdateManagedAccountRequest {
            managed_account_allow_custom_pricing: self.managed_account_allow_custom_pricing,
        };
        let call = Call::new(&UPDATE).id(self.id.checked()?).json(&body)?;
        self.transport
            .send(call, &self.opts, decode::managed_account)
            .await
    }
}

sends!(UpdateManagedAccount => ManagedAccount);

static DISABLE: Operation = Operation {
    id: "DisableManagedAccount",
    method: Method::POST,
    path: "/managed_accounts/{id}/actions/disable",
    idempotency: Idempotent,
};

/// A request to disable a managed account.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is awaited"]
pub struct DisableManagedAccount {
    transport: Arc<Transport>,
    opts: RequestOptions,
    id: Id,
}

impl DisableManagedAccount {
    request_options!();

    /// Sends the request; the account with the response's metadata.
    pub async fn send_with_response(self) -> Result<Response<ManagedAccount>> {
        let call = Call::new(&DISABLE).id(self.id.checked()?);
        self.transport
            .send(call, &self.opts, decode::managed_account)
            .await
    }
}

sends!(DisableManagedAccount => ManagedAccount);

static ENABLE: Operation = Operation {
    id: "EnableManagedAccount",
    method: Method::POST,
    path: "/managed_accounts/{id}/actions/enable",
    idempotency: Idempotent,
};

/// A request to enable a managed account.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is awaited"]
pub struct EnableManagedAccount {
    transport: Arc<Transport>,
    opts: RequestOptions,
    id: Id,
    reenable_all_connections: Option<bool>,
}

impl EnableManagedAccount {
    /// Also re-enable all the account's connections (those that pass
    /// validation); Telnyx's default is false.
    pub fn reenable_all_connections(mut self, reenable: bool) -> Self {
        self.reenable_all_connections = Some(reenable);
        self
    }

    request_options!();
    body_options!();

    /// Sends the request; the account with the response's metadata.
    pub async fn send_with_response(self) -> Result<Response<ManagedAccount>> {
        let body = generated::EnableManagedAccountRequest {
            reenable_all_connections: self.reenable_all_connections,
        };
        let call = Call::new(&ENABLE).id(self.id.checked()?).json(&body)?;
        self.transport
            .send(call, &self.opts, decode::managed_account)
            .await
    }
}

sends!(EnableManagedAccount => ManagedAccount);

static CHANNEL_LIMIT: Operation = Operation {
    id: "UpdateManagedAccountGlobalChannelLimit",
    method: Method::PATCH,
    path: "/managed_accounts/{id}/update_global_channel_limit",
    idempotency: Idempotent,
};

/// A request to set a managed account's global outbound channel limit.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is awaited"]
pub struct UpdateGlobalChannelLimit {
    transport: Arc<Transport>,
    opts: RequestOptions,
    id: Id,
    channel_limit: Option<i64>,
}

impl UpdateGlobalChannelLimit {
    /// Channels to allocate, 0 or more (0: no outbound calling).
    pub fn channel_limit(mut self, limit: i64) -> Self {
        self.channel_limit = Some(limit);
        self
    }

    request_options!();
    body_options!();

    /// Sends the request; the limit with the response's metadata.
    pub async fn send_with_response(self) -> Result<Response<ChannelLimit>> {
        if self.channel_limit.is_some_and(|l| l < 0) {
            return Err(Error::invalid("channel_limit", "must be 0 or more"));
        }
        let body = generated::UpdateManagedAccountGlobalChannelLimitRequest {
            channel_limit: self.channel_limit,
        };
        let call = Call::new(&CHANNEL_LIMIT)
            .id(self.id.checked()?)
            .json(&body)?;
        self.transport
            .send(call, &self.opts, decode::channel_limit)
            .await
    }
}

sends!(UpdateGlobalChannelLimit => ChannelLimit);
