#!/usr/bin/env bash
# The whole parity benchmark: datasets, scikit-learn's side, the platform's side, the table.
#   bash bench/quality/run.sh [dataset ...]        JOBS=2 runs that many platform trainings at once (one process per
#   dataset and split, each timing its own CPU); the default 1 suits a shared machine. SEEDS=0,1 for fewer splits.
#   SKLEARN=0 keeps scikit-learn's results from an earlier run (results/sklearn.csv) instead of rerunning its side.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jobs="${JOBS:-1}"
seeds="${SEEDS:-0,1,2,3,4}"
names=("$@")
[ -f "$here/data/tasks.csv" ] || /usr/bin/python3 "$here/export_datasets.py"
[ ${#names[@]} -gt 0 ] || mapfile -t names < <(cut -d, -f1 "$here/data/tasks.csv")
dotnet build "$here/Platform.QualityBench" -c Release -v q -nologo >/dev/null
mkdir -p "$here/results"
if [ "${SKLEARN:-1}" != 0 ]; then
  OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 "$here/sklearn_side.py" "${names[@]}" > "$here/results/sklearn.log"
fi
for name in "${names[@]}"; do rm -f "$here/results/platform-$name.csv" "$here/results/platform-$name"-seeds-*.csv; done
for name in "${names[@]}"; do for seed in ${seeds//,/ }; do echo "$name $seed"; done; done | xargs -P "$jobs" -n 2 sh -c \
  "dotnet '$here/Platform.QualityBench/bin/Release/net10.0/Platform.QualityBench.dll' --seeds \"\$1\" \"\$0\" > '$here/results/platform-'\"\$0-\$1\"'.log' 2> '$here/results/candidates-'\"\$0-\$1\"'.log'"
/usr/bin/python3 "$here/compare.py"
