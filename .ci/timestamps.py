#!/usr/bin/env python3
"""Gives a fresh clone's unchanged files back the timestamps of the last CI run.

Cargo decides whether a workspace crate must be rebuilt by timestamps: a
source file newer than the crate's last build makes it stale. Every file of a
fresh clone is new, so without this every CI run rebuilt every workspace crate
in every configuration (clippy, the feature checks, the TLS tests, docs,
tests, fuzz targets), about 70 s of a warm run on two cores, although most
commits change a few files. This is the content check cargo's unstable
`-Z checksum-freshness` makes, done on the checkout instead:

    timestamps.py restore TARGET_DIR   # in the fresh clone, before building
    timestamps.py save TARGET_DIR      # after the run

`restore` reads the record `TARGET_DIR/ci-timestamps.tsv` (path, git blob id,
timestamp), which the last run saved. A file whose blob id is the one recorded
gets the recorded timestamp, which is older than every build of that run, so
cargo reuses those builds. A changed or new file keeps the clone's timestamp
(now), newer than every build, so what depends on it is rebuilt. It then
writes the record for this run beside the old one; `save` puts it in place
once the run is over, so that the record's own timestamp is later than every
build it vouches for.

Only builds made by CI may be reused this way. If anything in TARGET_DIR
was built after the record was saved (a developer's `cargo build` in the work
tree shares the target directory and the crates' fingerprints), nothing is
restored and this run rebuilds the workspace crates as a plain fresh clone
would. A run that dies before `save` leaves the old record, whose timestamps
are older than anything it may have built, which is again safe.
"""

import os
import subprocess
import sys

RECORD = "ci-timestamps.tsv"


def tracked_files():
    """(path, blob id) of every file git tracks in the working directory."""
    out = subprocess.run(
        ["git", "ls-files", "--stage", "-z"], check=True, capture_output=True
    ).stdout.decode()
    for entry in filter(None, out.split("\0")):
        meta, path = entry.split("\t", 1)
        _mode, blob, _stage = meta.split()
        yield path, blob


def read_record(path):
    record = {}
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                name, blob, ns = line.rstrip("\n").split("\t")
                record[name] = (blob, int(ns))
    except FileNotFoundError:
        pass
    return record


def newer_build(target, than_ns):
    """A fingerprint file in `target` written after `than_ns`, if any."""
    stack = [target]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except FileNotFoundError:
            continue
        for e in entries:
            if not e.is_dir(follow_symlinks=False):
                continue
            if e.name == ".fingerprint":
                for unit in os.scandir(e.path):
                    for f in os.scandir(unit.path) if unit.is_dir() else [unit]:
                        if f.stat(follow_symlinks=False).st_mtime_ns > than_ns:
                            return f.path
            elif e.name not in ("deps", "build", "incremental", "doc", "examples"):
                # profile directories (debug/, release/) and per-target
                # ones (x86_64-unknown-linux-gnu/ci/) hold .fingerprint
                stack.append(e.path)
    return None


def restore(target):
    record_path = os.path.join(target, RECORD)
    record = read_record(record_path)
    if record:
        saved_ns = os.stat(record_path).st_mtime_ns
        foreign = newer_build(target, saved_ns)
        if foreign:
            print(f"timestamps: not restored: {foreign} was built after the last CI run")
            record = {}
    kept = changed = 0
    with open(record_path + ".next", "w", encoding="utf-8") as out:
        for path, blob in tracked_files():
            old = record.get(path)
            if old and old[0] == blob:
                os.utime(path, ns=(old[1], old[1]), follow_symlinks=False)
                kept += 1
            else:
                changed += 1
            ns = os.stat(path, follow_symlinks=False).st_mtime_ns
            out.write(f"{path}\t{blob}\t{ns}\n")
    print(f"timestamps: {kept} files as in the last CI run, {changed} new or changed")


def save(target):
    record_path = os.path.join(target, RECORD)
    if os.path.exists(record_path + ".next"):
        os.replace(record_path + ".next", record_path)
        os.utime(record_path)  # later than every build of this run


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("restore", "save"):
        sys.exit("usage: timestamps.py restore|save TARGET_DIR")
    os.makedirs(sys.argv[2], exist_ok=True)
    (restore if sys.argv[1] == "restore" else save)(sys.argv[2])


if __name__ == "__main__":
    main()
