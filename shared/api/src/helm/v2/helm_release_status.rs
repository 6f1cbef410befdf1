//! Observed state of a HelmRelease: release history, failure counters, inventory.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::kustomize::v1::ResourceInventory;
use crate::meta::{Condition, ReconcileRequestStatus};

/// Observed state of a HelmRelease.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HelmReleaseStatus {
    /// Last generation the controller reconciled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// Digest of the post-renderers of the last successful reconciliation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_post_renderers_digest: Option<String>,
    /// Last generation the controller attempted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_attempted_generation: Option<i64>,
    /// Conditions of the object (Ready, Released, TestSuccess, Remediated, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    /// `<namespace>/<name>` of the HelmChart created for this release.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub helm_chart: Option<String>,
    /// Namespace of the Helm storage of the current release.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 63))]
    pub storage_namespace: Option<String>,
    /// Helm releases made for this object, newest first, down to the last successful one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<ReleaseSnapshot>>,
    /// The last Helm action attempted: `install` or `upgrade`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("enum" = ["install", "upgrade"]))]
    pub last_attempted_release_action: Option<String>,
    /// Failed reconciliations against the current desired state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failures: Option<i64>,
    /// Failed installs against the current desired state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub install_failures: Option<i64>,
    /// Failed upgrades against the current desired state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upgrade_failures: Option<i64>,
    /// Chart revision of the last attempt (OCI: version plus `+<12 hex of digest>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_attempted_revision: Option<String>,
    /// Digest of the chart artifact of the last attempt (OCI sources).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_attempted_revision_digest: Option<String>,
    /// Deprecated: SHA1 of the values of the last attempt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_attempted_values_checksum: Option<String>,
    /// Deprecated: revision of the last successful release.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_release_revision: Option<i64>,
    /// Digest of the values of the last attempt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_attempted_config_digest: Option<String>,
    /// Last handled `reconcile.fluxcd.io/forceAt` value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_handled_force_at: Option<String>,
    /// Last handled `reconcile.fluxcd.io/resetAt` value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_handled_reset_at: Option<String>,
    /// Objects of the current release.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inventory: Option<ResourceInventory>,
    /// Last handled `reconcile.fluxcd.io/requestedAt` value.
    #[serde(flatten)]
    pub reconcile_request: ReconcileRequestStatus,
}

/// A point-in-time copy of one Helm release's metadata.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReleaseSnapshot {
    /// Version of the snapshot format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// Digest of the release object in storage, `<algo>:<checksum>`.
    pub digest: String,
    /// Release name.
    pub name: String,
    /// Namespace the release is deployed to.
    pub namespace: String,
    /// Release version (Helm revision).
    pub version: i64,
    /// Helm status of the release (`deployed`, `superseded`, `failed`, ...).
    pub status: String,
    /// Chart name.
    pub chart_name: String,
    /// Chart version.
    pub chart_version: String,
    /// Digest of the release values, `<algo>:<checksum>`.
    pub config_digest: String,
    /// When the release was first deployed.
    pub first_deployed: Time,
    /// When the release was last deployed.
    pub last_deployed: Time,
    /// When the release was deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<Time>,
    /// Test hooks run for this release, by name; empty when the chart has no tests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_hooks: Option<BTreeMap<String, TestHookStatus>>,
    /// Digest of the OCI artifact the chart came from.
    #[serde(default, rename = "ociDigest", skip_serializing_if = "Option::is_none")]
    pub oci_digest: Option<String>,
}

/// What the controller saw of one test hook.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TestHookStatus {
    /// When the hook last started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_started: Option<Time>,
    /// When the hook last completed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_completed: Option<Time>,
    /// Phase the hook was seen in (`Succeeded`, `Failed`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
}

impl HelmReleaseStatus {
    /// The newest release snapshot, if any.
    pub fn latest_snapshot(&self) -> Option<&ReleaseSnapshot> {
        self.history.as_ref()?.iter().max_by_key(|s| s.version)
    }
}
