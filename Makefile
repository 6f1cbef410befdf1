# Ferroflux developer entry points. See README.md.
SHELL := /bin/bash
CLUSTER := e2e/cluster

.PHONY: help test demo lint fmt cluster-up cluster-down cluster-build cluster-selftest services-up services-down crds images push

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

# Images: one OCI image layout per controller under target/images, built by tools/imagebuild from
# the `controller` profile's binaries (no daemon, no base image). `make push` defaults to the test
# cluster's registry (plain HTTP on 127.0.0.1); give REGISTRY=host/prefix for a real one.
IMAGE_CONTROLLERS := source-controller kustomize-controller
VERSION ?= v$(shell cargo metadata --no-deps --format-version 1 | sed -n 's/.*"name":"ferroflux-cli","version":"\([^"]*\)".*/\1/p')
REVISION ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
TARGET_DIR ?= $(shell cargo metadata --no-deps --format-version 1 | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
REGISTRY ?= 127.0.0.1:$$(( $${FERROFLUX_PORT_BASE:-24000} + 500 ))/ferroflux
PUSH_FLAGS ?= $(if $(or $(findstring 127.0.0.1:,$(REGISTRY)),$(findstring localhost:,$(REGISTRY))),--plain-http,)

images: ## Build the controller images (OCI layouts in target/images; reproducible, no daemon)
	cargo build --locked --profile controller $(addprefix -p ,$(IMAGE_CONTROLLERS))
	cargo build --locked --release -p imagebuild
	$(TARGET_DIR)/release/imagebuild build --out $(TARGET_DIR)/images --version $(VERSION) --revision $(REVISION) \
	  $(foreach c,$(IMAGE_CONTROLLERS),$(c)=$(TARGET_DIR)/controller/$(c))

push: images ## Push the images to REGISTRY (default: the test cluster's registry); ferroflux install --registry REGISTRY uses them
	$(TARGET_DIR)/release/imagebuild push --out $(TARGET_DIR)/images --registry $(REGISTRY) --version $(VERSION) $(PUSH_FLAGS) $(IMAGE_CONTROLLERS)
