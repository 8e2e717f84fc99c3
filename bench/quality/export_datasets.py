"""Writes the parity benchmark's datasets as CSV (header row, target last) into bench/quality/data/.

scikit-learn's bundled datasets (diabetes, wine, breast cancer, iris, digits) and seeded synthetic ones
(Friedman #1, a sparse linear regression, a 3-class classification, one with categorical columns).
Run with Debian's interpreter, which has python3-sklearn: /usr/bin/python3 bench/quality/export_datasets.py
"""
import csv
import os

import numpy as np
from sklearn import datasets

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")

# name -> task; the platform's task names
TASKS = {
    "diabetes": "regression",
    "wine": "multiclass",
    "breast_cancer": "binary",
    "iris": "multiclass",
    "digits": "multiclass",
    "friedman1": "regression",
    "sparse_linear": "regression",
    "three_class": "multiclass",
    "categorical": "binary",
}


def write(name, header, rows):
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, f"{name}.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def bundled(name, loader, integer_target):
    bunch = loader()
    header = [f"x{i}" for i in range(bunch.data.shape[1])] + ["target"]
    rows = [[repr(float(v)) for v in x] + [int(y) if integer_target else repr(float(y))] for x, y in zip(bunch.data, bunch.target)]
    write(name, header, rows)


def numeric(name, x, y, integer_target):
    header = [f"x{i}" for i in range(x.shape[1])] + ["target"]
    write(name, header, [[repr(float(v)) for v in row] + [int(t) if integer_target else repr(float(t))] for row, t in zip(x, y)])


def categorical(n=3000, seed=0):
    """Two numeric and two categorical columns; the target depends on both kinds, with interactions."""
    rng = np.random.RandomState(seed)
    a = rng.normal(size=n)
    b = rng.uniform(-2, 2, size=n)
    city = rng.choice(["north", "south", "east", "west", "centre"], size=n, p=[0.3, 0.25, 0.2, 0.15, 0.1])
    plan = rng.choice(["basic", "plus", "pro"], size=n)
    effect = {"north": 0.8, "south": -0.5, "east": 0.2, "west": -1.0, "centre": 1.5}
    plan_effect = {"basic": -0.7, "plus": 0.1, "pro": 0.9}
    logit = 1.2 * a - 0.8 * b * b + np.array([effect[c] for c in city]) + np.array([plan_effect[p] for p in plan]) * (a > 0) + 0.5
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-logit))).astype(int)
    write("categorical", ["a", "b", "city", "plan", "target"],
          [[repr(float(a[i])), repr(float(b[i])), city[i], plan[i], int(y[i])] for i in range(n)])


def main():
    bundled("diabetes", datasets.load_diabetes, False)
    bundled("wine", datasets.load_wine, True)
    bundled("breast_cancer", datasets.load_breast_cancer, True)
    bundled("iris", datasets.load_iris, True)
    bundled("digits", datasets.load_digits, True)
    x, y = datasets.make_friedman1(n_samples=2000, n_features=10, noise=1.0, random_state=0)
    numeric("friedman1", x, y, False)
    x, y = datasets.make_regression(n_samples=2000, n_features=50, n_informative=8, noise=10.0, random_state=0)
    numeric("sparse_linear", x, y, False)
    x, y = datasets.make_classification(n_samples=3000, n_features=20, n_informative=8, n_redundant=4, n_classes=3,
                                        n_clusters_per_class=2, random_state=0)
    numeric("three_class", x, y, True)
    categorical()
    with open(os.path.join(OUT, "tasks.csv"), "w", newline="") as f:
        csv.writer(f).writerows(TASKS.items())


if __name__ == "__main__":
    main()
