#!/usr/bin/env bash
# Broker restart during a promotion, each service its own process over RabbitMQ and PostgreSQL (deploy/local/infra.sh).
#
#   bash bench/faults/broker-restart-promotion.sh [runs]
#
# Per run: a model gets two versions; RabbitMQ is stopped; the Registry is told to move production to the other
# version (its ModelPromoted waits in the outbox); after BROKER_DOWN_SECONDS the broker starts again. Measured: how long
# after the broker is back Inference serves the new version and Monitoring holds its reference, whether any predict
# failed meanwhile, and how many versions the Registry holds (no duplicates). Reconcile intervals are the defaults
# (30 s) unless RECONCILE_INTERVAL is set (e.g. 1.00:00:00 to see what happens without reconciliation).
# Uses the infra variables of deploy/local/infra.sh (PLATFORM_INFRA_DIR, PLATFORM_AMQP_PORT, ...); prints one line per run.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RUNS=${1:-1}
BROKER_DOWN_SECONDS=${BROKER_DOWN_SECONDS:-10}
DATA=$(mktemp -d /tmp/broker-restart-XXXXXX)
PIDS=()

log() { printf '[fault] %s\n' "$*" >&2; }
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

bash "$ROOT/deploy/local/infra.sh" start >&2
eval "$(bash "$ROOT/deploy/local/infra.sh" env)"
INFRA_DIR=${PLATFORM_INFRA_DIR:-/tmp/platform-infra}
dotnet build "$ROOT/services/Standalone" -c Release -v q -nologo >&2

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
declare -A URL
for s in ingestion training registry inference monitoring; do URL[$s]="http://127.0.0.1:$(port)"; done
RUN_ID=$(date +%s)
db() { python3 -c 'import sys; print(sys.argv[1].rstrip(";") + ";Database=" + sys.argv[2])' "$POSTGRES_CONNECTION" "$1_$RUN_ID"; }

start() { # <service> <Folder under services/> [extra KEY=VALUE...]
  local service=$1 folder=$2; shift 2
  env ASPNETCORE_URLS="${URL[$service]}" DOTNET_ENVIRONMENT=Development Auth__AllowAnonymous=true \
      ConnectionStrings__rabbitmq="$RABBITMQ_URI" \
      Services__ingestion__http__0="${URL[ingestion]}" Services__training__http__0="${URL[training]}" \
      Services__registry__http__0="${URL[registry]}" Services__inference__http__0="${URL[inference]}" \
      Services__monitoring__http__0="${URL[monitoring]}" \
      Logging__LogLevel__Default=Warning Logging__LogLevel__Platform=Information "$@" \
      dotnet "$ROOT/services/$folder/bin/Release/net10.0/Platform.$folder.dll" >"$DATA/$service.log" 2>&1 &
  PIDS+=($!)
}
: "${RECONCILE_INTERVAL:=00:00:30}"
start ingestion Ingestion ConnectionStrings__ingestiondb="$(db ingestiondb)" Ingestion__StoragePath="$DATA/ingestion"
start registry Registry ConnectionStrings__registrydb="$(db registrydb)" Registry__ArtifactsPath="$DATA/registry"
start training Training ConnectionStrings__trainingdb="$(db trainingdb)" Training__ArtifactsPath="$DATA/training" Training__Trainers__0=sdca
start monitoring Monitoring ConnectionStrings__monitoringdb="$(db monitoringdb)" Monitoring__ReconcileInterval="$RECONCILE_INTERVAL"
start inference Inference Inference__ReconcileInterval="$RECONCILE_INTERVAL"

wait_for() { # <seconds> <description> <command...>
  local deadline=$((SECONDS + $1)) what=$2; shift 2
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || { log "timed out waiting for $what (logs in $DATA)"; exit 1; }
    sleep 0.2
  done
}
for s in ingestion training registry inference monitoring; do wait_for 120 "$s to start" curl -sf "${URL[$s]}/alive"; done

SHARED=$ROOT/data; [[ -f $SHARED/diabetes_train.csv ]] || SHARED=$ROOT/../shared/data
INSTANCE='{"instances":[{"age":0.0453,"sex":-0.0446,"bmi":-0.0062,"bp":-0.0160,"s1":0.1250,"s2":0.1252,"s3":0.0192,"s4":0.0343,"s5":0.0324,"s6":-0.0052}]}'
served() { curl -s -X POST "${URL[inference]}/models/$1/predict" -H 'Content-Type: application/json' -d "$INSTANCE" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("version",""))' 2>/dev/null; }
reference() { curl -s "${URL[monitoring]}/drift/$1/reference" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("version",""))' 2>/dev/null; }
versions() { curl -s "${URL[registry]}/models/$1" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["versions"]), d["productionVersion"])' 2>/dev/null; }
has_versions() { [[ $(versions "$1" | cut -d' ' -f1) == "$2" ]]; }
serves() { [[ $(served "$1") == "$2" ]]; }
holds() { [[ $(reference "$1") == "$2" ]]; }
now() { date +%s.%N; }

for run in $(seq 1 "$RUNS"); do
  model="fault-$RUN_ID-$run"
  curl -sf -o /dev/null -X POST "${URL[ingestion]}/datasets/$model?target=target&task=regression" -H 'Content-Type: text/csv' --data-binary @"$SHARED/diabetes_train.csv"
  wait_for 300 "$model v1 to be served" serves "$model" 1
  curl -sf -o /dev/null -X POST "${URL[ingestion]}/datasets/$model?append=true" -H 'Content-Type: text/csv' --data-binary @"$SHARED/diabetes_test.csv"
  wait_for 300 "$model v2 to be registered" has_versions "$model" 2
  read -r _ production < <(versions "$model")
  target=$((3 - production))
  wait_for 120 "$model v$production to be served" serves "$model" "$production"
  wait_for 120 "Monitoring to hold v$production" holds "$model" "$production"

  # A client keeps predicting throughout; every answer's status is counted.
  ( while :; do curl -s -o /dev/null -w '%{http_code}\n' -X POST "${URL[inference]}/models/$model/predict" -H 'Content-Type: application/json' -d "$INSTANCE"; sleep 0.2; done ) >"$DATA/statuses-$run" &
  client=$!

  vm=$(cat "$INFRA_DIR/rabbitmq/beam.pid")
  kill -TERM "$(cat "$INFRA_DIR/rabbitmq/server.pid")"
  wait_for 60 "RabbitMQ to stop" bash -c "! (echo > /dev/tcp/127.0.0.1/${PLATFORM_AMQP_PORT:-5673}) 2>/dev/null"
  curl -sf -o /dev/null -X POST "${URL[registry]}/models/$model/versions/$target/promote" -H 'Content-Type: application/json' -d '{"reason":"fault test"}'
  promoted=$(now)
  # Watched from the promotion on (reconciliation needs the Registry, not the broker): the first moment each converged.
  ( wait_for 600 "Inference to serve v$target" serves "$model" "$target"; now >"$DATA/served-$run" ) &
  ( wait_for 600 "Monitoring to hold v$target" holds "$model" "$target"; now >"$DATA/reference-$run" ) &
  sleep "$BROKER_DOWN_SECONDS"
  wait_for 120 "the RabbitMQ VM to exit" bash -c "! kill -0 $vm 2>/dev/null" # a restart while it shuts down fails
  bash "$ROOT/deploy/local/infra.sh" start >&2
  up=$(now)
  wait_for 600 "Inference to serve v$target" test -s "$DATA/served-$run"; t_served=$(<"$DATA/served-$run")
  wait_for 600 "Monitoring to hold v$target" test -s "$DATA/reference-$run"; t_reference=$(<"$DATA/reference-$run")
  kill "$client"; wait "$client" 2>/dev/null || true
  failed=$(grep -vc '^200$' "$DATA/statuses-$run" || true); total=$(wc -l <"$DATA/statuses-$run")
  read -r count _ < <(versions "$model")
  printf 'run %s: broker stopped, promotion v%s -> v%s, broker started %ss later (ready after %.0f s): Inference served v%s %.1f s after the promotion (%.1f s relative to the broker being back), Monitoring held its reference after %.1f s (%.1f s); predictions %s of %s not 200; registry versions %s\n' \
    "$run" "$production" "$target" "$BROKER_DOWN_SECONDS" "$(echo "$up - $promoted - $BROKER_DOWN_SECONDS" | bc)" "$target" \
    "$(echo "$t_served - $promoted" | bc)" "$(echo "$t_served - $up" | bc)" "$(echo "$t_reference - $promoted" | bc)" "$(echo "$t_reference - $up" | bc)" "$failed" "$total" "$count"
done
grep -h "Reconciled" "$DATA"/*.log >&2 || true
