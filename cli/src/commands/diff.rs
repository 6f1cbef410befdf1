//! `ferroflux diff kustomization <name> --path <dir>`: what applying the local files would change
//! in the cluster, found with a server-side dry-run as kustomize-controller would apply them.
//!
//! Exit status (as `flux diff`): 0 no differences, 1 differences, 2 the diff failed.

use std::collections::BTreeSet;

use clap::{Args, Subcommand};
use ferroflux_api::kustomize::GROUP;
use ferroflux_runtime::postbuild::load_variables;
use ferroflux_runtime::ssa::{self, Action, DiffEntry, ObjectRef, Owner, ResourceManager};
use serde_json::Value;

use crate::kube_client::ClusterArgs;
use crate::local_build::{LocalBuildArgs, LocalKustomization};
use crate::output;
use crate::output::unified_diff::unified_diff;

/// The field manager the dry-run applies as: kustomize-controller's, so fields it owns compare
/// as they would in a real apply.
const FIELD_MANAGER: &str = "kustomize-controller";

/// Show what applying local manifests would change in the cluster (server-side dry-run).
#[derive(Args, Debug)]
pub struct DiffArgs {
    #[command(subcommand)]
    what: DiffWhat,
}

#[derive(Subcommand, Debug)]
enum DiffWhat {
    /// Build a local directory as `ferroflux build kustomization` does, dry-run apply it, and
    /// print what would change.
    ///
    /// Each object is applied with a server-side dry-run as kustomize-controller
    /// (field manager `kustomize-controller`) and reported as created, configured (with a
    /// unified diff from the cluster's object to the result of the apply), unchanged or skipped.
    /// With spec.prune, objects of the Kustomization's inventory that the build no longer holds
    /// are reported as deleted. Secret values are never printed: a diff only says which keys
    /// change. Nothing in the cluster is changed.
    ///
    /// Exit status: 0 no differences, 1 differences found, 2 the diff failed.
    ///
    /// Examples:
    ///   # Preview what a local change would do to the cluster
    ///   ferroflux diff kustomization apps --path ./clusters/prod/apps
    ///
    ///   # Use a Kustomization from a file (the cluster's copy still gives the inventory)
    ///   ferroflux diff ks apps --path ./apps --kustomization-file ./clusters/prod/apps.yaml
    ///
    ///   # In a script: fail when the cluster has drifted from the checkout
    ///   ferroflux diff ks flux-system --path ./clusters/prod > /dev/null || echo "drift"
    #[command(visible_alias = "ks", verbatim_doc_comment)]
    Kustomization {
        #[command(flatten)]
        local: LocalBuildArgs,
    },
}

/// Runs the diff; `Ok(true)` when something would change.
pub async fn run(args: DiffArgs, cluster: &ClusterArgs) -> anyhow::Result<bool> {
    let DiffWhat::Kustomization { local } = args.what;
    let client = cluster.connect().await?;
    let ks = LocalKustomization::find(&local, &cluster.namespace, Some(&client)).await?;
    let vars = load_variables(&client, &ks.namespace, ks.spec.post_build.as_ref()).await?;
    let mut objects = ks.build(&local.path, &vars).await?;
    // Namespaces and CRDs first, so objects inside new ones can be recognised as new.
    objects.sort_by_key(|o| ssa::apply_order(o["kind"].as_str().unwrap_or_default()));

    let manager = ResourceManager::new(
        client,
        Owner {
            field_manager: FIELD_MANAGER.to_string(),
            group: GROUP.to_string(),
        },
    );
    let mut report = Report::default();
    for object in &objects {
        report.diff(&manager, object).await;
    }
    if report.errors.is_empty() && ks.spec.prune {
        report.deleted(&objects, ks.inventory.as_ref());
    }

    if !report.errors.is_empty() {
        anyhow::bail!(
            "{} of {} objects could not be compared:\n  {}",
            report.errors.len(),
            objects.len(),
            report.errors.join("\n  ")
        );
    }
    if report.changed == 0 {
        output::success("no differences: the cluster matches the local build");
    } else {
        output::warning(format!(
            "{} of the Kustomization's objects would change",
            report.changed
        ));
    }
    Ok(report.changed > 0)
}

/// What the diff found so far. Lines go to stdout as objects are compared.
#[derive(Default)]
struct Report {
    /// Objects created, configured or deleted.
    changed: usize,
    /// Namespaces the set creates: their objects cannot be dry-run yet, and are new.
    new_namespaces: BTreeSet<String>,
    /// (group, kind) of the CRDs the set creates: their objects are new too.
    new_kinds: BTreeSet<(String, String)>,
    /// One message per object that could not be compared.
    errors: Vec<String>,
}

impl Report {
    async fn diff(&mut self, manager: &ResourceManager, object: &Value) {
        let result = manager.diff(std::slice::from_ref(object)).await;
        let entry = match result {
            Ok(mut entries) if !entries.is_empty() => entries.remove(0),
            Ok(_) => return,
            Err(err) => {
                match ObjectRef::from_object(object).filter(|id| self.is_inside_new(id)) {
                    Some(id) => self.print(&id, Action::Created, None),
                    None => self.errors.push(err.to_string()),
                }
                return;
            }
        };
        if entry.action == Action::Created {
            self.remember_new(object, &entry.object);
        }
        let diff = (entry.action == Action::Configured).then(|| configured_diff(&entry));
        self.print(&entry.object, entry.action, diff);
    }

    /// Reports inventory objects the build no longer holds (the controller would prune them).
    fn deleted(
        &mut self,
        objects: &[Value],
        inventory: Option<&ferroflux_api::kustomize::v1::ResourceInventory>,
    ) {
        let Some(inventory) = inventory else {
            return;
        };
        let built: BTreeSet<String> = objects
            .iter()
            .filter_map(ObjectRef::from_object)
            .map(|id| id.inventory_id())
            .collect();
        for entry in &inventory.entries {
            if built.contains(&entry.id) {
                continue;
            }
            if let Some(id) = ObjectRef::from_inventory_id(&entry.id, &entry.v) {
                self.print(&id, Action::Deleted, None);
            }
        }
    }

    fn print(&mut self, id: &ObjectRef, action: Action, diff: Option<String>) {
        if matches!(
            action,
            Action::Created | Action::Configured | Action::Deleted
        ) {
            self.changed += 1;
        }
        println!("► {id} {action}");
        if let Some(diff) = diff {
            print!("{diff}");
        }
    }

    fn is_inside_new(&self, id: &ObjectRef) -> bool {
        self.new_namespaces.contains(&id.namespace)
            || self
                .new_kinds
                .contains(&(id.group.clone(), id.kind.clone()))
    }

    fn remember_new(&mut self, object: &Value, id: &ObjectRef) {
        match (id.group.as_str(), id.kind.as_str()) {
            ("", "Namespace") => {
                self.new_namespaces.insert(id.name.clone());
            }
            ("apiextensions.k8s.io", "CustomResourceDefinition") => {
                let group = object.pointer("/spec/group").and_then(Value::as_str);
                let kind = object.pointer("/spec/names/kind").and_then(Value::as_str);
                if let (Some(group), Some(kind)) = (group, kind) {
                    self.new_kinds.insert((group.to_string(), kind.to_string()));
                }
            }
            _ => {}
        }
    }
}

/// The unified diff from the cluster's object to what the apply would make of it.
fn configured_diff(entry: &DiffEntry) -> String {
    let yaml = |v: &Option<Value>| {
        v.as_ref()
            .map(|v| ferroflux_kustomize::to_yaml(std::slice::from_ref(v)))
            .unwrap_or_default()
    };
    unified_diff(
        &yaml(&entry.live),
        &yaml(&entry.desired),
        &format!("{} (cluster)", entry.object),
        &format!("{} (after apply)", entry.object),
        3,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn id(group: &str, kind: &str, namespace: &str, name: &str) -> ObjectRef {
        ObjectRef {
            group: group.into(),
            version: "v1".into(),
            kind: kind.into(),
            namespace: namespace.into(),
            name: name.into(),
        }
    }

    #[test]
    fn objects_in_new_namespaces_or_of_new_kinds_count_as_new() {
        let mut report = Report::default();
        let namespace =
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "apps"}});
        report.remember_new(&namespace, &id("", "Namespace", "", "apps"));
        let crd = json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": "widgets.example.com"},
            "spec": {"group": "example.com", "names": {"kind": "Widget"}}});
        report.remember_new(
            &crd,
            &id(
                "apiextensions.k8s.io",
                "CustomResourceDefinition",
                "",
                "widgets.example.com",
            ),
        );
        assert!(report.is_inside_new(&id("", "ConfigMap", "apps", "settings")));
        assert!(report.is_inside_new(&id("example.com", "Widget", "default", "w")));
        assert!(!report.is_inside_new(&id("", "ConfigMap", "default", "settings")));
        assert!(!report.is_inside_new(&id("other.com", "Widget", "default", "w")));
    }

    #[test]
    fn deleted_objects_are_the_inventory_entries_the_build_lacks() {
        let mut report = Report::default();
        let objects = [json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "kept", "namespace": "apps"}})];
        let inventory = ferroflux_api::kustomize::v1::ResourceInventory {
            entries: [
                "apps_kept__ConfigMap",
                "apps_gone__ConfigMap",
                "_apps__Namespace",
            ]
            .iter()
            .map(|id| ferroflux_api::kustomize::v1::ResourceRef {
                id: id.to_string(),
                v: "v1".into(),
            })
            .collect(),
        };
        report.deleted(&objects, Some(&inventory));
        assert_eq!(report.changed, 2, "gone and the Namespace");
    }
}
