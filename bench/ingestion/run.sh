#!/usr/bin/env bash
# Peak working set and throughput of Ingestion's streaming path for 10 MB, 100 MB and 1 GB generated CSVs, one
# process per size (so each peak is its own). Data goes to ${INGESTION_BENCH_DIR:-/tmp/ingestion-bench}, never the repository.
#   bash bench/ingestion/run.sh [sizes in MB...]        INGESTION_BENCH_SHAPE=numeric|mixed [mixed] picks the generated file
#   INGESTION_BENCH_WARM=1 runs a 10 MB pass first in each process, so the measured pass runs compiled code (tier 1)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DIR=${INGESTION_BENCH_DIR:-/tmp/ingestion-bench}
ARTIFACTS=${INGESTION_BENCH_ARTIFACTS:-/tmp/art-ingestion-bench}
dotnet build "$ROOT/bench/ingestion" -c Release --artifacts-path "$ARTIFACTS" -v q -nologo >/dev/null
for size in "${@:-10 100 1000}"; do
  for s in $size; do dotnet "$ARTIFACTS/bin/Platform.Bench.Ingestion/release/Platform.Bench.Ingestion.dll" "$s" "$DIR" "${INGESTION_BENCH_SHAPE:-mixed}"; done
done
