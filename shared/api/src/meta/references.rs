//! References from one object to another, shared by all Flux kinds.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Points at an object by name in the same namespace as the referrer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LocalObjectReference {
    /// Name of the referenced object.
    pub name: String,
}

/// Points at an object by name, optionally in another namespace.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct NamespacedObjectReference {
    /// Name of the referenced object.
    pub name: String,
    /// Namespace of the referenced object; the referrer's namespace when empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

/// Points at a typed object (kind and optional apiVersion), optionally in another namespace.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct NamespacedObjectKindReference {
    /// API version of the referenced object; the preferred version when empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// Kind of the referenced object.
    pub kind: String,
    /// Name of the referenced object.
    pub name: String,
    /// Namespace of the referenced object; the referrer's namespace when empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

/// Points at a Secret in the referrer's namespace and, optionally, one key in it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SecretKeyReference {
    /// Name of the Secret.
    pub name: String,
    /// Key inside the Secret; each consumer documents its own default key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// How to build a client for a remote cluster: a kubeconfig Secret (the `generic` provider) or a
/// cloud provider's workload identity.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [
    {"rule": "has(self.secretRef) || (has(self.provider) && self.provider != 'generic')", "message": ".secretRef is required for the 'generic' .provider"},
    {"rule": "!has(self.secretRef) || !has(self.provider) || self.provider == 'generic'", "message": ".secretRef is not supported for the specified .provider"},
    {"rule": "!has(self.serviceAccountName) || (has(self.provider) && self.provider != 'generic')", "message": ".serviceAccountName is not supported when .provider is empty or 'generic'"},
    {"rule": "!has(self.cluster) || (has(self.provider) && self.provider != 'generic')", "message": ".cluster is not supported when .provider is empty or 'generic'"},
    {"rule": "!has(self.address) || (has(self.provider) && self.provider != 'generic')", "message": ".address is not supported when .provider is empty or 'generic'"},
]))]
pub struct KubeConfigReference {
    /// Cloud provider used to authenticate: `aws`, `azure`, `gcp` or `generic` (the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("enum" = ["aws", "azure", "gcp", "generic"], "default" = "generic"))]
    pub provider: Option<String>,
    /// Fully qualified cloud resource name of the cluster (cloud providers only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    /// HTTPS address of the API server, to choose among the cluster's endpoints (cloud providers only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^https://.*"))]
    pub address: Option<String>,
    /// ServiceAccount in the referrer's namespace whose identity is used (cloud providers only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_account_name: Option<String>,
    /// Secret holding a kubeconfig file (generic provider only); key `value` unless set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_ref: Option<SecretKeyReference>,
}

/// An object this one waits for, with an optional CEL expression deciding readiness.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DependencyReference {
    /// Name of the dependency.
    pub name: String,
    /// Namespace of the dependency; the referrer's namespace when empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// CEL expression evaluated against the dependency; when set it replaces the Ready check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready_expr: Option<String>,
}

/// A ConfigMap or Secret holding Helm values, optionally one key merged at a path.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ValuesReference {
    /// Kind of the referenced object: `Secret` or `ConfigMap`.
    #[schemars(extend("enum" = ["Secret", "ConfigMap"]))]
    pub kind: String,
    /// Name of the referenced object, in the referrer's namespace.
    #[schemars(length(min = 1, max = 253))]
    pub name: String,
    /// Data key holding the values; `values.yaml` when empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 253), regex(pattern = r"^[\-._a-zA-Z0-9]+$"))]
    pub values_key: Option<String>,
    /// Dot-notation path at which a single value is merged; the root when empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        length(max = 250),
        regex(pattern = r"^([a-zA-Z0-9_\-.\\\/]|\[[0-9]{1,5}\])+$")
    )]
    pub target_path: Option<String>,
    /// When true a missing object is ignored (other errors still fail).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub optional: Option<bool>,
}

impl ValuesReference {
    /// The data key to read, falling back to `values.yaml`.
    pub fn values_key_or_default(&self) -> &str {
        self.values_key.as_deref().unwrap_or("values.yaml")
    }
}
