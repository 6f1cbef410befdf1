//! Creating and reading Kubernetes and Flux objects in tests, and the manifests tests commit.

use std::borrow::Borrow;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use kube::api::{Api, ApiResource, DynamicObject, Patch, PatchParams};
use serde_json::{Value, json};

use crate::crds::FIELD_MANAGER;
use crate::ensure_cluster;

/// The API resource of a kind, taken from its type (group, version, plural are never typed again):
/// `api_resource::<GitRepository>()`.
pub fn api_resource<K: kube::Resource<DynamicType = ()>>() -> ApiResource {
    ApiResource::erase::<K>(&())
}

/// Server-side applies `obj` (a complete object with `metadata.name`, given by value or by
/// reference) in `ns`, taking ownership of every field it sets; returns the object as stored.
pub async fn apply(
    client: &kube::Client,
    ns: &str,
    resource: &ApiResource,
    obj: impl Borrow<Value>,
) -> DynamicObject {
    let obj = obj.borrow();
    let name = obj["metadata"]["name"]
        .as_str()
        .unwrap_or_else(|| panic!("a {} to apply needs metadata.name: {obj}", resource.kind));
    Api::<DynamicObject>::namespaced_with(client.clone(), ns, resource)
        .patch(
            name,
            &PatchParams::apply(FIELD_MANAGER).force(),
            &Patch::Apply(obj),
        )
        .await
        .unwrap_or_else(|e| panic!("cannot apply {} {ns}/{name}: {e}", resource.kind))
}

/// Merges `status` into the status of the object `name`, as a controller would write it.
pub async fn set_status(
    client: &kube::Client,
    ns: &str,
    resource: &ApiResource,
    name: &str,
    status: Value,
) {
    Api::<DynamicObject>::namespaced_with(client.clone(), ns, resource)
        .patch_status(
            name,
            &PatchParams::default(),
            &Patch::Merge(&json!({ "status": status })),
        )
        .await
        .unwrap_or_else(|e| {
            panic!(
                "cannot write the status of {} {ns}/{name}: {e}",
                resource.kind
            )
        });
}

/// A Ready condition as controllers write it (observedGeneration 1).
pub fn ready_condition(status: &str, reason: &str, message: &str) -> Value {
    json!({
        "type": "Ready", "status": status, "reason": reason, "message": message,
        "lastTransitionTime": "2026-01-01T00:00:00Z", "observedGeneration": 1
    })
}

/// Sets `reconcile.fluxcd.io/requestedAt` on an object to now, as `flux reconcile` does.
pub async fn request_reconcile(
    client: &kube::Client,
    ns: &str,
    resource: &ApiResource,
    name: &str,
) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_nanos();
    let patch =
        json!({"metadata": {"annotations": {"reconcile.fluxcd.io/requestedAt": now.to_string()}}});
    Api::<DynamicObject>::namespaced_with(client.clone(), ns, resource)
        .patch(name, &PatchParams::default(), &Patch::Merge(&patch))
        .await
        .unwrap_or_else(|e| panic!("cannot annotate {} {ns}/{name}: {e}", resource.kind));
}

/// Merges `patch` into `base`: objects key by key, recursively; anything else is replaced.
pub fn merge_json(base: &mut Value, patch: Value) {
    match (base, patch) {
        (Value::Object(base), Value::Object(patch)) => {
            for (k, v) in patch {
                merge_json(base.entry(k).or_insert(Value::Null), v);
            }
        }
        (base, patch) => *base = patch,
    }
}

/// A ConfigMap manifest with one key, `key: <value>`.
pub fn config_map(name: &str, value: &str) -> String {
    format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  key: \"{value}\"\n"
    )
}

/// A Deployment manifest with `replicas` pods of a placeholder image (kwok runs no containers);
/// `extra_pod_spec` goes into the pod spec as is, before `containers:` (six spaces of indent).
pub fn deployment(name: &str, replicas: u32, extra_pod_spec: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  replicas: {replicas}\n  \
         selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        \
         app: {name}\n    spec:\n{extra_pod_spec}      containers:\n        - name: app\n          \
         image: ghcr.io/stefanprodan/podinfo:6.14.1\n"
    )
}

/// Deletes cluster-scoped objects a test made (`kind/name` for kubectl) when dropped, also after
/// a failure, so nothing is left on the shared cluster.
#[derive(Debug)]
pub struct ClusterCleanup(pub Vec<String>);

impl Drop for ClusterCleanup {
    fn drop(&mut self) {
        for object in &self.0 {
            let _ = Command::new("kubectl")
                .arg("--kubeconfig")
                .arg(ensure_cluster().kubeconfig())
                .args(["delete", object, "--ignore-not-found", "--wait=false"])
                .output();
        }
    }
}
