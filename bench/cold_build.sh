#!/usr/bin/env bash
# The cold-build comparison of BENCHMARKS.md ("Cold build"): what adding
# `telnyx-accounts` costs a new user, against writing the same call on its
# direct dependencies. Run from anywhere in the repo:
#
#   bash bench/cold_build.sh [ROUNDS]        # ROUNDS (default 1) pairs of builds
#   TLS=rustls-ring bash bench/cold_build.sh # the TLS feature on both sides
#   LIST=1 bash bench/cold_build.sh          # only the crate counts, no builds
#
# In an empty temporary directory it writes two binary crates that make one
# call (list managed accounts, decode ids and timestamps):
#   ours:     telnyx-accounts (by path, default features but the TLS one
#             chosen) + tokio;
#   baseline: reqwest (json, http2, the same TLS) + tokio + serde + serde_json
#             + chrono + uuid, as a hand-written client would have them.
# Both use the versions of the repository's Cargo.lock (copied into each) and
# build offline with `cargo build` (dev profile, CARGO_INCREMENTAL=0 as for a
# crates.io dependency), each in its own empty target directory, one after the
# other, alternating which goes first. It prints each build's wall-clock and
# CPU (user + system) time, the ratios of the totals, and the crates each
# build compiles (`cargo tree`, host, normal and
# build dependencies, the root crate not counted). Wall-clock ratios are only
# meaningful on an otherwise idle machine; the CPU-time ratio is steadier.
set -euo pipefail

root="$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
rounds="${1:-1}"
tls="${TLS:-rustls}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
unset RUSTC_WRAPPER CARGO_TARGET_DIR CARGO_BUILD_TARGET_DIR
export CARGO_INCREMENTAL=0

case "$tls" in
rustls) ours_features='' ;;
*) ours_features=", default-features = false, features = [\"$tls\"]" ;;
esac
case "$tls" in
rustls-ring) base_tls='"rustls-no-provider"' ;;
*) base_tls="\"$tls\"" ;;
esac

mkdir -p "$scratch/ours/src" "$scratch/baseline/src"
cat >"$scratch/ours/Cargo.toml" <<EOF
[package]
name = "cold-ours"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
telnyx-accounts = { path = "$root/telnyx-accounts"$ours_features }
tokio = { version = "1", features = ["rt-multi-thread", "macros"] }
EOF
cat >"$scratch/ours/src/main.rs" <<'EOF'
#[tokio::main]
async fn main() -> Result<(), telnyx_accounts::Error> {
    let client = telnyx_accounts::Client::from_env()?;
    let page = client.managed_accounts().list().page_size(10).await?;
    for account in &page.data {
        println!("{} {} {}", account.id, account.email, account.created_at);
    }
    Ok(())
}
EOF

cat >"$scratch/baseline/Cargo.toml" <<EOF
[package]
name = "cold-baseline"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
reqwest = { version = "0.13", default-features = false, features = ["json", "http2", $base_tls] }
tokio = { version = "1", features = ["rt-multi-thread", "macros"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
chrono = { version = "0.4", default-features = false, features = ["serde", "std", "clock"] }
uuid = { version = "1", features = ["serde"] }
EOF
if [ "$tls" = rustls-ring ]; then
    # reqwest's rustls without aws-lc: the user installs ring themselves.
    echo 'rustls = { version = "0.23", default-features = false, features = ["ring", "std", "tls12"] }' \
        >>"$scratch/baseline/Cargo.toml"
fi
cat >"$scratch/baseline/src/main.rs" <<'EOF'
use chrono::{DateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Deserialize)]
struct Account {
    id: Uuid,
    email: String,
    created_at: DateTime<Utc>,
}

#[derive(Deserialize)]
struct Page {
    data: Vec<Account>,
    #[allow(dead_code)]
    meta: serde_json::Value,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key = std::env::var("TELNYX_API_KEY")?;
    let base = std::env::var("TELNYX_BASE_URL").unwrap_or("https://api.telnyx.com/v2".into());
    let page: Page = reqwest::Client::new()
        .get(format!("{base}/managed_accounts?page[size]=10"))
        .bearer_auth(key)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    for account in &page.data {
        println!("{} {} {}", account.id, account.email, account.created_at);
    }
    Ok(())
}
EOF
if [ "$tls" = rustls-ring ]; then
    sed -i 's/    let key = std::env::var/    let _ = rustls::crypto::ring::default_provider().install_default();\n    let key = std::env::var/' \
        "$scratch/baseline/src/main.rs"
fi

# Same versions on both sides: the repository's lock file, trimmed by cargo.
for side in ours baseline; do
    cp "$root/Cargo.lock" "$scratch/$side/Cargo.lock"
    (cd "$scratch/$side" && cargo tree --offline --quiet -e normal,build --prefix none) \
        | sed 's/ (.*//; s/ (\*)$//' | sort -u | grep -v '^cold-' >"$scratch/$side.crates"
done
n_ours=$(wc -l <"$scratch/ours.crates")
n_base=$(wc -l <"$scratch/baseline.crates")

echo "== machine: $(nproc) cores; $(uptime)"
echo "== rustc: $(rustc --version); TLS feature: $tls"
echo "== crates compiled: ours $n_ours, baseline $n_base ($((n_ours - n_base)) more)"
echo "-- in ours only:"
comm -23 "$scratch/ours.crates" "$scratch/baseline.crates" | sed 's/^/   /'
echo "-- in baseline only:"
comm -13 "$scratch/ours.crates" "$scratch/baseline.crates" | sed 's/^/   /'
[ -n "${LIST:-}" ] && exit 0

# One cold build: "wall user+system" seconds (CPU time varies less than wall
# time when other work shares the machine).
build() { # side round
    local target="$scratch/target-$1-$2"
    local TIMEFORMAT='%R %U %S'
    if ! { time (cd "$scratch/$1" && cargo build --offline --quiet --target-dir "$target" \
        2>"$scratch/build.log"); } 2>"$scratch/time"; then
        cat "$scratch/build.log" >&2
        exit 1
    fi
    rm -rf "$target"
    awk '{ printf "%.1f %.1f\n", $1, $2 + $3 }' "$scratch/time"
}

declare -A wall cpu
wall[ours]=0 wall[baseline]=0 cpu[ours]=0 cpu[baseline]=0
for ((r = 1; r <= rounds; r++)); do
    if ((r % 2)); then order="ours baseline"; else order="baseline ours"; fi
    for side in $order; do
        read -r w c < <(build "$side" "$r")
        printf 'round %d %-8s wall %6.1f s  cpu %6.1f s  (load average: %s)\n' \
            "$r" "$side" "$w" "$c" "$(cut -d' ' -f1-3 /proc/loadavg)"
        wall[$side]=$(echo "${wall[$side]} + $w" | bc)
        cpu[$side]=$(echo "${cpu[$side]} + $c" | bc)
    done
done
printf '== cold build, %d round(s): wall ours %.1f s / baseline %.1f s = %.2fx; cpu ours %.1f s / baseline %.1f s = %.2fx; crates %d vs %d (+%d)\n' \
    "$rounds" "${wall[ours]}" "${wall[baseline]}" "$(echo "${wall[ours]} / ${wall[baseline]}" | bc -l)" \
    "${cpu[ours]}" "${cpu[baseline]}" "$(echo "${cpu[ours]} / ${cpu[baseline]}" | bc -l)" \
    "$n_ours" "$n_base" "$((n_ours - n_base))"
