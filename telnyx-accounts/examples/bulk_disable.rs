//! Disable every managed account that matches a filter, as fast as Telnyx's
//! rate limit allows, with a progress bar; safe to run again.
//!
//! ```text
//! cargo run -p telnyx-accounts --example bulk_disable -- [OPTIONS]
//!
//!   --email-contains TEXT               only accounts whose email contains TEXT
//!   --organization-name-contains TEXT   only accounts whose organization name contains TEXT
//!   --concurrency N                     disable calls in flight at once (default 16)
//!   --no-pacing                         switch the client's rate limiter off (to see the 429s it avoids)
//!   --yes                               really disable (required against a real API)
//! ```
//!
//! Without `TELNYX_API_KEY` it starts the embedded mock server with 40 ms of
//! latency and a rate limit of 50 requests a second, disables its enabled
//! accounts, then runs the job a second time to show that a rerun finds
//! nothing left to do. With `TELNYX_API_KEY` (and optionally
//! `TELNYX_BASE_URL`) it works against that API, and only lists what it
//! would disable unless `--yes` is given.
//!
//! How it is safe to run again: it only ever lists accounts that are still
//! **enabled** (`filter[status][eq]=enabled`), so accounts disabled by an
//! earlier run, finished or interrupted, are not touched again. It collects
//! the ids before disabling any: walking `status=enabled` pages while
//! disabling their accounts would shift the pages under the walk and skip
//! accounts (see `telnyx_accounts::pagination`).

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use futures::{StreamExt, TryStreamExt};
use indicatif::{ProgressBar, ProgressStyle};
use telnyx_accounts::hooks::RequestCounter;
use telnyx_accounts::{ApiErrorKind, Client, Error, ManagedAccountStatus, API_KEY_ENV};
use telnyx_accounts_mock::MockServer;
use uuid::Uuid;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

struct Options {
    email_contains: Option<String>,
    organization_name_contains: Option<String>,
    concurrency: usize,
    pacing: bool,
    yes: bool,
}

fn options() -> Result<Options> {
    let mut o = Options {
        email_contains: None,
        organization_name_contains: None,
        concurrency: 16,
        pacing: true,
        yes: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next().ok_or_else(|| {
                format!("{name} needs a value (see the top of examples/bulk_disable.rs)")
            })
        };
        match arg.as_str() {
            "--email-contains" => o.email_contains = Some(value(&arg)?),
            "--organization-name-contains" => o.organization_name_contains = Some(value(&arg)?),
            "--concurrency" => {
                o.concurrency = value(&arg)?
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or("--concurrency needs a number above 0")?
            }
            "--no-pacing" => o.pacing = false,
            "--yes" => o.yes = true,
            other => {
                return Err(format!(
                    "unknown option {other:?} (see the top of examples/bulk_disable.rs)"
                )
                .into())
            }
        }
    }
    Ok(o)
}

#[tokio::main]
async fn main() -> Result<()> {
    let opts = options()?;
    if std::env::var(API_KEY_ENV).is_ok_and(|k| !k.trim().is_empty()) {
        let client = client(Client::builder().from_env(), &opts)?;
        println!("Against {} ({API_KEY_ENV} is set).", client.0.base_url());
        run(&client, &opts, opts.yes).await?;
    } else {
        let mock = MockServer::builder()
            .accounts(300)
            .latency(Duration::from_millis(40))
            .rate_limit(50)
            .start()
            .await;
        println!(
            "No {API_KEY_ENV}: using the embedded mock server at {}",
            mock.base_url()
        );
        println!("(300 fake accounts, 40 ms of latency, 50 requests a second; nothing leaves this machine).\n");
        let builder = Client::builder()
            .api_key(mock.api_key())
            .base_url(mock.base_url());
        let client = client(builder, &opts)?;
        run(&client, &opts, true).await?;
        println!("\nRunning the same job again, as after an interruption:");
        run(&client, &opts, true).await?;
        mock.shutdown().await;
    }
    Ok(())
}

/// The client, and the hook counting its attempts, 429s and waits.
fn client(
    builder: telnyx_accounts::ClientBuilder,
    opts: &Options,
) -> Result<(Client, RequestCounter)> {
    let counter = RequestCounter::new();
    let client = builder
        .max_concurrency(opts.concurrency)
        .pacing(opts.pacing)
        .user_agent("bulk-disable-example")
        .hook(counter.clone())
        .build()?;
    Ok((client, counter))
}

/// What became of each account.
#[derive(Default)]
struct Tally {
    disabled: usize,
    skipped: usize,
    failed: usize,
    failures: Vec<String>,
}

async fn run(
    (client, counter): &(Client, RequestCounter),
    opts: &Options,
    really: bool,
) -> Result<()> {
    let before = counter.snapshot();
    let started = Instant::now();
    let mut filter = "status enabled".to_owned();
    let mut list = client
        .managed_accounts()
        .list()
        .status(ManagedAccountStatus::Enabled)
        .page_size(250);
    if let Some(v) = &opts.email_contains {
        list = list.email_contains(v.clone());
        let _ = write!(filter, ", email contains {v:?}");
    }
    if let Some(v) = &opts.organization_name_contains {
        list = list.organization_name_contains(v.clone());
        let _ = write!(filter, ", organization name contains {v:?}");
    }

    // 1. Every matching id, before changing anything.
    let finding = ProgressBar::new_spinner().with_message(format!("finding accounts ({filter})"));
    finding.enable_steady_tick(Duration::from_millis(120));
    let ids: Vec<Uuid> = list
        .into_stream()
        .inspect_ok(|_| finding.inc(1))
        .map_ok(|a| a.id)
        .try_collect()
        .await?;
    finding.finish_and_clear();
    println!("{} accounts match ({filter}).", ids.len());
    if ids.is_empty() {
        println!("Nothing to do: every matching account is already disabled.");
        return Ok(());
    }
    if !really {
        println!("Dry run: pass --yes to disable them.");
        return Ok(());
    }

    // 2. Disable them, at most `concurrency` at once, paced by the client.
    let bar = ProgressBar::new(ids.len() as u64).with_style(ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} disabled, {per_sec}, {msg}",
    )?);
    bar.enable_steady_tick(Duration::from_millis(120));
    let mut tally = Tally::default();
    let mut results = futures::stream::iter(ids.iter().copied())
        .map(|id| async move { (id, client.managed_accounts().actions().disable(id).await) })
        .buffer_unordered(opts.concurrency);
    while let Some((id, result)) = results.next().await {
        match result {
            Ok(_) => tally.disabled += 1,
            // Cancelled, blocked or gone since it was listed: nothing to do.
            Err(Error::Api(e))
                if matches!(
                    e.kind(),
                    ApiErrorKind::NotFound | ApiErrorKind::UnprocessableEntity
                ) =>
            {
                tally.skipped += 1
            }
            Err(e) => {
                tally.failed += 1;
                if tally.failures.len() < 3 {
                    tally.failures.push(format!("{id}: {e}"));
                }
            }
        }
        bar.inc(1);
        let now = counter.snapshot();
        bar.set_message(format!(
            "429s seen: {}, failed: {}",
            now.statuses.get(&429).unwrap_or(&0) - before.statuses.get(&429).unwrap_or(&0),
            tally.failed
        ));
    }
    bar.finish_and_clear();
    drop(results);
    summary(
        &tally,
        ids.len(),
        started.elapsed(),
        &before,
        &counter.snapshot(),
        client.pacing(),
    );
    Ok(())
}

fn summary(
    t: &Tally,
    total: usize,
    took: Duration,
    before: &telnyx_accounts::hooks::RequestCounts,
    after: &telnyx_accounts::hooks::RequestCounts,
    pacing: bool,
) {
    let secs = took.as_secs_f64();
    let got_429 = after.statuses.get(&429).unwrap_or(&0) - before.statuses.get(&429).unwrap_or(&0);
    println!(
        "Disabled {} of {total} accounts in {secs:.1} s ({:.1} a second).",
        t.disabled,
        t.disabled as f64 / secs.max(1e-9)
    );
    if t.skipped > 0 {
        println!(
            "  skipped:  {} (no longer enabled, or gone, since they were listed)",
            t.skipped
        );
    }
    if t.failed > 0 {
        println!(
            "  failed:   {} (run again to retry them: accounts already disabled are not listed again)",
            t.failed
        );
        for f in &t.failures {
            println!("    e.g. {f}");
        }
    }
    println!(
        "  requests: {} attempts, {} of them retries",
        after.attempts - before.attempts,
        after.retries - before.retries
    );
    println!(
        "  429s:     {got_429} received{}",
        if pacing { "" } else { " (pacing off)" }
    );
    // The waits overlap (every task in flight waits at once), so their sum
    // is not wall time: report the average wait of a paced attempt.
    let waits = after.rate_limit_waits - before.rate_limit_waits;
    let waited = after
        .rate_limit_wait_time
        .saturating_sub(before.rate_limit_wait_time);
    if waits > 0 {
        println!(
            "  paced:    {waits} attempts waited for the rate limiter, {:.0} ms each on average",
            waited.as_secs_f64() * 1000.0 / waits as f64
        );
    }
}
