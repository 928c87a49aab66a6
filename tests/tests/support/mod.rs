//! What several suites share: where this checkout is, and the vendored
//! official spec. Each suite uses part of it.
#![allow(dead_code)]

use std::future::Future;
use std::path::PathBuf;
use std::sync::OnceLock;

use serde_json::Value;
use std::time::Duration;

use telnyx_accounts::{ApiError, Client, ClientBuilder, Error, RetryPolicy};
use telnyx_accounts_mock::{Fault, FaultRule, MockServer};

/// This package's directory, found at run time: `CARGO_MANIFEST_DIR` as
/// cargo sets it when it runs the tests, else the working directory (cargo
/// runs tests in the package's directory). Never the path compiled in: a
/// test binary reused from a build in another checkout, as after CI's
/// fresh clone shares the target directory, must read this checkout, not
/// the one it was compiled in (`.ci/run` checks that no test reads the
/// manifest directory through `env!`, at compile time).
pub fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_default()
}

/// The repository's vendored copy of Telnyx's official spec, which
/// `cargo xtask regen --check` keeps identical to what the fragment was
/// derived from.
pub fn official_spec_path() -> PathBuf {
    manifest_dir().join("../openapi/upstream/telnyx-accounts.official.openapi.json")
}

/// The official spec, read once. The suites that check against it must not
/// pass without it.
pub fn official_spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = official_spec_path();
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "the official spec is missing: cannot read {} ({e})",
                path.display()
            )
        });
        serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("the official spec at {} is not JSON: {e}", path.display()))
    })
}

/// `value`, or what its `$ref` points to in the official spec (followed
/// until it is not a reference).
pub fn resolve(value: &'static Value) -> &'static Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(r) => resolve(
            official_spec()
                .pointer(r.trim_start_matches('#'))
                .unwrap_or_else(|| panic!("no {r} in the spec")),
        ),
        None => value,
    }
}

/// Every operation of the official spec with a JSON 200 response: its
/// `operationId` and that response's `application/json` media object (its
/// `schema`, `example`, `examples`).
pub fn json_200s() -> Vec<(String, &'static Value)> {
    let mut out = Vec::new();
    for item in official_spec()["paths"]
        .as_object()
        .expect("paths")
        .values()
    {
        for op in item.as_object().expect("path item").values() {
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let content = &resolve(&op["responses"]["200"])["content"]["application/json"];
            if content.is_object() {
                out.push((id.to_owned(), content));
            }
        }
    }
    out
}

/// A file under `tests/fixtures/`, found at run time (see [`manifest_dir`]).
pub fn fixture_path(relative: &str) -> PathBuf {
    manifest_dir().join("fixtures").join(relative)
}

/// A loopback port nothing listens on (bound, then released), for a
/// connection that is refused at once.
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// The mock's own JSON for `path` (then the log is cleared, so counts start at 0).
pub async fn raw_json(mock: &telnyx_accounts_mock::MockServer, path: &str) -> Value {
    let value = reqwest::Client::new()
        .get(format!("{}{path}", mock.base_url()))
        .bearer_auth(mock.api_key())
        .send()
        .await
        .expect("raw request")
        .json()
        .await
        .expect("raw JSON");
    mock.clear_requests();
    value
}

/// The id of an enabled seeded account.
pub fn enabled_id(mock: &telnyx_accounts_mock::MockServer) -> String {
    mock.accounts()
        .into_iter()
        .find(|a| a.status == telnyx_accounts_mock::AccountStatus::Enabled)
        .expect("an enabled account")
        .id
        .to_string()
}

/// A client of `mock` with its API key: the builder, for tests to add to.
pub fn builder(mock: &MockServer) -> ClientBuilder {
    Client::builder()
        .api_key(mock.api_key())
        .base_url(mock.base_url())
}

/// A client of `mock` with its API key and the default settings.
pub fn client(mock: &MockServer) -> Client {
    builder(mock).build().expect("client")
}

/// How many requests for `op` (an `operationId`) the mock saw.
pub fn seen(mock: &MockServer, op: &str) -> usize {
    mock.requests()
        .iter()
        .filter(|r| r.operation_id == Some(op))
        .count()
}

/// A fast policy for tests that retry but do not test the default
/// backoff: `retries` retries, 10 ms apart.
pub fn quick(retries: u32) -> RetryPolicy {
    RetryPolicy::default()
        .max_retries(retries)
        .initial_backoff(Duration::from_millis(10))
        .max_backoff(Duration::from_millis(10))
}

/// The API error of `r`; any other outcome fails the test.
pub fn api_error<T: std::fmt::Debug>(r: Result<T, Error>) -> Box<ApiError> {
    match r {
        Err(Error::Api(e)) => e,
        other => panic!("expected an API error, got {other:?}"),
    }
}

/// A runtime, a mock and a client of it that does not retry, for tests
/// that serve many bodies one at a time from synchronous code (property
/// tests).
pub struct Bench {
    pub rt: tokio::runtime::Runtime,
    pub mock: MockServer,
    pub client: Client,
}

impl Bench {
    pub fn new() -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let mock = rt.block_on(MockServer::start());
        let client = builder(&mock).max_retries(0).build().expect("client");
        Bench { rt, mock, client }
    }

    /// Serves `fault` once as `op_id`'s response, runs `call` with the
    /// client, and checks that the call got it.
    pub fn serve<F: Future>(
        &self,
        op_id: &str,
        fault: Fault,
        call: impl FnOnce(&Client) -> F,
    ) -> F::Output {
        self.mock
            .inject(FaultRule::new(fault).operation(op_id).times(1));
        let result = self.rt.block_on(call(&self.client));
        assert_eq!(
            self.mock.pending_faults(),
            0,
            "{op_id}: the body was not served"
        );
        result
    }
}

/// Reads one HTTP/1.1 request from `stream`, for tests that play a server
/// by hand: its head, lowercased; the raw bytes (the head, then the body its
/// `content-length` announces, or what arrived of it); and where the body
/// starts. `None` if the connection ends before the head does.
pub async fn read_request(stream: &mut tokio::net::TcpStream) -> Option<(String, Vec<u8>, usize)> {
    use tokio::io::AsyncReadExt;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let body_len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + body_len {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    Some((head, buf, head_end))
}
