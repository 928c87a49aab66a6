//! Prefetching in the page walk, proved from the mock's request log (no
//! timing): the next page is requested before the consumer asks for it,
//! never more than `prefetch(k)` pages ahead, strictly one at a time with
//! `prefetch(0)`, and dropping the stream cancels the fetches in flight.
//!
//! "Nothing more was requested" is checked after a synchronising request:
//! a request the test itself sends and awaits once everything it expects
//! has arrived, so an extra page request issued in the meantime would show
//! up in the log before it.

use std::future::IntoFuture;
use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use telnyx_accounts::Client;
use telnyx_accounts_mock::{Fault, FaultRule, MockServer, RecordedRequest};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

/// 100 accounts (cancelled ones included) in pages of 10: ten pages.
const ACCOUNTS: usize = 100;
const PAGE_SIZE: u32 = 10;
const PAGES: u64 = 10;

/// A guard against hanging: everything awaited here should be immediate.
const GUARD: Duration = Duration::from_secs(20);

async fn guarded<F: IntoFuture>(what: &str, fut: F) -> F::Output {
    match tokio::time::timeout(GUARD, fut.into_future()).await {
        Ok(v) => v,
        Err(_) => panic!("timed out waiting for {what}"),
    }
}

async fn setup() -> (MockServer, Client) {
    let mock = MockServer::builder().accounts(ACCOUNTS).start().await;
    let client = client_for(&mock.base_url(), mock.api_key());
    (mock, client)
}

fn client_for(base_url: &str, key: &str) -> Client {
    Client::builder()
        .api_key(key)
        .base_url(base_url)
        .build()
        .expect("client")
}

/// The page numbers of the list requests in the log, in arrival order.
fn pages_requested(log: &[RecordedRequest]) -> Vec<u64> {
    log.iter()
        .filter(|r| r.operation_id == Some("ListManagedAccounts"))
        .map(|r| {
            r.query_param("page[number]")
                .unwrap_or("1")
                .parse()
                .expect("numeric page[number]")
        })
        .collect()
}

fn sorted(mut v: Vec<u64>) -> Vec<u64> {
    v.sort_unstable();
    v
}

/// Sends and awaits a request that is not a page fetch; returns the log
/// as it was once that request had been received.
async fn synchronise(mock: &MockServer, client: &Client) -> Vec<RecordedRequest> {
    guarded(
        "the synchronising request",
        client
            .managed_accounts()
            .allocatable_global_outbound_channels(),
    )
    .await
    .expect("synchronising request");
    let log = mock.requests();
    let last = log.last().expect("a request");
    assert_eq!(
        last.operation_id,
        Some("ListAllocatableGlobalOutboundChannels"),
        "the synchronising request should be the last one received: {log:#?}"
    );
    log
}

/// Page 1 is answered at once; every later page is held back for a minute,
/// so it stays in flight for the rest of the test.
fn hold_back_pages_after_the_first(mock: &MockServer) {
    mock.inject(
        FaultRule::new(Fault::Passthrough)
            .operation("ListManagedAccounts")
            .times(1),
    );
    mock.inject(
        FaultRule::new(Fault::Delay(Duration::from_secs(60)))
            .operation("ListManagedAccounts")
            .always(),
    );
}

#[tokio::test]
async fn the_next_page_is_requested_while_the_consumer_holds_the_current_one() {
    let (mock, client) = setup().await;
    // Page 1 is answered at once; every later page is held back for a
    // minute, so page 2 is still in flight for the whole test.
    hold_back_pages_after_the_first(&mock);
    let mut stream = client
        .managed_accounts()
        .list()
        .include_cancelled_accounts(true)
        .page_size(PAGE_SIZE)
        .into_stream();
    let first = guarded("the first item", stream.try_next())
        .await
        .expect("first item")
        .expect("an account");
    // The consumer holds one item of page 1 and asks for nothing more:
    // page 2 is requested all the same.
    guarded("page 2 to be requested", mock.wait_for_requests(2)).await;
    assert_eq!(pages_requested(&mock.requests()), vec![1, 2]);
    let _ = first;
}

#[tokio::test]
async fn never_more_than_prefetch_pages_ahead_of_the_consumer() {
    for k in [1usize, 2, 3] {
        let (mock, client) = setup().await;
        let mut pages = client
            .managed_accounts()
            .list()
            .include_cancelled_accounts(true)
            .page_size(PAGE_SIZE)
            .prefetch(k)
            .pages();
        for n in 1..=PAGES {
            // The consumer now holds page n and pauses.
            let page = guarded("a page", pages.try_next())
                .await
                .expect("page")
                .expect("a page before the end");
            assert_eq!(page.meta.page_number, n);
            let expected_last = (n + k as u64).min(PAGES);
            let requested = usize::try_from(expected_last).expect("small");
            guarded(
                "the prefetched pages to be requested",
                mock.wait_for_requests(requested + (n as usize - 1)),
            )
            .await;
            let log = synchronise(&mock, &client).await;
            assert_eq!(
                sorted(pages_requested(&log)),
                (1..=expected_last).collect::<Vec<_>>(),
                "prefetch({k}), consumer holding page {n}: {log:#?}"
            );
        }
        assert!(guarded("the end", pages.try_next())
            .await
            .expect("end")
            .is_none());
        // Every page once, and nothing after the last.
        assert_eq!(
            sorted(pages_requested(&mock.requests())),
            (1..=PAGES).collect::<Vec<_>>()
        );
    }
}

#[tokio::test]
async fn prefetch_one_item_stream_stays_one_page_ahead_within_a_page() {
    let (mock, client) = setup().await;
    let mut items = client
        .managed_accounts()
        .list()
        .include_cancelled_accounts(true)
        .page_size(PAGE_SIZE)
        .prefetch(1)
        .into_stream();
    let mut seen = 0u64;
    // Take every item of pages 1 and 2, one at a time; after each, the
    // walk has requested exactly one page past the one being consumed.
    while seen < 2 * u64::from(PAGE_SIZE) {
        guarded("an item", items.try_next())
            .await
            .expect("item")
            .expect("an account");
        seen += 1;
        let consuming = (seen - 1) / u64::from(PAGE_SIZE) + 1;
        let syncs_so_far = seen as usize - 1;
        guarded(
            "the prefetched page",
            mock.wait_for_requests(consuming as usize + 1 + syncs_so_far),
        )
        .await;
        let log = synchronise(&mock, &client).await;
        assert_eq!(
            sorted(pages_requested(&log)),
            (1..=consuming + 1).collect::<Vec<_>>(),
            "after item {seen}"
        );
    }
}

#[tokio::test]
async fn prefetch_zero_requests_strictly_one_page_at_a_time() {
    let (mock, client) = setup().await;
    let mut pages = client
        .managed_accounts()
        .list()
        .include_cancelled_accounts(true)
        .page_size(PAGE_SIZE)
        .prefetch(0)
        .pages();
    for n in 1..=PAGES {
        let page = guarded("a page", pages.try_next())
            .await
            .expect("page")
            .expect("a page before the end");
        assert_eq!(page.meta.page_number, n);
        // Nothing runs in the background with prefetch(0): only the page
        // the consumer asked for has been requested.
        let log = synchronise(&mock, &client).await;
        assert_eq!(pages_requested(&log), (1..=n).collect::<Vec<_>>());
    }
    assert!(guarded("the end", pages.try_next())
        .await
        .expect("end")
        .is_none());
    assert_eq!(
        pages_requested(&mock.requests()),
        (1..=PAGES).collect::<Vec<_>>()
    );

    // The item stream too: all 100 accounts, pages in order, one at a time.
    mock.clear_requests();
    let all: Vec<_> = guarded(
        "the whole walk",
        client
            .managed_accounts()
            .list()
            .include_cancelled_accounts(true)
            .page_size(PAGE_SIZE)
            .prefetch(0)
            .into_stream()
            .try_collect::<Vec<_>>(),
    )
    .await
    .expect("walk");
    assert_eq!(all.len(), ACCOUNTS);
    assert_eq!(
        pages_requested(&mock.requests()),
        (1..=PAGES).collect::<Vec<_>>()
    );
}

/// What the loopback proxy saw: a client closing a connection, with the
/// request line of the last request it carried and whether any response
/// bytes came back after that request.
#[derive(Debug)]
struct Closed {
    last_request_line: String,
    answered: bool,
}

/// A TCP proxy in front of the mock that reports every connection the
/// client closes: a cancelled fetch closes its connection (its response is
/// still owed), which is how cancellation shows from the outside.
async fn closing_proxy(
    upstream: std::net::SocketAddr,
) -> (String, mpsc::UnboundedReceiver<Closed>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
    let addr = listener.local_addr().expect("proxy addr");
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let Ok((client, _)) = listener.accept().await else {
                return;
            };
            let tx = tx.clone();
            tokio::spawn(async move {
                let Ok(server) = TcpStream::connect(upstream).await else {
                    return;
                };
                let (mut client_r, mut client_w) = client.into_split();
                let (mut server_r, mut server_w) = server.into_split();
                let state = std::sync::Arc::new(conn_state::State::default());
                let down = {
                    let state = state.clone();
                    tokio::spawn(async move {
                        let mut buf = vec![0u8; 64 * 1024];
                        loop {
                            match server_r.read(&mut buf).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => {
                                    state.answered();
                                    if client_w.write_all(&buf[..n]).await.is_err() {
                                        return;
                                    }
                                }
                            }
                        }
                    })
                };
                let mut buf = vec![0u8; 64 * 1024];
                loop {
                    match client_r.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            state.request(&buf[..n]);
                            if server_w.write_all(&buf[..n]).await.is_err() {
                                break;
                            }
                        }
                    }
                }
                let (line, answered) = state.snapshot();
                let _ = tx.send(Closed {
                    last_request_line: line,
                    answered,
                });
                down.abort();
            });
        }
    });
    (format!("http://{addr}/v2"), rx)
}

mod conn_state {
    use std::sync::Mutex;

    #[derive(Default)]
    pub(super) struct State(Mutex<(String, bool)>);

    impl State {
        pub(super) fn request(&self, bytes: &[u8]) {
            let text = String::from_utf8_lossy(bytes);
            if let Some(line) = text.lines().find(|l| l.contains(" HTTP/1.1")) {
                let mut s = self.0.lock().expect("lock");
                *s = (line.to_owned(), false);
            }
        }
        pub(super) fn answered(&self) {
            self.0.lock().expect("lock").1 = true;
        }
        pub(super) fn snapshot(&self) -> (String, bool) {
            self.0.lock().expect("lock").clone()
        }
    }
}

fn page_of(request_line: &str) -> Option<u64> {
    let (_, rest) = request_line
        .split_once("page%5Bnumber%5D=")
        .or_else(|| request_line.split_once("page[number]="))?;
    rest.split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

#[tokio::test]
async fn dropping_the_stream_cancels_the_fetches_in_flight() {
    let mock = MockServer::builder().accounts(ACCOUNTS).start().await;
    let (proxy_url, mut closed) = closing_proxy(mock.addr()).await;
    let client = client_for(&proxy_url, mock.api_key());
    // Page 1 at once; later pages held back for a minute, so they are in
    // flight when the stream is dropped.
    hold_back_pages_after_the_first(&mock);
    let mut stream = client
        .managed_accounts()
        .list()
        .include_cancelled_accounts(true)
        .page_size(PAGE_SIZE)
        .prefetch(2)
        .into_stream();
    guarded("the first item", stream.try_next())
        .await
        .expect("first item")
        .expect("an account");
    guarded("pages 2 and 3 to be requested", mock.wait_for_requests(3)).await;
    assert_eq!(sorted(pages_requested(&mock.requests())), vec![1, 2, 3]);

    drop(stream);

    // Both unanswered fetches are cancelled: their connections are closed
    // by the client without waiting for the (minute-long) response.
    let mut cancelled_pages = Vec::new();
    while cancelled_pages.len() < 2 {
        let c = guarded("a cancelled fetch to close its connection", closed.recv())
            .await
            .expect("proxy running");
        if !c.answered {
            cancelled_pages.push(page_of(&c.last_request_line).expect("a page request"));
        }
    }
    assert_eq!(sorted(cancelled_pages), vec![2, 3]);

    // And nothing else is requested afterwards.
    mock.clear_faults();
    let log = synchronise(&mock, &client).await;
    assert_eq!(sorted(pages_requested(&log)), vec![1, 2, 3], "{log:#?}");
}

#[tokio::test]
async fn dropping_a_stream_midway_leaves_the_client_usable() {
    let (_mock, client) = setup().await;
    let mut stream = client
        .managed_accounts()
        .list()
        .include_cancelled_accounts(true)
        .page_size(PAGE_SIZE)
        .prefetch(3)
        .into_stream()
        .take(15);
    while guarded("an item", stream.next()).await.is_some() {}
    drop(stream);
    let all = guarded(
        "a second walk",
        client
            .managed_accounts()
            .list()
            .include_cancelled_accounts(true)
            .page_size(PAGE_SIZE)
            .collect_all(),
    )
    .await
    .expect("walk");
    assert_eq!(all.len(), ACCOUNTS);
}
