#!/usr/bin/env bash
# The whole parity benchmark: datasets, scikit-learn's side, the platform's side, the table.
#   bash bench/quality/run.sh [dataset ...]        JOBS=2 runs that many platform datasets at once (separate
#   processes, each timing its own CPU); the default 1 suits a shared machine. SEEDS=0,1 for fewer splits.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jobs="${JOBS:-1}"
seeds="${SEEDS:-0,1,2,3,4}"
names=("$@")
[ -f "$here/data/tasks.csv" ] || /usr/bin/python3 "$here/export_datasets.py"
[ ${#names[@]} -gt 0 ] || mapfile -t names < <(cut -d, -f1 "$here/data/tasks.csv")
dotnet build "$here/Platform.QualityBench" -c Release -v q -nologo >/dev/null
mkdir -p "$here/results"
OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 "$here/sklearn_side.py" "${names[@]}" > "$here/results/sklearn.log"
printf '%s\n' "${names[@]}" | xargs -P "$jobs" -I{} sh -c \
  "dotnet '$here/Platform.QualityBench/bin/Release/net10.0/Platform.QualityBench.dll' --seeds '$seeds' {} > '$here/results/platform-{}.log' 2> '$here/results/candidates-{}.log'"
/usr/bin/python3 "$here/compare.py"
