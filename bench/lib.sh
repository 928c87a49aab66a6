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
