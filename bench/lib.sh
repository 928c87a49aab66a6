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
