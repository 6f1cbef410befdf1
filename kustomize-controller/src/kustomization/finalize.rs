//! The finalizer: added on first sight; on deletion the inventory is garbage-collected when
//! `spec.prune` is true (orphaned otherwise), then the finalizer is removed.

use ferroflux_api::kustomize::v1::Kustomization;
use ferroflux_api::meta::FINALIZER;
use ferroflux_runtime::ssa::DeleteOptions;
use kube::api::{Patch, PatchParams};
use kube::runtime::controller::Action;
use kube::{Api, ResourceExt};
use serde_json::json;
use std::time::Duration;

use super::apply::{objects_of, owner_labels, resource_manager};
use super::prune::stale_objects;
use super::{Context, ReconcileError};

/// Adds Flux's finalizer when missing.
pub async fn ensure_finalizer(
    ks: &Kustomization,
    api: &Api<Kustomization>,
) -> Result<(), ReconcileError> {
    if ks.finalizers().iter().any(|f| f == FINALIZER) {
        return Ok(());
    }
    let mut finalizers = ks.finalizers().to_vec();
    finalizers.push(FINALIZER.to_string());
    patch_finalizers(ks, api, finalizers).await
}

/// Cleans up a deleted Kustomization: prunes its inventory when `spec.prune` (and not suspended),
/// then removes the finalizer. A failed prune is retried; the finalizer stays until it succeeds.
pub async fn finalize(
    ks: &Kustomization,
    ctx: &Context,
    api: &Api<Kustomization>,
) -> Result<Action, ReconcileError> {
    if !ks.finalizers().iter().any(|f| f == FINALIZER) {
        return Ok(Action::await_change());
    }
    if ks.spec.prune && !ks.spec.suspend.unwrap_or(false) {
        let inventory = objects_of(ks.status.as_ref().and_then(|s| s.inventory.as_ref()));
        // Deletion order: everything, then Namespaces and CRDs.
        let objects = stale_objects(&inventory, &[]);
        let rm =
            resource_manager(ks, ctx).map_err(|e| ReconcileError::GarbageCollect(e.to_string()))?;
        let opts = DeleteOptions {
            required_labels: owner_labels(ks),
        };
        match rm.delete_all(&objects, &opts).await {
            Ok(changes) => tracing::info!(name = %ks.name_any(), "garbage collected:\n{changes}"),
            Err(e) => {
                tracing::error!(name = %ks.name_any(), error = %e, "garbage collection failed");
                return Ok(Action::requeue(Duration::from_secs(10)));
            }
        }
    }
    let finalizers = ks
        .finalizers()
        .iter()
        .filter(|f| *f != FINALIZER)
        .cloned()
        .collect();
    patch_finalizers(ks, api, finalizers).await?;
    Ok(Action::await_change())
}

async fn patch_finalizers(
    ks: &Kustomization,
    api: &Api<Kustomization>,
    finalizers: Vec<String>,
) -> Result<(), ReconcileError> {
    let patch = json!({"metadata": {"finalizers": finalizers}});
    api.patch(
        &ks.name_any(),
        &PatchParams::default(),
        &Patch::Merge(&patch),
    )
    .await
    .map_err(ReconcileError::Finalizer)?;
    Ok(())
}
