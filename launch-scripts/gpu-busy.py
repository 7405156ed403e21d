#!/usr/bin/env python3
"""How busy the GPU was in an Nsight Systems capture: the union of kernel intervals against the wall span, per stream
and per kernel class, from `nsys export --type sqlite` output.

  gpu-busy.py capture.sqlite [--skip-seconds S]

--skip-seconds leaves out the start of the capture (set-up, warm-up) where the capture was not limited to a profiler
"""
import sqlite3
import sys
from collections import defaultdict

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from importlib import import_module

category = import_module("kernel-breakdown").category


def main() -> None:
    db = sqlite3.connect(sys.argv[1])
    skip = float(sys.argv[sys.argv.index("--skip-seconds") + 1]) if "--skip-seconds" in sys.argv else 0.0
    rows = db.execute(
        "SELECT k.start, k.end, k.streamId, s.value FROM CUPTI_ACTIVITY_KIND_KERNEL k JOIN StringIds s ON k.shortName = s.id "
        "ORDER BY k.start").fetchall()
    if not rows:
        print("no kernels in the capture")
        return
    t0 = rows[0][0] + int(skip * 1e9)
    rows = [r for r in rows if r[0] >= t0]
    span = rows[-1][1] - rows[0][0]
    busy, cur_start, cur_end = 0, None, None
    for start, end, _, _ in rows:
        if cur_end is None or start > cur_end:
            if cur_end is not None:
                busy += cur_end - cur_start
            cur_start, cur_end = start, end
        else:
            cur_end = max(cur_end, end)
    busy += cur_end - cur_start
    by_stream, by_class = defaultdict(int), defaultdict(int)
    for start, end, stream, name in rows:
        by_stream[stream] += end - start
        by_class[category(name)] += end - start
    print(f"window {span / 1e6:.1f} ms after skipping {skip:.1f} s: GPU busy {busy / 1e6:.1f} ms ({100 * busy / span:.1f} %), "
          f"idle {(span - busy) / 1e6:.1f} ms, {len(rows)} kernels")
    for stream, t in sorted(by_stream.items(), key=lambda kv: -kv[1]):
        print(f"  stream {stream}: {t / 1e6:.1f} ms of kernels")
    for cat, t in sorted(by_class.items(), key=lambda kv: -kv[1]):
        print(f"  {cat:<12} {t / 1e6:.1f} ms")


if __name__ == "__main__":
    main()
