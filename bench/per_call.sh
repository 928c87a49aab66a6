#!/usr/bin/env bash
# Issue 25: what a user pays per call, as whole processes, the client at its
# defaults against the floor (bare reqwest + serde_json), as recorded in
# BENCHMARKS.md ("Per call as a process pays it"). `bash bench/per_call.sh`
# from anywhere in the repo. Not part of CI. Needs cargo, python3 and GNU
# time (/usr/bin/time; Debian: apt-get install time).
#
# Starts the mock *program* on 127.0.0.1 (an ephemeral port) twice: with its
# default x-ratelimit-* headers on every response, then with
# `--no-rate-limit-headers`. Against each, RUNS rounds (default 7) of
# `benches/per_call.rs` with N calls (default 20,000) per process, for the
# sequential loop (`seq`) and 64 tasks (`conc`); in each round the two
# sides run back to back, their order alternating from round to round
# (client bare, bare client, ...). Each process runs under /usr/bin/time
# (wall, user, sys, voluntary and involuntary context switches, peak RSS of
# the whole process) and prints its loop's own wall and CPU time. The summary gives
# medians per side and the median of the round-by-round ratios
# client / bare (bench/per_call_summary.py). Raw rows: bench/.scratch/per_call.tsv.
#
# Everything it starts it stops (a trap kills the mock on any exit).
set -euo pipefail

root="$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
cd "$root"
scratch="$root/bench/.scratch"
mkdir -p "$scratch"
RUNS="${RUNS:-7}"
N="${N:-20000}"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
target="$(target_dir)"

echo "== building" >&2
cargo build --release -p telnyx-accounts-mock --bin telnyx-accounts-mock >&2
bench_bin="$(bench_binary per_call)"
mock_bin="$target/release/telnyx-accounts-mock"

mock_pid=""
stop_mock() { stop_pid "$mock_pid"; mock_pid=""; }
trap stop_mock EXIT INT TERM

# Starts the mock with extra flags "$@"; sets mock_pid and url.
start_mock() {
  start_mock_program "$mock_bin" "$scratch/per_call_mock.out" \
    --api-key bench-key --accounts 2000 --users 10 "$@"
}

tsv="$scratch/per_call.tsv"
printf 'headers\tmode\tside\tround\twall_s\tuser_s\tsys_s\tvcs\tics\trss_kib\tloop_ns\tloop_cpu_ns\n' >"$tsv"

run_one() { # headers mode side round
  local out
  out="$(/usr/bin/time -f 'time %e %U %S %w %c %M' "$bench_bin" --side "$3" --mode "$2" --n "$N" --url "$url" 2>&1)"
  local t loop cpu
  t="$(grep '^time ' <<<"$out" | tail -n1 | cut -d' ' -f2-)"
  loop="$(grep '^loop_ns=' <<<"$out" | cut -d= -f2)"
  cpu="$(grep '^loop_cpu_ns=' <<<"$out" | cut -d= -f2)"
  [[ -n "$t" && -n "$loop" && -n "$cpu" ]] || { echo "run failed: $out" >&2; exit 1; }
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$(tr ' ' '\t' <<<"$t")" "$loop" "$cpu" >>"$tsv"
}

echo "== machine"
echo "nproc: $(nproc)"
for headers in on off; do
  if [[ "$headers" == on ]]; then start_mock; else start_mock --no-rate-limit-headers; fi
  echo "load before headers=$headers: $(uptime)"
  for round in $(seq "$RUNS"); do
    for mode in seq conc; do
      if (( round % 2 )); then sides="client bare"; else sides="bare client"; fi
      for side in $sides; do run_one "$headers" "$mode" "$side" "$round"; done
    done
  done
  echo "load after headers=$headers: $(uptime)"
  stop_mock
done

python3 bench/per_call_summary.py "$tsv"
