//! `ferroflux reconcile`: ask a controller to reconcile an object now and report the outcome.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Context as _;
use clap::Args;
use kube::Client;
use serde_json::json;

use crate::components;
use crate::flux_kinds::{self, FluxKind};
use crate::flux_objects::{self, REQUESTED_AT, condition, is_suspended, last_handled_reconcile_at};
use crate::kube_client::ClusterArgs;
use crate::output;
use crate::wait::poll_until;

/// Trigger a reconciliation of a Flux object and wait for its outcome.
///
/// Sets the reconcile.fluxcd.io/requestedAt annotation, waits until the controller reports
/// status.lastHandledReconcileAt with the same value, then prints the Ready condition.
/// Fails (exit 1) when the object is not Ready or the controller does not answer in --timeout.
///
/// Examples:
///   ferroflux reconcile kustomization apps
///   ferroflux reconcile ks apps --with-source
///   ferroflux reconcile source git podinfo -n default --timeout 1m
///   ferroflux reconcile hr web -n apps
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct ReconcileArgs {
    /// The object: `<kind> <name>`, kind as in `ferroflux get` (ks, hr, source git, image policy, ...).
    #[arg(required = true, num_args = 2..=3, value_name = "KIND NAME")]
    pub target: Vec<String>,

    /// First reconcile the object's source (spec.sourceRef) and wait for it.
    #[arg(long)]
    pub with_source: bool,

    /// HelmRelease only: force a one-off install or upgrade (reconcile.fluxcd.io/forceAt).
    #[arg(long)]
    pub force: bool,

    /// HelmRelease only: reset the failure counts so remediation starts over
    /// (reconcile.fluxcd.io/resetAt).
    #[arg(long)]
    pub reset: bool,
}

/// HelmRelease annotations that take the same value as `requestedAt`.
const FORCE_AT: &str = "reconcile.fluxcd.io/forceAt";
const RESET_AT: &str = "reconcile.fluxcd.io/resetAt";

pub async fn run(args: ReconcileArgs, cluster: &ClusterArgs) -> anyhow::Result<()> {
    let ReconcileArgs {
        target,
        with_source,
        force,
        reset,
    } = args;
    let (kind, name) = flux_kinds::resolve_target(&target)?;
    if (force || reset) && kind.kind != "HelmRelease" {
        anyhow::bail!(
            "--force and --reset only apply to HelmReleases, not to {}",
            kind.kind
        );
    }
    let mut extra = Vec::new();
    extra.extend(force.then_some(FORCE_AT));
    extra.extend(reset.then_some(RESET_AT));
    let namespace = cluster.namespace.as_str();
    let client = cluster.connect().await?;
    let obj = flux_objects::get(&client, kind, namespace, &name).await?;
    if is_suspended(&obj) {
        anyhow::bail!(
            "{} {namespace}/{name} is suspended; resume it with `ferroflux resume {} {name} -n {namespace}`",
            kind.kind,
            kind.aliases[0]
        );
    }
    if with_source {
        if kind.source_ref.is_empty() {
            anyhow::bail!(
                "{} has no source to reconcile; drop --with-source",
                kind.kind
            );
        }
        let (pointer, source) = kind
            .source_ref
            .iter()
            .find_map(|p| obj.data.pointer(p).map(|source| (*p, source)))
            .with_context(|| {
                format!(
                    "{} {namespace}/{name} has none of {}",
                    kind.kind,
                    kind.source_ref.join(", ")
                )
            })?;
        let source_kind = source["kind"].as_str().unwrap_or_default();
        let source_kind = flux_kinds::ALL
            .iter()
            .find(|k| k.kind == source_kind)
            .with_context(|| format!("unknown source kind {source_kind:?} in {pointer}"))?;
        let source_ns = source["namespace"].as_str().unwrap_or(namespace);
        let source_name = source["name"].as_str().unwrap_or_default();
        request_and_wait(
            &client,
            source_kind,
            source_ns,
            source_name,
            &[],
            cluster.timeout,
        )
        .await?;
    }
    request_and_wait(&client, kind, namespace, &name, &extra, cluster.timeout).await
}

/// Annotates the object with a fresh `requestedAt` (and the `extra` annotations, same value), waits for the controller to handle it and
/// reports the Ready condition: Ok when Ready=True, an error carrying the message otherwise.
pub async fn request_and_wait(
    client: &Client,
    kind: &FluxKind,
    namespace: &str,
    name: &str,
    extra: &[&str],
    timeout: Duration,
) -> anyhow::Result<()> {
    let token = jiff::Timestamp::now().to_string();
    output::step(format!("annotating {} {namespace}/{name}", kind.kind));
    let mut annotations = serde_json::Map::new();
    for key in std::iter::once(&REQUESTED_AT).chain(extra) {
        annotations.insert(key.to_string(), token.clone().into());
    }
    let patch = json!({ "metadata": { "annotations": annotations } });
    flux_objects::merge_patch(client, kind, namespace, name, patch).await?;

    let handled = AtomicBool::new(false);
    let (handled_ref, token_ref) = (&handled, token.as_str());
    let what = format!("{} {namespace}/{name} to be reconciled", kind.kind);
    let outcome = poll_until(&what, timeout, move || async move {
        let obj = flux_objects::get(client, kind, namespace, name).await?;
        if last_handled_reconcile_at(&obj) != Some(token_ref) {
            return Ok(None);
        }
        handled_ref.store(true, Ordering::Relaxed);
        let observed = obj
            .data
            .pointer("/status/observedGeneration")
            .and_then(|g| g.as_i64());
        if observed.is_some_and(|g| g < obj.metadata.generation.unwrap_or(0)) {
            return Ok(None);
        }
        Ok(condition(&obj, "Ready")
            .filter(|c| c.status != "Unknown")
            .map(|c| (c, obj)))
    })
    .await;

    let (ready, obj) = outcome.map_err(|err| {
        let owner = components::owner_of_crd(kind.group, kind.plural).unwrap_or("its controller");
        if handled.load(Ordering::Relaxed) {
            err.context(format!(
                "{} {namespace}/{name} is still reconciling",
                kind.kind
            ))
        } else {
            err.context(format!(
                "{owner} did not handle the request (status.lastHandledReconcileAt never \
                 became {token}); is it running? Check with `ferroflux check`"
            ))
        }
    })?;
    if ready.status == "True" {
        let revision = kind.revision_of(&obj);
        let suffix = if revision.is_empty() {
            String::new()
        } else {
            format!(" ({revision})")
        };
        output::success(format!(
            "{} {namespace}/{name} reconciled{suffix}: {}",
            kind.kind, ready.message
        ));
        Ok(())
    } else {
        anyhow::bail!(
            "{} {namespace}/{name} is not ready: {}: {}",
            kind.kind,
            ready.reason,
            ready.message
        )
    }
}
