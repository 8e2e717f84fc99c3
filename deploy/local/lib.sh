# Helpers shared by infra.sh and test.sh. Sourced, not run.
# shellcheck shell=bash

log() { printf '[%s] %s\n' "${LOG_TAG:-local}" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Run a command as root: directly when we are root (CI, these machines), through sudo otherwise.
as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

# True when dpkg reports the package as installed.
deb_installed() {
  [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) == "install ok installed" ]]
}

# Install the given Debian packages that are not installed yet.
# `apt-get update` runs at most once per run, even across scripts: PLATFORM_APT_UPDATED is exported
# so that infra.sh called from test.sh does not refresh the lists a second time.
# --no-upgrade keeps apt from upgrading packages already there (e.g. PostgreSQL), which would be slow
# and could change versions under us.
apt_install_missing() {
  local missing=() pkg
  for pkg in "$@"; do deb_installed "$pkg" || missing+=("$pkg"); done
  ((${#missing[@]})) || return 0
  log "installing from Debian: ${missing[*]}"
  if [[ ${PLATFORM_APT_UPDATED:-} != 1 ]]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    export PLATFORM_APT_UPDATED=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends --no-upgrade "${missing[@]}" >/dev/null
}

# True when something accepts TCP connections on 127.0.0.1:$1 (bash's /dev/tcp; no extra tools needed).
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
