#!/usr/bin/env bash
# Issue 25: what a user pays per call, as whole processes, the client at its
# defaults against the floor (bare reqwest + serde_json), as recorded in
# BENCHMARKS.md ("Per call as a process pays it"). `bash bench/per_call.sh`
# from anywhere in the repo. Not part of CI. Needs cargo, python3 and GNU
# time (/usr/bin/time; Debian: apt-get install time).
#
# Starts the mock *program* on 127.0.0.1 (an ephemeral port) twice: with its
# default x-ratelimit-* headers on every response, then with
# `--no-rate-limit-headers`. Against each, RUNS rounds (default 15) of
# `benches/per_call.rs`, for the sequential loop (`seq`, N calls per
# process, default 20,000) and 64 tasks (`conc`, N_CONC calls, default
# 100,000: each loop about 3 s, so that start-up and a stray wake-up
# weigh little; with 20,000 the 64-task loop took 0.5 s and its pair
# ratios spread from 0.85 to 1.5); in each round the two
# sides run back to back, their order alternating from round to round
# (client bare, bare client, ...). Each process runs under /usr/bin/time
# (wall, user, sys, voluntary and involuntary context switches, peak RSS of
# the whole process) and prints its loop's own wall and CPU time. The summary gives
# medians per side and the median of the round-by-round ratios
# client / bare (bench/per_call_summary.py). Raw rows: bench/.scratch/per_call.tsv.
#
# Then, against each mock, one process per loop with both sides in
# alternating blocks (`--side interleaved`, BLOCKS pairs, default 40, of
# BLOCK_SEQ = 1,000 sequential or BLOCK_CONC = 5,000 concurrent calls):
# a block lasts about a tenth of a second, so the drift of a shared host's
# speed, which moves whole processes by tens of percent, cancels out of
# each pair. Rows: bench/.scratch/per_call_blocks.tsv.
#
# Everything it starts it stops (a trap kills the mock on any exit).
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
enter_repo
RUNS="${RUNS:-15}"
N="${N:-20000}"
N_CONC="${N_CONC:-100000}"
BLOCKS="${BLOCKS:-40}"
BLOCK_SEQ="${BLOCK_SEQ:-1000}"
BLOCK_CONC="${BLOCK_CONC:-5000}"
build_per_call

mock_pid=""
stop_mock() { stop_pid "$mock_pid"; mock_pid=""; }
trap stop_mock EXIT INT TERM

# Starts the mock with extra flags "$@"; sets mock_pid and url.
start_mock() { start_per_call_mock "$scratch/per_call_mock.out" "$@"; }

tsv="$scratch/per_call.tsv"
printf 'headers\tmode\tside\tround\twall_s\tuser_s\tsys_s\tvcs\tics\trss_kib\tloop_ns\tloop_cpu_ns\n' >"$tsv"

blocks_tsv="$scratch/per_call_blocks.tsv"
printf 'headers\tmode\tblock\tside\tloop_ns\tloop_cpu_ns\n' >"$blocks_tsv"

run_blocks() { # headers mode calls_per_block
  "$bench_bin" --side interleaved --mode "$2" --n "$3" --blocks "$BLOCKS" --url "$url" \
    | sed -E 's/^block=([0-9]+) side=([a-z]+) loop_ns=([0-9]+) loop_cpu_ns=([0-9]+)$/\1\t\2\t\3\t\4/' \
    | while IFS= read -r line; do printf '%s\t%s\t%s\n' "$1" "$2" "$line"; done >>"$blocks_tsv"
}

run_one() { # headers mode side round
  local out
  local n="$N"
  [[ "$2" == conc ]] && n="$N_CONC"
  out="$(/usr/bin/time -f 'time %e %U %S %w %c %M' "$bench_bin" --side "$3" --mode "$2" --n "$n" --url "$url" 2>&1)"
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
  run_blocks "$headers" seq "$BLOCK_SEQ"
  run_blocks "$headers" conc "$BLOCK_CONC"
  echo "load after headers=$headers: $(uptime)"
  stop_mock
done

python3 bench/per_call_summary.py "$tsv" "$blocks_tsv"
