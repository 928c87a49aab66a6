//! A tour of every operation of `telnyx-accounts`.
//!
//! ```text
//! cargo run -p telnyx-accounts --example quickstart                          # mock, API key
//! cargo run -p telnyx-accounts --example quickstart -- --client-credentials  # mock, OAuth2
//! ```
//!
//! Without credentials in the environment it starts the embedded mock
//! server (`telnyx-accounts-mock`) and walks through all twelve operations
//! against it: no Telnyx account needed. It authenticates with the mock's
//! API key, or with `--client-credentials` with OAuth2 client credentials
//! (one token request for the whole tour). With `TELNYX_API_KEY`, or
//! `TELNYX_CLIENT_ID` and `TELNYX_CLIENT_SECRET`, set (and optionally
//! `TELNYX_BASE_URL`) it makes only read-only calls against that API. It
//! prints which way it authenticated.

use futures::TryStreamExt;
use telnyx_accounts::{
    ApiErrorKind, Balance, Client, Error, ManagedAccountSort, ManagedAccountStatus, API_KEY_ENV,
    CLIENT_ID_ENV, CLIENT_SECRET_ENV,
};
use telnyx_accounts_mock::MockServer;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// The mock's OAuth2 client (made-up values for the local fake).
const MOCK_CLIENT_ID: &str = "quickstart-client";
const MOCK_CLIENT_SECRET: &str = "quickstart-secret";

#[tokio::main]
async fn main() -> Result<()> {
    let set = |name: &str| std::env::var(name).is_ok_and(|v| !v.trim().is_empty());
    if set(API_KEY_ENV) || set(CLIENT_ID_ENV) || set(CLIENT_SECRET_ENV) {
        let client = Client::from_env()?;
        println!(
            "Credentials in the environment: read-only calls against {}",
            client.base_url()
        );
        print_auth(&client);
        read_only(&client).await
    } else {
        let mock = MockServer::builder()
            .client_credentials(MOCK_CLIENT_ID, MOCK_CLIENT_SECRET)
            .start()
            .await;
        println!("No {API_KEY_ENV} (nor {CLIENT_ID_ENV}/{CLIENT_SECRET_ENV}) in the environment: using the embedded mock server");
        println!(
            "at {} (seeded, fake data; nothing leaves this machine).",
            mock.base_url()
        );
        let builder = Client::builder().base_url(mock.base_url());
        let client = if std::env::args().any(|a| a == "--client-credentials") {
            builder.client_credentials(MOCK_CLIENT_ID, MOCK_CLIENT_SECRET)
        } else {
            builder.api_key(mock.api_key())
        }
        .build()?;
        print_auth(&client);
        tour(&client).await?;
        let requests = mock.requests();
        let tokens = requests.iter().filter(|r| r.is_token_request()).count();
        println!(
            "\n{} requests, {tokens} of them token request(s)",
            requests.len()
        );
        mock.shutdown().await;
        Ok(())
    }
}

/// Says how the client authenticates (never the secret).
fn print_auth(client: &Client) {
    match (client.client_id(), client.token_url()) {
        (Some(id), Some(url)) => println!(
            "Authenticating with OAuth2 client credentials: client id {id}, access tokens from {url}"
        ),
        _ => println!("Authenticating with an API key (Authorization: Bearer <key>)"),
    }
}

/// Every operation, against the mock.
async fn tour(client: &Client) -> Result<()> {
    let accounts = client.managed_accounts();

    section("Create a managed account");
    let created = accounts
        .create("Larry's Cat Food Inc")
        .email("larry@catfood.example.com")
        .password("correct horse battery staple")
        .rollup_billing(false)
        .await?;
    println!("created {} <{}>", created.id, created.email);
    let org = created.organization_name.as_deref().unwrap_or("-");
    println!("  organization: {org}");
    if let Some(Balance {
        balance: Some(balance),
        currency: Some(currency),
        ..
    }) = &created.balance
    {
        println!("  balance:      {balance} {currency}");
    }
    println!("  api_key:      {:?}", created.api_key);
    println!("  api_token:    {}", created.api_token);
    println!(
        "(secrets print as [REDACTED] in Debug, Display and JSON; .expose_secret() hands them on)"
    );

    section("List with filters and sort");
    let page = accounts
        .list()
        .email_contains("example.com")
        .status(ManagedAccountStatus::Enabled)
        .sort(ManagedAccountSort::EmailDesc)
        .page_size(5)
        .await?;
    println!(
        "enabled, email contains \"example.com\", sorted by -email: page {} of {} ({} accounts)",
        page.meta.page_number, page.meta.total_pages, page.meta.total_results
    );
    for account in &page.data {
        println!(
            "  {:<50} {}",
            account.email,
            account.organization_name.as_deref().unwrap_or("-")
        );
    }
    let page = accounts
        .list()
        .organization_name_contains("cat food")
        .await?;
    println!(
        "organization name contains \"cat food\": {:?}",
        emails(&page.data)
    );

    section("Auto-paging with into_stream()");
    let count = accounts
        .list()
        .page_size(10)
        .into_stream()
        .try_fold(0_usize, |n, _| async move { Ok(n + 1) })
        .await?;
    println!("{count} accounts (not cancelled), fetched 10 per page, the next page prefetched");
    let everything = accounts
        .list()
        .include_cancelled_accounts(true)
        .page_size(10)
        .collect_all()
        .await?;
    println!(
        "{} with cancelled accounts included (collect_all)",
        everything.len()
    );

    section("Retrieve and update");
    let account = accounts.retrieve(created.id).await?;
    println!(
        "retrieved {} ({}), custom pricing: {}",
        account.id,
        account.email,
        show(account.managed_account_allow_custom_pricing)
    );
    let account = accounts
        .update(account.id)
        .managed_account_allow_custom_pricing(true)
        .await?;
    println!(
        "updated: custom pricing is now {}",
        show(account.managed_account_allow_custom_pricing)
    );

    section("Disable, then enable");
    accounts.actions().disable(account.id).await?;
    print_status(client, &account.email).await?;
    accounts
        .actions()
        .enable(account.id)
        .reenable_all_connections(true)
        .await?;
    print_status(client, &account.email).await?;

    section("Global outbound channels");
    let pool = accounts.allocatable_global_outbound_channels().await?;
    println!(
        "allocatable: {}, allocated so far: {}",
        show(pool.allocatable_global_outbound_channels),
        show(pool.total_global_channels_allocated)
    );
    let limit = accounts
        .update_global_channel_limit(account.id)
        .channel_limit(7)
        .await?;
    println!(
        "{} now has a limit of {} channels",
        show(limit.email),
        show(limit.channel_limit)
    );
    let pool = accounts.allocatable_global_outbound_channels().await?;
    println!(
        "allocated now: {}",
        show(pool.total_global_channels_allocated)
    );

    let users = client.organizations().users();

    section("Organization users, with their groups");
    let page = users.list().include_groups(true).page_size(5).await?;
    println!("first 5 of {} users:", page.meta.total_results);
    for user in &page.data {
        let groups: Vec<&str> = user
            .groups
            .iter()
            .flatten()
            .map(|g| g.name.as_str())
            .collect();
        println!(
            "  {:<40} {:<9} [{}]",
            user.email.as_deref().unwrap_or("-"),
            user.user_status.as_ref().map(|s| s.as_str()).unwrap_or("-"),
            groups.join(", ")
        );
    }

    section("Retrieve a user");
    let user = users
        .retrieve(&page.data[1].id)
        .include_groups(true)
        .await?;
    let groups: Vec<&str> = user
        .groups
        .iter()
        .flatten()
        .map(|g| g.name.as_str())
        .collect();
    println!("{} <{}>", user.id, show(user.email.as_deref()));
    println!("  status:       {}", show(user.user_status.as_ref()));
    println!("  role:         {}", show(user.record_type.as_ref()));
    println!("  created:      {}", show(user.created_at));
    println!("  last sign-in: {}", show(user.last_sign_in_at));
    println!("  groups:       {}", groups.join(", "));

    section("Groups report (JSON, CSV, parsed CSV rows)");
    let report = users.groups_report().await?;
    println!("JSON: {} users; the first one:", report.len());
    println!("{}", serde_json::to_string_pretty(&report[0])?);
    let csv = users.groups_report_csv().await?;
    println!("CSV ({} lines), the first three:", csv.lines().count());
    for line in csv.lines().take(3) {
        println!("  {line}");
    }
    let rows = users.groups_report_rows().await?;
    println!("parsed rows: {}; the second one: {:?}", rows.len(), rows[1]);

    section("Remove a user");
    let removed = users.actions().remove(&user.id).await?;
    let left = users.list().await?.meta.total_results;
    println!("removed {}; {left} users left", show(removed.email));

    section("Errors are values you can match on");
    match accounts
        .retrieve("00000000-0000-4000-8000-000000000000")
        .await
    {
        Err(Error::Api(e)) if e.kind() == ApiErrorKind::NotFound => {
            println!("NotFound (HTTP {}), as expected:", e.status());
            println!("  {e}");
        }
        other => println!("unexpected: {other:?}"),
    }
    Ok(())
}

/// Read-only calls, for a real account (credentials in the environment).
async fn read_only(client: &Client) -> Result<()> {
    let accounts = client.managed_accounts();

    section("Managed accounts");
    let page = accounts.list().page_size(5).await?;
    println!(
        "{} managed accounts; the first {}:",
        page.meta.total_results,
        page.data.len()
    );
    println!("{:?}", emails(&page.data));
    let total = accounts
        .list()
        .page_size(250)
        .into_stream()
        .try_fold(0_usize, |n, _| async move { Ok(n + 1) })
        .await?;
    println!("{total} counted by paging through all of them");
    if let Some(first) = page.data.first() {
        let account = accounts.retrieve(first.id).await?;
        println!("retrieved the first one:\n{account:#?}");
    }
    let pool = accounts.allocatable_global_outbound_channels().await?;
    println!("channels: {pool:?}");

    section("Organization users");
    let users = client.organizations().users();
    let page = users.list().include_groups(true).page_size(5).await?;
    println!(
        "{} users; the first {}:",
        page.meta.total_results,
        page.data.len()
    );
    for user in &page.data {
        let status = show(user.user_status.as_ref());
        println!("  {:<40} {status}", show(user.email.as_deref()));
    }
    let report = users.groups_report().await?;
    let rows = users.groups_report_rows().await?;
    println!(
        "groups report: {} users (JSON), {} rows (CSV)",
        report.len(),
        rows.len()
    );
    Ok(())
}

/// Shows which `filter[status][eq]` lists the account with this email.
async fn print_status(client: &Client, email: &str) -> Result<()> {
    for status in [
        ManagedAccountStatus::Enabled,
        ManagedAccountStatus::Disabled,
    ] {
        let page = client
            .managed_accounts()
            .list()
            .email_eq(email)
            .status(status)
            .await?;
        println!(
            "  filter[status][eq]={:<8} -> {} match(es)",
            status.as_str(),
            page.meta.total_results
        );
    }
    Ok(())
}

fn emails(accounts: &[telnyx_accounts::ManagedAccountListing]) -> Vec<&str> {
    accounts.iter().map(|a| a.email.as_str()).collect()
}

/// An optional value for people: the value itself, or `-`.
fn show<T: std::fmt::Display>(value: Option<T>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| v.to_string())
}

fn section(title: &str) {
    println!("\n== {title}");
}
