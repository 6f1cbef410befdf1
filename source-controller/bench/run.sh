#!/usr/bin/env bash
# Side-by-side benchmark: N GitRepositories (each its own repository on the local Git server),
# time from creation until all are Ready, and the controller's peak RSS, for Ferroflux's
# source-controller and Flux's (built from its published Go module through flux/go.mod).
# For each N: ours first, then Flux's, each in a fresh namespace against the same cluster and
# Git server, with the same flags (flux-exec.sh turns --kubeconfig into $KUBECONFIG for Flux).
#
#   source-controller/bench/run.sh [N ...]      default: 100 500
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
flux_bin=$(hack/flux-controller source-controller v1.7.3) || flux_bin=""
cargo build --release -p source-controller --example bench_gitrepositories >&2
ours="$root/target/release/source-controller"
bench="$root/target/release/examples/bench_gitrepositories"
e2e/cluster/up.sh >&2
for n in ${@:-100 500}; do
  "$bench" "$ours" "$n" ferroflux
  if [ -x "$flux_bin" ]; then
    FLUX_BIN="$flux_bin" "$bench" "$root/source-controller/bench/flux-exec.sh" "$n" flux
  fi
done
