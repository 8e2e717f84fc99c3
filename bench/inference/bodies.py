"""Writes the benchmark's request bodies from iris.csv: one single-row body per line, and 100-row bodies."""
import csv, json, random, sys

source, out_dir = sys.argv[1], sys.argv[2]
with open(source, newline="") as f:
    rows = [{k: float(v) for k, v in r.items() if k != "species"} for r in csv.DictReader(f)]
random.seed(1)
with open(f"{out_dir}/one.jsonl", "w") as f:
    for r in rows:
        f.write(json.dumps({"instances": [r]}, separators=(",", ":")) + "\n")
with open(f"{out_dir}/hundred.jsonl", "w") as f:
    for _ in range(20):
        f.write(json.dumps({"instances": random.sample(rows, 100)}, separators=(",", ":")) + "\n")
