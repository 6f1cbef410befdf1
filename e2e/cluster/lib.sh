# shellcheck shell=bash
# shellcheck disable=SC2034 # variables are used by the scripts that source this file
# Shared settings and helpers for up.sh, down.sh, services.sh and with-cluster.sh. Source it, don't run it.

E2E_CLUSTER_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$E2E_CLUSTER_SCRIPTS/../.." && pwd)
# shellcheck source=versions.sh
source "$E2E_CLUSTER_SCRIPTS/versions.sh"

CACHE=${FERROFLUX_CACHE:-$HOME/.cache/ferroflux}
CLUSTER_DIR=${FERROFLUX_CLUSTER_DIR:-$REPO_ROOT/.cluster}
PKI=$CLUSTER_DIR/pki
LOGS=$CLUSTER_DIR/logs
RUN=$CLUSTER_DIR/run # pidfiles, sockets

# Fixed loopback ports, base + offset (FERROFLUX_PORT_BASE moves all of them, e.g. for a second clone).
PORT_BASE=${FERROFLUX_PORT_BASE:-24000}
declare -A PORTS=(
  [etcd]=$((PORT_BASE + 379))
  [etcd-peer]=$((PORT_BASE + 380))
  [kube-apiserver]=$((PORT_BASE + 443))
  [kube-controller-manager]=$((PORT_BASE + 257))
  [kube-scheduler]=$((PORT_BASE + 259))
  [kwok]=$((PORT_BASE + 247))
  [git-http]=$((PORT_BASE + 480))
  [git-https]=$((PORT_BASE + 483))
  [sshd]=$((PORT_BASE + 422))
  [registry]=$((PORT_BASE + 500))
  [registry-auth]=$((PORT_BASE + 501))
)
CLUSTER_COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)
SERVICE_COMPONENTS=(fcgiwrap nginx sshd registry registry-auth)
# Executable names we may ever start; the pattern fallback in down.sh never touches anything else.
OUR_EXES=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok nginx fcgiwrap sshd docker-registry)

KUBECONFIG_ADMIN=$CLUSTER_DIR/kubeconfig
NODE_COUNT=${FERROFLUX_NODES:-3}

log() { echo "[$(date +%T)] $(basename "$0"): $*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

# now_ms: milliseconds since the epoch; elapsed_since START_MS: "12.3s".
now_ms() { echo $((${EPOCHREALTIME/./} / 1000)); }
elapsed_since() {
  local ms=$(($(now_ms) - $1))
  printf '%d.%ds' $((ms / 1000)) $((ms % 1000 / 100))
}

# bin NAME -> path of a Go-built component in the cache.
bin() {
  local v
  case $1 in
    etcd) v=$ETCD_VERSION ;;
    kwok) v=$KWOK_VERSION ;;
    *) v=$KUBERNETES_VERSION ;;
  esac
  echo "$CACHE/bin/$1-$v/$1"
}

# pid_alive NAME: the pidfile's process is alive (and not a zombie).
pid_alive() {
  local f=$RUN/$1.pid pid
  [ -f "$f" ] || return 1
  pid=$(cat "$f")
  [ -n "$pid" ] && [ -d "/proc/$pid" ] && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null
}

# start_daemon NAME CMD...: start CMD in its own session (so down.sh can kill its whole process group),
# log to $LOGS/NAME.log, record its pid.
start_daemon() {
  local name=$1
  shift
  mkdir -p "$LOGS" "$RUN"
  # 9>&- : the daemon must not inherit the flock held by up.sh, or the lock would never be released.
  setsid "$@" >>"$LOGS/$name.log" 2>&1 </dev/null 9>&- &
  echo $! >"$RUN/$name.pid"
}

# port_owner PORT -> "pid comm" of the process listening on 127.0.0.1:PORT (empty if free).
port_owner() {
  ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | sed -n 1p | cut -d= -f2 |
    while read -r pid; do echo "$pid $(cat "/proc/$pid/comm" 2>/dev/null)"; done
}

# port_listening PORT: something listens there.
port_listening() { [ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]; }

# our_pids: every live process running one of OUR_EXES whose command line mentions our cluster dir.
# This is the fallback for lost pidfiles; it cannot hit another user's nginx or sshd.
our_pids() {
  local p exe cmd e
  for p in /proc/[0-9]*; do
    exe=$(basename "$(readlink "$p/exe" 2>/dev/null)" 2>/dev/null) || continue
    for e in "${OUR_EXES[@]}"; do
      if [ "$exe" = "$e" ]; then
        cmd=$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null) || continue
        case $cmd in *"$CLUSTER_DIR/"*) echo "${p#/proc/}" ;; esac
      fi
    done
  done
}

# wait_for DESCRIPTION TIMEOUT_SECONDS CMD...: poll CMD every 0.2s until it succeeds.
wait_for() {
  local what=$1 timeout=$2 start
  shift 2
  start=$(date +%s)
  until "$@" >/dev/null 2>&1; do
    if [ $(($(date +%s) - start)) -ge "$timeout" ]; then
      log "timed out after ${timeout}s waiting for $what"
      return 1
    fi
    sleep 0.2
  done
}

# kapi METHOD PATH [curl args...]: call the apiserver as admin.
kapi() {
  local method=$1 path=$2
  shift 2
  curl -sS --fail-with-body -X "$method" --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" \
    "https://127.0.0.1:${PORTS[kube-apiserver]}$path" "$@"
}
