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
//! does).

mod cluster;
mod controllers;
mod fixtures;
mod git;
mod namespace;
mod services;
mod wait;

pub use cluster::{TestEnv, cluster_dir, ensure_cluster, kubectl, workspace_root};
pub use controllers::{LocalControllers, install_crds};
pub use fixtures::{fixture, fixtures_dir};
pub use git::{GitServerRepo, WorkTree};
pub use namespace::{TEMP_NAMESPACE_LABEL, unique_name, with_temp_namespace};
pub use services::Services;
pub use wait::eventually;
