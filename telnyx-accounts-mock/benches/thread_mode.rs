//! What the mock's own thread costs a test: one retrieve (GET of one
//! account over a kept-alive connection), sent from a current-thread runtime
//! as `#[tokio::test]` runs it, with the mock on its own thread (the
//! default) and as a task on the test's runtime.
//!
//! ```text
//! cargo bench -p telnyx-accounts-mock --bench thread_mode
//! ```

use criterion::{criterion_group, criterion_main, Criterion};
use telnyx_accounts_mock::MockServer;

fn retrieve(c: &mut Criterion) {
    let mut group = c.benchmark_group("mock_retrieve");
    for (name, own_thread) in [("own_thread", true), ("caller_runtime", false)] {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let mock = rt.block_on(MockServer::builder().own_thread(own_thread).start());
        let http = reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("client");
        let url = format!(
            "{}/managed_accounts/{}",
            mock.base_url(),
            mock.accounts()[0].id
        );
        let key = mock.api_key().to_owned();
        group.bench_function(name, |b| {
            b.to_async(&rt).iter(|| async {
                let resp = http.get(&url).bearer_auth(&key).send().await.expect("send");
                assert!(resp.status().is_success());
                std::hint::black_box(resp.bytes().await.expect("body"));
            })
        });
        rt.block_on(mock.shutdown());
    }
    group.finish();
}

criterion_group!(benches, retrieve);
criterion_main!(benches);
