//! Prune step: delete the objects of the previous inventory that are not in the new set.
//!
//! Runs only after a complete, successful apply and only with `spec.prune: true`. Objects
//! annotated `kustomize.toolkit.fluxcd.io/prune: disabled`, or no longer carrying this
//! Kustomization's owner labels, are kept. Sets no condition itself; its errors make
//! `Ready=False` with reason `PruneFailed`.

use ferroflux_api::kustomize::v1::Kustomization;
use ferroflux_api::meta as reasons;
use ferroflux_runtime::conditions::{ErrorKind, StepError};
use ferroflux_runtime::ssa::{self, ChangeSet, DeleteOptions, ObjectRef, ResourceManager};
use std::collections::BTreeSet;

use super::apply::owner_labels;

/// What failed while pruning.
#[derive(Debug, thiserror::Error)]
pub enum PruneError {
    /// Deleting stale objects failed.
    #[error("prune failed: {0}")]
    DeleteObjects(#[from] ssa::Error),
}

impl StepError for PruneError {
    fn reason(&self) -> &'static str {
        reasons::PRUNE_FAILED_REASON
    }
    fn kind(&self) -> ErrorKind {
        ErrorKind::Generic
    }
}

/// The objects in `old` that are not in `new` (compared without version, as Flux does).
pub fn stale_objects(old: &[ObjectRef], new: &[ObjectRef]) -> Vec<ObjectRef> {
    let key = |o: &ObjectRef| o.inventory_id();
    let current: BTreeSet<String> = new.iter().map(key).collect();
    // Namespaces last, so their content is deleted through the API first.
    let mut stale: Vec<ObjectRef> = old
        .iter()
        .filter(|o| !current.contains(&key(o)))
        .cloned()
        .collect();
    stale.sort_by_key(|o| {
        (
            o.kind == "Namespace" || o.kind == "CustomResourceDefinition",
            key(o),
        )
    });
    stale
}

/// Deletes `stale` objects owned by `ks` (see the module doc for what is kept).
pub async fn prune_stale_objects(
    ks: &Kustomization,
    rm: &ResourceManager,
    stale: &[ObjectRef],
) -> Result<ChangeSet, PruneError> {
    let opts = DeleteOptions {
        required_labels: owner_labels(ks),
    };
    Ok(rm.delete_all(stale, &opts).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(kind: &str, name: &str) -> ObjectRef {
        ObjectRef {
            group: String::new(),
            version: "v1".into(),
            kind: kind.into(),
            namespace: if kind == "Namespace" {
                String::new()
            } else {
                "ns".into()
            },
            name: name.into(),
        }
    }

    #[test]
    fn stale_objects_are_the_old_ones_missing_from_the_new_set() {
        let old = vec![
            r("Namespace", "ns"),
            r("ConfigMap", "a"),
            r("ConfigMap", "b"),
        ];
        let mut moved = r("ConfigMap", "b");
        moved.version = "v2".into();
        let new = vec![moved];
        assert_eq!(
            stale_objects(&old, &new),
            vec![r("ConfigMap", "a"), r("Namespace", "ns")]
        );
        assert!(stale_objects(&[], &new).is_empty());
    }
}
