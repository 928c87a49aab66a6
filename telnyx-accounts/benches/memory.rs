//! Peak memory of walking every managed account: 50,000 vs 2,500.
//!
//! `cargo bench -p telnyx-accounts --bench memory` starts two mocks (2,500
//! and 50,000 accounts), then runs this same executable as a child process
//! per walk (`memory walk <base-url>`), which walks every account with the
//! client's item stream (pages of 250, default prefetch), drops each item,
//! and prints its count and peak resident set size (`VmHWM`). Each child is
//! a fresh process, so its peak is that walk's alone. Five walks of each,
//! interleaved; medians, min–max, and the ratio of the medians.
//!
//! The child mode is also the Rust walker that `bench/run.sh` times with
//! hyperfine against the Python and Node SDKs.

mod common;

use std::process::Command;

use futures::TryStreamExt;

const RUNS: usize = 5;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("walk") {
        let url = args.get(2).expect("usage: memory walk <base-url>");
        walk_child(url);
        return;
    }
    let small = common::start_mock(2_500);
    let large = common::start_mock(common::ACCOUNTS);
    eprintln!("mocks: {}", small.kind);
    let exe = std::env::current_exe().expect("current exe");
    let mut rss = [Vec::new(), Vec::new()];
    for _ in 0..RUNS {
        for (slot, (mock, expected)) in [(&small, 2_500), (&large, common::ACCOUNTS)]
            .into_iter()
            .enumerate()
        {
            let out = Command::new(&exe)
                .args(["walk", &mock.base_url])
                .output()
                .expect("run walker");
            assert!(out.status.success(), "walker failed: {out:?}");
            let text = String::from_utf8_lossy(&out.stdout);
            let (count, kb) = parse(&text);
            assert_eq!(count, expected, "walker output {text:?}");
            rss[slot].push(kb);
        }
    }
    let summary = |v: &mut Vec<u64>| {
        v.sort_unstable();
        (v[v.len() / 2], v[0], v[v.len() - 1])
    };
    let (s_med, s_min, s_max) = summary(&mut rss[0]);
    let (l_med, l_min, l_max) = summary(&mut rss[1]);
    println!(
        "memory/walk_2500     peak RSS median {s_med} KiB (min {s_min}, max {s_max}), {RUNS} runs"
    );
    println!(
        "memory/walk_50000    peak RSS median {l_med} KiB (min {l_min}, max {l_max}), {RUNS} runs"
    );
    println!(
        "memory/ratio         50,000 / 2,500 = {:.3} (goal <= 1.25)",
        l_med as f64 / s_med as f64
    );
}

fn parse(text: &str) -> (usize, u64) {
    let mut count = None;
    let mut kb = None;
    for word in text.split_whitespace() {
        if let Some(v) = word.strip_prefix("count=") {
            count = v.parse().ok();
        }
        if let Some(v) = word.strip_prefix("max_rss_kib=") {
            kb = v.parse().ok();
        }
    }
    (count.expect("count"), kb.expect("max_rss_kib"))
}

/// Walks every account (cancelled ones included) and prints the count and
/// this process's peak RSS.
fn walk_child(base_url: &str) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let count = rt.block_on(async {
        let client = common::client(base_url);
        let mut stream = client
            .managed_accounts()
            .list()
            .include_cancelled_accounts(true)
            .page_size(common::PAGE_SIZE)
            .into_stream();
        let mut n = 0usize;
        while let Some(account) = stream.try_next().await.expect("walk") {
            std::hint::black_box(&account);
            n += 1;
        }
        n
    });
    println!("count={count} max_rss_kib={}", peak_rss_kib());
}

/// `VmHWM` from `/proc/self/status` (Linux); 0 elsewhere.
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}
