#!/usr/bin/env bash
# One-run load benchmark of the platform's serving path against its ceiling and a common peer, on loopback.
#
#   bash bench/perf/run.sh            # from the repository root (or anywhere)
#
# Targets, all up at once and measured cell by cell side by side (same wrk flags, same bodies):
#   embedded  services/Standalone as a new user runs it: every module in one process, Monitoring active (it windows
#             and drift-checks the logged predictions), SQLite, in-memory bus; it trains the iris model itself.
#   gateway   services/Inference alone, as deployed, loading that production model from the embedded host's Registry.
#   bare      bench/inference/BareKestrel: reads the body, answers constant prediction-shaped JSON (the ceiling).
#   peer      FastAPI + scikit-learn (bench/perf/peer.py, uvicorn, 2 workers, HistGradientBoosting with 100 rounds).
#   unbatched the gateway again with adaptive batching off (Inference__Batching__Enabled=false): batching measured both ways.
#   baseline  the gateway as another build made it (BENCH_BASELINE_ARTIFACTS: that build's --artifacts-path, e.g. of an
#             earlier commit exported with git archive): a change measured before/after in one run.
# Cells: 1 and 100 rows per request × BENCH_CONNECTIONS. Prints a markdown table (req/s, rows/s, p50, p99, non-2xx, and
# the target process's CPU time per request: user + system, children included, from /proc, over the cell)
# and the ratios the issue asks for, with the load average: other work on the machine makes every number
# pessimistic; the ratios come from one run.
#
# Settings: BENCH_DURATION [8s], BENCH_CONNECTIONS ["1 16 64"], BENCH_ROWS ["1 100"], BENCH_TARGETS ["embedded gateway unbatched bare peer"],
#           BENCH_PYTHON [/usr/bin/python3], BENCH_TRAINER [lightgbm], BENCH_PORT [5280] (+1 bare, +2 gateway, +3 peer),
#           BENCH_ARTIFACTS [/tmp/bench-perf-artifacts], BENCH_GATEWAY_ENV / BENCH_EMBEDDED_ENV (extra VAR=value
#           settings for those two hosts, e.g. "Inference__Batching__Enabled=false"; every gateway gets its own
#           prediction-log spool folder), PLATFORM_SHARED_DATA [data/],
#           BENCH_SETTLE [60] (most seconds to wait before a cell for the targets to go idle, see settle below),
#           BENCH_WARMUP [8s] (per target and body before the cells), BENCH_EMBEDDED_WARMUP [30s] (the same for the
#           embedded default, whose modules have more code to tier up), BENCH_BASELINE_ARTIFACTS, BENCH_BASELINE_ENV
#           (the baseline's settings; default BENCH_GATEWAY_ENV; e.g. "Inference__LogSpoolPath=" with this build as the
#           baseline measures the prediction-log spool on and off), BENCH_TRACE* (below).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$ROOT/bench/perf
DURATION=${BENCH_DURATION:-8s}
CONNECTIONS=${BENCH_CONNECTIONS:-"1 16 64"}
TARGETS=${BENCH_TARGETS:-"embedded gateway unbatched bare peer"}
TRAINER=${BENCH_TRAINER:-lightgbm}
PORT=${BENCH_PORT:-5280}
ARTIFACTS=${BENCH_ARTIFACTS:-/tmp/bench-perf-artifacts}
DATA=${PLATFORM_SHARED_DATA:-$ROOT/data}
PYTHON=${BENCH_PYTHON:-/usr/bin/python3} # Debian's, where python3-sklearn and python3-fastapi install
read -r -a GATEWAY_ENV <<<"${BENCH_GATEWAY_ENV:-}"
read -r -a EMBEDDED_ENV <<<"${BENCH_EMBEDDED_ENV:-}"
# The baseline gateway takes BENCH_GATEWAY_ENV too, unless BENCH_BASELINE_ENV is set (even empty): a setting measured
# against the same build without it (BENCH_BASELINE_ARTIFACTS=$BENCH_ARTIFACTS, BENCH_GATEWAY_ENV=the setting, BENCH_BASELINE_ENV=).
read -r -a BASELINE_ENV <<<"${BENCH_BASELINE_ENV-${BENCH_GATEWAY_ENV:-}}"
# Profiling with perf (BENCH_TRACE, below) needs the JIT's symbol maps.
# (W^X off: with it, JIT-compiled code runs from a double mapping perf cannot attribute).
[[ -n ${BENCH_TRACE:-} ]] && GATEWAY_ENV+=(DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0) \
  && EMBEDDED_ENV+=(DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0) && BASELINE_ENV+=(DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0)
WORK=$(mktemp -d /tmp/bench-perf.XXXXXX)
KEY=bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
PIDS=()
ROW_COUNTS=${BENCH_ROWS:-"1 100"}
SETTLE=${BENCH_SETTLE:-60}
WARMUP=${BENCH_WARMUP:-8s}
EMBEDDED_WARMUP=${BENCH_EMBEDDED_WARMUP:-30s}
declare -A PORTS=([embedded]=$PORT [bare]=$((PORT + 1)) [gateway]=$((PORT + 2)) [peer]=$((PORT + 3)) [unbatched]=$((PORT + 4)) [baseline]=$((PORT + 5)))
declare -A PID_OF=()
declare -A PATHS=([embedded]=/models/iris/predict [gateway]=/models/iris/predict [bare]=/predict [peer]=/models/iris/predict [unbatched]=/models/iris/predict [baseline]=/models/iris/predict)
BASELINE=${BENCH_BASELINE_ARTIFACTS:-}

log() { echo "[bench $(date -u +%H:%M:%S)] $*" >&2; }
cleanup() {
  # TERM first; a host still stopping after 15 s is killed. Only the processes this script started.
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
for port in "${PORTS[@]}"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then log "port $port is in use (set BENCH_PORT)"; exit 1; fi
done

# Tools: wrk and the peer's stack from Debian.
missing=()
command -v wrk >/dev/null || missing+=(wrk)
[[ " $TARGETS " == *" peer "* ]] && ! "$PYTHON" -c 'import sklearn, fastapi, uvicorn' 2>/dev/null && missing+=(python3-sklearn python3-fastapi uvicorn)
if ((${#missing[@]})); then
  log "installing ${missing[*]} from Debian"
  apt-get install -y --no-install-recommends --no-upgrade "${missing[@]}" >/dev/null 2>&1 \
    || { apt-get update >/dev/null && apt-get install -y --no-install-recommends --no-upgrade "${missing[@]}" >/dev/null; }
fi

cd "$ROOT"
log "building (Release) into $ARTIFACTS"
dotnet build services/Standalone -c Release --artifacts-path "$ARTIFACTS" -v quiet -nologo </dev/null >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
dotnet build bench/inference/BareKestrel -c Release --artifacts-path "$ARTIFACTS" -v quiet -nologo </dev/null >>"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }

wait_for() { # url, seconds, what, curl args...
  local deadline=$((SECONDS + $2))
  until [[ $(curl -s -o /dev/null -w '%{http_code}' "${@:4}" "$1") == 200 ]]; do
    ((SECONDS < deadline)) || { log "timed out waiting for $3"; exit 1; }
    sleep 1
  done
}

# The bench's key may send far more than a key's default predict allowance (200k per 10 s): a 429 costs less than a
# prediction, and answered refusals would flatter req/s (the non-2xx column counts any that remain).
ALLOWANCE=(RateLimits__Predict__PermitLimit=2000000000)

# The embedded default trains the model everything else serves (it is needed by the gateway's Registry even when
# embedded is not measured).
log "starting the embedded default on 127.0.0.1:${PORTS[embedded]} (trainer $TRAINER)"
(cd "$WORK" && exec env ASPNETCORE_URLS="http://127.0.0.1:${PORTS[embedded]}" ASPNETCORE_ENVIRONMENT=Production \
  Standalone__DataPath="$WORK/data" "Auth__Keys__$KEY=consumer,producer,operator,reader" \
  Training__Trainers__0="$TRAINER" Monitoring__MaxRetrainsPerDay=1 Monitoring__Cooldown=1.00:00:00 \
  "${ALLOWANCE[@]}" MASSTRANSIT_USAGE_TELEMETRY=false "${EMBEDDED_ENV[@]}" \
  dotnet "$ARTIFACTS/bin/Platform.Standalone/release/Platform.Standalone.dll" >"$WORK/embedded.log" 2>&1) &
PIDS+=($!)
PID_OF[embedded]=$!
wait_for "http://127.0.0.1:${PORTS[embedded]}/alive" 120 "the embedded default to start"

log "uploading iris.csv; waiting for the trained model to be served"
curl -sf -X POST "http://127.0.0.1:${PORTS[embedded]}/datasets/iris?target=species&task=multiclass" -H "X-Api-Key: $KEY" \
  -H "Content-Type: text/csv" --data-binary "@$DATA/iris.csv" >/dev/null
python3 "$ROOT/bench/inference/bodies.py" "$DATA/iris.csv" "$WORK"
wait_for "http://127.0.0.1:${PORTS[embedded]}/models/iris/predict" 600 "the iris model to be served" \
  -X POST -H "X-Api-Key: $KEY" -H "Content-Type: application/json" --data-binary "$(head -1 "$WORK/one.jsonl")"
MODEL=$(curl -s -H "X-Api-Key: $KEY" "http://127.0.0.1:${PORTS[embedded]}/models/iris" | python3 -c '
import json, sys
m = json.load(sys.stdin); v = next(v for v in m["versions"] if v["version"] == m["productionVersion"])
print("iris v%s: %s, %s %.3f on the holdout" % (v["version"], v["trainer"], v["primaryMetric"], v["holdoutMetric"]))')
log "served: $MODEL"

start_gateway() { # target, extra settings...
  local artifacts=$ARTIFACTS
  [[ $1 == baseline ]] && artifacts=$BASELINE
  log "starting the gateway alone ($1, from $artifacts) on 127.0.0.1:${PORTS[$1]}"
  (cd "$WORK" && exec env ASPNETCORE_URLS="http://127.0.0.1:${PORTS[$1]}" ASPNETCORE_ENVIRONMENT=Production \
    Messaging__Transport=InMemory Services__registry__http__0="http://127.0.0.1:${PORTS[embedded]}" "Auth__Keys__$KEY=consumer" \
    Platform__ServiceKey="$KEY" "${ALLOWANCE[@]}" MASSTRANSIT_USAGE_TELEMETRY=false \
    Inference__LogSpoolPath="$WORK/spool-$1" "${@:2}" \
    dotnet "$artifacts/bin/Platform.Inference/release/Platform.Inference.dll" >"$WORK/$1.log" 2>&1) &
  PIDS+=($!)
  PID_OF[$1]=$!
  wait_for "http://127.0.0.1:${PORTS[$1]}/health" 120 "the gateway ($1) to load the model"
}
# gateway: as configured by default (adaptive batching on); unbatched: the same with batching off, to measure both ways.
[[ " $TARGETS " == *" gateway "* ]] && start_gateway gateway "${GATEWAY_ENV[@]}"
[[ " $TARGETS " == *" unbatched "* ]] && start_gateway unbatched Inference__Batching__Enabled=false "${GATEWAY_ENV[@]}"
if [[ " $TARGETS " == *" baseline "* ]]; then
  [[ -f $BASELINE/bin/Platform.Inference/release/Platform.Inference.dll ]] || { log "baseline: set BENCH_BASELINE_ARTIFACTS to another build's --artifacts-path"; exit 1; }
  start_gateway baseline "${BASELINE_ENV[@]}"
fi
if [[ " $TARGETS " == *" bare "* ]]; then
  (cd "$WORK" && exec env ASPNETCORE_URLS="http://127.0.0.1:${PORTS[bare]}" \
    dotnet "$ARTIFACTS/bin/BareKestrel/release/BareKestrel.dll" >"$WORK/bare.log" 2>&1) &
  PIDS+=($!)
  PID_OF[bare]=$!
  wait_for "http://127.0.0.1:${PORTS[bare]}/predict" 60 "BareKestrel" -X POST --data-binary '{}'
fi
if [[ " $TARGETS " == *" peer "* ]]; then
  log "starting the FastAPI + scikit-learn peer on 127.0.0.1:${PORTS[peer]} (2 workers)"
  (cd "$WORK" && exec env BENCH_IRIS="$DATA/iris.csv" "$PYTHON" -m uvicorn --app-dir "$HERE" peer:app --workers 2 \
    --host 127.0.0.1 --port "${PORTS[peer]}" --log-level warning --no-access-log >"$WORK/peer.log" 2>&1) &
  PIDS+=($!)
  PID_OF[peer]=$!
  wait_for "http://127.0.0.1:${PORTS[peer]}/models/iris/predict" 120 "the peer" \
    -X POST -H "Content-Type: application/json" --data-binary "$(head -1 "$WORK/one.jsonl")"
fi

to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }
# CPU time (user + system, clock ticks) of one process, and of its children for the peer's uvicorn workers.
process_ticks() { local pid=$1 total=0 child; [[ -r /proc/$pid/stat ]] || { echo 0; return; }
  total=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
  for child in $(cat "/proc/$pid/task/"*/children 2>/dev/null); do total=$((total + $(process_ticks "$child"))); done
  echo "$total"; }
run_wrk() { # url, bodies file, connections, duration, pid of the target -> "req/s p50 p99 non2xx cpu-µs-per-request"
  local threads=$(($3 < 2 ? 1 : 2)) out rps p50 p99 errors requests before after
  before=$(process_ticks "$5")
  out=$(BENCH_KEY=$KEY BENCH_BODIES=$2 wrk -t"$threads" -c"$3" -d"$4" --latency -s "$ROOT/bench/inference/request.lua" "$1")
  after=$(process_ticks "$5")
  rps=$(awk '/^Requests\/sec/ { printf "%.0f", $2 }' <<<"$out")
  p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
  errors=$(awk '/Non-2xx/ { print $NF }' <<<"$out")
  requests=$(awk '/requests in/ { print $1 }' <<<"$out")
  echo "$rps $p50 $p99 ${errors:-0} $(awk -v t=$((after - before)) -v n="${requests:-0}" -v hz="$(getconf CLK_TCK)" 'BEGIN { if (n > 0) printf "%.0f", t * 1e6 / hz / n; else print "n/a" }')"
}
url_of() { echo "http://127.0.0.1:${PORTS[$1]}${PATHS[$1]}"; }
bodies_of() { echo "$WORK/$([[ $1 == 1 ]] && echo one || echo hundred).jsonl"; } # rows per request -> bodies file

# Before each cell, wait (at most BENCH_SETTLE s) until the targets together use under a tenth of a core. The embedded
# default goes on working after its own cell (Monitoring windows and drift-checks the rows it just logged: measured,
# ~0.4 of a core for ~7 s after 30k predictions), and without this wait that work landed in the next cell, the
# gateway's, every time: the batched gateway then looked 0.6x the unbatched one, which runs after it.
cpu_ticks() { local total=0 pid; for pid in "${PIDS[@]}"; do [[ -r /proc/$pid/stat ]] && total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat"))); done; echo "$total"; }
SETTLE_MAX=0
settle() {
  local started=$SECONDS limit=$(($(getconf CLK_TCK) / 10)) before after
  while ((SECONDS - started < SETTLE)); do
    before=$(cpu_ticks); sleep 1; after=$(cpu_ticks)
    ((after - before <= limit)) && break
  done
  ((SECONDS - started > SETTLE_MAX)) && SETTLE_MAX=$((SECONDS - started))
  return 0
}

# BENCH_TRACE="gateway ...": a CPU profile of those targets' cells, 2 s into the cell for BENCH_TRACE_SECONDS [5], into
# BENCH_TRACE_DIR. BENCH_TRACE_TOOL=perf (default when installed: on-CPU samples, native frames such as ONNX Runtime's
# included; the .NET hosts then run with DOTNET_PerfMapEnabled=1 so JIT-compiled frames have names) or dotnet-trace
# (sampled thread time, managed frames only, speedscope file). Profiling costs the traced process CPU: read those
# cells' numbers as the profile's context, not as results.
TRACE_TARGETS=${BENCH_TRACE:-}
TRACE_DIR=${BENCH_TRACE_DIR:-/tmp/bench-perf-traces}
TRACE_SECONDS=${BENCH_TRACE_SECONDS:-5}
TRACE_TOOL=${BENCH_TRACE_TOOL:-$(command -v perf >/dev/null && echo perf || echo dotnet-trace)}
TRACE_PIDS=()
trace_cell() { # target, name
  mkdir -p "$TRACE_DIR"
  if [[ $TRACE_TOOL == perf ]]; then
    (sleep 2 && exec perf record -F 499 -g -p "${PID_OF[$1]}" -o "$TRACE_DIR/$2.perf.data" -- sleep "$TRACE_SECONDS" >"$TRACE_DIR/$2.log" 2>&1) &
  else
    local tracer; tracer=$(command -v dotnet-trace || echo "$HOME/.dotnet/tools/dotnet-trace")
    (sleep 2 && exec "$tracer" collect -p "${PID_OF[$1]}" --profile dotnet-sampled-thread-time --format Speedscope \
      --duration "00:00:00:$(printf '%02d' "$TRACE_SECONDS")" -o "$TRACE_DIR/$2.nettrace" >"$TRACE_DIR/$2.log" 2>&1) &
  fi
  TRACE_PIDS+=($!)
}
wait_traces() { ((${#TRACE_PIDS[@]})) && wait "${TRACE_PIDS[@]}" || true; TRACE_PIDS=(); }

# Every body the cells send, BENCH_WARMUP [8s] each, so that the cells measure code the JIT has already tiered up: with
# 3 s of single rows only, a first 100-row cell spent 12-19% of the gateway's CPU in tiered compilation (perf, load 25).
# The embedded default runs Monitoring's code too (windows close every 1,000 rows): 2 s into a single-row cell after
# 8 s of warm-up, its tiered-compilation thread still took 22.6% of the process's CPU samples; after 30 s, 2.1%.
log "warming up"
for target in $TARGETS; do
  warmup=$WARMUP
  [[ $target == embedded ]] && warmup=$EMBEDDED_WARMUP
  for n in $ROW_COUNTS; do run_wrk "$(url_of "$target")" "$(bodies_of "$n")" 16 "$warmup" 0 >/dev/null; done
done

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A RPS P99 CPU
ROWS=()
for n in $ROW_COUNTS; do
  for c in $CONNECTIONS; do
    for target in $TARGETS; do
      settle
      log "$target, $n row(s), $c connection(s), $DURATION"
      [[ " $TRACE_TARGETS " == *" $target "* ]] && trace_cell "$target" "$target-$n-rows-$c-connections"
      read -r rps p50 p99 errors cpu < <(run_wrk "$(url_of "$target")" "$(bodies_of "$n")" "$c" "$DURATION" "${PID_OF[$target]:-0}")
      wait_traces
      RPS[$target,$n,$c]=$rps
      P99[$target,$n,$c]=$p99
      CPU[$target,$n,$c]=$cpu
      ROWS+=("| $target | $n | $c | $rps | $((rps * n)) | $p50 | $p99 | $errors | $cpu |")
    done
  done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
# How long the targets went on working after the last cell (the embedded default: Monitoring taking in what it logged).
TAIL_STARTED=$SECONDS
settle
TAIL=$((SECONDS - TAIL_STARTED))
RUNS=$(curl -s -H "X-Api-Key: $KEY" "http://127.0.0.1:${PORTS[embedded]}/runs?model=iris" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' || echo '?')
WINDOWS=$(curl -s -H "X-Api-Key: $KEY" "http://127.0.0.1:${PORTS[embedded]}/drift/iris" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d) if isinstance(d, list) else len(d.get("windows", d.get("reports", []))))' 2>/dev/null || echo '?')

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'; }
echo
echo "### Serving: embedded default, gateway alone, bare Kestrel, FastAPI + scikit-learn ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'))"
echo
echo "Model: $MODEL. wrk $DURATION per cell, loopback, keep-alive; all targets up during the whole run."
echo "Load average (1/5/15 min): $LOAD_BEFORE before, $LOAD_AFTER after (other work shares the cores: absolute numbers are pessimistic, ratios are side by side)."
echo "Each cell started once the targets were idle (under 0.1 core; longest wait ${SETTLE_MAX} s, at most $SETTLE s); after the last cell they were idle after ${TAIL} s."
echo "Embedded default: training runs for iris at the end $RUNS (1 = no retrain interfered); drift windows closed during the run: $WINDOWS."
echo
echo "| target | rows/request | connections | req/s | rows/s | p50 ms | p99 ms | non-2xx | CPU µs/request |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${ROWS[@]}"
echo
echo "| ratio | rows/request | connections | value |"
echo "|---|---:|---:|---:|"
for n in $ROW_COUNTS; do
  for c in $CONNECTIONS; do
    echo "| embedded req/s ÷ peer req/s | $n | $c | $(ratio "${RPS[embedded,$n,$c]:-}" "${RPS[peer,$n,$c]:-}") |"
    echo "| embedded p99 ÷ bare p99 | $n | $c | $(ratio "${P99[embedded,$n,$c]:-}" "${P99[bare,$n,$c]:-}") |"
    echo "| gateway req/s ÷ bare req/s | $n | $c | $(ratio "${RPS[gateway,$n,$c]:-}" "${RPS[bare,$n,$c]:-}") |"
    echo "| gateway p99 ÷ bare p99 | $n | $c | $(ratio "${P99[gateway,$n,$c]:-}" "${P99[bare,$n,$c]:-}") |"
    # if, not &&: a target left out must not make the script's status a failure.
    if [[ -n ${RPS[unbatched,$n,$c]:-} ]]; then
      echo "| gateway req/s ÷ unbatched gateway req/s | $n | $c | $(ratio "${RPS[gateway,$n,$c]:-}" "${RPS[unbatched,$n,$c]:-}") |"
    fi
    if [[ -n ${RPS[baseline,$n,$c]:-} ]]; then
      echo "| gateway req/s ÷ baseline gateway req/s | $n | $c | $(ratio "${RPS[gateway,$n,$c]:-}" "${RPS[baseline,$n,$c]:-}") |"
      echo "| gateway CPU/request ÷ baseline CPU/request | $n | $c | $(ratio "${CPU[gateway,$n,$c]:-}" "${CPU[baseline,$n,$c]:-}") |"
    fi
  done
done
