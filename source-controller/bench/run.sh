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
# v1.7.3 is the newest release whose whole module graph the Go module proxy reachable here serves
# (v1.8+ need fluxcd/pkg versions it answers 403 for; v1.4-v1.6 are not served at all).
FLUX_VERSION=v1.7.3
CACHE=${FERROFLUX_CACHE:-$HOME/.cache/ferroflux}
flux_bin="$CACHE/bin/flux-source-controller-$FLUX_VERSION/source-controller"
if [ ! -x "$flux_bin" ]; then
  echo "building Flux source-controller $FLUX_VERSION (cached in $(dirname "$flux_bin"))" >&2
  mkdir -p "$(dirname "$flux_bin")"
  # sum.golang.org has no entries for some fluxcd/pkg and go-containerregistry pseudo-versions:
  # their hashes come from go.sum (recorded from the proxy) instead.
  (cd source-controller/bench/flux && GOFLAGS=-mod=mod CGO_ENABLED=0 GOTOOLCHAIN=auto \
    GONOSUMDB=github.com/fluxcd,github.com/google/go-containerregistry \
    go build -trimpath -ldflags='-s -w' -o "$flux_bin" github.com/fluxcd/source-controller) ||
    echo "Flux source-controller could not be built: measuring Ferroflux alone" >&2
fi
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
