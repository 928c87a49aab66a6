//! What the benchmarks share: the mock server they run against, and the
//! bare-`reqwest` baselines ("the floor") that the client is compared with.
//!
//! # Where the mock runs
//!
//! In a separate process when it can: the `telnyx-accounts-mock` program
//! (`TELNYX_MOCK_BIN`, or `target/release/telnyx-accounts-mock` next to the
//! bench executable; `bash bench/run.sh` builds it first). The server then
//! has its own runtime, allocator and threads, and its CPU time is not
//! accounted to the client's process. When the program is not there, the
//! embedded `MockServer` is started on a runtime of its own (its own
//! threads) instead, and a note says so. Either way client and baseline
//! talk to the same server in the same run, so their ratio is comparable.

#![allow(dead_code)] // each bench uses part of this

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use chrono::{DateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

/// The key the benchmark mock accepts.
pub const API_KEY: &str = "bench-key";
/// Accounts seeded for the walks: 200 pages of 250.
pub const ACCOUNTS: usize = 50_000;
/// The largest page Telnyx serves.
pub const PAGE_SIZE: u32 = 250;

/// A running mock: a child process, or an embedded server on its own runtime.
pub struct Mock {
    pub base_url: String,
    child: Option<Child>,
    _embedded: Option<(tokio::runtime::Runtime, telnyx_accounts_mock::MockServer)>,
    pub kind: &'static str,
}

impl Drop for Mock {
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn mock_program() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("TELNYX_MOCK_BIN") {
        return Some(PathBuf::from(p));
    }
    // target/release/deps/<bench> -> target/release/telnyx-accounts-mock
    let exe = std::env::current_exe().ok()?;
    let candidate = exe.parent()?.parent()?.join("telnyx-accounts-mock");
    candidate.is_file().then_some(candidate)
}

/// Starts the mock with `accounts` managed accounts.
pub fn start_mock(accounts: usize) -> Mock {
    if std::env::var_os("TELNYX_BENCH_EMBEDDED_MOCK").is_none() {
        if let Some(program) = mock_program() {
            let mut child = Command::new(&program)
                .args(["--port", "0", "--api-key", API_KEY, "--users", "200"])
                .args(["--accounts", &accounts.to_string()])
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}", program.display()));
            let stdout = child.stdout.take().expect("piped stdout");
            let mut line = String::new();
            BufReader::new(stdout)
                .read_line(&mut line)
                .expect("mock prints its base URL");
            let base_url = line.trim().to_owned();
            assert!(base_url.starts_with("http://"), "mock said {line:?}");
            return Mock {
                base_url,
                child: Some(child),
                _embedded: None,
                kind: "separate process",
            };
        }
        eprintln!(
            "note: telnyx-accounts-mock program not found (build it with `cargo build --release -p telnyx-accounts-mock`); using the embedded mock on its own runtime"
        );
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("mock")
        .enable_all()
        .build()
        .expect("mock runtime");
    let server = rt.block_on(
        telnyx_accounts_mock::MockServer::builder()
            .api_key(API_KEY)
            .accounts(accounts)
            .users(200)
            .start(),
    );
    Mock {
        base_url: server.base_url(),
        child: None,
        _embedded: Some((rt, server)),
        kind: "embedded, own runtime",
    }
}

/// The client under test, with its defaults.
pub fn client(base_url: &str) -> telnyx_accounts::Client {
    telnyx_accounts::Client::builder()
        .api_key(API_KEY)
        .base_url(base_url)
        .build()
        .expect("client")
}

/// The floor: a plain `reqwest::Client` with its defaults.
pub fn bare_client() -> reqwest::Client {
    reqwest::Client::builder().build().expect("reqwest client")
}

// -- plain structs, the same field types as the client's models -------------

#[derive(Deserialize)]
pub struct One<T> {
    pub data: T,
}

#[derive(Deserialize)]
pub struct List<T> {
    pub data: Vec<T>,
    pub meta: Meta,
}

#[derive(Deserialize)]
pub struct Meta {
    pub page_number: u64,
    pub total_pages: u64,
}

#[derive(Deserialize)]
pub struct PlainAccount {
    pub id: Uuid,
    pub record_type: String,
    pub email: String,
    pub api_key: String,
    pub api_token: String,
    pub api_user: String,
    pub balance: Option<PlainBalance>,
    pub manager_account_id: String,
    pub organization_name: Option<String>,
    pub managed_account_allow_custom_pricing: Option<bool>,
    pub rollup_billing: Option<bool>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Deserialize)]
pub struct PlainBalance {
    pub available_credit: Option<String>,
    pub balance: Option<String>,
    pub credit_limit: Option<String>,
    pub currency: Option<String>,
    pub record_type: Option<String>,
}

#[derive(Deserialize)]
pub struct PlainListing {
    pub id: Uuid,
    pub record_type: String,
    pub email: String,
    pub api_user: String,
    pub manager_account_id: String,
    pub organization_name: Option<String>,
    pub managed_account_allow_custom_pricing: Option<bool>,
    pub rollup_billing: Option<bool>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The floor for `retrieve`: one GET, the body decoded into a plain struct.
pub async fn bare_retrieve(http: &reqwest::Client, base_url: &str, id: &str) -> PlainAccount {
    let resp = http
        .get(format!("{base_url}/managed_accounts/{id}"))
        .bearer_auth(API_KEY)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .expect("send");
    assert!(resp.status().is_success(), "status {}", resp.status());
    let body = resp.bytes().await.expect("body");
    serde_json::from_slice::<One<PlainAccount>>(&body)
        .expect("decode")
        .data
}

/// The floor for a walk: a sequential loop over every page; `per_page`
/// runs on each page before the next is requested.
pub async fn bare_walk<F, Fut>(http: &reqwest::Client, base_url: &str, mut per_page: F) -> usize
where
    F: FnMut(&[PlainListing]) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut count = 0;
    let mut page = 1u64;
    loop {
        let page_param = page.to_string();
        let size_param = PAGE_SIZE.to_string();
        let resp = http
            .get(format!("{base_url}/managed_accounts"))
            .bearer_auth(API_KEY)
            .header(reqwest::header::ACCEPT, "application/json")
            .query(&[
                ("include_cancelled_accounts", "true"),
                ("page[number]", page_param.as_str()),
                ("page[size]", size_param.as_str()),
            ])
            .send()
            .await
            .expect("send");
        assert!(resp.status().is_success(), "status {}", resp.status());
        let body = resp.bytes().await.expect("body");
        let list: List<PlainListing> = serde_json::from_slice(&body).expect("decode");
        count += list.data.len();
        per_page(&list.data).await;
        if list.data.is_empty() || list.meta.page_number >= list.meta.total_pages {
            return count;
        }
        page = list.meta.page_number + 1;
    }
}

/// Some ids of accounts that exist.
pub async fn some_ids(client: &telnyx_accounts::Client, n: u32) -> Vec<String> {
    let page = client
        .managed_accounts()
        .list()
        .page_size(n)
        .await
        .expect("list");
    page.data.iter().map(|a| a.id.to_string()).collect()
}

/// A fixed amount of CPU work per item (about a microsecond), that the
/// optimiser cannot remove.
pub fn item_work(email: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for _ in 0..8 {
        for b in email.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    std::hint::black_box(h)
}
