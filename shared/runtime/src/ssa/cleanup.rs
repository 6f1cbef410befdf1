//! Taking over fields owned by other tools before applying (Flux's "cleanup"): the managed
//! fields of listed managers (e.g. `kubectl` client-side apply, `before-first-apply`) are merged
//! into this manager's apply entry and listed annotations (e.g. kubectl's
//! `last-applied-configuration`) are removed. Afterwards a field removed from the desired state
//! is removed from the cluster, instead of lingering under the other manager.

use serde_json::{Map, Value, json};

/// A field manager whose fields are taken over, by name and operation (`Apply` or `Update`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldManager {
    /// Manager name, e.g. `kubectl`.
    pub name: String,
    /// `Apply` or `Update`.
    pub operation: String,
}

/// What to take over before applying. Empty (the default) does nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CleanupOptions {
    /// Annotations to remove.
    pub annotations: Vec<String>,
    /// Managers whose fields become this manager's.
    pub field_managers: Vec<FieldManager>,
}

/// kubectl's client-side apply annotation: a copy of the whole object as last applied by kubectl.
pub const LAST_APPLIED_ANNOTATION: &str = "kubectl.kubernetes.io/last-applied-configuration";

impl CleanupOptions {
    /// Flux's kustomize-controller list: kubectl's last-applied annotation, `kubectl` apply and
    /// update, `before-first-apply`, and `field_manager`'s own non-apply updates.
    pub fn flux_defaults(field_manager: &str) -> Self {
        let m = |name: &str, operation: &str| FieldManager {
            name: name.to_string(),
            operation: operation.to_string(),
        };
        CleanupOptions {
            annotations: vec![LAST_APPLIED_ANNOTATION.to_string()],
            field_managers: vec![
                m("kubectl", "Apply"),
                m("kubectl", "Update"),
                m("before-first-apply", "Update"),
                m(field_manager, "Update"),
            ],
        }
    }

    fn is_empty(&self) -> bool {
        self.annotations.is_empty() && self.field_managers.is_empty()
    }
}

/// The merge patch that hands the listed managers' fields to `field_manager` and drops the
/// listed annotations, or `None` when the live object has nothing to clean up. (A merge patch
/// replaces `managedFields` as a whole, and the server keeps managed fields set explicitly.)
pub fn cleanup_patch(live: &Value, field_manager: &str, opts: &CleanupOptions) -> Option<Value> {
    if opts.is_empty() {
        return None;
    }
    let mut metadata = Map::new();
    let annotations = live
        .pointer("/metadata/annotations")
        .and_then(Value::as_object);
    let removed: Map<String, Value> = opts
        .annotations
        .iter()
        .filter(|key| annotations.is_some_and(|a| a.contains_key(*key)))
        .map(|key| (key.clone(), Value::Null))
        .collect();
    if !removed.is_empty() {
        metadata.insert("annotations".into(), Value::Object(removed));
    }
    let entries = live
        .pointer("/metadata/managedFields")
        .and_then(Value::as_array);
    let listed = |e: &Value| {
        opts.field_managers.iter().any(|m| {
            e.get("manager").and_then(Value::as_str) == Some(m.name.as_str())
                && e.get("operation").and_then(Value::as_str) == Some(m.operation.as_str())
        })
    };
    if let Some(entries) = entries.filter(|es| es.iter().any(listed)) {
        let is_own_apply = |e: &Value| {
            e.get("manager").and_then(Value::as_str) == Some(field_manager)
                && e.get("operation").and_then(Value::as_str) == Some("Apply")
        };
        let mut fields = Value::Object(Map::new());
        let mut api_version = live.get("apiVersion").cloned().unwrap_or(Value::Null);
        let mut kept = Vec::new();
        for e in entries {
            if listed(e) || is_own_apply(e) {
                if let Some(f) = e.get("fieldsV1") {
                    merge_fields(&mut fields, f);
                }
                if is_own_apply(e) {
                    api_version = e.get("apiVersion").cloned().unwrap_or(api_version.clone());
                }
            } else {
                kept.push(e.clone());
            }
        }
        kept.push(json!({"manager": field_manager, "operation": "Apply",
            "apiVersion": api_version, "fieldsType": "FieldsV1", "fieldsV1": fields}));
        metadata.insert("managedFields".into(), Value::Array(kept));
    }
    (!metadata.is_empty()).then(|| json!({"metadata": metadata}))
}

/// Union of two field sets (`fieldsV1` trees: nested objects whose leaves are `{}`).
fn merge_fields(into: &mut Value, from: &Value) {
    let (Some(into), Some(from)) = (into.as_object_mut(), from.as_object()) else {
        return;
    };
    for (k, v) in from {
        match into.get_mut(k) {
            Some(existing) => merge_fields(existing, v),
            None => {
                into.insert(k.clone(), v.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubectl_fields_are_handed_over_and_its_annotation_removed() {
        let live = json!({"apiVersion": "v1", "metadata": {
            "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}", "keep": "x"},
            "managedFields": [
                {"manager": "kubectl", "operation": "Update", "apiVersion": "v1",
                 "fieldsType": "FieldsV1", "fieldsV1": {"f:data": {"f:extra": {}}}},
                {"manager": "ctrl", "operation": "Apply", "apiVersion": "v1",
                 "fieldsType": "FieldsV1", "fieldsV1": {"f:data": {"f:key": {}}}},
                {"manager": "kube-controller-manager", "operation": "Update", "fieldsV1": {}}]}});
        let patch = cleanup_patch(&live, "ctrl", &CleanupOptions::flux_defaults("ctrl")).unwrap();
        assert_eq!(
            patch,
            json!({"metadata": {
                "annotations": {"kubectl.kubernetes.io/last-applied-configuration": null},
                "managedFields": [
                    {"manager": "kube-controller-manager", "operation": "Update", "fieldsV1": {}},
                    {"manager": "ctrl", "operation": "Apply", "apiVersion": "v1", "fieldsType": "FieldsV1",
                     "fieldsV1": {"f:data": {"f:extra": {}, "f:key": {}}}}]}})
        );
    }

    #[test]
    fn nothing_to_clean_means_no_patch() {
        let live = json!({"metadata": {"managedFields": [
            {"manager": "ctrl", "operation": "Apply", "fieldsV1": {}}]}});
        assert_eq!(
            cleanup_patch(&live, "ctrl", &CleanupOptions::flux_defaults("ctrl")),
            None
        );
        assert_eq!(
            cleanup_patch(&live, "ctrl", &CleanupOptions::default()),
            None
        );
    }
}
