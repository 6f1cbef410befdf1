//! Observed state of a Kustomization: what was applied and the inventory used for pruning.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::meta::{Condition, ReconcileRequestStatus, Snapshot};

/// Observed state of a Kustomization.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct KustomizationStatus {
    /// Last handled `reconcile.fluxcd.io/requestedAt` value.
    #[serde(flatten)]
    pub reconcile_request: ReconcileRequestStatus,
    /// Last generation the controller reconciled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// Conditions of the object (Ready, Reconciling, Stalled, Healthy).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    /// Source revision last applied successfully.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_applied_revision: Option<String>,
    /// Revision of the source artifact used by the last attempt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_attempted_revision: Option<String>,
    /// Origin revision (e.g. the Git commit behind a generated artifact) last applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_applied_origin_revision: Option<String>,
    /// Objects applied by the last successful reconciliation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inventory: Option<ResourceInventory>,
    /// Recent distinct desired states reconciled, newest first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<Snapshot>>,
}

/// The set of objects a Kustomization applied.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResourceInventory {
    /// One entry per applied object.
    #[serde(default)]
    pub entries: Vec<ResourceRef>,
}

/// One applied object: its identity and API version.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResourceRef {
    /// `<namespace>_<name>_<group>_<kind>` (namespace and group may be empty).
    pub id: String,
    /// API version of the object.
    pub v: String,
}

impl ResourceRef {
    /// Builds the inventory id Flux uses: `<namespace>_<name>_<group>_<kind>`.
    pub fn make_id(namespace: &str, name: &str, group: &str, kind: &str) -> String {
        format!("{namespace}_{name}_{group}_{kind}")
    }
}

impl crate::kustomize::v1::Kustomization {
    /// The inventory entries in status; empty when nothing was applied.
    pub fn inventory_entries(&self) -> &[ResourceRef] {
        self.status
            .as_ref()
            .and_then(|s| s.inventory.as_ref())
            .map(|i| i.entries.as_slice())
            .unwrap_or(&[])
    }
}
