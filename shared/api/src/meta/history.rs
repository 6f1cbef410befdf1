//! Reconciliation history kept in status (Flux's `meta.History`).

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One distinct desired state the controller reconciled, newest first in the history list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    /// Digest identifying this desired state (source revision and build inputs).
    pub digest: String,
    /// When this desired state was first reconciled.
    pub first_reconciled: Time,
    /// When this desired state was last reconciled.
    pub last_reconciled: Time,
    /// How long the last reconciliation took (Go duration).
    pub last_reconciled_duration: String,
    /// Outcome of the last reconciliation (a Ready reason).
    pub last_reconciled_status: String,
    /// How many times this desired state was reconciled.
    pub total_reconciliations: i64,
    /// Extra facts about the reconciliation, e.g. the source revision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<BTreeMap<String, String>>,
}
