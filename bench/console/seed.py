#!/usr/bin/env python3
"""Clones one real model's rows in the embedded default's SQLite files into a large platform: N models (each with its
dataset version and registry version), R training runs across them, W drift windows for the first model.

Run it only while the embedded default is stopped: python3 bench/console/seed.py <data path> [models runs windows]."""
import os, shutil, sqlite3, sys, uuid

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
all_names = [base] + names
# Run i < len(names) is the run that registered names[i]'s version (the Registry keeps one version per run).
run_ids = [str(uuid.uuid4()) for _ in range(runs - 1)]
template_run = clone("training", "runs", f"ModelName='{base}'",
                     lambda i, r: {"Id": run_ids[i].upper() if r["Id"] == r["Id"].upper() else run_ids[i],
                                   "ModelName": (names + all_names * runs)[i], "DatasetName": (names + all_names * runs)[i],
                                   "TriggerKey": str(uuid.uuid4())},
                     runs - 1)
upper = template_run["Id"] == template_run["Id"].upper()
clone("ingestion", "dataset_versions", f"DatasetName='{base}'", lambda i, r: {"Id": guid_like(r["Id"]), "DatasetName": names[i]}, len(names))
clone("registry", "model_versions", f"ModelName='{base}'",
      lambda i, r: {"Id": guid_like(r["Id"]), "ModelName": names[i], "DatasetName": names[i], "RunId": run_ids[i].upper() if upper else run_ids[i]},
      len(names))

# Inference loads every production version at start-up: each clone gets the template's artifact (same bytes, same hash).
for name in names:
    shutil.copytree(os.path.join(data, "registry", base), os.path.join(data, "registry", name), dirs_exist_ok=True)


def window(i, r):
    # EF Core's SQLite DateTimeOffset converter stores ((ticks / 1000) << 11) | offset minutes: a minute is 600,000 << 11.
    unit = 600_000 << 11
    return {"Id": guid_like(r["Id"]), "CreatedAt": r["CreatedAt"] - (i + 1) * unit,
            "WindowFrom": r["WindowFrom"] - (i + 1) * unit, "WindowTo": r["WindowTo"] - (i + 1) * unit}


clone("monitoring", "drift_reports", f"ModelName='{base}' and Kind='data'", window, windows - 1)
print(f"seeded {models} models, {runs} runs, {windows} drift windows of '{base}' in {data}")
