# shellcheck shell=bash
# Start functions for the control plane components. Sourced by up.sh (needs lib.sh and pki.sh).

SERVICE_CIDR=10.96.0.0/16

start_etcd() {
  log "starting etcd $ETCD_VERSION on 127.0.0.1:${PORTS[etcd]}"
  # Plain HTTP on loopback only; --unsafe-no-fsync: test data, speed matters more than durability.
  start_daemon etcd "$(bin etcd)" \
    --name=ferroflux --data-dir="$CLUSTER_DIR/etcd" \
    --listen-client-urls="http://127.0.0.1:${PORTS[etcd]}" \
    --advertise-client-urls="http://127.0.0.1:${PORTS[etcd]}" \
    --listen-peer-urls="http://127.0.0.1:${PORTS[etcd-peer]}" \
    --initial-advertise-peer-urls="http://127.0.0.1:${PORTS[etcd-peer]}" \
    --initial-cluster="ferroflux=http://127.0.0.1:${PORTS[etcd-peer]}" \
    --unsafe-no-fsync --log-level=warn
  wait_for "etcd /health" 30 curl -sf "http://127.0.0.1:${PORTS[etcd]}/health" ||
    die "etcd did not become healthy; see $LOGS/etcd.log"
}

start_kube_apiserver() {
  log "starting kube-apiserver $KUBERNETES_VERSION on https://127.0.0.1:${PORTS[kube-apiserver]}"
  # --endpoint-reconciler-type=none: the "kubernetes" Service would get 127.0.0.1 endpoints, which
  # Endpoints validation rejects (loopback); nothing in the tests needs that Service's endpoints.
  start_daemon kube-apiserver "$(bin kube-apiserver)" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="${PORTS[kube-apiserver]}" \
    --etcd-servers="http://127.0.0.1:${PORTS[etcd]}" \
    --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
    --client-ca-file="$PKI/ca.crt" \
    --requestheader-client-ca-file="$PKI/ca.crt" --requestheader-allowed-names=front-proxy-client \
    --requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group \
    --requestheader-extra-headers-prefix=X-Remote-Extra- \
    --proxy-client-cert-file="$PKI/front-proxy-client.crt" --proxy-client-key-file="$PKI/front-proxy-client.key" \
    --authorization-mode=RBAC \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
    --api-audiences=https://kubernetes.default.svc.cluster.local \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --endpoint-reconciler-type=none \
    --allow-privileged=true --profiling=false \
    --v=1
  wait_for "kube-apiserver /readyz" 120 kapi GET /readyz ||
    die "kube-apiserver did not become ready; see $LOGS/kube-apiserver.log"
  log "kube-apiserver ready"
}

start_controllers() {
  log "starting kube-controller-manager, kube-scheduler, kwok"
  start_daemon kube-controller-manager "$(bin kube-controller-manager)" \
    --kubeconfig="$CLUSTER_DIR/kube-controller-manager.kubeconfig" \
    --authentication-kubeconfig="$CLUSTER_DIR/kube-controller-manager.kubeconfig" \
    --authorization-kubeconfig="$CLUSTER_DIR/kube-controller-manager.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="${PORTS[kube-controller-manager]}" \
    --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" \
    --use-service-account-credentials=true \
    --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --leader-elect=false --profiling=false --v=1
  start_daemon kube-scheduler "$(bin kube-scheduler)" \
    --kubeconfig="$CLUSTER_DIR/kube-scheduler.kubeconfig" \
    --authentication-kubeconfig="$CLUSTER_DIR/kube-scheduler.kubeconfig" \
    --authorization-kubeconfig="$CLUSTER_DIR/kube-scheduler.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="${PORTS[kube-scheduler]}" \
    --leader-elect=false --profiling=false --v=1
  # kwok plays the kubelet of every Node carrying the kwok.x-k8s.io/node=fake annotation, with its
  # default Stages: nodes become Ready (with leases), scheduled Pods become Running and Ready.
  # --config points at an empty file so a ~/.kwok/kwok.yaml on the machine cannot change behaviour.
  : >"$CLUSTER_DIR/kwok.yaml"
  start_daemon kwok "$(bin kwok)" \
    --config="$CLUSTER_DIR/kwok.yaml" \
    --kubeconfig="$CLUSTER_DIR/kwok.kubeconfig" \
    --manage-all-nodes=false \
    --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    --cidr=10.244.0.0/16 --node-ip=127.0.0.1 \
    --node-lease-duration-seconds=40 \
    --server-address="127.0.0.1:${PORTS[kwok]}"
}

# node_json NAME: a Node that kwok manages (annotation) with room for many Pods.
node_json() {
  cat <<JSON
{"apiVersion":"v1","kind":"Node","metadata":{"name":"$1",
 "annotations":{"kwok.x-k8s.io/node":"fake","node.alpha.kubernetes.io/ttl":"0"},
 "labels":{"type":"kwok","kubernetes.io/hostname":"$1","kubernetes.io/os":"linux","kubernetes.io/arch":"amd64"}},
 "status":{"allocatable":{"cpu":"32","memory":"256Gi","pods":"110"},
           "capacity":{"cpu":"32","memory":"256Gi","pods":"110"}}}
JSON
}

# ready_nodes: how many Nodes report Ready=True.
ready_nodes() {
  kapi GET /api/v1/nodes | tr -d '[:space:]' | grep -o '"type":"Ready","status":"True"' | wc -l
}

nodes_ready() { [ "$(ready_nodes)" -ge "$NODE_COUNT" ]; }

create_kwok_nodes() {
  local i
  log "creating $NODE_COUNT kwok nodes"
  for i in $(seq 0 $((NODE_COUNT - 1))); do
    kapi POST /api/v1/nodes -H 'Content-Type: application/json' -d "$(node_json "kwok-node-$i")" >/dev/null
  done
  wait_for "$NODE_COUNT nodes Ready" 90 nodes_ready ||
    die "nodes did not become Ready ($(ready_nodes)/$NODE_COUNT); see $LOGS/kwok.log"
  # Pods can be created in a namespace only once its "default" ServiceAccount exists.
  wait_for "the default ServiceAccount" 60 kapi GET /api/v1/namespaces/default/serviceaccounts/default ||
    die "kube-controller-manager did not create ServiceAccounts; see $LOGS/kube-controller-manager.log"
  log "$NODE_COUNT nodes Ready"
}
