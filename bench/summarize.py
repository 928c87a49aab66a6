"""Prints the benchmark ratios: `python3 bench/summarize.py CRITERION_DIR MEMORY_LOG SDKS_JSON`.

bench/render.py imports `criterion` and `sdks` to write BENCHMARKS.md's tables.

Criterion: each ratio is the median time per iteration over the baseline's
median, both from the same run; the range is what the two medians' 95 %
confidence intervals allow (low/high, high/low); MAD is each median
absolute deviation as a share of its median. Hyperfine: median over
median, with the range from min/max of the runs.
"""

import json
import os
import sys

GROUPS = [
    # group, baseline, [(function, goal text, goal test on the ratio)]
    ("retrieve", "bare_reqwest", [("client", "<= 1.05", lambda r: r <= 1.05)]),
    ("walk_50k", "bare_sequential", [
        ("client_prefetch1", "<= 1.00", lambda r: r <= 1.0),
        ("client_prefetch0", "(info)", None),
    ]),
    ("walk_50k_work", "bare_sequential", [
        ("client_prefetch0", "(info)", None),
        ("client_prefetch1", "< prefetch0", None),
        ("client_prefetch2", "(info)", None),
    ]),
    ("walk_50k_work", "client_prefetch0", [
        ("client_prefetch1", "< 1.00", lambda r: r < 1.0),
        ("client_prefetch2", "< 1.00", lambda r: r < 1.0),
    ]),
    ("concurrent_64", "bare_reqwest", [("client", "(compare)", None)]),
]


def estimates(root, group, function):
    path = os.path.join(root, group, function, "new", "estimates.json")
    with open(path) as f:
        e = json.load(f)
    med = e["median"]
    return (
        med["point_estimate"],
        med["confidence_interval"]["lower_bound"],
        med["confidence_interval"]["upper_bound"],
        e["median_abs_dev"]["point_estimate"],
    )


def fmt_time(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


def criterion(root):
    print("| group | measured | baseline | median (MAD) | baseline median (MAD) | ratio | 95 % range | goal | met |")
    print("|---|---|---|---|---|---|---|---|---|")
    for group, base, rows in GROUPS:
        try:
            b = estimates(root, group, base)
        except OSError:
            continue
        for function, goal, test in rows:
            try:
                m = estimates(root, group, function)
            except OSError:
                continue
            ratio = m[0] / b[0]
            lo, hi = m[1] / b[2], m[2] / b[1]
            met = "" if test is None else ("met" if test(ratio) else f"**missed** ({ratio:.3f})")
            print(
                f"| {group} | {function} | {base} | {fmt_time(m[0])} ({100 * m[3] / m[0]:.1f} %) "
                f"| {fmt_time(b[0])} ({100 * b[3] / b[0]:.1f} %) | {ratio:.3f} | {lo:.3f}–{hi:.3f} | {goal} | {met} |"
            )


def memory(log):
    try:
        with open(log) as f:
            for line in f:
                if line.startswith("memory/"):
                    print(line.rstrip())
    except OSError:
        pass


def sdks(path):
    try:
        with open(path) as f:
            results = {r["command"]: r for r in json.load(f)["results"]}
    except OSError:
        return
    rust = results.get("rust")
    if not rust:
        return
    print("| walker | median | min–max | ratio to Rust (median) | range (min/max, max/min) | goal | met |")
    print("|---|---|---|---|---|---|---|")
    goals = {"python": 10.0, "node": 3.0}
    for name in ("rust", "python", "node"):
        r = results.get(name)
        if not r:
            continue
        ratio = r["median"] / rust["median"]
        lo, hi = r["min"] / rust["max"], r["max"] / rust["min"]
        goal = goals.get(name)
        goal_text = f">= {goal:g}x" if goal else "baseline"
        met = "" if goal is None else ("met" if ratio >= goal else f"**missed** ({ratio:.1f}x)")
        print(
            f"| {name} | {r['median'] * 1000:.0f} ms | {r['min'] * 1000:.0f}–{r['max'] * 1000:.0f} ms "
            f"| {ratio:.1f}x | {lo:.1f}–{hi:.1f}x | {goal_text} | {met} |"
        )


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "target/criterion"
    criterion(root)
    print()
    if len(sys.argv) > 2:
        memory(sys.argv[2])
        print()
    if len(sys.argv) > 3:
        sdks(sys.argv[3])


if __name__ == "__main__":
    main()
