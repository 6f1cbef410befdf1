#!/usr/bin/env bash
# Stop the test cluster and its services: every process up.sh/services.sh started, nothing else.
# Exits non-zero if one of our ports is still listened on afterwards. Keeps .cluster/logs for debugging.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$E2E_CLUSTER_SCRIPTS/stop.sh"

[ -d "$CLUSTER_DIR" ] || exit 0
exec 9>"$CLUSTER_DIR/.lock"
flock 9

start=$(now_ms)
stop_everything
rm -f "$CLUSTER_DIR/ready"
check_ports_free || die "ports still in use after stopping (see above)"
log "stopped in $(elapsed_since "$start")"
