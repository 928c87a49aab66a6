"""Tables of bench/throughput.sh: export (hyperfine JSON) and bulk (TSV).

Usage: python3 throughput_summary.py EXPORT_JSON BULK_TSV BULK_ACCOUNTS
"""

import json
import re
import statistics
import sys

RTT = 0.040
PAGES = 200
EXPORT_RATE = 200
BULK_RATE = 50


def export_table(path):
    results = json.load(open(path))["results"]
    by = {r["command"]: r for r in results}
    py = statistics.median(by["Python SDK"]["times"])
    node = statistics.median(by["Node SDK"]["times"])
    floor = max(PAGES / EXPORT_RATE, PAGES * RTT / 16)
    print("| export (50,000 accounts) | median | min–max | runs | ratio to floor | Python SDK / this | Node SDK / this |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        t = r["times"]
        med = statistics.median(t)
        print(
            f"| {r['command']} | {med:.2f} s | {min(t):.2f}–{max(t):.2f} s | {len(t)} "
            f"| {med / floor:.2f}x | {py / med:.1f}x | {node / med:.1f}x |"
        )
    print(f"\nfloor = max({PAGES} pages / {EXPORT_RATE} req/s, {PAGES} x {RTT * 1000:.0f} ms / 16) = {floor:.2f} s\n")


def ours(text):
    disabled = sum(int(m) for m in re.findall(r"Disabled (\d+) of", text))
    got = sum(int(m) for m in re.findall(r"429s:\s+(\d+) received", text))
    failed = sum(int(m) for m in re.findall(r"failed:\s+(\d+)", text))
    passes = re.search(r"passes=(\d+)", text)
    return disabled, got, failed, int(passes.group(1)) if passes else 1


def sdk(text):
    m = re.search(r"disabled=(\d+) passes=(\d+) 429s=(\d+) surfaced=(\d+)", text)
    if not m:
        return None
    d, p, got, s = map(int, m.groups())
    return d, got, s, p


def bulk_table(path, accounts):
    rows = {}
    for line in open(path):
        name, secs, text = line.rstrip("\n").split("\t", 2)
        parsed = sdk(text) if "SDK" in name else ours(text)
        rows.setdefault(name, []).append((float(secs), parsed))
    floor = accounts / BULK_RATE
    med = {name: statistics.median(s for s, _ in v) for name, v in rows.items()}
    print(f"| bulk (disable {accounts:,}) | wall, median | all runs | ratio to floor | vs Python loop | vs Python asyncio | vs Node loop | vs Node Promise.all | 429s received | 429s surfaced (failed calls) | passes |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, v in rows.items():
        m = med[name]
        runs = ", ".join(f"{s:.1f}" for s, _ in v)
        got = "/".join(str(p[1]) if p else "?" for _, p in v)
        surfaced = "/".join(str(p[2]) if p else "?" for _, p in v)
        passes = "/".join(str(p[3]) if p else "?" for _, p in v)
        vs = [
            f"{med[o] / m:.2f}x" if o in med else "—"
            for o in ("Python SDK, loop", "Python SDK, asyncio x16", "Node SDK, loop", "Node SDK, Promise.all x16")
        ]
        print(f"| {name} | {m:.1f} s | {runs} | {m / floor:.2f}x | {' | '.join(vs)} | {got} | {surfaced} | {passes} |")
    print(f"\nfloor = {accounts:,} / {BULK_RATE} req/s = {floor:.0f} s (the listing's pages, {-(-accounts // 250)}, not counted)\n")


def main():
    export_table(sys.argv[1])
    bulk_table(sys.argv[2], int(sys.argv[3]))


if __name__ == "__main__":
    main()
