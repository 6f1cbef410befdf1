//! GitRepository reconciler: a short driver over the steps in the sibling files.
//!
//! Steps: [`validate`] (unsupported fields), [`include`] (included artifacts), [`source`]
//! (fetch), [`artifact`] (archive + store). Each returns its own error; the driver records the
//! step's abnormal condition, then [`summarize`](ferroflux_runtime::conditions::summarize)
//! derives Ready/Reconciling/Stalled, and the status is written once, only when it changed.

pub mod artifact;
pub mod auth;
pub mod checkout;
pub mod include;
pub mod refs;
pub mod source;
mod status;
mod transport;
pub mod validate;

use std::sync::Arc;
use std::time::Duration;

use ferroflux_api::meta;
use ferroflux_api::source::v1::GitRepository;
use ferroflux_runtime::conditions::{ErrorKind, Outcome};
use kube::runtime::controller::Action;
use kube::runtime::finalizer::{Event as Finalizer, finalizer};
use kube::{Api, ResourceExt};

use crate::context::Context;

/// Abnormal conditions of a GitRepository, in the priority order used for `Ready`'s reason.
pub const NEGATIVE_POLARITY: &[&str] = &[
    meta::FETCH_FAILED_CONDITION,
    meta::INCLUDE_UNAVAILABLE_CONDITION,
    meta::STORAGE_OPERATION_FAILED_CONDITION,
    meta::ARTIFACT_OUTDATED_CONDITION,
];

/// Errors that escape a reconciliation (the steps' errors are recorded in status instead).
#[derive(Debug, thiserror::Error)]
pub enum ReconcileError {
    /// Adding/removing the finalizer or cleaning up failed.
    #[error("finalizer: {0}")]
    Finalizer(String),
    /// Writing status failed.
    #[error("writing status: {0}")]
    WriteStatus(#[source] kube::Error),
}

/// Reconciles one GitRepository: finalizer handling, then [`apply`] or [`cleanup`].
pub async fn reconcile(
    obj: Arc<GitRepository>,
    ctx: Arc<Context>,
) -> Result<Action, ReconcileError> {
    let ns = obj.namespace().unwrap_or_default();
    let api: Api<GitRepository> = Api::namespaced(ctx.client.clone(), &ns);
    finalizer(&api, meta::FINALIZER, obj, |event| async {
        match event {
            Finalizer::Apply(obj) => apply(obj, &ctx).await,
            Finalizer::Cleanup(obj) => cleanup(obj, &ctx).await,
        }
    })
    .await
    .map_err(|e| match e {
        kube::runtime::finalizer::Error::ApplyFailed(e)
        | kube::runtime::finalizer::Error::CleanupFailed(e) => e,
        other => ReconcileError::Finalizer(other.to_string()),
    })
}

/// Requeue after an error that escaped the status (API errors), with the object's backoff.
pub fn error_policy(obj: Arc<GitRepository>, err: &ReconcileError, ctx: Arc<Context>) -> Action {
    tracing::warn!(%err, "reconciliation failed");
    Action::requeue(ctx.retry.failed(&retry_key(&obj)))
}

/// The key of an object's failure count: its UID, so a re-created object starts afresh.
fn retry_key(obj: &GitRepository) -> String {
    obj.uid().unwrap_or_else(|| obj.name_any())
}

async fn apply(obj: Arc<GitRepository>, ctx: &Context) -> Result<Action, ReconcileError> {
    let started = std::time::Instant::now();
    let labels = status::metric_labels(&obj);
    let suspended = obj.spec.suspend.unwrap_or(false);
    ctx.metrics.record_suspend(&labels, suspended);
    if suspended {
        tracing::info!(name = %obj.name_any(), "reconciliation is suspended");
        return Ok(Action::await_change());
    }
    let interval = validate::interval(&obj);
    let mut next = obj.status.clone().unwrap_or_default();
    let outcome = status::run_steps(&obj, ctx, &mut next).await;
    let generation = obj.metadata.generation;
    ferroflux_runtime::conditions::summarize(
        &mut next.conditions,
        &outcome,
        NEGATIVE_POLARITY,
        generation,
    );
    if matches!(
        &outcome,
        Outcome::Succeeded { .. }
            | Outcome::Failed {
                kind: ErrorKind::Stalling,
                ..
            }
    ) {
        next.observed_generation = generation;
    }
    if let Some(requested) = obj.annotations().get(meta::RECONCILE_REQUEST_ANNOTATION) {
        next.reconcile_request.last_handled_reconcile_at = Some(requested.clone());
    }
    status::write_if_changed(&obj, ctx, &next).await?;
    ctx.metrics
        .observe_duration(&labels, started.elapsed().as_secs_f64());
    ctx.metrics.record_ready(&labels, &next.conditions, false);
    // Failures are retried with exponential backoff (GitRepository has no retryInterval);
    // a stalled object waits for a change of its spec.
    Ok(match outcome {
        Outcome::Succeeded { .. } => {
            ctx.retry.reset(&retry_key(&obj));
            Action::requeue(jitter(interval))
        }
        Outcome::Failed {
            kind: ErrorKind::Stalling,
            ..
        } => {
            ctx.retry.reset(&retry_key(&obj));
            Action::await_change()
        }
        Outcome::Failed { .. } => Action::requeue(ctx.retry.failed(&retry_key(&obj))),
    })
}

async fn cleanup(obj: Arc<GitRepository>, ctx: &Context) -> Result<Action, ReconcileError> {
    let ns = obj.namespace().unwrap_or_default();
    ctx.storage
        .remove_all("GitRepository", &ns, &obj.name_any())
        .map_err(|e| ReconcileError::Finalizer(e.to_string()))?;
    ctx.metrics
        .record_ready(&status::metric_labels(&obj), &[], true);
    Ok(Action::await_change())
}

/// The interval plus up to 5% so objects created together spread out.
fn jitter(interval: Duration) -> Duration {
    interval.mul_f64(1.0 + fastrand::f64() * 0.05)
}
