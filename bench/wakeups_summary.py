"""Summary of bench/wakeups.sh: per call of the sequential loop, medians
over the rounds, for the client at its defaults and for the floor with each
`--spin-us K` (its calling thread busy for K µs after each call): context
switches of the whole process (voluntary + involuntary), the loop's CPU
time (all threads), and how much more that is than the floor's at K = 0,
all told and less the K µs of the spin itself: what the caller's work
between calls costs beyond itself.

    python3 bench/wakeups_summary.py bench/.scratch/wakeups.tsv
"""

import csv
import statistics
import sys
from collections import defaultdict


def main(path):
    by = defaultdict(list)
    for r in csv.DictReader(open(path), delimiter="\t"):
        n = int(r["n"])
        spin = int(r["spin_us"])
        cpu_us = int(r["loop_cpu_ns"]) / n / 1000
        switches = (int(r["vcs"]) + int(r["ics"])) / n
        by[(r["side"], spin)].append((switches, cpu_us, cpu_us - spin))
    med = {
        key: tuple(statistics.median(v[i] for v in vals) for i in range(3)) + (len(vals),)
        for key, vals in by.items()
    }
    base = med.get(("bare", 0))
    print("| side | caller's work between calls | context switches / call | loop CPU, µs / call | "
          "beyond the floor's at 0, all told | beyond it, less the work itself | rounds |")
    print("|---|---|---|---|---|---|---|")
    order = sorted(med, key=lambda k: (k[0] != "client", k[1]))
    for side, spin in order:
        sw, cpu, net, rounds = med[(side, spin)]
        work = "the client's own" if side == "client" else f"{spin} µs (`--spin-us {spin}`)"
        told = f"{cpu - base[1]:+.1f} µs" if base else "-"
        less = "-" if side == "client" or not base else f"{net - base[2]:+.1f} µs"
        print(f"| {'client' if side == 'client' else 'floor'} | {work} | {sw:.2f} | {cpu:.1f} | {told} | {less} | {rounds} |")
    if base and ("client", 0) in med:
        c = med[("client", 0)]
        print()
        print(f"Client / floor, loop CPU: **{c[1] / base[1]:.3f}** "
              f"({c[1] - base[1]:+.1f} µs a call; context switches {c[0] - base[0]:+.2f} a call).")


if __name__ == "__main__":
    main(sys.argv[1])
