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
use ferroflux_runtime::reconcile::{self, Parsed, WatchScope};
use kube::ResourceExt;
use kube::runtime::controller::Config as ControllerConfig;
use kube::runtime::reflector::ObjectRef;

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

/// Serves artifacts and reconciles GitRepositories until shutdown (SIGTERM: the reconciliations
/// under way finish first).
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
    let scope = WatchScope::from_flags(&rt.flags);
    let driver = rt.driver();
    let shutdown = driver.shutdown.clone();
    let controller = reconcile::controller::<GitRepository>(&rt.client, &scope, &driver.shutdown);
    let ctx = Arc::new(Context {
        driver,
        storage,
        fetcher: ArtifactFetcher::new(DEFAULT_MAX_SIZE, 3),
        retention: storage_flags.artifact_retention_records.max(1),
    });
    // Reconcile the repositories that include a changed one, so their artifacts follow.
    let store = controller.store();
    let runs = ctx.driver.runs.clone();
    let includers = move |changed: Parsed<GitRepository>| {
        let (ns, name) = (changed.namespace(), changed.name_any());
        let woken: Vec<_> = store
            .state()
            .into_iter()
            .filter(|r| {
                r.namespace() == ns
                    && r.valid().is_some_and(|r| {
                        r.spec
                            .include
                            .iter()
                            .flatten()
                            .any(|i| i.repository.name == name)
                    })
            })
            .map(|r| ObjectRef::from_obj(r.as_ref()))
            .collect();
        for r in &woken {
            runs.forget(r.namespace.as_deref().unwrap_or_default(), &r.name);
        }
        woken
    };
    rt.readiness.set_ready();
    let results = controller
        .watches(scope.api(&rt.client), scope.watcher_config(), includers)
        .with_config(ControllerConfig::default().concurrency(rt.flags.concurrent))
        .run(git_repository::reconcile, git_repository::error_policy, ctx);
    shutdown
        .bounded(reconcile::drain(results), reconcile::GRACE_PERIOD)
        .await;
    Ok(())
}
