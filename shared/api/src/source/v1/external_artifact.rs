//! ExternalArtifact: an artifact produced by something other than source-controller
//! (e.g. an ArtifactGenerator), consumable like any source.

use kube_derive::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::meta::{Artifact, Condition, NamespacedObjectKindReference};

/// Desired state of an ExternalArtifact: only a pointer to its producer.
#[derive(CustomResource, Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    crates(kube_core = "::kube_core"),
    group = "source.toolkit.fluxcd.io",
    version = "v1",
    kind = "ExternalArtifact",
    plural = "externalartifacts",
    namespaced,
    status = "ExternalArtifactStatus",
    derive = "PartialEq",
    derive = "Default",
    doc = "ExternalArtifact is the Schema for the external artifacts API.",
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    ),
    printcolumn(
        name = "Ready",
        type_ = "string",
        json_path = ".status.conditions[?(@.type==\"Ready\")].status"
    ),
    printcolumn(
        name = "Status",
        type_ = "string",
        json_path = ".status.conditions[?(@.type==\"Ready\")].message"
    ),
    printcolumn(name = "Source", type_ = "string", json_path = ".spec.sourceRef.name")
)]
#[serde(rename_all = "camelCase")]
pub struct ExternalArtifactSpec {
    /// The object that generates this artifact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_ref: Option<NamespacedObjectKindReference>,
}

/// Observed state of an ExternalArtifact, written by its producer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExternalArtifactStatus {
    /// The artifact to consume.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact: Option<Artifact>,
    /// Conditions of the object.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
}

impl crate::meta::ObjectWithConditions for ExternalArtifact {
    fn conditions(&self) -> &[Condition] {
        self.status
            .as_ref()
            .map(|s| s.conditions.as_slice())
            .unwrap_or(&[])
    }
    fn conditions_mut(&mut self) -> &mut Vec<Condition> {
        &mut self.status.get_or_insert_with(Default::default).conditions
    }
    fn observed_generation(&self) -> Option<i64> {
        None
    }
    fn last_handled_reconcile_at(&self) -> Option<&str> {
        None
    }
    fn is_suspended(&self) -> bool {
        false
    }
    fn set_observed_generation(&mut self, _generation: Option<i64>) {
        // This kind's status has no observedGeneration.
    }
    fn set_last_handled_reconcile_at(&mut self, _requested_at: String) {
        // This kind's status has no lastHandledReconcileAt.
    }
}
