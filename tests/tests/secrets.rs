//! Secrets never show: the API key, the `api_key`/`api_token` Telnyx returns
//! and the password sent at creation appear in no `Debug` (`{:?}`, `{:#?}`),
//! no `Display`, no serialized model and no `tracing` output at TRACE, on
//! every operation and every error path. With OAuth2 client credentials,
//! the client secret, the Basic credentials and every access token appear
//! in none of them either, nor in what hooks see. And the `Authorization`
//! header does not follow a redirect to another host.
//!
//! A test binary of its own: it installs the process's global `tracing`
//! subscriber and the `log` -> `tracing` bridge (see `bridge_log_records`),
//! which would reach every other test in the process.

use std::fmt::{Debug, Display};
use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use futures::TryStreamExt;
use serde_json::json;
use telnyx_accounts::hooks::{AttemptOutcome, AttemptRequest, Hook};
use telnyx_accounts::{ApiErrorKind, Client, Error, ManagedAccount, RetryPolicy};
use telnyx_accounts_mock::{AccountStatus, Fault, FaultRule, MockServer, RetryHint};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

mod support;

const KEY: &str = "KEY_SUPERSECRET_0123456789";
const WRONG_KEY: &str = "KEY_WRONGSECRET_9876543210";
const PASSWORD: &str = "PW_SUPERSECRET_hunter2_42";
const LEAKY_API_KEY: &str = "KEY_LEAKY_APIKEY_4242424242";
const LEAKY_API_TOKEN: &str = "TOKEN_LEAKY_APITOKEN_31337";

// ---------------------------------------------------------------------------
// Capturing everything

/// A writer into a shared buffer, for the fmt layer.
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Buffer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// Installs, once per process, a global no-op subscriber and the `log` ->
/// `tracing` bridge, so that `log` records (reqwest's) reach the per-test
/// subscriber too.
fn bridge_log_records() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        use tracing_subscriber::util::SubscriberInitExt;
        let _ = tracing_subscriber::registry().try_init();
    });
}

/// A TRACE-level fmt subscriber writing into the returned buffer, the
/// default for this thread until the guard drops.
fn capture_tracing() -> (Buffer, tracing::subscriber::DefaultGuard) {
    bridge_log_records();
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    (buffer, tracing::subscriber::set_default(subscriber))
}

/// Every rendering of every value the test touched, and the secrets that
/// must appear in none of them.
#[derive(Default)]
struct Seen {
    texts: Vec<(String, String)>,
    secrets: Vec<String>,
}

impl Seen {
    fn debug<T: Debug>(&mut self, what: &str, v: &T) {
        self.texts.push((what.to_owned(), format!("{v:?}")));
        self.texts.push((what.to_owned(), format!("{v:#?}")));
    }

    fn display<T: Debug + Display>(&mut self, what: &str, v: &T) {
        self.debug(what, v);
        self.texts.push((what.to_owned(), v.to_string()));
    }

    fn json<T: serde::Serialize + Debug>(&mut self, what: &str, v: &T) {
        self.debug(what, v);
        self.texts
            .push((what.to_owned(), serde_json::to_string(v).unwrap()));
    }

    /// A result: its value or its error, every way it can be printed.
    fn result<T: Debug>(&mut self, what: &str, r: &Result<T, Error>) {
        self.debug(what, r);
        if let Err(e) = r {
            self.error(what, e);
        }
    }

    fn error(&mut self, what: &str, e: &Error) {
        self.display(what, e);
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            self.texts.push((format!("{what} (source)"), s.to_string()));
            self.texts
                .push((format!("{what} (source)"), format!("{s:?}")));
            source = s.source();
        }
    }

    fn account(&mut self, what: &str, a: &ManagedAccount) {
        self.secret(a.api_key.expose_secret());
        self.secret(a.api_token.expose_secret());
        self.json(what, a);
        self.display(what, &a.api_key);
        self.display(what, &a.api_token);
    }

    fn secret(&mut self, s: &str) {
        assert!(s.len() >= 8, "a secret too short to search for: {s:?}");
        self.secrets.push(s.to_owned());
    }

    /// Panics if any secret (or a 16-character prefix of a long one)
    /// appears in any text or in `extra`.
    fn assert_clean(&self, extra: &[(&str, &str)]) {
        let all = self
            .texts
            .iter()
            .map(|(w, t)| (w.as_str(), t.as_str()))
            .chain(extra.iter().copied());
        let mut checked = 0;
        for (what, text) in all {
            checked += 1;
            for secret in &self.secrets {
                let needles: Vec<&str> = if secret.len() >= 20 {
                    vec![secret.as_str(), &secret[..16]]
                } else {
                    vec![secret.as_str()]
                };
                for needle in needles {
                    if let Some(at) = text.find(needle) {
                        let from = at.saturating_sub(120);
                        let to = (at + needle.len() + 40).min(text.len());
                        panic!(
                            "secret {needle:?} leaked in {what}: ...{}...",
                            text.get(from..to).unwrap_or(text)
                        );
                    }
                }
            }
        }
        assert!(checked > 0);
    }
}

fn client(base_url: &str, key: &str) -> Client {
    Client::builder()
        .api_key(key)
        .base_url(base_url)
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client")
}

// ---------------------------------------------------------------------------
// Every operation and every error path

#[tokio::test]
async fn no_secret_in_any_debug_display_or_trace_output() {
    let (trace, _guard) = capture_tracing();
    let mock = MockServer::builder().api_key(KEY).start().await;
    let mut seen = Seen::default();
    for s in [KEY, WRONG_KEY, PASSWORD, LEAKY_API_KEY, LEAKY_API_TOKEN] {
        seen.secret(s);
    }

    let builder = Client::builder()
        .api_key(KEY)
        .base_url(mock.base_url())
        .max_retries(1);
    seen.debug("builder", &builder);
    let client = builder.build().unwrap();
    seen.debug("client", &client);
    let ma = client.managed_accounts();
    let users = client.organizations().users();
    seen.debug("managed_accounts()", &ma);
    seen.debug("users()", &users);

    // -- every operation ----------------------------------------------------
    let create = ma
        .create("Secretive Inc")
        .email("secretive@example.com")
        .password(PASSWORD)
        .rollup_billing(false);
    seen.debug("create builder", &create);
    let created = create.await.unwrap();
    seen.account("created", &created);
    assert_eq!(
        mock.requests().last().unwrap().json().unwrap()["password"],
        PASSWORD,
        "the password was sent"
    );
    let id = created.id;

    let retrieve = ma.retrieve(id);
    seen.debug("retrieve builder", &retrieve);
    let account = retrieve.await.unwrap();
    seen.account("retrieved", &account);
    for seeded in mock.accounts().iter().take(5) {
        let a = ma.retrieve(seeded.id).await.unwrap();
        seen.account("seeded", &a);
    }

    let update = ma.update(id).managed_account_allow_custom_pricing(true);
    seen.debug("update builder", &update);
    let updated = update.await.unwrap();
    seen.account("updated", &updated);
    let disabled = ma.actions().disable(id).await.unwrap();
    seen.account("disabled", &disabled);
    let enable = ma.actions().enable(id).reenable_all_connections(true);
    seen.debug("enable builder", &enable);
    let enabled = enable.await.unwrap();
    seen.account("enabled", &enabled);
    let limit = ma
        .update_global_channel_limit(id)
        .channel_limit(2)
        .await
        .unwrap();
    seen.json("channel limit", &limit);
    let pool = ma.allocatable_global_outbound_channels().await.unwrap();
    seen.json("allocatable", &pool);

    let list = ma.list().email_contains("secretive").page_size(3);
    seen.debug("list builder", &list);
    let page = list.clone().await.unwrap();
    seen.json("page", &page);
    let streamed: Vec<_> = ma
        .list()
        .page_size(7)
        .into_stream()
        .try_collect()
        .await
        .unwrap();
    seen.debug("stream", &streamed);
    let pages: Vec<_> = ma.list().page_size(9).pages().try_collect().await.unwrap();
    seen.debug("pages", &pages);
    let all = ma.list().collect_all().await.unwrap();
    seen.json("collect_all", &all);

    let user_page = users.list().include_groups(true).await.unwrap();
    seen.json("users", &user_page);
    let user_id = mock.users()[2].id.clone();
    let user = users
        .retrieve(user_id.as_str())
        .include_groups(true)
        .await
        .unwrap();
    seen.json("user", &user);
    let report = users.groups_report().await.unwrap();
    seen.json("report", &report);
    let csv = users.groups_report_csv().await.unwrap();
    seen.display("csv", &csv);
    let rows = users.groups_report_rows().await.unwrap();
    seen.json("rows", &rows);
    let removed = users.actions().remove(user_id.as_str()).await.unwrap();
    seen.json("removed", &removed);

    // -- API errors -----------------------------------------------------------
    let bad = client_with(&mock, WRONG_KEY);
    seen.debug("bad client", &bad);
    let r = bad.managed_accounts().retrieve(id).await;
    assert!(matches!(&r, Err(Error::Api(e)) if e.kind() == ApiErrorKind::Authentication));
    seen.result("401", &r);
    let r = bad
        .managed_accounts()
        .create("X Inc")
        .password(PASSWORD)
        .await;
    seen.result("401 create", &r);

    let r = ma.retrieve(uuid::Uuid::new_v4()).await;
    assert!(matches!(&r, Err(Error::Api(e)) if e.kind() == ApiErrorKind::NotFound));
    seen.result("404", &r);
    let r = users.retrieve(user_id.as_str()).await;
    seen.result("404 user", &r);

    let r = ma
        .update_global_channel_limit(id)
        .channel_limit(100_000)
        .await;
    assert!(matches!(&r, Err(Error::Api(e)) if e.kind() == ApiErrorKind::UnprocessableEntity));
    seen.result("422 channels", &r);
    let r = ma
        .create("Secretive Again Inc")
        .email("secretive@example.com")
        .password(PASSWORD)
        .await;
    assert!(matches!(&r, Err(Error::Api(e)) if e.kind() == ApiErrorKind::UnprocessableEntity));
    seen.result("422 create", &r);
    let r = users.actions().remove(mock.users()[0].id.as_str()).await;
    seen.result("403", &r);
    let blocked = mock
        .accounts()
        .into_iter()
        .find(|a| a.status == AccountStatus::Blocked)
        .unwrap();
    let r = ma.actions().disable(blocked.id).await;
    seen.result("422 blocked", &r);

    mock.inject(
        FaultRule::new(Fault::RateLimited(RetryHint::Millis(10))).operation("CreateManagedAccount"),
    );
    let r = ma
        .create("Rate Limited Inc")
        .email("limited@example.com")
        .password(PASSWORD)
        .await;
    seen.result("429 then created", &r);
    seen.account("429 then created", r.as_ref().unwrap());
    mock.inject(FaultRule::new(Fault::RateLimited(RetryHint::RateLimitReset(1))).always());
    let r = ma.retrieve(id).max_retries(0).await;
    assert!(matches!(&r, Err(Error::Api(e)) if e.kind() == ApiErrorKind::RateLimited));
    seen.result("429", &r);
    mock.clear_faults();

    mock.inject(FaultRule::new(Fault::Status(500)).times(2));
    let r = ma.retrieve(id).await;
    seen.result("500 twice", &r);
    mock.inject(FaultRule::new(Fault::Status(500)).operation("CreateManagedAccount"));
    let r = ma.create("Five Hundred Inc").password(PASSWORD).await;
    seen.result("500 create", &r);
    mock.fail_next(Fault::Html502);
    let r = ma.list().max_retries(0).await;
    seen.result("502 html", &r);
    // An error body that carries secrets outside `errors[]`, and echoes the key.
    mock.fail_next(Fault::Raw {
        status: 500,
        content_type: "application/json".into(),
        body: json!({
            "errors": [{"code": "10007", "title": "Unexpected error"}],
            "data": {"api_key": LEAKY_API_KEY, "api_token": LEAKY_API_TOKEN},
            "request": {"authorization": format!("Bearer {KEY}")},
        })
        .to_string()
        .into(),
    });
    let r = ma.retrieve(id).max_retries(0).await;
    seen.result("500 with secrets in the body", &r);

    // -- decode errors with secrets in the body ----------------------------
    let good = created_json(&mock, &id.to_string()).await;
    let mut bad_id = good.clone();
    bad_id["data"]["id"] = json!("not-a-uuid");
    bad_id["data"]["api_key"] = json!(LEAKY_API_KEY);
    bad_id["data"]["api_token"] = json!(LEAKY_API_TOKEN);
    let mut bad_type = bad_id.clone();
    bad_type["data"]["id"] = json!(id.to_string());
    bad_type["data"]["rollup_billing"] = json!(KEY);
    let mut missing =
        json!({"data": {"api_key": LEAKY_API_KEY, "api_token": LEAKY_API_TOKEN, "email": KEY}});
    missing["data"]["password"] = json!(PASSWORD);
    for (what, body) in [
        ("decode: bad id", bad_id.to_string()),
        ("decode: key in a bool field", bad_type.to_string()),
        ("decode: missing fields", missing.to_string()),
        (
            "decode: cut in a secret",
            format!(
                "{{\"data\":{{\"api_key\":\"{LEAKY_API_KEY}\",\"api_token\":\"{LEAKY_API_TOKEN}"
            ),
        ),
    ] {
        mock.fail_next(Fault::json_200(body));
        let r = ma.retrieve(id).await;
        assert!(matches!(&r, Err(Error::Decode(_))), "{what}: {r:?}");
        seen.result(what, &r);
    }
    mock.inject(FaultRule::new(Fault::TruncatedJson).operation("RetrieveManagedAccount"));
    let r = ma.retrieve(id).await;
    assert!(matches!(&r, Err(Error::Decode(_))));
    seen.result("decode: truncated", &r);
    mock.inject(FaultRule::new(Fault::TruncatedJson).operation("CreateManagedAccount"));
    let r = ma.create("Truncated Inc").password(PASSWORD).await;
    seen.result("decode: truncated create", &r);
    mock.fail_next(Fault::Empty200);
    let r = ma.retrieve(id).await;
    seen.result("decode: empty", &r);

    // -- the network -----------------------------------------------------------
    mock.inject(FaultRule::new(Fault::Delay(Duration::from_secs(2))).always());
    let r = ma
        .retrieve(id)
        .timeout(Duration::from_millis(200))
        .max_retries(1)
        .await;
    assert!(matches!(&r, Err(Error::Timeout(_))), "{r:?}");
    seen.result("timeout", &r);
    let r = ma
        .create("Slow Inc")
        .password(PASSWORD)
        .timeout(Duration::from_millis(200))
        .await;
    seen.result("timeout create", &r);
    mock.clear_faults();
    mock.fail_next(Fault::DropConnection);
    let r = ma.create("Dropped Inc").password(PASSWORD).await;
    assert!(matches!(&r, Err(Error::Connection(_))), "{r:?}");
    seen.result("reset create", &r);
    mock.fail_next(Fault::ResetMidBody);
    let r = ma.retrieve(id).max_retries(0).await;
    seen.result("reset mid-body", &r);
    let closed = support::closed_port();
    let refused = self::client(&format!("http://127.0.0.1:{closed}/v2"), KEY);
    let r = refused.managed_accounts().retrieve(id).max_retries(0).await;
    assert!(matches!(&r, Err(Error::Connection(_))), "{r:?}");
    seen.result("connection refused", &r);

    // -- refused before sending, and bad configuration ----------------------
    let r = ma.list().page_size(0).await;
    seen.result("invalid request", &r);
    let r = ma.retrieve("").await;
    seen.result("invalid id", &r);
    for (what, b) in [
        (
            "config: http to a remote host",
            Client::builder()
                .api_key(KEY)
                .base_url("http://api.telnyx.com/v2"),
        ),
        (
            "config: key not a header value",
            Client::builder().api_key(format!("{KEY}\n{PASSWORD}")),
        ),
        (
            "config: bad header",
            Client::builder().api_key(KEY).default_header("x bad", KEY),
        ),
    ] {
        seen.debug(what, &b);
        let r = b.build();
        assert!(matches!(&r, Err(Error::Config(_))), "{what}");
        seen.result(what, &r);
    }

    drop(_guard);
    let trace = trace.text();
    // The capture works: spans, retries and reqwest's own log records are in it.
    assert!(trace.contains("telnyx.request"), "{trace}");
    assert!(trace.contains("retrying"));
    assert!(trace.contains("CreateManagedAccount"));
    assert!(trace.contains("TRACE") || trace.contains("DEBUG"));
    assert!(seen.secrets.len() > 10);
    seen.assert_clean(&[("tracing output", &trace)]);
}

// ---------------------------------------------------------------------------
// OAuth2 client credentials

const CLIENT_ID: &str = "oauth-client-id-7";
const CLIENT_SECRET: &str = "CLIENT_SUPERSECRET_0123456789";
const LEAKY_ACCESS_TOKEN: &str = "ACCESS_LEAKY_TOKEN_5555555555";

/// Every rendering a hook can make of what it is given.
#[derive(Clone, Default)]
struct Renderings(Arc<Mutex<Vec<String>>>);

impl Hook for Renderings {
    fn before_attempt(&self, request: &mut AttemptRequest<'_>) {
        let mut seen = self.0.lock().unwrap();
        seen.push(format!("{request:?}"));
        for (name, value) in request.headers() {
            seen.push(format!(
                "{name}: {}",
                String::from_utf8_lossy(value.as_bytes())
            ));
        }
    }

    fn after_attempt(&self, outcome: &AttemptOutcome<'_>) {
        let mut seen = self.0.lock().unwrap();
        seen.push(format!("{outcome:?} {outcome:#?}"));
        for (name, value) in outcome.headers.into_iter().flatten() {
            seen.push(format!(
                "{name}: {}",
                String::from_utf8_lossy(value.as_bytes())
            ));
        }
    }
}

#[tokio::test]
async fn no_oauth_secret_or_token_in_any_debug_display_trace_or_hook_output() {
    use base64::Engine as _;

    let (trace, _guard) = capture_tracing();
    let mock = MockServer::builder()
        .client_credentials(CLIENT_ID, CLIENT_SECRET)
        .start()
        .await;
    let hook = Renderings::default();
    let mut seen = Seen::default();
    seen.secret(CLIENT_SECRET);
    seen.secret(LEAKY_ACCESS_TOKEN);
    seen.secret(
        &base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}")),
    );
    let oauth = |secret: &str| {
        Client::builder()
            .client_credentials(CLIENT_ID, secret)
            .base_url(mock.base_url())
            .retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(10)))
            .hook(hook.clone())
    };

    let builder = oauth(CLIENT_SECRET);
    seen.debug("oauth builder", &builder);
    let client = builder.build().unwrap();
    seen.debug("oauth client", &client);
    let ma = client.managed_accounts();
    seen.debug("oauth managed_accounts()", &ma);

    // -- calls with tokens: the first, a cached one, after a 401 ------------
    let r = ma.list().page_size(2).send_with_response().await;
    seen.result("oauth list", &r);
    seen.debug(
        "oauth list headers",
        &r.as_ref().map(|r| r.headers().clone()),
    );
    let r = client.organizations().users().list().await;
    seen.result("oauth users", &r);
    mock.expire_tokens();
    let r = ma.list().send_with_response().await;
    assert_eq!(r.as_ref().unwrap().attempts(), 2, "refreshed after a 401");
    seen.result("oauth list after a 401", &r);
    let created = ma
        .create("OAuth Secretive Inc")
        .password(PASSWORD)
        .await
        .unwrap();
    seen.account("oauth created", &created);

    // -- errors of the token endpoint ------------------------------------------
    let wrong = oauth(WRONG_KEY).build().unwrap();
    seen.debug("oauth wrong client", &wrong);
    let r = wrong.managed_accounts().list().await;
    assert!(matches!(&r, Err(e) if e.is_token_error()), "{r:?}");
    seen.result("token 401", &r);
    mock.inject(
        FaultRule::new(Fault::Status(503))
            .path("/oauth/token")
            .always(),
    );
    let r = oauth(CLIENT_SECRET)
        .build()
        .unwrap()
        .managed_accounts()
        .list()
        .await;
    assert!(matches!(&r, Err(e) if e.is_token_error()), "{r:?}");
    seen.result("token 503", &r);
    mock.clear_faults();
    // Each body fails a different check of the token response, and the
    // error says which: valid JSON whose token (a JSON-escaped NUL) cannot
    // be a header value; an `expires_in` that is no number; cut JSON.
    for (what, body, says) in [
        (
            "token decode: not a header",
            format!(r#"{{"access_token":"{LEAKY_ACCESS_TOKEN}\u0000","expires_in":60}}"#),
            "cannot be sent in a header",
        ),
        (
            "token decode: expires_in",
            format!(
                r#"{{"access_token":"{LEAKY_ACCESS_TOKEN}","expires_in":"{LEAKY_ACCESS_TOKEN}"}}"#
            ),
            "`expires_in` is not a number",
        ),
        (
            "token decode: cut",
            format!(r#"{{"access_token":"{LEAKY_ACCESS_TOKEN}"#),
            "is not JSON",
        ),
    ] {
        mock.inject(FaultRule::new(Fault::json_200(body)).path("/oauth/token"));
        let r = oauth(CLIENT_SECRET)
            .build()
            .unwrap()
            .managed_accounts()
            .list()
            .await;
        assert!(
            matches!(&r, Err(Error::Decode(d)) if d.message.contains(says)),
            "{what}: {r:?}"
        );
        seen.result(what, &r);
    }
    let closed = support::closed_port();
    let r = oauth(CLIENT_SECRET)
        .token_url(format!("http://127.0.0.1:{closed}/oauth/token"))
        .max_retries(0)
        .build()
        .unwrap()
        .managed_accounts()
        .list()
        .await;
    assert!(matches!(&r, Err(Error::Connection(_))), "{r:?}");
    seen.result("token connection refused", &r);

    // -- a token the API keeps refusing ---------------------------------------
    let refusing = MockServer::builder()
        .client_credentials(CLIENT_ID, CLIENT_SECRET)
        .token_ttl(Duration::ZERO)
        .start()
        .await;
    let r = Client::builder()
        .client_credentials(CLIENT_ID, CLIENT_SECRET)
        .base_url(refusing.base_url())
        .hook(hook.clone())
        .build()
        .unwrap()
        .managed_accounts()
        .list()
        .await;
    assert!(
        matches!(&r, Err(Error::Api(e)) if e.status() == 401),
        "{r:?}"
    );
    seen.result("refused twice", &r);

    // -- configuration errors ---------------------------------------------------
    for (what, b) in [
        ("config: both", oauth(CLIENT_SECRET).api_key(KEY)),
        (
            "config: http token URL",
            oauth(CLIENT_SECRET).token_url("http://auth.example.com/token"),
        ),
        (
            "config: id with a colon",
            Client::builder().client_credentials("a:b", CLIENT_SECRET),
        ),
    ] {
        seen.debug(what, &b);
        let r = b.build();
        assert!(matches!(&r, Err(Error::Config(_))), "{what}");
        seen.result(what, &r);
    }

    // Every access token the mocks issued, read from what the API got.
    for r in mock.requests().iter().chain(refusing.requests().iter()) {
        if let Some(token) = r
            .header("authorization")
            .and_then(|a| a.strip_prefix("Bearer "))
        {
            seen.secret(token);
        }
    }
    assert!(
        seen.secrets.len() >= 6,
        "tokens were issued: {}",
        seen.secrets.len()
    );

    drop(_guard);
    let trace = trace.text();
    assert!(trace.contains("OAuthToken") && trace.contains("got an OAuth2 access token"));
    let hooked = hook.0.lock().unwrap().join(
        "
",
    );
    assert!(hooked.contains("OAuthToken") && hooked.contains("[REDACTED]"));
    seen.assert_clean(&[("tracing output", &trace), ("hooks", &hooked)]);
}

/// A page that fails to decode carries a key per account: the error's body
/// snippet masks every one of them, not only the first.
#[tokio::test]
async fn a_page_that_fails_to_decode_shows_none_of_its_accounts_keys() {
    let mock = MockServer::builder().api_key(KEY).start().await;
    let keys = [
        "KEY_PAGE_FIRST_111111",
        "KEY_PAGE_SECOND_22222",
        "KEY_PAGE_THIRD_333333",
    ];
    let data: Vec<_> = keys
        .iter()
        .map(|k| json!({"api_key": k, "id": "not-a-uuid"}))
        .collect();
    mock.fail_next(Fault::json_200(json!({ "data": data }).to_string()));
    let err = client_with(&mock, KEY)
        .managed_accounts()
        .list()
        .await
        .expect_err("the ids are not UUIDs");
    let Error::Decode(decode) = &err else {
        panic!("expected a decode error, got {err:?}");
    };
    // The snippet shows the page's shape, with each key masked where it was.
    assert_eq!(
        decode
            .snippet
            .matches(r#""api_key":"[REDACTED]","id":"not-a-uuid""#)
            .count(),
        3,
        "{}",
        decode.snippet
    );
    let mut seen = Seen::default();
    for k in keys {
        seen.secret(k);
    }
    seen.result("a page that fails to decode", &Err::<(), _>(err));
    seen.assert_clean(&[]);
}

fn client_with(mock: &MockServer, key: &str) -> Client {
    client(&mock.base_url(), key)
}

/// The mock's raw retrieve JSON for `id` (with the real api_key/api_token).
async fn created_json(mock: &MockServer, id: &str) -> serde_json::Value {
    reqwest::Client::new()
        .get(format!("{}/managed_accounts/{id}", mock.base_url()))
        .bearer_auth(mock.api_key())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

// ---------------------------------------------------------------------------
// Redirects

/// A one-response-per-connection HTTP server that records each request's
/// head (lowercased) and answers with `respond(head)`.
async fn tiny_server(
    ip: &str,
    respond: impl Fn(&str) -> String + Send + Sync + 'static,
) -> (SocketAddr, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind(format!("{ip}:0")).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let heads = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&heads);
    let respond = Arc::new(respond);
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let log = Arc::clone(&log);
            let respond = Arc::clone(&respond);
            tokio::spawn(async move {
                let Some((head, buf, head_end)) = support::read_request(&mut stream).await else {
                    return;
                };
                let body = String::from_utf8_lossy(&buf[head_end..]).into_owned();
                log.lock().unwrap().push(format!("{head}{body}"));
                let response = respond(&head);
                let _ = stream.write_all(response.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    (addr, heads)
}

fn not_found() -> String {
    let body = r#"{"errors":[{"code":"10005","title":"Resource not found"}]}"#;
    format!(
        "HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
}

const HOP_FROM: &str = "aaaaaaaa-0000-4000-8000-000000000001";
const HOP_TO: &str = "bbbbbbbb-0000-4000-8000-000000000002";

#[tokio::test]
async fn authorization_and_body_do_not_follow_a_redirect_to_another_host() {
    // The other host: 127.0.0.2 (all of 127/8 is loopback on Linux).
    let (elsewhere, elsewhere_seen) = tiny_server("127.0.0.2", |_| not_found()).await;
    let target = format!("http://{elsewhere}");
    let (origin, origin_seen) = tiny_server("127.0.0.1", move |head| {
        let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
        let (status, location) = if path.contains(HOP_TO) {
            return not_found();
        } else if path.contains(HOP_FROM) {
            // Same origin, relative location.
            ("302 Found", path.replace(HOP_FROM, HOP_TO))
        } else if head.starts_with("post") {
            ("307 Temporary Redirect", format!("{target}{path}"))
        } else {
            ("302 Found", format!("{target}{path}"))
        };
        format!(
            "HTTP/1.1 {status}\r\nlocation: {location}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
        )
    })
    .await;
    let client = client(&format!("http://{origin}/v2"), KEY);
    let ma = client.managed_accounts();

    let get = ma
        .retrieve("f65ceda4-6522-4ad6-aede-98de83385123")
        .max_retries(0)
        .await;
    let post = ma
        .create("Redirected Inc")
        .password(PASSWORD)
        .max_retries(0)
        .await;

    let heads = origin_seen.lock().unwrap().clone();
    assert_eq!(heads.len(), 2);
    for head in &heads {
        assert!(
            head.contains(&format!("authorization: bearer {}", KEY.to_lowercase())),
            "the origin gets the key: {head}"
        );
    }
    // Nothing at all reached the other host: not the key (which reqwest
    // would strip) and not the create's body with its password (which a
    // followed 307 would re-send).
    let elsewhere_heads = elsewhere_seen.lock().unwrap().clone();
    for head in &elsewhere_heads {
        assert!(
            !head.contains("authorization"),
            "key sent across hosts: {head}"
        );
    }
    assert!(
        elsewhere_heads.is_empty(),
        "the redirect was followed to another host: {elsewhere_heads:?}"
    );
    // The caller sees the redirect as an error.
    for (r, status) in [(get.map(drop), 302), (post.map(drop), 307)] {
        match r {
            Err(Error::Api(e)) => {
                assert_eq!(e.status(), status);
                assert_eq!(e.kind(), ApiErrorKind::Other);
                assert_eq!(e.attempts(), 1);
            }
            other => panic!("expected the {status} as an error, got {other:?}"),
        }
    }

    // A redirect within the origin is still followed (to a 404 here).
    let r = ma.retrieve(HOP_FROM).max_retries(0).await;
    match r {
        Err(Error::Api(e)) => assert_eq!(e.kind(), ApiErrorKind::NotFound),
        other => panic!("expected the followed redirect's 404, got {other:?}"),
    }
    let heads = origin_seen.lock().unwrap().clone();
    assert_eq!(heads.len(), 4);
    assert!(heads[2].contains(HOP_FROM) && heads[3].contains(HOP_TO));
    assert!(elsewhere_seen.lock().unwrap().is_empty());
}
