//! The artifact a source produces and consumers download.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The output of a source reconciliation: a tarball served over HTTP by source-controller.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Artifact {
    /// Path of the file relative to the storage root, `<kind>/<namespace>/<name>/<file>`.
    pub path: String,
    /// HTTP address from which the artifact can be downloaded.
    pub url: String,
    /// Human-readable identifier of what was packed, e.g. `main@sha1:<hex>` or a chart version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
    /// Digest of the file, `<algorithm>:<checksum>` (e.g. `sha256:<hex>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$"))]
    pub digest: Option<String>,
    /// When the artifact was last replaced in storage.
    pub last_update_time: Time,
    /// Size of the file in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<i64>,
    /// Free-form metadata about the artifact, e.g. OCI annotations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<BTreeMap<String, String>>,
}

impl Artifact {
    /// True when both artifacts name the same content (same digest, or the same revision when
    /// either digest is missing).
    pub fn has_same_content(&self, other: &Artifact) -> bool {
        match (&self.digest, &other.digest) {
            (Some(a), Some(b)) => a == b,
            _ => self.revision == other.revision,
        }
    }
}
