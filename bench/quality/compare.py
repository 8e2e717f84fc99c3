"""Prints the parity table from results/platform-<dataset>.csv and results/sklearn.csv (markdown).

Per dataset: mean ± std over the 5 splits of the test metric (R² for regression, accuracy for classifiers) and of
the CPU seconds per training, on both sides; Δ = platform − scikit-learn; "bar" says whether the platform is within
the issue's margin (0.005 R², 0.5 accuracy point) and "CPU bar" whether training costs at most 2× scikit-learn's CPU on
datasets of 2,000+ rows. Checks that both sides scored the same test rows.
/usr/bin/python3 bench/quality/compare.py
"""
import csv
import glob
import os
import statistics

HERE = os.path.dirname(os.path.abspath(__file__))


def read(side):
    """Every results/<side>-<dataset>.csv (and a legacy results/<side>.csv)."""
    rows = []
    for path in sorted(glob.glob(os.path.join(HERE, "results", f"{side}*.csv"))):
        with open(path) as f:
            rows.extend(csv.DictReader(f))
    return rows


def summary(values):
    mean = statistics.mean(values)
    std = statistics.stdev(values) if len(values) > 1 else 0.0
    return mean, std


def main():
    with open(os.path.join(HERE, "data", "tasks.csv")) as f:
        tasks = dict(csv.reader(f))
    ours, theirs = read("platform"), read("sklearn")
    print("| dataset | rows | metric | platform | scikit-learn | Δ | bar | platform CPU s | sklearn CPU s | CPU ratio | CPU bar (2,000+ rows: ≤ 2×) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, task in tasks.items():
        a = sorted((r for r in ours if r["dataset"] == name), key=lambda r: int(r["seed"]))
        b = sorted((r for r in theirs if r["dataset"] == name), key=lambda r: int(r["seed"]))
        if not a or not b:
            continue
        with open(os.path.join(HERE, "data", f"{name}.csv")) as f:
            rows = sum(1 for _ in f) - 1
        seeds = sorted({r["seed"] for r in a} & {r["seed"] for r in b})
        a = [r for r in a if r["seed"] in seeds]
        b = [r for r in b if r["seed"] in seeds]
        for x, y in zip(a, b):
            if y.get("test_target_sum") and abs(float(x["test_target_sum"]) - float(y["test_target_sum"])) > 1e-6 * max(1, abs(float(y["test_target_sum"]))):
                raise SystemExit(f"{name} seed {x['seed']}: the two sides scored different test rows")
        metric = "R²" if task == "regression" else "accuracy"
        scale = 1 if task == "regression" else 100
        margin = 0.005 if task == "regression" else 0.5
        pm, ps = summary([float(r["metric"]) * scale for r in a])
        sm, ss = summary([float(r["metric"]) * scale for r in b])
        pc, pcs = summary([float(r["cpu_seconds"]) for r in a])
        sc, scs = summary([float(r["cpu_seconds"]) for r in b])
        delta = pm - sm  # metrics are written with 6 decimals: differences below 1e-4 are rounding
        bar = "at or above" if delta >= -1e-4 else ("within" if delta >= -margin else "below")
        fmt = "{:.3f}" if task == "regression" else "{:.1f}"
        ratio = pc / sc
        cpu_bar = ("met" if ratio <= 2 else "missed") if rows >= 2000 else "—"
        print(f"| {name} ({len(seeds)} splits) | {rows} | {metric} | {fmt.format(pm)} ± {fmt.format(ps)} | {fmt.format(sm)} ± {fmt.format(ss)} | "
              f"{delta:+.3f} | {bar} | {pc:.1f} ± {pcs:.1f} | {sc:.1f} ± {scs:.1f} | {ratio:.2f} | {cpu_bar} |")


if __name__ == "__main__":
    main()
