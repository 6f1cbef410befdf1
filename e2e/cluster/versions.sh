# shellcheck shell=bash
# shellcheck disable=SC2034 # variables are used by the scripts that source this file
# Versions of the Go-built cluster components, in one place. Sourced by build.sh and lib.sh.
#
# Kubernetes matches the k8s-openapi feature pinned in the root Cargo.toml (v1_34).
# etcd is the version kubeadm recommends for Kubernetes 1.34 (cmd/kubeadm/app/constants: 3.6.5).
# kwok v0.7.0 is the newest release whose client libraries are not newer than the apiserver
# (v0.7.0 uses k8s.io/client-go v0.33; v0.8.0 already uses v0.36).
KUBERNETES_VERSION=v1.34.4
ETCD_VERSION=v3.6.5
KWOK_VERSION=v0.7.0
