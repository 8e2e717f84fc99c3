"""scikit-learn's honest best on each benchmark dataset and split: {StandardScaler + ridge / logistic regression,
random forest (300 trees), HistGradientBoosting} chosen by 5-fold CV (StratifiedKFold for classifiers) on the
training rows, refitted on them, scored on the test rows of train_test_split(test_size=0.2, random_state=seed,
stratify=y for classifiers) — the same rows the platform holds out. CPU time is process time of selection + refit.

/usr/bin/python3 bench/quality/sklearn_side.py [dataset ...]   → results/sklearn.csv
"""
import csv
import os
import sys
import time

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor, RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import LogisticRegression, RidgeCV
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
SEEDS = range(5)


def load(name):
    with open(os.path.join(HERE, "data", f"{name}.csv")) as f:
        rows = list(csv.reader(f))
    header, rows = rows[0], rows[1:]
    columns = list(zip(*rows))
    features, kinds = [], []
    for column in columns[:-1]:
        try:
            features.append(np.array([float(v) for v in column]))
            kinds.append("numeric")
        except ValueError:
            features.append(np.array(column, dtype=object))
            kinds.append("categorical")
    x = np.empty((len(rows), len(features)), dtype=object if "categorical" in kinds else float)
    for i, column in enumerate(features):
        x[:, i] = column
    target = columns[-1]
    return x, target, kinds


def candidates(task, kinds):
    numeric = [i for i, k in enumerate(kinds) if k == "numeric"]
    categorical = [i for i, k in enumerate(kinds) if k == "categorical"]

    def encoded(scale, model, ordinal=False):
        if not categorical:
            return make_pipeline(StandardScaler(), model) if scale else model
        encoder = OrdinalEncoder() if ordinal else OneHotEncoder(handle_unknown="ignore")
        prep = ColumnTransformer([("num", StandardScaler() if scale else "passthrough", numeric), ("cat", encoder, categorical)])
        return make_pipeline(prep, model)

    hist_cat = list(range(len(numeric), len(numeric) + len(categorical))) or None
    if task == "regression":
        return {
            "scaled ridge": encoded(True, RidgeCV(alphas=np.logspace(-3, 3, 13))),
            "random forest 300": encoded(False, RandomForestRegressor(n_estimators=300, random_state=0, n_jobs=1)),
            "hist gradient boosting": encoded(False, HistGradientBoostingRegressor(random_state=0, categorical_features=hist_cat), ordinal=True),
        }
    return {
        "scaled logistic": encoded(True, LogisticRegression(max_iter=5000)),
        "random forest 300": encoded(False, RandomForestClassifier(n_estimators=300, random_state=0, n_jobs=1)),
        "hist gradient boosting": encoded(False, HistGradientBoostingClassifier(random_state=0, categorical_features=hist_cat), ordinal=True),
    }


def main():
    with open(os.path.join(HERE, "data", "tasks.csv")) as f:
        tasks = dict(csv.reader(f))
    names = sys.argv[1:] or list(tasks)
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    out_path = os.path.join(HERE, "results", "sklearn.csv")
    existing = []
    if os.path.exists(out_path):
        with open(out_path) as f:
            existing = [r for r in csv.reader(f)][1:]
    existing = [r for r in existing if r[0] not in names]
    results = []
    for name in names:
        task = tasks[name]
        x, target, kinds = load(name)
        y = np.array([float(v) for v in target]) if task == "regression" else np.array([int(v) for v in target])
        for seed in SEEDS:
            stratify = None if task == "regression" else y
            x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, random_state=seed, stratify=stratify)
            folds = KFold(5, shuffle=True, random_state=seed) if task == "regression" else StratifiedKFold(5, shuffle=True, random_state=seed)
            scoring = "r2" if task == "regression" else "accuracy"
            start = time.process_time()
            scores = {label: cross_val_score(model, x_train, y_train, cv=folds, scoring=scoring).mean()
                      for label, model in candidates(task, kinds).items()}
            best = max(scores, key=scores.get)
            model = candidates(task, kinds)[best].fit(x_train, y_train)
            cpu = time.process_time() - start
            predicted = model.predict(x_test)
            metric = r2_score(y_test, predicted) if task == "regression" else accuracy_score(y_test, predicted)
            results.append([name, seed, best, f"{metric:.6f}", f"{cpu:.3f}", repr(float(np.sum(y_test)))])
            print(name, seed, best, f"{metric:.4f}", f"{cpu:.1f}s", flush=True)
    with open(out_path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["dataset", "seed", "model", "metric", "cpu_seconds", "test_target_sum"])
        w.writerows(existing + results)


if __name__ == "__main__":
    main()
