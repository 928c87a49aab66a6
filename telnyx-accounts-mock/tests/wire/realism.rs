//! Issue 13, the mock's side: latency, the rate limit, in-flight counts and
//! the request log's times.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::json;
use telnyx_accounts_mock::{Fault, FaultRule, MockServer, DEFAULT_RATE_LIMIT};

use crate::common::{client, error_item, get, into_json, req};

const LIST: &str = "/managed_accounts?page[size]=1";

fn ratelimit_headers(resp: &reqwest::Response) -> (Option<String>, Option<String>, Option<String>) {
    let h = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    (
        h("x-ratelimit-limit"),
        h("x-ratelimit-remaining"),
        h("x-ratelimit-reset"),
    )
}

#[tokio::test]
async fn by_default_every_api_response_carries_the_rate_limit_headers() {
    let mock = MockServer::start().await;
    let limit = DEFAULT_RATE_LIMIT.to_string();
    for (i, path) in [LIST, "/managed_accounts/nope", "/no_such_route"]
        .into_iter()
        .enumerate()
    {
        let resp = req(&mock, Method::GET, path).send().await.expect("send");
        let (got_limit, left, reset) = ratelimit_headers(&resp);
        assert_eq!(
            (got_limit, reset),
            (Some(limit.clone()), Some("1".to_owned())),
            "{path}"
        );
        // Counting down in a one-second window (from the top again if the
        // window turned between two requests).
        let left: u32 = left.expect("remaining").parse().expect("a count");
        let lowest = DEFAULT_RATE_LIMIT - 1 - u32::try_from(i).expect("small");
        assert!(
            (lowest..DEFAULT_RATE_LIMIT).contains(&left),
            "{path}: {left}"
        );
    }
    // Errors too: a 401 (the shared bucket of requests without a valid
    // key) and a fault's answer.
    let resp = client()
        .get(format!("{}{LIST}", mock.base_url()))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 401);
    let left = (DEFAULT_RATE_LIMIT - 1).to_string();
    assert_eq!(ratelimit_headers(&resp).1, Some(left));
    mock.fail_next(Fault::Status(500));
    let resp = req(&mock, Method::GET, LIST).send().await.expect("send");
    assert_eq!(resp.status(), 500);
    assert_eq!(ratelimit_headers(&resp).0, Some(limit));
}

#[tokio::test]
async fn the_headers_can_be_switched_off() {
    let mock = MockServer::builder()
        .rate_limit_headers(false)
        .start()
        .await;
    let resp = req(&mock, Method::GET, LIST).send().await.expect("send");
    assert_eq!(resp.status(), 200);
    assert_eq!(ratelimit_headers(&resp), (None, None, None));
    // A limit still applies; its 429 comes without them.
    let mock = MockServer::builder()
        .rate_limit_headers(false)
        .rate_limit(1)
        .rate_limit_window(Duration::from_secs(600))
        .start()
        .await;
    assert_eq!(get(&mock, LIST).await.0, 200);
    let resp = req(&mock, Method::GET, LIST).send().await.expect("send");
    assert_eq!(resp.status(), 429);
    assert_eq!(ratelimit_headers(&resp), (None, None, None));
}

#[tokio::test]
async fn the_rate_limit_counts_down_then_answers_429_with_10011() {
    // A long window, so the test cannot straddle two windows.
    let mock = MockServer::builder()
        .rate_limit(3)
        .rate_limit_window(Duration::from_secs(600))
        .start()
        .await;
    for remaining in ["2", "1", "0"] {
        let resp = req(&mock, Method::GET, LIST).send().await.expect("send");
        assert_eq!(resp.status(), 200);
        let (limit, left, reset) = ratelimit_headers(&resp);
        assert_eq!(limit.as_deref(), Some("3"));
        assert_eq!(left.as_deref(), Some(remaining));
        let reset: u64 = reset.expect("reset").parse().expect("seconds");
        assert!((595..=600).contains(&reset), "{reset}");
    }
    let resp = req(&mock, Method::POST, "/managed_accounts")
        .json(&json!({"business_name": "Too Late Inc"}))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 429);
    assert!(resp.headers().get("retry-after").is_none());
    let (limit, left, _) = ratelimit_headers(&resp);
    assert_eq!((limit.as_deref(), left.as_deref()), (Some("3"), Some("0")));
    let (_, body) = into_json(resp).await;
    assert_eq!(
        body,
        json!({"errors": [{
            "code": "10011",
            "title": "Too many requests",
            "detail": "You have exceeded the maximum number of allowed requests.",
            "meta": {"url": "https://developers.telnyx.com/docs/overview/errors/10011"}
        }]})
    );
    assert!(
        !mock
            .accounts()
            .iter()
            .any(|a| a.organization_name == "Too Late Inc"),
        "a limited request is not processed"
    );
    // Faults are not consumed by limited requests.
    mock.fail_next(Fault::Status(500));
    assert_eq!(get(&mock, LIST).await.0, 429);
    assert_eq!(mock.pending_faults(), 1);
    // Unauthenticated requests have a bucket of their own.
    let resp = client()
        .get(format!("{}{LIST}", mock.base_url()))
        .send()
        .await
        .expect("send");
    assert_eq!(
        resp.status(),
        401,
        "not limited; the fault waits for an authenticated request"
    );
    let (_, left, _) = ratelimit_headers(&resp);
    assert_eq!(left.as_deref(), Some("2"));
    assert_eq!(mock.pending_faults(), 1);
}

#[tokio::test]
async fn each_oauth_client_has_its_own_budget() {
    let mock = MockServer::builder()
        .client_credentials("c", "s")
        .rate_limit(1)
        .rate_limit_window(Duration::from_secs(600))
        .start()
        .await;
    assert_eq!(get(&mock, LIST).await.0, 200);
    assert_eq!(get(&mock, LIST).await.0, 429, "the key's budget is spent");
    let resp = client()
        .post(mock.token_url())
        .basic_auth("c", Some("s"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 200, "the token endpoint is not limited");
    assert_eq!(ratelimit_headers(&resp), (None, None, None));
    let (_, body) = into_json(resp).await;
    let token = body["access_token"].as_str().expect("token").to_owned();
    let with_token = |t: &str| {
        client()
            .get(format!("{}{LIST}", mock.base_url()))
            .bearer_auth(t)
            .send()
    };
    assert_eq!(with_token(&token).await.expect("send").status(), 200);
    assert_eq!(with_token(&token).await.expect("send").status(), 429);
}

#[tokio::test]
async fn the_window_refills() {
    let mock = MockServer::builder()
        .rate_limit(1)
        .rate_limit_window(Duration::from_millis(200))
        .start()
        .await;
    let first = get(&mock, LIST).await.0;
    let second = get(&mock, LIST).await.0;
    // Two requests in one 200 ms window: the second is limited, unless the
    // window happened to turn between them.
    assert!(first == 200 && (second == 429 || second == 200));
    tokio::time::sleep(Duration::from_millis(250)).await; // a later window, for sure
    assert_eq!(get(&mock, LIST).await.0, 200);
}

#[tokio::test]
async fn latency_delays_each_response_on_timers_not_threads() {
    let latency = Duration::from_millis(300);
    let mock = MockServer::builder().latency(latency).start().await;
    let started = Instant::now();
    assert_eq!(get(&mock, LIST).await.0, 200);
    assert!(started.elapsed() >= latency);

    // 300 at once on the mock's single thread: if each delay held the
    // thread, this would take 300 x 300 ms = 90 s.
    let url = format!("{}{LIST}", mock.base_url());
    let http = client();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..300 {
        let rb = http.get(&url).bearer_auth(mock.api_key());
        tasks.push(tokio::spawn(
            async move { rb.send().await.map(|r| r.status()) },
        ));
    }
    for t in tasks {
        assert_eq!(t.await.expect("join").expect("send"), 200);
    }
    let took = started.elapsed();
    assert!(took < Duration::from_secs(30), "{took:?}");
    assert!(mock.peak_in_flight() >= 50, "{}", mock.peak_in_flight());

    // The log shows the latency between receipt and response.
    let log = mock.requests();
    let r = log.first().expect("logged");
    let responded = r.responded_instant.expect("responded");
    assert!(responded.duration_since(r.received_instant) >= latency);
    assert_eq!(r.status, Some(200));
}

#[tokio::test]
async fn in_flight_requests_and_their_peak() {
    let mock = MockServer::builder()
        .drain_timeout(Duration::from_millis(50))
        .start()
        .await;
    assert_eq!((mock.in_flight(), mock.peak_in_flight()), (0, 0));
    mock.inject(
        FaultRule::new(Fault::Delay(Duration::from_secs(600)))
            .times(4)
            .expect(4),
    );
    let url = format!("{}{LIST}", mock.base_url());
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let rb = client().get(&url).bearer_auth(mock.api_key());
        tasks.push(tokio::spawn(async move { rb.send().await }));
    }
    mock.wait_for_requests(4).await;
    assert_eq!(mock.in_flight(), 4);
    assert_eq!(mock.peak_in_flight(), 4);
    let log = mock.requests();
    assert!(log
        .iter()
        .all(|r| r.status.is_none() && r.responded_instant.is_none()));
    assert_eq!(get(&mock, LIST).await.0, 200);
    assert_eq!(mock.peak_in_flight(), 5);
    mock.reset_peak_in_flight();
    assert_eq!(mock.peak_in_flight(), 4, "restarts from those in flight");
    mock.shutdown().await;
    for t in tasks {
        assert!(t.await.expect("join").is_err(), "cut by the drain timeout");
    }
}

#[tokio::test]
async fn the_log_records_when_each_request_came_and_went() {
    let mock = MockServer::start().await;
    let before = Instant::now();
    for _ in 0..3 {
        get(&mock, LIST).await;
    }
    let (status, _) = get(&mock, "/nope").await;
    assert_eq!(status, 404);
    let log = mock.requests();
    let mut last = before;
    for r in &log {
        assert!(r.received_instant >= last, "in order of arrival");
        let responded = r.responded_instant.expect("responded");
        assert!(responded >= r.received_instant);
        last = responded;
    }
    let statuses: Vec<Option<u16>> = log.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [Some(200), Some(200), Some(200), Some(404)]);
    assert_eq!(error_item(&get(&mock, "/nope").await.1)["code"], "10005");
}
