//! What a user pays per call, as a whole process: `n` `retrieve` calls
//! against a running mock, by the client at its defaults or by the floor
//! (bare `reqwest` + `serde_json`, the same reqwest build, one shared
//! `reqwest::Client`, keep-alive), one side per process:
//!
//! ```text
//! per_call --side client|bare|client-nolimiter --mode seq|conc --n 20000 --url BASE_URL
//! ```
//!
//! `seq`: one loop, one call after the other. `conc`: 64 tasks sharing one
//! client, `n` calls in all. `client-nolimiter`: the client with
//! `pacing(false)` and no concurrency bound, to measure what the limiter
//! costs. Every loop runs on a default multi-thread runtime (what
//! `#[tokio::main]` builds). Prints `loop_ns=…` (the loop's wall time, after
//! start-up and one warm-up call) and `loop_cpu_ns=…` (the CPU time
//! of all its threads over the loop); `bench/per_call.sh` runs it under
//! `/usr/bin/time` for CPU time, context switches and peak RSS, alternating
//! the two sides. Without arguments (as `cargo bench` runs it) it does
//! nothing.
//!
//! ```text
//! per_call --side interleaved --mode seq|conc --n CALLS_PER_BLOCK --url BASE_URL --blocks B
//! ```
//!
//! Both sides in one process, in alternating blocks of `n` calls (client
//! then bare, then bare then client, ...), `B` blocks per side. Prints one
//! line per block, `block=I side=S loop_ns=… loop_cpu_ns=…`. On a shared
//! host the CPU a process gets per unit of work drifts by tens of percent
//! from one second to the next, and whole processes of a few seconds each
//! take that drift into their ratios; blocks of a tenth of a second, side
//! by side, cancel it.
//!
//! ```text
//! per_call --side bare --mode seq --n 20000 --url BASE_URL --spin-us K
//! ```
//!
//! `--spin-us K`: after each call of the sequential loop, the calling
//! thread stays busy for `K` µs. A calibration, not a user's loop: the
//! longer the caller works between calls, the more often the runtime's
//! worker has gone to sleep by the next request and must be woken, and
//! this shows how the context switches and the CPU per call grow with it
//! (`bench/wakeups.sh`).

mod common;

use std::sync::Arc;
use std::time::Instant;

/// Tasks of the concurrent loop.
const TASKS: usize = 64;

struct Args {
    side: String,
    mode: String,
    n: usize,
    url: String,
    blocks: usize,
    spin: std::time::Duration,
}

fn args() -> Option<Args> {
    let mut it = std::env::args().skip(1);
    let (mut side, mut mode, mut n, mut url, mut blocks, mut spin_us) =
        (None, None, None, None, None, None);
    while let Some(flag) = it.next() {
        let value = it.next();
        match flag.as_str() {
            "--side" => side = value,
            "--mode" => mode = value,
            "--n" => n = value.and_then(|v| v.parse().ok()),
            "--url" => url = value,
            "--blocks" => blocks = value.and_then(|v| v.parse().ok()),
            "--spin-us" => spin_us = value.and_then(|v| v.parse().ok()),
            _ => return None, // `cargo bench` passes `--bench`
        }
    }
    Some(Args {
        side: side?,
        mode: mode?,
        n: n?,
        url: url?,
        blocks: blocks.unwrap_or(1),
        spin: std::time::Duration::from_micros(spin_us.unwrap_or(0)),
    })
}

/// One side's way of making a call.
#[derive(Clone)]
enum Side {
    Client(telnyx_accounts::Client),
    Bare(reqwest::Client, Arc<str>),
}

impl Side {
    async fn call(&self, id: &str) {
        match self {
            Side::Client(c) => {
                let a = c.managed_accounts().retrieve(id).await.expect("retrieve");
                std::hint::black_box(a);
            }
            Side::Bare(http, base) => {
                std::hint::black_box(common::bare_retrieve(http, base, id).await);
            }
        }
    }

    /// Ids of accounts that exist, fetched by this side's own client (so
    /// that each process builds only its side's client).
    async fn ids(&self) -> Vec<String> {
        match self {
            Side::Client(c) => common::some_ids(c, 16).await,
            Side::Bare(http, base) => {
                let body = http
                    .get(format!("{base}/managed_accounts?page[size]=16"))
                    .bearer_auth(common::API_KEY)
                    .send()
                    .await
                    .expect("list")
                    .bytes()
                    .await
                    .expect("list body");
                let list: common::List<common::PlainListing> =
                    serde_json::from_slice(&body).expect("list decode");
                list.data.iter().map(|a| a.id.to_string()).collect()
            }
        }
    }
}

/// CPU time (user + system) of every thread of this process so far, in
/// nanoseconds, from `/proc/self/task/*/schedstat` (finer than the 10 ms
/// ticks of `getrusage` on this kernel's accounting); 0 where unreadable.
/// Read while the runtime's threads are alive, so the loop's CPU is the
/// difference of two reads.
fn cpu_ns() -> u128 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0;
    };
    tasks
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse::<u128>().ok())
        .sum()
}

/// Busy for `d` on this thread (no yield): the calibration of
/// `--spin-us`.
fn spin(d: std::time::Duration) {
    let start = Instant::now();
    while start.elapsed() < d {
        std::hint::spin_loop();
    }
}

/// Runs `n` calls of `side` in `mode`, and returns the loop's wall and
/// CPU time (all threads) in nanoseconds. `work`: how long the sequential
/// loop keeps its thread busy after each call (`--spin-us`).
async fn run_loop(
    side: &Side,
    mode: &str,
    n: usize,
    ids: &Arc<[String]>,
    work: std::time::Duration,
) -> (u128, u128) {
    let (start, cpu_start) = (Instant::now(), cpu_ns());
    match mode {
        "seq" => {
            for i in 0..n {
                side.call(&ids[i % ids.len()]).await;
                if !work.is_zero() {
                    spin(work);
                }
            }
        }
        "conc" => {
            let tasks: Vec<_> = (0..TASKS)
                .map(|t| {
                    let (side, ids) = (side.clone(), Arc::clone(ids));
                    let calls = n / TASKS + usize::from(t < n % TASKS);
                    tokio::spawn(async move {
                        for i in 0..calls {
                            side.call(&ids[(t + i) % ids.len()]).await;
                        }
                    })
                })
                .collect();
            for t in tasks {
                t.await.expect("task");
            }
        }
        other => panic!("unknown mode {other}"),
    }
    (
        start.elapsed().as_nanos(),
        cpu_ns().saturating_sub(cpu_start),
    )
}

fn main() {
    let Some(a) = args() else { return };
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let make_side = |name: &str| match name {
            "client" => Side::Client(common::client(&a.url)),
            // The client without its limiter: no pacing, no concurrency bound.
            "client-nolimiter" => Side::Client(
                telnyx_accounts::Client::builder()
                    .api_key(common::API_KEY)
                    .base_url(&a.url)
                    .pacing(false)
                    .max_concurrency(usize::MAX)
                    .build()
                    .expect("client"),
            ),
            "bare" => Side::Bare(common::bare_client(), Arc::from(a.url.as_str())),
            other => panic!("unknown side {other}"),
        };
        if a.side == "interleaved" {
            let sides = [("client", make_side("client")), ("bare", make_side("bare"))];
            let ids: Arc<[String]> = sides[0].1.ids().await.into();
            for (_, s) in &sides {
                // Warm-up: each side's connections open (as many as the
                // loop keeps busy).
                run_loop(s, &a.mode, a.n.min(TASKS * 4), &ids, a.spin).await;
            }
            for block in 0..a.blocks {
                let order = if block % 2 == 0 { [0, 1] } else { [1, 0] };
                for i in order {
                    let (name, s) = &sides[i];
                    let (wall, cpu) = run_loop(s, &a.mode, a.n, &ids, a.spin).await;
                    println!("block={block} side={name} loop_ns={wall} loop_cpu_ns={cpu}");
                }
            }
            return;
        }
        let side = make_side(&a.side);
        let ids: Arc<[String]> = side.ids().await.into();
        side.call(&ids[0]).await; // warm-up: the connection is open
        let (wall, cpu) = run_loop(&side, &a.mode, a.n, &ids, a.spin).await;
        println!("loop_ns={wall}");
        println!("loop_cpu_ns={cpu}");
    });
}
