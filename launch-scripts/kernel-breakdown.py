#!/usr/bin/env python3
"""Sums per-kernel GPU times from an Nsight Compute CSV into GEMM / attention / elementwise / copies.

  ncu --clock-control none --profile-from-start off --metrics gpu__time_duration.sum --csv --log-file k.csv APP ...
  kernel-breakdown.py k.csv [--forwards N]

The benchmark marks the captured range (CudaProfilerRange), so the file holds exactly N forwards.
"""
import csv
import sys
from collections import defaultdict

UNITS = {"ns": 1e-6, "nsecond": 1e-6, "us": 1e-3, "usecond": 1e-3, "ms": 1.0, "msecond": 1.0, "s": 1e3, "second": 1e3}
# First match wins: attention kernels also contain "gemm"-like names in some libraries.
CATEGORIES = [
    ("attention", ("flash", "fmha", "attention", "attn", "sdpa", "mha", "cudnn_generated_fort_native_sdpa")),
    ("gemm", ("gemm", "xmma", "cutlass", "nvjet", "cublas", "scaled_mm", "matmul", "sm90_", "sm80_")),
    ("copies", ("copy", "catarray", "cat_", "memcpy", "memset", "index", "scatter", "gather", "contiguous")),
]


def category(name: str) -> str:
    low = name.lower()
    for cat, keys in CATEGORIES:
        if any(k in low for k in keys):
            return cat
    return "elementwise"


def main() -> None:
    path = sys.argv[1]
    forwards = int(sys.argv[sys.argv.index("--forwards") + 1]) if "--forwards" in sys.argv else 1
    rows = open(path, encoding="utf-8", errors="replace").read().splitlines()
    start = next(i for i, r in enumerate(rows) if r.startswith('"ID"'))
    totals, counts, by_kernel = defaultdict(float), defaultdict(int), defaultdict(float)
    for r in csv.DictReader(rows[start:]):
        if r.get("Metric Name") != "gpu__time_duration.sum":
            continue
        ms = float(r["Metric Value"].replace(",", "")) * UNITS.get(r["Metric Unit"], 1.0)
        cat = category(r["Kernel Name"])
        totals[cat] += ms
        counts[cat] += 1
        by_kernel[(cat, r["Kernel Name"][:90])] += ms
    whole = sum(totals.values())
    print(f"kernel time per forward: {whole / forwards:.1f} ms over {sum(counts.values()) // forwards} kernels")
    for cat in ("gemm", "attention", "elementwise", "copies"):
        print(f"  {cat:<12} {totals[cat] / forwards:8.1f} ms  {counts[cat] // forwards:6d} kernels  {100 * totals[cat] / max(whole, 1e-9):5.1f} %")
    print("top kernels (ms per forward):")
    for (cat, name), ms in sorted(by_kernel.items(), key=lambda kv: -kv[1])[:15]:
        print(f"  {ms / forwards:8.2f}  {cat:<11} {name}")


if __name__ == "__main__":
    main()
