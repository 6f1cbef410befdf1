//! The Kustomization reconciler: a short driver over the steps
//! dependencies -> source -> build -> apply -> prune -> health, then one status write.
//!
//! Steps set only their own conditions (`Healthy`); `Ready`, `Reconciling` and `Stalled` are
//! derived here by the runtime's summary from the first failure, if any.

mod apply;
mod build;
mod build_cache;
mod context;
mod dependencies;
mod errors;
mod finalize;
mod health;
mod notify;
mod progress;
mod prune;
mod runs;
mod schedule;
mod source;
mod source_watch;

pub use apply::{GROUP, NAME_LABEL, NAMESPACE_LABEL};
pub use context::{Context, kube_config};
pub use errors::Failure;

use ferroflux_api::kustomize::v1::{Kustomization, KustomizationStatus};
use ferroflux_api::meta as reasons;
use ferroflux_runtime::conditions::{Outcome, StepError, summarize};
use ferroflux_runtime::ssa::LAST_APPLIED_ANNOTATION;
use ferroflux_runtime::status::{apply_status, status_changed};
use futures::StreamExt;
use kube::runtime::controller::{Action, Config as ControllerConfig, Controller};
use kube::runtime::{WatchStreamExt, reflector, watcher};
use kube::{Api, ResourceExt};
use std::sync::Arc;
use std::time::Duration;

use errors::SpecError;
use schedule::Intervals;

/// Failures of the driver itself (not of a step): these are retried with backoff.
#[derive(Debug, thiserror::Error)]
pub enum ReconcileError {
    /// Writing `.status` failed.
    #[error("failed to write status: {0}")]
    WriteStatus(kube::Error),
    /// Adding or removing the finalizer failed.
    #[error("failed to update finalizers: {0}")]
    Finalizer(kube::Error),
    /// Garbage collection could not start.
    #[error("garbage collection failed: {0}")]
    GarbageCollect(String),
}

/// Runs the reconciler until the process is asked to stop. With `namespace`, only
/// Kustomizations in that namespace are watched; a non-empty `label_selector`
/// (`--watch-label-selector`) narrows them to the matching ones.
pub async fn run(
    ctx: Arc<Context>,
    namespace: Option<String>,
    label_selector: &str,
    concurrency: u16,
) {
    let api: Api<Kustomization> = match &namespace {
        Some(ns) => Api::namespaced(ctx.client.clone(), ns),
        None => Api::all(ctx.client.clone()),
    };
    let mut watch_config = watcher::Config::default();
    if !label_selector.is_empty() {
        watch_config = watch_config.labels(label_selector);
    }
    let (reader, writer) = reflector::store();
    let kustomizations = watcher(api, watch_config)
        .modify(slim_for_cache)
        .reflect(writer)
        .applied_objects();
    let controller = Controller::for_stream(kustomizations, reader)
        .with_config(ControllerConfig::default().concurrency(concurrency));
    let controller = source_watch::watch_sources(
        controller,
        &ctx.client,
        namespace.as_deref(),
        &ctx.runs,
        &ctx.sources,
    )
    .await;
    controller
        .run(reconcile, error_policy, ctx)
        .for_each(|result| async move {
            if let Err(e) = result {
                tracing::debug!(error = %e, "reconcile loop");
            }
        })
        .await;
}

/// Drops what the reconciler never reads from the cached copy of a Kustomization: its
/// `managedFields` (a tree per field manager, the largest part of a small object) and kubectl's
/// `last-applied-configuration` annotation (a second copy of the spec). The controller holds
/// every watched Kustomization in memory; status and finalizers are written with patches, never
/// with this copy, so nothing is lost on the server.
fn slim_for_cache(ks: &mut Kustomization) {
    ks.metadata.managed_fields = None;
    if let Some(annotations) = ks.metadata.annotations.as_mut() {
        annotations.remove(LAST_APPLIED_ANNOTATION);
    }
}

/// Reconciles one Kustomization: the driver.
pub async fn reconcile(
    ks: Arc<Kustomization>,
    ctx: Arc<Context>,
) -> Result<Action, ReconcileError> {
    let api: Api<Kustomization> =
        Api::namespaced(ctx.client.clone(), &ks.namespace().unwrap_or_default());
    if ks.metadata.deletion_timestamp.is_some() {
        ctx.runs
            .forget(&ks.namespace().unwrap_or_default(), &ks.name_any());
        return finalize::finalize(&ks, &ctx, &api).await;
    }
    if let Some(action) = ctx.runs.skip(&ks) {
        return Ok(action);
    }
    finalize::ensure_finalizer(&ks, &api).await?;
    if ks.spec.suspend.unwrap_or(false) {
        notify::record_metrics(&ks, &ctx, None, true);
        return Ok(Action::await_change());
    }
    let started = std::time::Instant::now();
    let mut status = ks.status.clone().unwrap_or_default();
    if let Some(requested) = ks.annotations().get(reasons::RECONCILE_REQUEST_ANNOTATION) {
        status.reconcile_request.last_handled_reconcile_at = Some(requested.clone());
    }
    let intervals = Intervals::of(&ks.spec);
    let result = match &intervals {
        Ok(intervals) => run_steps(&ks, &ctx, &api, &mut status, intervals).await,
        Err(e) => Err(Failure::Spec(e.clone())),
    };
    let outcome = match &result {
        Ok(message) => Outcome::Succeeded {
            reason: reasons::RECONCILIATION_SUCCEEDED_REASON.to_string(),
            message: message.clone(),
        },
        Err(failure) => Outcome::from_error(failure),
    };
    let generation = ks.metadata.generation;
    summarize(&mut status.conditions, &outcome, &[], generation);
    status.observed_generation = generation;
    if status_changed(ks.status.as_ref(), &status) {
        apply_status(&api, &ks, &ctx.field_manager, &status)
            .await
            .map_err(ReconcileError::WriteStatus)?;
        notify::publish_outcome(&ks, &ctx, &status, &outcome).await;
    }
    notify::record_metrics(&ks, &ctx, Some((&status, started.elapsed())), false);
    let failure_kind = result.as_ref().err().map(StepError::kind);
    let requeue = match intervals {
        Ok(i) => i.requeue_after(failure_kind),
        Err(_) => None,
    };
    ctx.runs.record(&ks, requeue);
    Ok(requeue.map_or_else(Action::await_change, Action::requeue))
}

/// Runs the steps in order; the first failure ends the reconciliation.
async fn run_steps(
    ks: &Kustomization,
    ctx: &Context,
    api: &Api<Kustomization>,
    status: &mut KustomizationStatus,
    intervals: &Intervals,
) -> Result<String, Failure> {
    reject_unsupported_fields(ks)?;
    dependencies::check_dependencies(ks, ctx).await?;
    let artifact = source::find_artifact(ks, ctx).await?;
    let revision = artifact.revision.clone();
    if progress::is_new_work(ks, &revision) {
        progress::mark_progressing(ks, ctx, api, status, &revision, intervals.timeout).await;
    }
    status.last_attempted_revision = Some(revision.clone());
    // Download, unpack and build once per artifact and build settings (see build_cache).
    let key = build_cache::build_key(&artifact.digest, &ks.spec);
    let built = ctx
        .builds
        .get_or_build(key, || async {
            let fetched = source::fetch_artifact(ctx, artifact).await?;
            Ok::<_, Failure>(build::kustomize(ks, fetched.dir.path()).await?)
        })
        .await?;
    let objects = build::post_build(ks, ctx, built.as_ref().clone()).await?;

    let rm = apply::resource_manager(ks, ctx)?;
    let previous = apply::objects_of(status.inventory.as_ref());
    let applied = match apply::apply_objects(ks, &rm, objects, intervals.timeout).await {
        Ok(applied) => applied,
        Err(e) => {
            // Objects applied before the failure stay tracked, so a later successful
            // reconciliation (or deletion) prunes them if they leave Git. Nothing is pruned now.
            let partial = e.applied_objects();
            if !partial.is_empty() {
                let all: Vec<_> = partial.iter().chain(&previous).cloned().collect();
                status.inventory = Some(apply::inventory_of(&all));
            }
            return Err(e.into());
        }
    };
    if applied.changes.changes().next().is_some() {
        notify::publish_changes(ks, ctx, &revision, &applied.changes).await;
    }
    status.inventory = Some(apply::inventory_of(&applied.objects));
    if ks.spec.prune {
        let stale = prune::stale_objects(&previous, &applied.objects);
        if !stale.is_empty() {
            match prune::prune_stale_objects(ks, &rm, &stale).await {
                Ok(pruned) => notify::publish_changes(ks, ctx, &revision, &pruned).await,
                Err(e) => {
                    // Keep the stale objects in the inventory so the next attempt prunes them.
                    let all: Vec<_> = applied.objects.iter().chain(&stale).cloned().collect();
                    status.inventory = Some(apply::inventory_of(&all));
                    return Err(e.into());
                }
            }
        }
    }
    health::check_health(
        ks,
        &rm,
        &applied.reconciled(),
        intervals.timeout,
        &mut status.conditions,
    )
    .await?;
    status.last_applied_revision = Some(revision.clone());
    Ok(format!("Applied revision: {revision}"))
}

/// Spec fields this controller does not implement stall the object with a message naming them.
fn reject_unsupported_fields(ks: &Kustomization) -> Result<(), SpecError> {
    if ks.spec.decryption.is_some() {
        return Err(SpecError::UnsupportedDecryption);
    }
    if ks.spec.kube_config.is_some() {
        return Err(SpecError::UnsupportedKubeConfig);
    }
    Ok(())
}

/// After a driver error (status write, finalizer): retry soon.
pub fn error_policy(ks: Arc<Kustomization>, err: &ReconcileError, _ctx: Arc<Context>) -> Action {
    tracing::warn!(name = %ks.name_any(), namespace = ?ks.namespace(), error = %err, "reconcile failed");
    Action::requeue(Duration::from_secs(10))
}
