#!/usr/bin/env bash
# Issue 13's benchmarks, as recorded in BENCHMARKS.md ("Throughput under
# latency and a rate limit"): `bash bench/throughput.sh` from anywhere in
# the repo. Not part of CI. Needs cargo, python3 (venv + pip), node + npm,
# hyperfine (Debian: apt-get install hyperfine).
#
# Every run talks to the mock *program* (`telnyx-accounts-mock`, a separate
# process) with `--latency-ms 40`:
#
#   export    `--rate-limit 200`, 50,000 accounts (200 pages of 250): ours
#             with the default walk and with `max-prefetch 32`, against the
#             official Python and Node SDKs' auto-paging, one hyperfine run
#             (EXPORT_RUNS each, default 5). `--prepare 'sleep 1.1'` lets the
#             previous run's rate-limit window pass, so that no run starts
#             on a window another one used up.
#   bulk      `--rate-limit 50`, a fresh mock per run whose seed has exactly
#             BULK_ACCOUNTS enabled accounts (default 2,000): disable every
#             enabled account. Ours (`examples/bulk_disable.rs`, concurrency
#             16), then the same with `--no-pacing`, run again until nothing
#             is left (as its summary says to); the official SDKs as a plain
#             loop and with 16 calls at once (asyncio / Promise.all), also
#             run again until nothing is left (bench/bulk_python.py,
#             bench/bulk_node.mjs). BULK_RUNS rounds (default 2).
#
# Prints every figure, and the tables of BENCHMARKS.md to bench/.scratch/throughput.md.
set -euo pipefail

root="$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
cd "$root"
scratch="$root/bench/.scratch"
mkdir -p "$scratch"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
target="$(target_dir)"
EXPORT_RUNS="${EXPORT_RUNS:-5}"
BULK_RUNS="${BULK_RUNS:-2}"
BULK_ACCOUNTS="${BULK_ACCOUNTS:-2000}"
KEY=bench-key

echo "== machine"
echo "nproc: $(nproc)"; uptime

echo "== building"
cargo build --release -p telnyx-accounts-mock --bin telnyx-accounts-mock
cargo build --release -p telnyx-accounts --example bulk_disable
mock_bin="$target/release/telnyx-accounts-mock"
bulk_bin="$target/release/examples/bulk_disable"
export_bin="$(bench_binary export)"

echo "== official SDKs (into $scratch)"
[[ -x "$scratch/py/bin/python" ]] || python3 -m venv "$scratch/py"
"$scratch/py/bin/pip" install -q telnyx
mkdir -p "$scratch/node"
[[ -f "$scratch/node/package.json" ]] || (cd "$scratch/node" && npm init -y >/dev/null)
[[ -d "$scratch/node/node_modules/telnyx" ]] || (cd "$scratch/node" && npm install --silent telnyx@latest)
cp bench/walk_node.mjs bench/bulk_node.mjs "$scratch/node/"
py="$scratch/py/bin/python"
echo "telnyx (PyPI) $("$scratch/py/bin/pip" show telnyx | awk '/^Version/ {print $2}'), $("$py" --version 2>&1)"
echo "telnyx (npm) $(node -p "require('$scratch/node/node_modules/telnyx/package.json').version"), node $(node --version)"

mock_pid=""
stop_mock() { stop_pid "$mock_pid"; mock_pid=""; }
trap stop_mock EXIT
# start_mock ARGS...: starts the mock program, sets $url.
start_mock() {
  stop_mock
  start_mock_program "$mock_bin" "$scratch/mock.out" --api-key "$KEY" --latency-ms 40 --log-capacity 0 "$@"
}

echo "== export: 50,000 accounts, 200 pages of 250, 40 ms, 200 requests/s"
start_mock --accounts 50000 --rate-limit 200
echo "-- the walk's own counts"
"$export_bin" "$url" "$KEY" 50000 | tee "$scratch/export-default.out"
sleep 1.1
"$export_bin" "$url" "$KEY" 50000 max-prefetch 32 | tee "$scratch/export-best.out"
hyperfine --prepare 'sleep 1.1' --runs "$EXPORT_RUNS" --export-json "$scratch/export.json" \
  -n "ours, default" "$export_bin $url $KEY 50000" \
  -n "ours, max_prefetch(32)" "$export_bin $url $KEY 50000 max-prefetch 32" \
  -n "ours, prefetch(1) (before)" "$export_bin $url $KEY 50000 prefetch 1" \
  -n "Python SDK" "$py bench/walk_python.py $url $KEY 50000" \
  -n "Node SDK" "node $scratch/node/walk_node.mjs $url $KEY 50000" \
  | tee "$scratch/export.log"

echo "== bulk: disable $BULK_ACCOUNTS enabled accounts, 40 ms, 50 requests/s"
# The smallest seeded store with exactly BULK_ACCOUNTS enabled accounts.
# It runs inside $(...), a subshell: the mock it starts is its own to stop
# (the parent never learns its pid). Left running, each probe's mock kept
# this script's output pipe open, and `bench/all.sh`'s tee waited for them.
enabled_in() {
  start_mock --accounts "$1"
  local total
  total=$(curl -s -H "Authorization: Bearer $KEY" "$url/managed_accounts?filter%5Bstatus%5D%5Beq%5D=enabled&page%5Bsize%5D=1" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["meta"]["total_results"])')
  stop_mock
  echo "$total"
}
n=$(( BULK_ACCOUNTS * 5 / 4 - 60 ))
while [[ "$(enabled_in "$n")" -lt "$BULK_ACCOUNTS" ]]; do n=$((n + 1)); done
echo "seeding $n accounts gives $BULK_ACCOUNTS enabled"
: >"$scratch/bulk.tsv"
# until_done CMD...: runs CMD again until it finds nothing left (pacing off).
until_done() {
  local passes=0
  while :; do
    passes=$((passes + 1))
    out="$("$@")"
    echo "$out" | grep -E "Disabled|429s|failed" || true
    echo "$out" | grep -q "Nothing to do" && break
    [[ $passes -ge 20 ]] && break
  done
  echo "passes=$passes"
}
for round in $(seq "$BULK_RUNS"); do
  echo "-- round $round"
  start_mock --accounts "$n" --rate-limit 50
  t0=$(date +%s.%N); out="$(TELNYX_API_KEY=$KEY TELNYX_BASE_URL="$url" "$bulk_bin" --yes --concurrency 16)"; t1=$(date +%s.%N)
  printf '%s\t%s\t%s\n' "ours, concurrency 16" "$(python3 -c "print(f'{$t1 - $t0:.2f}')")" "$(echo "$out" | tr '\n' ' ')" >>"$scratch/bulk.tsv"; echo "$out"
  start_mock --accounts "$n" --rate-limit 50
  t0=$(date +%s.%N); out="$(until_done env TELNYX_API_KEY=$KEY TELNYX_BASE_URL="$url" "$bulk_bin" --yes --concurrency 16 --no-pacing)"; t1=$(date +%s.%N)
  printf '%s\t%s\t%s\n' "ours, pacing off" "$(python3 -c "print(f'{$t1 - $t0:.2f}')")" "$(echo "$out" | tr '\n' ' ')" >>"$scratch/bulk.tsv"; echo "$out"
  for variant in "Python SDK, loop|$py bench/bulk_python.py URL $KEY loop" \
                 "Python SDK, asyncio x16|$py bench/bulk_python.py URL $KEY asyncio 16" \
                 "Node SDK, loop|node $scratch/node/bulk_node.mjs URL $KEY loop" \
                 "Node SDK, Promise.all x16|node $scratch/node/bulk_node.mjs URL $KEY pool 16"; do
    name="${variant%%|*}"; cmd="${variant#*|}"
    start_mock --accounts "$n" --rate-limit 50
    t0=$(date +%s.%N); out="$(${cmd/URL/$url} 2>&1 | tail -n 3)"; t1=$(date +%s.%N)
    printf '%s\t%s\t%s\n' "$name" "$(python3 -c "print(f'{$t1 - $t0:.2f}')")" "$(echo "$out" | tr '\n' ' ')" >>"$scratch/bulk.tsv"
    echo "-- $name"; echo "$out"
  done
done
stop_mock
echo "== summary"
python3 bench/throughput_summary.py "$scratch/export.json" "$scratch/bulk.tsv" "$BULK_ACCOUNTS" | tee "$scratch/throughput.md"
