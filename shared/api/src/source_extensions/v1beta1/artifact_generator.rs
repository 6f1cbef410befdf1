//! ArtifactGenerator: builds ExternalArtifacts by copying files out of one or more sources.

use kube_derive::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::meta::{Condition, ReconcileRequestStatus};

/// Desired state of an ArtifactGenerator: input sources and the artifacts composed from them.
#[derive(CustomResource, Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    crates(kube_core = "::kube_core"),
    group = "source.extensions.fluxcd.io",
    version = "v1beta1",
    kind = "ArtifactGenerator",
    plural = "artifactgenerators",
    namespaced,
    status = "ArtifactGeneratorStatus",
    derive = "PartialEq",
    derive = "Default",
    doc = "ArtifactGenerator is the Schema for the artifactgenerators API."
)]
#[serde(rename_all = "camelCase")]
pub struct ArtifactGeneratorSpec {
    /// Sources the artifacts are built from, each with an alias.
    #[schemars(length(min = 1, max = 1000))]
    pub sources: Vec<SourceReference>,
    /// Artifacts to generate; one ExternalArtifact each.
    #[serde(rename = "artifacts")]
    #[schemars(length(min = 1, max = 1000))]
    pub output_artifacts: Vec<OutputArtifact>,
}

/// An input source and the alias copy operations use for it (`@<alias>/...`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SourceReference {
    /// Alias of the source, unique in the generator.
    #[schemars(regex(pattern = r"^[a-z0-9]([a-z0-9_-]*[a-z0-9])?$"), length(max = 63))]
    pub alias: String,
    /// Name of the source.
    #[schemars(regex(pattern = r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$"), length(max = 253))]
    pub name: String,
    /// Namespace of the source; the generator's namespace when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        regex(pattern = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"),
        length(min = 1, max = 63)
    )]
    pub namespace: Option<String>,
    /// `Bucket`, `GitRepository` or `OCIRepository`.
    #[schemars(extend("enum" = ["Bucket", "GitRepository", "OCIRepository"]))]
    pub kind: String,
}

/// One generated artifact: its name and the copy operations that fill it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OutputArtifact {
    /// Name of the generated ExternalArtifact.
    #[schemars(regex(pattern = r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$"), length(max = 253))]
    pub name: String,
    /// `@<alias>`: take the revision of that source; the content digest when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        regex(pattern = r"^@([a-z0-9]([a-z0-9_-]*[a-z0-9])?)$"),
        length(max = 64)
    )]
    pub revision: Option<String>,
    /// `@<alias>`: record that source's origin revision in the artifact metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        regex(pattern = r"^@([a-z0-9]([a-z0-9_-]*[a-z0-9])?)$"),
        length(max = 64)
    )]
    pub origin_revision: Option<String>,
    /// Copy operations, applied in order (later ones overwrite earlier files).
    #[schemars(length(min = 1))]
    pub copy: Vec<CopyOperation>,
}

/// Copies files matched by a glob from a source into the artifact.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CopyOperation {
    /// `@<alias>/<glob>`: the files to copy.
    #[schemars(
        regex(pattern = r"^@([a-z0-9]([a-z0-9_-]*[a-z0-9])?)/(.*)$"),
        length(max = 1024)
    )]
    pub from: String,
    /// `@artifact/<path>`: where to put them in the artifact.
    #[schemars(regex(pattern = r"^@(artifact)/(.*)$"), length(max = 1024))]
    pub to: String,
    /// Globs excluding some of the matched files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 100))]
    pub exclude: Option<Vec<String>>,
    /// `Overwrite` (the default) or `Merge` (merge YAML files like Helm values).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("enum" = ["Overwrite", "Merge"]))]
    pub strategy: Option<String>,
}

/// Observed state of an ArtifactGenerator.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ArtifactGeneratorStatus {
    /// Last handled `reconcile.fluxcd.io/requestedAt` value.
    #[serde(flatten)]
    pub reconcile_request: ReconcileRequestStatus,
    /// Conditions of the object.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    /// The ExternalArtifacts generated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inventory: Option<Vec<ExternalArtifactReference>>,
    /// Digest of the state of all input sources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_sources_digest: Option<String>,
}

/// A generated ExternalArtifact and its digest.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExternalArtifactReference {
    /// Name of the ExternalArtifact.
    pub name: String,
    /// Namespace of the ExternalArtifact.
    pub namespace: String,
    /// Digest of its artifact.
    pub digest: String,
    /// File name of its artifact.
    pub filename: String,
}

impl crate::meta::ObjectWithConditions for ArtifactGenerator {
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
        self.status
            .as_ref()?
            .reconcile_request
            .last_handled_reconcile_at
            .as_deref()
    }
    fn is_suspended(&self) -> bool {
        false
    }
    fn set_observed_generation(&mut self, _generation: Option<i64>) {
        // This kind's status has no observedGeneration.
    }
    fn set_last_handled_reconcile_at(&mut self, requested_at: String) {
        self.status
            .get_or_insert_with(Default::default)
            .reconcile_request
            .last_handled_reconcile_at = Some(requested_at);
    }
}
