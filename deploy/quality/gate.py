#!/usr/bin/env python3
"""The model-quality gate: trains every dataset of thresholds.json with the platform CLI and fails (exit 1) when a
holdout metric falls below its "min" or rises above its "max". Exit 2 on bad input (unknown metric, missing file).

  python3 deploy/quality/gate.py [--thresholds FILE] [--data DIR] [--cli "dotnet path/to/platform.dll"] [--only NAME ...]

--data defaults to $PLATFORM_SHARED_DATA, else ../shared/data beside the repository; --cli to the Release build of
tools/Platform.Cli (build it first: dotnet build tools/Platform.Cli -c Release). Prints one line per check and a
summary; run.json of every run is kept under --out (default: a temporary folder).
"""
import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--thresholds", default=os.path.join(ROOT, "deploy", "quality", "thresholds.json"))
    parser.add_argument("--data", default=os.environ.get("PLATFORM_SHARED_DATA") or next(
        (d for d in (os.path.join(ROOT, "data"), os.path.join(ROOT, "..", "shared", "data")) if os.path.isdir(d)), os.path.join(ROOT, "data")))
    parser.add_argument("--cli", default="dotnet " + os.path.join(ROOT, "tools", "Platform.Cli", "bin", "Release", "net10.0", "platform.dll"))
    parser.add_argument("--only", nargs="*", default=None, help="dataset names to check (default: all)")
    parser.add_argument("--out", default=None, help="folder for the runs' outputs")
    args = parser.parse_args()

    with open(args.thresholds, encoding="utf-8") as f:
        datasets = json.load(f)["datasets"]
    if args.only:
        unknown = set(args.only) - {d["name"] for d in datasets}
        if unknown:
            return bad_input(f"--only: no dataset named {', '.join(sorted(unknown))} in {args.thresholds}")
        datasets = [d for d in datasets if d["name"] in args.only]
    out = args.out or tempfile.mkdtemp(prefix="quality-gate-")

    failures = 0
    for dataset in datasets:
        path = os.path.join(args.data, dataset["data"])
        if not os.path.isfile(path):
            return bad_input(f"{dataset['name']}: {path} does not exist (set --data or PLATFORM_SHARED_DATA)")
        run_dir = os.path.join(out, dataset["name"])
        command = shlex.split(args.cli) + ["train", "--data", path, "--target", dataset["target"], "--out", run_dir]
        if dataset.get("task"):
            command += ["--task", dataset["task"]]
        trained = subprocess.run(command, capture_output=True, text=True)
        if trained.returncode != 0:
            print(f"FAIL {dataset['name']}: training exited {trained.returncode}: {trained.stderr.strip()}")
            failures += 1
            continue
        with open(os.path.join(run_dir, "run.json"), encoding="utf-8") as f:
            run = json.load(f)
        metrics = run["holdoutMetrics"]
        for bound, holds in (("min", lambda value, limit: value >= limit), ("max", lambda value, limit: value <= limit)):
            for metric, limit in dataset.get(bound, {}).items():
                if metric not in metrics:
                    return bad_input(f"{dataset['name']}: no metric '{metric}' (the run reports {', '.join(sorted(metrics))})")
                value = metrics[metric]
                ok = holds(value, limit)
                failures += 0 if ok else 1
                sign = ">=" if bound == "min" else "<="
                print(f"{'ok  ' if ok else 'FAIL'} {dataset['name']}: {metric} = {value:.4f} (trainer {run['trainer']}), required {sign} {limit}")

    print(f"quality gate: {len(datasets)} dataset(s), {failures} failure(s)")
    return 1 if failures else 0


def bad_input(message):
    print(f"quality gate: {message}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
