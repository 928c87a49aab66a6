use std::path::PathBuf;
use std::sync::OnceLock;

use reqwest::{Client, Method, RequestBuilder, Response};
use serde_json::Value;
use telnyx_accounts_mock::MockServer;

/// This package's directory, found at run time: `CARGO_MANIFEST_DIR` as
/// cargo sets it when it runs the tests, else the working directory (cargo
/// runs tests in the package's directory). Never the path compiled in: a
/// test binary reused from a build in another checkout (CI's fresh clone
/// shares the target directory) must read this checkout's files.
pub fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_default()
}

pub fn client() -> Client {
    Client::builder().no_proxy().build().expect("client")
}

/// A request to `path` (under `/v2`) with the mock's bearer key.
pub fn req(mock: &MockServer, method: Method, path: &str) -> RequestBuilder {
    client()
        .request(method, format!("{}{}", mock.base_url(), path))
        .bearer_auth(mock.api_key())
}

pub async fn get(mock: &MockServer, path: &str) -> (u16, Value) {
    send(req(mock, Method::GET, path)).await
}

pub async fn send(rb: RequestBuilder) -> (u16, Value) {
    let resp = rb.send().await.expect("send");
    into_json(resp).await
}

pub async fn into_json(resp: Response) -> (u16, Value) {
    let status = resp.status().as_u16();
    let rid = resp
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let rid = rid.expect("every response has x-request-id");
    assert!(uuid_like(&rid), "x-request-id {rid}");
    let bytes = resp.bytes().await.expect("body");
    let value = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&bytes)));
    (status, value)
}

pub fn uuid_like(s: &str) -> bool {
    s.len() == 36 && s.chars().filter(|c| *c == '-').count() == 4
}

fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        // The repository's vendored copy of the official spec, which
        // `cargo xtask regen --check` keeps identical to what the fragment
        // was derived from.
        let path = manifest_dir().join("../openapi/upstream/telnyx-accounts.official.openapi.json");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "cannot read the vendored official spec at {}: {e}",
                path.display()
            )
        });
        serde_json::from_str(&text).expect("spec")
    })
}

fn escape(s: &str) -> String {
    s.replace('~', "~0")
        .replace('/', "~1")
        .replace('{', "%7B")
        .replace('}', "%7D")
}

/// Validates `body` against the spec's response schema for (path, method,
/// status). A response the spec declares without a body is still checked:
/// an error (4xx, 5xx) against the spec's `ErrorResponse`, the envelope
/// Telnyx sends with every error and the spec gives its other error
/// responses; anything else must have no body (`Value::Null`).
pub fn validate_response(path: &str, method: &str, status: u16, body: &Value) {
    let spec = spec();
    let responses = &spec["paths"][path][method]["responses"];
    let mut pointer = format!("#/paths/{}/{}/responses/{}", escape(path), method, status);
    let mut resp = &responses[status.to_string()];
    if let Some(r) = resp.get("$ref").and_then(Value::as_str) {
        pointer = r.to_owned();
        let name = r.rsplit('/').next().expect("ref");
        resp = &spec["components"]["responses"][name];
    }
    assert!(
        resp.is_object(),
        "spec declares no {status} for {method} {path}"
    );
    let schema = if resp.get("content").is_some() {
        format!("{pointer}/content/application~1json/schema")
    } else if status >= 400 {
        "#/components/schemas/ErrorResponse".to_owned()
    } else {
        assert!(
            body.is_null(),
            "{method} {path} {status}: the spec declares no body, got {body:#}"
        );
        return;
    };
    let mut root = spec.clone();
    root["$ref"] = Value::String(schema);
    let validator = jsonschema::validator_for(&root).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(body)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{method} {path} {status} does not match the spec: {errors:#?}\n{body:#}"
    );
}

pub fn error_item(body: &Value) -> &Value {
    &body["errors"][0]
}

pub fn ids(body: &Value) -> Vec<String> {
    body["data"]
        .as_array()
        .expect("data array")
        .iter()
        .map(|a| a["id"].as_str().expect("id").to_owned())
        .collect()
}
