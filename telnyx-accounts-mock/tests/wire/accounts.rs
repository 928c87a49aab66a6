use reqwest::Method;
use serde_json::{json, Value};
use telnyx_accounts_mock::{AccountStatus, MockAccount, MockServer};

use crate::common::{error_item, get, ids, req, send, validate_response};

const LIST: &str = "/managed_accounts";

fn expected_ids(accounts: &[MockAccount]) -> Vec<String> {
    accounts.iter().map(|a| a.id.to_string()).collect()
}

#[tokio::test]
async fn default_list_is_newest_first_without_cancelled() {
    let mock = MockServer::start().await;
    let (status, body) = get(&mock, LIST).await;
    assert_eq!(status, 200);
    validate_response(LIST, "get", 200, &body);
    let mut visible: Vec<MockAccount> = mock
        .accounts()
        .into_iter()
        .filter(|a| a.status != AccountStatus::Cancelled)
        .collect();
    visible.reverse();
    assert_eq!(
        body["meta"],
        json!({"page_number": 1, "page_size": 20,
               "total_pages": visible.len().div_ceil(20), "total_results": visible.len()})
    );
    assert_eq!(ids(&body), expected_ids(&visible[..20]));
    let first = &body["data"][0];
    assert_eq!(first["record_type"], "managed_account");
    assert!(first.get("api_key").is_none() && first.get("balance").is_none());
}

#[tokio::test]
async fn sorts_in_both_directions() {
    let mock = MockServer::start().await;
    let all = mock.accounts(); // oldest first
    let mut by_email = all.clone();
    by_email.sort_by_key(|a| (a.email.to_lowercase(), a.id));
    let cases: [(&str, Vec<MockAccount>); 4] = [
        ("created_at", all.clone()),
        ("-created_at", all.iter().rev().cloned().collect()),
        ("email", by_email.clone()),
        ("-email", by_email.iter().rev().cloned().collect()),
    ];
    for (sort, want) in cases {
        let (status, body) = get(
            &mock,
            &format!("{LIST}?sort={sort}&filter[status][eq]=all&page[size]=250"),
        )
        .await;
        assert_eq!(status, 200, "{sort}");
        assert_eq!(ids(&body), expected_ids(&want), "sort={sort}");
    }
}

#[tokio::test]
async fn status_filters_and_include_cancelled() {
    let mock = MockServer::start().await;
    let all = mock.accounts();
    let count = |f: &dyn Fn(AccountStatus) -> bool| all.iter().filter(|a| f(a.status)).count();
    let cases: [(&str, usize); 8] = [
        ("filter[status][eq]=all", all.len()),
        (
            "filter[status][eq]=active",
            count(&|s| s != AccountStatus::Cancelled),
        ),
        (
            "filter[status][eq]=enabled",
            count(&|s| s == AccountStatus::Enabled),
        ),
        (
            "filter[status][eq]=disabled",
            count(&|s| s == AccountStatus::Disabled),
        ),
        (
            "filter[status][eq]=cancelled",
            count(&|s| s == AccountStatus::Cancelled),
        ),
        (
            "filter[status][eq]=blocked",
            count(&|s| s == AccountStatus::Blocked),
        ),
        ("include_cancelled_accounts=true", all.len()),
        (
            "include_cancelled_accounts=false",
            count(&|s| s != AccountStatus::Cancelled),
        ),
    ];
    for (q, want) in cases {
        let (status, body) = get(&mock, &format!("{LIST}?{q}&page[size]=250")).await;
        assert_eq!(status, 200, "{q}");
        assert_eq!(body["meta"]["total_results"], want, "{q}");
        assert!(want > 0, "seed has every status ({q})");
    }
}

#[tokio::test]
async fn text_filters() {
    let mock = MockServer::start().await;
    let target = mock
        .accounts()
        .into_iter()
        .find(|a| a.status == AccountStatus::Enabled)
        .expect("an enabled account");
    // eq: exact.
    let (_, body) = get(
        &mock,
        &format!(
            "{LIST}?filter%5Bemail%5D%5Beq%5D={}",
            target.email.replace('+', "%2B")
        ),
    )
    .await;
    assert_eq!(ids(&body), vec![target.id.to_string()]);
    // contains: case-insensitive.
    let needle = target.email[..5].to_uppercase();
    let (_, body) = get(
        &mock,
        &format!("{LIST}?filter[email][contains]={needle}&page[size]=250"),
    )
    .await;
    assert!(ids(&body).contains(&target.id.to_string()));
    for item in body["data"].as_array().expect("data") {
        let email = item["email"].as_str().expect("email").to_lowercase();
        assert!(email.contains(&needle.to_lowercase()));
    }
    // organization name, eq and contains.
    let org = target.organization_name.clone();
    let rb = req(&mock, Method::GET, LIST).query(&[
        ("filter[organization_name][eq]", org.as_str()),
        ("page[size]", "250"),
    ]);
    let (_, body) = send(rb).await;
    assert!(!ids(&body).is_empty());
    for item in body["data"].as_array().expect("data") {
        assert_eq!(item["organization_name"], org.as_str());
    }
    let part = org.split(' ').nth(1).expect("noun").to_lowercase();
    let rb = req(&mock, Method::GET, LIST)
        .query(&[("filter[organization_name][contains]", part.as_str())]);
    let (_, body) = send(rb).await;
    assert!(body["meta"]["total_results"].as_u64().expect("total") >= 1);
    for item in body["data"].as_array().expect("data") {
        let name = item["organization_name"]
            .as_str()
            .expect("name")
            .to_lowercase();
        assert!(name.contains(&part));
    }
    // Nothing matches: total_pages is 0.
    let (status, body) = get(
        &mock,
        &format!("{LIST}?filter[email][eq]=nobody@nowhere.example"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"data": [], "meta": {"page_number": 1, "page_size": 20, "total_pages": 0, "total_results": 0}})
    );
}

#[tokio::test]
async fn paging_meta_and_past_the_end() {
    let mock = MockServer::builder().accounts(103).start().await;
    let (_, all) = get(
        &mock,
        &format!("{LIST}?filter[status][eq]=all&page[size]=250"),
    )
    .await;
    let all_ids = ids(&all);
    assert_eq!(all_ids.len(), 103);
    let mut seen = Vec::new();
    for page in 1..=11 {
        let (status, body) = get(
            &mock,
            &format!(
                "{LIST}?filter%5Bstatus%5D%5Beq%5D=all&page%5Bnumber%5D={page}&page%5Bsize%5D=10"
            ),
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(
            body["meta"],
            json!({"page_number": page, "page_size": 10, "total_pages": 11, "total_results": 103})
        );
        seen.extend(ids(&body));
    }
    assert_eq!(seen, all_ids);
    let (status, body) = get(
        &mock,
        &format!("{LIST}?filter[status][eq]=all&page[number]=12&page[size]=10"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["data"], json!([]));
    assert_eq!(body["meta"]["total_pages"], 11);
    assert_eq!(body["meta"]["page_number"], 12);
}

#[tokio::test]
async fn create_retrieve_update() {
    let mock = MockServer::start().await;
    let rb = req(&mock, Method::POST, LIST).json(&json!({
        "business_name": "Larry's Cat Food Inc",
        "email": "larry@example.com",
        "password": "3jVjLq!tMuWKyWx4NN*CvhnB",
        "managed_account_allow_custom_pricing": true,
        "rollup_billing": false
    }));
    let (status, body) = send(rb).await;
    assert_eq!(status, 200);
    validate_response(LIST, "post", 200, &body);
    let a = &body["data"];
    assert_eq!(a["record_type"], "managed_account");
    assert_eq!(a["organization_name"], "Larry's Cat Food Inc");
    assert_eq!(a["email"], "larry@example.com");
    assert_eq!(a["managed_account_allow_custom_pricing"], true);
    assert_eq!(a["balance"]["currency"], "USD");
    assert_eq!(a["balance"]["record_type"], "balance");
    assert_eq!(a["balance"]["balance"], "0.00");
    assert!(a["api_key"].as_str().expect("api_key").starts_with("KEY"));
    assert!(!a["api_token"].as_str().expect("api_token").is_empty());
    assert!(a["created_at"].as_str().expect("created_at").ends_with('Z'));
    let id = a["id"].as_str().expect("id").to_owned();
    let api_user = a["api_user"].as_str().expect("api_user").to_owned();

    // Newest first: the created account leads the default list.
    let (_, list) = get(&mock, LIST).await;
    assert_eq!(ids(&list)[0], id);

    // Without an email: one derived from the manager's.
    let (status, body) =
        send(req(&mock, Method::POST, LIST).json(&json!({"business_name": "Acme"}))).await;
    assert_eq!(status, 200);
    let generated = body["data"]["email"].as_str().expect("email");
    let domain = api_user.split('@').nth(1).expect("domain");
    assert!(generated.ends_with(&format!("@{domain}")), "{generated}");

    let path = format!("{LIST}/{id}");
    let (status, body) = get(&mock, &path).await;
    assert_eq!(status, 200);
    validate_response("/managed_accounts/{id}", "get", 200, &body);
    assert_eq!(body["data"]["id"], id.as_str());

    let rb = req(&mock, Method::PATCH, &path)
        .json(&json!({"managed_account_allow_custom_pricing": false}));
    let (status, body) = send(rb).await;
    assert_eq!(status, 200);
    validate_response("/managed_accounts/{id}", "patch", 200, &body);
    assert_eq!(body["data"]["managed_account_allow_custom_pricing"], false);
    assert!(
        !mock
            .account(&id)
            .expect("stored")
            .managed_account_allow_custom_pricing
    );
}

#[tokio::test]
async fn disable_and_enable_show_in_lists() {
    let mock = MockServer::start().await;
    let target = mock
        .accounts()
        .into_iter()
        .find(|a| a.status == AccountStatus::Enabled)
        .expect("enabled");
    let id = target.id.to_string();
    let disabled_ids = |body: &Value| ids(body);

    let (status, body) = send(req(
        &mock,
        Method::POST,
        &format!("{LIST}/{id}/actions/disable"),
    ))
    .await;
    assert_eq!(status, 200);
    validate_response("/managed_accounts/{id}/actions/disable", "post", 200, &body);
    assert_eq!(
        mock.account(&id).expect("stored").status,
        AccountStatus::Disabled
    );
    let (_, body) = get(
        &mock,
        &format!("{LIST}?filter[status][eq]=disabled&page[size]=250"),
    )
    .await;
    assert!(disabled_ids(&body).contains(&id));
    let (_, body) = get(
        &mock,
        &format!("{LIST}?filter[status][eq]=enabled&page[size]=250"),
    )
    .await;
    assert!(!ids(&body).contains(&id));

    // Enable with no body and no content-type.
    let (status, body) = send(req(
        &mock,
        Method::POST,
        &format!("{LIST}/{id}/actions/enable"),
    ))
    .await;
    assert_eq!(status, 200);
    validate_response("/managed_accounts/{id}/actions/enable", "post", 200, &body);
    assert_eq!(
        mock.account(&id).expect("stored").status,
        AccountStatus::Enabled
    );
    let (_, body) = get(
        &mock,
        &format!("{LIST}?filter[status][eq]=enabled&page[size]=250"),
    )
    .await;
    assert!(ids(&body).contains(&id));

    // Enable with the optional body.
    let rb = req(&mock, Method::POST, &format!("{LIST}/{id}/actions/enable"))
        .json(&json!({"reenable_all_connections": true}));
    assert_eq!(send(rb).await.0, 200);

    // A cancelled account can be neither enabled nor disabled.
    let cancelled = mock
        .accounts()
        .into_iter()
        .find(|a| a.status == AccountStatus::Cancelled)
        .expect("cancelled");
    let (status, body) = send(req(
        &mock,
        Method::POST,
        &format!("{LIST}/{}/actions/enable", cancelled.id),
    ))
    .await;
    assert_eq!(status, 422);
    validate_response("/managed_accounts/{id}/actions/enable", "post", 422, &body);
}

#[tokio::test]
async fn channel_limits_and_allocatable_totals() {
    let mock = MockServer::start().await;
    let alloc = "/managed_accounts/allocatable_global_outbound_channels";
    let (status, before) = get(&mock, alloc).await;
    assert_eq!(status, 200);
    validate_response(alloc, "get", 200, &before);
    assert_eq!(
        before["data"]["record_type"],
        "allocatable_global_outbound_channels"
    );
    assert_eq!(before["data"]["allocatable_global_outbound_channels"], 500);
    let sum: u64 = mock.accounts().iter().map(|a| a.channel_limit).sum();
    assert_eq!(before["data"]["total_global_channels_allocated"], sum);

    let target = mock
        .accounts()
        .into_iter()
        .find(|a| a.channel_limit == 0)
        .expect("one at 0");
    let path = format!("{LIST}/{}/update_global_channel_limit", target.id);
    let (status, body) =
        send(req(&mock, Method::PATCH, &path).json(&json!({"channel_limit": 7}))).await;
    assert_eq!(status, 200);
    validate_response(
        "/managed_accounts/{id}/update_global_channel_limit",
        "patch",
        200,
        &body,
    );
    assert_eq!(
        body["data"],
        json!({
            "channel_limit": 7,
            "email": target.email,
            "id": target.id.to_string(),
            "manager_account_id": before_manager(&mock).await,
            "record_type": "managed_account_global_outbound_settings"
        })
    );
    let (_, after) = get(&mock, alloc).await;
    assert_eq!(after["data"]["total_global_channels_allocated"], sum + 7);
    assert_eq!(
        mock.account(&target.id.to_string())
            .expect("stored")
            .channel_limit,
        7
    );

    // Over the pool.
    let (status, body) =
        send(req(&mock, Method::PATCH, &path).json(&json!({"channel_limit": 501}))).await;
    assert_eq!(status, 422);
    assert_eq!(error_item(&body)["source"]["pointer"], "/channel_limit");
    assert_eq!(mock.total_channels_allocated(), sum + 7);

    // Exactly what the others leave of the pool fits; one more does not.
    let patch = |n: i64| send(req(&mock, Method::PATCH, &path).json(&json!({"channel_limit": n})));
    let left = 500 - sum;
    let (status, body) = patch(left as i64 + 1).await;
    assert_eq!(status, 422);
    assert_eq!(
        error_item(&body)["detail"],
        format!(
            "The 'channel_limit' parameter exceeds the allocatable global outbound channels: \
             {left} of 500 are available for this account."
        )
    );
    let (status, body) = patch(left as i64).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["channel_limit"], left);
    assert_eq!(mock.total_channels_allocated(), 500);

    // 0 gives the channels back; below 0 is refused for what it is.
    let (status, body) = patch(0).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["channel_limit"], 0);
    assert_eq!(mock.total_channels_allocated(), sum);
    let (status, body) = patch(-1).await;
    assert_eq!(status, 422);
    let item = error_item(&body);
    assert_eq!(item["source"]["pointer"], "/channel_limit");
    assert_eq!(
        item["detail"],
        "The 'channel_limit' parameter must be 0 or more."
    );
    assert_eq!(mock.total_channels_allocated(), sum);
}

async fn before_manager(mock: &MockServer) -> String {
    let (_, body) = get(mock, &format!("{LIST}?page[size]=1")).await;
    body["data"][0]["manager_account_id"]
        .as_str()
        .expect("manager")
        .to_owned()
}
