#!/usr/bin/env bash
# Reproduces BENCHMARKS.md: `bash bench/run.sh` from anywhere in the repo.
#
#   1. builds the mock program (the benchmarks run it as a separate process);
#   2. criterion: per-call overhead, 50,000-account walks, 64 concurrent tasks,
#      each against its bare-reqwest baseline in the same run;
#   3. peak RSS of walking 50,000 vs 2,500 accounts;
#   4. hyperfine: the same 50,000-account walk through the official Python
#      and Node SDKs (installed into bench/.scratch, gitignored), with the
#      Rust walk as the baseline in the same run;
#   5. prints every ratio (bench/summarize.py).
#
# Not part of CI. Needs: cargo, python3 (venv + pip), node + npm, hyperfine
# (Debian: apt-get install hyperfine). SKIP_SDKS=1 skips step 4;
# SDK_RUNS (default 10) sets hyperfine's runs per command.
set -euo pipefail

root="$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
cd "$root"
scratch="$root/bench/.scratch"
mkdir -p "$scratch"
target="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"

echo "== machine"
echo "nproc: $(nproc)"
grep -m1 'model name' /proc/cpuinfo || true
grep MemTotal /proc/meminfo || true
uptime

echo "== building the mock program and the benchmarks"
cargo build --release -p telnyx-accounts-mock
cargo bench -p telnyx-accounts --no-run
export TELNYX_MOCK_BIN="$target/release/telnyx-accounts-mock"

echo "== criterion (client vs bare reqwest)"
cargo bench -p telnyx-accounts --bench client 2>&1 | tee "$scratch/criterion.log"

echo "== peak memory"
cargo bench -p telnyx-accounts --bench memory 2>&1 | tee "$scratch/memory.log"

if [[ "${SKIP_SDKS:-0}" != "1" ]]; then
  echo "== official SDKs (installed into $scratch)"
  if [[ ! -x "$scratch/py/bin/python" ]]; then
    python3 -m venv "$scratch/py"
  fi
  "$scratch/py/bin/pip" install -q --upgrade telnyx
  mkdir -p "$scratch/node"
  if [[ ! -f "$scratch/node/package.json" ]]; then
    (cd "$scratch/node" && npm init -y >/dev/null)
  fi
  (cd "$scratch/node" && npm install --silent telnyx@latest)
  # ESM resolves `telnyx` next to the script, so the script runs from there.
  cp bench/walk_node.mjs "$scratch/node/walk_node.mjs"
  py_version="$("$scratch/py/bin/pip" show telnyx | awk '/^Version/ {print $2}')"
  node_version="$(node -p "require('$scratch/node/node_modules/telnyx/package.json').version")"
  echo "telnyx (PyPI) $py_version, python $("$scratch/py/bin/python" --version 2>&1)"
  echo "telnyx (npm) $node_version, node $(node --version)"

  walker="$(cargo bench -p telnyx-accounts --bench memory --no-run --message-format=json 2>/dev/null \
    | python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "memory" and m.get("executable"):
        print(m["executable"])')"

  mock_out="$scratch/mock.out"
  "$TELNYX_MOCK_BIN" --port 0 --api-key bench-key --accounts 50000 --users 200 >"$mock_out" &
  mock_pid=$!
  trap 'kill "$mock_pid" 2>/dev/null || true' EXIT
  for _ in $(seq 100); do [[ -s "$mock_out" ]] && break; sleep 0.1; done
  url="$(head -n1 "$mock_out")"
  echo "mock program at $url (pid $mock_pid)"

  echo "-- peak RSS of the Rust walk, by /usr/bin/time -v"
  if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -v "$walker" walk "$url" 2>&1 | grep -E 'count=|Maximum resident' || true
  fi

  hyperfine --warmup 1 --runs "${SDK_RUNS:-10}" \
    --export-json "$scratch/sdks.json" \
    -n rust "$walker walk $url" \
    -n python "$scratch/py/bin/python bench/walk_python.py $url bench-key 50000" \
    -n node "node $scratch/node/walk_node.mjs $url bench-key 50000" \
    | tee "$scratch/hyperfine.log"
fi

echo "== summary"
python3 bench/summarize.py "$target/criterion" "$scratch/memory.log" "$scratch/sdks.json"
