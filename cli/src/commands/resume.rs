//! `ferroflux resume`: resume suspended objects and wait for them to reconcile.

use clap::Args;
use serde_json::json;

use crate::commands::reconcile::request_and_wait;
use crate::flux_kinds;
use crate::flux_objects;
use crate::kube_client::ClusterArgs;
use crate::output;

/// Resume the reconciliation of suspended Flux objects.
///
/// Sets spec.suspend: false, requests a reconciliation and waits for its outcome (see
/// `ferroflux reconcile`), unless --no-wait.
///
/// Examples:
///   ferroflux resume kustomization apps
///   ferroflux resume source git podinfo -n default --timeout 1m
///   ferroflux resume hr --all -n apps --no-wait
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct ResumeArgs {
    /// The object: `<kind> <name>` (with --all only `<kind>`); kind as in `ferroflux get`.
    #[arg(required = true, num_args = 1..=3, value_name = "KIND NAME")]
    pub target: Vec<String>,

    /// Every object of the kind in the namespace.
    #[arg(long)]
    pub all: bool,

    /// Do not wait for the reconciliation.
    #[arg(long)]
    pub no_wait: bool,
}

pub async fn run(args: ResumeArgs, cluster: &ClusterArgs) -> anyhow::Result<()> {
    let ResumeArgs {
        target,
        all,
        no_wait,
    } = args;
    let (kind, name) = flux_kinds::resolve_targets(&target, all)?;
    let namespace = cluster.namespace.as_str();
    let client = cluster.connect().await?;
    let names = flux_objects::target_names(&client, kind, namespace, name).await?;
    for name in &names {
        output::step(format!("resuming {} {namespace}/{name}", kind.kind));
        let patch = json!({ "spec": { "suspend": false } });
        flux_objects::merge_patch(&client, kind, namespace, name, patch).await?;
        output::success(format!("{} {namespace}/{name} resumed", kind.kind));
    }
    if no_wait {
        return Ok(());
    }
    // One at a time: the output stays readable and the first failure stops with its message.
    for name in &names {
        request_and_wait(&client, kind, namespace, name, &[], cluster.timeout).await?;
    }
    Ok(())
}
