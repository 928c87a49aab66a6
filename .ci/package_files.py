#!/usr/bin/env python3
"""Every file the compiler read to build a published crate is in its .crate.

    package_files.py TARGET_DIR CRATE...     # from the workspace root

A published crate must build from its own `.crate` contents. `cargo package`
can check that by building each crate again from the unpacked archive, but
that build resolves each crate's dependencies on its own, with other
features than the workspace's, and so compiled every dependency once more:
83 s of a cold CI run on two cores. This check asks the same question of
the builds CI has already made: rustc's dep-info files
(`TARGET_DIR/debug/deps/<crate>-<hash>.d`, written by the clippy, test and
doc builds) list every source file a crate read, `include_str!` files and
`#[path]` modules included. Each one must lie inside the crate's directory
and be in `cargo package --list`. That the crates compile with their own
features alone is checked by the per-feature `cargo clippy -p
telnyx-accounts` runs before it.

A dep-info file may be older than the checkout (a build of another commit)
or be another copy's (cargo's own unpacked packages): a file outside the
checkout, or one the checkout no longer has, is skipped.
"""

import glob
import json
import os
import subprocess
import sys


def crate_dirs():
    meta = json.loads(
        subprocess.run(
            ["cargo", "metadata", "--no-deps", "--format-version", "1", "--locked"],
            check=True,
            capture_output=True,
        ).stdout
    )
    dirs = {p["name"]: os.path.dirname(p["manifest_path"]) for p in meta["packages"]}
    return meta["workspace_root"], dirs


def read_files(target, crate):
    """{listed path: dep-info file} over every dep-info file of `crate`."""
    found = {}
    pattern = os.path.join(target, "debug", "deps", crate.replace("-", "_") + "-*.d")
    for dep_info in glob.glob(pattern):
        with open(dep_info, encoding="utf-8") as f:
            for line in f:
                # `path:` lines, one per file read; paths are relative to the
                # crate's directory (rustc runs there) unless outside it.
                if line.endswith(":\n") and not line.startswith(target):
                    found.setdefault(line[:-2], dep_info)
    return found


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    target, crates = sys.argv[1], sys.argv[2:]
    workspace, dirs = crate_dirs()
    failures = []
    for crate in crates:
        root = dirs[crate]
        listed = set(
            subprocess.run(
                ["cargo", "package", "--list", "--allow-dirty", "-p", crate],
                check=True,
                capture_output=True,
                text=True,
            ).stdout.split()
        )
        read = read_files(target, crate)
        before = len(failures)
        if not read:
            failures.append(f"{crate}: no dep-info file under {target}/debug/deps (build it first)")
        for path, dep_info in sorted(read.items()):
            full = os.path.normpath(os.path.join(root, path))
            if not full.startswith(workspace + os.sep) or not os.path.exists(full):
                continue  # another copy's build (a registry unpack), or an old file
            inside = os.path.relpath(full, root)
            if inside.startswith(".."):
                failures.append(f"{crate}: reads {full}, outside its directory ({dep_info})")
            elif inside not in listed:
                failures.append(f"{crate}: reads {inside}, which its .crate leaves out ({dep_info})")
        if len(failures) == before:
            print(f"{crate}: the {len(read)} files its builds read are all in its .crate")
    if failures:
        print("\n".join(failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
