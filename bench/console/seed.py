#!/usr/bin/env python3
"""Clones one real model's rows in the embedded default's SQLite files into a large platform: N models (each with its
dataset version and registry version), R training runs across them, W drift windows for the first model.

Run it only while the embedded default is stopped: python3 bench/console/seed.py <data path> [models runs windows]."""
import sqlite3, sys, uuid, os

data = sys.argv[1]
models, runs, windows = (int(x) for x in (sys.argv[2:5] if len(sys.argv) >= 5 else (50, 500, 1000)))


def guid_like(sample):
    value = str(uuid.uuid4())
    return value.upper() if sample == sample.upper() else value


def clone(db, table, row_filter, changes_per_copy, copies):
    con = sqlite3.connect(os.path.join(data, db + ".db"))
    con.row_factory = sqlite3.Row
    template = con.execute(f'select * from "{table}" where {row_filter} limit 1').fetchone()
    if template is None:
        raise SystemExit(f"{db}.{table}: no row matches {row_filter}; train a model and close a drift window first")
    columns = template.keys()
    for i in range(copies):
        row = dict(template)
        row.update(changes_per_copy(i, row))
        con.execute(f'insert into "{table}" ({",".join(columns)}) values ({",".join("?" for _ in columns)})', [row[c] for c in columns])
    con.commit()
    return dict(template)


base = "diabetes"
names = [f"{base}-{i:02d}" for i in range(2, models + 1)]
clone("ingestion", "dataset_versions", f"DatasetName='{base}'", lambda i, r: {"Id": guid_like(r["Id"]), "DatasetName": names[i]}, len(names))
clone("registry", "model_versions", f"ModelName='{base}'", lambda i, r: {"Id": guid_like(r["Id"]), "ModelName": names[i], "DatasetName": names[i]}, len(names))
all_names = [base] + names
clone("training", "runs", f"ModelName='{base}'",
      lambda i, r: {"Id": guid_like(r["Id"]), "ModelName": all_names[i % len(all_names)], "DatasetName": all_names[i % len(all_names)], "TriggerKey": str(uuid.uuid4())},
      runs - 1)


def window(i, r):
    # CreatedAt / WindowFrom / WindowTo are stored as numbers: step each copy back by a minute in the same unit.
    unit = 600_000_000 if r["CreatedAt"] > 10**15 else 60_000
    return {"Id": guid_like(r["Id"]), "CreatedAt": r["CreatedAt"] - (i + 1) * unit,
            "WindowFrom": r["WindowFrom"] - (i + 1) * unit, "WindowTo": r["WindowTo"] - (i + 1) * unit}


clone("monitoring", "drift_reports", f"ModelName='{base}' and Kind='data'", window, windows - 1)
print(f"seeded {models} models, {runs} runs, {windows} drift windows of '{base}' in {data}")
