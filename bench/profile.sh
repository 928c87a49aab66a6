#!/usr/bin/env bash
# Issue 25: where the client's per-call CPU goes, as perf samples, the
# client at its defaults against the floor (bare reqwest + serde_json), in
# the 64-task loop. `bash bench/profile.sh` from anywhere in the repo. Not
# part of CI. Needs cargo, python3 and perf (Debian: apt-get install
# linux-perf), with perf_event_paranoid allowing it (or root).
#
# Starts the mock *program* as bench/per_call.sh does (release build,
# 127.0.0.1, an ephemeral port, `--accounts 2000 --users 10`, its default
# x-ratelimit-* headers on every response). Then PROFILE_RUNS rounds
# (default 3) of `benches/per_call.rs --side client|bare --mode conc --n N`
# (default N=40000), one process per side under
#   perf record -F 4999 -e cpu-clock
# (software clock: this VM has no hardware counters; no call graphs, as a
# flat self-time split needs none), the sides' order alternating from round
# to round (client bare, bare client, ...). Each recording is reduced to
# samples per (shared object, symbol) with
#   perf report --no-children --sort dso,sym --stdio -F sample,dso,sym
# into bench/.scratch/profile/SIDE-ROUND.txt (the perf.data files are
# deleted once reported); bench/profile_summary.py groups them into the
# parts of the hot path and prints the table.
#
# Everything it starts it stops (a trap kills the mock and any running
# recording on exit).
set -euo pipefail

root="$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
cd "$root"
scratch="$root/bench/.scratch"
out_dir="$scratch/profile"
PROFILE_RUNS="${PROFILE_RUNS:-3}"
N="${N:-40000}"
MODE="${MODE:-conc}"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
target="$(target_dir)"

command -v perf >/dev/null || { echo "perf is not installed (Debian: apt-get install linux-perf)" >&2; exit 1; }

echo "== building" >&2
cargo build --release -p telnyx-accounts-mock --bin telnyx-accounts-mock >&2
bench_bin="$(bench_binary per_call)"
[[ -x "$bench_bin" ]] || { echo "no per_call bench binary" >&2; exit 1; }
mock_bin="$target/release/telnyx-accounts-mock"

rm -rf "$out_dir"
mkdir -p "$out_dir"

mock_pid=""
perf_pid=""
stop_all() {
  stop_pid "$perf_pid"
  perf_pid=""
  stop_pid "$mock_pid"
  mock_pid=""
  rm -f "$out_dir"/*.data "$out_dir"/*.data.old
}
trap stop_all EXIT
# A signal ends the script (the EXIT trap then stops the rest), rather than
# returning into a loop whose mock is gone.
trap 'exit 130' INT TERM

start_mock_program "$mock_bin" "$scratch/profile_mock.out" \
  --api-key bench-key --accounts 2000 --users 10

# record SIDE ROUND: one recorded process, reduced to SIDE-ROUND.txt.
record() {
  local data="$out_dir/$1-$2.data"
  # In the background and waited for, so that the trap can stop it.
  perf record -q -F 4999 -e cpu-clock -o "$data" -- \
    "$bench_bin" --side "$1" --mode "$MODE" --n "$N" --url "$url" >"$out_dir/$1-$2.out" 2>"$out_dir/$1-$2.err" &
  perf_pid=$!
  wait "$perf_pid" || { echo "perf record failed ($1, round $2):" >&2; cat "$out_dir/$1-$2.err" >&2; exit 1; }
  perf_pid=""
  perf report -i "$data" --no-children --sort dso,sym --stdio -F sample,dso,sym -t $'\t' \
    >"$out_dir/$1-$2.txt" 2>/dev/null
  rm -f "$data"
  printf '%s round %s: %s samples; %s\n' "$1" "$2" \
    "$(awk -F'\t' '!/^#/ && NF >= 3 {s += $1} END {print s + 0}' "$out_dir/$1-$2.txt")" \
    "$(tr '\n' ' ' <"$out_dir/$1-$2.out")"
}

{
  echo "mode=$MODE"
  echo "n=$N"
  echo "runs=$PROFILE_RUNS"
  echo "nproc=$(nproc)"
  echo "load_start=$(cut -d' ' -f1-3 /proc/loadavg)"
} >"$out_dir/settings"
echo "== machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$PROFILE_RUNS"); do
  if (( round % 2 )); then sides="client bare"; else sides="bare client"; fi
  for side in $sides; do record "$side" "$round"; done
done
echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$out_dir/settings"
echo "== load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 bench/profile_summary.py "$out_dir"
