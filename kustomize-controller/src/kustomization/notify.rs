//! What the reconciler tells the world: events and metrics.

use ferroflux_api::kustomize::v1::{Kustomization, KustomizationStatus};
use ferroflux_runtime::conditions::Outcome;
use ferroflux_runtime::events::Severity;
use ferroflux_runtime::metrics::ObjectLabels;
use ferroflux_runtime::ssa::ChangeSet;
use kube::{Resource, ResourceExt};
use std::collections::BTreeMap;
use std::time::Duration;

use super::Context;

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
