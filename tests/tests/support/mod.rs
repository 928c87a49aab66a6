//! What several suites share: where this checkout is, and the vendored
//! official spec. Each suite uses part of it.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::OnceLock;

use serde_json::Value;

/// This package's directory, found at run time: `CARGO_MANIFEST_DIR` as
/// cargo sets it when it runs the tests, else the working directory (cargo
/// runs tests in the package's directory). Never the path compiled in: a
/// test binary reused from a build in another checkout, as after CI's
/// fresh clone shares the target directory, must read this checkout, not
/// the one it was compiled in (`.ci/run` checks that no test uses
/// `env!("CARGO_MANIFEST_DIR")`).
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
