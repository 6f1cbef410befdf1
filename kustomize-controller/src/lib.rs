//! Ferroflux kustomize-controller: builds a source artifact's kustomization and keeps the cluster
//! equal to it with server-side apply, prune and health checks (Flux's `Kustomization` kind).

pub mod kustomization;

pub use kustomization::{Context, run};

use ferroflux_runtime::controller::{Runtime, init_logging};
use ferroflux_runtime::flags::ControllerFlags;
use std::sync::Arc;

/// The binary name: server-side apply field manager and event reporter.
pub const CONTROLLER_NAME: &str = "kustomize-controller";

/// Starts the shared runtime (client, admin servers, leader election) and runs the reconciler.
pub async fn run_binary(flags: ControllerFlags) -> anyhow::Result<()> {
    init_logging(&flags);
    let namespace = flags.watched_namespace();
    let config = kustomization::kube_config(&flags).await?;
    let concurrency = flags.concurrent;
    let label_selector = flags.watch_label_selector.clone();
    let runtime = Runtime::start(CONTROLLER_NAME, flags).await?;
    let ctx = Context::new(runtime.client.clone(), config)
        .with_events(runtime.events.clone())
        .with_metrics(runtime.metrics.clone());
    runtime.readiness.set_ready();
    run(Arc::new(ctx), namespace, &label_selector, concurrency).await;
    Ok(())
}
