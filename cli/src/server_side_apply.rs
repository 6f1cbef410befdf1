//! Server-side apply of plain manifests (any kind) and the waits `install` needs.

use std::time::Duration;

use anyhow::Context as _;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::Client;
use kube::api::{Api, DynamicObject, Patch, PatchParams};
use kube::core::GroupVersionKind;
use kube::discovery::{self, Scope};
use serde_json::Value;

use crate::flux_objects::FIELD_MANAGER;
use crate::wait::poll_until;

/// `Kind namespace/name` of a manifest, for messages.
pub fn describe(obj: &Value) -> String {
    let kind = obj["kind"].as_str().unwrap_or("object");
    let name = obj["metadata"]["name"].as_str().unwrap_or("?");
    match obj["metadata"]["namespace"].as_str() {
        Some(ns) => format!("{kind} {ns}/{name}"),
        None => format!("{kind} {name}"),
    }
}

/// Server-side applies one manifest with field manager `ferroflux`, taking ownership of conflicts.
pub async fn apply(client: &Client, obj: &Value) -> anyhow::Result<()> {
    let api_version = obj["apiVersion"]
        .as_str()
        .context("manifest without apiVersion")?;
    let kind = obj["kind"].as_str().context("manifest without kind")?;
    let name = obj["metadata"]["name"]
        .as_str()
        .context("manifest without metadata.name")?;
    let (group, version) = match api_version.split_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api_version),
    };
    let gvk = GroupVersionKind::gvk(group, version, kind);
    let (resource, caps) = discovery::pinned_kind(client, &gvk)
        .await
        .with_context(|| format!("the cluster does not serve {api_version} {kind}"))?;
    let api: Api<DynamicObject> = match (&caps.scope, obj["metadata"]["namespace"].as_str()) {
        (Scope::Namespaced, Some(ns)) => Api::namespaced_with(client.clone(), ns, &resource),
        _ => Api::all_with(client.clone(), &resource),
    };
    api.patch(
        name,
        &PatchParams::apply(FIELD_MANAGER).force(),
        &Patch::Apply(obj),
    )
    .await
    .with_context(|| format!("applying {}", describe(obj)))?;
    Ok(())
}

/// Waits until a CRD reports `Established=True`, so objects of its kind can be created.
pub async fn wait_crd_established(
    client: &Client,
    name: &str,
    timeout: Duration,
) -> anyhow::Result<()> {
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    let crds = &crds;
    poll_until(
        &format!("CustomResourceDefinition {name} to be Established"),
        timeout,
        move || async move {
            let crd = crds
                .get(name)
                .await
                .with_context(|| format!("reading CRD {name}"))?;
            Ok(crd_established(&crd).then_some(()))
        },
    )
    .await
}

pub fn crd_established(crd: &CustomResourceDefinition) -> bool {
    let conditions = crd.status.as_ref().and_then(|s| s.conditions.as_ref());
    conditions.is_some_and(|cs| {
        cs.iter()
            .any(|c| c.type_ == "Established" && c.status == "True")
    })
}

/// Waits until a Deployment has rolled out: the current generation observed, every replica
/// updated and available.
pub async fn wait_deployment_available(
    client: &Client,
    namespace: &str,
    name: &str,
    timeout: Duration,
) -> anyhow::Result<()> {
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), namespace);
    let deployments = &deployments;
    let what = format!("Deployment {namespace}/{name} to become Available");
    let what_ref = what.as_str();
    poll_until(&what, timeout, move || async move {
        let deployment = deployments
            .get(name)
            .await
            .with_context(|| format!("reading {what_ref}"))?;
        Ok(deployment_rolled_out(&deployment).then_some(()))
    })
    .await
}

pub fn deployment_rolled_out(deployment: &Deployment) -> bool {
    let wanted = deployment
        .spec
        .as_ref()
        .and_then(|s| s.replicas)
        .unwrap_or(1);
    let Some(status) = &deployment.status else {
        return false;
    };
    let generation = deployment.metadata.generation.unwrap_or(0);
    status.observed_generation.unwrap_or(0) >= generation
        && status.updated_replicas.unwrap_or(0) >= wanted
        && status.available_replicas.unwrap_or(0) >= wanted
}
