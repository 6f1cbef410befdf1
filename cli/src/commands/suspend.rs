//! `ferroflux suspend`: stop reconciling objects (sets spec.suspend: true).

use clap::Args;
use serde_json::json;

use crate::flux_kinds;
use crate::flux_objects;
use crate::kube_client::ClusterArgs;
use crate::output;

/// Suspend the reconciliation of Flux objects.
///
/// The controller leaves the object (and what it applied) as it is until it is resumed.
///
/// Examples:
///   ferroflux suspend kustomization apps
///   ferroflux suspend source git podinfo -n default
///   ferroflux suspend hr --all -n apps
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct SuspendArgs {
    /// The object: `<kind> <name>` (with --all only `<kind>`); kind as in `ferroflux get`.
    #[arg(required = true, num_args = 1..=3, value_name = "KIND NAME")]
    pub target: Vec<String>,

    /// Every object of the kind in the namespace.
    #[arg(long)]
    pub all: bool,
}

pub async fn run(args: SuspendArgs, cluster: &ClusterArgs) -> anyhow::Result<()> {
    let SuspendArgs { target, all } = args;
    let (kind, name) = flux_kinds::resolve_targets(&target, all)?;
    let namespace = cluster.namespace.as_str();
    let client = cluster.connect().await?;
    for name in flux_objects::target_names(&client, kind, namespace, name).await? {
        output::step(format!("suspending {} {namespace}/{name}", kind.kind));
        let patch = json!({ "spec": { "suspend": true } });
        flux_objects::merge_patch(&client, kind, namespace, &name, patch).await?;
        output::success(format!("{} {namespace}/{name} suspended", kind.kind));
    }
    Ok(())
}
