//! Patch merge keys of the built-in Kubernetes types (x-kubernetes-patch-merge-key and
//! x-kubernetes-patch-strategy from the OpenAPI schema), as a compact table keyed by field name.
//! Lists of built-in types not in the table are replaced whole by a patch, as the schema says.
//! Custom resources have no schema: lists of maps are merged when their items carry one of the
//! keys kustomize (kyaml) infers.

/// How a list is combined with a patch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListStrategy {
    /// Items with equal values of this key are merged.
    MergeByKey(&'static str),
    /// A list of scalars merged as a set (e.g. finalizers).
    MergeScalars,
    /// The patch list replaces the list.
    Replace,
}

/// API groups whose types are built in (and so have a schema).
const BUILT_IN_GROUPS: &[&str] = &[
    "",
    "apps",
    "batch",
    "autoscaling",
    "policy",
    "networking.k8s.io",
    "rbac.authorization.k8s.io",
    "storage.k8s.io",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "apiregistration.k8s.io",
    "scheduling.k8s.io",
    "coordination.k8s.io",
    "discovery.k8s.io",
    "node.k8s.io",
    "certificates.k8s.io",
    "events.k8s.io",
    "flowcontrol.apiserver.k8s.io",
    "extensions",
];

/// Whether a group/version names built-in types.
pub fn is_built_in(group: &str, version: &str) -> bool {
    BUILT_IN_GROUPS.contains(&group) && !(group.is_empty() && version != "v1")
}

/// (field name, strategy) for built-in types.
const FIELD_STRATEGIES: &[(&str, ListStrategy)] = &[
    ("containers", ListStrategy::MergeByKey("name")),
    ("initContainers", ListStrategy::MergeByKey("name")),
    ("ephemeralContainers", ListStrategy::MergeByKey("name")),
    ("volumes", ListStrategy::MergeByKey("name")),
    ("env", ListStrategy::MergeByKey("name")),
    ("volumeMounts", ListStrategy::MergeByKey("mountPath")),
    ("volumeDevices", ListStrategy::MergeByKey("devicePath")),
    ("imagePullSecrets", ListStrategy::MergeByKey("name")),
    ("hostAliases", ListStrategy::MergeByKey("ip")),
    (
        "topologySpreadConstraints",
        ListStrategy::MergeByKey("topologyKey"),
    ),
    ("resourceClaims", ListStrategy::MergeByKey("name")),
    ("conditions", ListStrategy::MergeByKey("type")),
    ("ownerReferences", ListStrategy::MergeByKey("uid")),
    ("finalizers", ListStrategy::MergeScalars),
    ("webhooks", ListStrategy::MergeByKey("name")),
    ("schedulingGates", ListStrategy::MergeByKey("name")),
];

/// The strategy for the list at `field` (its parent is `parent_field`), given both lists.
pub fn strategy_for(
    built_in: bool,
    parent_field: &str,
    field: &str,
    items: &[&serde_json::Value],
) -> ListStrategy {
    if built_in {
        if field == "ports" {
            return if parent_field == "spec" {
                ListStrategy::MergeByKey("port")
            } else {
                ListStrategy::MergeByKey("containerPort")
            };
        }
        return FIELD_STRATEGIES
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, s)| *s)
            .unwrap_or(ListStrategy::Replace);
    }
    let _ = items;
    ListStrategy::Replace
}
