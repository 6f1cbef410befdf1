#!/usr/bin/env bash
# Build the test cluster's Go components from their published modules, once per version:
#   etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok
# Binaries are cached under ${FERROFLUX_CACHE:-$HOME/.cache/ferroflux}/bin/<name>-<version>/<name>,
# so a fresh clone on the same machine (and every later `up`) reuses them without building.
#
# Usage: e2e/cluster/build.sh     (prints nothing on stdout; progress and timings on stderr)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.sh
source "$here/versions.sh"

CACHE=${FERROFLUX_CACHE:-$HOME/.cache/ferroflux}
mkdir -p "$CACHE/bin"

export GOTOOLCHAIN=auto CGO_ENABLED=0 GOFLAGS=-mod=mod
GO_BUILD_FLAGS=(-trimpath "-ldflags=-s -w")

log() { echo "build.sh: $*" >&2; }

# Parallel callers (several test processes, make targets) build at most once.
exec 9>"$CACHE/bin/.build.lock"
flock 9

# cached NAME VERSION -> true when the binary is already in the cache.
cached() { [ -x "$CACHE/bin/$1-$2/$1" ]; }

# install_bin NAME VERSION SRC: move a freshly built binary into its cache directory atomically.
install_bin() {
  local dir="$CACHE/bin/$1-$2"
  mkdir -p "$dir"
  mv -f "$3" "$dir/$1.tmp"
  mv -f "$dir/$1.tmp" "$dir/$1"
}

# timed LABEL CMD...: run CMD, log its wall-clock time, append it to $CACHE/build-times.log.
timed() {
  local label=$1 start end
  shift
  start=$(date +%s)
  "$@"
  end=$(date +%s)
  log "$label built in $((end - start))s"
  echo "$(date -u +%FT%TZ) $label $((end - start))s nproc=$(nproc)" >>"$CACHE/build-times.log"
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The wrapper go.mod files are copied to a scratch dir so -mod=mod never rewrites the repo's copy.
build_kubernetes() {
  cp "$here/gomod/kubernetes/go.mod" "$work/"
  [ -f "$here/gomod/kubernetes/go.sum" ] && cp "$here/gomod/kubernetes/go.sum" "$work/"
  # One invocation for the three commands so their shared packages are compiled once.
  (cd "$work" && go build "${GO_BUILD_FLAGS[@]}" -o "$work/out/" \
    k8s.io/kubernetes/cmd/kube-apiserver \
    k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler)
  local c
  for c in kube-apiserver kube-controller-manager kube-scheduler; do
    install_bin "$c" "$KUBERNETES_VERSION" "$work/out/$c"
  done
}

build_etcd() {
  mkdir -p "$work/etcd"
  cp "$here/gomod/etcd/go.mod" "$work/etcd/"
  [ -f "$here/gomod/etcd/go.sum" ] && cp "$here/gomod/etcd/go.sum" "$work/etcd/"
  (cd "$work/etcd" && go build "${GO_BUILD_FLAGS[@]}" -o "$work/etcd/etcd" go.etcd.io/etcd/server/v3)
  install_bin etcd "$ETCD_VERSION" "$work/etcd/etcd"
}

build_kwok() {
  mkdir -p "$work/kwok"
  GOBIN="$work/kwok" go install "${GO_BUILD_FLAGS[@]}" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
  install_bin kwok "$KWOK_VERSION" "$work/kwok/kwok"
}

total_start=$(date +%s)
built=0
if ! cached etcd "$ETCD_VERSION"; then
  log "building etcd $ETCD_VERSION"; timed "etcd-$ETCD_VERSION" build_etcd; built=1
fi
if ! { cached kube-apiserver "$KUBERNETES_VERSION" && cached kube-controller-manager "$KUBERNETES_VERSION" &&
  cached kube-scheduler "$KUBERNETES_VERSION"; }; then
  log "building kube-apiserver, kube-controller-manager, kube-scheduler $KUBERNETES_VERSION (slow on a cold cache)"
  timed "kubernetes-$KUBERNETES_VERSION" build_kubernetes; built=1
fi
if ! cached kwok "$KWOK_VERSION"; then
  log "building kwok $KWOK_VERSION"; timed "kwok-$KWOK_VERSION" build_kwok; built=1
fi
if [ "$built" = 1 ]; then
  log "all components built in $(($(date +%s) - total_start))s (cache: $CACHE/bin)"
fi
