#!/usr/bin/env bash
# Issue 25: where the sequential loop's extra context switches come from.
# `bash bench/wakeups.sh` from anywhere in the repo; not part of CI. Needs
# cargo, python3 and GNU time (/usr/bin/time).
#
# In a sequential loop the calling thread sends a request and sleeps; a
# runtime worker runs hyper's connection task, which wakes the caller with
# the response and then goes to sleep itself if nothing else is to do. If
# the caller's next request arrives before the worker has gone to sleep, no
# one needs waking; if it comes later, the worker is woken, and the caller
# sleeps again on the response: two context switches more. So the more the
# calling thread does between one response and the next request, the more
# switches per call, whoever does it. This script measures that slope on
# the floor (bare reqwest + serde_json) with `--spin-us K` (the calling
# thread busy for K µs after each call, K in SPINS), next to the client at
# its defaults, RUNS rounds of N sequential calls each, all in one sitting
# against the mock program (its default rate-limit headers on). Each
# process runs under /usr/bin/time (voluntary and involuntary context
# switches of the whole process) and prints its loop's CPU time.
# Rows: bench/.scratch/wakeups.tsv; summary: bench/wakeups_summary.py.
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
enter_repo
RUNS="${RUNS:-7}"
N="${N:-20000}"
SPINS="${SPINS:-0 2 5 10 20}"
build_per_call

mock_pid=""
trap 'stop_pid "$mock_pid"' EXIT INT TERM
start_per_call_mock "$scratch/wakeups_mock.out"

tsv="$scratch/wakeups.tsv"
printf 'side\tspin_us\tround\tn\twall_s\tuser_s\tsys_s\tvcs\tics\tloop_ns\tloop_cpu_ns\n' >"$tsv"

run_one() { # side spin_us round
  local out t loop cpu
  out="$(/usr/bin/time -f 'time %e %U %S %w %c' "$bench_bin" --side "$1" --mode seq \
    --n "$N" --url "$url" --spin-us "$2" 2>&1)"
  t="$(grep '^time ' <<<"$out" | tail -n1 | cut -d' ' -f2- | tr ' ' '\t')"
  loop="$(sed -n 's/^loop_ns=//p' <<<"$out")"
  cpu="$(sed -n 's/^loop_cpu_ns=//p' <<<"$out")"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$N" "$t" "$loop" "$cpu" >>"$tsv"
}

for round in $(seq "$RUNS"); do
  echo "== round $round of $RUNS" >&2
  run_one client 0 "$round"
  for k in $SPINS; do
    run_one bare "$k" "$round"
  done
done
python3 "$root/bench/wakeups_summary.py" "$tsv"
