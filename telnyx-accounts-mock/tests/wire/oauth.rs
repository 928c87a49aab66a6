//! OAuth2 client credentials (issue 12, the mock's side).

use std::time::Duration;

use base64::Engine as _;
use reqwest::{Method, RequestBuilder};
use serde_json::{json, Value};
use telnyx_accounts_mock::MockServer;

use crate::common::{client, error_item, into_json, req, send};

const ID: &str = "client-1";
const SECRET: &str = "s3cret-value";

fn basic(id: &str, secret: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
    format!("Basic {encoded}")
}

/// A token request as Telnyx's official SDKs send it.
fn token_request(mock: &MockServer, authorization: &str, body: &str) -> RequestBuilder {
    client()
        .post(mock.token_url())
        .header("authorization", authorization)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.to_owned())
}

async fn token(mock: &MockServer) -> String {
    let (status, body) = send(token_request(
        mock,
        &basic(ID, SECRET),
        "grant_type=client_credentials",
    ))
    .await;
    assert_eq!(status, 200, "{body}");
    body["access_token"]
        .as_str()
        .expect("access_token")
        .to_owned()
}

async fn list_with(mock: &MockServer, bearer: &str) -> (u16, Value) {
    send(
        client()
            .get(format!("{}/managed_accounts?page[size]=1", mock.base_url()))
            .bearer_auth(bearer),
    )
    .await
}

fn mock_with_credentials() -> telnyx_accounts_mock::MockServerBuilder {
    MockServer::builder().client_credentials(ID, SECRET)
}

#[tokio::test]
async fn a_token_is_accepted_beside_the_api_key_until_it_expires() {
    let mock = mock_with_credentials()
        .token_ttl(Duration::from_secs(900))
        .start()
        .await;
    assert_eq!(mock.token_url(), format!("{}/oauth/token", mock.base_url()));
    assert_eq!(mock.client_id(), Some(ID));
    let resp = token_request(&mock, &basic(ID, SECRET), "grant_type=client_credentials")
        .send()
        .await
        .expect("send");
    assert_eq!(resp.headers()["content-type"], "application/json");
    assert_eq!(resp.headers()["cache-control"], "no-store");
    let (status, body) = into_json(resp).await;
    assert_eq!(status, 200);
    let token = body["access_token"].as_str().expect("a string").to_owned();
    assert_eq!(
        body,
        json!({"access_token": token, "token_type": "bearer", "expires_in": 900})
    );
    assert!(!token.contains(SECRET) && !token.contains(ID));

    assert_eq!(list_with(&mock, &token).await.0, 200);
    assert_eq!(
        list_with(&mock, mock.api_key()).await.0,
        200,
        "the key still works"
    );
    let other = self::token(&mock).await;
    assert_ne!(other, token, "every token is new");
    assert_eq!(mock.valid_tokens(), 2);

    assert_eq!(mock.expire_tokens(), 2);
    let (status, body) = list_with(&mock, &token).await;
    assert_eq!(status, 401);
    assert_eq!(
        error_item(&body),
        &json!({
            "code": "10009",
            "title": "Authentication failed",
            "detail": "The access token has expired.",
            "meta": {"url": "https://developers.telnyx.com/docs/overview/errors/10009"}
        })
    );
    assert_eq!(list_with(&mock, mock.api_key()).await.0, 200);
    let fresh = self::token(&mock).await;
    assert_eq!(list_with(&mock, &fresh).await.0, 200);
}

#[tokio::test]
async fn a_token_lives_for_its_ttl() {
    let mock = mock_with_credentials()
        .token_ttl(Duration::ZERO)
        .start()
        .await;
    let (_, body) = send(token_request(
        &mock,
        &basic(ID, SECRET),
        "grant_type=client_credentials",
    ))
    .await;
    assert_eq!(body["expires_in"], 0);
    let token = body["access_token"].as_str().expect("token").to_owned();
    let (status, body) = list_with(&mock, &token).await;
    assert_eq!(status, 401);
    assert_eq!(error_item(&body)["detail"], "The access token has expired.");
}

#[tokio::test]
async fn token_endpoint_errors() {
    let mock = mock_with_credentials().start().await;
    let good = basic(ID, SECRET);
    let cases: Vec<(RequestBuilder, u16, Value)> = vec![
        (
            token_request(&mock, &basic(ID, "wrong"), "grant_type=client_credentials"),
            401,
            json!({"code": "10009", "title": "Authentication failed",
                   "detail": "The client credentials (Authorization: Basic) are missing or invalid."}),
        ),
        (
            token_request(
                &mock,
                &basic("other", SECRET),
                "grant_type=client_credentials",
            ),
            401,
            json!({"code": "10009", "title": "Authentication failed",
                   "detail": "The client credentials (Authorization: Basic) are missing or invalid."}),
        ),
        (
            token_request(
                &mock,
                &format!("Bearer {}", mock.api_key()),
                "grant_type=client_credentials",
            ),
            401,
            json!({"code": "10009", "title": "Authentication failed",
                   "detail": "The client credentials (Authorization: Basic) are missing or invalid."}),
        ),
        (
            token_request(&mock, "Basic %%%", "grant_type=client_credentials"),
            401,
            json!({"code": "10009", "title": "Authentication failed",
                   "detail": "The client credentials (Authorization: Basic) are missing or invalid."}),
        ),
        (
            token_request(&mock, &good, ""),
            400,
            json!({"code": "10004", "title": "Missing required parameter",
                   "detail": "The 'grant_type' parameter is required.",
                   "source": {"parameter": "grant_type"}}),
        ),
        (
            token_request(&mock, &good, "grant_type=password"),
            400,
            json!({"code": "10015", "title": "Bad Request",
                   "detail": "The 'grant_type' parameter must be 'client_credentials'.",
                   "source": {"parameter": "grant_type"}}),
        ),
        (
            client()
                .post(mock.token_url())
                .header("authorization", &good)
                .json(&json!({"grant_type": "client_credentials"})),
            415,
            json!({"code": "10014", "title": "Unsupported Media Type",
                   "detail": "The request body must be sent as 'Content-Type: application/x-www-form-urlencoded'.",
                   "source": {"pointer": "/"}}),
        ),
    ];
    for (i, (rb, want, item)) in cases.into_iter().enumerate() {
        let resp = rb.send().await.expect("send");
        let www = resp.headers().get("www-authenticate").cloned();
        let (status, body) = into_json(resp).await;
        assert_eq!(status, want, "case {i}: {body}");
        let mut got = error_item(&body).clone();
        got.as_object_mut().map(|m| m.remove("meta"));
        assert_eq!(got, item, "case {i}");
        assert_eq!(www.is_some(), want == 401, "case {i}");
    }
    assert_eq!(mock.valid_tokens(), 0);

    // Without client credentials configured, nobody gets a token.
    let plain = MockServer::start().await;
    let (status, _) = send(token_request(
        &plain,
        &basic(ID, SECRET),
        "grant_type=client_credentials",
    ))
    .await;
    assert_eq!(status, 401);
    // Another method on the token path is an API request like any other.
    let (status, _) = send(req(&mock, Method::GET, "/oauth/token")).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn the_log_keeps_token_requests_with_the_secret_redacted() {
    let mock = mock_with_credentials().start().await;
    let (status, body) = send(token_request(
        &mock,
        &basic(ID, SECRET),
        &format!("grant_type=client_credentials&client_secret={SECRET}"),
    ))
    .await;
    assert_eq!(status, 200);
    let token = body["access_token"].as_str().expect("token").to_owned();
    send(
        client()
            .post(format!("{}/managed_accounts", mock.base_url()))
            .bearer_auth(&token)
            .json(&json!({"business_name": "Secretive Inc", "password": "hunter2-password"})),
    )
    .await;
    let log = mock.requests();
    assert_eq!(log.len(), 2);
    let t = &log[0];
    assert!(t.is_token_request() && !log[1].is_token_request());
    assert_eq!(
        (t.method.as_str(), t.path.as_str()),
        ("POST", "/v2/oauth/token")
    );
    assert_eq!(t.operation_id, None);
    assert_eq!(t.status, Some(200));
    assert_eq!(t.header("authorization"), Some("Basic [redacted]"));
    assert_eq!(
        t.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        &t.body[..],
        b"grant_type=client_credentials&client_secret=%5Bredacted%5D"
    );
    let encoded = basic(ID, SECRET);
    for r in &log {
        let debug = format!("{r:?}");
        for secret in [SECRET, encoded.as_str(), token.as_str(), "hunter2-password"] {
            assert!(!debug.contains(secret), "{debug}");
        }
    }
    assert_eq!(
        log[1].header("authorization"),
        Some(format!("Bearer {token}").as_str())
    );
}
