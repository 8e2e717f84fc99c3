#!/usr/bin/env bash
# The project's test command:  bash deploy/local/test.sh [extra dotnet test arguments, e.g. --filter X]
#
# 1. installs from Debian what the tests need and is missing (one `apt-get update` at most);
# 2. builds the CI solution filter (Release);
# 3. starts RabbitMQ and PostgreSQL on loopback (deploy/local/infra.sh) unless they already run, and
#    exports RABBITMQ_URI / POSTGRES_CONNECTION so the tests use them instead of Testcontainers;
# 4. runs `dotnet test`, streaming its output (extra arguments of this script go to it);
# 5. stops the servers it started, then prints as its LAST line:  N passed, N failed, N skipped
#    (totals over every TRX file of the run). Exit code 0 only when nothing failed.
#
# Counting rules for a red run without a failed test to show for it, so that the closing line never
# reads "0 failed" for it: a build error (the build runs first), a missing target, or a failure to
# install or start the servers prints "0 passed, 1 failed, 0 skipped"; a `dotnet test` that exits
# non-zero while its TRX files hold no failed test (crashed or hung test host, no TRX written) is
# counted as 1 failed on top of what passed.
#
# Settings (environment variables):
#   PLATFORM_TEST_TARGET        .sln/.slnf/.csproj to test [Platform.Ci.slnf at the repository root]
#   PLATFORM_TEST_RESULTS       directory for the TRX files, relative to the repository root
#                               [TestResults/local, emptied at each run]
#   PLATFORM_TEST_HANG_TIMEOUT  a test running longer than this aborts its test host [15m]
#   PLATFORM_SHARED_DATA        datasets folder [the repository's data/, found by the tests themselves]
#   plus infra.sh's PLATFORM_INFRA_DIR and PLATFORM_*_PORT settings.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
INFRA=$SCRIPT_DIR/infra.sh
LOG_TAG=test
# shellcheck source=deploy/local/lib.sh
source "$SCRIPT_DIR/lib.sh"

# Resolve a target given relative to the caller's directory before moving to the repository root
# (the root's global.json must govern which SDK runs).
TARGET=${PLATFORM_TEST_TARGET:-$ROOT/Platform.Ci.slnf}
[[ $TARGET == /* ]] || TARGET=$PWD/$TARGET
cd "$ROOT"

if [[ -n ${PLATFORM_TEST_RESULTS:-} ]]; then
  RESULTS=$PLATFORM_TEST_RESULTS
else
  RESULTS=$ROOT/TestResults/local
  rm -rf "$RESULTS"   # our own directory: old TRX files must not be counted again
fi
mkdir -p "$RESULTS"
# Only TRX files written after this stamp count (matters when PLATFORM_TEST_RESULTS is reused).
STAMP=$(mktemp)

# ---------------------------------------------------------------------------------------------------
# Servers this script started are stopped however it ends. A failure before the tests still ends with
# the closing line (fail_before_tests), so that CI always sees a count.
INFRA_STARTED=0
cleanup() {
  if ((INFRA_STARTED)); then
    INFRA_STARTED=0
    bash "$INFRA" stop || log "stopping the infrastructure failed"
  fi
}
trap 'cleanup; rm -f "$STAMP"' EXIT
# Bash runs the EXIT trap on `exit`, not when a signal kills it: turn the usual signals into exits.
trap 'exit 130' INT
trap 'exit 143' TERM

fail_before_tests() {
  log "ERROR: $*"
  cleanup
  rm -f "$STAMP"
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
}

# ---------------------------------------------------------------------------------------------------
# Two test runs on one machine would share the servers, and the first to finish would stop them under
# the other: runs with the same run directory wait for each other. Every long-lived child gets `9>&-`
# (servers, MSBuild/compiler build servers) so that none of them keeps holding the lock after we exit.
exec 9>"${PLATFORM_INFRA_DIR:-/tmp/platform-infra}.lock"
if ! flock -n 9; then
  log "another test run uses ${PLATFORM_INFRA_DIR:-/tmp/platform-infra}: waiting for it to finish"
  flock -w 3600 9 || fail_before_tests "gave up waiting for the other test run"
fi

# 1. Packages. The tests call /usr/bin/python3 with onnx/numpy/scipy (Debian's, not pip's), the AppHost test Chromium; the operations tests
# run prometheus/promtool, amtool and `kubectl kustomize` on deploy/. The infrastructure's own packages are
# installed in the same apt-get call to pay for one update only.
TEST_PACKAGES=(python3-onnx python3-scipy python3-numpy chromium prometheus prometheus-alertmanager)
# Debian's kubectl (kubernetes-client) only where no other kubectl is installed: it would conflict with, e.g., Google Cloud's.
command -v kubectl >/dev/null 2>&1 || TEST_PACKAGES+=(kubernetes-client)
# shellcheck disable=SC2207 # one package name per line
INFRA_PACKAGES=($(bash "$INFRA" packages))
apt_install_missing "${TEST_PACKAGES[@]}" "${INFRA_PACKAGES[@]}" 9>&- ||
  fail_before_tests "installing ${TEST_PACKAGES[*]} ${INFRA_PACKAGES[*]} failed"

# 2. Build, then (4.) test. Building first makes a compile error unambiguous: with a single `dotnet test`
# the projects that did build still run, and their results would hide the broken one in the count.
# Building before starting the servers: a broken build costs no server start.
[[ -e $TARGET ]] || fail_before_tests "test target $TARGET does not exist (set PLATFORM_TEST_TARGET)"
log "dotnet build $TARGET"
dotnet build "$TARGET" -c Release </dev/null 9>&- || fail_before_tests "the build failed (see the errors above); no test ran"

# 3. Infrastructure. Servers someone already started (e.g. by hand while developing) are used and left
# running; otherwise we start them from a clean state (no queues or databases left over from an
# earlier run) and stop them at the end.
if bash "$INFRA" status >/dev/null 2>&1; then
  log "using the RabbitMQ and PostgreSQL that already run (left running afterwards)"
else
  bash "$INFRA" clean >/dev/null 2>&1 9>&- || true
  INFRA_STARTED=1
  bash "$INFRA" start 9>&- || fail_before_tests "could not start RabbitMQ/PostgreSQL (see above)"
fi
eval "$(bash "$INFRA" env)"
export MASSTRANSIT_USAGE_TELEMETRY=false DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# 4. Tests. The hang timeout turns a stuck test into a failure instead of eating CI's time limit. Test assemblies
# run one at a time (-m:1): several of them host services on the same broker, where one suite's events would reach
# another suite's consumers, and on two cores running them side by side gains nothing.
log "dotnet test $TARGET (results in $RESULTS)"
set +e
dotnet test "$TARGET" -c Release --no-build -m:1 \
  --logger "trx;LogFilePrefix=results" --results-directory "$RESULTS" \
  --blame-hang-timeout "${PLATFORM_TEST_HANG_TIMEOUT:-15m}" --blame-hang-dump-type none \
  "$@" </dev/null 9>&-
DOTNET_RC=$?
set -e

cleanup   # stop the servers now, so that nothing prints after the closing line
trap - EXIT

# 5. Count. Each TRX is one test assembly. Its top-level UnitTestResult elements are counted by outcome
# (xUnit's skipped tests show there as NotExecuted while ResultSummary/Counters leaves notExecuted at 0);
# Counters is the fallback for a TRX without results.
PYTHON=/usr/bin/python3
[[ -x $PYTHON ]] || PYTHON=python3
mapfile -t TRX_FILES < <(find "$RESULTS" -name '*.trx' -newer "$STAMP" 2>/dev/null | sort)
rm -f "$STAMP"
read -r PASSED FAILED SKIPPED < <("$PYTHON" - "${TRX_FILES[@]}" <<'EOF'
import sys
import xml.etree.ElementTree as ET

PASSED = {"Passed", "PassedButRunAborted"}
SKIPPED = {"NotExecuted", "Inconclusive", "NotRunnable", "Pending"}
# Anything else (Failed, Error, Timeout, Aborted, Disconnected, InProgress, unknown) counts as failed.

totals = [0, 0, 0]
failed_names = []
for path in sys.argv[1:]:
    counts = [0, 0, 0]
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:  # a half-written TRX (host killed mid-write) is a failure, not a crash here
        print(f"  {path}: unreadable TRX ({e})", file=sys.stderr)
        totals[1] += 1
        continue
    ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""
    results = root.find(f"{ns}Results")
    units = results.findall(f"{ns}UnitTestResult") if results is not None else []
    for r in units:
        outcome = r.get("outcome", "")
        if outcome in PASSED:
            counts[0] += 1
        elif outcome in SKIPPED:
            counts[2] += 1
        else:
            counts[1] += 1
            failed_names.append(r.get("testName", "?"))
    if not units:
        c = root.find(f"{ns}ResultSummary/{ns}Counters")
        if c is not None:
            n = lambda k: int(c.get(k, "0") or 0)
            counts = [n("passed"), n("failed") + n("error") + n("timeout") + n("aborted"), n("notExecuted")]
    storage = {u.get("storage") for u in root.iter(f"{ns}UnitTest") if u.get("storage")}
    name = ", ".join(sorted(s.rsplit("/", 1)[-1] for s in storage)) or path.rsplit("/", 1)[-1]
    # Deliberately not in the "N passed, N failed" shape: only the closing line may look like that.
    print(f"  {name}: passed {counts[0]}, failed {counts[1]}, skipped {counts[2]}", file=sys.stderr)
    totals = [a + b for a, b in zip(totals, counts)]
if failed_names:
    print("failed tests:", file=sys.stderr)
    for t in failed_names[:50]:
        print(f"  {t}", file=sys.stderr)
    if len(failed_names) > 50:
        print(f"  ... and {len(failed_names) - 50} more", file=sys.stderr)
print(*totals)
EOF
)
log "${#TRX_FILES[@]} TRX file(s), dotnet test exit code $DOTNET_RC"
if [[ -z ${SKIPPED:-} ]]; then
  log "ERROR: counting the TRX files failed"
  PASSED=${PASSED:-0} FAILED=1 SKIPPED=0
fi

if ((DOTNET_RC != 0 && FAILED == 0)); then
  log "dotnet test failed without a failed test in the TRX files (crashed or hung test host?): counted as 1 failed"
  FAILED=1
fi
if ((PASSED + FAILED + SKIPPED == 0)); then
  log "WARNING: no test ran"
fi
echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
((FAILED == 0))
