# Ferroflux developer entry points. See README.md.
SHELL := /bin/bash
CLUSTER := e2e/cluster

.PHONY: help test demo lint fmt cluster-up cluster-down cluster-build cluster-selftest services-up services-down crds

help: ## Show the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

test: ## fmt check, clippy, CRD drift, all tests incl. e2e against the test cluster (started if needed)
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --locked -- -D warnings
	$(CLUSTER)/with-cluster.sh cargo test --workspace --locked --no-fail-fast

demo: ## The GitOps loop on the test cluster: bootstrap from Git, push a change, undo drift (KEEP=1 keeps it running)
	e2e/demo/demo.sh

crds: ## Regenerate config/crd/bases from the Rust types (the tests fail when they drift)
	cargo run -q -p crdgen

lint: ## fmt check + clippy
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings

fmt: ## Format all Rust code
	cargo fmt --all

cluster-up: ## Start the local test cluster (etcd, kube-apiserver, controller-manager, scheduler, kwok)
	$(CLUSTER)/up.sh

cluster-down: ## Stop the test cluster and every test service; leaves no process or port behind
	$(CLUSTER)/down.sh

cluster-build: ## Build (or find cached) etcd, Kubernetes components and kwok from their Go modules
	$(CLUSTER)/build.sh

cluster-selftest: ## Check the cluster scripts' lifecycle on their own ports (parallel up, crash recovery, clean down)
	$(CLUSTER)/selftest.sh

services-up: ## (Re)start only the test services (Git HTTPS/HTTP/ssh, OCI registry); needs cluster-up once
	$(CLUSTER)/services.sh up

services-down: ## Stop only the test services
	$(CLUSTER)/services.sh down
