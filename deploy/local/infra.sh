#!/usr/bin/env bash
# Local test infrastructure without Docker or an init system: RabbitMQ and PostgreSQL 15 from Debian,
# run as plain processes on 127.0.0.1, on non-default ports so that they never clash with a
# system-wide broker or database, with all state under one run directory.
#
#   deploy/local/infra.sh start    install what is missing, start both, wait until they accept connections
#   deploy/local/infra.sh stop     stop both (by recorded pid), then epmd
#   deploy/local/infra.sh status   show what runs; exit 0 only when both run
#   deploy/local/infra.sh env      print `export ...` lines: eval "$(deploy/local/infra.sh env)"
#   deploy/local/infra.sh clean    stop, then delete the run directory (fresh broker and database next start)
#   deploy/local/infra.sh packages print the Debian packages this script needs (test.sh installs them in one go)
#   deploy/local/infra.sh stop-rabbitmq|start-rabbitmq|stop-postgres|start-postgres
#                                  stop or start one server only, on the same state (faults for the chaos tests)
#   deploy/local/infra.sh queues   list the broker's queues with their message counts (e.g. what sits in *_error)
#   deploy/local/infra.sh run-rabbitmq            run the broker in the foreground until TERM/INT (the Aspire
#   deploy/local/infra.sh run-postgres [db ...]   AppHost's executable resources); run-postgres also creates
#                                                 the databases named and sets the role's password each start
#
# Settings (environment variables, defaults in brackets):
#   PLATFORM_INFRA_DIR [/tmp/platform-infra]  run directory; must be reachable by the `postgres` user
#   PLATFORM_AMQP_PORT [5673]  PLATFORM_RABBITMQ_DIST_PORT [25673]  PLATFORM_EPMD_PORT [4370]
#   PLATFORM_PG_PORT [5433]
#   PLATFORM_INFRA_TIMEOUT [120]  seconds to wait for each server to accept connections
#   PLATFORM_INFRA_PASSWORD [platform]  password of the user `platform` (the AppHost passes its secret parameter)
# The user is `platform`; the password defaults to `platform`: test infrastructure on loopback.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LOG_TAG=infra
# shellcheck source=deploy/local/lib.sh
source "$SCRIPT_DIR/lib.sh"

RUN_DIR=${PLATFORM_INFRA_DIR:-/tmp/platform-infra}
AMQP_PORT=${PLATFORM_AMQP_PORT:-5673}
DIST_PORT=${PLATFORM_RABBITMQ_DIST_PORT:-25673}
EPMD_PORT=${PLATFORM_EPMD_PORT:-4370}
PG_PORT=${PLATFORM_PG_PORT:-5433}
TIMEOUT=${PLATFORM_INFRA_TIMEOUT:-120}
USER_NAME=platform
USER_PASS=${PLATFORM_INFRA_PASSWORD:-platform}

PG_BIN=/usr/lib/postgresql/15/bin
RABBIT_BIN=/usr/lib/rabbitmq/bin   # the /usr/sbin wrappers switch user and log to /var/log: call these directly

RMQ_DIR=$RUN_DIR/rabbitmq
RMQ_NODE=platform@localhost
RMQ_WRAPPER_PID=$RMQ_DIR/server.pid   # the rabbitmq-server script: TERM makes it stop the VM gracefully
RMQ_VM_PID=$RMQ_DIR/beam.pid          # the Erlang VM itself, written by the broker (RABBITMQ_PID_FILE)
RMQ_STDOUT=$RMQ_DIR/log/stdout.log
PG_DIR=$RUN_DIR/postgres
PG_DATA=$PG_DIR/data
PG_SOCK=$PG_DIR/sock                  # own socket dir: /var/run/postgresql may not exist without an init system
PG_LOG=$PG_DIR/postgres.log
PG_PID=$RUN_DIR/postgres.pid          # outside PG_DIR, which only postgres may enter

# ---------------------------------------------------------------------------------------------------
# Process bookkeeping. A recorded pid counts only while that process still looks like ours, so a stale
# pid file (machine reused, pid recycled) never makes us skip a start or signal a stranger.
# A zombie counts as gone: without an init system that reaps orphans, a dead orphan stays one for good.
running() { # <pid>
  local state
  kill -0 "$1" 2>/dev/null || return 1
  state=$(sed -E 's/^[0-9]+ \(.*\) (.).*/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ $state != Z ]]
}

pid_alive() { # <pidfile> <substring expected in the process's command line>
  local pid
  [[ -s $1 ]] || return 1
  pid=$(<"$1")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  running "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$2"
}

wait_gone() { # <pid> <seconds>; returns 1 if it still runs afterwards
  local pid=$1 deadline=$((SECONDS + $2))
  while running "$pid"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

rabbit_running() { pid_alive "$RMQ_VM_PID" beam || pid_alive "$RMQ_WRAPPER_PID" rabbitmq-server; }
pg_running() { pid_alive "$PG_PID" postgres; }

# ---------------------------------------------------------------------------------------------------
# RabbitMQ: every command runs with its own HOME (the Erlang cookie lives in $HOME/.erlang.cookie and
# server and rabbitmqctl must share it) and its own directories and ports. HOME is changed only in the
# environment of those commands: changed for the whole script it would move e.g. the NuGet cache.
rabbit_env() {
  RABBIT_ENV=(
    HOME="$RMQ_DIR/home"
    RABBITMQ_NODENAME="$RMQ_NODE"
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
    RABBITMQ_NODE_PORT="$AMQP_PORT"
    RABBITMQ_DIST_PORT="$DIST_PORT"
    ERL_EPMD_PORT="$EPMD_PORT"
    ERL_EPMD_ADDRESS=127.0.0.1
    RABBITMQ_MNESIA_BASE="$RMQ_DIR/mnesia"
    RABBITMQ_LOG_BASE="$RMQ_DIR/log"
    RABBITMQ_CONFIG_FILE="$RMQ_DIR/rabbitmq.conf"
    RABBITMQ_ADVANCED_CONFIG_FILE="$RMQ_DIR/advanced.config"   # absent on purpose
    RABBITMQ_ENABLED_PLUGINS_FILE="$RMQ_DIR/enabled_plugins"
    RABBITMQ_CONF_ENV_FILE="$RMQ_DIR/rabbitmq-env.conf"        # keeps /etc/rabbitmq out of it
    RABBITMQ_PID_FILE="$RMQ_VM_PID"
    # Erlang distribution listens on all interfaces unless told otherwise: keep it on loopback.
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
  )
}
rabbit_env
# `env`, not exported variables: they reach only the RabbitMQ command.
rabbit() { env "${RABBIT_ENV[@]}" "$@"; }

rabbit_prepare() {
  mkdir -p "$RMQ_DIR/home" "$RMQ_DIR/mnesia" "$RMQ_DIR/log"
  # Written on every start so that changed ports take effect.
  cat >"$RMQ_DIR/rabbitmq.conf" <<EOF
listeners.tcp.default = 127.0.0.1:$AMQP_PORT
default_user = $USER_NAME
default_pass = $USER_PASS
# The default user may connect from anywhere (only loopback listens anyway).
loopback_users = none
EOF
  echo '[].' >"$RMQ_DIR/enabled_plugins"   # no management plugin: faster boot, nothing needs it
  : >"$RMQ_DIR/rabbitmq-env.conf"
  # Our own cookie, written before the broker starts so the first rabbitmqctl cannot race its creation.
  local cookie=$RMQ_DIR/home/.erlang.cookie
  if [[ ! -s $cookie ]]; then
    # od reads exactly 20 bytes (a `tr </dev/urandom | head` pipe dies of SIGPIPE under pipefail).
    (umask 077 && od -An -tx1 -N20 /dev/urandom | tr -dc '0-9a-f' | tr 'a-f' 'A-F' >"$cookie")
    chmod 400 "$cookie"
  fi
}

rabbit_launch() {
  rabbit_prepare
  rm -f "$RMQ_VM_PID"
  # setsid: its own session, so a Ctrl-C aimed at the caller does not hit the broker before the caller's
  # cleanup stops it properly. Output goes to a file so that no pipe of the caller is held open.
  # Called without the `rabbit` function so that $! is the server script itself, not a shell around it.
  if [[ ${1:-} == foreground ]]; then
    # Our caller (the AppHost) shows our output as the resource's console log.
    env "${RABBIT_ENV[@]}" setsid "$RABBIT_BIN/rabbitmq-server" </dev/null &
  else
    env "${RABBIT_ENV[@]}" setsid "$RABBIT_BIN/rabbitmq-server" </dev/null >"$RMQ_STDOUT" 2>&1 &
  fi
  echo $! >"$RMQ_WRAPPER_PID"
}

rabbit_wait() {
  local deadline=$((SECONDS + TIMEOUT)) grace=$((SECONDS + 5))
  # `rabbitmqctl await_startup` fails at once (exit 69) while the node boots: wait for the AMQP port first.
  # The grace period covers the launch itself: while env, setsid and the script exec into each other, the
  # recorded pid's command line can briefly read as neither (seen when a test restarts the broker).
  until port_open "$AMQP_PORT"; do
    if ((SECONDS > grace)); then
      pid_alive "$RMQ_WRAPPER_PID" rabbitmq-server || pid_alive "$RMQ_VM_PID" beam ||
        fail_with_logs "RabbitMQ exited during startup" rabbit
    fi
    ((SECONDS < deadline)) || fail_with_logs "RabbitMQ did not open port $AMQP_PORT within ${TIMEOUT}s" rabbit
    sleep 0.3
  done
  local left=$((deadline - SECONDS))
  ((left > 5)) || left=5
  rabbit "$RABBIT_BIN/rabbitmqctl" -q await_startup --timeout "$left" >/dev/null 2>&1 ||
    fail_with_logs "rabbitmqctl await_startup failed" rabbit
}

rabbit_stop() { # [seconds to wait for a graceful stop before killing]
  local grace=${1:-30} wrapper="" vm=""
  pid_alive "$RMQ_WRAPPER_PID" rabbitmq-server && wrapper=$(<"$RMQ_WRAPPER_PID")
  if pid_alive "$RMQ_VM_PID" beam; then
    vm=$(<"$RMQ_VM_PID")
  elif [[ -n $wrapper ]]; then
    # Early in boot the broker has not written its pid file yet: the VM is the wrapper's child.
    vm=$(pgrep -P "$wrapper" beam.smp || true)
  fi
  # The wrapper script turns TERM into a graceful stop of the VM; without a wrapper, OTP itself
  # stops cleanly on TERM. A VM still booting can take minutes to honour it: kill it after the grace.
  if [[ -n $wrapper ]]; then kill -TERM "$wrapper" 2>/dev/null || true
  elif [[ -n $vm ]]; then kill -TERM "$vm" 2>/dev/null || true; fi
  if [[ -n $vm ]] && ! wait_gone "$vm" "$grace"; then
    log "RabbitMQ VM $vm did not stop within ${grace}s: killing it"
    kill -KILL "$vm" 2>/dev/null || true
    wait_gone "$vm" 10 || true
  fi
  if [[ -n $wrapper ]] && ! wait_gone "$wrapper" 10; then
    kill -KILL "$wrapper" 2>/dev/null || true
  fi
  rm -f "$RMQ_WRAPPER_PID" "$RMQ_VM_PID"
  # epmd outlives the broker. Stop ours (on our port) only; it refuses while nodes are registered.
  local epmd
  epmd=$(command -v epmd || ls /usr/lib/erlang/bin/epmd 2>/dev/null || true)
  if [[ -n $epmd ]] && port_open "$EPMD_PORT"; then
    "$epmd" -port "$EPMD_PORT" -kill >/dev/null 2>&1 || log "epmd on port $EPMD_PORT did not stop"
  fi
}

# ---------------------------------------------------------------------------------------------------
# PostgreSQL refuses to run as root: everything runs as `postgres`, in a data directory it owns.
as_pg() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else sudo -u postgres -- "$@"; fi; }

pg_check_reachable() {
  if ! as_pg test -x "$RUN_DIR"; then
    die "the postgres user cannot reach $RUN_DIR (PLATFORM_INFRA_DIR): pick a directory outside /root, e.g. under /tmp"
  fi
}

pg_prepare() {
  if [[ ! -d $PG_DIR ]]; then
    as_root install -d -o postgres -g postgres -m 700 "$PG_DIR"
  fi
  as_pg mkdir -p "$PG_SOCK"
  if [[ ! -s $PG_DATA/PG_VERSION ]]; then
    log "initdb in $PG_DATA"
    # --no-sync: nothing here needs to survive a power cut. Password auth over TCP (what the tests use),
    # trust over our private socket (how this script creates the role).
    as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --no-sync --no-locale -E UTF8 \
      --auth-local=trust --auth-host=scram-sha-256 >"$RUN_DIR/initdb.log" 2>&1 ||
      { tail -n 30 "$RUN_DIR/initdb.log" >&2; die "initdb failed"; }
  fi
}

pg_launch() {
  pg_prepare   # initdb (first start only) runs while the broker boots
  # Durability off: a test database that loses its last seconds on a crash is fine, and this is far faster.
  # pg_ctl without -w returns at once; the wait (with our timeout and log tail) is pg_wait's job.
  as_pg setsid "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -s \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories=$PG_SOCK -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start </dev/null >/dev/null 2>&1 || fail_with_logs "pg_ctl start failed" pg
}

pg_wait() {
  local deadline=$((SECONDS + TIMEOUT)) grace=$((SECONDS + 5))
  until "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; do
    ((SECONDS < deadline)) || fail_with_logs "PostgreSQL did not accept connections within ${TIMEOUT}s" pg
    # A server that died (bad setting, port taken) should not cost the whole timeout. The grace
    # period covers the moment before the postmaster has written its pid file.
    if ((SECONDS > grace)) && ! as_pg "$PG_BIN/pg_ctl" status -D "$PG_DATA" >/dev/null 2>&1; then
      fail_with_logs "PostgreSQL exited during startup" pg
    fi
    sleep 0.2
  done
  # postmaster.pid is readable only by postgres; its first line is the postmaster's pid.
  as_pg head -n 1 "$PG_DATA/postmaster.pid" >"$PG_PID"
  pg_running || fail_with_logs "PostgreSQL accepts connections but its pid could not be recorded" pg
  # The role the tests log in as, and its default database (Npgsql connects to a database named after
  # the user when the connection string names none). SUPERUSER so tests can create their own databases.
  local psql=("$PG_BIN/psql" -h "$PG_SOCK" -p "$PG_PORT" -U postgres -d postgres -qtAX -v ON_ERROR_STOP=1)
  if [[ $(as_pg "${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = '$USER_NAME'") != 1 ]]; then
    as_pg "${psql[@]}" -c "CREATE ROLE $USER_NAME LOGIN SUPERUSER CREATEDB PASSWORD '$USER_PASS'" >/dev/null
  fi
  pg_create_databases "$USER_NAME"
}

pg_psql() { as_pg "$PG_BIN/psql" -h "$PG_SOCK" -p "$PG_PORT" -U postgres -d postgres -qtAX -v ON_ERROR_STOP=1 "$@"; }

pg_create_databases() { # <name>...
  local db
  for db in "$@"; do
    [[ $db =~ ^[a-z_][a-z0-9_]*$ ]] || die "not a plain database name: $db"
    if [[ $(pg_psql -c "SELECT 1 FROM pg_database WHERE datname = '$db'") != 1 ]]; then
      pg_psql -c "CREATE DATABASE $db OWNER $USER_NAME" >/dev/null
    fi
  done
}

pg_stop() {
  # Without a recorded pid (a start that failed before recording it), fall back to PostgreSQL's own
  # postmaster.pid; pid_alive still checks that the process is a postgres one.
  if ! pg_running && as_pg test -s "$PG_DATA/postmaster.pid" 2>/dev/null; then
    as_pg head -n 1 "$PG_DATA/postmaster.pid" >"$PG_PID"
  fi
  if pg_running; then
    local pid
    pid=$(<"$PG_PID")
    kill -INT "$pid" 2>/dev/null || true   # SIGINT = "fast" shutdown: rolls back sessions, no waiting for clients
    wait_gone "$pid" 60 || { log "PostgreSQL $pid did not stop within 60s: killing it"; kill -KILL "$pid" 2>/dev/null || true; wait_gone "$pid" 5 || true; }
  fi
  rm -f "$PG_PID"
}

# ---------------------------------------------------------------------------------------------------
fail_with_logs() { # <message> rabbit|pg
  log "ERROR: $1"
  if [[ $2 == rabbit ]]; then
    local f
    for f in "$RMQ_STDOUT" "$RMQ_DIR/log/$RMQ_NODE.log"; do
      [[ -s $f ]] && { log "--- last lines of $f"; tail -n 40 "$f" >&2; }
    done
  else
    # The log belongs to postgres and may be unreadable for a non-root caller.
    as_pg test -s "$PG_LOG" && { log "--- last lines of $PG_LOG"; as_pg tail -n 40 "$PG_LOG" >&2; }
  fi
  exit 1
}

# Leave nothing half-started behind when `start` fails anywhere (die, a failed wait, set -e):
# stop what this invocation launched, not what already ran before it.
LAUNCHED_RABBIT=0
LAUNCHED_PG=0
stop_launched_on_failure() {
  local rc=$?
  ((rc != 0)) || return 0
  ((LAUNCHED_RABBIT == 0)) || rabbit_stop 5   # a broker we just launched holds nothing worth waiting for
  ((LAUNCHED_PG == 0)) || pg_stop
  exit "$rc"
}

check_port_free() { # <port> <what>: a port held by someone else would make us wait for the wrong server
  if port_open "$1"; then
    die "port $1 ($2) is already in use by another process; set the matching PLATFORM_*_PORT variable"
  fi
}

cmd_packages() {
  local pkgs=()
  [[ -x $RABBIT_BIN/rabbitmq-server ]] || pkgs+=(rabbitmq-server)
  [[ -x $PG_BIN/postgres ]] || pkgs+=(postgresql-15)
  ((${#pkgs[@]} == 0)) || printf '%s\n' "${pkgs[@]}"
}

cmd_start() {
  local started=$SECONDS missing
  missing=$(cmd_packages)
  # shellcheck disable=SC2086 # one package name per word
  [[ -z $missing ]] || apt_install_missing $missing
  mkdir -p "$RUN_DIR"
  chmod 755 "$RUN_DIR"   # postgres must traverse it to reach its data directory

  local start_rabbit=0 start_pg=0
  if rabbit_running; then log "RabbitMQ already running"; else start_rabbit=1; fi
  if pg_running; then log "PostgreSQL already running"; else start_pg=1; fi
  if ((start_rabbit)); then
    rabbit_stop   # clears a half-dead broker or a leftover epmd from an interrupted run
    check_port_free "$AMQP_PORT" "AMQP"; check_port_free "$DIST_PORT" "Erlang distribution"; check_port_free "$EPMD_PORT" "epmd"
  fi
  ((start_pg == 0)) || { check_port_free "$PG_PORT" "PostgreSQL"; pg_check_reachable; }

  # Both boot at the same time: the broker is slower, so PostgreSQL's start and wait hide behind it.
  trap stop_launched_on_failure EXIT
  ((start_rabbit == 0)) || { LAUNCHED_RABBIT=1; rabbit_launch; }
  ((start_pg == 0)) || { LAUNCHED_PG=1; pg_launch; pg_wait; }
  ((start_rabbit == 0)) || rabbit_wait
  trap - EXIT
  if ((start_rabbit || start_pg)); then
    log "ready in $((SECONDS - started))s: AMQP 127.0.0.1:$AMQP_PORT, PostgreSQL 127.0.0.1:$PG_PORT (state in $RUN_DIR)"
  fi
}

cmd_stop() {
  rabbit_stop
  pg_stop
  log "stopped"
}

cmd_status() {
  local ok=0
  if rabbit_running; then echo "rabbitmq: running (pid $(cat "$RMQ_VM_PID" 2>/dev/null || cat "$RMQ_WRAPPER_PID"), amqp 127.0.0.1:$AMQP_PORT)"
  else echo "rabbitmq: stopped"; ok=3; fi
  if pg_running; then echo "postgres: running (pid $(<"$PG_PID"), 127.0.0.1:$PG_PORT)"
  else echo "postgres: stopped"; ok=3; fi
  return $ok
}

cmd_start_rabbitmq() {
  if rabbit_running; then log "RabbitMQ already running"; return; fi
  rabbit_stop
  check_port_free "$AMQP_PORT" "AMQP"
  rabbit_launch
  rabbit_wait
  log "RabbitMQ ready on 127.0.0.1:$AMQP_PORT"
}

cmd_start_postgres() {
  if pg_running; then log "PostgreSQL already running"; return; fi
  check_port_free "$PG_PORT" "PostgreSQL"
  pg_launch
  pg_wait
  log "PostgreSQL ready on 127.0.0.1:$PG_PORT"
}

cmd_queues() {
  rabbit_running || die "RabbitMQ is not running"
  rabbit "$RABBIT_BIN/rabbitmqctl" -q list_queues name messages
}

cmd_env() {
  echo "export RABBITMQ_URI=amqp://$USER_NAME:$USER_PASS@127.0.0.1:$AMQP_PORT/"
  echo "export POSTGRES_CONNECTION=\"Host=127.0.0.1;Port=$PG_PORT;Username=$USER_NAME;Password=$USER_PASS\""
}

cmd_clean() {
  cmd_stop
  # Guard against an override such as PLATFORM_INFRA_DIR=/ : only delete a directory we made.
  if [[ -d $RMQ_DIR || -d $PG_DIR ]]; then
    as_root rm -rf -- "$RMQ_DIR" "$PG_DIR" "$RUN_DIR/initdb.log"
    rmdir -- "$RUN_DIR" 2>/dev/null || true
  fi
}

# ---------------------------------------------------------------------------------------------------
# Foreground runs for a supervisor (the Aspire AppHost's executable resources): start, get ready, then wait;
# TERM or INT stops the server properly (a killed wrapper would leave the server running).
foreground_prepare() {
  local missing
  missing=$(cmd_packages)
  # shellcheck disable=SC2086 # one package name per word
  [[ -z $missing ]] || apt_install_missing $missing
  mkdir -p "$RUN_DIR"
  chmod 755 "$RUN_DIR"
}

cmd_run_rabbitmq() {
  foreground_prepare
  rabbit_running && die "a broker already runs from $RUN_DIR"
  rabbit_stop 5   # a leftover epmd of ours
  check_port_free "$AMQP_PORT" "AMQP"; check_port_free "$DIST_PORT" "Erlang distribution"; check_port_free "$EPMD_PORT" "epmd"
  trap 'rabbit_stop; exit 0' TERM INT
  rabbit_launch foreground
  rabbit_wait
  # default_pass applies only when the node is first created: set it on every start, like PostgreSQL's role.
  rabbit "$RABBIT_BIN/rabbitmqctl" -q change_password "$USER_NAME" "$USER_PASS" >/dev/null
  log "RabbitMQ ready on 127.0.0.1:$AMQP_PORT (state in $RMQ_DIR)"
  # `wait` returns early when a trapped signal arrives, so the trap runs at once.
  wait "$(<"$RMQ_WRAPPER_PID")" || true
  rabbit_stop 5
  die "RabbitMQ exited"
}

cmd_run_postgres() { # [database ...]
  foreground_prepare
  pg_running && die "a PostgreSQL server already runs from $RUN_DIR"
  check_port_free "$PG_PORT" "PostgreSQL"
  pg_check_reachable
  pg_prepare
  # The postmaster itself runs as a child of this shell (no pg_ctl, no daemon) so that its log is our output.
  # setpriv replaces itself with postgres (runuser would stay in between and keep the signal from it).
  local run_as=(setpriv --reuid=postgres --regid=postgres --init-groups --)
  [[ $(id -u) -eq 0 ]] || run_as=(sudo -u postgres --)
  "${run_as[@]}" "$PG_BIN/postgres" -D "$PG_DATA" -c listen_addresses=127.0.0.1 -p "$PG_PORT" \
    -c unix_socket_directories="$PG_SOCK" -c fsync=off -c synchronous_commit=off -c full_page_writes=off </dev/null &
  local postmaster=$!
  # INT is PostgreSQL's fast shutdown: it ends sessions instead of waiting for every client to leave.
  trap 'kill -INT "$postmaster" 2>/dev/null; wait_gone "$postmaster" 60 || kill -KILL "$postmaster" 2>/dev/null; rm -f "$PG_PID"; exit 0' TERM INT
  pg_wait
  # Set on every start, so a changed password parameter takes effect on an existing data directory.
  echo "ALTER ROLE $USER_NAME PASSWORD :'password'" | pg_psql -v password="$USER_PASS" >/dev/null
  pg_create_databases "$@"
  log "PostgreSQL ready on 127.0.0.1:$PG_PORT with databases: $* (state in $PG_DIR)"
  wait "$postmaster" || true
  rm -f "$PG_PID"
  die "PostgreSQL exited"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) cmd_env ;;
  clean) cmd_clean ;;
  packages) cmd_packages ;;
  stop-rabbitmq) rabbit_stop; log "RabbitMQ stopped" ;;
  start-rabbitmq) cmd_start_rabbitmq ;;
  stop-postgres) pg_stop; log "PostgreSQL stopped" ;;
  start-postgres) cmd_start_postgres ;;
  queues) cmd_queues ;;
  run-rabbitmq) cmd_run_rabbitmq ;;
  run-postgres) shift; cmd_run_postgres "$@" ;;
  *) echo "usage: $0 start|stop|status|env|clean|packages|stop-rabbitmq|start-rabbitmq|stop-postgres|start-postgres|queues|run-rabbitmq|run-postgres [db ...]" >&2; exit 2 ;;
esac
