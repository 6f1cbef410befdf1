#!/usr/bin/env bash
# Run a command against the test cluster:
#   e2e/cluster/with-cluster.sh cargo test --workspace
# Starts the cluster and services (up.sh) if needed, runs CMD with FERROFLUX_CLUSTER_DIR exported,
# stops the cluster afterwards only if this script started it, then checks that down.sh left no
# process or port behind. Exits with CMD's exit code (or 1 if the cleanup check fails after a
# successful CMD).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ $# -gt 0 ] || {
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 2
}

# Only a control plane we start is ours to stop; restarting dead services does not count.
started=0
"$E2E_CLUSTER_SCRIPTS/up.sh" --check-control-plane || started=1
"$E2E_CLUSTER_SCRIPTS/up.sh"

export FERROFLUX_CLUSTER_DIR=$CLUSTER_DIR
rc=0
"$@" || rc=$?

if [ "$started" = 1 ]; then
  if ! "$E2E_CLUSTER_SCRIPTS/down.sh" && [ "$rc" = 0 ]; then rc=1; fi
  # down.sh already verified the ports; also make sure no process of ours survived.
  leftovers=$(our_pids | tr '\n' ' ')
  if [ -n "$leftovers" ]; then
    log "processes still running after down.sh: $leftovers"
    [ "$rc" != 0 ] || rc=1
  fi
else
  log "cluster was already running before; leaving it up"
fi
exit "$rc"
