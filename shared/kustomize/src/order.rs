//! Output order: kustomize's "legacy" order (by kind, then group/version/kind text, then
//! namespace and name) or "fifo" (as loaded).

use crate::kustomization::SortOptions;
use crate::resource::Resource;

const ORDER_FIRST: &[&str] = &[
    "Namespace",
    "ResourceQuota",
    "StorageClass",
    "CustomResourceDefinition",
    "ServiceAccount",
    "PodSecurityPolicy",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "ConfigMap",
    "Secret",
    "Endpoints",
    "Service",
    "LimitRange",
    "PriorityClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "Deployment",
    "StatefulSet",
    "CronJob",
    "PodDisruptionBudget",
];
const ORDER_LAST: &[&str] = &[
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

fn rank(kind: &str, first: &[String], last: &[String]) -> i64 {
    if let Some(i) = first.iter().position(|k| k == kind) {
        return i as i64 - first.len() as i64;
    }
    if let Some(i) = last.iter().position(|k| k == kind) {
        return 1 + i as i64;
    }
    0
}

fn gvk_text(r: &Resource) -> String {
    let id = r.id();
    let g = if id.group.is_empty() { "~G" } else { &id.group };
    let v = if id.version.is_empty() {
        "~V"
    } else {
        &id.version
    };
    format!("{g}_{v}_{}", id.kind)
}

fn namespace_key(r: &Resource) -> String {
    let ns = r.namespace();
    if ns.is_empty() {
        "~X".to_string()
    } else {
        ns.to_string()
    }
}

/// Sort the objects for output.
pub fn sort(resources: Vec<Resource>, options: Option<&SortOptions>) -> Vec<Resource> {
    if options.and_then(|o| o.order.as_deref()) == Some("fifo") {
        return resources;
    }
    let legacy = options
        .and_then(|o| o.legacy_sort_options.as_ref())
        .filter(|l| !l.order_first.is_empty() || !l.order_last.is_empty());
    let first: Vec<String> = match legacy {
        Some(l) => l.order_first.clone(),
        None => ORDER_FIRST.iter().map(|s| s.to_string()).collect(),
    };
    let last: Vec<String> = match legacy {
        Some(l) => l.order_last.clone(),
        None => ORDER_LAST.iter().map(|s| s.to_string()).collect(),
    };
    let mut keyed: Vec<((i64, String, String, String), Resource)> = resources
        .into_iter()
        .map(|r| {
            (
                (
                    rank(r.kind(), &first, &last),
                    gvk_text(&r),
                    namespace_key(&r),
                    r.name().to_string(),
                ),
                r,
            )
        })
        .collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    keyed.into_iter().map(|(_, r)| r).collect()
}
