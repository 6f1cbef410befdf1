//! Kustomize's built-in field specs as data: where labels, annotations and names live in the
//! built-in kinds, and which fields refer to objects of another kind by name.

use crate::fieldspec::FieldSpec;
use std::sync::OnceLock;

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

/// Workloads with a pod template, and the path to their pod spec.
const POD_SPEC_PATHS: &[(&str, &str)] = &[
    ("Pod", "spec"),
    ("PodTemplate", "template/spec"),
    ("Deployment", "spec/template/spec"),
    ("ReplicaSet", "spec/template/spec"),
    ("DaemonSet", "spec/template/spec"),
    ("StatefulSet", "spec/template/spec"),
    ("Job", "spec/template/spec"),
    ("CronJob", "spec/jobTemplate/spec/template/spec"),
];

const CONFIG_MAP_IN_POD: &[&str] = &[
    "volumes/configMap/name",
    "containers/env/valueFrom/configMapKeyRef/name",
    "initContainers/env/valueFrom/configMapKeyRef/name",
    "containers/envFrom/configMapRef/name",
    "initContainers/envFrom/configMapRef/name",
    "volumes/projected/sources/configMap/name",
];

const SECRET_IN_POD: &[&str] = &[
    "volumes/secret/secretName",
    "containers/env/valueFrom/secretKeyRef/name",
    "initContainers/env/valueFrom/secretKeyRef/name",
    "containers/envFrom/secretRef/name",
    "initContainers/envFrom/secretRef/name",
    "imagePullSecrets/name",
    "volumes/projected/sources/secret/name",
];

/// Kinds whose pod spec names a service account, PVC or priority class.
const POD_OWNERS: &[(&str, &str)] = &[
    ("Pod", "spec"),
    ("StatefulSet", "spec/template/spec"),
    ("Deployment", "spec/template/spec"),
    ("ReplicationController", "spec/template/spec"),
    ("CronJob", "spec/jobTemplate/spec/template/spec"),
    ("Job", "spec/template/spec"),
    ("DaemonSet", "spec/template/spec"),
];

fn fs(kind: &str, group: &str, path: &str) -> FieldSpec {
    FieldSpec::new(kind, group, path, false)
}

fn in_pods(table: &[(&str, &str)], rel: &[&str]) -> Vec<FieldSpec> {
    let mut out = Vec::new();
    for (kind, base) in table {
        for r in rel {
            out.push(fs(kind, "", &format!("{base}/{r}")));
        }
    }
    out
}

/// The built-in name reference table.
pub fn name_references() -> &'static [NameReference] {
    static TABLE: OnceLock<Vec<NameReference>> = OnceLock::new();
    TABLE.get_or_init(build_name_references)
}

fn build_name_references() -> Vec<NameReference> {
    let hpa = |k: &str| NameReference {
        kind: k.into(),
        group: String::new(),
        version: String::new(),
        referrers: vec![fs(
            "HorizontalPodAutoscaler",
            "",
            "spec/scaleTargetRef/name",
        )],
    };
    let mut cm = in_pods(POD_SPEC_PATHS, CONFIG_MAP_IN_POD);
    cm.extend([
        fs("Node", "", "spec/configSource/configMap"),
        fs("Role", "", "rules/resourceNames"),
        fs("ClusterRole", "", "rules/resourceNames"),
        fs(
            "Ingress",
            "",
            "metadata/annotations/nginx.ingress.kubernetes.io\\/fastcgi-params-configmap",
        ),
    ]);
    let mut secret = in_pods(POD_SPEC_PATHS, SECRET_IN_POD);
    secret.extend([
        fs("Ingress", "", "spec/tls/secretName"),
        fs(
            "Ingress",
            "",
            "metadata/annotations/ingress.kubernetes.io\\/auth-secret",
        ),
        fs(
            "Ingress",
            "",
            "metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret",
        ),
        fs(
            "Ingress",
            "",
            "metadata/annotations/nginx.ingress.kubernetes.io\\/auth-tls-secret",
        ),
        fs("ServiceAccount", "", "imagePullSecrets/name"),
        fs("StorageClass", "", "parameters/secretName"),
        fs("StorageClass", "", "parameters/adminSecretName"),
        fs("StorageClass", "", "parameters/userSecretName"),
        fs("StorageClass", "", "parameters/secretRef"),
        fs("Role", "", "rules/resourceNames"),
        fs("ClusterRole", "", "rules/resourceNames"),
        fs(
            "Service",
            "serving.knative.dev",
            "spec/template/spec/containers/env/valueFrom/secretKeyRef/name",
        ),
        fs("PersistentVolume", "", "spec/azureFile/secretName"),
    ]);
    let mut sa = vec![
        fs("RoleBinding", "rbac.authorization.k8s.io", "subjects"),
        fs(
            "ClusterRoleBinding",
            "rbac.authorization.k8s.io",
            "subjects",
        ),
    ];
    sa.extend(in_pods(POD_OWNERS, &["serviceAccountName"]));
    vec![
        hpa("Deployment"),
        hpa("ReplicationController"),
        hpa("ReplicaSet"),
        hpa("StatefulSet"),
        NameReference {
            kind: "ConfigMap".into(),
            group: "".into(),
            version: String::new(),
            referrers: cm,
        },
        NameReference {
            kind: "Secret".into(),
            group: "".into(),
            version: String::new(),
            referrers: secret,
        },
        NameReference {
            kind: "Service".into(),
            group: "".into(),
            version: String::new(),
            referrers: vec![
                fs("StatefulSet", "apps", "spec/serviceName"),
                fs("Ingress", "", "spec/rules/http/paths/backend/serviceName"),
                fs("Ingress", "", "spec/backend/serviceName"),
                fs("Ingress", "", "spec/rules/http/paths/backend/service/name"),
                fs("Ingress", "", "spec/defaultBackend/service/name"),
                fs("APIService", "apiregistration.k8s.io", "spec/service/name"),
                fs(
                    "ValidatingWebhookConfiguration",
                    "admissionregistration.k8s.io",
                    "webhooks/clientConfig/service",
                ),
                fs(
                    "MutatingWebhookConfiguration",
                    "admissionregistration.k8s.io",
                    "webhooks/clientConfig/service",
                ),
                fs("HTTPRoute", "", "spec/rules/backendRefs/name"),
            ],
        },
        NameReference {
            kind: "Role".into(),
            group: "rbac.authorization.k8s.io".into(),
            version: String::new(),
            referrers: vec![fs(
                "RoleBinding",
                "rbac.authorization.k8s.io",
                "roleRef/name",
            )],
        },
        NameReference {
            kind: "ClusterRole".into(),
            group: "rbac.authorization.k8s.io".into(),
            version: String::new(),
            referrers: vec![
                fs("RoleBinding", "rbac.authorization.k8s.io", "roleRef/name"),
                fs(
                    "ClusterRoleBinding",
                    "rbac.authorization.k8s.io",
                    "roleRef/name",
                ),
            ],
        },
        NameReference {
            kind: "ServiceAccount".into(),
            group: "".into(),
            version: String::new(),
            referrers: sa,
        },
        NameReference {
            kind: "PersistentVolumeClaim".into(),
            group: "".into(),
            version: String::new(),
            referrers: in_pods(POD_OWNERS, &["volumes/persistentVolumeClaim/claimName"]),
        },
        NameReference {
            kind: "PersistentVolume".into(),
            group: "".into(),
            version: String::new(),
            referrers: vec![
                fs("PersistentVolumeClaim", "", "spec/volumeName"),
                fs("ClusterRole", "", "rules/resourceNames"),
            ],
        },
        NameReference {
            kind: "StorageClass".into(),
            group: "storage.k8s.io".into(),
            version: String::new(),
            referrers: vec![
                fs("PersistentVolume", "", "spec/storageClassName"),
                fs("PersistentVolumeClaim", "", "spec/storageClassName"),
                fs(
                    "StatefulSet",
                    "",
                    "spec/volumeClaimTemplates/spec/storageClassName",
                ),
            ],
        },
        NameReference {
            kind: "PriorityClass".into(),
            group: "scheduling.k8s.io".into(),
            version: String::new(),
            referrers: in_pods(POD_OWNERS, &["priorityClassName"]),
        },
        NameReference {
            // kustomize's table names the group with its version, so this never matches a real
            // IngressClass; kept for parity.
            kind: "IngressClass".into(),
            group: "networking.k8s.io/v1".into(),
            version: String::new(),
            referrers: vec![fs("Ingress", "", "spec/ingressClassName")],
        },
    ]
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
