use reqwest::Method;
use serde_json::json;
use telnyx_accounts_mock::MockServer;

use crate::common::{client, error_item, get, into_json, req, send, validate_response};

#[tokio::test]
async fn auth_failures_are_401_with_telnyx_body() {
    let mock = MockServer::start().await;
    let expected = json!({"errors": [{
        "code": "10009",
        "title": "Authentication failed",
        "detail": "Could not understand the provided credentials.",
        "meta": {"url": "https://developers.telnyx.com/docs/overview/errors/10009"}
    }]});
    for key in [None, Some("wrong-key")] {
        for path in ["/managed_accounts", "/organizations/users", "/no/such/path"] {
            let mut rb = client().get(format!("{}{path}", mock.base_url()));
            if let Some(k) = key {
                rb = rb.bearer_auth(k);
            }
            let resp = rb.send().await.expect("send");
            assert_eq!(resp.headers()["content-type"], "application/json");
            let (status, body) = into_json(resp).await;
            assert_eq!(status, 401, "{path} {key:?}");
            assert_eq!(body, expected);
            if path != "/no/such/path" {
                validate_response(path, "get", 401, &body);
            }
        }
    }
}

/// The spec declares some error responses without a body (401 and 403 of
/// the managed accounts, their 404s): those are checked against its
/// `ErrorResponse` all the same, not passed unread.
#[test]
fn responses_declared_without_a_body_are_still_validated() {
    let not_an_error_body = json!({"errors": "not a list"});
    for (path, method, status) in [
        ("/managed_accounts/{id}", "get", 404),
        ("/managed_accounts", "get", 401),
        (
            "/managed_accounts/allocatable_global_outbound_channels",
            "get",
            403,
        ),
    ] {
        let checked = std::panic::catch_unwind(|| {
            validate_response(path, method, status, &not_an_error_body)
        });
        assert!(
            checked.is_err(),
            "{method} {path} {status}: a body that is no error envelope passed"
        );
        validate_response(
            path,
            method,
            status,
            &json!({"errors": [{"code": "10005"}]}),
        );
    }
}

#[tokio::test]
async fn unknown_ids_and_paths_are_404() {
    let mock = MockServer::start().await;
    for (method, path) in [
        (
            Method::GET,
            "/managed_accounts/6a09cdc3-8948-47f0-aa62-74ac943d6c58".to_owned(),
        ),
        (Method::GET, "/managed_accounts/not-a-uuid".to_owned()),
        (
            Method::PATCH,
            "/managed_accounts/6a09cdc3-8948-47f0-aa62-74ac943d6c58".to_owned(),
        ),
        (
            Method::POST,
            "/managed_accounts/6a09cdc3-8948-47f0-aa62-74ac943d6c58/actions/disable".to_owned(),
        ),
        (Method::GET, "/organizations/users/nobody".to_owned()),
        (Method::GET, "/nope".to_owned()),
        (Method::DELETE, "/managed_accounts".to_owned()),
    ] {
        let (status, body) = send(req(&mock, method.clone(), &path).json(&json!({}))).await;
        assert_eq!(status, 404, "{method} {path}");
        assert_eq!(
            error_item(&body),
            &json!({
                "code": "10005",
                "title": "Resource not found",
                "detail": "The requested resource or URL could not be found.",
                "source": {"pointer": "/"},
                "meta": {"url": "https://developers.telnyx.com/docs/overview/errors/10005"}
            })
        );
    }
}

#[tokio::test]
async fn query_errors_name_the_parameter() {
    let mock = MockServer::start().await;
    let cases = [
        ("/managed_accounts?page[size]=0", 422, "page[size]"),
        ("/managed_accounts?page%5Bsize%5D=251", 422, "page[size]"),
        ("/managed_accounts?page[number]=0", 422, "page[number]"),
        ("/managed_accounts?page[number]=abc", 400, "page[number]"),
        (
            "/managed_accounts?filter[email][contains]=ab",
            422,
            "filter[email][contains]",
        ),
        (
            "/managed_accounts?filter[organization_name][contains]=x",
            422,
            "filter[organization_name][contains]",
        ),
        (
            "/managed_accounts?filter[status][eq]=sleeping",
            400,
            "filter[status][eq]",
        ),
        ("/managed_accounts?sort=name", 400, "sort"),
        (
            "/managed_accounts?include_cancelled_accounts=yes",
            400,
            "include_cancelled_accounts",
        ),
        (
            "/organizations/users?include_groups=maybe",
            400,
            "include_groups",
        ),
        (
            "/organizations/users?filter[user_status]=gone",
            400,
            "filter[user_status]",
        ),
        ("/organizations/users?page[size]=300", 422, "page[size]"),
        ("/organizations/users?page[number]=-1", 422, "page[number]"),
    ];
    for (path, want, param) in cases {
        let (status, body) = get(&mock, path).await;
        assert_eq!(status, want, "{path}");
        assert_eq!(error_item(&body)["source"]["parameter"], param, "{path}");
        let code = if want == 400 {
            "10015"
        } else {
            error_item(&body)["code"].as_str().unwrap_or("")
        };
        assert_eq!(error_item(&body)["code"], code);
        if path.starts_with("/organizations/users") && want == 400 {
            validate_response("/organizations/users", "get", 400, &body);
        }
    }
}

#[tokio::test]
async fn body_errors_point_at_the_field() {
    let mock = MockServer::start().await;
    let id = mock.accounts()[0].id.to_string();
    let limit = format!("/managed_accounts/{id}/update_global_channel_limit");
    let cases: Vec<(Method, String, &str, &str)> = vec![
        (
            Method::POST,
            "/managed_accounts".into(),
            "{}",
            "/business_name",
        ),
        (
            Method::POST,
            "/managed_accounts".into(),
            r#"{"business_name": ""}"#,
            "/business_name",
        ),
        (
            Method::POST,
            "/managed_accounts".into(),
            r#"{"business_name": 5}"#,
            "/business_name",
        ),
        (
            Method::POST,
            "/managed_accounts".into(),
            r#"{"business_name": "x", "email": 3}"#,
            "/email",
        ),
        (
            Method::POST,
            "/managed_accounts".into(),
            r#"{"business_name": "x", "rollup_billing": "no"}"#,
            "/rollup_billing",
        ),
        (
            Method::POST,
            "/managed_accounts".into(),
            r#"{"business_name": "x""#,
            "/",
        ),
        (Method::POST, "/managed_accounts".into(), "[1,2]", "/"),
        (
            Method::PATCH,
            format!("/managed_accounts/{id}"),
            r#"{"managed_account_allow_custom_pricing": "yes"}"#,
            "/managed_account_allow_custom_pricing",
        ),
        (
            Method::PATCH,
            limit.clone(),
            r#"{"channel_limit": -1}"#,
            "/channel_limit",
        ),
        (
            Method::PATCH,
            limit.clone(),
            r#"{"channel_limit": "7"}"#,
            "/channel_limit",
        ),
        (
            Method::PATCH,
            limit.clone(),
            r#"{"channel_limit": 1.5}"#,
            "/channel_limit",
        ),
        // No body where the spec requires one.
        (Method::PATCH, limit.clone(), "", "/"),
        (Method::PATCH, limit, "not json", "/"),
        (
            Method::POST,
            format!("/managed_accounts/{id}/actions/enable"),
            r#"{"reenable_all_connections": 1}"#,
            "/reenable_all_connections",
        ),
    ];
    for (method, path, body, pointer) in cases {
        let rb = req(&mock, method.clone(), &path)
            .header("content-type", "application/json")
            .body(body.to_owned());
        let (status, resp) = send(rb).await;
        assert_eq!(status, 422, "{method} {path} {body}");
        assert_eq!(
            error_item(&resp)["source"]["pointer"],
            pointer,
            "{method} {path} {body}"
        );
        validate_response("/managed_accounts", "post", 422, &resp);
    }
}

#[test]
#[should_panic(expected = "does not match the spec")]
fn schema_check_is_not_vacuous() {
    // A list item without the required `id`, and a wrong meta type.
    let body = json!({"data": [{"record_type": "managed_account"}], "meta": {"page_number": "1"}});
    validate_response("/managed_accounts", "get", 200, &body);
}
