"""Writes the tables of one `bench/all.sh` run into BENCHMARKS.md.

Usage: python3 bench/render.py RESULTS_DIR BENCHMARKS_MD [OUT]

BENCHMARKS.md marks each generated part with a pair of HTML comments,
`<!-- bench:NAME -->` ... `<!-- /bench:NAME -->`. For every part whose raw
results are in RESULTS_DIR (written by bench/all.sh in the same run), the
text between the markers is replaced by a table made from them, headed by
the command that made it and the run's date; a part with no results in this
run keeps its text, and the `run` part lists it as not regenerated. Nothing
else in the file is touched. The file is written to OUT (default: in place).
"""

import contextlib
import io
import json
import os
import re
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import summarize  # noqa: E402
import throughput_summary  # noqa: E402

PARTS = ["criterion", "instructions", "per_call", "wakeups", "profile", "memory", "sdk_walk", "export", "bulk", "cold_build"]


def captured(fn, *args):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        fn(*args)
    return out.getvalue().strip()


def met(ok, figure):
    return f"met ({figure})" if ok else f"**missed** ({figure})"


def read(results, name):
    path = os.path.join(results, name)
    return open(path).read() if os.path.exists(path) else None


def commands(results):
    """section -> the command(s) bench/all.sh ran for it."""
    out = {}
    for line in (read(results, "commands.tsv") or "").splitlines():
        section, command = line.split("\t", 1)
        out.setdefault(section, []).append(command)
    return out


def caption(meta, cmds, section):
    ran = "; ".join(f"`{c}`" for c in cmds.get(section, [])) or "`bash bench/all.sh`"
    return f"Made by {ran}, in `{meta['command']}` of {meta['date']} (commit `{meta['commit']}`).\n\n"


def prefetch_defaults(root):
    text = open(os.path.join(root, "telnyx-accounts/src/models/pagination.rs")).read()
    first = re.search(r"pub const DEFAULT_PREFETCH: usize = (\d+);", text)
    cap = re.search(r"pub const DEFAULT_MAX_PREFETCH: usize = (\d+);", text)
    return (first.group(1) if first else "?"), (cap.group(1) if cap else "?")


def part_criterion(results):
    root = os.path.join(results, "criterion")
    if not os.path.isdir(root):
        return None
    table = captured(summarize.criterion, root)
    return table if table.count("\n") > 1 else None


def part_memory(results, root):
    log = read(results, "memory.log")
    if not log:
        return None
    rows = {}
    for m in re.finditer(r"memory/walk_(\d+)\s+peak RSS median (\d+) KiB \(min (\d+), max (\d+)\), (\d+) runs", log):
        rows[int(m.group(1))] = tuple(int(g) for g in m.groups()[1:])
    if len(rows) != 2:
        return None
    first, cap = prefetch_defaults(root)
    (small, s), (large, lg) = sorted(rows.items())
    ratio = lg[0] / s[0]
    return (
        f"The client's default walk (adaptive prefetch: {first} page ahead, up to {cap}), "
        f"pages of 250, each walk a fresh process, {s[3]} runs of each (`VmHWM`):\n\n"
        "| walk | peak RSS median | min–max | ratio | goal | met |\n|---|---|---|---|---|---|\n"
        f"| {small:,} accounts | {s[0]:,} KiB | {s[1]:,}–{s[2]:,} KiB | | | |\n"
        f"| {large:,} accounts | {lg[0]:,} KiB | {lg[1]:,}–{lg[2]:,} KiB | {ratio:.2f} | ≤ 1.25 | {met(ratio <= 1.25, f'{ratio:.2f}')} |"
    )


def part_instructions(results):
    text = read(results, "instructions.tsv")
    if not text:
        return None
    ir = {}
    for line in text.splitlines():
        mock, mode, n, count = line.split("\t")
        ir[(mock, mode, int(n))] = int(count)

    def per(mock, mode):
        ns = sorted(n for (m, md, n) in ir if m == mock and md == mode and n > 0)
        if not ns or (mock, mode, 0) not in ir:
            return None
        n = ns[-1]
        return (ir[(mock, mode, n)] - ir[(mock, mode, 0)]) / n, n

    rows = []
    for mock, label in (("headers", "mock defaults (`x-ratelimit-*` on every response)"),
                        ("no-headers", "`--no-rate-limit-headers`")):
        bare, client = per(mock, "bare"), per(mock, "client")
        if bare and client:
            r = client[0] / bare[0]
            rows.append(f"| one `retrieve` ({client[1]} calls) | {label} | {bare[0]:,.0f} | {client[0]:,.0f} | {r:.3f} | ≤ 1.05 | {met(r <= 1.05, f'{r:.3f}')} |")
    bare = per("walk", "bare-walk")
    for mode, label in (("client-walk0", "prefetch 0"), ("client-walk", "prefetch 1")):
        client = per("walk", mode)
        if bare and client:
            r = client[0] / bare[0]
            rows.append(f"| one 50,000-account walk, {label} | mock defaults | {bare[0] / 1e6:,.1f} M | {client[0] / 1e6:,.1f} M | {r:.3f} | — | |")
    if not rows:
        return None
    return (
        "Per call = (count(N) − count(0)) / N, so client construction and warm-up are excluded; "
        "the mock runs as a separate process, not counted.\n\n"
        "| work | mock | bare reqwest | client | ratio | goal | met |\n|---|---|---|---|---|---|---|\n" + "\n".join(rows)
    )


def part_per_call(results, root):
    tsv = os.path.join(results, "per_call.tsv")
    script = os.path.join(root, "bench/per_call_summary.py")
    if not (os.path.exists(tsv) and os.path.exists(script)):
        return None
    args = [tsv]
    blocks = os.path.join(results, "per_call_blocks.tsv")
    if os.path.exists(blocks):
        args.append(blocks)
    return subprocess.run([sys.executable, script, *args], check=True, capture_output=True, text=True).stdout.strip()


def part_wakeups(results, root):
    tsv = os.path.join(results, "wakeups.tsv")
    script = os.path.join(root, "bench/wakeups_summary.py")
    if not (os.path.exists(tsv) and os.path.exists(script)):
        return None
    return subprocess.run([sys.executable, script, tsv], check=True, capture_output=True, text=True).stdout.strip()


def part_profile(results, root):
    directory = os.path.join(results, "profile")
    script = os.path.join(root, "bench/profile_summary.py")
    if not (os.path.isdir(directory) and os.path.exists(script)):
        return None
    if not any(re.fullmatch(r"(client|bare)-\d+\.txt", n) for n in os.listdir(directory)):
        return None
    return subprocess.run([sys.executable, script, directory], check=True, capture_output=True, text=True).stdout.strip()


def part_sdk_walk(results):
    path = os.path.join(results, "sdks.json")
    if not os.path.exists(path):
        return None
    versions = (read(results, "sdk_versions.txt") or "").strip().replace("\n", "; ")
    return (f"SDKs: {versions}.\n\n" if versions else "") + captured(summarize.sdks, path)


def part_export(results):
    path = os.path.join(results, "export.json")
    if not os.path.exists(path):
        return None
    table = captured(throughput_summary.export_table, path)
    by = {r["command"]: statistics.median(r["times"]) for r in json.load(open(path))["results"]}
    floor = max(throughput_summary.PAGES / throughput_summary.EXPORT_RATE,
                throughput_summary.PAGES * throughput_summary.RTT / 16)
    ours = by.get("ours, default")
    goals = []
    if ours:
        r = ours / floor
        goals.append(f"within 1.15x of the floor: {met(r <= 1.15, f'{r:.2f}x')}")
        for sdk in ("Python SDK", "Node SDK"):
            if sdk in by:
                s = by[sdk] / ours
                goals.append(f"at least 5x faster than the {sdk}: {met(s >= 5, f'{s:.1f}x')}")
    return table + "\n\n**Goals** (ours, default): " + "; ".join(goals) + "."


def part_bulk(results, accounts):
    path = os.path.join(results, "bulk.tsv")
    if not os.path.exists(path):
        return None
    table = captured(throughput_summary.bulk_table, path, accounts)
    walls, surfaced = [], 0
    for line in open(path):
        name, secs, text = line.rstrip("\n").split("\t", 2)
        if name == "ours, concurrency 16":
            walls.append(float(secs))
            surfaced += throughput_summary.ours(text)[2]
    goals = ""
    if walls:
        r = statistics.median(walls) / (accounts / throughput_summary.BULK_RATE)
        goals = (f"\n\n**Goals** (ours, pacing on): within 1.15x of the floor: {met(r <= 1.15, f'{r:.2f}x')}; "
                 f"no 429 surfaced: {met(surfaced == 0, f'{surfaced} surfaced')}.")
    return table + goals


def part_cold_build(results):
    log = read(results, "cold_build.log")
    if not log:
        return None
    crates = re.search(r"== crates compiled: ours (\d+), baseline (\d+) \((-?\d+) more\)", log)
    if not crates:
        return None
    ours, base, more = map(int, crates.groups())
    lines = [f"Crates compiled (`cargo tree -e normal,build`, the root not counted): ours {ours}, baseline {base}: "
             f"{more} more (goal at most 15: {met(more <= 15, f'{more} more')})."]
    rounds = re.findall(r"round (\d+) (\S+)\s+wall\s+([\d.]+) s\s+cpu\s+([\d.]+) s\s+\(load average: ([^)]*)\)", log)
    total = re.search(r"wall ours ([\d.]+) s / baseline ([\d.]+) s = ([\d.]+)x; cpu ours ([\d.]+) s / baseline ([\d.]+) s = ([\d.]+)x", log)
    if rounds and total:
        lines.append("\n| round | side | wall | CPU (user + system) | load average after |\n|---|---|---|---|---|")
        lines += [f"| {r} | {side} | {w} s | {c} s | {load} |" for r, side, w, c, load in rounds]
        wr, cr = float(total.group(3)), float(total.group(6))
        lines.append(f"| **total** | ours / baseline | {total.group(1)} / {total.group(2)} s = **{wr:.2f}x** "
                     f"| {total.group(4)} / {total.group(5)} s = **{cr:.2f}x** | |")
        lines.append(f"\nTime goal (at most 1.10x, wall): {met(wr <= 1.10, f'{wr:.2f}x')}; CPU {cr:.2f}x.")
    else:
        lines.append("\nNo timed builds in this run (`LIST=1`: crate counts only).")
    return "\n".join(lines)


def replace(text, name, body):
    pattern = re.compile(rf"(<!-- bench:{name} -->\n).*?(<!-- /bench:{name} -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"BENCHMARKS.md has no <!-- bench:{name} --> ... <!-- /bench:{name} --> markers")
    return pattern.sub(lambda m: m.group(1) + body.rstrip() + "\n" + m.group(2), text, count=1)


def main():
    results, md = sys.argv[1], sys.argv[2]
    out = sys.argv[3] if len(sys.argv) > 3 else md
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    meta = json.load(open(os.path.join(results, "meta.json")))
    cmds = commands(results)
    made = {
        "criterion": part_criterion(results),
        "instructions": part_instructions(results),
        "per_call": part_per_call(results, root),
        "wakeups": part_wakeups(results, root),
        "profile": part_profile(results, root),
        "memory": part_memory(results, root),
        "sdk_walk": part_sdk_walk(results),
        "export": part_export(results),
        "bulk": part_bulk(results, int(meta.get("bulk_accounts", 2000))),
        "cold_build": part_cold_build(results),
    }
    text = open(md).read()
    for name in PARTS:
        if made[name]:
            text = replace(text, name, caption(meta, cmds, name) + made[name])
    kept = [name for name in PARTS if not made[name]]
    run = (
        f"Last run: `{meta['command']}` on {meta['date']}, commit `{meta['commit']}`"
        f"{' (QUICK=1: a smoke test, not figures to quote)' if meta.get('quick') else ''}. "
        f"Machine: {meta['nproc']} cores, {meta['cpu']}, {meta['memory']}; {meta['rustc']}; "
        f"load average {meta['load_start']} at the start, {meta['load_end']} at the end."
    )
    if kept:
        run += (" Not regenerated by that run, and kept from earlier runs (each dated in its caption): "
                + ", ".join(f"`{k}`" for k in kept) + ".")
    else:
        run += " Every table below comes from that run."
    text = replace(text, "run", run)
    with open(out, "w") as f:
        f.write(text)
    print(f"wrote {out}; regenerated: {', '.join(n for n in PARTS if made[n]) or 'nothing'}")


if __name__ == "__main__":
    main()
