//! References to the Flux objects an Alert watches or a Receiver triggers.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A Flux object by kind and name (or `*` with labels), possibly in another namespace.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CrossNamespaceObjectReference {
    /// API version of the object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// Kind of the object; one of the Flux kinds.
    #[schemars(extend("enum" = [
        "Bucket", "GitRepository", "Kustomization", "HelmRelease", "HelmChart", "HelmRepository",
        "ImageRepository", "ImagePolicy", "ImageUpdateAutomation", "OCIRepository",
        "ArtifactGenerator", "ExternalArtifact"
    ]))]
    pub kind: String,
    /// Name of the object, or `*` for every object (optionally filtered by matchLabels).
    #[schemars(length(min = 1, max = 53))]
    pub name: String,
    /// Namespace of the object; the referrer's namespace when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 53))]
    pub namespace: Option<String>,
    /// Labels the objects must have; requires name `*`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_labels: Option<BTreeMap<String, String>>,
}
