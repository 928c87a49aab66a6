"""Summarises bench/profile.sh's recordings: where the client's extra CPU
goes, per part of the hot path.

Usage: python3 bench/profile_summary.py DIR

DIR holds SIDE-ROUND.txt (`perf report -F sample,dso,sym -t TAB`: samples
per shared object and symbol, self time) for the sides `client` and `bare`,
and `settings`. Every sample goes to the first part in PARTS whose pattern
matches it ("<dso>\t<symbol>", symbols demangled, `[k]`/`[.]` kept), or to
"other". Per part: the client's samples minus the floor's, as a share of
the floor's total samples, so the rows add up to the whole-process
difference. The rows are the same every run, whatever matched.
"""

import os
import re
import sys
from collections import Counter

# (label, pattern), first match wins: a symbol of the limiter that calls into
# tokio is the limiter's, one that copies memory is memcpy's. The patterns
# match "<dso>\t<symbol>".
PARTS = [
    ("kernel (scheduler, wake-ups, loopback TCP, syscalls)",
     r"^\[kernel|\t\[k\] "),
    ("clock reads (vDSO `clock_gettime`, `Instant::now`)",
     r"^\[vdso\]|clock_gettime|Instant::now|Timespec::now"),
    ("memcpy/memmove (moves of futures and buffers)",
     r"\t\[\.\] (__)?mem(cpy|move)"),
    ("malloc/free (glibc and Rust's allocator shims)",
     r"^libc[.-].*\t\[\.\] .*(malloc|free|realloc|calloc|tcache|arena|memalign|unlink_chunk|_int_)"
     r"|__rust_(alloc|dealloc|realloc)|__rdl_|alloc::alloc::"),
    ("limiter (`telnyx_accounts::runtime::limiter`)",
     r"telnyx_accounts::runtime::limiter::"),
    ("attempt timer (`telnyx_accounts::runtime::timer`, tokio's time driver)",
     r"telnyx_accounts::runtime::timer::|tokio::time::|tokio::runtime::time::"),
    ("decoding (serde, serde_json, chrono, the generated types, the public model)",
     r"serde|chrono::|telnyx_accounts_gen::|telnyx_accounts::models::(decode|generated|managed_account|user|enums|nulls|timestamps|pagination)"),
    ("the client's own code (`telnyx_accounts::`; `tracing::Instrumented::poll`, into which the attempt loop is inlined)",
     r"telnyx_accounts::|tracing::instrument::Instrumented"),
    ("tokio runtime (scheduler, I/O driver, sync)",
     r"tokio::|mio::"),
    ("hyper, reqwest, http, url (shared by both sides)",
     r"hyper|reqwest::|\bhttp::|http_body|httparse|\burl::|idna::|form_urlencoded|percent_encoding|\bbytes::|\bwant::|futures_util::"),
]
OTHER = "other (libc, std, the bench's own loop, unresolved)"

COMPILED = [(label, re.compile(pattern)) for label, pattern in PARTS]


def part_of(key):
    for label, pattern in COMPILED:
        if pattern.search(key):
            return label
    return OTHER


def read_report(path):
    """(dso, symbol) -> samples of one `perf report` output."""
    out = Counter()
    for line in open(path):
        if line.startswith("#") or not line.strip():
            continue
        fields = line.rstrip("\n").split("\t")
        if len(fields) < 3:
            continue
        try:
            n = int(fields[0].strip())
        except ValueError:
            continue
        out[(fields[1].strip(), fields[2].strip())] += n
    return out


def settings(directory):
    path = os.path.join(directory, "settings")
    if not os.path.exists(path):
        return {}
    return dict(line.rstrip("\n").split("=", 1) for line in open(path) if "=" in line)


def main(directory):
    sides = {"client": Counter(), "bare": Counter()}
    runs = Counter()
    for name in sorted(os.listdir(directory)):
        m = re.fullmatch(r"(client|bare)-(\d+)\.txt", name)
        if m:
            sides[m.group(1)].update(read_report(os.path.join(directory, name)))
            runs[m.group(1)] += 1
    if not runs["client"] or not runs["bare"]:
        raise SystemExit(f"no client-N.txt and bare-N.txt reports in {directory}")
    per_part = {side: Counter() for side in sides}
    for side, samples in sides.items():
        for (dso, sym), n in samples.items():
            per_part[side][part_of(f"{dso}\t{sym}")] += n
    client_total, bare_total = sum(sides["client"].values()), sum(sides["bare"].values())
    if not bare_total:
        raise SystemExit(f"the floor's reports in {directory} hold no samples")

    s = settings(directory)
    print(
        f"`{s.get('mode', 'conc')}` loop, {runs['client']} process{'es' if runs['client'] != 1 else ''} per side of "
        f"{int(s.get('n', 0)):,} calls, the sides alternating; load average "
        f"{s.get('load_start', '?')} at the start, {s.get('load_end', '?')} at the end. "
        "Samples of the client minus those of the floor, as a share of the floor's total "
        "(each sample is 0.2 ms of CPU on one thread; a part takes every symbol its "
        "pattern in `bench/profile_summary.py` matches, first match wins):\n"
    )
    print("| part | bare samples | client samples | client − bare, share of bare's total |")
    print("|---|---|---|---|")
    print(f"| whole process (client / bare samples) | {bare_total:,} | {client_total:,} "
          f"| **{client_total / bare_total:.3f}** |")
    for label in [label for label, _ in PARTS] + [OTHER]:
        b, c = per_part["bare"][label], per_part["client"][label]
        print(f"| {label} | {b:,} | {c:,} | {100 * (c - b) / bare_total:+.1f} % |")

    # What the client's own code is made of: its five costliest symbols.
    own = [(n, sym) for (dso, sym), n in sides["client"].items()
           if part_of(f"{dso}\t{sym}") == COMPILED[7][0]]
    own.sort(key=lambda x: (-x[0], x[1]))
    rows = own[:5] + [(0, "—")] * (5 - len(own[:5]))
    print("\nThe client's own code, its five symbols with the most samples (self time, all processes):\n")
    print("| client samples | symbol |\n|---|---|")
    for n, sym in rows:
        name = re.sub(r"^\[[.k]\] ", "", sym).replace("|", "\\|")
        print(f"| {n:,} | `{name}` |")


if __name__ == "__main__":
    main(sys.argv[1])
