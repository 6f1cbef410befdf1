//! `ferroflux suspend`: stop reconciling an object (sets spec.suspend: true).

use clap::Args;
use serde_json::json;

use crate::flux_kinds;
use crate::flux_objects;
use crate::kube_client::ClusterArgs;
use crate::output;

/// Suspend the reconciliation of a Flux object.
///
/// The controller leaves the object (and what it applied) as it is until it is resumed.
///
/// Examples:
///   ferroflux suspend kustomization apps
///   ferroflux suspend source git podinfo -n default
///   ferroflux suspend hr web -n apps
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct SuspendArgs {
    /// The object: `<kind> <name>`, kind as in `ferroflux get` (ks, hr, source git, ...).
    #[arg(required = true, num_args = 2..=3, value_name = "KIND NAME")]
    pub target: Vec<String>,
}

pub async fn run(args: SuspendArgs, cluster: &ClusterArgs) -> anyhow::Result<()> {
    let (kind, name) = flux_kinds::resolve_target(&args.target)?;
    let namespace = cluster.namespace.as_str();
    let client = cluster.connect().await?;
    // Read first so a missing CRD or object gets its clear error, not a bare 404 from the patch.
    flux_objects::get(&client, kind, namespace, &name).await?;
    output::step(format!("suspending {} {namespace}/{name}", kind.kind));
    let patch = json!({ "spec": { "suspend": true } });
    flux_objects::merge_patch(&client, kind, namespace, &name, patch).await?;
    output::success(format!("{} {namespace}/{name} suspended", kind.kind));
    Ok(())
}
