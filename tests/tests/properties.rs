//! Property tests of the client's decoding and query encoding, against the
//! mock.
//!
//! (i)   JSON of the official response schemas' shapes (optional fields
//!       absent or null, unknown extra fields, unknown enum strings, big and
//!       small numbers, odd strings, every ISO 8601 timestamp form), served
//!       as a 200 body. The generator knows whether each body *fits* the
//!       client's model (the schema, plus what the crate documents: ids of
//!       `format: uuid` are UUIDs, `*_at` fields are date-times, integers
//!       are i64, a single-object response has its `data`). A body that
//!       fits decodes; one that does not is `Error::Decode` with a snippet
//!       of the body. Never another error kind.
//! (ii)  Arbitrary bytes as a 200 body: bytes that are not JSON are
//!       `Error::Decode` with a snippet, never a value; JSON is a value or
//!       `Error::Decode`.
//! (iii) Filter strings round-trip through the query string: what the mock
//!       decodes is exactly what was passed to the builder.
//!
//! One tokio runtime and one mock per test; cases are served one at a time
//! through `Fault::json_200` rules that fire once.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Map, Value};
use telnyx_accounts::{Client, Error};
use telnyx_accounts_mock::Fault;

const CASES: u32 = 96;

use crate::support::{self, Bench};

/// The JSON schema of `op_id`'s 200 response.
fn response_schema(op_id: &str) -> &'static Value {
    support::json_200s()
        .into_iter()
        .find(|(id, _)| id == op_id)
        .map(|(_, content)| &content["schema"])
        .unwrap_or_else(|| panic!("no operation {op_id} with a JSON 200"))
}

// ---------------------------------------------------------------------------
// Strategies

/// Strings that stress decoders: empty, unicode, escapes, controls, long.
fn odd_string() -> BoxedStrategy<String> {
    prop_oneof![
        3 => "[a-zA-Z0-9 ._@-]{0,16}",
        2 => any::<String>(),
        1 => Just(String::new()),
        1 => "[\"\\\\/\u{0}\u{1f}\u{7f}\u{fffd}\u{10ffff}é漢🦀]{1,8}",
        1 => "x{200,2000}",
    ]
    .boxed()
}

fn timestamp() -> BoxedStrategy<String> {
    (
        1970i32..2100,
        1u32..=12,
        1u32..=28,
        0u32..24,
        0u32..60,
        0u32..60,
        0u32..1000,
        prop_oneof![
            Just("Z"),
            Just("+00:00"),
            Just("-05:30"),
            Just("+14:00"),
            // ISO 8601, not RFC 3339 (see the `models` docs).
            Just(""),
            Just("+0100"),
            Just("-02"),
        ],
        prop_oneof![Just('T'), Just(' ')],
        any::<bool>(),
    )
        .prop_map(|(y, mo, d, h, mi, s, ms, tz, t, fraction)| {
            let fraction = if fraction {
                format!(".{ms:03}")
            } else {
                String::new()
            };
            format!("{y:04}-{mo:02}-{d:02}{t}{h:02}:{mi:02}:{s:02}{fraction}{tz}")
        })
        .boxed()
}

fn uuid_string() -> BoxedStrategy<String> {
    prop_oneof![
        3 => any::<u128>().prop_map(|n| uuid::Uuid::from_u128(n).to_string()),
        1 => any::<u128>().prop_map(|n| uuid::Uuid::from_u128(n).to_string().to_uppercase()),
    ]
    .boxed()
}

/// Integers as JSON numbers: small, the i64 range, and past it; they fit
/// the model (every integer in it is an `i64`) when they are i64s.
fn integer() -> BoxedStrategy<Shaped> {
    prop_oneof![
        4 => (-5i64..1000).prop_map(Value::from),
        2 => any::<i64>().prop_map(Value::from),
        1 => Just(Value::from(u64::MAX)),
        1 => Just(Value::from(i64::MIN)),
        1 => Just(serde_json::json!(1e300)),
        1 => Just(serde_json::json!(2.5)),
    ]
    .prop_map(|v| {
        let fits = v.as_i64().is_some();
        (v, fits)
    })
    .boxed()
}

/// Any JSON value (for unknown extra fields).
fn any_json() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        odd_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
    .boxed()
}

/// A generated value, and whether it fits the client's model.
type Shaped = (Value, bool);

/// A string for a property, by what the spec says about it: uuids where the
/// format is `uuid`, ISO 8601 timestamps for the `*_at` fields (the spec
/// types them as plain strings documented as ISO 8601), odd strings
/// sometimes in their place, which do not fit there.
fn string_for(name: &str, schema: &Value) -> BoxedStrategy<Shaped> {
    let typed = schema["format"] == "uuid" || name.ends_with("_at");
    let typical = if schema["format"] == "uuid" {
        uuid_string()
    } else if name.ends_with("_at") {
        timestamp()
    } else {
        odd_string()
    };
    prop_oneof![
        6 => typical.prop_map(|s| (Value::String(s), true)),
        1 => odd_string().prop_map(move |s| (Value::String(s), !typed)),
    ]
    .boxed()
}

/// A value of `schema`'s shape, and whether it fits. Optional properties
/// are absent, null or present; objects get unknown extra fields; enums get
/// unknown strings (every enum the API returns is open: they fit).
fn from_schema(name: &str, schema: &'static Value, depth: u32) -> BoxedStrategy<Shaped> {
    let schema = support::resolve(schema);
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let known = proptest::sample::select(values.clone());
        return prop_oneof![
            4 => known,
            1 => "[a-z_]{1,20}".prop_map(Value::String),
        ]
        .prop_map(|v| (v, true))
        .boxed();
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let mut options: Vec<BoxedStrategy<Shaped>> = Vec::new();
    for t in types {
        options.push(match t {
            "null" => Just((Value::Null, true)).boxed(),
            "string" => string_for(name, schema),
            "integer" => integer(),
            "boolean" => any::<bool>().prop_map(|b| (Value::Bool(b), true)).boxed(),
            "array" => {
                let items = from_schema(name, &schema["items"], depth + 1);
                vec(items, 0..if depth > 2 { 2 } else { 5 })
                    .prop_map(|items| {
                        let fits = items.iter().all(|(_, f)| *f);
                        (
                            Value::Array(items.into_iter().map(|(v, _)| v).collect()),
                            fits,
                        )
                    })
                    .boxed()
            }
            "object" => object(schema, depth),
            other => panic!("schema type {other} not handled"),
        });
    }
    match options.len() {
        0 => panic!("{name}: a schema without a type"),
        1 => options.pop().unwrap(),
        _ => proptest::strategy::Union::new(options).boxed(),
    }
}

/// An object of `schema`: required properties present, optional ones
/// absent, null or present (`null` reads as absent), extra ones ignored.
/// The one absence that does not fit: the `data` object of a single-object
/// response (depth 0), which leaves nothing to return.
fn object(schema: &'static Value, depth: u32) -> BoxedStrategy<Shaped> {
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    type Field = Option<(String, Value)>;
    let mut fields: Vec<BoxedStrategy<(Field, bool)>> = Vec::new();
    for (name, sub) in schema["properties"].as_object().into_iter().flatten() {
        let key = name.clone();
        let value = from_schema(name, sub, depth + 1);
        fields.push(if required.contains(&name.as_str()) {
            value
                .prop_map(move |(v, fits)| (Some((key.clone(), v)), fits))
                .boxed()
        } else {
            let needed = depth == 0 && name == "data" && support::resolve(sub)["type"] == "object";
            let (k1, k2) = (key.clone(), key);
            prop_oneof![
                1 => Just((None, !needed)),
                1 => Just((Some((k1, Value::Null)), !needed)),
                4 => value.prop_map(move |(v, fits)| (Some((k2.clone(), v)), fits)),
            ]
            .boxed()
        });
    }
    let extra = vec(("[a-z_]{1,12}", any_json()), 0..3);
    (fields, extra)
        .prop_map(|(fields, extra)| {
            let mut map = Map::new();
            for (k, v) in extra {
                map.insert(format!("x_{k}"), v);
            }
            let mut all_fit = true;
            for (field, fits) in fields {
                all_fit &= fits;
                if let Some((k, v)) = field {
                    map.insert(k, v);
                }
            }
            (Value::Object(map), all_fit)
        })
        .boxed()
}

// ---------------------------------------------------------------------------
// The harness

type Call = fn(&Client) -> Pin<Box<dyn Future<Output = Result<(), Error>> + Send>>;

/// The decoders, each with the operation whose 200 it decodes.
fn targets() -> Vec<(&'static str, Call)> {
    const ID: &str = "f65ceda4-6522-4ad6-aede-98de83385123";
    vec![
        ("RetrieveManagedAccount", |c| {
            let f = c.managed_accounts().retrieve(ID);
            Box::pin(async move { f.await.map(drop) })
        }),
        ("ListManagedAccounts", |c| {
            let f = c.managed_accounts().list();
            Box::pin(async move { f.await.map(drop) })
        }),
        ("ListOrganizationUsers", |c| {
            let f = c.organizations().users().list().include_groups(true);
            Box::pin(async move { f.await.map(drop) })
        }),
        ("GetOrganizationUser", |c| {
            let f = c.organizations().users().retrieve("u1");
            Box::pin(async move { f.await.map(drop) })
        }),
        ("GetOrganizationUsersGroupsReport", |c| {
            let f = c.organizations().users().groups_report();
            Box::pin(async move { f.await.map(drop) })
        }),
        ("ListAllocatableGlobalOutboundChannels", |c| {
            let f = c.managed_accounts().allocatable_global_outbound_channels();
            Box::pin(async move { f.await.map(drop) })
        }),
        ("UpdateManagedAccountGlobalChannelLimit", |c| {
            let f = c
                .managed_accounts()
                .update_global_channel_limit(ID)
                .channel_limit(3);
            Box::pin(async move { f.await.map(drop) })
        }),
    ]
}

impl Bench {
    /// Serves `body` (once) as the 200 of `op_id` and makes the call.
    fn serve_raw(
        &self,
        op_id: &str,
        content_type: &str,
        body: Vec<u8>,
        call: Call,
    ) -> Result<(), Error> {
        let fault = Fault::Raw {
            status: 200,
            content_type: content_type.to_owned(),
            body: body.into(),
        };
        self.serve(op_id, fault, call)
    }
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    })
}

/// A body that fits decodes; one that does not is `Error::Decode` (with
/// the 200 status and a snippet of the body): anything else fails the case.
fn decodes_iff_it_fits(
    op: &str,
    body: &[u8],
    fits: bool,
    result: Result<(), Error>,
) -> Result<(), TestCaseError> {
    let text = String::from_utf8_lossy(body);
    match (fits, result) {
        (true, Ok(())) => Ok(()),
        (false, Err(Error::Decode(e))) if e.status == 200 => {
            let start_matches = match text.chars().next() {
                Some(first) => e.snippet.starts_with(first),
                None => e.snippet == "(empty body)",
            };
            prop_assert!(
                start_matches,
                "{op}: the snippet {:?} is not the body's start",
                e.snippet
            );
            Ok(())
        }
        (true, Err(e)) => Err(TestCaseError::fail(format!(
            "{op}: a body that fits the model gave {e}\n{text}"
        ))),
        (false, other) => Err(TestCaseError::fail(format!(
            "{op}: a body that does not fit gave {other:?}, not Error::Decode\n{text}"
        ))),
    }
}

/// Ok or `Error::Decode` (with the 200 status): anything else fails the case.
fn ok_or_decode(
    op: &str,
    result: Result<(), Error>,
    ok: &AtomicUsize,
) -> Result<(), TestCaseError> {
    match result {
        Ok(()) => {
            ok.fetch_add(1, Ordering::Relaxed);
            Ok(())
        }
        Err(Error::Decode(e)) if e.status == 200 => Ok(()),
        Err(e) => Err(TestCaseError::fail(format!(
            "{op}: a 200 body gave {e:?}, not Ok or Error::Decode"
        ))),
    }
}

fn schema_bodies_decode_exactly_when_they_fit(op_id: &'static str) {
    let bench = Bench::new();
    let (_, call) = targets()
        .into_iter()
        .find(|(o, _)| *o == op_id)
        .expect("target");
    let fitting = AtomicUsize::new(0);
    let strategy = from_schema("", response_schema(op_id), 0);
    runner()
        .run(&strategy, |(value, fits)| {
            let body = serde_json::to_vec(&value).expect("serialize");
            let result = bench.serve_raw(op_id, "application/json", body.clone(), call);
            fitting.fetch_add(usize::from(fits), Ordering::Relaxed);
            decodes_iff_it_fits(op_id, &body, fits, result)
        })
        .unwrap_or_else(|e| panic!("{op_id}: {e}"));
    let fitting = fitting.load(Ordering::Relaxed);
    println!(
        "properties[{op_id}]: {CASES} schema-shaped bodies, {fitting} fit and decoded, {} did not and gave Error::Decode",
        CASES as usize - fitting
    );
    // Both sides of the claim were exercised.
    assert!(fitting > 0, "{op_id}: no generated body fit");
    assert!(
        fitting < CASES as usize,
        "{op_id}: every generated body fit"
    );
}

// ---------------------------------------------------------------------------
// (i) schema-shaped bodies

#[test]
fn managed_account_bodies_decode_exactly_when_they_fit() {
    schema_bodies_decode_exactly_when_they_fit("RetrieveManagedAccount");
}

#[test]
fn managed_account_page_bodies_decode_exactly_when_they_fit() {
    schema_bodies_decode_exactly_when_they_fit("ListManagedAccounts");
}

#[test]
fn user_page_bodies_decode_exactly_when_they_fit() {
    schema_bodies_decode_exactly_when_they_fit("ListOrganizationUsers");
}

#[test]
fn user_bodies_decode_exactly_when_they_fit() {
    schema_bodies_decode_exactly_when_they_fit("GetOrganizationUser");
}

#[test]
fn groups_report_bodies_decode_exactly_when_they_fit() {
    schema_bodies_decode_exactly_when_they_fit("GetOrganizationUsersGroupsReport");
}

#[test]
fn channels_bodies_decode_exactly_when_they_fit() {
    schema_bodies_decode_exactly_when_they_fit("ListAllocatableGlobalOutboundChannels");
}

#[test]
fn channel_limit_bodies_decode_exactly_when_they_fit() {
    schema_bodies_decode_exactly_when_they_fit("UpdateManagedAccountGlobalChannelLimit");
}

// ---------------------------------------------------------------------------
// (ii) arbitrary bytes

#[test]
fn arbitrary_bytes_that_are_not_json_are_decode_errors() {
    let bench = Bench::new();
    let targets = targets();
    let ok = AtomicUsize::new(0);
    let bytes = prop_oneof![
        vec(any::<u8>(), 0..512),
        // JSON-looking prefixes get further into the decoders.
        (
            prop_oneof![
                Just(&b"{\"data\":"[..]),
                Just(&b"{\"data\":[{"[..]),
                Just(&b"{\"meta\":"[..])
            ],
            vec(any::<u8>(), 0..64)
        )
            .prop_map(|(p, rest)| [p, &rest[..]].concat()),
    ];
    let cases = CASES as usize * 2;
    runner_with(cases as u32)
        .run(&(0..targets.len(), bytes), |(i, body)| {
            let (op, call) = targets[i];
            let json = serde_json::from_slice::<Value>(&body).is_ok();
            let result = bench.serve_raw(op, "application/json", body.clone(), call);
            if json {
                ok_or_decode(op, result, &ok)
            } else {
                decodes_iff_it_fits(op, &body, false, result)
            }
        })
        .unwrap_or_else(|e| panic!("{e}"));

    // The CSV report: text is taken as is; rows are parsed or a decode error.
    let rows = AtomicUsize::new(0);
    runner()
        .run(&vec(any::<u8>(), 0..512), |body| {
            let result = bench.serve_raw(
                "GetOrganizationUsersGroupsReport",
                "text/csv",
                body.clone(),
                |c| {
                    let f = c.organizations().users().groups_report_rows();
                    Box::pin(async move { f.await.map(drop) })
                },
            );
            ok_or_decode("groups_report_rows", result, &rows)?;
            let result =
                bench.serve_raw("GetOrganizationUsersGroupsReport", "text/csv", body, |c| {
                    let f = c.organizations().users().groups_report_csv();
                    Box::pin(async move { f.await.map(drop) })
                });
            prop_assert!(result.is_ok(), "CSV text: {result:?}");
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    println!(
        "properties[bytes]: {cases} JSON-decoder cases ({} Ok), {CASES} CSV cases",
        ok.load(Ordering::Relaxed)
    );
}

fn runner_with(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

// ---------------------------------------------------------------------------
// (iii) query encoding

/// Filter strings with everything a query string treats specially.
fn filter_string() -> BoxedStrategy<String> {
    prop_oneof![
        "[a-z&=+%#\\[\\] ?/;,:@!$'()*~é漢🦀-]{0,24}",
        any::<String>(),
        Just("a+b c&d=e%20f#g[h]".to_owned()),
        Just("%%%".to_owned()),
        Just("+++".to_owned()),
    ]
    .boxed()
}

#[test]
fn filter_strings_round_trip_through_the_query() {
    let bench = Bench::new();
    let strategy = (
        filter_string(),
        filter_string(),
        filter_string(),
        filter_string(),
    );
    runner()
        .run(&strategy, |(eq, org, contains, user)| {
            let ma = bench.client.managed_accounts();
            let contains = if contains.chars().count() < 3 {
                format!("{contains}abc")
            } else {
                contains
            };

            bench.mock.clear_requests();
            let list = ma
                .list()
                .email_eq(eq.as_str())
                .organization_name_eq(org.as_str())
                .email_contains(contains.as_str())
                .organization_name_contains(contains.as_str());
            let result = bench.rt.block_on(async move { list.await });
            prop_assert!(result.is_ok(), "{result:?}");
            let log = bench.mock.requests();
            prop_assert_eq!(log.len(), 1);
            let mut pairs = log[0].query_pairs.clone();
            pairs.sort();
            let mut want = vec![
                ("filter[email][contains]".to_owned(), contains.clone()),
                ("filter[email][eq]".to_owned(), eq.clone()),
                (
                    "filter[organization_name][contains]".to_owned(),
                    contains.clone(),
                ),
                ("filter[organization_name][eq]".to_owned(), org.clone()),
            ];
            want.sort();
            prop_assert_eq!(pairs, want);

            bench.mock.clear_requests();
            let users = bench
                .client
                .organizations()
                .users()
                .list()
                .email(user.as_str());
            let result = bench.rt.block_on(async move { users.await });
            prop_assert!(result.is_ok(), "{result:?}");
            let log = bench.mock.requests();
            prop_assert_eq!(log.len(), 1);
            prop_assert_eq!(
                log[0].query_pairs.clone(),
                vec![("filter[email]".to_owned(), user.clone())]
            );
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    println!("properties[query]: {CASES} cases x 5 filter strings round-tripped");
}
