#!/usr/bin/env python3
"""SciPy's side of the drift benchmark (bench/Platform.Benchmarks/DriftBenchmarks.cs): the same work with
scipy.stats.ks_2samp (method="auto", two-sided), on the same sizes and distributions (reference N(0, 1), current
N(0.02, 1)), timed the same way (one warm-up, then the mean and standard deviation of five runs).

Run with Debian's interpreter, which has numpy and scipy:  /usr/bin/python3 bench/statistics/scipy_ks.py
"""
import platform
import statistics
import time

import numpy as np
import scipy
from scipy import stats

FEATURES, ROWS, LARGE_ROWS = 10, 100_000, 1_000_000
WARMUP, ITERATIONS = 1, 5


def timed(name, work):
    for _ in range(WARMUP):
        work()
    runs = []
    for _ in range(ITERATIONS):
        start = time.perf_counter()
        work()
        runs.append(time.perf_counter() - start)
    mean, sd = statistics.mean(runs), statistics.stdev(runs)
    print(f"| {name} | {mean * 1e3:,.1f} ms | {sd * 1e3:,.1f} ms |")


def main():
    rng = np.random.default_rng(42)
    reference = [rng.standard_normal(ROWS) for _ in range(FEATURES)]
    current = [rng.standard_normal(ROWS) + 0.02 for _ in range(FEATURES)]
    large_reference = rng.standard_normal(LARGE_ROWS)
    large_current = rng.standard_normal(LARGE_ROWS) + 0.02

    print(f"python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}")
    print("| benchmark | mean | stddev |")
    print("|---|---:|---:|")
    timed("ks_2samp, 10 features, 100k vs 100k", lambda: [stats.ks_2samp(r, c) for r, c in zip(reference, current)])
    timed("ks_2samp, 1 feature, 1M vs 1M", lambda: stats.ks_2samp(large_reference, large_current))


if __name__ == "__main__":
    main()
