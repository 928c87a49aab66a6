//! `client.managed_accounts()`: the accounts you manage for your customers.

use telnyx_accounts_gen::types as gen;

use super::{check_contains, check_page, take_data};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::id::Id;
use crate::models::{
    tolerate_nulls, AllocatableChannels, ChannelLimit, ManagedAccount, ManagedAccountListing,
    ManagedAccountSort, ManagedAccountStatus,
};
use crate::pagination::{paged_request, Page, DEFAULT_PREFETCH};
use crate::request::{into_future, request_options};
use crate::retry::Idempotency::{Idempotent, NotIdempotent};
use crate::secret::SecretString;
use crate::transport::{execute, Operation, RequestOptions};

/// The managed-accounts resource. Get it with [`Client::managed_accounts`].
#[derive(Debug, Clone)]
pub struct ManagedAccounts {
    client: Client,
}

impl ManagedAccounts {
    pub(crate) fn new(client: Client) -> Self {
        Self { client }
    }

    /// Lists the managed accounts (`GET /managed_accounts`), one page per
    /// call, or all of them with [`into_stream`](ListManagedAccounts::into_stream).
    ///
    /// ```no_run
    /// # async fn run(client: telnyx_accounts::Client) -> Result<(), telnyx_accounts::Error> {
    /// use telnyx_accounts::{ManagedAccountSort, ManagedAccountStatus};
    ///
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
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> ListManagedAccounts {
        ListManagedAccounts {
            client: self.client.clone(),
            opts: RequestOptions::default(),
            params: ListParams::default(),
            prefetch: DEFAULT_PREFETCH,
        }
    }

    /// Creates a managed account (`POST /managed_accounts`).
    ///
    /// **Not retried after a timeout or a 5xx**: the account may have been
    /// created, and a second attempt could create a second one. See
    /// [`crate::retry`].
    ///
    /// ```no_run
    /// # async fn run(client: telnyx_accounts::Client) -> Result<(), telnyx_accounts::Error> {
    /// let account = client
    ///     .managed_accounts()
    ///     .create("Larry's Cat Food Inc")
    ///     .email("larry@example.com")
    ///     .rollup_billing(false)
    ///     .await?;
    /// let key = account.api_key.expose_secret(); // store it in your vault
    /// # let _ = key; Ok(()) }
    /// ```
    pub fn create(&self, business_name: impl Into<String>) -> CreateManagedAccount {
        CreateManagedAccount {
            client: self.client.clone(),
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
    /// ```no_run
    /// # async fn run(client: telnyx_accounts::Client) -> Result<(), telnyx_accounts::Error> {
    /// let pool = client.managed_accounts().allocatable_global_outbound_channels().await?;
    /// println!("{:?} allocatable", pool.allocatable_global_outbound_channels);
    /// # Ok(()) }
    /// ```
    pub fn allocatable_global_outbound_channels(&self) -> GetAllocatableChannels {
        GetAllocatableChannels {
            client: self.client.clone(),
            opts: RequestOptions::default(),
        }
    }

    /// Retrieves one managed account (`GET /managed_accounts/{id}`).
    ///
    /// ```no_run
    /// # async fn run(client: telnyx_accounts::Client) -> Result<(), telnyx_accounts::Error> {
    /// let account = client
    ///     .managed_accounts()
    ///     .retrieve("f65ceda4-6522-4ad6-aede-98de83385123")
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn retrieve(&self, id: impl Into<Id>) -> RetrieveManagedAccount {
        RetrieveManagedAccount {
            client: self.client.clone(),
            opts: RequestOptions::default(),
            id: id.into(),
        }
    }

    /// Updates a managed account (`PATCH /managed_accounts/{id}`).
    ///
    /// ```no_run
    /// # async fn run(client: telnyx_accounts::Client, id: uuid::Uuid) -> Result<(), telnyx_accounts::Error> {
    /// let account = client
    ///     .managed_accounts()
    ///     .update(id)
    ///     .managed_account_allow_custom_pricing(true)
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn update(&self, id: impl Into<Id>) -> UpdateManagedAccount {
        UpdateManagedAccount {
            client: self.client.clone(),
            opts: RequestOptions::default(),
            id: id.into(),
            managed_account_allow_custom_pricing: None,
        }
    }

    /// Sets how many global outbound channels a managed account may use
    /// (`PATCH /managed_accounts/{id}/update_global_channel_limit`).
    ///
    /// ```no_run
    /// # async fn run(client: telnyx_accounts::Client, id: uuid::Uuid) -> Result<(), telnyx_accounts::Error> {
    /// let limit = client
    ///     .managed_accounts()
    ///     .update_global_channel_limit(id)
    ///     .channel_limit(30)
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn update_global_channel_limit(&self, id: impl Into<Id>) -> UpdateGlobalChannelLimit {
        UpdateGlobalChannelLimit {
            client: self.client.clone(),
            opts: RequestOptions::default(),
            id: id.into(),
            channel_limit: None,
        }
    }

    /// Disabling and enabling accounts.
    pub fn actions(&self) -> ManagedAccountActions {
        ManagedAccountActions {
            client: self.client.clone(),
        }
    }
}

/// `client.managed_accounts().actions()`: disable and enable.
#[derive(Debug, Clone)]
pub struct ManagedAccountActions {
    client: Client,
}

impl ManagedAccountActions {
    /// Disables a managed account (`POST /managed_accounts/{id}/actions/disable`):
    /// it can no longer use Telnyx services or sign in. Ongoing calls go on.
    ///
    /// ```no_run
    /// # async fn run(client: telnyx_accounts::Client, id: uuid::Uuid) -> Result<(), telnyx_accounts::Error> {
    /// let account = client.managed_accounts().actions().disable(id).await?;
    /// # Ok(()) }
    /// ```
    pub fn disable(&self, id: impl Into<Id>) -> DisableManagedAccount {
        DisableManagedAccount {
            client: self.client.clone(),
            opts: RequestOptions::default(),
            id: id.into(),
        }
    }

    /// Enables a managed account (`POST /managed_accounts/{id}/actions/enable`).
    ///
    /// ```no_run
    /// # async fn run(client: telnyx_accounts::Client, id: uuid::Uuid) -> Result<(), telnyx_accounts::Error> {
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
            client: self.client.clone(),
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
    method: "GET",
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
    client: Client,
    opts: RequestOptions,
    params: ListParams,
    prefetch: usize,
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

    /// Sends the request for one page.
    pub async fn send(self) -> Result<Page<ManagedAccountListing>> {
        let p = self.params;
        check_contains("email_contains", p.email_contains.as_deref())?;
        check_contains(
            "organization_name_contains",
            p.organization_name_contains.as_deref(),
        )?;
        let (page_number, page_size) = check_page(p.page_number, p.page_size)?;
        let rv = execute(&self.client, &LIST, &self.opts, |gen| {
            let p = p.clone();
            async move {
                let mut b = gen.list_managed_accounts();
                if let Some(v) = p.email_contains {
                    b = b.filter_email_contains(v);
                }
                if let Some(v) = p.email_eq {
                    b = b.filter_email_eq(v);
                }
                if let Some(v) = p.organization_name_contains {
                    b = b.filter_organization_name_contains(v);
                }
                if let Some(v) = p.organization_name_eq {
                    b = b.filter_organization_name_eq(v);
                }
                if let Some(v) = p.status {
                    b = b.filter_status_eq(v.to_gen());
                }
                if let Some(v) = p.sort {
                    b = b.sort(v.to_gen());
                }
                if let Some(v) = p.include_cancelled_accounts {
                    b = b.include_cancelled_accounts(v);
                }
                if let Some(v) = page_number {
                    b = b.page_number(v);
                }
                if let Some(v) = page_size {
                    b = b.page_size(v);
                }
                tolerate_nulls(b.send().await)
            }
        })
        .await?;
        Ok(rv.into_inner().into())
    }
}

paged_request!(ListManagedAccounts => ManagedAccountListing, "account", default page size "20");

// ---------------------------------------------------------------------------
// create

static CREATE: Operation = Operation {
    id: "CreateManagedAccount",
    method: "POST",
    path: "/managed_accounts",
    idempotency: NotIdempotent,
};

/// A request to create a managed account.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is awaited"]
pub struct CreateManagedAccount {
    client: Client,
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

    /// Sends the request.
    pub async fn send(self) -> Result<ManagedAccount> {
        if self.business_name.trim().is_empty() {
            return Err(Error::invalid("business_name", "is empty"));
        }
        let body = gen::CreateManagedAccountRequest {
            business_name: self.business_name,
            email: self.email,
            password: self.password.map(|p| p.expose_secret().to_owned()),
            managed_account_allow_custom_pricing: self.managed_account_allow_custom_pricing,
            rollup_billing: self.rollup_billing,
        };
        let rv = execute(&self.client, &CREATE, &self.opts, |gen| {
            let body = body.clone();
            async move { gen.create_managed_account().body(body).send().await }
        })
        .await?;
        take_data(&self.client, rv, |e| e.data.take())
    }
}

into_future!(CreateManagedAccount => ManagedAccount);

// ---------------------------------------------------------------------------
// allocatable channels

static ALLOCATABLE: Operation = Operation {
    id: "ListAllocatableGlobalOutboundChannels",
    method: "GET",
    path: "/managed_accounts/allocatable_global_outbound_channels",
    idempotency: Idempotent,
};

/// A request for the manager's global outbound channel pool.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is awaited"]
pub struct GetAllocatableChannels {
    client: Client,
    opts: RequestOptions,
}

impl GetAllocatableChannels {
    request_options!();

    /// Sends the request.
    pub async fn send(self) -> Result<AllocatableChannels> {
        let rv = execute(&self.client, &ALLOCATABLE, &self.opts, |gen| async move {
            gen.list_allocatable_global_outbound_channels().send().await
        })
        .await?;
        take_data(&self.client, rv, |e| e.data.take())
    }
}

into_future!(GetAllocatableChannels => AllocatableChannels);

// ---------------------------------------------------------------------------
// retrieve, update, disable, enable, channel limit: one account by id

static RETRIEVE: Operation = Operation {
    id: "RetrieveManagedAccount",
    method: "GET",
    path: "/managed_accounts/{id}",
    idempotency: Idempotent,
};

/// A request for one managed account.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is awaited"]
pub struct RetrieveManagedAccount {
    client: Client,
    opts: RequestOptions,
    id: Id,
}

impl RetrieveManagedAccount {
    request_options!();

    /// Sends the request.
    pub async fn send(self) -> Result<ManagedAccount> {
        let id = self.id.checked()?.to_owned();
        let rv = execute(&self.client, &RETRIEVE, &self.opts, |gen| {
            let id = id.clone();
            async move { gen.retrieve_managed_account().id(id).send().await }
        })
        .await?;
        take_data(&self.client, rv, |e| e.data.take())
    }
}

into_future!(RetrieveManagedAccount => ManagedAccount);

static UPDATE: Operation = Operation {
    id: "UpdateManagedAccount",
    method: "PATCH",
    path: "/managed_accounts/{id}",
    idempotency: Idempotent,
};

/// A request to update a managed account.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is awaited"]
pub struct UpdateManagedAccount {
    client: Client,
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

    /// Sends the request.
    pub async fn send(self) -> Result<ManagedAccount> {
        let id = self.id.checked()?.to_owned();
        let body = gen::UpdateManagedAccountRequest {
            managed_account_allow_custom_pricing: self.managed_account_allow_custom_pricing,
        };
        let rv = execute(&self.client, &UPDATE, &self.opts, |gen| {
            let (id, body) = (id.clone(), body.clone());
            async move { gen.update_managed_account().id(id).body(body).send().await }
        })
        .await?;
        take_data(&self.client, rv, |e| e.data.take())
    }
}

into_future!(UpdateManagedAccount => ManagedAccount);

static DISABLE: Operation = Operation {
    id: "DisableManagedAccount",
    method: "POST",
    path: "/managed_accounts/{id}/actions/disable",
    idempotency: Idempotent,
};

/// A request to disable a managed account.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is awaited"]
pub struct DisableManagedAccount {
    client: Client,
    opts: RequestOptions,
    id: Id,
}

impl DisableManagedAccount {
    request_options!();

    /// Sends the request.
    pub async fn send(self) -> Result<ManagedAccount> {
        let id = self.id.checked()?.to_owned();
        let rv = execute(&self.client, &DISABLE, &self.opts, |gen| {
            let id = id.clone();
            async move { gen.disable_managed_account().id(id).send().await }
        })
        .await?;
        take_data(&self.client, rv, |e| e.data.take())
    }
}

into_future!(DisableManagedAccount => ManagedAccount);

static ENABLE: Operation = Operation {
    id: "EnableManagedAccount",
    method: "POST",
    path: "/managed_accounts/{id}/actions/enable",
    idempotency: Idempotent,
};

/// A request to enable a managed account.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is awaited"]
pub struct EnableManagedAccount {
    client: Client,
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

    /// Sends the request.
    pub async fn send(self) -> Result<ManagedAccount> {
        let id = self.id.checked()?.to_owned();
        let body = gen::EnableManagedAccountRequest {
            reenable_all_connections: self.reenable_all_connections,
        };
        let rv = execute(&self.client, &ENABLE, &self.opts, |gen| {
            let (id, body) = (id.clone(), body.clone());
            async move { gen.enable_managed_account().id(id).body(body).send().await }
        })
        .await?;
        take_data(&self.client, rv, |e| e.data.take())
    }
}

into_future!(EnableManagedAccount => ManagedAccount);

static CHANNEL_LIMIT: Operation = Operation {
    id: "UpdateManagedAccountGlobalChannelLimit",
    method: "PATCH",
    path: "/managed_accounts/{id}/update_global_channel_limit",
    idempotency: Idempotent,
};

/// A request to set a managed account's global outbound channel limit.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is awaited"]
pub struct UpdateGlobalChannelLimit {
    client: Client,
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

    /// Sends the request.
    pub async fn send(self) -> Result<ChannelLimit> {
        let id = self.id.checked()?.to_owned();
        if self.channel_limit.is_some_and(|l| l < 0) {
            return Err(Error::invalid("channel_limit", "must be 0 or more"));
        }
        let body = gen::UpdateManagedAccountGlobalChannelLimitRequest {
            channel_limit: self.channel_limit,
        };
        let rv = execute(&self.client, &CHANNEL_LIMIT, &self.opts, |gen| {
            let (id, body) = (id.clone(), body.clone());
            async move {
                gen.update_managed_account_global_channel_limit()
                    .id(id)
                    .body(body)
                    .send()
                    .await
            }
        })
        .await?;
        take_data(&self.client, rv, |e| e.data.take())
    }
}

into_future!(UpdateGlobalChannelLimit => ChannelLimit);
