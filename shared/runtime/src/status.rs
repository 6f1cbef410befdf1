//! Writing `.status` with server-side apply, once per reconciliation.
//!
//! The whole status is sent every time, so fields the controller stopped setting disappear; the
//! field manager is the controller's binary name so ownership matches Flux's after a switch.

use kube::api::{Api, Patch, PatchParams};
use kube::core::NamespaceResourceScope;
use kube::{Resource, ResourceExt};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Applies `status` to the object's status subresource with server-side apply (force), as
/// `field_manager`.
pub async fn apply_status<K, S>(
    api: &Api<K>,
    obj: &K,
    field_manager: &str,
    status: &S,
) -> Result<(), kube::Error>
where
    K: Resource<DynamicType = (), Scope = NamespaceResourceScope>
        + Clone
        + DeserializeOwned
        + std::fmt::Debug,
    S: Serialize,
{
    let body = serde_json::json!({
        "apiVersion": K::api_version(&()),
        "kind": K::kind(&()),
        "metadata": { "name": obj.name_any() },
        "status": status,
    });
    let params = PatchParams::apply(field_manager).force();
    api.patch_status(&obj.name_any(), &params, &Patch::Apply(&body))
        .await
        .map(|_| ())
}

/// True when two serialized statuses differ in anything but condition timestamps.
///
/// Reconcilers compare the status they computed with the one they read and skip the write when
/// this is false, so an unchanged object never produces a patch (and never a new watch event).
pub fn status_changed<S: Serialize>(old: Option<&S>, new: &S) -> bool {
    let old = old.map(|o| without_times(serde_json::to_value(o).unwrap_or_default()));
    let new = without_times(serde_json::to_value(new).unwrap_or_default());
    old.as_ref() != Some(&new)
}

/// Drops `lastTransitionTime` of every condition and sorts conditions by type.
fn without_times(mut v: serde_json::Value) -> serde_json::Value {
    if let Some(conds) = v.get_mut("conditions").and_then(|c| c.as_array_mut()) {
        for c in conds.iter_mut() {
            if let Some(o) = c.as_object_mut() {
                o.remove("lastTransitionTime");
            }
        }
        conds.sort_by(|a, b| a["type"].to_string().cmp(&b["type"].to_string()));
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn timestamps_and_condition_order_do_not_count_as_change() {
        let old = json!({"conditions": [
            {"type": "Ready", "status": "True", "lastTransitionTime": "2020-01-01T00:00:00Z"},
            {"type": "A", "status": "True", "lastTransitionTime": "2020-01-01T00:00:00Z"}]});
        let new = json!({"conditions": [
            {"type": "A", "status": "True", "lastTransitionTime": "2024-01-01T00:00:00Z"},
            {"type": "Ready", "status": "True", "lastTransitionTime": "2024-01-01T00:00:00Z"}]});
        assert!(!status_changed(Some(&old), &new));
    }

    #[test]
    fn a_changed_field_or_missing_status_is_a_change() {
        let old = json!({"observedGeneration": 1});
        assert!(status_changed(
            Some(&old),
            &json!({"observedGeneration": 2})
        ));
        assert!(status_changed(None, &json!({"observedGeneration": 2})));
    }
}
