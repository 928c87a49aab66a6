use reqwest::Method;
use serde_json::json;
use telnyx_accounts_mock::{MockServer, UserStatus};

use crate::common::{client, error_item, get, ids, into_json, req, send, validate_response};

const USERS: &str = "/organizations/users";

#[tokio::test]
async fn list_users_default_and_groups() {
    let mock = MockServer::start().await;
    let (status, body) = get(&mock, USERS).await;
    assert_eq!(status, 200);
    validate_response(USERS, "get", 200, &body);
    assert_eq!(
        body["meta"],
        json!({"page_number": 1, "page_size": 250, "total_pages": 1, "total_results": 20})
    );
    let data = body["data"].as_array().expect("data");
    assert_eq!(data[0]["record_type"], "organization_owner");
    assert!(data[1..]
        .iter()
        .all(|u| u["record_type"] == "organization_sub_user"));
    assert!(data.iter().all(|u| u.get("groups").is_none()));
    assert!(data.iter().any(|u| u["last_sign_in_at"].is_null()));

    let (_, body) = get(&mock, &format!("{USERS}?include_groups=true")).await;
    validate_response(USERS, "get", 200, &body);
    let data = body["data"].as_array().expect("data");
    assert!(data.iter().all(|u| u["groups"].is_array()));
    assert_eq!(
        data[1]["groups"]
            .as_array()
            .expect("groups")
            .iter()
            .map(|g| g["name"].clone())
            .collect::<Vec<_>>(),
        vec![json!("Engineering"), json!("Sales")]
    );
}

#[tokio::test]
async fn user_filters_and_paging() {
    let mock = MockServer::start().await;
    let users = mock.users();
    for (status, name) in [
        (UserStatus::Enabled, "enabled"),
        (UserStatus::Disabled, "disabled"),
        (UserStatus::Blocked, "blocked"),
    ] {
        let (code, body) = get(&mock, &format!("{USERS}?filter[user_status]={name}")).await;
        assert_eq!(code, 200);
        let want: Vec<String> = users
            .iter()
            .filter(|u| u.user_status == status)
            .map(|u| u.id.clone())
            .collect();
        assert!(!want.is_empty());
        assert_eq!(ids(&body), want, "{name}");
    }
    let target = &users[5];
    let part = target.email[2..8].to_uppercase();
    let rb = req(&mock, Method::GET, USERS).query(&[("filter[email]", part.as_str())]);
    let (_, body) = send(rb).await;
    assert!(ids(&body).contains(&target.id));

    let (_, body) = get(&mock, &format!("{USERS}?page[number]=2&page[size]=6")).await;
    assert_eq!(
        body["meta"],
        json!({"page_number": 2, "page_size": 6, "total_pages": 4, "total_results": 20})
    );
    let want: Vec<String> = users[6..12].iter().map(|u| u.id.clone()).collect();
    assert_eq!(ids(&body), want);
}

#[tokio::test]
async fn retrieve_and_remove() {
    let mock = MockServer::start().await;
    let user = mock.users()[3].clone();
    let path = format!("{USERS}/{}", user.id);
    let (status, body) = get(&mock, &path).await;
    assert_eq!(status, 200);
    validate_response("/organizations/users/{id}", "get", 200, &body);
    assert_eq!(body["data"]["email"], user.email.as_str());
    assert!(body["data"].get("groups").is_none());
    let (_, body) = get(&mock, &format!("{path}?include_groups=true")).await;
    assert!(body["data"]["groups"].is_array());

    let (status, body) = send(req(&mock, Method::POST, &format!("{path}/actions/remove"))).await;
    assert_eq!(status, 200);
    validate_response(
        "/organizations/users/{id}/actions/remove",
        "post",
        200,
        &body,
    );
    assert_eq!(body["data"]["id"], user.id.as_str());

    let (status, body) = get(&mock, &path).await;
    assert_eq!(status, 404);
    validate_response("/organizations/users/{id}", "get", 404, &body);
    let (_, body) = get(&mock, USERS).await;
    assert!(!ids(&body).contains(&user.id));
    assert_eq!(body["meta"]["total_results"], 19);
    let (status, _) = send(req(&mock, Method::POST, &format!("{path}/actions/remove"))).await;
    assert_eq!(status, 404);

    // The owner stays.
    let owner = mock.users()[0].clone();
    let (status, body) = send(req(
        &mock,
        Method::POST,
        &format!("{USERS}/{}/actions/remove", owner.id),
    ))
    .await;
    assert_eq!(status, 403);
    assert_eq!(error_item(&body)["code"], "10010");
}

#[tokio::test]
async fn groups_report_json_and_csv() {
    let mock = MockServer::start().await;
    let report = "/organizations/users/users_groups_report";
    let (status, body) = get(&mock, report).await;
    assert_eq!(status, 200);
    validate_response(report, "get", 200, &body);
    assert!(body.get("meta").is_none());
    let data = body["data"].as_array().expect("data");
    assert_eq!(data.len(), 20);
    assert!(data.iter().all(|u| u["groups"].is_array()));

    let resp = client()
        .get(format!("{}{report}", mock.base_url()))
        .bearer_auth(mock.api_key())
        .header("accept", "text/csv")
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "text/csv");
    let text = resp.text().await.expect("text");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "id,email,user_status,created_at,last_sign_in_at,groups"
    );
    assert_eq!(lines.len(), 21);
    let second = mock.users()[1].clone();
    assert!(
        lines[2].starts_with(&format!("{},{},", second.id, second.email))
            && lines[2].ends_with(",\"Engineering, Sales\""),
        "{}",
        lines[2]
    );
    // A user who never signed in has an empty cell.
    let never = mock
        .users()
        .into_iter()
        .find(|u| u.last_sign_in_at.is_none())
        .expect("one");
    let row = lines
        .iter()
        .find(|l| l.starts_with(&never.id))
        .expect("row");
    assert!(row.contains(&format!(",{},,", never.created_at)), "{row}");
    let _ = into_json; // (JSON helper unused here)
}
