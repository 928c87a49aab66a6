//! The export of issue 13: walk every managed account of a mock that
//! answers after 40 ms and allows 200 requests a second, as one process,
//! for `bench/throughput.sh` to time with hyperfine next to the official
//! SDKs.
//!
//! ```text
//! export <base-url> <api-key> <expected> [default | prefetch K | max-prefetch K]
//! ```
//!
//! Walks pages of 250 (cancelled accounts included, so every seeded account
//! is seen), checks the count, and prints `count=N 429s=N attempts=N
//! max_concurrency=N`. Without arguments (as `cargo bench` runs it) it does
//! nothing.

use futures::TryStreamExt;
use telnyx_accounts::hooks::RequestCounter;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 || args[1].starts_with("--") {
        return;
    }
    let (url, key) = (&args[1], &args[2]);
    let expected: usize = args[3].parse().expect("expected count");
    let setting = args.get(4).map(String::as_str).unwrap_or("default");
    let k: usize = args.get(5).map(|k| k.parse().expect("K")).unwrap_or(0);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let counter = RequestCounter::new();
        let client = telnyx_accounts::Client::builder()
            .api_key(key.as_str())
            .base_url(url.as_str())
            .hook(counter.clone())
            .build()
            .expect("client");
        let list = client
            .managed_accounts()
            .list()
            .include_cancelled_accounts(true)
            .page_size(250);
        let list = match setting {
            "default" => list,
            "prefetch" => list.prefetch(k),
            "max-prefetch" => list.max_prefetch(k),
            other => panic!("unknown setting {other}"),
        };
        let mut stream = list.into_stream();
        let mut n = 0usize;
        while let Some(account) = stream.try_next().await.expect("walk") {
            std::hint::black_box(&account);
            n += 1;
        }
        assert_eq!(n, expected, "walked {n} accounts");
        let c = counter.snapshot();
        println!(
            "count={n} 429s={} attempts={} max_concurrency={}",
            c.statuses.get(&429).unwrap_or(&0),
            c.attempts,
            client.max_concurrency()
        );
    });
}
