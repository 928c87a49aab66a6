use std::time::Duration;

use reqwest::Method;
use serde_json::json;
use telnyx_accounts_mock::{Fault, FaultRule, MockServer, RetryHint};

use crate::common::{client, error_item, get, into_json, req};

const LIST: &str = "/managed_accounts";

async fn raw(mock: &MockServer, method: Method, path: &str) -> reqwest::Response {
    req(mock, method, path).send().await.expect("send")
}

#[tokio::test]
async fn status_fault_with_extra_headers_then_normal() {
    let mock = MockServer::start().await;
    mock.inject(
        FaultRule::new(Fault::Status(500))
            .path(LIST)
            .times(2)
            .header("x-should-retry", "false"),
    );
    for _ in 0..2 {
        let resp = raw(&mock, Method::GET, LIST).await;
        assert_eq!(resp.headers()["x-should-retry"], "false");
        let (status, body) = into_json(resp).await;
        assert_eq!(status, 500);
        assert_eq!(error_item(&body)["code"], "10007");
    }
    assert_eq!(get(&mock, LIST).await.0, 200);
    assert_eq!(mock.pending_faults(), 0);
}

#[tokio::test]
async fn matching_by_method_path_and_operation() {
    let mock = MockServer::start().await;
    mock.inject(
        FaultRule::new(Fault::Status(409))
            .method("post")
            .path("/v2/managed_accounts"),
    );
    mock.inject(
        FaultRule::new(Fault::Status(418))
            .operation("ListOrganizationUsers")
            .always(),
    );
    // GET on the accounts path is not matched by the POST rule.
    assert_eq!(get(&mock, LIST).await.0, 200);
    for _ in 0..3 {
        assert_eq!(get(&mock, "/organizations/users").await.0, 418);
    }
    // The users' retrieve is another operation, under the same prefix.
    let id = mock.users()[0].id.clone();
    assert_eq!(
        get(&mock, &format!("/organizations/users/{id}")).await.0,
        200
    );
    let resp = req(&mock, Method::POST, LIST)
        .json(&json!({"business_name": "Acme"}))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 409);
    assert_eq!(mock.pending_faults(), 1);
    mock.clear_faults();
    assert_eq!(get(&mock, "/organizations/users").await.0, 200);
}

#[tokio::test]
async fn rate_limit_and_unavailable_headers() {
    let mock = MockServer::start().await;

    mock.fail_next(Fault::RateLimited(RetryHint::Seconds(3)));
    let resp = raw(&mock, Method::GET, LIST).await;
    assert_eq!(resp.status(), 429);
    assert_eq!(resp.headers()["retry-after"], "3");
    assert_eq!(resp.headers()["x-ratelimit-remaining"], "0");
    let (_, body) = into_json(resp).await;
    assert_eq!(error_item(&body)["code"], "10011");

    mock.fail_next(Fault::RateLimited(RetryHint::HttpDate(
        Duration::from_secs(30),
    )));
    let resp = raw(&mock, Method::GET, LIST).await;
    let date = resp.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(date.ends_with(" GMT"), "{date}");

    mock.fail_next(Fault::RateLimited(RetryHint::Millis(250)));
    let resp = raw(&mock, Method::GET, LIST).await;
    assert_eq!(resp.headers()["retry-after-ms"], "250");
    assert!(resp.headers().get("retry-after").is_none());

    mock.fail_next(Fault::RateLimited(RetryHint::RateLimitReset(7)));
    let resp = raw(&mock, Method::GET, LIST).await;
    assert_eq!(resp.status(), 429);
    assert!(resp.headers().get("retry-after").is_none());
    assert_eq!(resp.headers()["x-ratelimit-reset"], "7");
    assert_eq!(resp.headers()["x-ratelimit-limit"], "100");
    assert_eq!(resp.headers()["x-ratelimit-remaining"], "0");

    mock.fail_next(Fault::Unavailable(RetryHint::Seconds(2)));
    let resp = raw(&mock, Method::GET, LIST).await;
    assert_eq!(resp.status(), 503);
    assert_eq!(resp.headers()["retry-after"], "2");
    assert!(resp.headers().get("x-request-id").is_some());
}

#[tokio::test]
async fn delay_trips_a_client_timeout() {
    let mock = MockServer::start().await;
    mock.fail_next(Fault::Delay(Duration::from_millis(400)));
    let err = req(&mock, Method::GET, LIST)
        .timeout(Duration::from_millis(100))
        .send()
        .await
        .expect_err("times out");
    assert!(err.is_timeout(), "{err}");
    // A delay that the client waits out ends in the normal response.
    mock.fail_next(Fault::Delay(Duration::from_millis(20)));
    assert_eq!(get(&mock, LIST).await.0, 200);
}

#[tokio::test]
async fn stalled_body_after_headers() {
    let mock = MockServer::start().await;
    mock.fail_next(Fault::StallBody(Duration::from_secs(30)));
    let resp = tokio::time::timeout(Duration::from_secs(5), raw(&mock, Method::GET, LIST))
        .await
        .expect("headers arrive at once");
    assert_eq!(resp.status(), 200);
    let body = tokio::time::timeout(Duration::from_millis(150), resp.bytes()).await;
    assert!(body.is_err(), "the body is held back");
}

#[tokio::test]
async fn dropped_connection_is_a_client_error() {
    let mock = MockServer::start().await;
    mock.fail_next(Fault::DropConnection);
    let err = raw_err(&mock).await;
    assert!(!err.is_timeout() && !err.is_status(), "{err}");
    // The server carries on.
    assert_eq!(get(&mock, LIST).await.0, 200);
}

async fn raw_err(mock: &MockServer) -> reqwest::Error {
    req(mock, Method::GET, LIST)
        .send()
        .await
        .expect_err("no response")
}

#[tokio::test]
async fn reset_mid_body() {
    let mock = MockServer::start().await;
    mock.fail_next(Fault::ResetMidBody);
    let resp = raw(&mock, Method::GET, LIST).await;
    assert_eq!(resp.status(), 200);
    assert!(resp.bytes().await.is_err());
}

#[tokio::test]
async fn truncated_html_empty_and_raw_bodies() {
    let mock = MockServer::start().await;

    mock.fail_next(Fault::TruncatedJson);
    let resp = raw(&mock, Method::GET, LIST).await;
    assert_eq!(resp.status(), 200);
    let bytes = resp.bytes().await.expect("complete HTTP body");
    assert!(!bytes.is_empty());
    assert!(serde_json::from_slice::<serde_json::Value>(&bytes).is_err());

    mock.fail_next(Fault::Html502);
    let resp = raw(&mock, Method::GET, LIST).await;
    assert_eq!(resp.status(), 502);
    assert_eq!(resp.headers()["content-type"], "text/html");
    assert!(resp.text().await.expect("text").contains("502 Bad Gateway"));

    mock.fail_next(Fault::Empty200);
    let resp = raw(&mock, Method::GET, LIST).await;
    assert_eq!(resp.status(), 200);
    assert!(resp.bytes().await.expect("body").is_empty());

    let lying = json!({"data": [], "meta": {"page_number": 1, "page_size": 20, "total_pages": 9, "total_results": 180}});
    mock.fail_next(Fault::json_200(lying.to_string()));
    let (status, body) = into_json(raw(&mock, Method::GET, LIST).await).await;
    assert_eq!((status, body), (200, lying));

    let big = vec![b' '; 30 * 1024 * 1024];
    mock.fail_next(Fault::Raw {
        status: 200,
        content_type: "application/json".into(),
        body: big.into(),
    });
    let resp = req(&mock, Method::GET, LIST).send().await.expect("send");
    assert_eq!(resp.bytes().await.expect("30 MB").len(), 30 * 1024 * 1024);
}

#[tokio::test]
async fn passthrough_adds_headers_to_real_responses() {
    let mock = MockServer::start().await;
    mock.inject(FaultRule::new(Fault::Passthrough).header("x-should-retry", "true"));
    let resp = raw(&mock, Method::GET, LIST).await;
    assert_eq!(resp.headers()["x-should-retry"], "true");
    let (status, body) = into_json(resp).await;
    assert_eq!(status, 200);
    assert!(body["data"].is_array());
}

/// A request to `path` with this bearer token (`None`: no `Authorization`).
async fn with_key(mock: &MockServer, key: Option<&str>) -> reqwest::Response {
    let rb = client().get(format!("{}{LIST}", mock.base_url()));
    let rb = match key {
        Some(k) => rb.bearer_auth(k),
        None => rb,
    };
    rb.send().await.expect("send")
}

#[tokio::test]
async fn faults_apply_after_authentication() {
    let mock = MockServer::start().await;
    let canned = json!({"data": [], "meta": {"page_number": 1, "page_size": 20, "total_pages": 0, "total_results": 0}});
    mock.inject(
        FaultRule::new(Fault::json_200(canned.to_string()))
            .always()
            .expect(1),
    );
    // A wrong key, or none, gets its 401 as from Telnyx, not the canned 200.
    for key in [Some("wrong-key"), None] {
        let (status, body) = into_json(with_key(&mock, key).await).await;
        assert_eq!(status, 401, "{key:?}");
        assert_eq!(error_item(&body)["code"], "10009");
    }
    let (status, body) = into_json(with_key(&mock, Some(mock.api_key())).await).await;
    assert_eq!((status, body), (200, canned));
    mock.verify();
}

#[tokio::test]
async fn a_rule_may_fire_before_authentication() {
    let mock = MockServer::start().await;
    mock.inject(
        FaultRule::new(Fault::Html502)
            .before_auth()
            .times(2)
            .expect(2),
    );
    for key in [Some("wrong-key"), None] {
        let resp = with_key(&mock, key).await;
        assert_eq!(resp.status(), 502, "{key:?}: the gateway fails first");
        assert!(resp.text().await.expect("text").contains("502 Bad Gateway"));
    }
    assert_eq!(with_key(&mock, None).await.status(), 401, "used up");
    mock.verify();
    // A rule that does not fire before authentication stays pending while
    // unauthenticated requests pass by, even behind a before-auth one.
    mock.inject(FaultRule::new(Fault::Status(500)));
    mock.inject(
        FaultRule::new(Fault::Passthrough)
            .before_auth()
            .header("x-edge", "1"),
    );
    let resp = with_key(&mock, None).await;
    assert_eq!(resp.status(), 401);
    assert_eq!(resp.headers()["x-edge"], "1");
    assert_eq!(mock.pending_faults(), 1);
    assert_eq!(get(&mock, LIST).await.0, 500);
}
