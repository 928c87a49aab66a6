# Shared by the bench scripts (sourced, not run): where cargo puts builds,
# and the path of a built benchmark binary.

# The workspace's target directory (CARGO_TARGET_DIR or `target/`).
target_dir() {
    cargo metadata --format-version 1 --no-deps \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])'
}

# Builds `cargo bench -p telnyx-accounts --bench NAME` without running it
# and prints the executable's path.
bench_binary() {
    cargo bench -p telnyx-accounts --bench "$1" --no-run --message-format=json 2>/dev/null \
        | python3 -c 'import json,sys
name = sys.argv[1]
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == name and m.get("executable"):
        print(m["executable"])' "$1"
}

# stop_pid PID: stops a background process this script started, if PID is
# set, and reaps it.
stop_pid() {
    if [[ -n "$1" ]]; then
        kill "$1" 2>/dev/null || true
        wait "$1" 2>/dev/null || true
    fi
}

# start_mock_program BIN OUT ARGS...: starts the mock program on an
# ephemeral loopback port with ARGS, its stdout to OUT; sets mock_pid and
# url (read from the program's first line), or exits if it does not start.
start_mock_program() {
    local bin=$1 out=$2
    shift 2
    : >"$out"
    "$bin" --port 0 "$@" >"$out" &
    mock_pid=$!
    for _ in $(seq 100); do
        url="$(head -n1 "$out")"
        [[ "$url" == http://127.0.0.1:* ]] && return 0
        sleep 0.1
    done
    echo "the mock did not start" >&2
    exit 1
}

# build_per_call: builds the mock program and benches/per_call.rs (release)
# for bench/per_call.sh and bench/wakeups.sh; sets mock_bin and bench_bin.
build_per_call() {
    echo "== building" >&2
    cargo build --release -p telnyx-accounts-mock --bin telnyx-accounts-mock >&2
    bench_bin="$(bench_binary per_call)"
    mock_bin="$(target_dir)/release/telnyx-accounts-mock"
}

# start_per_call_mock OUT ARGS...: the mock program as those two scripts
# run it (2,000 accounts, 10 users), with extra flags ARGS; sets mock_pid
# and url.
start_per_call_mock() {
    local out=$1
    shift
    start_mock_program "$mock_bin" "$out" --api-key bench-key --accounts 2000 --users 10 "$@"
}

# enter_repo: changes to the repository's root; sets root, and scratch
# (bench/.scratch, created if missing).
enter_repo() {
    root="$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)"
    cd "$root"
    scratch="$root/bench/.scratch"
    mkdir -p "$scratch"
}
