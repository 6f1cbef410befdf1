//! `ferroflux resume`: resume a suspended object and wait for it to reconcile.

use clap::Args;
use serde_json::json;

use crate::commands::reconcile::request_and_wait;
use crate::flux_kinds;
use crate::flux_objects;
use crate::kube_client::ClusterArgs;
use crate::output;

/// Resume the reconciliation of a suspended Flux object.
///
/// Sets spec.suspend: false, requests a reconciliation and waits for its outcome (see
/// `ferroflux reconcile`), unless --no-wait.
///
/// Examples:
///   ferroflux resume kustomization apps
///   ferroflux resume source git podinfo -n default --timeout 1m
///   ferroflux resume hr web -n apps --no-wait
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct ResumeArgs {
    /// The object: `<kind> <name>`, kind as in `ferroflux get` (ks, hr, source git, ...).
    #[arg(required = true, num_args = 2..=3, value_name = "KIND NAME")]
    pub target: Vec<String>,

    /// Do not wait for the reconciliation.
    #[arg(long)]
    pub no_wait: bool,
}

pub async fn run(args: ResumeArgs, cluster: &ClusterArgs) -> anyhow::Result<()> {
    let ResumeArgs { target, no_wait } = args;
    let (kind, name) = flux_kinds::resolve_target(&target)?;
    let namespace = cluster.namespace.as_str();
    let client = cluster.connect().await?;
    flux_objects::get(&client, kind, namespace, &name).await?;
    output::step(format!("resuming {} {namespace}/{name}", kind.kind));
    let patch = json!({ "spec": { "suspend": false } });
    flux_objects::merge_patch(&client, kind, namespace, &name, patch).await?;
    output::success(format!("{} {namespace}/{name} resumed", kind.kind));
    if no_wait {
        return Ok(());
    }
    request_and_wait(&client, kind, namespace, &name, &[], cluster.timeout).await
}
