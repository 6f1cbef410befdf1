//! `ferroflux tree kustomization <name>`: what a Kustomization applied, as a tree.

use clap::{Args, Subcommand};
use kube::Client;

use crate::flux_kinds;
use crate::flux_objects;
use crate::kube_client::ClusterArgs;

/// Print the objects a Flux object manages, following nested Kustomizations.
///
/// Reads status.inventory, so it shows what was applied last, not what Git says now.
///
/// Examples:
///   ferroflux tree kustomization flux-system
///   ferroflux tree ks apps -n default
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct TreeArgs {
    #[command(subcommand)]
    what: TreeWhat,
}

#[derive(Subcommand, Debug)]
enum TreeWhat {
    /// A Kustomization and its inventory.
    #[command(visible_alias = "ks")]
    Kustomization {
        /// The Kustomization's name.
        name: String,
    },
}

/// One inventory entry, decoded from its id `<namespace>_<name>_<group>_<kind>`.
#[derive(Debug, PartialEq, Eq)]
pub struct InventoryRef {
    pub namespace: String,
    pub name: String,
    pub group: String,
    pub kind: String,
}

impl InventoryRef {
    pub fn parse(id: &str) -> Option<Self> {
        let parts: Vec<&str> = id.split('_').collect();
        let [namespace, name, group, kind] = parts.as_slice() else {
            return None;
        };
        Some(InventoryRef {
            namespace: namespace.to_string(),
            name: name.to_string(),
            group: group.to_string(),
            kind: kind.to_string(),
        })
    }

    fn label(&self) -> String {
        if self.namespace.is_empty() {
            format!("{}/{}", self.kind, self.name)
        } else {
            format!("{}/{}/{}", self.kind, self.namespace, self.name)
        }
    }
}

pub async fn run(args: TreeArgs, cluster: &ClusterArgs) -> anyhow::Result<()> {
    let TreeWhat::Kustomization { name } = args.what;
    let client = cluster.connect().await?;
    let mut out = format!("Kustomization/{}/{name}\n", cluster.namespace);
    let mut seen = Vec::new();
    print_inventory(&client, &cluster.namespace, &name, "", &mut out, &mut seen).await?;
    print!("{out}");
    Ok(())
}

/// Appends the inventory of one Kustomization below `prefix`, recursing into Kustomizations.
async fn print_inventory(
    client: &Client,
    namespace: &str,
    name: &str,
    prefix: &str,
    out: &mut String,
    seen: &mut Vec<(String, String)>,
) -> anyhow::Result<()> {
    let kind = flux_kinds::lookup("Kustomization").expect("known kind");
    seen.push((namespace.to_string(), name.to_string()));
    let obj = flux_objects::get(client, kind, namespace, name).await?;
    let entries = obj
        .data
        .pointer("/status/inventory/entries")
        .and_then(|e| e.as_array());
    let refs: Vec<InventoryRef> = entries
        .into_iter()
        .flatten()
        .filter_map(|e| e["id"].as_str().and_then(InventoryRef::parse))
        .collect();
    for (i, entry) in refs.iter().enumerate() {
        let last = i + 1 == refs.len();
        out.push_str(&format!(
            "{prefix}{}{}\n",
            if last { "└── " } else { "├── " },
            entry.label()
        ));
        let nested = entry.group == kind.group && entry.kind == kind.kind;
        let key = (entry.namespace.clone(), entry.name.clone());
        if nested && !seen.contains(&key) {
            let child_prefix = format!("{prefix}{}", if last { "    " } else { "│   " });
            Box::pin(print_inventory(
                client,
                &entry.namespace,
                &entry.name,
                &child_prefix,
                out,
                seen,
            ))
            .await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inventory_ids_decode() {
        let r = InventoryRef::parse("apps_web_apps_Deployment").unwrap();
        assert_eq!(r.label(), "Deployment/apps/web");
        let r = InventoryRef::parse("_apps__Namespace").unwrap();
        assert_eq!(
            (r.group.as_str(), r.label().as_str()),
            ("", "Namespace/apps")
        );
        assert!(InventoryRef::parse("not-an-id").is_none());
    }
}
