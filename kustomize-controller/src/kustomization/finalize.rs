//! The cleanup of a deleted Kustomization, run by the driver before it removes the finalizer:
//! with `spec.prune` (and not suspended) the objects of the inventory are deleted; otherwise
//! they are left in the cluster (orphaned), as Flux does. A failed deletion keeps the
//! finalizer, and the driver retries with backoff.

use ferroflux_api::kustomize::v1::Kustomization;
use ferroflux_runtime::ssa::{self, DeleteOptions};
use kube::ResourceExt;

use super::Context;
use super::apply::{ApplyError, objects_of, owner_labels, resource_manager};
use super::prune::stale_objects;

/// Why the objects of a deleted Kustomization could not be deleted.
#[derive(Debug, thiserror::Error)]
pub enum GarbageCollectError {
    /// No client to delete with (impersonation could not be set up).
    #[error("garbage collection failed: {0}")]
    Client(#[source] ApplyError),
    /// Deleting failed.
    #[error("garbage collection failed: {0}")]
    Delete(#[source] ssa::Error),
}

/// Deletes the inventory of a deleted Kustomization when `spec.prune` asks for it.
pub async fn collect_garbage(ks: &Kustomization, ctx: &Context) -> Result<(), GarbageCollectError> {
    if !ks.spec.prune || ks.spec.suspend.unwrap_or(false) {
        return Ok(());
    }
    let inventory = objects_of(ks.status.as_ref().and_then(|s| s.inventory.as_ref()));
    // Deletion order: everything, then Namespaces and CRDs.
    let objects = stale_objects(&inventory, &[]);
    let rm = resource_manager(ks, ctx).map_err(GarbageCollectError::Client)?;
    let opts = DeleteOptions {
        required_labels: owner_labels(ks),
    };
    let changes = rm
        .delete_all(&objects, &opts)
        .await
        .map_err(GarbageCollectError::Delete)?;
    tracing::info!(name = %ks.name_any(), "garbage collected:\n{changes}");
    Ok(())
}
