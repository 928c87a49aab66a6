#!/usr/bin/env bash
# Regenerates every table of BENCHMARKS.md in one run, on one machine state:
#
#   bash bench/all.sh            # from anywhere in the repo; an estimated hour on 2 cores (not yet timed)
#
# In order, each against the mock *program* (a separate process):
#   criterion     telnyx-accounts/benches/client.rs: retrieve, walks, 64 tasks,
#                 each against its bare-reqwest baseline in the same run;
#   instructions  valgrind --tool=callgrind on benches/calls.rs: per-call and
#                 per-walk instruction counts, client and bare reqwest;
#   per_call      bench/per_call.sh (CPU and wall per call as whole processes),
#                 when that script is there;
#   wakeups       bench/wakeups.sh: context switches and CPU per call of the
#                 sequential loop as the caller's work between calls grows;
#   profile       bench/profile.sh: perf samples of the 64-task loop, client
#                 vs bare reqwest, grouped into the parts of the hot path
#                 (bench/profile_summary.py);
#   memory        benches/memory.rs: peak RSS of walking 50,000 vs 2,500;
#   sdk_walk      hyperfine: the 50,000-account walk by the Rust client and by
#                 the official Python and Node SDKs (installed into
#                 bench/.scratch, gitignored);
#   export, bulk  bench/throughput.sh: at 40 ms and a rate limit, with the SDKs;
#   cold_build    bench/cold_build.sh: a new user's cold build, ours vs baseline.
# Raw results go to bench/.scratch/all/ (emptied first, so one run's results
# are never mixed with another's), then bench/render.py writes the tables
# between the `<!-- bench:NAME -->` markers of BENCHMARKS.md, each headed by
# the command that made it and the run's date.
#
# Needs cargo, python3 (venv + pip), node + npm, hyperfine, valgrind, perf and
# GNU time (Debian: apt-get install hyperfine valgrind linux-perf time). Not
# part of CI.
# Settings (environment):
#   SKIP_SDKS=1     leaves out sdk_walk, export and bulk (no network, no hyperfine)
#   SKIP=a,b        leaves out the named parts (criterion, instructions, per_call,
#                   wakeups, profile, memory, sdk_walk, throughput, cold_build)
#   SDK_RUNS=10 EXPORT_RUNS=5 BULK_RUNS=2 BULK_ACCOUNTS=2000 COLD_ROUNDS=2 CALLS_N=400
#   PROFILE_RUNS=3 PROFILE_N=40000
#   RUNS=15 N=20000 N_CONC=100000 BLOCKS=40 BLOCK_SEQ=1000 BLOCK_CONC=5000 (bench/per_call.sh)
#   WAKEUP_RUNS=7 (bench/wakeups.sh's RUNS)
#   QUICK=1         a smoke test of this script in minutes: debug builds,
#                   criterion's --quick on `retrieve` only, CALLS_N=10 and no
#                   walks under callgrind, crate counts only for the cold
#                   build, no per_call, one profile process per side of
#                   2,000 calls (release builds still: a profile of debug
#                   code says nothing); implies SKIP_SDKS=1 and writes
#                   bench/.scratch/BENCHMARKS.quick.md instead of BENCHMARKS.md.
set -euo pipefail

root="$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
cd "$root"
scratch="$root/bench/.scratch"
results="$scratch/all"
rm -rf "$results"
mkdir -p "$results"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
target="$(target_dir)"

QUICK="${QUICK:-0}"
SKIP="${SKIP:-}"
if [[ "$QUICK" == 1 ]]; then
  SKIP_SDKS=1
  SKIP="$SKIP,per_call,wakeups"
  profile=(--profile dev); build_profile=(); bin_dir="$target/debug"
  criterion_args=(--quick retrieve); CALLS_N="${CALLS_N:-10}"; walks=0
  PROFILE_RUNS="${PROFILE_RUNS:-1}"; PROFILE_N="${PROFILE_N:-2000}"
  out="$scratch/BENCHMARKS.quick.md"
else
  profile=(); build_profile=(--release); bin_dir="$target/release"
  criterion_args=(); CALLS_N="${CALLS_N:-400}"; walks=1
  PROFILE_RUNS="${PROFILE_RUNS:-3}"; PROFILE_N="${PROFILE_N:-40000}"
  out="$root/BENCHMARKS.md"
fi
if [[ "${SKIP_SDKS:-0}" == 1 ]]; then SKIP="$SKIP,sdk_walk,throughput"; fi
skipped() { [[ ",$SKIP," == *",$1,"* ]]; }
# ran SECTION COMMAND: records the command that made a section's figures.
ran() { printf '%s\t%s\n' "$1" "$2" >>"$results/commands.tsv"; }
step() { printf '\n== %s (%s)\n' "$*" "$(cut -d' ' -f1-3 /proc/loadavg)"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

load_start="$(load)"
python3 - "$results/meta.json" <<EOF
import json, subprocess, sys, datetime
def sh(c): return subprocess.run(c, shell=True, capture_output=True, text=True).stdout.strip()
json.dump({
    "command": "QUICK=1 bash bench/all.sh" if "$QUICK" == "1" else "bash bench/all.sh",
    "quick": "$QUICK" == "1",
    "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    "commit": sh("git rev-parse --short HEAD") + (" + uncommitted changes" if sh("git status --porcelain --untracked-files=no") else ""),
    "nproc": sh("nproc"),
    "cpu": sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip() or "CPU unknown",
    "memory": sh("awk '/MemTotal/ {printf \"%.1f GiB\", \$2 / 1048576}' /proc/meminfo"),
    "rustc": sh("rustc --version"),
    "load_start": "$load_start",
    "bulk_accounts": int("${BULK_ACCOUNTS:-2000}"),
}, open(sys.argv[1], "w"))
EOF

step "building the mock program and the benchmarks"
cargo build "${build_profile[@]}" -p telnyx-accounts-mock --bin telnyx-accounts-mock
# Bench targets only: `--no-run` without `--bench` would also build the library's
# unit tests, which do not build with this package's features alone.
cargo bench "${profile[@]}" -p telnyx-accounts --bench '*' --no-run
export TELNYX_MOCK_BIN="$bin_dir/telnyx-accounts-mock"
# bench_exe NAME: the path of a bench executable.
bench_exe() {
  cargo bench "${profile[@]}" -p telnyx-accounts --bench "$1" --no-run --message-format=json 2>/dev/null \
    | python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == sys.argv[1] and m.get("executable"):
        print(m["executable"])' "$1"
}

mock_pid=""
stop_mock() { stop_pid "$mock_pid"; mock_pid=""; }
trap stop_mock EXIT
# start_mock ARGS...: starts the mock program, sets $url.
start_mock() {
  stop_mock
  start_mock_program "$TELNYX_MOCK_BIN" "$scratch/all-mock.out" --api-key bench-key --users 200 "$@"
}

if ! skipped criterion; then
  step "criterion (client vs bare reqwest)"
  # Only this run's groups: criterion keeps every group it ever measured.
  rm -rf "$target/criterion/retrieve" "$target/criterion/walk_50k" "$target/criterion/walk_50k_work" "$target/criterion/concurrent_64"
  cargo bench "${profile[@]}" -p telnyx-accounts --bench client -- "${criterion_args[@]}" 2>&1 | tee "$results/criterion.log"
  cp -r "$target/criterion" "$results/criterion"
  ran criterion "cargo bench ${profile[*]:+${profile[*]} }-p telnyx-accounts --bench client${criterion_args[*]:+ -- ${criterion_args[*]}}"
fi

if ! skipped instructions; then
  step "instruction counts (valgrind --tool=callgrind)"
  calls="$(bench_exe calls)"
  # count MOCK MODE N: one callgrind run; appends "MOCK MODE N instructions".
  count() {
    local file="$scratch/callgrind.out"
    valgrind --tool=callgrind --callgrind-out-file="$file" "$calls" "$2" "$3" "$url" >/dev/null 2>"$scratch/callgrind.log"
    local ir
    ir="$(awk '/^(summary|totals):/ {print $2; exit}' "$file")"
    printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$ir" | tee -a "$results/instructions.tsv"
  }
  for mock in headers no-headers; do
    if [[ "$mock" == headers ]]; then start_mock --accounts 2000; else start_mock --accounts 2000 --no-rate-limit-headers; fi
    for mode in bare client; do count "$mock" "$mode" 0; count "$mock" "$mode" "$CALLS_N"; done
  done
  if [[ "$walks" == 1 ]]; then
    start_mock --accounts 50000
    for mode in bare-walk client-walk0 client-walk; do count walk "$mode" 0; count walk "$mode" 1; done
  fi
  stop_mock
  ran instructions "valgrind --tool=callgrind $(basename "$calls" | sed 's/-[0-9a-f]*$//') MODE N URL (N = 0 and $CALLS_N retrieves, mock --accounts 2000$([[ "$walks" == 1 ]] && echo '; N = 0 and 1 walks, mock --accounts 50000'))"
fi

if ! skipped per_call && [[ -f bench/per_call.sh ]]; then
  step "per call as whole processes (bench/per_call.sh)"
  bash bench/per_call.sh 2>&1 | tee "$results/per_call.log"
  cp "$scratch/per_call.tsv" "$results/per_call.tsv"
  cp "$scratch/per_call_blocks.tsv" "$results/per_call_blocks.tsv"
  ran per_call "bash bench/per_call.sh"
fi

if ! skipped wakeups; then
  step "context switches and the caller's work between calls (bench/wakeups.sh)"
  RUNS="${WAKEUP_RUNS:-7}" bash bench/wakeups.sh 2>&1 | tee "$results/wakeups.log"
  cp "$scratch/wakeups.tsv" "$results/wakeups.tsv"
  ran wakeups "RUNS=${WAKEUP_RUNS:-7} bash bench/wakeups.sh"
fi

if ! skipped profile; then
  step "where the per-call CPU goes (bench/profile.sh, perf)"
  # Release builds even under QUICK=1 (as bench/per_call.sh): a profile of
  # unoptimised code says nothing; QUICK only makes it short.
  PROFILE_RUNS="$PROFILE_RUNS" N="$PROFILE_N" bash bench/profile.sh 2>&1 | tee "$results/profile.log"
  cp -r "$scratch/profile" "$results/profile"
  ran profile "PROFILE_RUNS=$PROFILE_RUNS N=$PROFILE_N bash bench/profile.sh"
fi

if ! skipped memory; then
  step "peak memory"
  cargo bench "${profile[@]}" -p telnyx-accounts --bench memory 2>&1 | tee "$results/memory.log"
  ran memory "cargo bench ${profile[*]:+${profile[*]} }-p telnyx-accounts --bench memory"
fi

if ! skipped sdk_walk; then
  step "the 50,000-account walk: Rust vs the official SDKs (hyperfine)"
  [[ -x "$scratch/py/bin/python" ]] || python3 -m venv "$scratch/py"
  "$scratch/py/bin/pip" install -q --upgrade telnyx
  mkdir -p "$scratch/node"
  [[ -f "$scratch/node/package.json" ]] || (cd "$scratch/node" && npm init -y >/dev/null)
  (cd "$scratch/node" && npm install --silent telnyx@latest)
  # ESM resolves `telnyx` next to the script, so the script runs from there.
  cp bench/walk_node.mjs "$scratch/node/walk_node.mjs"
  echo "telnyx (PyPI) $("$scratch/py/bin/pip" show telnyx | awk '/^Version/ {print $2}'), $("$scratch/py/bin/python" --version 2>&1)" | tee "$results/sdk_versions.txt"
  echo "telnyx (npm) $(node -p "require('$scratch/node/node_modules/telnyx/package.json').version"), node $(node --version)" | tee -a "$results/sdk_versions.txt"
  walker="$(bench_exe memory)"
  start_mock --accounts 50000
  hyperfine --warmup 1 --runs "${SDK_RUNS:-10}" --export-json "$results/sdks.json" \
    -n rust "$walker walk $url" \
    -n python "$scratch/py/bin/python bench/walk_python.py $url bench-key 50000" \
    -n node "node $scratch/node/walk_node.mjs $url bench-key 50000"
  stop_mock
  ran sdk_walk "hyperfine --warmup 1 --runs ${SDK_RUNS:-10}: memory walk URL, bench/walk_python.py, bench/walk_node.mjs (mock: --accounts 50000)"
fi

if ! skipped throughput; then
  step "export and bulk at 40 ms and a rate limit (bench/throughput.sh)"
  bash bench/throughput.sh 2>&1 | tee "$results/throughput.log"
  cp "$scratch/export.json" "$scratch/bulk.tsv" "$results/"
  ran export "EXPORT_RUNS=${EXPORT_RUNS:-5} bash bench/throughput.sh"
  ran bulk "BULK_RUNS=${BULK_RUNS:-2} BULK_ACCOUNTS=${BULK_ACCOUNTS:-2000} bash bench/throughput.sh"
fi

if ! skipped cold_build; then
  step "cold build (bench/cold_build.sh)"
  if [[ "$QUICK" == 1 ]]; then
    LIST=1 bash bench/cold_build.sh | tee "$results/cold_build.log"
    ran cold_build "LIST=1 bash bench/cold_build.sh"
  else
    bash bench/cold_build.sh "${COLD_ROUNDS:-2}" | tee "$results/cold_build.log"
    ran cold_build "bash bench/cold_build.sh ${COLD_ROUNDS:-2}"
  fi
fi

python3 - "$results/meta.json" "$(load)" <<'EOF'
import json, sys
meta = json.load(open(sys.argv[1])); meta["load_end"] = sys.argv[2]
json.dump(meta, open(sys.argv[1], "w"))
EOF
step "writing the tables"
[[ "$QUICK" == 1 ]] && cp "$root/BENCHMARKS.md" "$out"
python3 bench/render.py "$results" "$out"
