//! Object identity, per-object results and the helpers that read objects as JSON.

use serde_json::Value;
use std::fmt;

/// The identity of one Kubernetes object: group, version, kind, namespace and name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectRef {
    /// API group, empty for the core group.
    pub group: String,
    /// API version within the group, e.g. `v1`.
    pub version: String,
    /// Kind, e.g. `Deployment`.
    pub kind: String,
    /// Namespace, empty for cluster-scoped objects.
    pub namespace: String,
    /// Object name.
    pub name: String,
}

impl ObjectRef {
    /// Reads the identity of an object from its `apiVersion`, `kind` and `metadata`.
    pub fn from_object(obj: &Value) -> Option<ObjectRef> {
        let api_version = obj.get("apiVersion")?.as_str()?;
        let (group, version) = match api_version.rsplit_once('/') {
            Some((g, v)) => (g.to_string(), v.to_string()),
            None => (String::new(), api_version.to_string()),
        };
        let kind = obj.get("kind")?.as_str()?.to_string();
        let name = obj.pointer("/metadata/name")?.as_str()?.to_string();
        let namespace = obj
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if kind.is_empty() || name.is_empty() || version.is_empty() {
            return None;
        }
        Some(ObjectRef {
            group,
            version,
            kind,
            namespace: namespace.to_string(),
            name,
        })
    }

    /// The `apiVersion` string (`group/version`, or `version` for the core group).
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// The inventory id used by Flux: `<namespace>_<name>_<group>_<kind>`.
    pub fn inventory_id(&self) -> String {
        format!(
            "{}_{}_{}_{}",
            self.namespace, self.name, self.group, self.kind
        )
    }

    /// Parses a Flux inventory id and its version back into an object reference.
    /// Names may not contain `_`, so the four fields split unambiguously.
    pub fn from_inventory_id(id: &str, version: &str) -> Option<ObjectRef> {
        let mut parts = id.splitn(4, '_');
        let namespace = parts.next()?.to_string();
        let name = parts.next()?.to_string();
        let group = parts.next()?.to_string();
        let kind = parts.next()?.to_string();
        if name.is_empty() || kind.is_empty() {
            return None;
        }
        Some(ObjectRef {
            group,
            version: version.to_string(),
            kind,
            namespace,
            name,
        })
    }
}

/// Formats as Flux does in messages: `Kind/namespace/name`, or `Kind/name` when cluster-scoped.
impl fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.namespace.is_empty() {
            write!(f, "{}/{}", self.kind, self.name)
        } else {
            write!(f, "{}/{}/{}", self.kind, self.namespace, self.name)
        }
    }
}

/// What happened (or, in a dry run, would happen) to one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// The object did not exist and was created.
    Created,
    /// The object existed and differed; it was updated.
    Configured,
    /// The object already matched the desired state.
    Unchanged,
    /// The object was deleted.
    Deleted,
    /// The object was left alone (annotation, missing owner labels, already gone).
    Skipped,
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Action::Created => "created",
            Action::Configured => "configured",
            Action::Unchanged => "unchanged",
            Action::Deleted => "deleted",
            Action::Skipped => "skipped",
        })
    }
}

/// The result for one object of an apply or delete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeSetEntry {
    /// Which object.
    pub object: ObjectRef,
    /// What was done to it.
    pub action: Action,
}

/// The per-object results of an apply or delete, in the order the objects were handled.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeSet {
    /// One entry per object.
    pub entries: Vec<ChangeSetEntry>,
}

impl ChangeSet {
    /// Adds the entries of another change set.
    pub fn extend(&mut self, other: ChangeSet) {
        self.entries.extend(other.entries);
    }

    /// The entries whose action is not `Unchanged` or `Skipped`: what actually changed.
    pub fn changes(&self) -> impl Iterator<Item = &ChangeSetEntry> {
        self.entries
            .iter()
            .filter(|e| !matches!(e.action, Action::Unchanged | Action::Skipped))
    }

    /// The action taken for an object, if it is in the set.
    pub fn action_of(&self, object: &ObjectRef) -> Option<Action> {
        self.entries
            .iter()
            .find(|e| &e.object == object)
            .map(|e| e.action)
    }
}

/// One line per object: `Kind/namespace/name action`.
impl fmt::Display for ChangeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.entries.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{} {}", e.object, e.action)?;
        }
        Ok(())
    }
}

/// The value of an annotation on an object, if set.
pub fn annotation<'a>(obj: &'a Value, key: &str) -> Option<&'a str> {
    obj.pointer("/metadata/annotations")?.get(key)?.as_str()
}

/// The value of a label on an object, if set.
pub fn label<'a>(obj: &'a Value, key: &str) -> Option<&'a str> {
    obj.pointer("/metadata/labels")?.get(key)?.as_str()
}

/// True for the kinds applied in the first stage, before anything that may depend on them:
/// CustomResourceDefinitions, Namespaces and cluster-wide RBAC.
pub fn is_cluster_definition(obj: &ObjectRef) -> bool {
    matches!(
        (obj.group.as_str(), obj.kind.as_str()),
        ("apiextensions.k8s.io", "CustomResourceDefinition")
            | ("", "Namespace")
            | (
                "rbac.authorization.k8s.io",
                "ClusterRole" | "ClusterRoleBinding"
            )
    )
}

/// The object with the fields the API server owns removed (`managedFields`, `resourceVersion`,
/// `uid`, `generation`, `creationTimestamp`, `selfLink` and `status`), so a dry-run result and the
/// live object compare equal exactly when applying would change nothing the user declared.
pub fn comparable(obj: &Value) -> Value {
    let mut obj = obj.clone();
    if let Some(map) = obj.as_object_mut() {
        map.remove("status");
    }
    if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        for field in [
            "managedFields",
            "resourceVersion",
            "uid",
            "generation",
            "creationTimestamp",
            "selfLink",
        ] {
            meta.remove(field);
        }
    }
    obj
}

/// Orders objects for applying: within a stage, Namespaces and CRDs first, then the kinds others
/// refer to (ServiceAccounts, RBAC, ConfigMaps, Secrets, Services) and workloads last.
pub fn apply_order(kind: &str) -> u8 {
    const ORDER: &[&str] = &[
        "CustomResourceDefinition",
        "Namespace",
        "ResourceQuota",
        "StorageClass",
        "LimitRange",
        "PodSecurityPolicy",
        "PodDisruptionBudget",
        "ServiceAccount",
        "Secret",
        "SecretList",
        "ConfigMap",
        "PersistentVolume",
        "PersistentVolumeClaim",
        "ClusterRole",
        "ClusterRoleList",
        "ClusterRoleBinding",
        "ClusterRoleBindingList",
        "Role",
        "RoleList",
        "RoleBinding",
        "RoleBindingList",
        "Service",
        "DaemonSet",
        "Pod",
        "ReplicationController",
        "ReplicaSet",
        "Deployment",
        "HorizontalPodAutoscaler",
        "StatefulSet",
        "Job",
        "CronJob",
        "IngressClass",
        "Ingress",
        "APIService",
    ];
    ORDER
        .iter()
        .position(|k| *k == kind)
        .map_or(ORDER.len() as u8, |p| p as u8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn object_ref_round_trips_through_inventory_id() {
        let obj = json!({"apiVersion": "apps/v1", "kind": "Deployment",
                         "metadata": {"name": "web", "namespace": "apps"}});
        let r = ObjectRef::from_object(&obj).unwrap();
        assert_eq!(r.inventory_id(), "apps_web_apps_Deployment");
        assert_eq!(r.to_string(), "Deployment/apps/web");
        assert_eq!(
            ObjectRef::from_inventory_id("apps_web_apps_Deployment", "v1"),
            Some(r)
        );
        let ns = ObjectRef::from_inventory_id("_apps__Namespace", "v1").unwrap();
        assert_eq!(
            (ns.group.as_str(), ns.namespace.as_str(), ns.api_version()),
            ("", "", "v1".into())
        );
        assert_eq!(ns.to_string(), "Namespace/apps");
    }

    #[test]
    fn bad_objects_have_no_identity() {
        for obj in [
            json!({"kind": "ConfigMap", "metadata": {"name": "a"}}),
            json!({"apiVersion": "v1", "metadata": {"name": "a"}}),
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {}}),
        ] {
            assert_eq!(ObjectRef::from_object(&obj), None, "{obj}");
        }
    }

    #[test]
    fn comparable_drops_server_fields_only() {
        let live = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "a", "resourceVersion": "7", "uid": "u", "managedFields": [],
                         "labels": {"x": "1"}},
            "data": {"k": "v"}, "status": {}});
        assert_eq!(
            comparable(&live),
            json!({"apiVersion": "v1", "kind": "ConfigMap",
                   "metadata": {"name": "a", "labels": {"x": "1"}}, "data": {"k": "v"}})
        );
    }

    #[test]
    fn stage_one_kinds() {
        let r = |g: &str, k: &str| ObjectRef {
            group: g.into(),
            version: "v1".into(),
            kind: k.into(),
            namespace: String::new(),
            name: "n".into(),
        };
        assert!(is_cluster_definition(&r(
            "apiextensions.k8s.io",
            "CustomResourceDefinition"
        )));
        assert!(is_cluster_definition(&r("", "Namespace")));
        assert!(is_cluster_definition(&r(
            "rbac.authorization.k8s.io",
            "ClusterRole"
        )));
        assert!(!is_cluster_definition(&r("apps", "Deployment")));
        assert!(apply_order("Namespace") < apply_order("Deployment"));
        assert!(apply_order("Deployment") < apply_order("Widget"));
    }
}
