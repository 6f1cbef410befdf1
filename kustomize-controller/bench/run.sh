#!/usr/bin/env bash
# Side-by-side benchmark: N Kustomizations, all from one GitRepository, each applying a
# Deployment + Service + ConfigMap (named after postBuild.substitute `idx`, so every Kustomization
# owns its own three objects). Time from the first create until all N are Ready=True, and the
# kustomize-controller's peak RSS (VmHWM), for Ferroflux's kustomize-controller and Flux's (built
# from its published Go module through flux/go.mod). Ours first, then Flux's, each in a fresh
# namespace against the same cluster, Git repository and flags. The GitRepository is served by
# Ferroflux's source-controller on both sides (started per run, not measured).
#
#   kustomize-controller/bench/run.sh [N ...]      default: 100
#   FERROFLUX_BENCH_SIDES="ferroflux flux"           which controllers to measure (default both)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
flux_bin=$(hack/flux-controller kustomize-controller v1.7.3) || flux_bin=""
# The binaries as shipped: the `controller` profile (size-optimized release, see Cargo.toml).
# FERROFLUX_BENCH_SKIP_BUILD=1 reuses the binaries already in target/controller
[ -n "${FERROFLUX_BENCH_SKIP_BUILD:-}" ] || cargo build --profile controller -p kustomize-controller -p source-controller >&2
# FERROFLUX_BENCH_OURS=<binary> measures another build of ours (e.g. an older one, for a before/after)
ours="${FERROFLUX_BENCH_OURS:-$root/target/controller/kustomize-controller}"
# --concurrent of both kustomize-controllers (Flux's default is 4)
concurrent="${FERROFLUX_BENCH_CONCURRENT:-4}"
# how many kubectl processes create the Kustomizations side by side
creators="${FERROFLUX_BENCH_CREATORS:-8}"
source_controller="$root/target/controller/source-controller"
e2e/cluster/up.sh >&2
# shellcheck disable=SC1091
. .cluster/services.env
export KUBECONFIG=$FERROFLUX_KUBECONFIG
label=ferroflux.dev/bench
work=$(mktemp -d)
pids=()
bench_users=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for u in "${bench_users[@]}"; do
    kubectl delete flowschema "$u" --ignore-not-found >/dev/null 2>&1 || true
    kubectl delete clusterrolebinding "$u" --ignore-not-found >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

# every source kind (Flux's controller watches all it can reference) and Kustomization
for crd in config/crd/bases/source.toolkit.fluxcd.io_*.yaml \
  config/crd/bases/kustomize.toolkit.fluxcd.io_kustomizations.yaml; do
  kubectl apply --server-side --force-conflicts --field-manager=kustomize-controller-bench \
    -f "$crd" >/dev/null
done
kubectl wait --for=condition=Established --timeout=60s \
  crd/gitrepositories.source.toolkit.fluxcd.io crd/kustomizations.kustomize.toolkit.fluxcd.io >/dev/null

# one repository, one commit: app/ with a Deployment, a Service and a ConfigMap per ${idx}
repo="kbench-$$-$(date +%s)"
git init --quiet --bare --initial-branch=main "$FERROFLUX_GIT_REPOS_DIR/$repo.git"
git init --quiet --initial-branch=main "$work/src"
mkdir -p "$work/src/app"
cat >"$work/src/app/deployment.yaml" <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${idx}
spec:
  replicas: 0
  selector:
    matchLabels:
      app: app-${idx}
  template:
    metadata:
      labels:
        app: app-${idx}
    spec:
      containers:
        - name: app
          image: nginx:1.27
          ports: [{containerPort: 80}]
EOF
cat >"$work/src/app/service.yaml" <<'EOF'
apiVersion: v1
kind: Service
metadata:
  name: app-${idx}
spec:
  selector:
    app: app-${idx}
  ports: [{port: 80, targetPort: 80}]
EOF
cat >"$work/src/app/configmap.yaml" <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-${idx}
data:
  index: app-${idx}
EOF
git -C "$work/src" add -A
git -C "$work/src" -c user.name=bench -c user.email=bench@ferroflux.dev commit --quiet -m bench
git -C "$work/src" push --quiet "$FERROFLUX_GIT_HTTP_BASE/$repo.git" main

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# CPU seconds (user + system) the process used so far
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / hz}' "/proc/$1/stat"; }
# CPU seconds of the test cluster's API server and etcd (they serve both controllers, one at a time)
cluster_cpu_s() {
  local total=0 pid
  for name in kube-apiserver etcd; do
    pid=$(cat ".cluster/run/$name.pid")
    total=$(echo "$total + $(cpu_s "$pid")" | bc)
  done
  echo "$total"
}
peak_rss_mib() { awk '/^VmHWM:/ {printf "%.1f", $2/1024}' "/proc/$1/status"; }
# resident memory now, split into heap and stacks (anonymous) and mapped binary pages (file)
rss_split_mib() { awk '/^RssAnon:/ {a = $2} /^RssFile:/ {f = $2} END {printf "anon=%.1f file=%.1f", a/1024, f/1024}' "/proc/$1/status"; }
now() { date +%s.%N; }

# Requests to the API server are counted per controller with API Priority and Fairness: each
# kustomize-controller acts as its own user (kubeconfig `as:`, bound to cluster-admin), and a
# FlowSchema matching that user counts its requests in
# apiserver_flowcontrol_dispatched_requests_total{flow_schema=<user>} (watches count once, when
# they start), and the API server's time on them in ..._request_execution_seconds_sum.
add_bench_user() {
  local user=$1
  bench_users+=("$user")
  kubectl apply -f - >/dev/null <<EOF
apiVersion: flowcontrol.apiserver.k8s.io/v1
kind: FlowSchema
metadata: {name: $user}
spec:
  matchingPrecedence: 50
  priorityLevelConfiguration: {name: exempt}
  rules:
  - subjects: [{kind: User, user: {name: $user}}]
    resourceRules: [{verbs: ["*"], apiGroups: ["*"], resources: ["*"], clusterScope: true, namespaces: ["*"]}]
    nonResourceRules: [{verbs: ["*"], nonResourceURLs: ["*"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: $user}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: $user}]
EOF
  python3 - "$KUBECONFIG" "$work/$user.kubeconfig" "$user" <<'PY'
import sys, yaml
src, dst, user = sys.argv[1:]
config = yaml.safe_load(open(src))
for u in config["users"]:
    u["user"]["as"] = user
yaml.safe_dump(config, open(dst, "w"))
PY
}
# api_requests <user> -> "<requests> <apiserver seconds>"
api_requests() {
  kubectl get --raw /metrics | awk -v fs="flow_schema=\"$1\"" '
    index($0, fs) && /^apiserver_flowcontrol_dispatched_requests_total/ {n += $2}
    index($0, fs) && /^apiserver_flowcontrol_request_execution_seconds_sum/ {t += $2}
    END {printf "%d %.2f", n, t}'
}

# run <label> <kustomize-controller binary> <N>
run() {
  local side=$1 bin=$2 n=$3
  local ns="kbench-$side-$$-$(date +%s)" sel="$side-$$-$n"
  kubectl create namespace "$ns" >/dev/null
  local sport
  sport=$(free_port)
  mkdir -p "$work/storage-$ns"
  RUNTIME_NAMESPACE=default "$source_controller" --storage-path="$work/storage-$ns" \
    --storage-addr="127.0.0.1:$sport" --storage-adv-addr="127.0.0.1:$sport" \
    --metrics-addr=127.0.0.1:0 --health-addr=127.0.0.1:0 --events-addr= \
    --enable-leader-election=false --watch-label-selector="$label=$sel" \
    >"$work/source-$ns.log" 2>&1 &
  local spid=$!
  pids+=("$spid")
  kubectl apply -f - >/dev/null <<EOF
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: bench, namespace: $ns, labels: {$label: $sel}}
spec:
  url: $FERROFLUX_GIT_HTTP_BASE/$repo.git
  interval: 10m
  ref: {branch: main}
EOF
  kubectl -n "$ns" wait --for=condition=Ready gitrepositories.source.toolkit.fluxcd.io/bench --timeout=120s >/dev/null

  local log="/tmp/kbench-$side-$n.log" user="kbench-$side-$$-$n"
  add_bench_user "$user"
  # only the bench namespace: Ferroflux's kustomize-controller does not implement
  # --watch-label-selector yet, and must not touch other tests' Kustomizations on the cluster
  KUBECONFIG="$work/$user.kubeconfig" RUNTIME_NAMESPACE=$ns "$bin" --metrics-addr=127.0.0.1:0 --health-addr=127.0.0.1:0 \
    --events-addr= --enable-leader-election=false --watch-all-namespaces=false --concurrent="$concurrent" \
    --watch-label-selector="$label=$sel" >"$log" 2>&1 &
  local kpid=$!
  pids+=("$kpid")
  sleep 2

  # The N Kustomizations in $creators files, created by as many kubectl processes at once: one
  # kubectl creates objects one after another, and would measure its own round trips instead of
  # the controller.
  local c i
  for ((c = 0; c < creators; c++)); do
    for ((i = c; i < n; i += creators)); do
      cat <<EOF
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: app-$i, namespace: $ns, labels: {$label: $sel}}
spec:
  interval: 10m
  path: ./app
  prune: true
  sourceRef: {kind: GitRepository, name: bench}
  targetNamespace: $ns
  postBuild:
    substitute: {idx: "$i"}
EOF
    done >"$work/ks-$ns-$c.yaml"
  done
  local t0 t1 t2 ready
  local cluster_cpu0
  cluster_cpu0=$(cluster_cpu_s)
  t0=$(now)
  local creating=()
  for ((c = 0; c < creators; c++)); do
    kubectl apply -f "$work/ks-$ns-$c.yaml" >/dev/null &
    creating+=($!)
  done
  wait "${creating[@]}"
  t1=$(now)
  while :; do
    ready=$(kubectl -n "$ns" get kustomizations.kustomize.toolkit.fluxcd.io \
      -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' |
      grep -c '^True$' || true)
    [ "$ready" -ge "$n" ] && break
    if ! kill -0 "$kpid" 2>/dev/null; then echo "$side: controller exited (log: $log)" >&2; return 1; fi
    if (($(echo "$(now) - $t0 > 900" | bc))); then echo "$side: only $ready/$n Ready after 15 min" >&2; return 1; fi
    sleep 0.25
  done
  t2=$(now)
  local at_ready after_idle cpu rss_split
  at_ready=$(api_requests "$user")
  rss_split=$(rss_split_mib "$kpid")
  cpu=$(cpu_s "$kpid")
  local apiserver_etcd_cpu
  apiserver_etcd_cpu=$(echo "$(cluster_cpu_s) - $cluster_cpu0" | bc)
  # what the controller keeps doing once everything is Ready (re-reconciles, polling)
  sleep 10
  after_idle=$(api_requests "$user")
  printf '%s n=%d create_s=%.2f all_ready_s=%.2f peak_rss_mib=%s rss_now_mib(%s) cpu_s=%s apiserver_etcd_cpu_s=%s api_requests_at_ready=%s api_s=%s per_ks=%.1f api_requests_10s_later=%s\n' \
    "$side" "$n" "$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t0" | bc)" "$(peak_rss_mib "$kpid")" "$rss_split" "$cpu" "$apiserver_etcd_cpu" \
    "${at_ready% *}" "${at_ready#* }" "$(echo "${at_ready% *} / $n" | bc -l)" "${after_idle% *}"
  # delete while the controllers run, so finalizers are removed and prune deletes the objects
  kubectl -n "$ns" delete kustomizations.kustomize.toolkit.fluxcd.io --all --timeout=300s >/dev/null || true
  kubectl -n "$ns" delete gitrepositories.source.toolkit.fluxcd.io --all --timeout=60s >/dev/null || true
  kill "$kpid" "$spid" 2>/dev/null || true
  kubectl delete flowschema "$user" --ignore-not-found >/dev/null
  kubectl delete clusterrolebinding "$user" --ignore-not-found >/dev/null
  wait "$kpid" "$spid" 2>/dev/null || true
  kubectl delete namespace "$ns" --wait=false >/dev/null
}

for n in ${@:-100}; do
  for side in ${FERROFLUX_BENCH_SIDES:-ferroflux flux}; do
    case $side in
    ferroflux) run ferroflux "$ours" "$n" ;;
    flux) if [ -x "$flux_bin" ]; then run flux "$flux_bin" "$n"; fi ;;
    esac
  done
done
rm -rf "${FERROFLUX_GIT_REPOS_DIR:?}/$repo.git"
