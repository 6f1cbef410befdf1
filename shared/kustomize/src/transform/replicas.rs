//! The replicas transformer.

use crate::kustomization::ReplicaOverride;
use crate::resource::Resource;
use serde_json::Value;

const SCALABLE: &[&str] = &[
    "Deployment",
    "ReplicationController",
    "ReplicaSet",
    "StatefulSet",
];

/// Set spec.replicas on workloads with the given (original or current) names.
pub fn apply(resources: &mut [Resource], overrides: &[ReplicaOverride]) {
    for ov in overrides {
        for res in resources.iter_mut() {
            if !SCALABLE.contains(&res.kind()) || !res.all_ids().iter().any(|id| id.name == ov.name)
            {
                continue;
            }
            if let Some(obj) = res.obj.as_object_mut() {
                let spec = obj
                    .entry("spec")
                    .or_insert_with(|| Value::Object(Default::default()));
                if let Some(s) = spec.as_object_mut() {
                    s.insert("replicas".into(), Value::Number(ov.count.into()));
                }
            }
        }
    }
}
