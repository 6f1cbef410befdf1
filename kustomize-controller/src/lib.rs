//! Ferroflux kustomize-controller: builds a source artifact's kustomization and keeps the cluster
//! equal to it with server-side apply, prune and health checks (Flux's `Kustomization` kind).

pub mod kustomization;

pub use kustomization::{Context, run};

use ferroflux_runtime::controller::{Runtime, init_logging};
use ferroflux_runtime::flags::ControllerFlags;
use ferroflux_runtime::reconcile::WatchScope;
use std::sync::Arc;

/// The binary name: server-side apply field manager and event reporter.
pub const CONTROLLER_NAME: &str = "kustomize-controller";

/// Starts the shared runtime (client, admin servers, leader election) and runs the reconciler
/// until SIGTERM.
pub async fn run_binary(flags: ControllerFlags) -> anyhow::Result<()> {
    init_logging(&flags);
    let runtime = Runtime::start(CONTROLLER_NAME, flags).await?;
    let scope = WatchScope::from_flags(&runtime.flags);
    let ctx = Context::new(runtime.driver(), runtime.config.clone());
    runtime.readiness.set_ready();
    run(Arc::new(ctx), scope, runtime.flags.concurrent).await;
    Ok(())
}
