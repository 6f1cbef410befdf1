//! Reading and patching Flux objects on the cluster, with errors that tell the user what to do.

use anyhow::Context as _;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::Client;
use kube::api::{Api, DynamicObject, ListParams, Patch, PatchParams};
use serde_json::Value;

use crate::flux_kinds::FluxKind;
use crate::kube_client::is_not_found;

/// The field manager for every write the CLI makes.
pub const FIELD_MANAGER: &str = "ferroflux";
/// Annotation that asks a controller to reconcile now (Flux's).
pub const REQUESTED_AT: &str = "reconcile.fluxcd.io/requestedAt";

/// An Api for a Flux kind in one namespace, or across all of them.
pub fn api(client: &Client, kind: &FluxKind, namespace: Option<&str>) -> Api<DynamicObject> {
    let resource = kind.api_resource();
    match namespace {
        Some(ns) => Api::namespaced_with(client.clone(), ns, &resource),
        None => Api::all_with(client.clone(), &resource),
    }
}

/// Whether the kind's CRD exists in the cluster.
pub async fn crd_installed(client: &Client, kind: &FluxKind) -> anyhow::Result<bool> {
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    Ok(crds
        .get_opt(&kind.crd_name())
        .await
        .context("reading CustomResourceDefinitions")?
        .is_some())
}

/// Fails with an install hint when the kind's CRD is missing.
pub async fn require_crd(client: &Client, kind: &FluxKind) -> anyhow::Result<()> {
    if crd_installed(client, kind).await? {
        Ok(())
    } else {
        anyhow::bail!("{}", kind.missing_crd_hint())
    }
}

/// Gets one object; a missing CRD or object becomes an error saying which and what to do.
pub async fn get(
    client: &Client,
    kind: &FluxKind,
    namespace: &str,
    name: &str,
) -> anyhow::Result<DynamicObject> {
    match api(client, kind, Some(namespace)).get(name).await {
        Ok(obj) => Ok(obj),
        Err(err) if is_not_found(&err) => Err(not_found(client, kind, namespace, name).await),
        Err(err) => Err(err).with_context(|| format!("reading {} {namespace}/{name}", kind.kind)),
    }
}

/// The error for a 404 on one object: the CRD is missing, or the object is.
async fn not_found(client: &Client, kind: &FluxKind, namespace: &str, name: &str) -> anyhow::Error {
    if let Err(missing_crd) = require_crd(client, kind).await {
        return missing_crd;
    }
    anyhow::anyhow!(
        "{} {namespace}/{name} not found; list them with `ferroflux get {} -n {namespace}`, \
         or use -n to pick another namespace",
        kind.kind,
        list_command(kind)
    )
}

/// The names a command acts on: `name` after checking it exists, or (for `--all`) every object
/// of the kind in `namespace`.
pub async fn target_names(
    client: &Client,
    kind: &FluxKind,
    namespace: &str,
    name: Option<String>,
) -> anyhow::Result<Vec<String>> {
    if let Some(name) = name {
        get(client, kind, namespace, &name).await?;
        return Ok(vec![name]);
    }
    let names: Vec<String> = list(client, kind, Some(namespace))
        .await?
        .into_iter()
        .filter_map(|o| o.metadata.name)
        .collect();
    if names.is_empty() {
        anyhow::bail!("no {} objects found in namespace {namespace}", kind.kind);
    }
    Ok(names)
}

/// Lists objects; a missing CRD becomes an error with an install hint.
pub async fn list(
    client: &Client,
    kind: &FluxKind,
    namespace: Option<&str>,
) -> anyhow::Result<Vec<DynamicObject>> {
    match api(client, kind, namespace)
        .list(&ListParams::default())
        .await
    {
        Ok(list) => Ok(list.items),
        Err(err) if is_not_found(&err) => anyhow::bail!("{}", kind.missing_crd_hint()),
        Err(err) => Err(err).with_context(|| format!("listing {}", kind.plural)),
    }
}

/// Applies a JSON merge patch to an object.
pub async fn merge_patch(
    client: &Client,
    kind: &FluxKind,
    namespace: &str,
    name: &str,
    patch: Value,
) -> anyhow::Result<DynamicObject> {
    match api(client, kind, Some(namespace))
        .patch(name, &PatchParams::default(), &Patch::Merge(&patch))
        .await
    {
        Ok(obj) => Ok(obj),
        Err(err) if is_not_found(&err) => Err(not_found(client, kind, namespace, name).await),
        Err(err) => Err(err).with_context(|| format!("patching {} {namespace}/{name}", kind.kind)),
    }
}

/// `flux get` sub-command words for a kind, for hints.
pub fn list_command(kind: &FluxKind) -> &'static str {
    match kind.group {
        "source.toolkit.fluxcd.io" => "sources all",
        "image.toolkit.fluxcd.io" => "images all",
        _ => kind.plural,
    }
}

/// A condition of `status.conditions` by type.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Condition {
    pub status: String,
    pub reason: String,
    pub message: String,
}

pub fn condition(obj: &DynamicObject, type_: &str) -> Option<Condition> {
    let conditions = obj.data.pointer("/status/conditions")?.as_array()?;
    let found = conditions.iter().find(|c| c["type"] == type_)?;
    let text = |key: &str| found[key].as_str().unwrap_or_default().to_string();
    Some(Condition {
        status: text("status"),
        reason: text("reason"),
        message: text("message"),
    })
}

/// `spec.suspend` as the SUSPENDED column shows it.
pub fn is_suspended(obj: &DynamicObject) -> bool {
    obj.data
        .pointer("/spec/suspend")
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

/// `status.lastHandledReconcileAt`, if the controller has written it.
pub fn last_handled_reconcile_at(obj: &DynamicObject) -> Option<&str> {
    obj.data
        .pointer("/status/lastHandledReconcileAt")
        .and_then(Value::as_str)
}
