"""Summarises bench/per_call.sh's rows: first the goal (issue 25: the
client within 1.05x of the floor in loop CPU and loop wall, both loops,
headers on and off), then per mock (rate-limit headers on or off) and loop,
each measure's median per side and the median (min-max) of the
round-by-round ratios client / bare; then, from the second file if given
(`per_call_blocks.tsv`), the same ratios from blocks of calls alternating
within one process.

    python3 bench/per_call_summary.py PER_CALL_TSV [BLOCKS_TSV]"""

import csv
import statistics
import sys

MEASURES = [
    ("loop_ns", "loop wall", lambda r: r["loop_ns"] / 1e9, "s"),
    ("loop_cpu_ns", "loop CPU (all threads)", lambda r: r["loop_cpu_ns"] / 1e9, "s"),
    ("wall_s", "process wall", lambda r: r["wall_s"], "s"),
    ("cpu", "CPU (user+sys)", lambda r: r["user_s"] + r["sys_s"], "s"),
    ("user_s", "user", lambda r: r["user_s"], "s"),
    ("sys_s", "sys", lambda r: r["sys_s"], "s"),
    ("cs", "context switches (vol+invol)", lambda r: r["vcs"] + r["ics"], ""),
    ("rss_kib", "peak RSS", lambda r: r["rss_kib"], "KiB"),
]


def pairs_of(rows, headers, mode):
    """The rounds of one group that have both sides: [{"client": row, "bare": row}]."""
    by = {}
    for r in rows:
        if (r["headers"], r["mode"]) == (headers, mode):
            by.setdefault(r["round"], {})[r["side"]] = r
    return [p for p in by.values() if "client" in p and "bare" in p]


def main(path):
    rows = []
    with open(path) as f:
        for r in csv.DictReader(f, delimiter="\t"):
            for k in ("wall_s", "user_s", "sys_s", "vcs", "ics", "rss_kib", "loop_ns", "loop_cpu_ns"):
                r[k] = float(r[k])
            rows.append(r)
    groups = sorted({(r["headers"], r["mode"]) for r in rows}, key=lambda g: (g[0] != "on", g[1] != "seq"))
    print("| headers | loop | loop CPU, client / bare | loop wall, client / bare | goal: both at most 1.05 |")
    print("|---|---|---|---|---|")
    for headers, mode in groups:
        ratios = {}
        for key, get in (("cpu", lambda r: r["loop_cpu_ns"]), ("wall", lambda r: r["loop_ns"])):
            ratios[key] = statistics.median(
                get(p["client"]) / get(p["bare"]) for p in pairs_of(rows, headers, mode) if get(p["bare"])
            )
        worst = max(ratios.values())
        verdict = "met" if worst <= 1.05 else f"**missed** ({worst:.3f})"
        print(f"| {headers} | {mode} | {ratios['cpu']:.3f} | {ratios['wall']:.3f} | {verdict} |")
    print()
    print("| headers | loop | measure | client median | bare median | ratio (median of pairs) | pair ratios min-max |")
    print("|---|---|---|---|---|---|---|")
    for headers, mode in groups:
        pairs = pairs_of(rows, headers, mode)
        for _, name, get, unit in MEASURES:
            c = [get(p["client"]) for p in pairs]
            b = [get(p["bare"]) for p in pairs]
            ratios = [x / y for x, y in zip(c, b) if y] or [float("nan")]  # nan: too short to tick
            fmt = (lambda v: f"{v:.3f} {unit}") if unit == "s" else (lambda v: f"{v:,.0f} {unit}".strip())
            print(
                f"| {headers} | {mode} | {name} | {fmt(statistics.median(c))} | {fmt(statistics.median(b))} "
                f"| **{statistics.median(ratios):.3f}** | {min(ratios):.3f}-{max(ratios):.3f} |"
            )
    print(f"\n{len(rows)} processes; rounds per group: {len(pairs)}")


def blocks(path):
    """The interleaved blocks: per mock and loop, the median and quartiles
    of the block-pair ratios client / bare, CPU and wall."""
    by = {}
    with open(path) as f:
        for r in csv.DictReader(f, delimiter="\t"):
            key = (r["headers"], r["mode"])
            by.setdefault(key, {}).setdefault(r["block"], {})[r["side"]] = (float(r["loop_cpu_ns"]), float(r["loop_ns"]))
    print()
    print("Both sides in one process, alternating blocks (`--side interleaved`):")
    print()
    print("| headers | loop | block pairs | loop CPU, client / bare: median (quartiles) | loop wall, client / bare: median (quartiles) | goal: both at most 1.05 |")
    print("|---|---|---|---|---|---|")
    for key in sorted(by, key=lambda g: (g[0] != "on", g[1] != "seq")):
        pairs = [p for p in by[key].values() if "client" in p and "bare" in p]
        cells, worst = [], 0.0
        for i in (0, 1):
            ratios = [p["client"][i] / p["bare"][i] for p in pairs if p["bare"][i]]
            q = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else [ratios[0]] * 3
            median = statistics.median(ratios)
            worst = max(worst, median)
            cells.append(f"{median:.3f} ({q[0]:.3f}-{q[2]:.3f})")
        verdict = "met" if worst <= 1.05 else f"**missed** ({worst:.3f})"
        print(f"| {key[0]} | {key[1]} | {len(pairs)} | {cells[0]} | {cells[1]} | {verdict} |")


if __name__ == "__main__":
    main(sys.argv[1])
    if len(sys.argv) > 2:
        blocks(sys.argv[2])
