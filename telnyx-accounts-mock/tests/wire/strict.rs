//! Issue 15, items 1-5: where the mock must be as strict as Telnyx.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::{json, Value};
use telnyx_accounts_mock::{AccountStatus, MockServer};

use crate::common::{client, error_item, get, ids, req, send, validate_response};

const LIST: &str = "/managed_accounts";

/// The `errors[0]` item without its `meta`, for exact comparisons.
fn item(body: &Value) -> Value {
    let mut item = error_item(body).clone();
    if let Some(map) = item.as_object_mut() {
        map.remove("meta");
    }
    item
}

// -- item 1: ids ---------------------------------------------------------------

#[tokio::test]
async fn uppercase_ids_resolve_to_the_canonical_id() {
    let mock = MockServer::start().await;
    let id = mock.accounts()[0].id.to_string();
    let (status, body) = get(&mock, &format!("{LIST}/{}", id.to_uppercase())).await;
    assert_eq!(status, 200);
    assert_eq!(
        body["data"]["id"], id,
        "the canonical, lowercase id comes back"
    );
}

#[tokio::test]
async fn id_forms_no_client_sends_are_404_on_every_id_route() {
    let mock = MockServer::start().await;
    let uuid = mock.accounts()[0].id;
    let id = uuid.to_string();
    let forms = [
        uuid.simple().to_string(),                // hyphenless
        uuid.simple().to_string().to_uppercase(), // hyphenless, uppercase
        format!("%7B{id}%7D"),                    // braced
        format!("urn:uuid:{id}"),
        format!("{id}%20"),
        format!("%20{id}"),
    ];
    for form in forms {
        for (method, path, body) in [
            (Method::GET, format!("{LIST}/{form}"), None),
            (
                Method::PATCH,
                format!("{LIST}/{form}"),
                Some(json!({"managed_account_allow_custom_pricing": true})),
            ),
            (Method::POST, format!("{LIST}/{form}/actions/disable"), None),
            (
                Method::POST,
                format!("{LIST}/{form}/actions/enable"),
                Some(json!({})),
            ),
            (
                Method::PATCH,
                format!("{LIST}/{form}/update_global_channel_limit"),
                Some(json!({"channel_limit": 1})),
            ),
        ] {
            let mut rb = req(&mock, method.clone(), &path);
            if let Some(b) = body {
                rb = rb.json(&b);
            }
            let (status, resp) = send(rb).await;
            assert_eq!(status, 404, "{method} {path}: {resp}");
            assert_eq!(error_item(&resp)["code"], "10005", "{method} {path}");
        }
    }
    // Nothing changed on the account.
    assert_eq!(mock.accounts()[0].status, AccountStatus::Enabled);
}

// -- item 2: bodies -------------------------------------------------------------

#[tokio::test]
async fn a_required_body_that_is_absent_is_422() {
    let mock = MockServer::start().await;
    let id = mock.accounts()[0].id;
    for (method, path) in [
        (Method::POST, LIST.to_owned()),
        (Method::PATCH, format!("{LIST}/{id}")),
        (
            Method::PATCH,
            format!("{LIST}/{id}/update_global_channel_limit"),
        ),
    ] {
        for content_type in [None, Some("application/json")] {
            let mut rb = req(&mock, method.clone(), &path);
            if let Some(ct) = content_type {
                rb = rb.header("content-type", ct);
            }
            let (status, body) = send(rb).await;
            assert_eq!(status, 422, "{method} {path} {content_type:?}");
            assert_eq!(
                item(&body),
                json!({
                    "code": "10004",
                    "title": "Missing required parameter",
                    "detail": "The request body is required.",
                    "source": {"pointer": "/"}
                }),
                "{method} {path}"
            );
            validate_response(LIST, "post", 422, &body);
        }
    }
}

#[tokio::test]
async fn a_body_that_is_not_declared_json_is_415() {
    let mock = MockServer::start().await;
    let id = mock.accounts()[0].id;
    let before = mock.accounts().len();
    for (method, path, body) in [
        (Method::POST, LIST.to_owned(), r#"{"business_name":"Acme"}"#),
        (
            Method::PATCH,
            format!("{LIST}/{id}"),
            r#"{"managed_account_allow_custom_pricing":true}"#,
        ),
        (
            Method::POST,
            format!("{LIST}/{id}/actions/enable"),
            r#"{"reenable_all_connections":true}"#,
        ),
        (
            Method::PATCH,
            format!("{LIST}/{id}/update_global_channel_limit"),
            r#"{"channel_limit":1}"#,
        ),
    ] {
        for content_type in [
            None,
            Some("text/plain"),
            Some("application/x-www-form-urlencoded"),
            Some("application/jsonx"),
        ] {
            let mut rb = req(&mock, method.clone(), &path).body(body);
            if let Some(ct) = content_type {
                rb = rb.header("content-type", ct);
            }
            let (status, resp) = send(rb).await;
            assert_eq!(status, 415, "{method} {path} {content_type:?}");
            assert_eq!(
                item(&resp),
                json!({
                    "code": "10014",
                    "title": "Unsupported Media Type",
                    "detail": "The request body must be sent as 'Content-Type: application/json'.",
                    "source": {"pointer": "/"}
                })
            );
        }
    }
    assert_eq!(mock.accounts().len(), before, "nothing was created");
    // Parameters and case do not matter; the media type does.
    let rb = req(&mock, Method::POST, LIST)
        .header("content-type", "Application/JSON; charset=utf-8")
        .body(r#"{"business_name":"Acme"}"#);
    assert_eq!(send(rb).await.0, 200);
}

#[tokio::test]
async fn optional_bodies_may_be_absent() {
    let mock = MockServer::start().await;
    let id = mock.accounts()[0].id;
    for path in [
        format!("{LIST}/{id}/actions/disable"),
        format!("{LIST}/{id}/actions/enable"),
    ] {
        let (status, body) = send(req(&mock, Method::POST, &path)).await;
        assert_eq!(status, 200, "{path}: {body}");
    }
}

// -- item 3: error codes ----------------------------------------------------------

#[tokio::test]
async fn error_codes_are_telnyx_documented_ones() {
    let mock = MockServer::start().await;
    let taken = mock.accounts()[0].email.clone();
    let cases: Vec<(Value, u16, Value)> = vec![
        (
            json!({}),
            422,
            json!({"code": "10004", "title": "Missing required parameter",
                   "detail": "The 'business_name' parameter is required.",
                   "source": {"pointer": "/business_name"}}),
        ),
        (
            json!({"business_name": 5}),
            422,
            json!({"code": "10020", "title": "Invalid resource type",
                   "detail": "The 'business_name' parameter must be of type 'string'.",
                   "source": {"pointer": "/business_name"}}),
        ),
        (
            json!({"business_name": "Acme", "email": "not-an-email"}),
            422,
            json!({"code": "10019", "title": "Invalid email address",
                   "detail": "The 'email' parameter is not a valid email address.",
                   "source": {"pointer": "/email"}}),
        ),
        (
            json!({"business_name": "Acme", "email": taken}),
            422,
            json!({"code": "10015", "title": "Bad Request",
                   "detail": "The 'email' parameter has already been taken.",
                   "source": {"pointer": "/email"}}),
        ),
    ];
    for (body, status, want) in cases {
        let (got, resp) = send(req(&mock, Method::POST, LIST).json(&body)).await;
        assert_eq!(got, status, "{body}");
        assert_eq!(item(&resp), want, "{body}");
    }
    let rb = req(&mock, Method::POST, LIST)
        .header("content-type", "application/json")
        .body("{");
    let (status, resp) = send(rb).await;
    assert_eq!(status, 422);
    assert_eq!(item(&resp)["code"], "10023");
    assert_eq!(item(&resp)["title"], "Invalid JSON");

    // The ones faults produce.
    for (fault_status, code, title) in [
        (408, "10008", "Request timeout"),
        (409, "10012", "Duplicate resource"),
        (500, "10007", "Unexpected error"),
        (502, "10007", "Unexpected error"),
        (503, "10007", "Service unavailable"),
    ] {
        mock.fail_next(telnyx_accounts_mock::Fault::Status(fault_status));
        let (got, resp) = get(&mock, LIST).await;
        assert_eq!(got, fault_status);
        assert_eq!(item(&resp)["code"], code, "{fault_status}");
        assert_eq!(item(&resp)["title"], title, "{fault_status}");
        let detail = item(&resp)["detail"].as_str().unwrap_or("").to_owned();
        assert!(!detail.contains("occured"), "{detail}");
    }

    // 413: its own title, not "Bad Request".
    let big = format!(r#"{{"business_name":"{}"}}"#, "x".repeat(33 * 1024 * 1024));
    let (status, resp) = send(
        req(&mock, Method::POST, LIST)
            .header("content-type", "application/json")
            .body(big),
    )
    .await;
    assert_eq!(status, 413);
    assert_eq!(
        item(&resp),
        json!({"code": "10015", "title": "Request entity too large",
               "detail": "The request body is larger than the 32 MiB the mock accepts.",
               "source": {"pointer": "/"}})
    );
}

// -- item 4: data in more than one shape ----------------------------------------------

fn shape(ts: &str) -> &'static str {
    assert!(
        chrono::DateTime::parse_from_rfc3339(ts).is_ok(),
        "{ts} is not RFC 3339"
    );
    if ts.ends_with("+00:00") {
        "offset"
    } else if let Some((_, frac)) = ts.trim_end_matches('Z').split_once('.') {
        match frac.len() {
            3 => "millis",
            6 => "micros",
            _ => "other fraction",
        }
    } else {
        "seconds"
    }
}

#[tokio::test]
async fn seeded_timestamps_mix_rfc3339_forms() {
    let mock = MockServer::builder().accounts(200).users(40).start().await;
    let (_, body) = get(
        &mock,
        &format!("{LIST}?filter[status][eq]=all&page[size]=250"),
    )
    .await;
    let mut shapes = BTreeSet::new();
    for a in body["data"].as_array().expect("data") {
        for field in ["created_at", "updated_at"] {
            shapes.insert(shape(a[field].as_str().expect("timestamp")));
        }
    }
    assert_eq!(
        shapes,
        BTreeSet::from(["micros", "millis", "offset", "seconds"]),
        "accounts"
    );
    let (_, body) = get(&mock, "/organizations/users").await;
    let mut shapes = BTreeSet::new();
    for u in body["data"].as_array().expect("data") {
        shapes.insert(shape(u["created_at"].as_str().expect("created_at")));
        if let Some(ts) = u["last_sign_in_at"].as_str() {
            shapes.insert(shape(ts));
        }
    }
    assert_eq!(
        shapes,
        BTreeSet::from(["micros", "millis", "offset", "seconds"]),
        "users"
    );
    // The snapshot shows what the wire shows.
    let first = &mock.accounts()[0];
    let (_, one) = get(&mock, &format!("{LIST}/{}", first.id)).await;
    assert_eq!(one["data"]["created_at"], first.created_at.as_str());
}

#[tokio::test]
async fn rollup_billing_accounts_have_no_balance() {
    let mock = MockServer::builder().accounts(200).start().await;
    let accounts = mock.accounts();
    let rollup = accounts
        .iter()
        .find(|a| a.rollup_billing)
        .expect("a seeded rollup_billing account");
    let own = accounts
        .iter()
        .find(|a| !a.rollup_billing)
        .expect("an account with its own balance");
    let (_, body) = get(&mock, &format!("{LIST}/{}", rollup.id)).await;
    validate_response("/managed_accounts/{id}", "get", 200, &body);
    assert!(body["data"].get("balance").is_none(), "{body}");
    let (_, body) = get(&mock, &format!("{LIST}/{}", own.id)).await;
    assert_eq!(body["data"]["balance"]["record_type"], "balance");
    // Created over the API too.
    let (_, body) = send(
        req(&mock, Method::POST, LIST)
            .json(&json!({"business_name": "Roll Up", "rollup_billing": true})),
    )
    .await;
    assert_eq!(body["data"]["rollup_billing"], true);
    assert!(body["data"].get("balance").is_none(), "{body}");
}

// -- item 5: one validation order, documented precedence ---------------------------------

#[tokio::test]
async fn channel_limit_is_optional_and_absent_changes_nothing() {
    let mock = MockServer::start().await;
    let a = mock
        .accounts()
        .into_iter()
        .find(|a| a.channel_limit > 0)
        .expect("an account with channels");
    let path = format!("{LIST}/{}/update_global_channel_limit", a.id);
    let (status, body) = send(req(&mock, Method::PATCH, &path).json(&json!({}))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["channel_limit"], a.channel_limit);
    assert_eq!(
        mock.account(&a.id.to_string())
            .expect("still there")
            .channel_limit,
        a.channel_limit
    );
}

#[tokio::test]
async fn the_request_is_validated_before_the_id_is_looked_up() {
    let mock = MockServer::start().await;
    let missing = "6a09cdc3-8948-47f0-aa62-74ac943d6c58";
    let cancelled = mock
        .accounts()
        .into_iter()
        .find(|a| a.status == AccountStatus::Cancelled)
        .expect("a cancelled account")
        .id;
    // (method, path, content type, body, the status that answers)
    type Case = (
        Method,
        String,
        Option<&'static str>,
        Option<&'static str>,
        u16,
    );
    let cases: Vec<Case> = vec![
        // No body on a route that requires one: 422 before 404.
        (Method::PATCH, format!("{LIST}/{missing}"), None, None, 422),
        (
            Method::PATCH,
            format!("{LIST}/{missing}/update_global_channel_limit"),
            None,
            None,
            422,
        ),
        // The wrong media type: 415 before 404.
        (
            Method::PATCH,
            format!("{LIST}/{missing}"),
            Some("text/plain"),
            Some("{}"),
            415,
        ),
        // Field types: 422 before 404, for every body route.
        (
            Method::PATCH,
            format!("{LIST}/{missing}/update_global_channel_limit"),
            Some("application/json"),
            Some(r#"{"channel_limit":"7"}"#),
            422,
        ),
        (
            Method::POST,
            format!("{LIST}/{missing}/actions/enable"),
            Some("application/json"),
            Some(r#"{"reenable_all_connections":1}"#),
            422,
        ),
        // A valid request to an unknown id: 404.
        (
            Method::PATCH,
            format!("{LIST}/{missing}/update_global_channel_limit"),
            Some("application/json"),
            Some("{}"),
            404,
        ),
        // The body before the account's state: a bad field on a cancelled
        // account points at the field.
        (
            Method::POST,
            format!("{LIST}/{cancelled}/actions/enable"),
            Some("application/json"),
            Some(r#"{"reenable_all_connections":"yes"}"#),
            422,
        ),
        // Authentication before everything.
        (Method::PATCH, format!("{LIST}/{missing}"), None, None, 401),
    ];
    for (i, (method, path, ct, body, want)) in cases.into_iter().enumerate() {
        let mut rb = if want == 401 {
            client().request(method.clone(), format!("{}{path}", mock.base_url()))
        } else {
            req(&mock, method.clone(), &path)
        };
        if let Some(ct) = ct {
            rb = rb.header("content-type", ct);
        }
        if let Some(b) = body {
            rb = rb.body(b.to_owned());
        }
        let (status, resp) = send(rb).await;
        assert_eq!(status, want, "case {i}: {method} {path}: {resp}");
        if i == 6 {
            assert_eq!(
                error_item(&resp)["source"]["pointer"],
                "/reenable_all_connections"
            );
        }
    }
}

#[tokio::test]
async fn status_filter_takes_precedence_over_include_cancelled() {
    let mock = MockServer::start().await;
    let all = mock.accounts();
    let of = |s: AccountStatus| -> Vec<String> {
        let mut v: Vec<String> = all
            .iter()
            .filter(|a| a.status == s)
            .rev()
            .map(|a| a.id.to_string())
            .collect();
        v.truncate(250);
        v
    };
    for (query, want) in [
        (
            "filter[status][eq]=cancelled&include_cancelled_accounts=false",
            of(AccountStatus::Cancelled),
        ),
        (
            "filter[status][eq]=enabled&include_cancelled_accounts=true",
            of(AccountStatus::Enabled),
        ),
    ] {
        let (status, body) = get(&mock, &format!("{LIST}?{query}&page[size]=250")).await;
        assert_eq!(status, 200, "{query}");
        assert_eq!(ids(&body), want, "{query}");
    }
}

// -- what the crate docs list as not checked -------------------------------------

/// Each item of "What it does not check" in the crate docs, as a request
/// the mock accepts.
#[tokio::test]
async fn what_the_docs_say_is_not_checked_is_accepted() {
    let mock = MockServer::start().await;
    // Null body fields count as absent; unknown fields are ignored.
    let (status, body) = send(req(&mock, Method::POST, LIST).json(&json!({
        "business_name": "Nulls Inc",
        "email": null,
        "rollup_billing": null,
        "not_a_field": {"any": ["thing"]}
    })))
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body["data"]["email"].is_string(),
        "a generated email: {body}"
    );
    let (status, body) =
        send(req(&mock, Method::POST, LIST).json(&json!({"business_name": null}))).await;
    assert_eq!(status, 422);
    assert_eq!(item(&body)["code"], "10004");
    // Unknown query keys are ignored, on operations with and without a query.
    assert_eq!(get(&mock, &format!("{LIST}?no_such_key=1")).await.0, 200);
    let id = mock.accounts()[0].id;
    assert_eq!(
        get(&mock, &format!("{LIST}/{id}?page[size]=0")).await.0,
        200
    );
    // A repeated key keeps its last value; keys are percent-decoded; `%2B`
    // (a literal `+`) and any case of `true` pass.
    let (_, body) = get(&mock, &format!("{LIST}?page[size]=0&page%5Bsize%5D=%2B3")).await;
    assert_eq!(body["meta"]["page_size"], 3);
    let (status, _) = get(&mock, &format!("{LIST}?include_cancelled_accounts=TRUE")).await;
    assert_eq!(status, 200);
    // `eq` filters and the users' email filter take any string.
    assert_eq!(
        get(&mock, &format!("{LIST}?filter[email][eq]=x")).await.0,
        200
    );
    assert_eq!(
        get(&mock, "/organizations/users?filter[email]=x").await.0,
        200
    );
    // A body sent to an operation that takes none is not read.
    let resp = req(&mock, Method::POST, &format!("{LIST}/{id}/actions/disable"))
        .header("content-type", "text/plain")
        .body("not json")
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 200);
    // No 406: `Accept` is read only by the groups report.
    let resp = req(&mock, Method::GET, LIST)
        .header("accept", "application/xml")
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 200);
}
