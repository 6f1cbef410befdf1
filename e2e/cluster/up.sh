#!/usr/bin/env bash
# Start the local test cluster on 127.0.0.1: etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, kwok (simulated nodes), then the test services (services.sh; FERROFLUX_SERVICES=0 skips).
#
#   e2e/cluster/up.sh           start (idempotent: returns at once when already running)
#   e2e/cluster/up.sh --check   exit 0 if the cluster is up and healthy, 1 otherwise; starts nothing
#   e2e/cluster/up.sh --check-control-plane   the same, ignoring the test services
#
# Guarded by flock, so parallel test processes may all call it. A crashed earlier run (stale pids,
# ports, data) is cleaned up first. Writes $CLUSTER_DIR/kubeconfig (admin); logs in $CLUSTER_DIR/logs.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$E2E_CLUSTER_SCRIPTS/stop.sh"
source "$E2E_CLUSTER_SCRIPTS/pki.sh"
source "$E2E_CLUSTER_SCRIPTS/control-plane.sh"

WANT_SERVICES=${FERROFLUX_SERVICES:-1}

# control_plane_healthy: every control-plane process is alive and the apiserver answers /readyz.
control_plane_healthy() {
  local name
  [ -f "$CLUSTER_DIR/ready" ] || return 1
  for name in "${CLUSTER_COMPONENTS[@]}"; do pid_alive "$name" || return 1; done
  kapi GET /readyz >/dev/null 2>&1
}

# services_alive: every test service process is alive.
services_alive() {
  local name
  for name in "${SERVICE_COMPONENTS[@]}"; do pid_alive "$name" || return 1; done
}

# healthy: the control plane, and the services unless FERROFLUX_SERVICES=0.
healthy() {
  control_plane_healthy && { [ "$WANT_SERVICES" != 1 ] || services_alive; }
}

mkdir -p "$CLUSTER_DIR"
case ${1:-} in
  --check)
    healthy
    exit
    ;;
  --check-control-plane)
    control_plane_healthy
    exit
    ;;
esac

exec 9>"$CLUSTER_DIR/.lock"
if ! flock -n 9; then
  log "another up.sh/down.sh holds $CLUSTER_DIR/.lock; waiting"
  flock 9
fi
if healthy; then
  log "cluster already running (kubeconfig: $KUBECONFIG_ADMIN)"
  exit 0
fi
if control_plane_healthy && [ "$WANT_SERVICES" = 1 ]; then
  log "control plane running; (re)starting the test services"
  FERROFLUX_LOCK_HELD=1 "$E2E_CLUSTER_SCRIPTS/services.sh" up
  exit 0
fi

start=$(now_ms)
"$E2E_CLUSTER_SCRIPTS/build.sh"

# Clean up whatever a crashed run left behind, then require our ports to be free.
stop_everything
if ! check_ports_free; then
  die "a foreign process holds one of our ports (see above). Stop it, or move all ports with FERROFLUX_PORT_BASE."
fi
rm -rf "$CLUSTER_DIR/etcd" "$PKI" "$RUN" "$LOGS" "$CLUSTER_DIR/services" "$CLUSTER_DIR/ready" \
  "$CLUSTER_DIR"/*kubeconfig* "$CLUSTER_DIR/services.env" "$CLUSTER_DIR/services.json"
mkdir -p "$RUN" "$LOGS"

log "generating CA and certificates in $PKI"
generate_pki
write_kubeconfig "$KUBECONFIG_ADMIN" admin
for c in kube-controller-manager kube-scheduler kwok; do write_kubeconfig "$CLUSTER_DIR/$c.kubeconfig" "$c"; done

# If anything below fails (or we are interrupted), leave no half-started cluster behind.
up_ok=0
trap '[ "$up_ok" = 1 ] || { log "start failed; stopping what was started (logs kept in $LOGS)"; stop_everything; }' EXIT

start_etcd
start_kube_apiserver
start_controllers
create_kwok_nodes

if [ "$WANT_SERVICES" = 1 ]; then
  FERROFLUX_LOCK_HELD=1 "$E2E_CLUSTER_SCRIPTS/services.sh" up
fi
touch "$CLUSTER_DIR/ready"
up_ok=1
log "cluster up in $(elapsed_since "$start"): kubectl --kubeconfig $KUBECONFIG_ADMIN get nodes"
