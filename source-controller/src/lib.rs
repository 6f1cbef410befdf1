//! Ferroflux source-controller: produces verified artifacts from Git repositories.

pub mod context;
pub mod git_repository;

use std::sync::Arc;

use ferroflux_api::source::v1::GitRepository;
use ferroflux_runtime::artifact::fetch::{ArtifactFetcher, DEFAULT_MAX_SIZE};
use ferroflux_runtime::artifact::server::file_server;
use ferroflux_runtime::artifact::storage::Storage;
use ferroflux_runtime::controller::Runtime;
use ferroflux_runtime::flags::StorageFlags;
use futures::StreamExt;
use kube::runtime::controller::{Config as ControllerConfig, Controller};
use kube::runtime::reflector::ObjectRef;
use kube::runtime::watcher;
use kube::{Api, ResourceExt};

use crate::context::Context;

/// The binary name: field manager and event reporter.
pub const CONTROLLER_NAME: &str = "source-controller";

/// Why the controller could not run.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The storage directory could not be created.
    #[error("creating storage directory: {0}")]
    CreateStorage(#[source] std::io::Error),
    /// The artifact file server could not bind.
    #[error("binding storage address: {0}")]
    BindStorageServer(#[source] std::io::Error),
}

/// Serves artifacts and reconciles GitRepositories until shutdown.
pub async fn run(rt: Runtime, storage_flags: StorageFlags) -> Result<(), RunError> {
    std::fs::create_dir_all(&storage_flags.storage_path).map_err(RunError::CreateStorage)?;
    let bound = ferroflux_runtime::admin::spawn_server(
        &storage_flags.storage_addr,
        file_server(storage_flags.storage_path.clone()),
    )
    .await
    .map_err(RunError::BindStorageServer)?;
    tracing::info!(%bound, "serving artifacts");
    let storage = Storage::new(
        &storage_flags.storage_path,
        &storage_flags.advertised_addr(),
    );
    let ctx = Arc::new(Context {
        client: rt.client.clone(),
        manager: rt.name.clone(),
        events: rt.events.clone(),
        metrics: rt.metrics.clone(),
        storage,
        fetcher: ArtifactFetcher::new(DEFAULT_MAX_SIZE, 3),
        retention: storage_flags.artifact_retention_records.max(1),
        retry: rt.flags.retry_backoff(),
    });
    let api: Api<GitRepository> = match rt.flags.watched_namespace() {
        Some(ns) => Api::namespaced(rt.client.clone(), &ns),
        None => Api::all(rt.client.clone()),
    };
    let mut watch_config = watcher::Config::default().any_semantic();
    if !rt.flags.watch_label_selector.is_empty() {
        watch_config = watch_config.labels(&rt.flags.watch_label_selector);
    }
    let controller = Controller::new(api.clone(), watch_config.clone());
    let store = controller.store();
    // Reconcile the repositories that include a changed one, so their artifacts follow.
    let includers = move |changed: GitRepository| {
        let (ns, name) = (changed.namespace(), changed.name_any());
        store
            .state()
            .into_iter()
            .filter(|r| {
                r.namespace() == ns
                    && r.spec
                        .include
                        .iter()
                        .flatten()
                        .any(|i| i.repository.name == name)
            })
            .map(|r| ObjectRef::from_obj(r.as_ref()))
            .collect::<Vec<_>>()
    };
    rt.readiness.set_ready();
    controller
        .watches(api, watch_config, includers)
        .with_config(ControllerConfig::default().concurrency(rt.flags.concurrent))
        .shutdown_on_signal()
        .run(git_repository::reconcile, git_repository::error_policy, ctx)
        .for_each(|_| futures::future::ready(()))
        .await;
    Ok(())
}
