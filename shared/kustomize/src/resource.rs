//! The resource model: an object plus the identities it had before transformers renamed it.

use serde_json::{Map, Value};

/// Kinds that live outside namespaces (kustomize's list).
pub const CLUSTER_SCOPED_KINDS: &[&str] = &[
    "APIService",
    "CSIDriver",
    "CSINode",
    "CertificateSigningRequest",
    "Cluster",
    "ClusterRole",
    "ClusterRoleBinding",
    "ComponentStatus",
    "CustomResourceDefinition",
    "MutatingWebhookConfiguration",
    "Namespace",
    "Node",
    "PersistentVolume",
    "PodSecurityPolicy",
    "PriorityClass",
    "RuntimeClass",
    "SelfSubjectAccessReview",
    "SelfSubjectRulesReview",
    "StorageClass",
    "SubjectAccessReview",
    "TokenReview",
    "ValidatingWebhookConfiguration",
    "VolumeAttachment",
    "IngressClass",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
];

/// Whether objects of this kind are namespaced.
pub fn is_namespaced_kind(kind: &str) -> bool {
    !CLUSTER_SCOPED_KINDS.contains(&kind)
}

/// The identity of an object: group, version, kind, namespace, name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Id {
    /// API group ("" for core).
    pub group: String,
    /// API version.
    pub version: String,
    /// Kind.
    pub kind: String,
    /// Name.
    pub name: String,
    /// Namespace ("" when unset).
    pub namespace: String,
}

impl Id {
    /// Namespaces compare equal when both are unset/"default".
    pub fn same_namespace(&self, other: &Id) -> bool {
        normalize_ns(&self.namespace) == normalize_ns(&other.namespace)
    }

    /// Whether this identity and another name the same object (namespace "" == "default").
    pub fn same_object(&self, other: &Id) -> bool {
        self.group == other.group
            && self.version == other.version
            && self.kind == other.kind
            && self.name == other.name
            && self.same_namespace(other)
    }
}

fn normalize_ns(ns: &str) -> &str {
    if ns.is_empty() { "default" } else { ns }
}

impl std::fmt::Display for Id {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let g = if self.group.is_empty() {
            "~G"
        } else {
            &self.group
        };
        let v = if self.version.is_empty() {
            "~V"
        } else {
            &self.version
        };
        let ns = if self.namespace.is_empty() {
            "~X"
        } else {
            &self.namespace
        };
        write!(f, "{}_{}_{}|{}|{}", g, v, self.kind, ns, self.name)
    }
}

/// Split an apiVersion into group and version.
pub fn split_api_version(api_version: &str) -> (&str, &str) {
    match api_version.rsplit_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api_version),
    }
}

/// How a generated object combines with one of the same name from a base.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behavior {
    /// A new object (the default).
    Create,
    /// Merge data into the existing object.
    Merge,
    /// Replace the existing object.
    Replace,
}

/// One object being built.
#[derive(Debug, Clone)]
pub struct Resource {
    /// The object.
    pub obj: Value,
    /// Earlier identities, oldest first (name before prefix, before hash, ...).
    pub history: Vec<Id>,
    /// A generated object that gets a content-hash suffix at the end of the build.
    pub needs_hash: bool,
    /// For generated objects: how to combine with an existing one.
    pub behavior: Behavior,
}

impl Resource {
    /// Wrap an object read from a file.
    pub fn new(obj: Value) -> Self {
        Resource {
            obj,
            history: Vec::new(),
            needs_hash: false,
            behavior: Behavior::Create,
        }
    }

    /// The current identity.
    pub fn id(&self) -> Id {
        let (group, version) = split_api_version(self.str_at(&["apiVersion"]));
        Id {
            group: group.to_string(),
            version: version.to_string(),
            kind: self.kind().to_string(),
            name: self.name().to_string(),
            namespace: self.namespace().to_string(),
        }
    }

    /// The identity it had when first read or generated.
    pub fn original_id(&self) -> Id {
        self.history.first().cloned().unwrap_or_else(|| self.id())
    }

    /// Every identity, oldest first, ending with the current one.
    pub fn all_ids(&self) -> Vec<Id> {
        let mut ids = self.history.clone();
        ids.push(self.id());
        ids
    }

    fn str_at(&self, path: &[&str]) -> &str {
        let mut v = &self.obj;
        for p in path {
            match v.get(p) {
                Some(next) => v = next,
                None => return "",
            }
        }
        v.as_str().unwrap_or("")
    }

    /// kind
    pub fn kind(&self) -> &str {
        self.str_at(&["kind"])
    }

    /// metadata.name
    pub fn name(&self) -> &str {
        self.str_at(&["metadata", "name"])
    }

    /// metadata.namespace
    pub fn namespace(&self) -> &str {
        self.str_at(&["metadata", "namespace"])
    }

    /// The API group and version.
    pub fn group_version(&self) -> (&str, &str) {
        split_api_version(self.str_at(&["apiVersion"]))
    }

    /// A key identifying the object for duplicate checks (namespace "" and "default" equal).
    pub fn identity_key(&self) -> (String, String, String, String) {
        let ns = match self.namespace() {
            "" => "default",
            ns => ns,
        };
        let api = self.str_at(&["apiVersion"]);
        (
            api.to_string(),
            self.kind().to_string(),
            ns.to_string(),
            self.name().to_string(),
        )
    }

    /// The API group.
    pub fn group(&self) -> &str {
        split_api_version(self.str_at(&["apiVersion"])).0
    }

    /// Mutable metadata map (created if missing).
    pub fn metadata_mut(&mut self) -> &mut Map<String, Value> {
        let obj = self.obj.as_object_mut().expect("resources are objects");
        let md = obj
            .entry("metadata")
            .or_insert_with(|| Value::Object(Map::new()));
        if !md.is_object() {
            *md = Value::Object(Map::new());
        }
        md.as_object_mut().expect("just made an object")
    }

    /// Remember the identity before an edit that may rename the object.
    pub fn remember_if_changed(&mut self, before: Id) {
        if before != self.id() && self.history.last() != Some(&before) {
            self.history.push(before);
        }
    }

    /// Set metadata.name, remembering the old identity.
    pub fn set_name(&mut self, name: &str) {
        let before = self.id();
        self.metadata_mut()
            .insert("name".into(), Value::String(name.into()));
        self.remember_if_changed(before);
    }

    /// Set metadata.namespace, remembering the old identity.
    pub fn set_namespace(&mut self, ns: &str) {
        let before = self.id();
        self.metadata_mut()
            .insert("namespace".into(), Value::String(ns.into()));
        self.remember_if_changed(before);
    }
}
