#!/usr/bin/env bash
# Runs Flux's source-controller with the command line the benchmark driver passes to ours:
# Flux has no --kubeconfig flag (controller-runtime reads $KUBECONFIG), so that flag becomes the
# environment variable; every other flag is the same on both sides. `exec` keeps the PID, so the
# driver's VmHWM reading is Flux's own process.
#   FLUX_BIN=<flux binary> flux-exec.sh [flags...]
set -euo pipefail
bin=${FLUX_BIN:?FLUX_BIN: path of the Flux source-controller binary}
args=()
for a in "$@"; do
  case "$a" in
    --kubeconfig=*) export KUBECONFIG="${a#--kubeconfig=}" ;;
    *) args+=("$a") ;;
  esac
done
exec "$bin" "${args[@]}"
