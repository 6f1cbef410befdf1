//! The reconcile driver every controller runs its kinds through, so that each kind's `mod.rs`
//! reads as its condition table plus its list of steps.
//!
//! [`reconcile`] does, in order, what Flux's controllers do around their steps:
//! 1. skip a wake-up that brings nothing new ([`RecentRuns`]): the object's own status write,
//!    an unchanged generation and `reconcile.fluxcd.io/requestedAt`, a requeue not yet due;
//! 2. the finalizer, with kube's [`finalizer`](kube::runtime::finalizer::finalizer) helper:
//!    added before the first step runs, removed after the kind's cleanup succeeded;
//! 3. an object that does not deserialize: `Stalled=True` naming the field (see [`Parsed`]);
//! 4. `spec.suspend`: nothing runs, `gotk_suspend_status` says so;
//! 5. `status.lastHandledReconcileAt` from the `requestedAt` annotation;
//! 6. the kind's steps, which set or clear only their own conditions;
//! 7. Flux's summary: `Ready`, `Reconciling` and `Stalled` from the outcome and the kind's
//!    [`ConditionTable`]; `observedGeneration` moves when the object ends Ready or Stalled,
//!    not on a failure that will be retried;
//! 8. one status write, only when something but timestamps changed;
//! 9. an event when `Ready` changed; the `gotk_*` metrics (their series removed on deletion);
//! 10. the requeue: after success the interval with jitter, after a failure the kind's
//!     `retryInterval` or the controller's backoff, never for a stalled object.
//!
//! Controllers start from [`controller`] (the watch) and shut down gracefully with [`Shutdown`].

mod parsed;
mod runs;
mod shutdown;
mod spec;
mod watch;

pub use parsed::{InvalidObject, Parsed};
pub use runs::RecentRuns;
pub use shutdown::{GRACE_PERIOD, Shutdown};
pub use spec::{INVALID_REASON, Intervals, JITTER, SpecError, UNSUPPORTED_REASON, jitter};
pub use watch::{WatchScope, controller, drain};

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ferroflux_api::meta::{self, Condition, ObjectWithConditions};
use kube::api::{Patch, PatchParams};
use kube::core::NamespaceResourceScope;
use kube::core::object::HasStatus;
use kube::runtime::controller::Action;
use kube::runtime::finalizer::{self, Event as FinalizerEvent};
use kube::{Api, Resource, ResourceExt};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::conditions::{self, ErrorKind, Outcome, Status, StepError};
use crate::events::{EventPublisher, Severity};
use crate::metrics::{Metrics, ObjectLabels};
use crate::retry::RetryBackoff;
use crate::status::{apply_status, status_changed};

/// A kind's declared conditions: Flux's summarize table.
#[derive(Debug, Clone, Copy)]
pub struct ConditionTable {
    /// The conditions the kind's steps set, besides `Ready`, `Reconciling` and `Stalled`.
    /// Conditions of other types are dropped at the status write, so one this version no
    /// longer sets does not linger.
    pub owned: &'static [&'static str],
    /// The abnormal conditions among them, in priority order: the first that is True gives
    /// `Ready` its reason and message when the reconciliation failed.
    pub negative_polarity: &'static [&'static str],
}

/// What the driver needs to know of a kind besides its steps.
pub struct KindTable<K: HasStatus> {
    /// The kind's conditions.
    pub conditions: ConditionTable,
    /// The spec's durations; an invalid one stalls the object before any step runs.
    pub intervals: fn(&K) -> Result<Intervals, SpecError>,
    /// The revision named in the metadata of the outcome event (`<group>/revision`).
    pub revision: fn(&K::Status) -> Option<String>,
    /// Whether success is announced by an event (Flux's kustomize- and helm-controller do;
    /// source-controller announces new artifacts from its steps instead).
    pub success_event: bool,
}

/// How a reconciliation whose steps all succeeded is summarized in `Ready`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ready {
    /// The reason of `Ready=True` (`Succeeded`, `ReconciliationSucceeded`, ...).
    pub reason: &'static str,
    /// Its message, e.g. `stored artifact for revision 'main@sha1:...'`.
    pub message: String,
}

/// What the driver keeps for one controller.
pub struct Driver {
    /// Client with the controller's own rights.
    pub client: kube::Client,
    /// Field manager of status writes and reporter of events: the binary name.
    pub field_manager: String,
    /// Kubernetes Events and notification-controller events (absent in some tests).
    pub events: Option<EventPublisher>,
    /// `gotk_*` metrics (absent in some tests).
    pub metrics: Option<Arc<Metrics>>,
    /// Retry delays of failing objects for kinds without `retryInterval`.
    pub backoff: RetryBackoff,
    /// What each object's last run saw.
    pub runs: Arc<RecentRuns>,
    /// Set once the process is asked to stop.
    pub shutdown: Shutdown,
}

impl Driver {
    /// A driver writing as `field_manager`, without events or metrics, with Flux's default
    /// backoff (750ms doubling to 15m), and a shutdown nothing requests.
    pub fn new(client: kube::Client, field_manager: &str) -> Self {
        Driver {
            client,
            field_manager: field_manager.to_string(),
            events: None,
            metrics: None,
            backoff: RetryBackoff::new(Duration::from_millis(750), Duration::from_secs(900)),
            runs: Arc::default(),
            shutdown: Shutdown::default(),
        }
    }
}

/// Failures of the driver itself, not of a step (those end up in status): retried with backoff.
#[derive(Debug, thiserror::Error)]
pub enum DriverError {
    /// Writing `.status` failed.
    #[error("writing status: {0}")]
    WriteStatus(#[source] kube::Error),
    /// Adding or removing the finalizer failed.
    #[error("updating finalizers: {0}")]
    Finalizer(#[source] Box<finalizer::Error<DriverError>>),
    /// The kind's cleanup of a deleted object failed; the finalizer stays until it succeeds.
    #[error("cleaning up: {0}")]
    Cleanup(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// Reconciles one object of kind `K`: the driver described in the module doc. `steps` runs
/// the kind's steps on the object and the status to write; `cleanup` releases what a deleted
/// object holds (artifacts, applied objects) before its finalizer is removed.
pub async fn reconcile<K, E, C>(
    obj: Arc<Parsed<K>>,
    driver: &Driver,
    table: &KindTable<K>,
    steps: impl AsyncFnOnce(&K, &mut K::Status, &Intervals) -> Result<Ready, E>,
    cleanup: impl AsyncFnOnce(&K) -> Result<(), C>,
) -> Result<Action, DriverError>
where
    K: Resource<DynamicType = (), Scope = NamespaceResourceScope>
        + ObjectWithConditions
        + HasStatus
        + Clone
        + Serialize
        + DeserializeOwned
        + std::fmt::Debug
        + Send
        + Sync
        + 'static,
    K::Status: Default + Serialize,
    E: StepError,
    C: std::error::Error + Send + Sync + 'static,
{
    if let Some(action) = driver.runs.skip(obj.as_ref()) {
        return Ok(action);
    }
    let api: Api<Parsed<K>> =
        Api::namespaced(driver.client.clone(), &obj.namespace().unwrap_or_default());
    finalizer::finalizer(&api, meta::FINALIZER, obj, |event| async move {
        match event {
            FinalizerEvent::Apply(obj) => match obj.as_ref() {
                Parsed::Valid(k) => reconcile_valid(k, driver, table, steps).await,
                Parsed::Invalid(invalid) => stall_invalid::<K>(invalid, driver).await,
            },
            FinalizerEvent::Cleanup(obj) => {
                if let Parsed::Valid(k) = obj.as_ref() {
                    cleanup(k)
                        .await
                        .map_err(|e| DriverError::Cleanup(Box::new(e)))?;
                } else {
                    tracing::warn!(name = %obj.name_any(), "deleting an object that does not deserialize: nothing it holds can be cleaned up");
                }
                forget(obj.as_ref(), driver);
                Ok(Action::await_change())
            }
        }
    })
    .await
    .map_err(|e| match e {
        finalizer::Error::ApplyFailed(e) | finalizer::Error::CleanupFailed(e) => e,
        other => DriverError::Finalizer(Box::new(other)),
    })
}

/// After a driver error (status write, finalizer, cleanup): retry with the object's backoff.
pub fn error_policy<K: Resource>(obj: &K, err: &DriverError, driver: &Driver) -> Action {
    tracing::warn!(name = %obj.name_any(), namespace = ?obj.namespace(), error = %err, "reconcile failed");
    Action::requeue(driver.backoff.failed(&retry_key(obj)))
}

async fn reconcile_valid<K, E>(
    obj: &K,
    driver: &Driver,
    table: &KindTable<K>,
    steps: impl AsyncFnOnce(&K, &mut K::Status, &Intervals) -> Result<Ready, E>,
) -> Result<Action, DriverError>
where
    K: Resource<DynamicType = (), Scope = NamespaceResourceScope>
        + ObjectWithConditions
        + HasStatus
        + Clone
        + DeserializeOwned
        + std::fmt::Debug,
    K::Status: Default + Serialize,
    E: StepError,
{
    let labels = metric_labels(obj);
    if let Some(metrics) = &driver.metrics {
        metrics.record_suspend(&labels, obj.is_suspended());
    }
    if obj.is_suspended() {
        tracing::info!(name = %obj.name_any(), "reconciliation is suspended");
        return Ok(Action::await_change());
    }
    let started = Instant::now();
    let mut next = obj.clone();
    if let Some(requested) = obj.annotations().get(meta::RECONCILE_REQUEST_ANNOTATION) {
        next.set_last_handled_reconcile_at(requested.clone());
    }
    let intervals = (table.intervals)(obj);
    let outcome = match &intervals {
        Ok(intervals) => {
            let status = next.status_mut().get_or_insert_with(Default::default);
            match steps(obj, status, intervals).await {
                Ok(ready) => Outcome::Succeeded {
                    reason: ready.reason.to_string(),
                    message: ready.message,
                },
                Err(e) => Outcome::from_error(&e),
            }
        }
        Err(e) => Outcome::from_error(e),
    };
    let generation = obj.meta().generation;
    let conditions = next.conditions_mut();
    conditions::summarize(
        conditions,
        &outcome,
        table.conditions.negative_polarity,
        generation,
    );
    drop_unowned(conditions, &table.conditions);
    let failure = match &outcome {
        Outcome::Succeeded { .. } => None,
        Outcome::Failed { kind, .. } => Some(*kind),
    };
    if matches!(failure, None | Some(ErrorKind::Stalling)) {
        next.set_observed_generation(generation);
    }
    let (old, new) = (
        obj.status(),
        next.status_mut().get_or_insert_with(Default::default),
    );
    if status_changed(old, new) {
        let api: Api<K> =
            Api::namespaced(driver.client.clone(), &obj.namespace().unwrap_or_default());
        apply_status(&api, obj, &driver.field_manager, new)
            .await
            .map_err(DriverError::WriteStatus)?;
        publish_outcome(obj, driver, table, new, &outcome).await;
    }
    if let Some(metrics) = &driver.metrics {
        metrics.record_ready(&labels, next.conditions());
        metrics.observe_duration(&labels, started.elapsed().as_secs_f64());
    }
    let requeue = requeue_after(&driver.backoff, &retry_key(obj), intervals.ok(), failure);
    driver.runs.record(obj, requeue);
    Ok(requeue.map_or_else(Action::await_change, Action::requeue))
}

/// When to reconcile again: see the module doc, step 10.
fn requeue_after(
    backoff: &RetryBackoff,
    key: &str,
    intervals: Option<Intervals>,
    failure: Option<ErrorKind>,
) -> Option<Duration> {
    match (failure, intervals) {
        (None, Some(i)) => {
            backoff.reset(key);
            (!i.interval.is_zero()).then(|| jitter(i.interval))
        }
        (Some(ErrorKind::Stalling), _) | (None, None) => {
            backoff.reset(key);
            None
        }
        (
            Some(_),
            Some(Intervals {
                retry_interval: Some(retry),
                ..
            }),
        ) => Some(retry),
        (Some(_), _) => Some(backoff.failed(key)),
    }
}

/// Drops conditions the kind does not declare (see [`ConditionTable::owned`]).
fn drop_unowned(conditions: &mut Vec<Condition>, table: &ConditionTable) {
    conditions.retain(|c| {
        [
            conditions::READY,
            conditions::RECONCILING,
            conditions::STALLED,
        ]
        .contains(&c.type_.as_str())
            || table.owned.contains(&c.type_.as_str())
    });
}

/// Publishes the outcome when `Ready` changed: a failure, or a success when the kind
/// announces successes.
async fn publish_outcome<K>(
    obj: &K,
    driver: &Driver,
    table: &KindTable<K>,
    status: &K::Status,
    outcome: &Outcome,
) where
    K: Resource<DynamicType = ()> + ObjectWithConditions + HasStatus,
{
    let Some(events) = &driver.events else { return };
    let before = conditions::get(obj.conditions(), conditions::READY);
    let (severity, reason, message) = match outcome {
        Outcome::Succeeded { reason, message } => (Severity::Info, reason, message),
        Outcome::Failed {
            reason, message, ..
        } => (Severity::Error, reason, message),
    };
    let unchanged = before.is_some_and(|b| {
        (Status::of(b) == Status::True) == (severity == Severity::Info) && &b.message == message
    });
    if unchanged || (severity == Severity::Info && !table.success_event) {
        return;
    }
    let mut metadata = BTreeMap::new();
    if let Some(revision) = (table.revision)(status) {
        metadata.insert(format!("{}/revision", K::group(&())), revision);
    }
    events
        .publish(&obj.object_ref(&()), severity, reason, message, &metadata)
        .await;
}

/// An object that does not deserialize: `Ready=False` and `Stalled=True` naming the field,
/// written with a merge patch of the conditions only, so the rest of its status (the artifact
/// its consumers use) stays. It waits for a change.
async fn stall_invalid<K>(invalid: &InvalidObject, driver: &Driver) -> Result<Action, DriverError>
where
    K: Resource<DynamicType = (), Scope = NamespaceResourceScope>
        + Clone
        + DeserializeOwned
        + Serialize
        + std::fmt::Debug,
{
    let error = SpecError::Malformed(invalid.error.clone());
    tracing::warn!(name = ?invalid.metadata.name, namespace = ?invalid.metadata.namespace, %error, "object does not deserialize");
    let generation = invalid.metadata.generation;
    let mut conds = invalid.conditions.clone();
    let stalled = Outcome::from_error(&error);
    conditions::summarize(&mut conds, &stalled, &[], generation);
    if conditions::same_ignoring_time(&conds, &invalid.conditions)
        && invalid.observed_generation == generation
    {
        return Ok(Action::await_change());
    }
    let name = invalid.metadata.name.clone().unwrap_or_default();
    let api: Api<Parsed<K>> = Api::namespaced(
        driver.client.clone(),
        invalid.metadata.namespace.as_deref().unwrap_or_default(),
    );
    let patch = serde_json::json!({
        "status": { "conditions": conds, "observedGeneration": generation }
    });
    api.patch_status(&name, &PatchParams::default(), &Patch::Merge(&patch))
        .await
        .map_err(DriverError::WriteStatus)?;
    if let Some(events) = &driver.events {
        let object = k8s_openapi::api::core::v1::ObjectReference {
            api_version: Some(K::api_version(&()).into_owned()),
            kind: Some(K::kind(&()).into_owned()),
            name: Some(name),
            namespace: invalid.metadata.namespace.clone(),
            uid: invalid.metadata.uid.clone(),
            ..Default::default()
        };
        let reason = error.reason();
        events
            .publish(
                &object,
                Severity::Error,
                reason,
                &error.to_string(),
                &BTreeMap::new(),
            )
            .await;
    }
    Ok(Action::await_change())
}

/// Forgets a deleted object: its last run, its backoff, its metric series.
fn forget<K: Resource<DynamicType = ()>>(obj: &K, driver: &Driver) {
    driver
        .runs
        .forget(&obj.namespace().unwrap_or_default(), &obj.name_any());
    driver.backoff.reset(&retry_key(obj));
    if let Some(metrics) = &driver.metrics {
        metrics.remove_object(&metric_labels(obj));
    }
}

fn metric_labels<K: Resource<DynamicType = ()>>(obj: &K) -> ObjectLabels {
    ObjectLabels {
        kind: K::kind(&()).into_owned(),
        name: obj.name_any(),
        namespace: obj.namespace().unwrap_or_default(),
    }
}

/// The key of an object's failure count: its UID, so a re-created object starts afresh.
fn retry_key<K: Resource>(obj: &K) -> String {
    obj.uid().unwrap_or_else(|| obj.name_any())
}

#[cfg(test)]
mod tests;
