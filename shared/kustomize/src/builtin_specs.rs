//! Kustomize's built-in field specs as data: where labels, annotations and names live in the
//! built-in kinds, and which fields refer to objects of another kind by name.

use crate::fieldspec::FieldSpec;
use std::sync::OnceLock;

mod name_refs;

/// Fields that refer to objects of `kind` (and `group`) by name.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NameReference {
    /// The referred-to kind.
    pub kind: String,
    /// The referred-to group ("" matches any).
    #[serde(default)]
    pub group: String,
    /// The referred-to version (unused in matching).
    #[serde(default)]
    pub version: String,
    /// Where referrers hold the name.
    #[serde(rename = "fieldSpecs", default)]
    pub referrers: Vec<FieldSpec>,
}

/// The built-in name reference table.
pub fn name_references() -> &'static [NameReference] {
    static TABLE: OnceLock<Vec<NameReference>> = OnceLock::new();
    TABLE.get_or_init(name_refs::expand)
}

/// Where pod-template labels live (added by `labels` with includeTemplates, and commonLabels).
pub fn template_label_specs() -> Vec<FieldSpec> {
    vec![
        FieldSpec::new(
            "ReplicationController",
            "",
            "spec/template/metadata/labels",
            true,
        ),
        FieldSpec::new("Deployment", "", "spec/template/metadata/labels", true),
        FieldSpec::new("ReplicaSet", "", "spec/template/metadata/labels", true),
        FieldSpec::new("DaemonSet", "", "spec/template/metadata/labels", true),
        FieldSpec::new("StatefulSet", "apps", "spec/template/metadata/labels", true),
        FieldSpec::new("Job", "batch", "spec/template/metadata/labels", true),
        FieldSpec::new("CronJob", "batch", "spec/jobTemplate/metadata/labels", true),
        FieldSpec::new(
            "CronJob",
            "batch",
            "spec/jobTemplate/spec/template/metadata/labels",
            true,
        ),
    ]
}

/// Where selectors live (added by commonLabels and `labels` with includeSelectors).
pub fn selector_label_specs() -> Vec<FieldSpec> {
    let mut out = vec![
        FieldSpec::new("Service", "", "spec/selector", true),
        FieldSpec::new("ReplicationController", "", "spec/selector", true),
        FieldSpec::new("Deployment", "", "spec/selector/matchLabels", true),
    ];
    let affinity = [
        "spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
        "spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
        "spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
        "spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
        "spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels",
    ];
    out.extend(
        affinity
            .iter()
            .map(|p| FieldSpec::new("Deployment", "apps", p, false)),
    );
    out.push(FieldSpec::new(
        "ReplicaSet",
        "",
        "spec/selector/matchLabels",
        true,
    ));
    out.push(FieldSpec::new(
        "DaemonSet",
        "",
        "spec/selector/matchLabels",
        true,
    ));
    out.push(FieldSpec::new(
        "StatefulSet",
        "apps",
        "spec/selector/matchLabels",
        true,
    ));
    out.push(FieldSpec::new(
        "StatefulSet",
        "apps",
        "spec/volumeClaimTemplates[]/metadata/labels",
        true,
    ));
    out.extend(
        affinity
            .iter()
            .map(|p| FieldSpec::new("StatefulSet", "apps", p, false)),
    );
    out.extend([
        FieldSpec::new("Job", "batch", "spec/selector/matchLabels", false),
        FieldSpec::new(
            "CronJob",
            "batch",
            "spec/jobTemplate/spec/selector/matchLabels",
            false,
        ),
        FieldSpec::new(
            "PodDisruptionBudget",
            "policy",
            "spec/selector/matchLabels",
            false,
        ),
        FieldSpec::new(
            "NetworkPolicy",
            "networking.k8s.io",
            "spec/podSelector/matchLabels",
            false,
        ),
        FieldSpec::new(
            "NetworkPolicy",
            "networking.k8s.io",
            "spec/ingress/from/podSelector/matchLabels",
            false,
        ),
        FieldSpec::new(
            "NetworkPolicy",
            "networking.k8s.io",
            "spec/egress/to/podSelector/matchLabels",
            false,
        ),
    ]);
    out
}

/// Where annotations live (commonAnnotations).
pub fn annotation_specs() -> Vec<FieldSpec> {
    vec![
        FieldSpec::new("", "", "metadata/annotations", true),
        FieldSpec::new(
            "ReplicationController",
            "",
            "spec/template/metadata/annotations",
            true,
        ),
        FieldSpec::new("Deployment", "", "spec/template/metadata/annotations", true),
        FieldSpec::new("ReplicaSet", "", "spec/template/metadata/annotations", true),
        FieldSpec::new("DaemonSet", "", "spec/template/metadata/annotations", true),
        FieldSpec::new(
            "StatefulSet",
            "apps",
            "spec/template/metadata/annotations",
            true,
        ),
        FieldSpec::new("Job", "batch", "spec/template/metadata/annotations", true),
        FieldSpec::new(
            "CronJob",
            "batch",
            "spec/jobTemplate/metadata/annotations",
            true,
        ),
        FieldSpec::new(
            "CronJob",
            "batch",
            "spec/jobTemplate/spec/template/metadata/annotations",
            true,
        ),
    ]
}

/// Metadata labels on every object.
pub fn metadata_label_spec() -> FieldSpec {
    FieldSpec::new("", "", "metadata/labels", true)
}
