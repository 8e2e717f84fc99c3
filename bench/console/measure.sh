#!/usr/bin/env bash
# Render time of every console page on the embedded default with 50 models, 500 runs and 1,000 drift windows.
# From the repository root: bash bench/console/measure.sh   (prints one line per page: median and max of 5 renders, ms,
# the CPU time the embedded default spent per render (ms, from /proc: on a busy shared machine the wall time mostly
# measures waiting for a core, the CPU time much less so), and the page's size). The drift page draws the newest 200 windows by default, ?windows=1000 all of them; the runs page
# renders 100 rows a page, ?rows=500 all of them.
set -euo pipefail
PORT=${PORT:-5391}
DATA=$(mktemp -d /tmp/console-bench.XXXXXX)
B=http://127.0.0.1:$PORT
# DLL= runs another build of the embedded default (e.g. a copy, so that the tree can be rebuilt while this runs).
DLL=${DLL:-services/Standalone/bin/Release/net10.0/Platform.Standalone.dll}
[ -f "$DLL" ] || dotnet build services/Standalone -c Release >/dev/null
start() {
  dotnet "$DLL" --urls "$B" --Standalone:DataPath "$DATA" --Monitoring:WindowRows 200 --Monitoring:MinWindowRows 200 \
    --Training:Trainers:0 sdca >"$DATA/out.log" 2>&1 &
  PID=$!
  until curl -sf "$B/health" >/dev/null; do sleep 1; done
}
stop() { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; }
TICKS=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$PID/stat"; } # user + system clock ticks of the embedded default
trap stop EXIT
start
KEY=$(cat "$DATA/dev-api-key")
curl -sf -X POST "$B/datasets/diabetes?target=target&task=regression" -H "X-Api-Key: $KEY" -H "Content-Type: text/csv" --data-binary @data/diabetes_train.csv >/dev/null
until curl -sf "$B/drift/diabetes/reference" -H "X-Api-Key: $KEY" >/dev/null; do sleep 1; done
SHIFTED=$(awk -F, 'NR==1{for(c=1;c<=NF;c++)h[c]=$c; next} {printf "%s{", (NR>2?",":""); for(c=1;c<NF;c++) printf "%s\"%s\":%s", (c>1?",":""), h[c], $c+0.4; printf "}"}' data/diabetes_test.csv)
for i in 1 2 3; do curl -sf -X POST "$B/models/diabetes/predict" -H "X-Api-Key: $KEY" -H "Content-Type: application/json" -d "{\"instances\":[$SHIFTED]}" >/dev/null; done
until curl -sf "$B/drift/diabetes" -H "X-Api-Key: $KEY" | grep -q '"kind":"data"'; do sleep 1; done
RUN=$(curl -sf "$B/runs?model=diabetes" -H "X-Api-Key: $KEY" | python3 -c 'import json,sys; print(next(r["id"] for r in json.load(sys.stdin) if r["status"] == "succeeded"))')
stop
python3 bench/console/seed.py "$DATA" 50 500 1000
start
curl -s -c "$DATA/jar" -o /dev/null "$B/console/login?t=$KEY"
curl -s -b "$DATA/jar" "$B/console/models/diabetes/drift?windows=1000" | { grep -o '[0-9]* data windows\|class="problem"[^<]*<strong>[^<]*' || true; } # what the drift page draws
PAGES=(console/models console/models/diabetes console/models/diabetes/drift "console/models/diabetes/drift?windows=1000"
       console/models/diabetes/try console/runs "console/runs?rows=500" "console/runs?sort=metric&order=asc&trainer=sdca"
       "console/runs/$RUN" "console/runs/compare?id=$RUN&id=$RUN" console/datasets console/datasets/diabetes
       console/datasets/diabetes/versions/1 console/serving console/new)
# A warm-up pass over every page first: just after the restart the process compiles code and catches up with its
# background work (reconciliation), which would otherwise land on the first pages measured.
for page in "${PAGES[@]}"; do curl -s -b "$DATA/jar" -o /dev/null "$B/$page"; done
sleep 20
for page in "${PAGES[@]}"; do
  before=$(cpu)
  times=$(for i in 1 2 3 4 5; do curl -s -b "$DATA/jar" -o /dev/null -w '%{time_total}\n' "$B/$page"; done | sort -n)
  spent=$(( ($(cpu) - before) * 1000 / TICKS / 5 ))
  bytes=$(curl -s -b "$DATA/jar" "$B/$page" | wc -c)
  printf '%-40s median %6.0f ms  max %6.0f ms  cpu %5d ms  %8d bytes\n' "/${page:0:39}" "$(echo "$times" | sed -n 3p | awk '{print $1*1000}')" "$(echo "$times" | tail -1 | awk '{print $1*1000}')" "$spent" "$bytes"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
# The API calls behind the two heaviest pages, for comparison.
for api in "drift/diabetes?limit=1000" runs models; do
  printf '%-40s %6.0f ms (API)\n' "/$api" "$(curl -s -H "X-Api-Key: $KEY" -o /dev/null -w '%{time_total}' "$B/$api" | awk '{print $1*1000}')"
done
if [ -n "${KEEP:-}" ]; then echo "kept running: $B (data $DATA, key $KEY, pid $PID)"; trap - EXIT; exit 0; fi
stop
rm -rf "$DATA"
