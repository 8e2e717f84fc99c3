#!/usr/bin/python3
"""Reference values for the drift statistics in libs/Ml/Statistics, computed with SciPy/NumPy.

Run with Debian's interpreter (SciPy 1.10.1, NumPy 1.24.2):
    apt-get install -y --no-install-recommends python3-scipy
    /usr/bin/python3 tests/Platform.Ml.Tests/Statistics/reference/generate_reference.py

Writes reference.json next to this script: every case stores its samples (rounded to 6 decimals, so that
C# reads exactly the values SciPy saw) and the expected results. The file is committed; the C# tests read it.
"""
import json
import os
import warnings

import numpy as np
import scipy
import scipy.stats as st
from scipy.spatial.distance import jensenshannon

HERE = os.path.dirname(os.path.abspath(__file__))
PSI_EPSILON = 1e-4  # proportion used in place of an empty bin (as Evidently does)


def r6(a):
    """Round to 6 decimals and return plain floats: what is stored is exactly what was tested."""
    return [float(v) for v in np.round(np.asarray(a, dtype=float), 6)]


def ks_case(name, x, y):
    """One pair of samples, tested with all three alternatives."""
    x, y = r6(x), r6(y)
    results = {}
    for alternative in ("two-sided", "less", "greater"):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            res = st.ks_2samp(x, y, alternative=alternative, method="auto")
        fell_back = any("Switching to" in str(w.message) for w in caught)
        method = "exact" if max(len(x), len(y)) <= 10000 and not fell_back else "asymp"
        results[alternative] = {"statistic": float(res.statistic), "pvalue": float(res.pvalue), "method": method}
    return {"name": name, "x": x, "y": y, "results": results}


def ks_cases(rng):
    cases = []
    base_small = rng.normal(size=40)
    cases.append(ks_case("identical_small", base_small, base_small))
    cases.append(ks_case("exact_tiny_samples", [0.1, 0.5, 0.9], [0.3, 0.7, 1.1, 1.5]))
    cases.append(ks_case("small_shift_equal_sizes", rng.normal(size=60), rng.normal(0.3, 1, size=60)))
    cases.append(ks_case("small_shift_unequal_sizes", rng.normal(size=45), rng.normal(0.4, 1, size=70)))
    cases.append(ks_case("large_shift", rng.normal(size=300), rng.normal(1.5, 1, size=250)))
    cases.append(ks_case("large_shift_equal_sizes", rng.normal(size=400), rng.normal(1.2, 1, size=400)))
    cases.append(ks_case("ties_rounded", np.round(rng.normal(size=500), 1), np.round(rng.normal(0.1, 1, size=400), 1)))
    cases.append(ks_case("very_unequal_20_vs_5000", rng.normal(0.5, 1, size=20), rng.normal(size=5000)))
    cases.append(ks_case("one_sided_exact_120_vs_80", rng.normal(size=120), rng.normal(0.2, 1, size=80)))
    # One-sided, unequal sizes: Hodges' path count subtracts large binomials; binom(1020, 500) ~ 1e305 is near overflow.
    cases.append(ks_case("one_sided_exact_near_overflow_500_vs_520", rng.normal(size=500), rng.normal(0.1, 1, size=520)))
    cases.append(ks_case("one_sided_exact_large_shift_300_vs_310", rng.normal(size=300), rng.normal(0.8, 1, size=310)))
    # Tiny exact p-values (1e-260, 1e-278): the lattice recursion runs through values far below 1e-300.
    cases.append(ks_case("exact_tiny_p_5000_vs_1000_shift_1_6", rng.normal(size=5000), rng.normal(1.6, 1, size=1000)))
    cases.append(ks_case("exact_tiny_p_5000_vs_1000_shift_1_7", rng.normal(size=5000), rng.normal(1.7, 1, size=1000)))
    cases.append(ks_case("exact_3000_vs_2000", rng.normal(size=3000), rng.normal(0.05, 1, size=2000)))
    cases.append(ks_case("exact_10000_equal_sizes", rng.normal(size=10000), rng.normal(0.03, 1, size=10000)))
    # max(n1, n2) > 10,000: asymptotic path; the cases land in different branches of SciPy's kstwo.sf at n = round(en).
    big = rng.normal(size=10500)
    near = np.quantile(big, (np.arange(3000) + 0.5) / 3000)  # mirrors big's ECDF closely
    near[:15] += 5.0  # D ~ 0.005 at n = 2333: Durbin matrix
    cases.append(ks_case("asymp_nearly_identical", big, near))
    cases.append(ks_case("asymp_same_distribution", rng.normal(size=10500), rng.normal(size=3000)))  # Pelz-Good
    cases.append(ks_case("asymp_small_shift", rng.normal(size=10500), rng.normal(0.1, 1, size=3000)))  # 2 * smirnov
    cases.append(ks_case("asymp_large_shift_tiny_p", rng.normal(size=10500), rng.normal(0.5, 1, size=3000)))  # p ~ 1e-100
    cases.append(ks_case("asymp_very_unequal_10500_vs_20", rng.normal(size=10500), rng.normal(0.3, 1, size=20)))  # n = 20
    cases.append(ks_case("asymp_very_unequal_10500_vs_100", rng.normal(size=10500), rng.normal(size=100)))  # n = 99: Durbin
    cases.append(ks_case("asymp_very_unequal_10500_vs_60", rng.normal(size=10500), rng.normal(0.6, 1, size=60)))  # n = 60
    return cases


def distribution_cases():
    """kstwo.sf (the two-sided asymptotic path) and special.smirnov on a grid that reaches every branch of SciPy's _kolmogn."""
    import scipy.special as sp
    kstwo, smirnov = [], []
    for n in (1, 2, 5, 10, 20, 50, 99, 140, 141, 500, 2333, 10000, 100000, 200000):
        xs = {0.4 / n, 0.8 / n, 1.5 / n, 3.0 / n, 0.0005, 0.002, 0.01, 0.03, 0.05, 0.1, 0.2, 0.3, 0.45, 0.5, 0.7, 0.95, 1 - 0.5 / n}
        for x in sorted(v for v in xs if 0 < v < 1):
            kstwo.append({"n": n, "x": x, "sf": float(st.kstwo.sf(x, n))})
    for n in (2, 5, 20, 140, 1000, 1013, 5000, 10000):
        for x in (0.01, 0.05, 0.1, 0.3, 0.5, 0.8):
            smirnov.append({"n": n, "x": x, "sf": float(sp.smirnov(n, x))})
    return kstwo, smirnov


def quantile_edges(reference, bins):
    """Interior bin edges: the reference's quantiles at 1/bins, ..., (bins-1)/bins (NumPy 'linear'), duplicates removed."""
    qs = np.quantile(np.asarray(reference, dtype=float), np.linspace(0, 1, bins + 1))
    return np.unique(qs[1:-1])


def binned_counts(values, edges):
    """Bin i holds edges[i-1] < v <= edges[i]; values beyond the reference's range fall in the first/last bin."""
    idx = np.searchsorted(edges, np.asarray(values, dtype=float), side="left")
    return np.bincount(idx, minlength=len(edges) + 1)


def psi_from_counts(ref_counts, cur_counts):
    p = ref_counts / ref_counts.sum()
    q = cur_counts / cur_counts.sum()
    p = np.where(ref_counts == 0, PSI_EPSILON, p)
    q = np.where(cur_counts == 0, PSI_EPSILON, q)
    return float(np.sum((q - p) * np.log(q / p)))


def numeric_case(name, ref, cur, bins=10):
    ref, cur = r6(ref), r6(cur)
    edges = quantile_edges(ref, bins)
    rc, cc = binned_counts(ref, edges), binned_counts(cur, edges)
    w1 = float(st.wasserstein_distance(ref, cur))
    return {"name": name, "reference": ref, "current": cur, "bins": bins,
            "edges": [float(e) for e in edges],
            "psi": psi_from_counts(rc, cc),
            "wasserstein": w1,
            "wasserstein_normalised": w1 / float(np.std(ref)),
            "jensen_shannon": float(jensenshannon(rc, cc, base=2))}


def categorical_case(name, ref, cur):
    cats = sorted(set(ref) | set(cur))
    rc = np.array([ref.count(c) for c in cats], dtype=float)
    cc = np.array([cur.count(c) for c in cats], dtype=float)
    chi2, p, dof, _ = st.chi2_contingency(np.vstack([rc, cc]), correction=False)
    return {"name": name, "reference": ref, "current": cur,
            "chi2": float(chi2), "pvalue": float(p), "dof": int(dof),
            "psi": psi_from_counts(rc, cc),
            "jensen_shannon": float(jensenshannon(rc, cc, base=2))}


def numeric_cases(rng):
    same = rng.normal(size=800)
    return [
        numeric_case("identical", same, same),
        numeric_case("same_distribution", rng.normal(size=2000), rng.normal(size=1000)),
        numeric_case("small_shift", rng.normal(size=2000), rng.normal(0.2, 1, size=1000)),
        numeric_case("large_shift_and_scale", rng.normal(size=2000), rng.normal(2.0, 3.0, size=1000)),
        numeric_case("ties_rounded", np.round(rng.exponential(size=1500), 0), np.round(rng.exponential(1.3, size=900), 0)),
        numeric_case("five_bins", rng.uniform(size=500), rng.uniform(0.1, 1.1, size=700), bins=5),
        numeric_case("very_unequal_sizes", rng.normal(size=5000), rng.normal(0.5, 1, size=20)),
    ]


def categorical_cases(rng):
    colours = ["red", "green", "blue", "amber"]
    def draw(p, n):
        return [str(c) for c in rng.choice(colours, size=n, p=p)]
    return [
        categorical_case("same_distribution", draw([0.4, 0.3, 0.2, 0.1], 2000), draw([0.4, 0.3, 0.2, 0.1], 1000)),
        categorical_case("shifted_distribution", draw([0.4, 0.3, 0.2, 0.1], 2000), draw([0.25, 0.25, 0.25, 0.25], 1000)),
        categorical_case("new_category_in_current", draw([0.5, 0.5, 0.0, 0.0], 1000), draw([0.4, 0.4, 0.2, 0.0], 500)),
        categorical_case("category_missing_from_current", draw([0.4, 0.3, 0.2, 0.1], 1000), draw([0.5, 0.5, 0.0, 0.0], 300)),
        categorical_case("huge_shift_tiny_p", draw([0.9, 0.1, 0.0, 0.0], 5000), draw([0.1, 0.9, 0.0, 0.0], 5000)),
    ]


def main():
    rng = np.random.default_rng(20261123)
    out = {"generator": {"scipy": scipy.__version__, "numpy": np.__version__, "seed": 20261123, "psi_epsilon": PSI_EPSILON},
           "ks": ks_cases(rng), "kstwo": distribution_cases()[0], "smirnov": distribution_cases()[1], "numeric": numeric_cases(rng), "categorical": categorical_cases(rng)}
    path = os.path.join(HERE, "reference.json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    print(path, os.path.getsize(path), "bytes")
    for c in out["ks"]:
        for alt, r in c["results"].items():
            print(f'{c["name"]:32s} {alt:9s} n={len(c["x"])},{len(c["y"])} D={r["statistic"]:.6g} p={r["pvalue"]:.6g} {r["method"]}')


if __name__ == "__main__":
    main()
