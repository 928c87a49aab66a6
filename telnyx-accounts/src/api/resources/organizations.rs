//! `client.organizations().users()`: the users of your own organization.

use std::sync::Arc;

use reqwest::Method;

use super::checks::check_page;
use crate::api::id::Id;
use crate::api::request::{request_options, sends};
use crate::api::walk::{paged_request, WalkOptions};
use crate::error::Result;
use crate::models::decode;
#[cfg(feature = "csv")]
use crate::models::GroupsReportRow;
use crate::models::{OrganizationUser, UserStatus};
use crate::pagination::Page;
use crate::retry::Idempotency::{Idempotent, NotIdempotent};
use crate::runtime::operation::Operation;
use crate::runtime::response::Response;
use crate::runtime::transport::{Call, RequestOptions, Transport};

/// Your organization. Get it with
/// [`Client::organizations`](crate::Client::organizations).
#[derive(Debug, Clone)]
pub struct Organizations {
    transport: Arc<Transport>,
}

impl Organizations {
    pub(crate) fn new(transport: Arc<Transport>) -> Self {
        Self { transport }
    }

    /// The organization's users.
    pub fn users(&self) -> Users {
        Users {
            transport: Arc::clone(&self.transport),
        }
    }
}

/// `client.organizations().users()`.
#[derive(Debug, Clone)]
pub struct Users {
    transport: Arc<Transport>,
}

impl Users {
    /// Lists users (`GET /organizations/users`), one page per call, or all of
    /// them with [`into_stream`](ListUsers::into_stream).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), telnyx_accounts::Error> {
    /// # let mock = telnyx_accounts_mock::MockServer::start().await;
    /// # let client = telnyx_accounts::Client::builder().api_key(mock.api_key()).base_url(mock.base_url()).build()?;
    /// use telnyx_accounts::UserStatus;
    ///
    /// let page = client
    ///     .organizations()
    ///     .users()
    ///     .list()
    ///     .user_status(UserStatus::Enabled)
    ///     .include_groups(true)
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> ListUsers {
        ListUsers {
            transport: Arc::clone(&self.transport),
            opts: RequestOptions::default(),
            params: UserListParams::default(),
            walk: WalkOptions::default(),
        }
    }

    /// Every user with their groups, unpaged
    /// (`GET /organizations/users/users_groups_report`, JSON).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), telnyx_accounts::Error> {
    /// # let mock = telnyx_accounts_mock::MockServer::start().await;
    /// # let client = telnyx_accounts::Client::builder().api_key(mock.api_key()).base_url(mock.base_url()).build()?;
    /// for user in client.organizations().users().groups_report().await? {
    ///     let groups: Vec<_> = user.groups.unwrap_or_default().into_iter().map(|g| g.name).collect();
    ///     println!("{:?}: {}", user.email, groups.join(", "));
    /// }
    /// # Ok(()) }
    /// ```
    pub fn groups_report(&self) -> GetGroupsReport {
        GetGroupsReport {
            transport: Arc::clone(&self.transport),
            opts: RequestOptions::default(),
        }
    }

    /// The same report as CSV text (`Accept: text/csv`), as Telnyx renders
    /// it: columns `id, email, user_status, created_at, last_sign_in_at,
    /// groups`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), telnyx_accounts::Error> {
    /// # let mock = telnyx_accounts_mock::MockServer::start().await;
    /// # let client = telnyx_accounts::Client::builder().api_key(mock.api_key()).base_url(mock.base_url()).build()?;
    /// let csv = client.organizations().users().groups_report_csv().await?;
    /// assert!(csv.starts_with("id,email,user_status"));
    /// std::fs::write(std::env::temp_dir().join("users.csv"), csv).ok();
    /// # Ok(()) }
    /// ```
    pub fn groups_report_csv(&self) -> GetGroupsReportCsv {
        GetGroupsReportCsv {
            transport: Arc::clone(&self.transport),
            opts: RequestOptions::default(),
        }
    }

    /// The CSV report parsed into rows (quoted fields such as
    /// `"Engineering, Sales"` handled).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), telnyx_accounts::Error> {
    /// # let mock = telnyx_accounts_mock::MockServer::start().await;
    /// # let client = telnyx_accounts::Client::builder().api_key(mock.api_key()).base_url(mock.base_url()).build()?;
    /// for row in client.organizations().users().groups_report_rows().await? {
    ///     println!("{} in {:?}", row.email, row.groups);
    /// }
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "csv")]
    #[cfg_attr(docsrs, doc(cfg(feature = "csv")))]
    pub fn groups_report_rows(&self) -> GetGroupsReportRows {
        GetGroupsReportRows {
            transport: Arc::clone(&self.transport),
            opts: RequestOptions::default(),
        }
    }

    /// Retrieves one user (`GET /organizations/users/{id}`).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), telnyx_accounts::Error> {
    /// # let mock = telnyx_accounts_mock::MockServer::start().await;
    /// # let client = telnyx_accounts::Client::builder().api_key(mock.api_key()).base_url(mock.base_url()).build()?;
    /// # mock.insert_user(telnyx_accounts_mock::NewUser::new("ada@example.com").id("u1").group("Engineering")).unwrap();
    /// let user = client.organizations().users().retrieve("u1").include_groups(true).await?;
    /// assert_eq!(user.email.as_deref(), Some("ada@example.com"));
    /// let groups: Vec<_> = user.groups.unwrap_or_default().into_iter().map(|g| g.name).collect();
    /// assert_eq!(groups, ["Engineering"]);
    /// # Ok(()) }
    /// ```
    pub fn retrieve(&self, id: impl Into<Id>) -> RetrieveUser {
        RetrieveUser {
            transport: Arc::clone(&self.transport),
            opts: RequestOptions::default(),
            id: id.into(),
            include_groups: None,
        }
    }

    /// Removing users.
    pub fn actions(&self) -> UserActions {
        UserActions {
            transport: Arc::clone(&self.transport),
        }
    }
}

/// `client.organizations().users().actions()`.
#[derive(Debug, Clone)]
pub struct UserActions {
    transport: Arc<Transport>,
}

impl UserActions {
    /// Deletes a user from your organization
    /// (`POST /organizations/users/{id}/actions/remove`) and returns it.
    ///
    /// **Not retried after a timeout or a 5xx**: the removal may have gone
    /// through, and a second attempt would get a 404 that hides the success;
    /// the error's [`is_retryable`](crate::Error::is_retryable) is then
    /// false. Retrieve the user to find out.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), telnyx_accounts::Error> {
    /// # let mock = telnyx_accounts_mock::MockServer::start().await;
    /// # let client = telnyx_accounts::Client::builder().api_key(mock.api_key()).base_url(mock.base_url()).build()?;
    /// # mock.insert_user(telnyx_accounts_mock::NewUser::new("ada@example.com").id("u1")).unwrap();
    /// let removed = client.organizations().users().actions().remove("u1").await?;
    /// assert_eq!(removed.id, "u1");
    /// # Ok(()) }
    /// ```
    pub fn remove(&self, id: impl Into<Id>) -> RemoveUser {
        RemoveUser {
            transport: Arc::clone(&self.transport),
            opts: RequestOptions::default(),
            id: id.into(),
        }
    }
}

// ---------------------------------------------------------------------------
// list

static LIST: Operation = Operation {
    id: "ListOrganizationUsers",
    method: Method::GET,
    path: "/organizations/users",
    idempotency: Idempotent,
};

#[derive(Debug, Clone, Default)]
struct UserListParams {
    email: Option<String>,
    user_status: Option<UserStatus>,
    include_groups: Option<bool>,
    page_number: Option<u32>,
    page_size: Option<u32>,
}

/// A request for a page of organization users. Await it for one [`Page`],
/// or walk every page with [`into_stream`](Self::into_stream),
/// [`pages`](Self::pages) or [`collect_all`](Self::collect_all).
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is awaited"]
pub struct ListUsers {
    transport: Arc<Transport>,
    opts: RequestOptions,
    params: UserListParams,
    walk: WalkOptions,
}

impl ListUsers {
    /// Users whose email contains this (partial match): `filter[email]`.
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.params.email = Some(email.into());
        self
    }

    /// Users in this status: `filter[user_status]`. An `Unknown` status is
    /// refused before sending: the API accepts only the documented ones.
    pub fn user_status(mut self, status: UserStatus) -> Self {
        self.params.user_status = Some(status);
        self
    }

    /// Include each user's groups: `include_groups`.
    pub fn include_groups(mut self, include: bool) -> Self {
        self.params.include_groups = Some(include);
        self
    }

    request_options!();

    /// Sends the request for one page; the page with the response's
    /// metadata.
    pub async fn send_with_response(self) -> Result<Response<Page<OrganizationUser>>> {
        let p = &self.params;
        check_page(p.page_number, p.page_size)?;
        let status = match &p.user_status {
            None => None,
            Some(s @ (UserStatus::Enabled | UserStatus::Disabled | UserStatus::Blocked)) => {
                Some(s.as_str())
            }
            Some(other) => {
                return Err(crate::Error::invalid(
                    "user_status",
                    format!("{:?} is not a status the API filters by", other.as_str()),
                ))
            }
        };
        let include_groups = p.include_groups.unwrap_or(false);
        let call = Call::new(&LIST)
            .query("filter[email]", p.email.as_ref())
            .query("filter[user_status]", status)
            .query("include_groups", p.include_groups)
            .query("page[number]", p.page_number)
            .query("page[size]", p.page_size);
        let response = self
            .transport
            .send(call, &self.opts, |body| {
                decode::user_page(body, include_groups)
            })
            .await?;
        Ok(response.map(|page, meta| page.with_response(meta.request_id(), meta.rate_limit)))
    }
}

paged_request!(ListUsers => OrganizationUser, "user", default page size "250");

// ---------------------------------------------------------------------------
// groups report: JSON, CSV, rows

static REPORT: Operation = Operation {
    id: "GetOrganizationUsersGroupsReport",
    method: Method::GET,
    path: "/organizations/users/users_groups_report",
    idempotency: Idempotent,
};

/// A request for the groups report as typed users.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is awaited"]
pub struct GetGroupsReport {
    transport: Arc<Transport>,
    opts: RequestOptions,
}

impl GetGroupsReport {
    request_options!();

    /// Sends the request; the users with the response's metadata.
    pub async fn send_with_response(self) -> Result<Response<Vec<OrganizationUser>>> {
        let call = Call::new(&REPORT);
        self.transport
            .send(call, &self.opts, decode::groups_report)
            .await
    }
}

sends!(GetGroupsReport => Vec<OrganizationUser>);

/// A request for the groups report as CSV text.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is awaited"]
pub struct GetGroupsReportCsv {
    transport: Arc<Transport>,
    opts: RequestOptions,
}

impl GetGroupsReportCsv {
    request_options!();

    /// Sends the request (`Accept: text/csv`); the text with the
    /// response's metadata.
    pub async fn send_with_response(self) -> Result<Response<String>> {
        let call = Call::new(&REPORT).accept("text/csv");
        self.transport
            .send(call, &self.opts, decode::groups_report_csv)
            .await
    }
}

sends!(GetGroupsReportCsv => String);

/// A request for the groups report as parsed CSV rows.
#[cfg(feature = "csv")]
#[cfg_attr(docsrs, doc(cfg(feature = "csv")))]
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is awaited"]
pub struct GetGroupsReportRows {
    transport: Arc<Transport>,
    opts: RequestOptions,
}

#[cfg(feature = "csv")]
impl GetGroupsReportRows {
    request_options!();

    /// Sends the request (`Accept: text/csv`) and parses the CSV; the rows
    /// with the response's metadata.
    pub async fn send_with_response(self) -> Result<Response<Vec<GroupsReportRow>>> {
        let call = Call::new(&REPORT).accept("text/csv");
        self.transport
            .send(call, &self.opts, decode::groups_report_rows)
            .await
    }
}

#[cfg(feature = "csv")]
sends!(GetGroupsReportRows => Vec<GroupsReportRow>);

// ---------------------------------------------------------------------------
// retrieve, remove

static RETRIEVE: Operation = Operation {
    id: "GetOrganizationUser",
    method: Method::GET,
    path: "/organizations/users/{id}",
    idempotency: Idempotent,
};

/// A request for one user.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is awaited"]
pub struct RetrieveUser {
    transport: Arc<Transport>,
    opts: RequestOptions,
    id: Id,
    include_groups: Option<bool>,
}

impl RetrieveUser {
    /// Include the user's groups: `include_groups`.
    pub fn include_groups(mut self, include: bool) -> Self {
        self.include_groups = Some(include);
        self
    }

    request_options!();

    /// Sends the request; the user with the response's metadata.
    pub async fn send_with_response(self) -> Result<Response<OrganizationUser>> {
        let include = self.include_groups;
        let call = Call::new(&RETRIEVE)
            .id(self.id.checked()?)
            .query("include_groups", include);
        let groups = include.unwrap_or(false);
        self.transport
            .send(call, &self.opts, |body| decode::user(body, groups))
            .await
    }
}

sends!(RetrieveUser => OrganizationUser);

static REMOVE: Operation = Operation {
    id: "DeleteOrganizationUser",
    method: Method::POST,
    path: "/organizations/users/{id}/actions/remove",
    // A second send of a removal that went through gets a 404: retried only
    // when the first cannot have been processed, like create.
    idempotency: NotIdempotent,
};

/// A request to remove a user.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is awaited"]
pub struct RemoveUser {
    transport: Arc<Transport>,
    opts: RequestOptions,
    id: Id,
}

impl RemoveUser {
    request_options!();

    /// Sends the request; the removed user with the response's metadata.
    pub async fn send_with_response(self) -> Result<Response<OrganizationUser>> {
        let call = Call::new(&REMOVE).id(self.id.checked()?);
        self.transport
            .send(call, &self.opts, |body| decode::user(body, false))
            .await
    }
}

sends!(RemoveUser => OrganizationUser);
