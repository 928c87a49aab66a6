//! Contract tests against Telnyx's official OpenAPI 3.1 spec
//! (the vendored copy, `openapi/upstream/telnyx-accounts.official.openapi.json`).
//!
//! (a) Every request `telnyx_accounts::Client` sends, for every one of the
//!     twelve operations and every parameter value the client can express,
//!     is read back from the mock's request log and checked against the
//!     operation in the official spec: method and path template, each query
//!     key declared (deepObject `filter`/`page` expanded to bracketed keys),
//!     each value valid for its schema, the JSON body valid for the
//!     requestBody schema, `Authorization: Bearer`.
//! (b) Every response the mock sends for those requests (replayed with plain
//!     reqwest to see the raw body), and the declared error responses,
//!     validate against the official response schema for that operation,
//!     status and content type.
//!
//! Schemas are checked with the `jsonschema` crate (draft 2020-12, which is
//! what OpenAPI 3.1 schemas are), with the whole spec as the root document so
//! that `#/components/...` references resolve.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::future::IntoFuture;
use std::sync::{Arc, Mutex, OnceLock};

use jsonschema::{Draft, Validator};
use serde_json::{json, Value};
use telnyx_accounts::{Client, Error, ManagedAccountSort, ManagedAccountStatus, UserStatus};
use telnyx_accounts_mock::{AccountStatus, MockServer, RecordedRequest};

use crate::support;

// ---------------------------------------------------------------------------
// The spec

fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = support::official_spec_path();
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "the official spec is missing: cannot read {} ({e}). \
                 The contract suite checks the client and the mock against it and \
                 must not pass without it.",
                path.display()
            )
        });
        let spec: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("the official spec at {} is not JSON: {e}", path.display()));
        assert!(
            spec["openapi"]
                .as_str()
                .is_some_and(|v| v.starts_with("3.1")),
            "expected an OpenAPI 3.1 document at {}",
            path.display()
        );
        spec
    })
}

/// Escapes a JSON pointer token for use in a URI fragment.
fn esc(token: &str) -> String {
    token
        .replace('~', "~0")
        .replace('/', "~1")
        .replace('{', "%7B")
        .replace('}', "%7D")
}

/// The value at a `#/...` reference.
fn at(pointer: &str) -> &'static Value {
    let raw = pointer.trim_start_matches('#');
    let raw = raw.replace("%7B", "{").replace("%7D", "}");
    spec()
        .pointer(&raw)
        .unwrap_or_else(|| panic!("no {pointer} in the spec"))
}

/// Follows a `$ref` (if any): the target and its location.
fn resolve(value: &'static Value, location: String) -> (&'static Value, String) {
    match value.get("$ref").and_then(Value::as_str) {
        Some(r) => resolve(at(r), r.to_owned()),
        None => (value, location),
    }
}

/// A validator for the schema at `pointer`, with the whole spec as the root
/// document so that every `#/components/...` reference resolves. Formats
/// (`uuid`, `email`, `uri`, ...) are asserted, not just annotated.
fn validator(pointer: &str) -> Arc<Validator> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<Validator>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(v) = cache.lock().unwrap().get(pointer) {
        return Arc::clone(v);
    }
    let mut root = spec().clone();
    root["$ref"] = Value::String(pointer.to_owned());
    let v = Arc::new(
        jsonschema::options()
            .with_draft(Draft::Draft202012)
            .should_validate_formats(true)
            .build(&root)
            .unwrap_or_else(|e| panic!("schema {pointer} does not compile: {e}")),
    );
    cache
        .lock()
        .unwrap()
        .insert(pointer.to_owned(), Arc::clone(&v));
    v
}

fn schema_errors(pointer: &str, instance: &Value) -> Vec<String> {
    validator(pointer)
        .iter_errors(instance)
        .map(|e| format!("{e} at `{}` (schema {pointer})", e.instance_path()))
        .collect()
}

/// One operation of the spec.
struct OpSpec {
    id: String,
    method: String,
    template: String,
    /// `#/paths/<template>/<method>`
    location: String,
    op: &'static Value,
}

fn operations() -> Vec<OpSpec> {
    let mut out = Vec::new();
    for (path, item) in spec()["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                out.push(OpSpec {
                    id: id.to_owned(),
                    method: method.to_ascii_uppercase(),
                    template: path.clone(),
                    location: format!("#/paths/{}/{}", esc(path), method),
                    op,
                });
            }
        }
    }
    out
}

fn operation(id: &str) -> OpSpec {
    operations()
        .into_iter()
        .find(|o| o.id == id)
        .unwrap_or_else(|| panic!("the spec has no operation {id}"))
}

/// A parameter after `$ref` resolution, with its location.
struct Param {
    value: &'static Value,
    location: String,
}

fn params(op: &OpSpec) -> Vec<Param> {
    let mut out = Vec::new();
    let item = &spec()["paths"][&op.template];
    let sources = [
        (
            item.get("parameters"),
            format!("#/paths/{}/parameters", esc(&op.template)),
        ),
        (
            op.op.get("parameters"),
            format!("{}/parameters", op.location),
        ),
    ];
    for (list, base) in sources {
        for (i, p) in list
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let (value, location) = resolve(p, format!("{base}/{i}"));
            out.push(Param { value, location });
        }
    }
    out
}

/// A query key as it appears on the wire, and the schema of its value.
#[derive(Debug, Clone)]
struct QueryKey {
    schema: &'static Value,
    schema_location: String,
    /// The description of the top-level parameter.
    description: String,
    required: bool,
}

/// Every query key an operation declares. `deepObject` parameters expand to
/// bracketed keys following their object schema, nested as deep as it goes:
/// `filter[email][contains]`, `page[number]`.
fn query_keys(op: &OpSpec) -> BTreeMap<String, QueryKey> {
    fn expand(
        key: String,
        schema: &'static Value,
        location: String,
        base: &QueryKey,
        out: &mut BTreeMap<String, QueryKey>,
    ) {
        let (schema, location) = resolve(schema, location);
        match schema.get("properties").and_then(Value::as_object) {
            Some(props) if schema["type"] == "object" => {
                for (name, sub) in props {
                    expand(
                        format!("{key}[{name}]"),
                        sub,
                        format!("{location}/properties/{}", esc(name)),
                        base,
                        out,
                    );
                }
            }
            _ => {
                out.insert(
                    key,
                    QueryKey {
                        schema,
                        schema_location: location,
                        required: false,
                        ..base.clone()
                    },
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    for p in params(op) {
        if p.value["in"] != "query" {
            continue;
        }
        let name = p.value["name"].as_str().expect("parameter name").to_owned();
        let base = QueryKey {
            schema: &p.value["schema"],
            schema_location: format!("{}/schema", p.location),
            description: p.value["description"].as_str().unwrap_or("").to_owned(),
            required: p.value["required"] == true,
        };
        if p.value["style"] == "deepObject" {
            expand(
                name,
                &p.value["schema"],
                base.schema_location.clone(),
                &base,
                &mut out,
            );
        } else {
            out.insert(name, base);
        }
    }
    out
}

/// Whether a parameter's description documents the `-` prefix for
/// descending order (the official `sort` does: "To have the results sorted in
/// descending order add the <code> -</code> prefix", with `-email` as its
/// example), although its enum lists only the ascending values.
fn documents_descending_prefix(description: &str) -> bool {
    description.contains("-</code> prefix") && description.contains("descending order")
}

/// A query value as the JSON value its schema describes, or why it is not one.
fn typed_query_value(schema: &Value, raw: &str) -> Result<Value, String> {
    match schema["type"].as_str() {
        Some("integer") => raw
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| format!("{raw:?} is not an integer")),
        Some("number") => raw
            .parse::<f64>()
            .map(Value::from)
            .map_err(|_| format!("{raw:?} is not a number")),
        Some("boolean") => match raw {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(format!("{raw:?} is not `true` or `false`")),
        },
        Some("string") => Ok(Value::String(raw.to_owned())),
        other => Err(format!("unsupported query schema type {other:?}")),
    }
}

// ---------------------------------------------------------------------------
// The request checker

/// Checks one request (as the mock recorded it) against operation `op_id` of
/// the official spec. Returns every problem found.
fn check_request(op_id: &str, req: &RecordedRequest) -> Result<(), Vec<String>> {
    let op = operation(op_id);
    let mut problems = Vec::new();

    // Method and path.
    if req.method.as_str() != op.method {
        problems.push(format!("method {} is not {}", req.method, op.method));
    }
    let path = req.api_path();
    let want: Vec<&str> = op.template.split('/').collect();
    let got: Vec<&str> = path.split('/').collect();
    let path_ok = want.len() == got.len()
        && want.iter().zip(&got).all(|(w, g)| {
            if w.starts_with('{') && w.ends_with('}') {
                !g.is_empty()
            } else {
                w == g
            }
        });
    if !path_ok {
        problems.push(format!("path {path} does not match {}", op.template));
    }
    if !req.path.starts_with("/v2/") {
        problems.push(format!("path {} is not under the server's /v2", req.path));
    }

    // Query.
    let keys = query_keys(&op);
    let mut seen = BTreeSet::new();
    for (key, raw) in &req.query_pairs {
        if !seen.insert(key.clone()) {
            problems.push(format!("query key {key} is sent more than once"));
        }
        let Some(decl) = keys.get(key) else {
            problems.push(format!(
                "query key {key:?} is not declared by {op_id} (declared: {:?})",
                keys.keys().collect::<Vec<_>>()
            ));
            continue;
        };
        // `sort`: the enum lists `created_at` and `email` only, but the
        // parameter's description documents the `-` prefix for descending
        // order (`-email`, and `-created_at` as the default): accept
        // `-<enum value>` exactly when the description says so.
        let candidate = match raw.strip_prefix('-') {
            Some(rest) if documents_descending_prefix(&decl.description) => rest,
            _ => raw.as_str(),
        };
        match typed_query_value(decl.schema, candidate) {
            Ok(value) => {
                for e in schema_errors(&decl.schema_location, &value) {
                    problems.push(format!("query {key}={raw:?}: {e}"));
                }
            }
            Err(e) => problems.push(format!("query {key}: {e}")),
        }
    }
    for (key, decl) in &keys {
        if decl.required && !seen.contains(key) {
            problems.push(format!("required query parameter {key} is missing"));
        }
    }
    if !req.query.is_empty() && req.query_pairs.is_empty() {
        problems.push(format!("query {:?} has no key=value pairs", req.query));
    }

    // Header parameters the operation declares (the report's `Accept`).
    for p in params(&op) {
        if p.value["in"] != "header" {
            continue;
        }
        let name = p.value["name"].as_str().expect("header name");
        match req.header(name) {
            Some(v) => {
                for e in schema_errors(&format!("{}/schema", p.location), &json!(v)) {
                    problems.push(format!("header {name}: {v:?}: {e}"));
                }
            }
            None if p.value["required"] == true => {
                problems.push(format!("required header {name} is missing"))
            }
            None => {}
        }
    }

    // Authentication: the spec's only scheme is HTTP bearer.
    let scheme = &spec()["components"]["securitySchemes"]["bearerAuth"];
    assert_eq!(scheme["scheme"], "bearer", "the spec's auth scheme changed");
    match req.header("authorization") {
        Some(v) if v.starts_with("Bearer ") && v.len() > "Bearer ".len() => {}
        Some(_) => problems.push("Authorization is not `Bearer <key>`".into()),
        None => problems.push("no Authorization header".into()),
    }

    // Body.
    match op.op.get("requestBody") {
        Some(rb) => {
            let (rb, location) = resolve(rb, format!("{}/requestBody", op.location));
            if req.body.is_empty() {
                if rb["required"] == true {
                    problems.push("the required JSON body is missing".into());
                }
            } else {
                let ct = req.header("content-type").unwrap_or("");
                if !ct.starts_with("application/json") {
                    problems.push(format!("content-type {ct:?} is not application/json"));
                }
                if rb["content"].get("application/json").is_none() {
                    problems.push("the operation takes no JSON body".into());
                }
                match serde_json::from_slice::<Value>(&req.body) {
                    Ok(body) => {
                        let pointer = format!("{location}/content/application~1json/schema");
                        for e in schema_errors(&pointer, &body) {
                            problems.push(format!("body: {e}"));
                        }
                    }
                    Err(e) => problems.push(format!("body is not JSON: {e}")),
                }
            }
        }
        None => {
            if !req.body.is_empty() {
                problems.push(format!(
                    "{op_id} declares no body but one was sent: {}",
                    String::from_utf8_lossy(&req.body)
                ));
            }
        }
    }

    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

// ---------------------------------------------------------------------------
// The response checker

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Checked {
    /// Validated against a declared schema.
    Schema,
    /// The status is declared, with no body schema (managed accounts'
    /// 401/403/404): nothing to validate.
    DeclaredWithoutBody,
}

/// Checks a raw response against operation `op_id`: the status must be
/// declared, the content type one the status declares, and the body valid
/// for that media type's schema.
fn check_response(
    op_id: &str,
    status: u16,
    content_type: &str,
    body: &[u8],
) -> Result<Checked, Vec<String>> {
    let op = operation(op_id);
    let code = status.to_string();
    let Some(declared) = op.op["responses"].get(&code) else {
        return Err(vec![format!("{op_id} declares no {status} response")]);
    };
    let (resp, location) = resolve(declared, format!("{}/responses/{code}", op.location));
    let Some(content) = resp.get("content").and_then(Value::as_object) else {
        return Ok(Checked::DeclaredWithoutBody);
    };
    let media = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if !content.contains_key(&media) {
        return Err(vec![format!(
            "{op_id} {status}: content type {content_type:?} is not one of {:?}",
            content.keys().collect::<Vec<_>>()
        )]);
    }
    let pointer = format!("{location}/content/{}/schema", esc(&media));
    let instance = if media == "application/json" {
        match serde_json::from_slice::<Value>(body) {
            Ok(v) => v,
            Err(e) => return Err(vec![format!("{op_id} {status}: body is not JSON: {e}")]),
        }
    } else {
        match std::str::from_utf8(body) {
            Ok(s) => Value::String(s.to_owned()),
            Err(e) => return Err(vec![format!("{op_id} {status}: body is not UTF-8: {e}")]),
        }
    };
    let errors = schema_errors(&pointer, &instance);
    if errors.is_empty() {
        Ok(Checked::Schema)
    } else {
        Err(errors
            .into_iter()
            .map(|e| format!("{op_id} {status}: {e}\nbody: {instance:#}"))
            .collect())
    }
}

/// The CSV columns the spec documents for the groups report: from the
/// schema's description ("Columns: id, email, ...") and its example's header
/// row, which must agree.
fn documented_csv_columns() -> Vec<String> {
    let op = operation("GetOrganizationUsersGroupsReport");
    let csv = &op.op["responses"]["200"]["content"]["text/csv"];
    let description = csv["schema"]["description"].as_str().expect("description");
    let listed = description
        .split("Columns:")
        .nth(1)
        .expect("the CSV description lists its columns");
    let from_description: Vec<String> = listed
        .split(", ")
        .map(|c| c.trim().split([' ', '.']).next().unwrap_or("").to_owned())
        .collect();
    let example = csv["example"].as_str().expect("CSV example");
    let from_example: Vec<String> = example
        .lines()
        .next()
        .expect("header row")
        .split(',')
        .map(str::to_owned)
        .collect();
    assert_eq!(
        from_description, from_example,
        "the spec disagrees with itself"
    );
    from_example
}

fn assert_csv_header(text: &str) {
    let header: Vec<&str> = text.lines().next().unwrap_or("").split(',').collect();
    assert_eq!(
        header,
        documented_csv_columns(),
        "CSV header row differs from the documented columns"
    );
}

// ---------------------------------------------------------------------------
// The harness: drive the client, check what it sent, replay it raw, check
// what came back.

#[derive(Default)]
struct Tally {
    /// (operation, parameter, value) triples sent by the client and found valid.
    covered: BTreeSet<(String, String, String)>,
    requests_checked: usize,
    /// (operation, status) -> responses validated against a schema.
    validated: BTreeMap<(String, u16), usize>,
    declared_without_body: usize,
}

impl Tally {
    fn responses_validated(&self) -> usize {
        self.validated.values().sum()
    }

    fn report(&self, what: &str) {
        let ops: BTreeSet<&String> = self.covered.iter().map(|(o, _, _)| o).collect();
        println!(
            "contract[{what}]: {} operations x {} (parameter, value) combinations covered; \
             {} requests checked; {} responses validated against a schema \
             ({} operation/status pairs); {} declared bodiless statuses seen",
            ops.len(),
            self.covered.len(),
            self.requests_checked,
            self.responses_validated(),
            self.validated.len(),
            self.declared_without_body,
        );
        for ((op, status), n) in &self.validated {
            println!("  {op} {status}: {n} response(s) validated");
        }
    }
}

struct Harness {
    mock: MockServer,
    client: Client,
    http: reqwest::Client,
    tally: Tally,
}

impl Harness {
    async fn start() -> Self {
        let mock = MockServer::start().await;
        let client = Client::builder()
            .api_key(mock.api_key())
            .base_url(mock.base_url())
            .max_retries(0)
            .build()
            .expect("client");
        let http = reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("reqwest");
        Harness {
            mock,
            client,
            http,
            tally: Tally::default(),
        }
    }

    /// Records what a checked request covered.
    fn cover(&mut self, op_id: &str, req: &RecordedRequest) {
        for (k, v) in &req.query_pairs {
            self.tally
                .covered
                .insert((op_id.into(), format!("query {k}"), v.clone()));
        }
        if let Some(Value::Object(body)) = req.json() {
            let fields: Vec<&str> = body.keys().map(String::as_str).collect();
            self.tally
                .covered
                .insert((op_id.into(), "body fields".into(), format!("{fields:?}")));
            for (k, v) in body {
                // Passwords are values, not coverage: keep them out of the output.
                let v = if k == "password" {
                    "<set>".into()
                } else {
                    v.to_string()
                };
                self.tally
                    .covered
                    .insert((op_id.into(), format!("body {k}"), v));
            }
        }
        if let Some(a) = req.header("accept").filter(|_| op_id.contains("Report")) {
            self.tally
                .covered
                .insert((op_id.into(), "header Accept".into(), a.to_owned()));
        }
        self.tally
            .covered
            .insert((op_id.into(), "call".into(), String::new()));
    }

    /// Runs a client call; every request it sent must be valid for `op_id`,
    /// and every response to those requests (replayed raw) valid too.
    async fn run<T, F>(&mut self, op_id: &str, call: F) -> Result<T, Error>
    where
        F: IntoFuture<Output = Result<T, Error>>,
    {
        self.mock.clear_requests();
        let result = call.await;
        let sent = self.mock.requests();
        assert!(!sent.is_empty(), "{op_id}: the client sent nothing");
        for req in &sent {
            if let Err(problems) = check_request(op_id, req) {
                panic!(
                    "{op_id}: the client sent a request the official spec does not allow:\n  {}\n{req:#?}",
                    problems.join("\n  ")
                );
            }
            self.tally.requests_checked += 1;
            self.cover(op_id, req);
        }
        for req in &sent {
            let (status, ct, body) = self.replay(req).await;
            self.check(op_id, status, &ct, &body);
            if op_id == "GetOrganizationUsersGroupsReport" && ct.starts_with("text/csv") {
                assert_csv_header(std::str::from_utf8(&body).expect("utf-8 CSV"));
            }
        }
        self.mock.clear_requests();
        result
    }

    async fn ok<T, F>(&mut self, op_id: &str, call: F) -> T
    where
        F: IntoFuture<Output = Result<T, Error>>,
    {
        match self.run(op_id, call).await {
            Ok(v) => v,
            Err(e) => panic!("{op_id}: expected success, got {e}"),
        }
    }

    /// Sends a recorded request again with plain reqwest: the raw response.
    async fn replay(&self, req: &RecordedRequest) -> (u16, String, bytes::Bytes) {
        let mut url = format!("http://{}{}", self.mock.addr(), req.path);
        if !req.query.is_empty() {
            url.push('?');
            url.push_str(&req.query);
        }
        let mut rb = self.http.request(req.method.clone(), url);
        for name in ["authorization", "accept", "content-type"] {
            if let Some(v) = req.headers.get(name) {
                rb = rb.header(name, v.clone());
            }
        }
        if !req.body.is_empty() {
            rb = rb.body(req.body.clone());
        }
        self.raw(rb).await
    }

    async fn raw(&self, rb: reqwest::RequestBuilder) -> (u16, String, bytes::Bytes) {
        let resp = rb.send().await.expect("raw request");
        let status = resp.status().as_u16();
        let ct = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let body = resp.bytes().await.expect("raw body");
        (status, ct, body)
    }

    /// Validates one raw response and counts it.
    fn check(&mut self, op_id: &str, status: u16, ct: &str, body: &[u8]) -> Checked {
        match check_response(op_id, status, ct, body) {
            Ok(Checked::Schema) => {
                *self
                    .tally
                    .validated
                    .entry((op_id.to_owned(), status))
                    .or_default() += 1;
                Checked::Schema
            }
            Ok(Checked::DeclaredWithoutBody) => {
                self.tally.declared_without_body += 1;
                Checked::DeclaredWithoutBody
            }
            Err(problems) => panic!(
                "the mock's {status} response to {op_id} does not match the official spec:\n  {}",
                problems.join("\n  ")
            ),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.mock.base_url(), path)
    }

    fn raw_req(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, self.url(path))
            .bearer_auth(self.mock.api_key())
    }

    /// A raw request expected to answer `status`, validated for `op_id`.
    async fn expect_raw(
        &mut self,
        op_id: &str,
        rb: reqwest::RequestBuilder,
        status: u16,
    ) -> Checked {
        let (got, ct, body) = self.raw(rb).await;
        assert_eq!(
            got,
            status,
            "{op_id}: expected {status}, got {got}: {}",
            String::from_utf8_lossy(&body)
        );
        self.check(op_id, got, &ct, &body)
    }
}

fn account_with(mock: &MockServer, status: AccountStatus) -> String {
    mock.accounts()
        .into_iter()
        .find(|a| a.status == status)
        .unwrap_or_else(|| panic!("the mock seeds no {status:?} account"))
        .id
        .to_string()
}

fn assert_every_op_has_a_2xx(tally: &Tally, ops: &[&str]) {
    for op in ops {
        assert!(
            tally
                .validated
                .keys()
                .any(|(o, s)| o == op && (200..300).contains(s)),
            "no 2xx response of {op} was validated"
        );
    }
}

const ACCOUNT_OPS: [&str; 8] = [
    "ListManagedAccounts",
    "CreateManagedAccount",
    "ListAllocatableGlobalOutboundChannels",
    "RetrieveManagedAccount",
    "UpdateManagedAccount",
    "DisableManagedAccount",
    "EnableManagedAccount",
    "UpdateManagedAccountGlobalChannelLimit",
];

const USER_OPS: [&str; 4] = [
    "ListOrganizationUsers",
    "GetOrganizationUsersGroupsReport",
    "GetOrganizationUser",
    "DeleteOrganizationUser",
];

// ---------------------------------------------------------------------------
// Tests

#[test]
fn the_spec_is_present_and_declares_the_twelve_operations() {
    let mut ids: Vec<String> = operations().into_iter().map(|o| o.id).collect();
    ids.sort();
    let mut ours: Vec<&str> = ACCOUNT_OPS.iter().chain(&USER_OPS).copied().collect();
    ours.sort();
    assert_eq!(ids, ours);
    // The deepObject expansion yields exactly the keys every official SDK sends.
    let keys: Vec<String> = query_keys(&operation("ListManagedAccounts"))
        .into_keys()
        .collect();
    assert_eq!(
        keys,
        [
            "filter[email][contains]",
            "filter[email][eq]",
            "filter[organization_name][contains]",
            "filter[organization_name][eq]",
            "filter[status][eq]",
            "include_cancelled_accounts",
            "page[number]",
            "page[size]",
            "sort",
        ]
    );
    let keys: Vec<String> = query_keys(&operation("ListOrganizationUsers"))
        .into_keys()
        .collect();
    assert_eq!(
        keys,
        [
            "filter[email]",
            "filter[user_status]",
            "include_groups",
            "page[number]",
            "page[size]"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn managed_accounts_requests_and_responses_follow_the_official_spec() {
    let mut h = Harness::start().await;
    let accounts = h.mock.accounts();
    let first = accounts
        .iter()
        .find(|a| a.status == AccountStatus::Enabled)
        .expect("an enabled account")
        .clone();
    let ma = h.client.managed_accounts();

    // -- list: each parameter alone, at its bounds, then all together.
    let op = "ListManagedAccounts";
    h.ok(op, ma.list()).await;
    let local = first.email.split('@').next().unwrap().to_owned();
    h.ok(op, ma.list().email_contains(&local[..3])).await;
    h.ok(op, ma.list().email_eq(&first.email)).await;
    let org_part: String = first.organization_name.chars().take(4).collect();
    h.ok(op, ma.list().organization_name_contains(&org_part))
        .await;
    h.ok(op, ma.list().organization_name_eq(&first.organization_name))
        .await;
    for status in [
        ManagedAccountStatus::All,
        ManagedAccountStatus::Active,
        ManagedAccountStatus::Enabled,
        ManagedAccountStatus::Cancelled,
        ManagedAccountStatus::Disabled,
        ManagedAccountStatus::Blocked,
    ] {
        h.ok(op, ma.list().status(status)).await;
    }
    for sort in [
        ManagedAccountSort::CreatedAt,
        ManagedAccountSort::CreatedAtDesc,
        ManagedAccountSort::Email,
        ManagedAccountSort::EmailDesc,
    ] {
        h.ok(op, ma.list().sort(sort)).await;
    }
    for include in [true, false] {
        h.ok(op, ma.list().include_cancelled_accounts(include))
            .await;
    }
    for n in [1, 2, 1000, u32::MAX] {
        h.ok(op, ma.list().page_number(n)).await;
    }
    for size in [1, 20, 250] {
        h.ok(op, ma.list().page_size(size)).await;
    }
    h.ok(
        op,
        ma.list()
            .email_contains("example")
            .email_eq(&first.email)
            .organization_name_contains(&org_part)
            .organization_name_eq(&first.organization_name)
            .status(ManagedAccountStatus::Enabled)
            .sort(ManagedAccountSort::EmailDesc)
            .include_cancelled_accounts(true)
            .page_number(1)
            .page_size(250),
    )
    .await;
    // Paging through a stream: every next-page request is checked too.
    let all = h
        .ok(
            op,
            ma.list()
                .status(ManagedAccountStatus::All)
                .sort(ManagedAccountSort::Email)
                .page_size(7)
                .prefetch(0)
                .collect_all(),
        )
        .await;
    assert_eq!(all.len(), accounts.len(), "the stream saw every account");

    // -- create: required field only, each optional field alone, all of them.
    let op = "CreateManagedAccount";
    let created = h.ok(op, ma.create("Contract Minimal Inc")).await;
    h.ok(
        op,
        ma.create("Contract Email Inc")
            .email("contract-email@example.com"),
    )
    .await;
    h.ok(
        op,
        ma.create("Contract Password Inc").password("s3cret!Pass"),
    )
    .await;
    for b in [true, false] {
        h.ok(
            op,
            ma.create(format!("Contract Pricing {b} Inc"))
                .managed_account_allow_custom_pricing(b),
        )
        .await;
        h.ok(
            op,
            ma.create(format!("Contract Rollup {b} Inc"))
                .rollup_billing(b),
        )
        .await;
    }
    let full = h
        .ok(
            op,
            ma.create("Contract Full Inc")
                .email("contract-full@example.com")
                .password("3jVjLq!tMuWKyWx4NN*CvhnB")
                .managed_account_allow_custom_pricing(true)
                .rollup_billing(false),
        )
        .await;
    // Bodies carry only the fields set.
    h.mock.clear_requests();
    ma.create("Contract Body Inc").await.expect("create");
    let body = h.mock.requests()[0].json().expect("JSON body");
    assert_eq!(body, json!({"business_name": "Contract Body Inc"}));
    h.mock.clear_requests();

    // -- allocatable channels.
    h.ok(
        "ListAllocatableGlobalOutboundChannels",
        ma.allocatable_global_outbound_channels(),
    )
    .await;

    // -- retrieve by Uuid, String and &str.
    let op = "RetrieveManagedAccount";
    h.ok(op, ma.retrieve(created.id)).await;
    h.ok(op, ma.retrieve(full.id.to_string())).await;
    h.ok(op, ma.retrieve(first.id.to_string().as_str())).await;

    // -- update: without and with the optional field.
    let op = "UpdateManagedAccount";
    h.ok(op, ma.update(created.id)).await;
    for b in [true, false] {
        h.ok(
            op,
            ma.update(created.id)
                .managed_account_allow_custom_pricing(b),
        )
        .await;
    }

    // -- disable, enable (without and with its optional body field).
    h.ok("DisableManagedAccount", ma.actions().disable(created.id))
        .await;
    let op = "EnableManagedAccount";
    h.ok(op, ma.actions().enable(created.id)).await;
    for b in [true, false] {
        h.ok("DisableManagedAccount", ma.actions().disable(created.id))
            .await;
        h.ok(
            op,
            ma.actions().enable(created.id).reenable_all_connections(b),
        )
        .await;
    }

    // -- channel limit: at its lower bound, a typical value, and without the
    // field (optional in the spec: the mock changes nothing and answers the
    // current limit).
    let op = "UpdateManagedAccountGlobalChannelLimit";
    for limit in [0, 7] {
        let l = h
            .ok(
                op,
                ma.update_global_channel_limit(created.id)
                    .channel_limit(limit),
            )
            .await;
        assert_eq!(l.channel_limit, Some(limit));
    }
    let unchanged = h.ok(op, ma.update_global_channel_limit(created.id)).await;
    assert_eq!(unchanged.channel_limit, Some(7));

    assert_every_op_has_a_2xx(&h.tally, &ACCOUNT_OPS);
    h.tally.report("managed accounts");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn organization_users_requests_and_responses_follow_the_official_spec() {
    let mut h = Harness::start().await;
    let users = h.mock.users();
    let sub = users
        .iter()
        .find(|u| !u.is_owner)
        .expect("a sub-user")
        .clone();
    let us = h.client.organizations().users();

    let op = "ListOrganizationUsers";
    h.ok(op, us.list()).await;
    h.ok(op, us.list().email(&sub.email)).await;
    h.ok(op, us.list().email(&sub.email[..2])).await;
    for status in [
        UserStatus::Enabled,
        UserStatus::Disabled,
        UserStatus::Blocked,
    ] {
        h.ok(op, us.list().user_status(status)).await;
    }
    for include in [true, false] {
        h.ok(op, us.list().include_groups(include)).await;
    }
    for n in [1, 2, 1000, u32::MAX] {
        h.ok(op, us.list().page_number(n)).await;
    }
    for size in [1, 250] {
        h.ok(op, us.list().page_size(size)).await;
    }
    h.ok(
        op,
        us.list()
            .email("example")
            .user_status(UserStatus::Enabled)
            .include_groups(true)
            .page_number(1)
            .page_size(250),
    )
    .await;
    let all = h
        .ok(
            op,
            us.list()
                .include_groups(true)
                .page_size(3)
                .prefetch(0)
                .collect_all(),
        )
        .await;
    assert_eq!(all.len(), users.len());

    let op = "GetOrganizationUsersGroupsReport";
    h.ok(op, us.groups_report()).await;
    let csv = h.ok(op, us.groups_report_csv()).await;
    assert_csv_header(&csv);
    h.ok(op, us.groups_report_rows()).await;

    let op = "GetOrganizationUser";
    h.ok(op, us.retrieve(sub.id.as_str())).await;
    for include in [true, false] {
        h.ok(op, us.retrieve(sub.id.clone()).include_groups(include))
            .await;
    }

    // Removing: the replayed request finds the user gone, a declared 404;
    // the 200 is validated on another user, removed raw.
    h.ok(
        "DeleteOrganizationUser",
        us.actions().remove(sub.id.as_str()),
    )
    .await;
    let other = users
        .iter()
        .find(|u| !u.is_owner && u.id != sub.id)
        .expect("a second sub-user");
    let rb = h.raw_req(
        reqwest::Method::POST,
        &format!("/organizations/users/{}/actions/remove", other.id),
    );
    h.expect_raw("DeleteOrganizationUser", rb, 200).await;

    assert_every_op_has_a_2xx(&h.tally, &USER_OPS);
    assert!(h
        .tally
        .validated
        .contains_key(&("DeleteOrganizationUser".into(), 404)));
    h.tally.report("organization users");
}

/// The error responses the spec declares with a schema, and the bodiless
/// ones it declares for managed accounts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declared_error_responses_follow_the_official_spec() {
    use reqwest::Method;
    let mut h = Harness::start().await;
    let sub = h
        .mock
        .users()
        .into_iter()
        .find(|u| !u.is_owner)
        .expect("sub-user");
    let owner = h
        .mock
        .users()
        .into_iter()
        .find(|u| u.is_owner)
        .expect("owner");
    // A fresh request (raw_req would add the right key first).
    let http = h.http.clone();
    let base = h.mock.base_url();
    let wrong_key = move |method: Method, path: &str| {
        http.request(method, format!("{base}{path}"))
            .bearer_auth("not-the-key")
    };

    // 401 of the users operations (JSON, also when CSV was asked for).
    let unauthorized = [
        (
            "ListOrganizationUsers",
            Method::GET,
            "/organizations/users".to_owned(),
            None,
        ),
        (
            "GetOrganizationUsersGroupsReport",
            Method::GET,
            "/organizations/users/users_groups_report".into(),
            None,
        ),
        (
            "GetOrganizationUsersGroupsReport",
            Method::GET,
            "/organizations/users/users_groups_report".into(),
            Some("text/csv"),
        ),
        (
            "GetOrganizationUser",
            Method::GET,
            format!("/organizations/users/{}", sub.id),
            None,
        ),
        (
            "DeleteOrganizationUser",
            Method::POST,
            format!("/organizations/users/{}/actions/remove", sub.id),
            None,
        ),
    ];
    for (op, method, path, accept) in unauthorized {
        let mut rb = wrong_key(method, &path);
        if let Some(a) = accept {
            rb = rb.header("accept", a);
        }
        assert_eq!(h.expect_raw(op, rb, 401).await, Checked::Schema);
    }
    // 401 without any Authorization header at all.
    let rb = h.http.get(h.url("/organizations/users"));
    h.expect_raw("ListOrganizationUsers", rb, 401).await;

    // 404 of the users operations.
    for (op, method, path) in [
        (
            "GetOrganizationUser",
            Method::GET,
            "/organizations/users/no-such-user",
        ),
        (
            "DeleteOrganizationUser",
            Method::POST,
            "/organizations/users/no-such-user/actions/remove",
        ),
    ] {
        let rb = h.raw_req(method, path);
        assert_eq!(h.expect_raw(op, rb, 404).await, Checked::Schema);
    }

    // 400 of the users list (and of retrieve, which declares it too).
    for query in [
        "page[number]=abc",
        "page[size]=many",
        "filter[user_status]=suspended",
        "include_groups=maybe",
    ] {
        let rb = h.raw_req(Method::GET, &format!("/organizations/users?{query}"));
        assert_eq!(
            h.expect_raw("ListOrganizationUsers", rb, 400).await,
            Checked::Schema
        );
    }
    let rb = h.raw_req(
        Method::GET,
        &format!("/organizations/users/{}?include_groups=maybe", sub.id),
    );
    h.expect_raw("GetOrganizationUser", rb, 400).await;

    // 403: the owner cannot be removed.
    let rb = h.raw_req(
        Method::POST,
        &format!("/organizations/users/{}/actions/remove", owner.id),
    );
    assert_eq!(
        h.expect_raw("DeleteOrganizationUser", rb, 403).await,
        Checked::Schema
    );

    // 422 of the managed-accounts operations.
    let enabled = account_with(&h.mock, AccountStatus::Enabled);
    let cancelled = account_with(&h.mock, AccountStatus::Cancelled);
    let blocked = account_with(&h.mock, AccountStatus::Blocked);
    let json_body = |rb: reqwest::RequestBuilder, body: Value| {
        rb.header("content-type", "application/json")
            .body(body.to_string())
    };
    let unprocessable = [
        (
            "CreateManagedAccount",
            Method::POST,
            "/managed_accounts".to_owned(),
            Some(json!({})),
        ),
        (
            "CreateManagedAccount",
            Method::POST,
            "/managed_accounts".into(),
            Some(json!({"business_name": 5})),
        ),
        (
            "UpdateManagedAccount",
            Method::PATCH,
            format!("/managed_accounts/{enabled}"),
            Some(json!({"managed_account_allow_custom_pricing": "yes"})),
        ),
        (
            "DisableManagedAccount",
            Method::POST,
            format!("/managed_accounts/{cancelled}/actions/disable"),
            None,
        ),
        (
            "EnableManagedAccount",
            Method::POST,
            format!("/managed_accounts/{blocked}/actions/enable"),
            Some(json!({})),
        ),
        (
            "UpdateManagedAccountGlobalChannelLimit",
            Method::PATCH,
            format!("/managed_accounts/{enabled}/update_global_channel_limit"),
            Some(json!({"channel_limit": -1})),
        ),
        (
            "UpdateManagedAccountGlobalChannelLimit",
            Method::PATCH,
            format!("/managed_accounts/{enabled}/update_global_channel_limit"),
            Some(json!({"channel_limit": 1_000_000})),
        ),
    ];
    for (op, method, path, body) in unprocessable {
        let mut rb = h.raw_req(method, &path);
        if let Some(b) = body {
            rb = json_body(rb, b);
        }
        assert_eq!(h.expect_raw(op, rb, 422).await, Checked::Schema);
    }

    // Managed accounts' 401 and 404 are declared without a body: the status
    // must still be a declared one.
    for op in ACCOUNT_OPS {
        let o = operation(op);
        let path = o.template.replace("{id}", &enabled);
        let rb = wrong_key(o.method.parse().unwrap(), &path);
        h.expect_raw(op, rb, 401).await;
    }
    for (op, method, path) in [
        (
            "RetrieveManagedAccount",
            Method::GET,
            "/managed_accounts/{id}",
        ),
        (
            "DisableManagedAccount",
            Method::POST,
            "/managed_accounts/{id}/actions/disable",
        ),
    ] {
        let path = path.replace("{id}", "00000000-0000-4000-8000-000000000000");
        let rb = h.raw_req(method, &path);
        assert_eq!(
            h.expect_raw(op, rb, 404).await,
            Checked::DeclaredWithoutBody
        );
    }

    for (op, status) in [
        ("ListOrganizationUsers", 401),
        ("GetOrganizationUsersGroupsReport", 401),
        ("GetOrganizationUser", 401),
        ("DeleteOrganizationUser", 401),
        ("GetOrganizationUser", 404),
        ("DeleteOrganizationUser", 404),
        ("ListOrganizationUsers", 400),
        ("CreateManagedAccount", 422),
        ("UpdateManagedAccount", 422),
        ("DisableManagedAccount", 422),
        ("EnableManagedAccount", 422),
        ("UpdateManagedAccountGlobalChannelLimit", 422),
    ] {
        assert!(
            h.tally.validated.contains_key(&(op.into(), status)),
            "{op} {status} not validated"
        );
    }
    h.tally.report("declared errors");
}

/// The checkers themselves: a deliberately wrong request or response is
/// caught, so drift between the client, the mock and the spec cannot pass.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_checkers_reject_what_the_spec_does_not_allow() {
    use reqwest::Method;
    let h = Harness::start().await;
    let id = account_with(&h.mock, AccountStatus::Enabled);

    /// Sends a raw request and returns it as the mock recorded it.
    async fn recorded(h: &Harness, rb: reqwest::RequestBuilder) -> RecordedRequest {
        h.mock.clear_requests();
        rb.send().await.expect("send");
        let mut log = h.mock.requests();
        assert_eq!(log.len(), 1);
        log.remove(0)
    }
    fn rejected(op: &str, req: &RecordedRequest, needle: &str) {
        match check_request(op, req) {
            Ok(()) => panic!("the checker accepted {req:#?}"),
            Err(problems) => assert!(
                problems.iter().any(|p| p.contains(needle)),
                "expected a problem mentioning {needle:?}, got {problems:#?}"
            ),
        }
    }

    // Valid requests pass, including the documented descending sort.
    for q in [
        "sort=-email",
        "sort=-created_at",
        "sort=email",
        "filter[status][eq]=blocked",
    ] {
        let req = recorded(
            &h,
            h.raw_req(Method::GET, &format!("/managed_accounts?{q}")),
        )
        .await;
        check_request("ListManagedAccounts", &req).unwrap_or_else(|p| panic!("{q}: {p:?}"));
    }

    let list = "ListManagedAccounts";
    let cases = [
        ("sort=bogus", "sort"),
        ("sort=-bogus", "sort"),
        ("filter[status][eq]=suspended", "filter[status][eq]"),
        ("page[size]=251", "page[size]"),
        ("page[size]=0", "page[size]"),
        ("page[number]=0", "page[number]"),
        ("page[number]=two", "page[number]"),
        ("include_cancelled_accounts=1", "include_cancelled_accounts"),
        // Ruby's next-page bug: `page_number=` instead of `page[number]=`.
        ("page_number=2", "page_number"),
        ("filter[email]=a@b.c", "filter[email]"),
        ("filter[email][like]=abc", "filter[email][like]"),
        ("sort=email&sort=-email", "more than once"),
    ];
    for (q, needle) in cases {
        let req = recorded(
            &h,
            h.raw_req(Method::GET, &format!("/managed_accounts?{q}")),
        )
        .await;
        rejected(list, &req, needle);
    }
    let req = recorded(
        &h,
        h.raw_req(Method::GET, "/organizations/users?filter[user_status]=all"),
    )
    .await;
    rejected("ListOrganizationUsers", &req, "filter[user_status]");
    let req = recorded(
        &h,
        h.raw_req(Method::GET, "/organizations/users?include_groups=yes"),
    )
    .await;
    rejected("ListOrganizationUsers", &req, "include_groups");

    // Method, path, auth.
    let req = recorded(&h, h.raw_req(Method::POST, "/actions/disable")).await;
    rejected("DisableManagedAccount", &req, "does not match");
    let req = recorded(
        &h,
        h.raw_req(
            Method::GET,
            &format!("/managed_accounts/{id}/actions/disable"),
        ),
    )
    .await;
    rejected("DisableManagedAccount", &req, "method");
    let req = recorded(&h, h.http.get(h.url("/managed_accounts"))).await;
    rejected(list, &req, "Authorization");
    let req = recorded(
        &h,
        h.http
            .get(h.url("/managed_accounts"))
            .header("authorization", "Token x"),
    )
    .await;
    rejected(list, &req, "Authorization");

    // Bodies.
    let patch = |body: &str| {
        h.raw_req(Method::PATCH, &format!("/managed_accounts/{id}"))
            .header("content-type", "application/json")
            .body(body.to_owned())
    };
    let req = recorded(
        &h,
        patch(r#"{"managed_account_allow_custom_pricing":"true"}"#),
    )
    .await;
    rejected("UpdateManagedAccount", &req, "body");
    let req = recorded(&h, patch("not json")).await;
    rejected("UpdateManagedAccount", &req, "not JSON");
    let req = recorded(
        &h,
        h.raw_req(Method::PATCH, &format!("/managed_accounts/{id}")),
    )
    .await;
    rejected("UpdateManagedAccount", &req, "missing");
    let req = recorded(
        &h,
        h.raw_req(Method::POST, "/managed_accounts")
            .header("content-type", "text/plain")
            .body(r#"{"business_name":"x"}"#),
    )
    .await;
    rejected("CreateManagedAccount", &req, "content-type");
    let req = recorded(
        &h,
        h.raw_req(Method::POST, "/managed_accounts")
            .header("content-type", "application/json")
            .body(r#"{"email":"x@example.com"}"#),
    )
    .await;
    rejected("CreateManagedAccount", &req, "business_name");
    let req = recorded(
        &h,
        h.raw_req(
            Method::POST,
            &format!("/managed_accounts/{id}/actions/disable"),
        )
        .header("content-type", "application/json")
        .body("{}"),
    )
    .await;
    rejected("DisableManagedAccount", &req, "declares no body");
    let req = recorded(
        &h,
        h.raw_req(Method::GET, "/organizations/users/users_groups_report")
            .header("accept", "application/xml"),
    )
    .await;
    rejected("GetOrganizationUsersGroupsReport", &req, "Accept");

    // Responses.
    let good = json!({"data": {
        "record_type": "managed_account",
        "id": "f65ceda4-6522-4ad6-aede-98de83385123",
        "email": "user@example.com",
        "api_key": "KEY", "api_user": "m@example.com", "api_token": "tok",
        "manager_account_id": "m1",
        "created_at": "2018-02-02T22:25:27.521Z", "updated_at": "2018-02-02T22:25:27.521Z"
    }});
    let body = good.to_string();
    assert_eq!(
        check_response(
            "RetrieveManagedAccount",
            200,
            "application/json",
            body.as_bytes()
        ),
        Ok(Checked::Schema)
    );
    let mutations: [fn(&mut Value); 3] = [
        |bad: &mut Value| {
            bad["data"].as_object_mut().unwrap().remove("api_key");
        },
        |bad: &mut Value| {
            bad["data"]["id"] = json!("not-a-uuid");
        },
        |bad: &mut Value| {
            bad["data"]["record_type"] = json!("user");
        },
    ];
    for mutate in mutations {
        let mut bad = good.clone();
        mutate(&mut bad);
        let bad = bad.to_string();
        let checked = check_response(
            "RetrieveManagedAccount",
            200,
            "application/json",
            bad.as_bytes(),
        );
        assert!(checked.is_err(), "accepted {bad}");
    }
    assert!(check_response("RetrieveManagedAccount", 200, "text/html", body.as_bytes()).is_err());
    assert!(check_response("RetrieveManagedAccount", 500, "application/json", b"{}").is_err());
    // Users' error body: codes are strings in the spec.
    let err = json!({"errors": [{"code": 10005, "title": "Resource not found"}]});
    assert!(check_response(
        "GetOrganizationUser",
        404,
        "application/json",
        err.to_string().as_bytes()
    )
    .is_err());
    let user = json!({"data": [{"id": "u", "record_type": "organization_owner", "email": "a@example.com",
        "user_status": "enabled", "created_at": "2018", "groups": [{"id": "g"}]}]});
    assert!(check_response(
        "GetOrganizationUsersGroupsReport",
        200,
        "application/json",
        user.to_string().as_bytes()
    )
    .is_err());
}
