//! Null-tolerant decoding, over every response model, through the client.
//!
//! For every operation with a JSON 200 response in the vendored official
//! spec, a body with every property present is built from the spec (its
//! examples where it has them). Then:
//!
//! - each property the spec marks optional, set to `null` on its own,
//!   decodes, and to exactly what the same body without that property
//!   decodes to (`null` reads as absent);
//! - a property test sets random sets of optional properties to `null` at
//!   once, with the same expectation;
//! - the one documented exception: `data` of a single-object response,
//!   `null` or absent, is an `Error::Decode` (there is no object to return).
//!
//! Bodies are served by the mock (a raw 200 that fires once), so they go
//! through the real decoding path: the generated types, then this crate's.

use std::future::Future;
use std::pin::Pin;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde::Serialize;
use serde_json::{json, Map, Value};
use telnyx_accounts::secret::expose_secrets;
use telnyx_accounts::{Client, Error};
use telnyx_accounts_mock::{Fault, FaultRule};

use crate::support::{self, Bench};

const ID: &str = "f65ceda4-6522-4ad6-aede-98de83385123";

/// Every operation with a JSON 200 response, and its schema.
fn json_operations() -> Vec<(String, &'static Value)> {
    support::json_200s()
        .into_iter()
        .map(|(id, content)| (id, &content["schema"]))
        .collect()
}

// ---------------------------------------------------------------------------
// Bodies from the spec

/// A value of `schema` with every property present: the spec's example where
/// it gives one, else a plausible value of the type.
fn full(name: &str, schema: &'static Value) -> Value {
    let schema = support::resolve(schema);
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return values[0].clone();
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec!["object"],
    };
    let ty = types
        .iter()
        .copied()
        .find(|t| *t != "null")
        .unwrap_or("null");
    if ty != "object"
        && ty != "array"
        && let Some(example) = schema.get("example")
    {
        return example.clone();
    }
    match ty {
        "object" => {
            let mut map = Map::new();
            for (prop, sub) in schema["properties"].as_object().into_iter().flatten() {
                map.insert(prop.clone(), full(prop, sub));
            }
            Value::Object(map)
        }
        "array" => json!([full(name, &schema["items"])]),
        "string" if schema["format"] == "uuid" => json!(ID),
        "string" if schema["format"] == "email" => json!("someone@example.com"),
        "string" if name.ends_with("_at") => json!("2018-02-02T22:25:27.521Z"),
        "string" => json!("text"),
        "integer" | "number" => json!(7),
        "boolean" => json!(true),
        "null" => Value::Null,
        other => panic!("schema type {other} not handled"),
    }
}

/// The JSON pointers of every property the spec marks optional in `value`
/// (a [`full`] value of `schema`), parents before children.
fn optional_paths(schema: &'static Value, value: &Value, at: &str, out: &mut Vec<String>) {
    let schema = support::resolve(schema);
    match value {
        Value::Object(map) => {
            let required: Vec<&str> = schema["required"]
                .as_array()
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            for (prop, sub) in schema["properties"].as_object().into_iter().flatten() {
                let path = format!("{at}/{prop}");
                if !required.contains(&prop.as_str()) {
                    out.push(path.clone());
                }
                if let Some(v) = map.get(prop) {
                    optional_paths(sub, v, &path, out);
                }
            }
        }
        Value::Array(items) => {
            if let Some(first) = items.first() {
                optional_paths(&schema["items"], first, &format!("{at}/0"), out);
            }
        }
        _ => {}
    }
}

/// `body` with the member at `path` set to null (`Some(Value::Null)`) or
/// removed (`None`); nothing when a parent is already gone or null.
fn with(body: &Value, paths: &[&str], replacement: Option<Value>) -> Value {
    let mut body = body.clone();
    for path in paths {
        let (parent, key) = path.rsplit_once('/').expect("a pointer");
        if let Some(Value::Object(map)) = body.pointer_mut(parent) {
            match &replacement {
                Some(v) => {
                    if map.contains_key(key) {
                        map.insert(key.to_owned(), v.clone());
                    }
                }
                None => {
                    map.remove(key);
                }
            }
        }
    }
    body
}

// ---------------------------------------------------------------------------
// Serving bodies to the client

type Outcome = Result<Value, Error>;
type Call = fn(&Client) -> Pin<Box<dyn Future<Output = Outcome> + Send>>;

/// What the user sees, as JSON (secrets included, to compare them too).
fn seen<T: Serialize>(value: T) -> Value {
    serde_json::to_value(expose_secrets(&value)).expect("serialize")
}

/// The client call that decodes each operation's 200.
fn call(op_id: &str) -> Call {
    match op_id {
        "ListManagedAccounts" => |c| {
            let f = c.managed_accounts().list();
            Box::pin(async move { f.await.map(seen) })
        },
        "CreateManagedAccount" => |c| {
            let f = c.managed_accounts().create("Larry's Cat Food Inc");
            Box::pin(async move { f.await.map(seen) })
        },
        "ListAllocatableGlobalOutboundChannels" => |c| {
            let f = c.managed_accounts().allocatable_global_outbound_channels();
            Box::pin(async move { f.await.map(seen) })
        },
        "RetrieveManagedAccount" => |c| {
            let f = c.managed_accounts().retrieve(ID);
            Box::pin(async move { f.await.map(seen) })
        },
        "UpdateManagedAccount" => |c| {
            let f = c
                .managed_accounts()
                .update(ID)
                .managed_account_allow_custom_pricing(true);
            Box::pin(async move { f.await.map(seen) })
        },
        "DisableManagedAccount" => |c| {
            let f = c.managed_accounts().actions().disable(ID);
            Box::pin(async move { f.await.map(seen) })
        },
        "EnableManagedAccount" => |c| {
            let f = c.managed_accounts().actions().enable(ID);
            Box::pin(async move { f.await.map(seen) })
        },
        "UpdateManagedAccountGlobalChannelLimit" => |c| {
            let f = c
                .managed_accounts()
                .update_global_channel_limit(ID)
                .channel_limit(3);
            Box::pin(async move { f.await.map(seen) })
        },
        "ListOrganizationUsers" => |c| {
            let f = c.organizations().users().list().include_groups(true);
            Box::pin(async move { f.await.map(seen) })
        },
        "GetOrganizationUsersGroupsReport" => |c| {
            let f = c.organizations().users().groups_report();
            Box::pin(async move { f.await.map(seen) })
        },
        "GetOrganizationUser" => |c| {
            let f = c
                .organizations()
                .users()
                .retrieve("u1")
                .include_groups(true);
            Box::pin(async move { f.await.map(seen) })
        },
        "DeleteOrganizationUser" => |c| {
            let f = c.organizations().users().actions().remove("u1");
            Box::pin(async move { f.await.map(seen) })
        },
        other => panic!("no call for operation {other}: add one"),
    }
}

/// Single-object responses: `data` null or absent has nothing to return.
fn data_is_the_object(op_id: &str, schema: &'static Value) -> bool {
    let data = support::resolve(&support::resolve(schema)["properties"]["data"]);
    let is_object = data["type"] == "object" || data.get("properties").is_some();
    assert!(
        is_object || data["type"] == "array",
        "{op_id}: `data` is neither an object nor an array"
    );
    is_object
}

impl Bench {
    /// Serves `body` once as `op_id`'s 200 and decodes it with the client.
    fn decode(&self, op_id: &str, body: &Value) -> Outcome {
        self.serve(op_id, Fault::json_200(body.to_string()), call(op_id))
    }
}

fn expect_decode_error(op_id: &str, what: &str, outcome: Outcome) {
    match outcome {
        Err(Error::Decode(e)) => assert!(e.message.contains("no `data`"), "{op_id}: {e}"),
        other => panic!("{op_id}: {what}: expected Error::Decode, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------
// The tests

#[test]
fn every_optional_field_set_to_null_decodes_as_if_absent() {
    let bench = Bench::new();
    let operations = json_operations();
    assert_eq!(operations.len(), 12, "the twelve operations, JSON 200s");
    let mut checked = 0;
    for (op_id, schema) in operations {
        let body = full("", schema);
        let whole = bench
            .decode(&op_id, &body)
            .unwrap_or_else(|e| panic!("{op_id}: the full body does not decode: {e}"));
        assert_ne!(whole, Value::Null, "{op_id}");

        let mut paths = Vec::new();
        optional_paths(schema, &body, "", &mut paths);
        assert!(!paths.is_empty(), "{op_id}: no optional field");
        for path in &paths {
            let null = bench.decode(&op_id, &with(&body, &[path], Some(Value::Null)));
            let absent = bench.decode(&op_id, &with(&body, &[path], None));
            if path == "/data" && data_is_the_object(&op_id, schema) {
                expect_decode_error(&op_id, "data: null", null);
                expect_decode_error(&op_id, "no data", absent);
                continue;
            }
            let null = null.unwrap_or_else(|e| panic!("{op_id}: {path} = null: {e}"));
            let absent = absent.unwrap_or_else(|e| panic!("{op_id}: without {path}: {e}"));
            assert_eq!(null, absent, "{op_id}: {path} = null is not read as absent");
            checked += 1;
        }
    }
    println!("nulls: {checked} optional fields set to null, each read as absent");
    // Optional fields in the spec: the accounts page 9, each of the five
    // single-account responses 9 (their `data` aside), channels 4, channel
    // limit 5, the users page 14, the groups report 3, retrieve and remove a
    // user 8 each. A different count means the spec or the walk changed.
    assert_eq!(checked, 96, "optional fields checked");
}

#[test]
fn random_sets_of_optional_fields_set_to_null_decode_as_if_absent() {
    let bench = Bench::new();
    let mut total = 0;
    for (op_id, schema) in json_operations() {
        let body = full("", schema);
        let mut paths = Vec::new();
        optional_paths(schema, &body, "", &mut paths);
        if data_is_the_object(&op_id, schema) {
            paths.retain(|p| p != "/data");
        }
        let strategy = vec(any::<bool>(), paths.len());
        let mut runner = TestRunner::new(Config {
            cases: 48,
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(&strategy, |mask| {
                let chosen: Vec<&str> = paths
                    .iter()
                    .zip(&mask)
                    .filter(|(_, on)| **on)
                    .map(|(p, _)| p.as_str())
                    .collect();
                let null = bench.decode(&op_id, &with(&body, &chosen, Some(Value::Null)));
                let absent = bench.decode(&op_id, &with(&body, &chosen, None));
                match (null, absent) {
                    (Ok(null), Ok(absent)) => {
                        prop_assert_eq!(null, absent, "{}: {:?}", op_id, chosen);
                        Ok(())
                    }
                    (null, absent) => Err(TestCaseError::fail(format!(
                        "{op_id}: {chosen:?} = null gave {null:?}; absent gave {absent:?}"
                    ))),
                }
            })
            .unwrap_or_else(|e| panic!("{op_id}: {e}"));
        total += 48;
    }
    println!("nulls: {total} bodies with random optional fields null, all decoded");
}

#[test]
fn what_a_null_becomes() {
    // The decisions the `models` docs list, as a user sees them.
    let bench = Bench::new();
    let (_, schema) = json_operations()
        .into_iter()
        .find(|(id, _)| id == "ListOrganizationUsers")
        .expect("users list");
    let mut body = full("", schema);
    body["data"][0]["groups"] = Value::Null;
    body["data"][0]["id"] = Value::Null;
    body["meta"]["total_pages"] = Value::Null;
    let page = bench.rt.block_on(async {
        bench.mock.inject(
            FaultRule::new(Fault::json_200(body.to_string())).operation("ListOrganizationUsers"),
        );
        bench
            .client
            .organizations()
            .users()
            .list()
            .include_groups(true)
            .await
            .expect("decodes")
    });
    assert_eq!(page.data[0].groups, Some(vec![]));
    assert_eq!(page.data[0].id, "");
    // Decoded on the null-tolerant path, the page keeps its response's metadata.
    assert!(page.request_id().is_some());
    assert_eq!(page.meta.total_pages, 0);
    assert!(!page.has_next_page());

    body = json!({"data": null, "meta": null});
    bench
        .mock
        .inject(FaultRule::new(Fault::json_200(body.to_string())).operation("ListManagedAccounts"));
    let page = bench
        .rt
        .block_on(async { bench.client.managed_accounts().list().await })
        .expect("decodes");
    assert!(page.data.is_empty());
    assert_eq!(page.meta, Default::default());

    // A field the spec requires is not made up.
    let (_, schema) = json_operations()
        .into_iter()
        .find(|(id, _)| id == "RetrieveManagedAccount")
        .expect("retrieve");
    let mut body = full("", schema);
    body["data"]["api_key"] = Value::Null;
    match bench.decode("RetrieveManagedAccount", &body) {
        Err(Error::Decode(e)) => assert_eq!(e.status, 200),
        other => panic!("a null api_key: expected Error::Decode, got {other:?}"),
    }
}
