//! The client against the floor, on loopback, each group in one run:
//!
//! - `retrieve`: one `retrieve` through the client vs the same GET with
//!   bare `reqwest` + `serde_json` into a plain struct with the same field
//!   types (`Uuid`, `DateTime<Utc>`, `String`), on a current-thread runtime;
//! - `walk_50k`: every one of 50,000 accounts (200 pages of 250) through
//!   the client's stream vs a bare sequential `reqwest` loop;
//! - `walk_50k_work`: the same walk with consumer work per item (a fixed
//!   bit of CPU per item, and 2 ms of async waiting per page, as a batched
//!   write would take), with and without prefetch;
//! - `concurrent_64`: 64 tasks sharing one `Client` vs 64 tasks sharing one
//!   `reqwest::Client`, 8 retrieves each.
//!
//! The mock runs as a separate process when the program is built (see
//! `common`). `bash bench/run.sh` runs this and prints the ratios;
//! `BENCHMARKS.md` has the results.

mod common;

use std::sync::Arc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use futures::TryStreamExt;
use tokio::runtime::Runtime;

use common::{ACCOUNTS, PAGE_SIZE};

/// The consumer's wait per page in `walk_50k_work`.
const PAGE_WORK: Duration = Duration::from_millis(2);

/// A multi-threaded runtime (a worker per core), as `#[tokio::main]` gives.
fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn benches(c: &mut Criterion) {
    let mock = common::start_mock(ACCOUNTS);
    eprintln!("mock: {} at {}", mock.kind, mock.base_url);
    let base = mock.base_url.clone();
    let rt = runtime();
    let client = common::client(&base);
    let http = common::bare_client();
    let ids = rt.block_on(common::some_ids(&client, 64));
    assert_eq!(ids.len(), 64);

    // Sanity: both walks see every account, and agree.
    let n_client = rt.block_on(walk_client(&client, 1, false));
    let n_bare = rt.block_on(common::bare_walk(&http, &base, |_| async {}));
    assert_eq!(n_client, ACCOUNTS);
    assert_eq!(n_bare, ACCOUNTS);

    // -- per-call overhead ----------------------------------------------------
    // On a current-thread runtime: one call at a time, no cross-thread
    // wake-ups, so the difference is the client's own work per call.
    {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let mut g = c.benchmark_group("retrieve");
        g.sample_size(100);
        g.measurement_time(Duration::from_secs(8));
        let mut i = 0usize;
        g.bench_function("bare_reqwest", |b| {
            b.to_async(&rt).iter(|| {
                i = (i + 1) % ids.len();
                let id = ids[i].as_str();
                let (http, base) = (&http, base.as_str());
                async move { common::bare_retrieve(http, base, id).await.email.len() }
            })
        });
        let mut i = 0usize;
        g.bench_function("client", |b| {
            b.to_async(&rt).iter(|| {
                i = (i + 1) % ids.len();
                let id = ids[i].as_str();
                let client = &client;
                async move {
                    client
                        .managed_accounts()
                        .retrieve(id)
                        .await
                        .expect("retrieve")
                        .email
                        .len()
                }
            })
        });
        g.finish();
    }

    // -- walking 50,000 accounts ------------------------------------------------
    {
        let mut g = c.benchmark_group("walk_50k");
        g.sample_size(10);
        g.measurement_time(Duration::from_secs(15));
        g.throughput(Throughput::Elements(ACCOUNTS as u64));
        g.bench_function("bare_sequential", |b| {
            b.to_async(&rt)
                .iter(|| common::bare_walk(&http, &base, |_| async {}))
        });
        g.bench_function("client_prefetch1", |b| {
            b.to_async(&rt).iter(|| walk_client(&client, 1, false))
        });
        g.bench_function("client_prefetch0", |b| {
            b.to_async(&rt).iter(|| walk_client(&client, 0, false))
        });
        g.finish();
    }

    // -- the same walk with consumer work ----------------------------------------
    {
        let mut g = c.benchmark_group("walk_50k_work");
        g.sample_size(10);
        g.measurement_time(Duration::from_secs(15));
        g.throughput(Throughput::Elements(ACCOUNTS as u64));
        g.bench_function("bare_sequential", |b| {
            b.to_async(&rt).iter(|| {
                common::bare_walk(&http, &base, |items| {
                    for a in items {
                        common::item_work(&a.email);
                    }
                    tokio::time::sleep(PAGE_WORK)
                })
            })
        });
        g.bench_function("client_prefetch0", |b| {
            b.to_async(&rt).iter(|| walk_client(&client, 0, true))
        });
        g.bench_function("client_prefetch1", |b| {
            b.to_async(&rt).iter(|| walk_client(&client, 1, true))
        });
        g.bench_function("client_prefetch2", |b| {
            b.to_async(&rt).iter(|| walk_client(&client, 2, true))
        });
        g.finish();
    }

    // -- 64 tasks on one client --------------------------------------------------
    {
        let mut g = c.benchmark_group("concurrent_64");
        g.sample_size(20);
        g.measurement_time(Duration::from_secs(10));
        g.throughput(Throughput::Elements(64 * 8));
        let ids = Arc::new(ids.clone());
        g.bench_function("bare_reqwest", |b| {
            b.to_async(&rt).iter(|| {
                let (http, base, ids) = (http.clone(), base.clone(), Arc::clone(&ids));
                async move {
                    let tasks: Vec<_> = (0..64)
                        .map(|t| {
                            let (http, base, ids) = (http.clone(), base.clone(), Arc::clone(&ids));
                            tokio::spawn(async move {
                                let mut n = 0;
                                for k in 0..8 {
                                    let id = &ids[(t + k) % ids.len()];
                                    n += common::bare_retrieve(&http, &base, id).await.email.len();
                                }
                                n
                            })
                        })
                        .collect();
                    let mut n = 0;
                    for t in tasks {
                        n += t.await.expect("task");
                    }
                    n
                }
            })
        });
        g.bench_function("client", |b| {
            b.to_async(&rt).iter(|| {
                let (client, ids) = (client.clone(), Arc::clone(&ids));
                async move {
                    let tasks: Vec<_> = (0..64)
                        .map(|t| {
                            let (client, ids) = (client.clone(), Arc::clone(&ids));
                            tokio::spawn(async move {
                                let mut n = 0;
                                for k in 0..8 {
                                    let id = ids[(t + k) % ids.len()].as_str();
                                    n += client
                                        .managed_accounts()
                                        .retrieve(id)
                                        .await
                                        .expect("retrieve")
                                        .email
                                        .len();
                                }
                                n
                            })
                        })
                        .collect();
                    let mut n = 0;
                    for t in tasks {
                        n += t.await.expect("task");
                    }
                    n
                }
            })
        });
        g.finish();
    }
    drop(mock);
}

/// Walks every account through the client's item stream; with `work`, does
/// the consumer work of `walk_50k_work`.
async fn walk_client(client: &telnyx_accounts::Client, prefetch: usize, work: bool) -> usize {
    let mut stream = client
        .managed_accounts()
        .list()
        .include_cancelled_accounts(true)
        .page_size(PAGE_SIZE)
        .prefetch(prefetch)
        .into_stream();
    let mut n = 0usize;
    while let Some(account) = stream.try_next().await.expect("walk") {
        n += 1;
        if work {
            common::item_work(&account.email);
            if n.is_multiple_of(PAGE_SIZE as usize) {
                tokio::time::sleep(PAGE_WORK).await;
            }
        }
    }
    n
}

criterion_group!(client_benches, benches);
criterion_main!(client_benches);
