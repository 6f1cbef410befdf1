//! `ferroflux uninstall`: remove the controllers, their RBAC and CRDs; keep the workloads.

use std::io::{BufRead as _, Write as _};

use anyhow::Context as _;
use clap::Args;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Namespace, Service, ServiceAccount};
use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, Role, RoleBinding};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Api, ApiResource, DeleteParams, DynamicObject, ListParams};
use serde_json::json;

use crate::components::{INSTANCE_LABEL, PART_OF_LABEL, PART_OF_VALUE};
use crate::flux_kinds;
use crate::flux_objects;
use crate::kube_client::{ClusterArgs, is_not_found};
use crate::output;
use crate::wait::poll_until;

/// Uninstall Ferroflux: controllers, RBAC, CRDs and (unless kept) the namespace.
///
/// Controllers go first so nothing reconciles while Flux objects lose their finalizers; then
/// the CRDs are deleted, which deletes every Flux object. What the controllers applied
/// (Deployments, Services, ... of your apps) stays in the cluster.
///
/// Examples:
///   ferroflux uninstall
///   ferroflux uninstall --keep-namespace --silent
///   ferroflux uninstall --dry-run
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct UninstallArgs {
    /// Keep the namespace Ferroflux ran in.
    #[arg(long)]
    pub keep_namespace: bool,

    /// Keep the CRDs and every Flux object (another installation in the cluster may share them).
    #[arg(long)]
    pub keep_crds: bool,

    /// Do not ask for confirmation.
    #[arg(short = 's', long)]
    pub silent: bool,

    /// Only print what would be deleted.
    #[arg(long)]
    pub dry_run: bool,
}

pub async fn run(args: UninstallArgs, cluster: &ClusterArgs) -> anyhow::Result<()> {
    let UninstallArgs {
        keep_namespace,
        keep_crds,
        silent,
        dry_run,
    } = args;
    let namespace = cluster.namespace.as_str();
    if !silent && !dry_run && !confirm(namespace)? {
        anyhow::bail!("uninstall cancelled");
    }
    let client = cluster.connect().await?;
    let selector = format!("{PART_OF_LABEL}={PART_OF_VALUE},{INSTANCE_LABEL}={namespace}");

    output::step("deleting controllers and their RBAC");
    let namespaced = [
        ApiResource::erase::<Deployment>(&()),
        ApiResource::erase::<Service>(&()),
        ApiResource::erase::<RoleBinding>(&()),
        ApiResource::erase::<Role>(&()),
        ApiResource::erase::<ServiceAccount>(&()),
    ];
    for resource in &namespaced {
        let api = Api::namespaced_with(client.clone(), namespace, resource);
        delete_selected(&api, &selector, &resource.kind, dry_run).await?;
    }
    for resource in [
        ApiResource::erase::<ClusterRoleBinding>(&()),
        ApiResource::erase::<ClusterRole>(&()),
    ] {
        let api = Api::all_with(client.clone(), &resource);
        delete_selected(&api, &selector, &resource.kind, dry_run).await?;
    }
    if !keep_crds {
        delete_flux_objects_and_crds(&client, cluster, dry_run).await?;
    }

    if !keep_namespace {
        output::step(format!("deleting namespace {namespace}"));
        if dry_run {
            println!("Namespace {namespace} deleted (dry run)");
        } else {
            let namespaces: Api<Namespace> = Api::all(client.clone());
            delete_ignoring_missing(&namespaces, namespace).await?;
            let what = format!("namespace {namespace} to be deleted");
            let namespaces = &namespaces;
            poll_until(&what, cluster.timeout, move || async move {
                Ok(namespaces.get_opt(namespace).await?.is_none().then_some(()))
            })
            .await?;
        }
    }
    output::success("uninstall finished");
    Ok(())
}

/// Strips finalizers from every Flux object (no controller is left to run them), then deletes
/// the CRDs, which deletes the objects. Their workloads stay: Flux sets no owner references.
async fn delete_flux_objects_and_crds(
    client: &kube::Client,
    cluster: &ClusterArgs,
    dry_run: bool,
) -> anyhow::Result<()> {
    output::step("removing finalizers from Flux objects");
    for kind in flux_kinds::ALL {
        if !flux_objects::crd_installed(client, kind).await? {
            continue;
        }
        for obj in flux_objects::list(client, kind, None).await? {
            if obj
                .metadata
                .finalizers
                .as_ref()
                .is_none_or(|f| f.is_empty())
            {
                continue;
            }
            let ns = obj.metadata.namespace.clone().unwrap_or_default();
            let name = obj.metadata.name.clone().unwrap_or_default();
            if !dry_run {
                let patch = json!({ "metadata": { "finalizers": null } });
                flux_objects::merge_patch(client, kind, &ns, &name, patch).await?;
            }
            println!(
                "{} {ns}/{name} finalizers removed{}",
                kind.kind,
                dry_run_note(dry_run)
            );
        }
    }

    output::step("deleting CRDs");
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    let crd_selector = format!("{PART_OF_LABEL}={PART_OF_VALUE}");
    let names: Vec<String> = crds
        .list(&ListParams::default().labels(&crd_selector))
        .await
        .context("listing CRDs")?
        .items
        .into_iter()
        .filter_map(|c| c.metadata.name)
        .collect();
    for name in &names {
        if !dry_run {
            delete_ignoring_missing(&crds, name).await?;
        }
        println!(
            "CustomResourceDefinition {name} deleted{}",
            dry_run_note(dry_run)
        );
    }
    if dry_run {
        return Ok(());
    }
    let (crds, crd_selector) = (&crds, crd_selector.as_str());
    poll_until(
        "Flux CRDs to be deleted",
        cluster.timeout,
        move || async move {
            let left = crds
                .list(&ListParams::default().labels(crd_selector))
                .await?;
            Ok(left.items.is_empty().then_some(()))
        },
    )
    .await
}

fn dry_run_note(dry_run: bool) -> &'static str {
    if dry_run { " (dry run)" } else { "" }
}

fn confirm(namespace: &str) -> anyhow::Result<bool> {
    eprint!(
        "Delete the Ferroflux controllers and CRDs (and every Flux object) from namespace \
         {namespace}? [y/N] "
    );
    std::io::stderr().flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

async fn delete_selected(
    api: &Api<DynamicObject>,
    selector: &str,
    kind: &str,
    dry_run: bool,
) -> anyhow::Result<()> {
    let found = api
        .list(&ListParams::default().labels(selector))
        .await
        .with_context(|| format!("listing {kind}s"))?;
    for obj in found.items {
        let name = obj.metadata.name.unwrap_or_default();
        if !dry_run {
            delete_ignoring_missing(api, &name).await?;
        }
        println!("{kind} {name} deleted{}", dry_run_note(dry_run));
    }
    Ok(())
}

async fn delete_ignoring_missing<K>(api: &Api<K>, name: &str) -> anyhow::Result<()>
where
    K: Clone + serde::de::DeserializeOwned + std::fmt::Debug,
{
    match api.delete(name, &DeleteParams::background()).await {
        Ok(_) => Ok(()),
        Err(err) if is_not_found(&err) => Ok(()),
        Err(err) => Err(err).with_context(|| format!("deleting {name}")),
    }
}
