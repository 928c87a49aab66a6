//! `Client::from_env()` with each combination of `TELNYX_API_KEY`,
//! `TELNYX_CLIENT_ID` and `TELNYX_CLIENT_SECRET`, against a mock that takes
//! both the API key and client credentials.
//!
//! The environment is process-global: this binary has this one test, which
//! walks the combinations in turn. (The rule itself, on the variables'
//! values, is unit-tested in `telnyx-accounts`'s `config.rs`.)

use telnyx_accounts::{Client, Error, API_KEY_ENV, BASE_URL_ENV, CLIENT_ID_ENV, CLIENT_SECRET_ENV};
use telnyx_accounts_mock::MockServer;

const ID: &str = "env-client-id";
const SECRET: &str = "env-client-secret-0123456789";

// SAFETY (both): this binary runs one test, so nothing else in the process
// reads or writes the environment at the same time: the test sets the
// variables between calls, on its own thread, and the mock's threads only
// serve requests.
fn set_env(name: &str, value: &str) {
    unsafe { std::env::set_var(name, value) }
}

fn remove_env(name: &str) {
    unsafe { std::env::remove_var(name) }
}

/// Sets exactly these of the three credential variables (`None`: unset).
fn set(api_key: Option<&str>, id: Option<&str>, secret: Option<&str>) {
    for (name, value) in [
        (API_KEY_ENV, api_key),
        (CLIENT_ID_ENV, id),
        (CLIENT_SECRET_ENV, secret),
    ] {
        match value {
            Some(v) => set_env(name, v),
            None => remove_env(name),
        }
    }
}

fn config_error(what: &str) -> String {
    match Client::from_env() {
        Err(Error::Config(e)) => e.message,
        Err(e) => panic!("{what}: expected a config error, got {e:?}"),
        Ok(c) => panic!("{what}: expected a config error, got {c:?}"),
    }
}

#[tokio::test]
async fn from_env_with_each_combination_of_variables() {
    let mock = MockServer::builder()
        .client_credentials(ID, SECRET)
        .start()
        .await;
    set_env(BASE_URL_ENV, &mock.base_url());
    let key = mock.api_key().to_owned();

    // Each working combination: how the client authenticated, as the mock
    // saw it (`oauth`: a token request, then the call with the token).
    let k = Some(key.as_str());
    let cases = [
        ("the API key alone", [k, None, None], false),
        (
            "the client id and secret",
            [None, Some(ID), Some(SECRET)],
            true,
        ),
        (
            "all three: the API key wins",
            [k, Some(ID), Some(SECRET)],
            false,
        ),
        ("the API key and only the id", [k, Some(ID), None], false),
        (
            "the API key and only the secret",
            [k, None, Some(SECRET)],
            false,
        ),
        (
            "an empty API key, the id and secret",
            [Some(" "), Some(ID), Some(SECRET)],
            true,
        ),
    ];
    for (what, [api_key, id, secret], oauth) in cases {
        set(api_key, id, secret);
        mock.clear_requests();
        let client = Client::from_env().unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(client.base_url(), mock.base_url(), "{what}");
        client
            .managed_accounts()
            .list()
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        let log = mock.requests();
        if oauth {
            assert_eq!(client.client_id(), Some(ID), "{what}");
            assert_eq!(log.len(), 2, "{what}: a token, then the call");
            assert!(log[0].is_token_request(), "{what}");
            assert!(
                log[1]
                    .header("authorization")
                    .is_some_and(|a| a.starts_with("Bearer mock-token-")),
                "{what}"
            );
        } else {
            assert_eq!(client.client_id(), None, "{what}");
            assert_eq!(log.len(), 1, "{what}: no token request");
            assert_eq!(
                log[0].header("authorization"),
                Some(format!("Bearer {key}").as_str()),
                "{what}"
            );
        }
    }

    // Each failing one: a config error naming what is missing, before any I/O.
    mock.clear_requests();
    set(None, Some(ID), None);
    let e = config_error("only the id");
    assert!(
        e.starts_with("TELNYX_CLIENT_ID is set but TELNYX_CLIENT_SECRET is not"),
        "{e}"
    );
    set(None, None, Some(SECRET));
    let e = config_error("only the secret");
    assert!(
        e.starts_with("TELNYX_CLIENT_SECRET is set but TELNYX_CLIENT_ID is not"),
        "{e}"
    );
    assert!(!e.contains(SECRET), "{e}");
    set(None, None, None);
    let e = config_error("none");
    for name in [API_KEY_ENV, CLIENT_ID_ENV, CLIENT_SECRET_ENV] {
        assert!(e.contains(name), "{e}");
    }
    set(Some(""), Some(""), Some(SECRET));
    let e = config_error("empty key and id");
    assert!(e.contains("TELNYX_CLIENT_ID is not"), "{e}");
    assert!(mock.requests().is_empty(), "no request was made");

    // Settings made on the builder are not overridden by the environment.
    set(Some(&key), None, None);
    let client = Client::builder()
        .client_credentials(ID, SECRET)
        .from_env()
        .build()
        .expect("client credentials from the builder");
    assert_eq!(client.client_id(), Some(ID));
    set(None, Some(ID), None);
    let client = Client::builder()
        .api_key(key.as_str())
        .from_env()
        .build()
        .expect("the API key from the builder; the half pair is not read");
    assert_eq!(client.client_id(), None);

    set(None, None, None);
    remove_env(BASE_URL_ENV);
}
