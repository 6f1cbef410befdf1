#!/usr/bin/env bash
# Side-by-side benchmark: N GitRepositories (each its own repository on the local Git server),
# time from creation until all are Ready, and the controller's peak RSS, for Ferroflux's
# source-controller and Flux's (built from its published Go module through flux/go.mod).
#
#   source-controller/bench/run.sh [N ...]      default: 100 500
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
FLUX_VERSION=v1.10.1
CACHE=${FERROFLUX_CACHE:-$HOME/.cache/ferroflux}
flux_bin="$CACHE/bin/flux-source-controller-$FLUX_VERSION/source-controller"
if [ ! -x "$flux_bin" ]; then
  echo "building Flux source-controller $FLUX_VERSION (cached in $(dirname "$flux_bin"))" >&2
  mkdir -p "$(dirname "$flux_bin")"
  (cd source-controller/bench/flux && GOFLAGS=-mod=mod CGO_ENABLED=0 GOTOOLCHAIN=go1.27.2 \
    go build -o "$flux_bin" github.com/fluxcd/source-controller) ||
    echo "Flux source-controller could not be built: measuring Ferroflux alone" >&2
fi
cargo build --release -p source-controller --example bench_gitrepositories >&2
ours="$root/target/release/source-controller"
bench="$root/target/release/examples/bench_gitrepositories"
e2e/cluster/up.sh >&2
for n in "${@:-100 500}"; do
  for n1 in $n; do
    "$bench" "$ours" "$n1" ferroflux
    if [ -x "$flux_bin" ]; then "$bench" "$flux_bin" "$n1" flux; fi
  done
done
