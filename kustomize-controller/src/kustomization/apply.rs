//! Apply step: label every object with its owner, server-side apply the set in stages, and
//! compute the new inventory.
//!
//! Sets no condition itself; its errors make `Ready=False` with reason `ReconciliationFailed`.

use ferroflux_api::kustomize::v1::{Kustomization, ResourceInventory, ResourceRef};
use ferroflux_api::meta as reasons;
use ferroflux_runtime::conditions::{ErrorKind, StepError};
use ferroflux_runtime::ssa::{
    self, Action, ApplyOptions, ChangeSet, CleanupOptions, ObjectRef, ResourceManager,
};
use kube::ResourceExt;
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Duration;

use super::Context;
use ferroflux_kustomize::flux;

/// The API group of Kustomization: owner labels and per-object annotations live under it.
pub const GROUP: &str = "kustomize.toolkit.fluxcd.io";
/// The owner labels every applied object gets (defined with the API types).
pub use ferroflux_api::kustomize::{NAME_LABEL, NAMESPACE_LABEL};

/// What failed while applying.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// A client impersonating `spec.serviceAccountName` could not be built.
    #[error("failed to impersonate service account '{account}': {reason}")]
    Impersonate {
        /// The service account.
        account: String,
        /// Why.
        reason: String,
    },
    /// The server refused the set (dry-run) or an object (apply). After a partial apply the
    /// message lists what had changed, as Flux's does.
    #[error("{}", describe_apply_error(.0))]
    ApplyObjects(#[from] ssa::Error),
}

impl ApplyError {
    /// The objects handled before the failure of a partial apply (none otherwise): they are
    /// on the cluster with this Kustomization's labels, so they belong in its inventory.
    pub fn applied_objects(&self) -> Vec<ObjectRef> {
        match self {
            ApplyError::ApplyObjects(ssa::Error::PartialApply { applied, .. }) => applied
                .entries
                .iter()
                .filter(|e| e.action != Action::Skipped)
                .map(|e| e.object.clone())
                .collect(),
            _ => Vec::new(),
        }
    }
}

fn describe_apply_error(err: &ssa::Error) -> String {
    match err {
        ssa::Error::PartialApply { applied, source } => {
            let changed: Vec<String> = applied
                .changes()
                .map(|e| format!("{} {}", e.object, e.action))
                .collect();
            if changed.is_empty() {
                source.to_string()
            } else {
                format!("{source}\n{}", changed.join("\n"))
            }
        }
        other => other.to_string(),
    }
}

impl StepError for ApplyError {
    fn reason(&self) -> &'static str {
        reasons::RECONCILIATION_FAILED_REASON
    }
    fn kind(&self) -> ErrorKind {
        ErrorKind::Generic
    }
}

/// The result of a successful apply.
pub struct Applied {
    /// What happened to each object.
    pub changes: ChangeSet,
    /// Every object of the set, for the inventory and health checks.
    pub objects: Vec<ObjectRef>,
}

impl Applied {
    /// The objects this apply is responsible for: all but the skipped ones (annotated
    /// `reconcile: disabled` or `ssa: Ignore`, which may not even exist).
    pub fn reconciled(&self) -> Vec<ObjectRef> {
        let entries = self.changes.entries.iter();
        entries
            .filter(|e| e.action != Action::Skipped)
            .map(|e| e.object.clone())
            .collect()
    }
}

/// The owner labels of objects applied by `ks` (shared with `ferroflux build kustomization`).
pub fn owner_labels(ks: &Kustomization) -> BTreeMap<String, String> {
    flux::owner_labels(&ks.name_any(), &ks.namespace().unwrap_or_default())
}

/// The resource manager acting for `ks`: impersonating `spec.serviceAccountName` when set.
pub fn resource_manager(ks: &Kustomization, ctx: &Context) -> Result<ResourceManager, ApplyError> {
    match &ks.spec.service_account_name {
        None => Ok(ctx.resources.clone()),
        Some(account) => {
            let mut config = ctx.config.clone();
            let namespace = ks.namespace().unwrap_or_default();
            config.auth_info.impersonate =
                Some(format!("system:serviceaccount:{namespace}:{account}"));
            let client = kube::Client::try_from(config).map_err(|e| ApplyError::Impersonate {
                account: account.clone(),
                reason: e.to_string(),
            })?;
            Ok(ctx.resources.with_client(client))
        }
    }
}

/// Labels every object with its owner and applies the set (CRDs, Namespaces and cluster RBAC
/// first). Nothing changes when any object is refused by the dry-run.
pub async fn apply_objects(
    ks: &Kustomization,
    rm: &ResourceManager,
    mut objects: Vec<Value>,
    timeout: Duration,
) -> Result<Applied, ApplyError> {
    flux::set_owner_labels(
        &mut objects,
        &ks.name_any(),
        &ks.namespace().unwrap_or_default(),
    );
    let opts = ApplyOptions {
        force: ks.spec.force.unwrap_or(false),
        wait_timeout: timeout,
        // Take over fields left by kubectl, as Flux does (objects annotated `ssa: Merge` excepted).
        cleanup: CleanupOptions::flux_defaults(&rm.owner().field_manager),
    };
    let changes = rm.apply_all_staged(&objects, &opts).await?;
    let objects = changes.entries.iter().map(|e| e.object.clone()).collect();
    Ok(Applied { changes, objects })
}

/// The inventory recording `objects`, sorted by id as Flux does.
pub fn inventory_of(objects: &[ObjectRef]) -> ResourceInventory {
    let mut entries: Vec<ResourceRef> = objects
        .iter()
        .map(|o| ResourceRef {
            id: o.inventory_id(),
            v: o.version.clone(),
        })
        .collect();
    // Stable sort: of two entries for one object, the first given is kept.
    entries.sort_by(|a, b| a.id.cmp(&b.id));
    entries.dedup_by(|later, first| later.id == first.id);
    ResourceInventory { entries }
}

/// The objects recorded in an inventory.
pub fn objects_of(inventory: Option<&ResourceInventory>) -> Vec<ObjectRef> {
    inventory
        .map(|i| {
            i.entries
                .iter()
                .filter_map(|e| ObjectRef::from_inventory_id(&e.id, &e.v))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inventory_round_trips_and_is_sorted() {
        let r = |ns: &str, name: &str, group: &str, kind: &str| ObjectRef {
            group: group.into(),
            version: "v1".into(),
            kind: kind.into(),
            namespace: ns.into(),
            name: name.into(),
        };
        let objects = vec![
            r("apps", "web", "apps", "Deployment"),
            r("", "apps", "", "Namespace"),
        ];
        let inventory = inventory_of(&objects);
        let ids: Vec<&str> = inventory.entries.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["_apps__Namespace", "apps_web_apps_Deployment"]);
        let mut back = objects_of(Some(&inventory));
        back.sort();
        let mut want = objects;
        want.sort();
        assert_eq!(back, want);
    }
}
