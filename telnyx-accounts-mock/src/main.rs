//! `telnyx-accounts-mock`: serve the mock until Ctrl-C (SIGINT) or SIGTERM.

use std::io::Write;
use std::time::Duration;

use clap::Parser;
use telnyx_accounts_mock::{
    MockServer, DEFAULT_ACCOUNTS, DEFAULT_API_KEY, DEFAULT_CHANNEL_POOL, DEFAULT_LOG_CAPACITY,
    DEFAULT_LOG_MAX_BYTES, DEFAULT_RATE_LIMIT, DEFAULT_SEED, DEFAULT_TOKEN_TTL, DEFAULT_USERS,
};

/// A stateful fake of Telnyx's account-management API (managed accounts and
/// organization users) on 127.0.0.1. Prints the base URL once it listens.
#[derive(Parser)]
#[command(name = "telnyx-accounts-mock", version)]
struct Args {
    /// Port to listen on (127.0.0.1 only); 0 picks an ephemeral port.
    #[arg(long, default_value_t = 4010)]
    port: u16,
    /// Bearer token the mock accepts (`Authorization: Bearer KEY`).
    #[arg(long, default_value = DEFAULT_API_KEY)]
    api_key: String,
    /// OAuth2 client id for `POST /v2/oauth/token` (with --client-secret).
    #[arg(long, requires = "client_secret")]
    client_id: Option<String>,
    /// OAuth2 client secret for `POST /v2/oauth/token` (with --client-id).
    #[arg(long, requires = "client_id")]
    client_secret: Option<String>,
    /// Lifetime of issued OAuth2 tokens, in seconds (`expires_in`).
    #[arg(long, default_value_t = DEFAULT_TOKEN_TTL.as_secs())]
    token_ttl_s: u64,
    /// Added delay on every response, in milliseconds (as a network would add).
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Requests per second per credential (fixed one-second windows); past it
    /// a 429 with code 10011. The default is more than a client can send.
    #[arg(long, default_value_t = DEFAULT_RATE_LIMIT)]
    rate_limit: u32,
    /// Leave out the x-ratelimit-limit, -remaining and -reset headers, which
    /// every API response carries otherwise (as Telnyx's do).
    #[arg(long)]
    no_rate_limit_headers: bool,
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
    /// Bytes kept in the in-memory request log (oldest requests dropped).
    #[arg(long, default_value_t = DEFAULT_LOG_MAX_BYTES)]
    log_max_bytes: usize,
}

/// Resolves on the first of SIGINT (Ctrl-C) and, on Unix, SIGTERM. The
/// handlers are installed before this returns, so a signal sent any time
/// after is seen.
fn stop_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    #[cfg(unix)]
    let mut int = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
    Ok(async move {
        #[cfg(unix)]
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
    })
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let mut builder = MockServer::builder()
        .port(args.port)
        .api_key(args.api_key)
        .accounts(args.accounts)
        .users(args.users)
        .seed(args.seed)
        .channel_pool(args.channel_pool)
        .log_capacity(args.log_capacity)
        .log_max_bytes(args.log_max_bytes)
        .token_ttl(Duration::from_secs(args.token_ttl_s))
        .latency(Duration::from_millis(args.latency_ms))
        .rate_limit(args.rate_limit)
        .rate_limit_headers(!args.no_rate_limit_headers)
        // The program's runtime is multi-threaded and runs nothing else.
        .own_thread(false);
    if let (Some(id), Some(secret)) = (args.client_id, args.client_secret) {
        builder = builder.client_credentials(id, secret);
    }
    // Install the signal handlers before announcing the URL, so a signal
    // sent right after the URL appears is not missed.
    let stop = match stop_signal() {
        Ok(stop) => stop,
        Err(e) => {
            eprintln!("telnyx-accounts-mock: cannot install signal handlers: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let server = match builder.try_start().await {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "telnyx-accounts-mock: cannot listen on 127.0.0.1:{}: {e}",
                args.port
            );
            return std::process::ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", server.base_url());
    let _ = out.flush();
    drop(out);
    stop.await;
    server.shutdown().await;
    std::process::ExitCode::SUCCESS
}
