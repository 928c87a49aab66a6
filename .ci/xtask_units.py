#!/usr/bin/env python3
"""Does `cargo xtask` reuse what `cargo test --workspace` built?

`cargo xtask` is `cargo run -p xtask`, which resolves features for xtask
alone; `cargo test --workspace` unifies them across every member. Where a
dependency of xtask ends up with other features (or depends on a unit that
does), `cargo xtask` compiles it a second time. xtask/Cargo.toml's "feature
alignment" dependencies ask for what the workspace build turns on anyway.
This script lists the units `cargo xtask` would build that the workspace
build does not have (none, when the alignment holds). Run from the
workspace root:

    python3 .ci/xtask_units.py

It reads cargo's unit graphs (an unstable output, hence RUSTC_BOOTSTRAP=1
for these two cargo invocations only) and builds nothing. Not part of CI:
a difference costs build time, never correctness.
"""
import json
import os
import subprocess
import sys


def unit_graph(*args):
    env = dict(os.environ, RUSTC_BOOTSTRAP="1")
    out = subprocess.run(
        ["cargo", *args, "--unit-graph", "-Z", "unstable-options"],
        env=env, check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(out)["units"]


def identities(units):
    """Each unit's identity: what it is, its features and profile, and the
    identities of the units it depends on (the same features with other
    dependencies is another build)."""
    memo = {}

    def ident(i):
        if i not in memo:
            u = units[i]
            profile = tuple(sorted((k, str(v)) for k, v in u["profile"].items() if k != "name"))
            deps = tuple(sorted((d["extern_crate_name"], ident(d["index"])) for d in u["dependencies"]))
            memo[i] = (u["pkg_id"], u["target"]["name"], u["mode"], tuple(sorted(u["features"])), profile, deps)
        return memo[i]

    return {ident(i): units[i] for i in range(len(units))}


workspace = identities(unit_graph("test", "--workspace", "--no-run"))
xtask = identities(unit_graph("build", "-p", "xtask", "--bin", "xtask"))
extra = [u for k, u in xtask.items() if k not in workspace and not u["pkg_id"].startswith("path+")]
for u in sorted(extra, key=lambda u: u["pkg_id"]):
    print(f"{u['pkg_id'].split('#')[-1]} {u['target']['name']} {u['mode']} features={u['features']}")
print(f"{len(extra)} units that `cargo xtask` builds and `cargo test --workspace` does not")
sys.exit(1 if extra else 0)
