//! namespace, namePrefix and nameSuffix.

use crate::fieldspec::{FieldSpec, visit};
use crate::resource::{Resource, is_namespaced_kind};
use serde_json::Value;

/// Set the namespace of every namespaced object (kustomize's NamespaceTransformer).
pub fn set_namespace(resources: &mut [Resource], namespace: &str, unset_only: bool) {
    for res in resources.iter_mut() {
        let kind = res.kind().to_string();
        if is_namespaced_kind(&kind) && (!unset_only || res.namespace().is_empty()) {
            res.set_namespace(namespace);
        }
        match kind.as_str() {
            "RoleBinding" | "ClusterRoleBinding" => {
                if let Some(Value::Array(subjects)) = res.obj.get_mut("subjects") {
                    for s in subjects.iter_mut() {
                        let is_default_sa = s.get("kind").and_then(Value::as_str)
                            == Some("ServiceAccount")
                            && s.get("name").and_then(Value::as_str) == Some("default");
                        if is_default_sa && let Some(m) = s.as_object_mut() {
                            m.insert("namespace".into(), Value::String(namespace.into()));
                        }
                    }
                }
            }
            "APIService" => set_path(res, "spec/service/namespace", namespace),
            "CustomResourceDefinition" => set_path(
                res,
                "spec/conversion/webhook/clientConfig/service/namespace",
                namespace,
            ),
            "Namespace" if !unset_only => res.set_name(namespace),
            _ => {}
        }
    }
}

fn set_path(res: &mut Resource, path: &str, value: &str) {
    let segs = crate::fieldspec::split_path(path);
    let parent = &segs[..segs.len() - 1];
    let last = segs[segs.len() - 1].clone();
    let _ = visit(&mut res.obj, parent, false, &mut |node| {
        if let Some(m) = node.as_object_mut() {
            m.insert(last.clone(), Value::String(value.into()));
        }
        Ok(())
    });
}

/// Kinds whose names kustomize never prefixes or suffixes.
fn keeps_its_name(res: &Resource) -> bool {
    matches!(res.kind(), "CustomResourceDefinition" | "Namespace")
        || (res.kind() == "APIService" && res.group() == "apiregistration.k8s.io")
}

/// Add a prefix and suffix to object names.
pub fn add_prefix_suffix(
    resources: &mut [Resource],
    prefix: &str,
    suffix: &str,
    specs: Option<&[FieldSpec]>,
) {
    for res in resources.iter_mut() {
        if let Some(specs) = specs {
            if !specs.iter().any(|s| s.selects(res)) {
                continue;
            }
        } else if keeps_its_name(res) {
            continue;
        }
        let name = format!("{prefix}{}{suffix}", res.name());
        res.set_name(&name);
    }
}
