//! The Kustomization reconciler: a short driver over the steps
//! dependencies -> source -> build -> apply -> prune -> health, then one status write.
//!
//! Steps set only their own conditions (`Healthy`); `Ready`, `Reconciling` and `Stalled` are
//! derived here by the runtime's summary from the first failure, if any.

//! Kustomization: its condition table and its steps, run by the runtime's reconcile driver
//! ([`ferroflux_runtime::reconcile`]): dependencies -> source -> build -> apply -> prune ->
//! health.
//!
//! Steps set only their own condition (`Healthy`); `Ready`, `Reconciling` and `Stalled` are
//! derived by the driver from the first failure, if any, and the status is written once.

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
mod source;
mod source_watch;
mod spec;

pub use apply::{GROUP, NAME_LABEL, NAMESPACE_LABEL};
pub use context::Context;
pub use errors::Failure;

use ferroflux_api::kustomize::v1::{Kustomization, KustomizationStatus};
use ferroflux_api::meta::{HEALTHY_CONDITION, RECONCILIATION_SUCCEEDED_REASON};
use ferroflux_runtime::reconcile::{
    self as driver, ConditionTable, DriverError, Intervals, KindTable, Parsed, Ready, WatchScope,
};
use kube::Api;
use kube::ResourceExt;
use kube::runtime::controller::{Action, Config as ControllerConfig};
use std::sync::Arc;

/// The conditions of a Kustomization besides Ready, Reconciling and Stalled.
pub const CONDITIONS: ConditionTable = ConditionTable {
    owned: &[HEALTHY_CONDITION],
    negative_polarity: &[],
};

const KIND: KindTable<Kustomization> = KindTable {
    conditions: CONDITIONS,
    intervals: spec::intervals,
    revision: |status: &KustomizationStatus| status.last_attempted_revision.clone(),
    success_event: true,
};

/// Runs the reconciler until shutdown is requested (then the reconciliations under way
/// finish). `scope` selects the watched namespaces and labels.
pub async fn run(ctx: Arc<Context>, scope: WatchScope, concurrency: u16) {
    let shutdown = ctx.driver.shutdown.clone();
    let work = async {
        let controller =
            driver::controller::<Kustomization>(&ctx.driver.client, &scope, &ctx.driver.shutdown)
                .with_config(ControllerConfig::default().concurrency(concurrency));
        let controller = source_watch::watch_sources(
            controller,
            &ctx.driver.client,
            scope.namespace.as_deref(),
            &ctx.driver.runs,
            &ctx.sources,
        )
        .await;
        driver::drain(controller.run(reconcile, error_policy, ctx.clone())).await;
    };
    shutdown.bounded(work, driver::GRACE_PERIOD).await;
}

/// Reconciles one Kustomization through the driver.
pub async fn reconcile(
    ks: Arc<Parsed<Kustomization>>,
    ctx: Arc<Context>,
) -> Result<Action, DriverError> {
    driver::reconcile(
        ks,
        &ctx.driver,
        &KIND,
        async |ks, status, intervals| run_steps(ks, &ctx, status, intervals).await,
        async |ks| finalize::collect_garbage(ks, &ctx).await,
    )
    .await
}

/// After a driver error (status write, finalizer, garbage collection): retry with backoff.
pub fn error_policy(
    ks: Arc<Parsed<Kustomization>>,
    err: &DriverError,
    ctx: Arc<Context>,
) -> Action {
    driver::error_policy(ks.as_ref(), err, &ctx.driver)
}

/// Runs the steps in order; the first failure ends the reconciliation.
async fn run_steps(
    ks: &Kustomization,
    ctx: &Context,
    status: &mut KustomizationStatus,
    intervals: &Intervals,
) -> Result<Ready, Failure> {
    spec::reject_unsupported_fields(ks)?;
    dependencies::check_dependencies(ks, ctx).await?;
    let artifact = source::find_artifact(ks, ctx).await?;
    let revision = artifact.revision.clone();
    if progress::is_new_work(ks, &revision) {
        let api: Api<Kustomization> = Api::namespaced(
            ctx.driver.client.clone(),
            &ks.namespace().unwrap_or_default(),
        );
        progress::mark_progressing(ks, ctx, &api, status, &revision, intervals.timeout).await;
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
        &ctx.driver.shutdown,
        &mut status.conditions,
    )
    .await?;
    status.last_applied_revision = Some(revision.clone());
    Ok(Ready {
        reason: RECONCILIATION_SUCCEEDED_REASON,
        message: format!("Applied revision: {revision}"),
    })
}
