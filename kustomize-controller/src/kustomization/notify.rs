//! What the reconciler tells the world: events, metrics, and the source watches that trigger a
//! reconciliation when a source's artifact changes.

use ferroflux_api::kustomize::v1::{Kustomization, KustomizationStatus};
use ferroflux_runtime::conditions::Outcome;
use ferroflux_runtime::events::Severity;
use ferroflux_runtime::metrics::ObjectLabels;
use ferroflux_runtime::ssa::ChangeSet;
use kube::api::{Api, ApiResource, DynamicObject, GroupVersionKind};
use kube::runtime::controller::Controller;
use kube::runtime::reflector::ObjectRef;
use kube::runtime::watcher;
use kube::{Resource, ResourceExt};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::Context;
use super::runs::RecentRuns;
use super::source::SOURCE_GROUP;

/// How often to look again for the source CRDs while they are not installed yet.
const CRD_POLL: Duration = Duration::from_secs(2);

/// Waits until GitRepository is served: a watch can only be set up on an installed kind, and the
/// controller cannot add watches once running. Flux's controller likewise needs the source CRDs
/// before it starts. Logs what it waits for every 30 seconds.
async fn wait_for_git_repository_crd(client: &kube::Client) {
    let gvk = GroupVersionKind::gvk(SOURCE_GROUP, "v1", "GitRepository");
    let started = std::time::Instant::now();
    let mut last_log: Option<std::time::Instant> = None;
    while let Err(e) = kube::discovery::pinned_kind(client, &gvk).await {
        if last_log.is_none_or(|t| t.elapsed() >= Duration::from_secs(30)) {
            tracing::warn!(
                error = %e,
                waited_secs = started.elapsed().as_secs(),
                "waiting for the GitRepository CRD (install source-controller's CRDs)"
            );
            last_log = Some(std::time::Instant::now());
        }
        tokio::time::sleep(CRD_POLL).await;
    }
}

/// Reconciles the Kustomizations referring to a GitRepository or OCIRepository when its artifact
/// revision changes (other status updates of the source are ignored, as Flux's source predicate
/// does); their last runs are forgotten so the wake-up is not skipped. Waits for the
/// GitRepository CRD first. OCIRepository comes from the same CRD set; if it is still missing
/// then, it is not watched (a watch on it would fail in a tight loop) and Kustomizations using it
/// reconcile on their interval.
pub async fn watch_sources(
    controller: Controller<Kustomization>,
    client: &kube::Client,
    namespace: Option<&str>,
    runs: &Arc<RecentRuns>,
) -> Controller<Kustomization> {
    let mut controller = controller;
    wait_for_git_repository_crd(client).await;
    for (kind, plural) in [
        ("GitRepository", "gitrepositories"),
        ("OCIRepository", "ocirepositories"),
    ] {
        let gvk = GroupVersionKind::gvk(SOURCE_GROUP, "v1", kind);
        if let Err(e) = kube::discovery::pinned_kind(client, &gvk).await {
            tracing::warn!(%kind, error = %e, "source kind not served, not watching it");
            continue;
        }
        let resource = ApiResource::from_gvk_with_plural(&gvk, plural);
        let api: Api<DynamicObject> = match namespace {
            Some(ns) => Api::namespaced_with(client.clone(), ns, &resource),
            None => Api::all_with(client.clone(), &resource),
        };
        let store = controller.store();
        let runs = runs.clone();
        // The last artifact revision seen per source (namespace, name).
        let revisions: Mutex<HashMap<(String, String), String>> = Mutex::default();
        controller =
            controller.watches_with(api, resource, watcher::Config::default(), move |source| {
                let (name, namespace) = (source.name_any(), source.namespace().unwrap_or_default());
                let revision = source
                    .data
                    .pointer("/status/artifact/revision")
                    .and_then(|r| r.as_str())
                    .unwrap_or_default()
                    .to_string();
                let previous = revisions
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert((namespace.clone(), name.clone()), revision.clone());
                if revision.is_empty() || previous.as_ref() == Some(&revision) {
                    return Vec::new();
                }
                store
                    .state()
                    .into_iter()
                    .filter(|ks| {
                        let r = &ks.spec.source_ref;
                        let ks_ns = ks.namespace().unwrap_or_default();
                        r.kind == kind
                            && r.name == name
                            && r.namespace.as_deref().unwrap_or(&ks_ns) == namespace
                    })
                    .map(|ks| {
                        runs.forget(&ks.namespace().unwrap_or_default(), &ks.name_any());
                        ObjectRef::from_obj(&*ks)
                    })
                    .collect::<Vec<_>>()
            });
    }
    controller
}

fn revision_metadata(revision: &str) -> BTreeMap<String, String> {
    BTreeMap::from([(format!("{}/revision", super::GROUP), revision.to_string())])
}

/// Publishes the objects an apply or prune changed, one `Kind/namespace/name action` per line.
pub async fn publish_changes(
    ks: &Kustomization,
    ctx: &Context,
    revision: &str,
    changes: &ChangeSet,
) {
    let Some(events) = &ctx.events else { return };
    let lines: Vec<String> = changes
        .changes()
        .map(|e| format!("{} {}", e.object, e.action))
        .collect();
    if lines.is_empty() {
        return;
    }
    let object = ks.object_ref(&());
    let metadata = revision_metadata(revision);
    events
        .publish(
            &object,
            Severity::Info,
            "Progressing",
            &lines.join("\n"),
            &metadata,
        )
        .await;
}

/// Publishes the reconciliation's outcome after the status changed.
pub async fn publish_outcome(
    ks: &Kustomization,
    ctx: &Context,
    status: &KustomizationStatus,
    outcome: &Outcome,
) {
    let Some(events) = &ctx.events else { return };
    let revision = status.last_attempted_revision.clone().unwrap_or_default();
    let (severity, reason, message) = match outcome {
        Outcome::Succeeded { reason, message } => (Severity::Info, reason, message),
        Outcome::Failed {
            reason, message, ..
        } => (Severity::Error, reason, message),
    };
    let object = ks.object_ref(&());
    events
        .publish(
            &object,
            severity,
            reason,
            message,
            &revision_metadata(&revision),
        )
        .await;
}

/// Records `gotk_reconcile_condition`, `gotk_reconcile_duration_seconds` and `gotk_suspend_status`.
pub fn record_metrics(
    ks: &Kustomization,
    ctx: &Context,
    result: Option<(&KustomizationStatus, Duration)>,
    suspended: bool,
) {
    let Some(metrics) = &ctx.metrics else { return };
    let labels = ObjectLabels {
        kind: "Kustomization".to_string(),
        name: ks.name_any(),
        namespace: ks.namespace().unwrap_or_default(),
    };
    metrics.record_suspend(&labels, suspended);
    if let Some((status, elapsed)) = result {
        metrics.record_ready(&labels, &status.conditions, false);
        metrics.observe_duration(&labels, elapsed.as_secs_f64());
    }
}
