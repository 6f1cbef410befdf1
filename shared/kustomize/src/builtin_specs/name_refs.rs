//! The built-in name reference table as data, laid out like kustomize's own: for each referred-to
//! kind (and group), the referrer fields that hold its name. Fields inside a pod spec are written
//! once, relative to the pod spec, and expanded for every workload kind that has one.

use super::NameReference;
use crate::fieldspec::FieldSpec;

/// Where referrers hold a name.
enum Referrers {
    /// Explicit fields: referring kind, its group, the path to the name.
    Fields(&'static [(&'static str, &'static str, &'static str)]),
    /// Paths relative to the pod spec of every kind in a table (kind, path to its pod spec).
    InPodSpecs(
        &'static [(&'static str, &'static str)],
        &'static [&'static str],
    ),
}

use Referrers::{Fields, InPodSpecs};

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

const HPA: &[Referrers] = &[Fields(&[(
    "HorizontalPodAutoscaler",
    "",
    "spec/scaleTargetRef/name",
)])];

const RBAC: &str = "rbac.authorization.k8s.io";
const WEBHOOKS: &str = "admissionregistration.k8s.io";

/// Referred-to kind, its group ("" matches any), and its referrers, in kustomize's order.
const TABLE: &[(&str, &str, &[Referrers])] = &[
    ("Deployment", "", HPA),
    ("ReplicationController", "", HPA),
    ("ReplicaSet", "", HPA),
    ("StatefulSet", "", HPA),
    (
        "ConfigMap",
        "",
        &[
            InPodSpecs(POD_SPEC_PATHS, CONFIG_MAP_IN_POD),
            Fields(&[
                ("Node", "", "spec/configSource/configMap"),
                ("Role", "", "rules/resourceNames"),
                ("ClusterRole", "", "rules/resourceNames"),
                (
                    "Ingress",
                    "",
                    "metadata/annotations/nginx.ingress.kubernetes.io\\/fastcgi-params-configmap",
                ),
            ]),
        ],
    ),
    (
        "Secret",
        "",
        &[
            InPodSpecs(POD_SPEC_PATHS, SECRET_IN_POD),
            Fields(&[
                ("Ingress", "", "spec/tls/secretName"),
                (
                    "Ingress",
                    "",
                    "metadata/annotations/ingress.kubernetes.io\\/auth-secret",
                ),
                (
                    "Ingress",
                    "",
                    "metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret",
                ),
                (
                    "Ingress",
                    "",
                    "metadata/annotations/nginx.ingress.kubernetes.io\\/auth-tls-secret",
                ),
                ("ServiceAccount", "", "imagePullSecrets/name"),
                ("StorageClass", "", "parameters/secretName"),
                ("StorageClass", "", "parameters/adminSecretName"),
                ("StorageClass", "", "parameters/userSecretName"),
                ("StorageClass", "", "parameters/secretRef"),
                ("Role", "", "rules/resourceNames"),
                ("ClusterRole", "", "rules/resourceNames"),
                (
                    "Service",
                    "serving.knative.dev",
                    "spec/template/spec/containers/env/valueFrom/secretKeyRef/name",
                ),
                ("PersistentVolume", "", "spec/azureFile/secretName"),
            ]),
        ],
    ),
    (
        "Service",
        "",
        &[Fields(&[
            ("StatefulSet", "apps", "spec/serviceName"),
            ("Ingress", "", "spec/rules/http/paths/backend/serviceName"),
            ("Ingress", "", "spec/backend/serviceName"),
            ("Ingress", "", "spec/rules/http/paths/backend/service/name"),
            ("Ingress", "", "spec/defaultBackend/service/name"),
            ("APIService", "apiregistration.k8s.io", "spec/service/name"),
            (
                "ValidatingWebhookConfiguration",
                WEBHOOKS,
                "webhooks/clientConfig/service",
            ),
            (
                "MutatingWebhookConfiguration",
                WEBHOOKS,
                "webhooks/clientConfig/service",
            ),
            ("HTTPRoute", "", "spec/rules/backendRefs/name"),
        ])],
    ),
    (
        "Role",
        RBAC,
        &[Fields(&[("RoleBinding", RBAC, "roleRef/name")])],
    ),
    (
        "ClusterRole",
        RBAC,
        &[Fields(&[
            ("RoleBinding", RBAC, "roleRef/name"),
            ("ClusterRoleBinding", RBAC, "roleRef/name"),
        ])],
    ),
    (
        "ServiceAccount",
        "",
        &[
            Fields(&[
                ("RoleBinding", RBAC, "subjects"),
                ("ClusterRoleBinding", RBAC, "subjects"),
            ]),
            InPodSpecs(POD_OWNERS, &["serviceAccountName"]),
        ],
    ),
    (
        "PersistentVolumeClaim",
        "",
        &[InPodSpecs(
            POD_OWNERS,
            &["volumes/persistentVolumeClaim/claimName"],
        )],
    ),
    (
        "PersistentVolume",
        "",
        &[Fields(&[
            ("PersistentVolumeClaim", "", "spec/volumeName"),
            ("ClusterRole", "", "rules/resourceNames"),
        ])],
    ),
    (
        "StorageClass",
        "storage.k8s.io",
        &[Fields(&[
            ("PersistentVolume", "", "spec/storageClassName"),
            ("PersistentVolumeClaim", "", "spec/storageClassName"),
            (
                "StatefulSet",
                "",
                "spec/volumeClaimTemplates/spec/storageClassName",
            ),
        ])],
    ),
    (
        "PriorityClass",
        "scheduling.k8s.io",
        &[InPodSpecs(POD_OWNERS, &["priorityClassName"])],
    ),
    // kustomize's table names the group with its version, so this never matches a real
    // IngressClass; kept for parity.
    (
        "IngressClass",
        "networking.k8s.io/v1",
        &[Fields(&[("Ingress", "", "spec/ingressClassName")])],
    ),
];

/// The table with every pod-spec path expanded to one field spec per workload kind.
pub(super) fn expand() -> Vec<NameReference> {
    TABLE
        .iter()
        .map(|(kind, group, referrers)| NameReference {
            kind: (*kind).into(),
            group: (*group).into(),
            version: String::new(),
            referrers: referrers.iter().flat_map(field_specs).collect(),
        })
        .collect()
}

fn field_specs(r: &Referrers) -> Vec<FieldSpec> {
    match r {
        Fields(fields) => fields
            .iter()
            .map(|(kind, group, path)| FieldSpec::new(kind, group, path, false))
            .collect(),
        InPodSpecs(owners, rel) => owners
            .iter()
            .flat_map(|(kind, base)| {
                rel.iter()
                    .map(move |r| FieldSpec::new(kind, "", &format!("{base}/{r}"), false))
            })
            .collect(),
    }
}
