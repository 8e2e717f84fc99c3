#!/usr/bin/env bash
# Load benchmark of the Inference gateway, side by side with a bare Kestrel endpoint, on loopback, in one run.
#
#   bash bench/inference/run.sh            # from the repository root (or anywhere)
#
# 1. installs wrk from Debian if missing;
# 2. builds the Standalone host and bench/inference/BareKestrel in Release (own artifacts folder);
# 3. starts the Standalone host on 127.0.0.1 with fresh data, uploads data/iris.csv (target species) with
#    training restricted to one trainer (BENCH_TRAINER, default lightgbm: 100 boosting rounds, softmax over 3
#    classes), and waits until the platform serves the model it trained itself;
#    then (BENCH_GATEWAY=alone, the default) starts the Inference service on its own, as it is deployed, which
#    loads that production model from the Standalone host's Registry at start-up; BENCH_GATEWAY=standalone loads
#    the all-in-one host instead, where Monitoring and Training share the two cores with the gateway;
# 4. starts BareKestrel (POST /predict reads the body, answers a constant prediction-shaped JSON);
# 5. runs wrk (bounded by BENCH_DURATION) against both, single-row and 100-row bodies, at each of BENCH_CONNECTIONS;
# 6. prints a markdown table (req/s, p50, p99, non-2xx) with the load average, stops both processes.
#
# Settings: BENCH_DURATION [10s], BENCH_CONNECTIONS ["1 16 64"], BENCH_TRAINER [lightgbm],
#           BENCH_GATEWAY [alone], BENCH_PORT [5180] (platform; BENCH_PORT+1 is BareKestrel, +2 the lone gateway), BENCH_ARTIFACTS [/tmp/bench-inference-artifacts],
#           PLATFORM_SHARED_DATA [data/ in the repository].
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$ROOT/bench/inference
DURATION=${BENCH_DURATION:-10s}
CONNECTIONS=${BENCH_CONNECTIONS:-"1 16 64"}
TRAINER=${BENCH_TRAINER:-lightgbm}
PORT=${BENCH_PORT:-5180}
BARE_PORT=$((PORT + 1))
GATEWAY=${BENCH_GATEWAY:-alone}
GATEWAY_PORT=$((PORT + 2))
ARTIFACTS=${BENCH_ARTIFACTS:-/tmp/bench-inference-artifacts}
DATA=${PLATFORM_SHARED_DATA:-$ROOT/data}
WORK=$(mktemp -d /tmp/bench-inference.XXXXXX)
KEY=bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
PIDS=()

log() { echo "[bench $(date -u +%H:%M:%S)] $*" >&2; }
cleanup() {
  # TERM first; a host still stopping after 15 s (a training run in flight) is killed.
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 30); do
    local alive=0
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.5
  done
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

[[ -f $DATA/iris.csv ]] || { log "no iris.csv in $DATA (set PLATFORM_SHARED_DATA)"; exit 1; }
for port in "$PORT" "$BARE_PORT" "$GATEWAY_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then log "port $port is in use (set BENCH_PORT)"; exit 1; fi
done

# 1. wrk
if ! command -v wrk >/dev/null; then
  log "installing wrk from Debian"
  apt-get install -y --no-install-recommends wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y --no-install-recommends wrk >/dev/null; }
fi

# 2. Build (Release).
cd "$ROOT"
log "building (Release) into $ARTIFACTS"
dotnet build services/Standalone -c Release --artifacts-path "$ARTIFACTS" -v quiet -nologo </dev/null >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
dotnet build bench/inference/BareKestrel -c Release --artifacts-path "$ARTIFACTS" -v quiet -nologo </dev/null >>"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }

wait_for() { # url, seconds, what
  local deadline=$((SECONDS + $2))
  until [[ $(curl -s -o /dev/null -w '%{http_code}' "${@:4}" "$1") == 200 ]]; do
    ((SECONDS < deadline)) || { log "timed out waiting for $3"; exit 1; }
    sleep 1
  done
}

# 3. The platform, with an iris model it trains itself.
log "starting the Standalone host on 127.0.0.1:$PORT (trainer $TRAINER)"
(cd "$WORK" && exec env ASPNETCORE_URLS="http://127.0.0.1:$PORT" ASPNETCORE_ENVIRONMENT=Production \
  Standalone__DataPath="$WORK/data" "Auth__Keys__$KEY=consumer,producer,operator,reader" \
  Training__Trainers__0="$TRAINER" Monitoring__MaxRetrainsPerDay=1 Monitoring__Cooldown=1.00:00:00 \
  Logging__LogLevel__Default=Warning MASSTRANSIT_USAGE_TELEMETRY=false \
  dotnet "$ARTIFACTS/bin/Platform.Standalone/release/Platform.Standalone.dll" >"$WORK/platform.log" 2>&1) &
PIDS+=($!)
wait_for "http://127.0.0.1:$PORT/alive" 120 "the platform to start"

log "uploading iris.csv; waiting for the trained model to be served"
curl -sf -X POST "http://127.0.0.1:$PORT/datasets/iris?target=species&task=multiclass" -H "X-Api-Key: $KEY" \
  -H "Content-Type: text/csv" --data-binary "@$DATA/iris.csv" >/dev/null
python3 "$HERE/bodies.py" "$DATA/iris.csv" "$WORK"
wait_for "http://127.0.0.1:$PORT/models/iris/predict" 600 "the iris model to be served" \
  -X POST -H "X-Api-Key: $KEY" -H "Content-Type: application/json" --data-binary "$(head -1 "$WORK/one.jsonl")"
MODEL=$(curl -s "http://127.0.0.1:$PORT/models/iris" | python3 -c '
import json, sys
m = json.load(sys.stdin); v = next(v for v in m["versions"] if v["version"] == m["productionVersion"])
print("iris v%s: %s, %s %.3f on the holdout" % (v["version"], v["trainer"], v["primaryMetric"], v["holdoutMetric"]))')
log "served: $MODEL"

SERVE_PORT=$PORT
if [[ $GATEWAY == alone ]]; then
  # The gateway as deployed: its own process, asking the Registry (here the Standalone host) for production models
  # at start-up; its prediction log goes to its own in-memory bus.
  log "starting the Inference service alone on 127.0.0.1:$GATEWAY_PORT"
  (cd "$WORK" && exec env ASPNETCORE_URLS="http://127.0.0.1:$GATEWAY_PORT" ASPNETCORE_ENVIRONMENT=Production \
    Messaging__Transport=InMemory Services__registry__http__0="http://127.0.0.1:$PORT" "Auth__Keys__$KEY=consumer" Platform__ServiceKey="$KEY" \
    Logging__LogLevel__Default=Warning MASSTRANSIT_USAGE_TELEMETRY=false \
    dotnet "$ARTIFACTS/bin/Platform.Inference/release/Platform.Inference.dll" >"$WORK/gateway.log" 2>&1) &
  PIDS+=($!)
  wait_for "http://127.0.0.1:$GATEWAY_PORT/health" 120 "the lone gateway to load the model"
  SERVE_PORT=$GATEWAY_PORT
fi

# 4. The bare Kestrel endpoint.
(cd "$WORK" && exec env ASPNETCORE_URLS="http://127.0.0.1:$BARE_PORT" \
  dotnet "$ARTIFACTS/bin/BareKestrel/release/BareKestrel.dll" >"$WORK/bare.log" 2>&1) &
PIDS+=($!)
wait_for "http://127.0.0.1:$BARE_PORT/predict" 60 "BareKestrel" -X POST --data-binary '{}'

# 5. wrk. Latencies are converted to milliseconds.
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }
run_wrk() { # url, bodies file, connections, duration -> "req/s p50 p99 non2xx"
  local threads=$(( $3 < 2 ? 1 : 2 ))
  local out
  out=$(BENCH_KEY=$KEY BENCH_BODIES=$2 wrk -t"$threads" -c"$3" -d"$4" --latency -s "$HERE/request.lua" "$1")
  local rps p50 p99 errors
  rps=$(awk '/^Requests\/sec/ { printf "%.0f", $2 }' <<<"$out")
  p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
  errors=$(awk '/Non-2xx/ { print $NF }' <<<"$out")
  echo "$rps $p50 $p99 ${errors:-0}"
}

log "warming up"
run_wrk "http://127.0.0.1:$SERVE_PORT/models/iris/predict" "$WORK/one.jsonl" 16 3s >/dev/null
run_wrk "http://127.0.0.1:$BARE_PORT/predict" "$WORK/one.jsonl" 16 3s >/dev/null

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
ROWS=()
for body in one hundred; do
  rows_per_request=$([[ $body == one ]] && echo 1 || echo 100)
  for c in $CONNECTIONS; do
    for target in bare platform; do
      if [[ $target == bare ]]; then url="http://127.0.0.1:$BARE_PORT/predict"; name="bare Kestrel (constant JSON)"
      else url="http://127.0.0.1:$SERVE_PORT/models/iris/predict"; name="platform /models/iris/predict ($GATEWAY)"; fi
      log "$name, $rows_per_request row(s), $c connection(s), $DURATION"
      read -r rps p50 p99 errors < <(run_wrk "$url" "$WORK/$body.jsonl" "$c" "$DURATION")
      ROWS+=("| $name | $rows_per_request | $c | $rps | $((rps * rows_per_request)) | $p50 | $p99 | $errors |")
    done
  done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
RUNS=$(curl -s "http://127.0.0.1:$PORT/runs?model=iris" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')

# 6. Report.
echo
echo "### Inference gateway vs bare Kestrel ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'))"
echo
echo "Model: $MODEL. wrk $DURATION per cell, loopback, keep-alive."
echo "Load average (1/5/15 min): $LOAD_BEFORE before, $LOAD_AFTER after. Training runs for iris during the bench: $RUNS (1 = no retrain interfered)."
echo
echo "| endpoint | rows/request | connections | req/s | rows/s | p50 ms | p99 ms | non-2xx |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${ROWS[@]}"
