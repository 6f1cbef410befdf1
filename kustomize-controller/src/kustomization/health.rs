//! Health step: with `spec.wait`, every applied object must become Current; `spec.healthChecks`
//! names more objects to check. Both are bounded by `spec.timeout`.
//!
//! Sets `Healthy` (True, or False with reason `HealthCheckFailed` naming the failing objects);
//! removes it when there is nothing to check.

use ferroflux_api::kustomize::v1::Kustomization;
use ferroflux_api::meta as reasons;
use ferroflux_api::meta::{Condition, NamespacedObjectKindReference};
use ferroflux_runtime::conditions::{self, ErrorKind, Status, StepError};
use ferroflux_runtime::reconcile::Shutdown;
use ferroflux_runtime::ssa::{self, ObjectRef, ResourceManager, WaitOptions};
use kube::ResourceExt;
use std::time::Duration;

/// What failed while checking health.
#[derive(Debug, thiserror::Error)]
pub enum HealthError {
    /// Objects did not become healthy in time, or failed.
    #[error("health check failed after {timeout:?}: {source}")]
    HealthCheckFailed {
        /// The timeout the check ran with (not the measured time: the message must not change
        /// between identical failures, or every attempt would rewrite the status).
        timeout: Duration,
        /// Which objects, with their status.
        source: ssa::Error,
    },
    /// The controller is shutting down: waiting stopped at this safe point (everything was
    /// applied); the next start checks health again.
    #[error("health checks interrupted by controller shutdown; they resume at the next start")]
    Interrupted,
}

impl StepError for HealthError {
    fn reason(&self) -> &'static str {
        match self {
            HealthError::HealthCheckFailed { .. } => reasons::HEALTH_CHECK_FAILED_REASON,
            HealthError::Interrupted => reasons::PROGRESSING_REASON,
        }
    }
    fn kind(&self) -> ErrorKind {
        match self {
            HealthError::HealthCheckFailed { .. } => ErrorKind::Generic,
            HealthError::Interrupted => ErrorKind::Waiting,
        }
    }
}

/// The objects to check: all applied ones when `spec.wait`, else the `spec.healthChecks`.
pub fn health_check_targets(ks: &Kustomization, applied: &[ObjectRef]) -> Vec<ObjectRef> {
    if ks.spec.wait.unwrap_or(false) {
        return applied.to_vec();
    }
    let default_ns = ks.namespace().unwrap_or_default();
    ks.spec
        .health_checks
        .iter()
        .flatten()
        .map(|check| health_check_ref(check, &default_ns, applied))
        .collect()
}

/// The object a health check names. Without `apiVersion`, the version of the applied object of
/// the same kind and name is used (core `v1` when none matches).
fn health_check_ref(
    check: &NamespacedObjectKindReference,
    default_ns: &str,
    applied: &[ObjectRef],
) -> ObjectRef {
    let namespace = check
        .namespace
        .clone()
        .unwrap_or_else(|| default_ns.to_string());
    let (group, version) = match check.api_version.as_deref() {
        Some(av) => match av.rsplit_once('/') {
            Some((g, v)) => (g.to_string(), v.to_string()),
            None => (String::new(), av.to_string()),
        },
        None => applied
            .iter()
            .find(|a| a.kind == check.kind && a.name == check.name)
            .map(|a| (a.group.clone(), a.version.clone()))
            .unwrap_or_else(|| (String::new(), "v1".to_string())),
    };
    ObjectRef {
        group,
        version,
        kind: check.kind.clone(),
        namespace,
        name: check.name.clone(),
    }
}

/// Waits for the health check targets and records the result in the `Healthy` condition.
pub async fn check_health(
    ks: &Kustomization,
    rm: &ResourceManager,
    applied: &[ObjectRef],
    timeout: Duration,
    shutdown: &Shutdown,
    conditions: &mut Vec<Condition>,
) -> Result<(), HealthError> {
    let generation = ks.metadata.generation;
    let mut targets = health_check_targets(ks, applied);
    // Cluster-scoped objects are listed without namespace.
    for t in targets
        .iter_mut()
        .filter(|t| t.kind == "Namespace" || t.kind == "CustomResourceDefinition")
    {
        t.namespace.clear();
    }
    if targets.is_empty() {
        conditions::remove(conditions, reasons::HEALTHY_CONDITION);
        return Ok(());
    }
    let opts = WaitOptions {
        timeout,
        fail_fast: false,
    };
    let waited = tokio::select! {
        waited = rm.wait_for_set(&targets, &opts) => waited,
        () = shutdown.requested() => return Err(HealthError::Interrupted),
    };
    match waited {
        Ok(()) => {
            let message = "Health check passed";
            let healthy = reasons::HEALTHY_CONDITION;
            conditions::set(
                conditions,
                healthy,
                Status::True,
                reasons::SUCCEEDED_REASON,
                message,
                generation,
            );
            Ok(())
        }
        Err(source) => {
            let err = HealthError::HealthCheckFailed { timeout, source };
            let (healthy, reason) = (
                reasons::HEALTHY_CONDITION,
                reasons::HEALTH_CHECK_FAILED_REASON,
            );
            conditions::set(
                conditions,
                healthy,
                Status::False,
                reason,
                &err.to_string(),
                generation,
            );
            Err(err)
        }
    }
}
