//! A fixed number of calls, for counting instructions (wall-clock free, so
//! unaffected by other load on the machine):
//!
//! ```text
//! valgrind --tool=callgrind calls <mode> <n> <base-url>
//! ```
//!
//! Modes: `bare` / `client` (`n` retrieves), `bare-walk` / `client-walk` /
//! `client-walk0` (`n` walks of every account, the client with prefetch 1
//! or 0). A run with `n = 0` counts the fixed cost (runtime, clients, TLS
//! roots, warm-up); `(count(n) - count(0)) / n` is the cost per call.
//! Mode `sizes` prints the size of one `retrieve` call's future on each
//! side (the client's: what `.await` on the builder boxes, and `send()`'s)
//! and sends nothing.
//! Without arguments (as `cargo bench` runs it) it does nothing.

mod common;

use futures::TryStreamExt;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 || args[1].starts_with("--") {
        return;
    }
    let mode = args[1].clone();
    let n: usize = args[2].parse().expect("n");
    let base = args[3].clone();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let client = common::client(&base);
        let http = common::bare_client();
        let ids = common::some_ids(&client, 16).await;
        if mode == "sizes" {
            let id = ids[0].as_str();
            let send_future = client.managed_accounts().retrieve(id).send();
            let boxed =
                std::future::IntoFuture::into_future(client.managed_accounts().retrieve(id));
            let bare_future = common::bare_retrieve(&http, &base, id);
            // What `.await` on the builder boxes (the size behind the box).
            println!("client_future_bytes={}", std::mem::size_of_val(&*boxed));
            println!(
                "client_send_future_bytes={}",
                std::mem::size_of_val(&send_future)
            );
            println!("bare_future_bytes={}", std::mem::size_of_val(&bare_future));
            return;
        }
        // Warm both connection pools.
        common::bare_retrieve(&http, &base, &ids[0]).await;
        client
            .managed_accounts()
            .retrieve(ids[0].as_str())
            .await
            .expect("retrieve");
        for i in 0..n {
            let id = ids[i % ids.len()].as_str();
            match mode.as_str() {
                "bare" => {
                    std::hint::black_box(common::bare_retrieve(&http, &base, id).await);
                }
                "client" => {
                    let a = client.managed_accounts().retrieve(id).await;
                    std::hint::black_box(a.expect("retrieve"));
                }
                "bare-walk" => {
                    std::hint::black_box(common::bare_walk(&http, &base, |_| async {}).await);
                }
                "client-walk" | "client-walk0" => {
                    let prefetch = usize::from(mode == "client-walk");
                    let mut s = client
                        .managed_accounts()
                        .list()
                        .include_cancelled_accounts(true)
                        .page_size(common::PAGE_SIZE)
                        .prefetch(prefetch)
                        .into_stream();
                    let mut k = 0usize;
                    while let Some(a) = s.try_next().await.expect("walk") {
                        std::hint::black_box(a);
                        k += 1;
                    }
                    std::hint::black_box(k);
                }
                other => panic!("unknown mode {other}"),
            }
        }
    });
}
