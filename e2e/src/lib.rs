//! The Ferroflux test cluster harness.
//!
//! A real control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok's
//! simulated nodes) plus test services (a Git server over HTTPS, HTTP and ssh, and an OCI registry),
//! all on 127.0.0.1, started by `e2e/cluster/up.sh`. Tests in any crate dev-depend on this crate:
//!
//! ```no_run
//! # async fn example() {
//! let env = ferroflux_e2e::ensure_cluster(); // starts the cluster once (idempotent, flock-guarded)
//! let client = env.client().await;           // a new kube::Client for this test's runtime
//! ferroflux_e2e::with_temp_namespace(|client, ns| async move {
//!     // create objects in `ns`; the namespace is deleted afterwards, even on panic
//! })
//! .await;
//! let repo = env.services().create_repo("podinfo");
//! repo.commit_files(&[("deploy/cm.yaml", "kind: ConfigMap\n")], "add manifests");
//! # }
//! ```
//!
//! For the whole GitOps loop, [`LocalControllers::start`] runs Ferroflux's source-controller and
//! kustomize-controller as local processes reconciling one namespace (they must be built first:
//! `cargo build -p source-controller -p kustomize-controller`, which `cargo test --workspace`
//! does), and [`Gitops`] adds a Git repository and a GitRepository following it.
//!
//! Every crate's tests take their shared pieces from here, so there is one of each: the Flux CRDs
//! ([`install_crds`]), the fixture repositories ([`fixtures_dir`]), objects and manifests
//! ([`apply`], [`api_resource`], [`config_map`]), and the `ferroflux` command ([`ferroflux`]).

mod cli;
mod cluster;
mod controllers;
mod crds;
mod fixtures;
mod git;
mod gitops;
mod namespace;
mod objects;
mod services;
mod wait;

pub use cli::{Run, ferroflux, ferroflux_raw};
pub use cluster::{TestEnv, cluster_dir, ensure_cluster, kubectl, workspace_root};
pub use controllers::LocalControllers;
pub use crds::{FIELD_MANAGER, install_crds};
pub use fixtures::{
    files_under, fixture, fixtures_dir, flux_example_documents, yaml_documents, yaml_files,
};
pub use git::{GitServerRepo, WorkTree};
pub use gitops::{Gitops, SOURCE, WAIT, inventory_ids, kustomization_ready};
pub use namespace::{TEMP_NAMESPACE_LABEL, unique_name, with_temp_namespace};
pub use objects::{
    ClusterCleanup, api_resource, apply, config_map, deployment, merge_json, ready_condition,
    request_reconcile, set_status,
};
pub use services::Services;
pub use wait::eventually;
