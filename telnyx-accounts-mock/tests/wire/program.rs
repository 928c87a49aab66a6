//! The `telnyx-accounts-mock` program: prints its URL, serves, stops on Ctrl-C.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[cfg(unix)]
#[tokio::test]
async fn program_prints_url_serves_and_stops_on_sigint() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_telnyx-accounts-mock"))
        .args([
            "--port",
            "0",
            "--api-key",
            "KEY",
            "--accounts",
            "120",
            "--users",
            "7",
            "--seed",
            "3",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("read URL");
    let url = line.trim().to_owned();
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with("/v2"),
        "{url}"
    );

    let resp = crate::common::client()
        .get(format!("{url}/managed_accounts?filter[status][eq]=all"))
        .bearer_auth("KEY")
        .send()
        .await
        .expect("send");
    // Telnyx's rate-limit headers, by default.
    assert_eq!(resp.headers()["x-ratelimit-limit"], "1000000");
    assert_eq!(resp.headers()["x-ratelimit-remaining"], "999999");
    let (status, body) = crate::common::into_json(resp).await;
    assert_eq!(status, 200);
    assert_eq!(body["meta"]["total_results"], 120);

    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let exit = child.wait().expect("wait");
    assert!(exit.success(), "{exit:?}");
}

#[cfg(unix)]
#[tokio::test]
async fn program_without_rate_limit_headers_stops_cleanly_on_sigterm() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_telnyx-accounts-mock"))
        .args([
            "--port",
            "0",
            "--accounts",
            "5",
            "--users",
            "2",
            "--no-rate-limit-headers",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("read URL");
    assert!(line.starts_with("http://127.0.0.1:"), "{line}");
    let resp = crate::common::client()
        .get(format!("{}/managed_accounts", line.trim()))
        .bearer_auth(telnyx_accounts_mock::DEFAULT_API_KEY)
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 200);
    assert!(resp.headers().get("x-ratelimit-limit").is_none());
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let exit = child.wait().expect("wait");
    assert!(
        exit.success(),
        "SIGTERM is a clean stop, not a kill: {exit:?}"
    );
}
