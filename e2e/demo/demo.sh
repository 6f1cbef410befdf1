#!/usr/bin/env bash
# make demo: the whole GitOps loop on the local test cluster.
#
#   1. build ferroflux, source-controller and kustomize-controller
#   2. start the test cluster and its Git server (e2e/cluster/up.sh; idempotent)
#   3. create a Git repository holding the podinfo app and a cluster directory
#   4. run source-controller and kustomize-controller as local processes (kwok nodes run no containers)
#   5. ferroflux bootstrap git: manifests committed to the repository, installed, synced
#   6. push a change (podinfo replicas 2 -> 3) and watch the cluster follow
#   7. delete the podinfo Deployment by hand and watch it come back
#
# Cleans up after itself (controllers, namespaces, repository; the cluster only if it started it)
# unless KEEP=1. Logs: .cluster/demo/. Settings: DEMO_NAMESPACE (default flux-system),
# FERROFLUX_CLUSTER_DIR / FERROFLUX_PORT_BASE (another cluster, as for e2e/cluster/up.sh),
# DEMO_BIN_DIR (use the three binaries from this directory and skip the build).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
export FERROFLUX_CLUSTER_DIR=${FERROFLUX_CLUSTER_DIR:-$ROOT/.cluster}
PORT_BASE=${FERROFLUX_PORT_BASE:-24000}
NS=${DEMO_NAMESPACE:-flux-system}
APP_NS=podinfo-demo
REPO=ferroflux-demo
DEMO_DIR=$FERROFLUX_CLUSTER_DIR/demo
KUBECONFIG_FILE=$FERROFLUX_CLUSTER_DIR/kubeconfig
STORAGE_PORT=$((PORT_BASE + 690))
TARGET_DIR=${DEMO_BIN_DIR:-${CARGO_TARGET_DIR:-$ROOT/target}/debug}
# podinfo's Deployment and Service from the repository's fixtures (testdata/)
PODINFO=${FERROFLUX_FIXTURES:-$ROOT/testdata}/podinfo/kustomize
[ -f "$PODINFO/deployment.yaml" ] || {
  echo "demo: podinfo fixtures not found at $PODINFO (FERROFLUX_FIXTURES overrides testdata/)" >&2
  exit 1
}

STEP=0
header() {
  STEP=$((STEP + 1))
  printf '\n\033[1m━━ %d. %s\033[0m\n' "$STEP" "$*"
}
say() { echo "   $*"; }
# run CMD...: show the command (kc/ff shown as kubectl/ferroflux), then run it.
run() {
  local shown="$*"
  shown=${shown/#kc /kubectl }
  shown=${shown/#ff /ferroflux }
  printf '   \033[2m$ %s\033[0m\n' "$shown"
  "$@"
}
fail() {
  echo "✗ $*" >&2
  echo "  Logs: $DEMO_DIR/*.log, $FERROFLUX_CLUSTER_DIR/logs/" >&2
  exit 1
}
kc() { kubectl --kubeconfig "$KUBECONFIG_FILE" "$@"; }
ff() { "$TARGET_DIR/ferroflux" --kubeconfig "$KUBECONFIG_FILE" "$@"; }

# wait_for "what" SECONDS CMD...: run CMD every second until it succeeds, showing what is awaited.
wait_for() {
  local what=$1 timeout=$2 start=$SECONDS
  shift 2
  local tty=0
  [ -t 2 ] && tty=1
  [ $tty = 1 ] || echo "   ◎ waiting for $what" >&2
  while ! "$@" >/dev/null 2>&1; do
    if ((SECONDS - start >= timeout)); then
      [ $tty = 0 ] || printf '\r\033[K' >&2
      echo "   ✗ timed out after ${timeout}s waiting for $what" >&2
      return 1
    fi
    [ $tty = 0 ] || printf '\r   ◎ waiting for %s (%ds)' "$what" $((SECONDS - start)) >&2
    sleep 1
  done
  [ $tty = 0 ] || printf '\r\033[K' >&2
  printf '   ✔ %s (%ds)\n' "$what" $((SECONDS - start)) >&2
}

# ready_replicas_are N: the podinfo Deployment wants N replicas and has N available.
ready_replicas_are() {
  local got
  got=$(kc -n "$APP_NS" get deployment podinfo \
    -o jsonpath='{.spec.replicas}/{.status.availableReplicas}/{.status.updatedReplicas}')
  [ "$got" = "$1/$1/$1" ]
}

STARTED_CLUSTER=0
CONTROLLER_PIDS=()
cleanup() {
  local rc=$?
  set +e
  if [ "${KEEP:-0}" = 1 ]; then
    echo
    echo "KEEP=1: everything is left running; controller pids: ${CONTROLLER_PIDS[*]:-none}"
    echo "  stop them with: kill ${CONTROLLER_PIDS[*]:-}"
    return $rc
  fi
  header "Cleaning up"
  for pid in "${CONTROLLER_PIDS[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
  say "controllers stopped"
  if [ -f "$KUBECONFIG_FILE" ] && kc get --raw /readyz >/dev/null 2>&1; then
    # No controller runs any more: drop finalizers so the namespaces can go (and nothing is pruned).
    local kind obj
    for kind in kustomizations.kustomize.toolkit.fluxcd.io gitrepositories.source.toolkit.fluxcd.io; do
      for obj in $(kc -n "$NS" get "$kind" -o name 2>/dev/null); do
        kc -n "$NS" patch "$obj" --type merge -p '{"metadata":{"finalizers":null}}' >/dev/null
      done
    done
    kc delete namespace "$NS" "$APP_NS" --ignore-not-found --timeout=60s >/dev/null
    kc delete clusterrole,clusterrolebinding -l "app.kubernetes.io/instance=$NS" >/dev/null
    say "namespaces $NS and $APP_NS deleted (the CRDs stay: other users of the cluster may need them)"
  fi
  rm -rf "${FERROFLUX_GIT_REPOS_DIR:-/nonexistent}/$REPO.git" "$DEMO_DIR/work" "$DEMO_DIR/storage"
  say "repository $REPO deleted; logs kept in $DEMO_DIR"
  if [ "$STARTED_CLUSTER" = 1 ]; then
    e2e/cluster/down.sh >/dev/null 2>&1 && say "test cluster stopped (the demo started it)"
  fi
  return $rc
}
trap cleanup EXIT

header "Building ferroflux, source-controller and kustomize-controller"
# Debug profile: the same artifacts `make test` builds, so a second run compiles nothing; release
# would rebuild every dependency with optimizations and the demo does not need the speed.
if [ -n "${DEMO_BIN_DIR:-}" ]; then
  say "using the binaries in $DEMO_BIN_DIR (DEMO_BIN_DIR is set)"
else
  run cargo build -p ferroflux-cli -p source-controller -p kustomize-controller
fi

header "Starting the test cluster and the Git server"
if ! e2e/cluster/up.sh --check >/dev/null 2>&1; then STARTED_CLUSTER=1; fi
run e2e/cluster/up.sh
# shellcheck source=/dev/null
source "$FERROFLUX_CLUSTER_DIR/services.env"
run kc get nodes

header "Creating the Git repository $REPO with the podinfo app"
if kc get namespace "$NS" >/dev/null 2>&1 || kc get namespace "$APP_NS" >/dev/null 2>&1; then
  fail "namespace $NS or $APP_NS already exists (a previous KEEP=1 run?); delete them or set DEMO_NAMESPACE"
fi
rm -rf "$DEMO_DIR" "$FERROFLUX_GIT_REPOS_DIR/$REPO.git"
mkdir -p "$DEMO_DIR/storage"
git init --quiet --bare --initial-branch=main "$FERROFLUX_GIT_REPOS_DIR/$REPO.git"
WORK=$DEMO_DIR/work
export GIT_AUTHOR_NAME="Demo User" GIT_AUTHOR_EMAIL=demo@localhost
export GIT_COMMITTER_NAME="Demo User" GIT_COMMITTER_EMAIL=demo@localhost
git clone --quiet "$FERROFLUX_GIT_REPOS_DIR/$REPO.git" "$WORK" 2>/dev/null
mkdir -p "$WORK/apps/podinfo" "$WORK/clusters/demo"
cp "$PODINFO/deployment.yaml" "$PODINFO/service.yaml" "$WORK/apps/podinfo/"
cat >"$WORK/apps/podinfo/kustomization.yaml" <<EOF
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: $APP_NS
resources:
  - namespace.yaml
  - deployment.yaml
  - service.yaml
# The replica count lives here (podinfo's own HPA is left out of the demo).
replicas:
  - name: podinfo
    count: 2
EOF
cat >"$WORK/apps/podinfo/namespace.yaml" <<EOF
apiVersion: v1
kind: Namespace
metadata:
  name: $APP_NS
EOF
cat >"$WORK/clusters/demo/apps.yaml" <<EOF
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: podinfo
  namespace: $NS
spec:
  interval: 30s
  path: ./apps/podinfo
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
EOF
git -C "$WORK" add . && git -C "$WORK" commit --quiet -m "Add podinfo and the demo cluster"
git -C "$WORK" push --quiet origin HEAD:main
say "$FERROFLUX_GIT_HTTPS_BASE/$REPO.git:"
(cd "$WORK" && find apps clusters -type f | sort | sed 's/^/     /')

header "Starting source-controller and kustomize-controller as local processes"
say "kwok's simulated nodes run no containers, so the controllers' Deployments are placeholders"
say "and the real controllers run here. Like their Deployments, they start once their CRDs exist."
CRDS=(gitrepositories.source.toolkit.fluxcd.io kustomizations.kustomize.toolkit.fluxcd.io)
# start_after_crds LOG CMD...: run CMD in the background once the CRDs are served.
start_after_crds() {
  local log=$1
  shift
  (
    until kc get crd "${CRDS[@]}" >/dev/null 2>&1; do sleep 1; done
    exec "$@"
  ) >"$log" 2>&1 &
  CONTROLLER_PIDS+=($!)
}
start_after_crds "$DEMO_DIR/source-controller.log" "$TARGET_DIR/source-controller" \
  --kubeconfig "$KUBECONFIG_FILE" --storage-path "$DEMO_DIR/storage" \
  --storage-addr "127.0.0.1:$STORAGE_PORT" --storage-adv-addr "127.0.0.1:$STORAGE_PORT" \
  --metrics-addr "127.0.0.1:$((PORT_BASE + 691))" --health-addr "127.0.0.1:$((PORT_BASE + 692))"
start_after_crds "$DEMO_DIR/kustomize-controller.log" "$TARGET_DIR/kustomize-controller" \
  --kubeconfig "$KUBECONFIG_FILE" \
  --metrics-addr "127.0.0.1:$((PORT_BASE + 693))" --health-addr "127.0.0.1:$((PORT_BASE + 694))"
say "logs: $DEMO_DIR/source-controller.log, $DEMO_DIR/kustomize-controller.log"

header "ferroflux bootstrap git"
# shellcheck disable=SC2054 # the commas are inside --components
BOOTSTRAP_ARGS=(--url "$FERROFLUX_GIT_HTTPS_BASE/$REPO.git" --username "$FERROFLUX_GIT_USERNAME"
  --ca-file "$FERROFLUX_CA_CERT" --path clusters/demo --components source-controller,kustomize-controller)
say "the password comes from \$GIT_PASSWORD, so it appears on no command line"
printf '   \033[2m$ ferroflux -n %s bootstrap git %s\033[0m\n' "$NS" "${BOOTSTRAP_ARGS[*]}"
GIT_PASSWORD=$FERROFLUX_GIT_PASSWORD ff -n "$NS" bootstrap git "${BOOTSTRAP_ARGS[@]}" 2>&1 |
  grep --line-buffered -v ' applied$' || fail "bootstrap failed"
for pid in "${CONTROLLER_PIDS[@]}"; do
  kill -0 "$pid" 2>/dev/null || fail "a controller exited; see $DEMO_DIR/*-controller.log"
done
git -C "$WORK" pull --quiet --rebase origin main
say "the repository now holds:"
(cd "$WORK" && git log --format='     %h %an: %s' && find clusters -type f | sort | sed 's/^/     /')

header "podinfo is deployed from Git"
wait_for "Deployment $APP_NS/podinfo with 2 available replicas" 180 ready_replicas_are 2 ||
  fail "podinfo was not deployed; try: ferroflux get ks -n $NS"
run ff get all -A

header "Pushing a change: podinfo replicas 2 -> 3"
sed -i 's/^    count: 2$/    count: 3/' "$WORK/apps/podinfo/kustomization.yaml"
git -C "$WORK" commit --quiet -am "Scale podinfo to 3 replicas"
run git -C "$WORK" push --quiet origin HEAD:main
say "the GitRepository polls every minute; ask for an immediate fetch as a webhook Receiver would:"
run ff -n "$NS" reconcile source git flux-system
wait_for "Deployment $APP_NS/podinfo to follow Git: 3 available replicas" 180 ready_replicas_are 3 ||
  fail "podinfo did not scale to 3; try: ferroflux get ks -n $NS"

header "Drift: deleting the podinfo Deployment by hand"
run kc -n "$APP_NS" delete deployment podinfo
say "kustomize-controller re-applies Git's state at every interval (30s for podinfo)"
if ! wait_for "Deployment $APP_NS/podinfo to be restored with 3 replicas" 90 ready_replicas_are 3; then
  say "not restored yet; asking for a reconcile now"
  run ff -n "$NS" reconcile ks podinfo
  wait_for "Deployment $APP_NS/podinfo to be restored" 120 ready_replicas_are 3 ||
    fail "podinfo was not restored; see $DEMO_DIR/kustomize-controller.log"
fi
run kc -n "$APP_NS" get deployment podinfo

header "Done: the cluster follows Git"
if [ "${KEEP:-0}" != 1 ]; then
  say "Everything is cleaned up next. To explore afterwards, run \`KEEP=1 make demo\`, then:"
fi
cat <<EOF
   Where to look next:
     ferroflux --kubeconfig $KUBECONFIG_FILE get all -A
     ferroflux --kubeconfig $KUBECONFIG_FILE -n $NS tree ks flux-system
     kubectl --kubeconfig $KUBECONFIG_FILE -n $APP_NS get deploy,svc,pods
     controller logs: $DEMO_DIR/source-controller.log, $DEMO_DIR/kustomize-controller.log
     the repository:  $WORK (clone of $FERROFLUX_GIT_HTTPS_BASE/$REPO.git)
     stop and clean up by hand: kill the controller pids printed below, then
       kubectl --kubeconfig $KUBECONFIG_FILE delete namespace $NS $APP_NS (after removing the
       finalizers of the Kustomizations and GitRepository in $NS), or make cluster-down

   On a real cluster (kind or any other) the controllers run from images; with a registry the
   cluster pulls from (for kind, its local registry localhost:5001):
     make push REGISTRY=localhost:5001/ferroflux
     ferroflux install --registry localhost:5001/ferroflux
EOF
