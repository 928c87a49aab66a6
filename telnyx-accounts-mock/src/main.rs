//! `telnyx-accounts-mock`: serve the mock until Ctrl-C.

use std::io::Write;

use clap::Parser;
use futures_util::FutureExt;
use telnyx_accounts_mock::{
    MockServer, DEFAULT_ACCOUNTS, DEFAULT_API_KEY, DEFAULT_CHANNEL_POOL, DEFAULT_LOG_CAPACITY,
    DEFAULT_SEED, DEFAULT_USERS,
};

/// A stateful fake of Telnyx's account-management API (managed accounts and
/// organization users) on 127.0.0.1. Prints the base URL once it listens.
#[derive(Parser, Debug)]
#[command(name = "telnyx-accounts-mock", version)]
struct Args {
    /// Port to listen on (127.0.0.1 only); 0 picks an ephemeral port.
    #[arg(long, default_value_t = 4010)]
    port: u16,
    /// Bearer token the mock accepts (`Authorization: Bearer KEY`).
    #[arg(long, default_value = DEFAULT_API_KEY)]
    api_key: String,
    /// Number of managed accounts to seed.
    #[arg(long, default_value_t = DEFAULT_ACCOUNTS)]
    accounts: usize,
    /// Number of organization users to seed (the first is the owner).
    #[arg(long, default_value_t = DEFAULT_USERS)]
    users: usize,
    /// Seed for the generated data (same seed, same data).
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// Allocatable global outbound channel pool.
    #[arg(long, default_value_t = DEFAULT_CHANNEL_POOL)]
    channel_pool: u64,
    /// Requests kept in the in-memory request log (oldest dropped); 0 keeps none.
    #[arg(long, default_value_t = DEFAULT_LOG_CAPACITY)]
    log_capacity: usize,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let started = MockServer::builder()
        .port(args.port)
        .api_key(args.api_key)
        .accounts(args.accounts)
        .users(args.users)
        .seed(args.seed)
        .channel_pool(args.channel_pool)
        .log_capacity(args.log_capacity)
        .try_start()
        .await;
    let server = match started {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "telnyx-accounts-mock: cannot listen on 127.0.0.1:{}: {e}",
                args.port
            );
            return std::process::ExitCode::FAILURE;
        }
    };
    // Register the Ctrl-C handler before announcing the URL, so a signal
    // sent right after the URL appears is not missed.
    let mut ctrl_c = Box::pin(tokio::signal::ctrl_c());
    if let Some(result) = (&mut ctrl_c).now_or_never() {
        if let Err(e) = result {
            eprintln!("telnyx-accounts-mock: cannot wait for Ctrl-C: {e}");
        }
        server.shutdown().await;
        return std::process::ExitCode::SUCCESS;
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", server.base_url());
    let _ = out.flush();
    drop(out);
    if let Err(e) = ctrl_c.await {
        eprintln!("telnyx-accounts-mock: cannot wait for Ctrl-C: {e}");
    }
    server.shutdown().await;
    std::process::ExitCode::SUCCESS
}
