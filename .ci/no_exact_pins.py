#!/usr/bin/env python3
"""Fails when a published crate has an exact (`=`) version requirement on a
normal or build dependency.

Cargo holds one version per semver-compatible range in a build, so a
library's `=0.15.1` makes every user whose other dependencies need 0.15.2
fail to resolve. Dev-dependencies, and crates with `publish = false` (xtask,
tests), may pin.

Reads `cargo metadata --no-deps --format-version 1` on stdin:

    cargo metadata --no-deps --format-version 1 | python3 .ci/no_exact_pins.py
"""

import json
import sys


def exact(req):
    """True when a requirement has a `=` comparator (`=1.2`, `>=1, =1.2.3`)."""
    return any(part.strip().startswith("=") for part in req.split(","))


def main():
    metadata = json.load(sys.stdin)
    members = set(metadata["workspace_members"])
    found = []
    published = []
    for package in metadata["packages"]:
        if package["id"] not in members or package.get("publish") == []:
            continue
        published.append(package["name"])
        for dep in package["dependencies"]:
            if dep["kind"] in (None, "build") and exact(dep["req"]):
                found.append(f"{package['name']}: {dep['name']} = \"{dep['req']}\"")
    if found:
        print("exact version requirements in published crates' dependencies:")
        for line in found:
            print(f"  {line}")
        print("use a caret requirement (\"0.15.1\", not \"=0.15.1\")")
        sys.exit(1)
    print(f"no exact requirements in the dependencies of: {', '.join(sorted(published))}")


if __name__ == "__main__":
    main()
