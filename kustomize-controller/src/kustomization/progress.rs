//! The in-progress status Flux shows while a reconciliation works on something new: before the
//! manifests of a new generation or source revision are fetched, `Ready=Unknown` (reason
//! `Progressing`, "Reconciliation in progress") and `Reconciling=True` are written, so users and
//! tools waiting on the object see work under way. The driver's summary replaces both at the end.
//!
//! Unlike Flux, a periodic reconciliation of an unchanged object and revision (the drift check)
//! does not flip Ready to Unknown: it costs a status write per interval and tells users nothing.

use ferroflux_api::duration::format_duration;
use ferroflux_api::kustomize::v1::{Kustomization, KustomizationStatus};
use ferroflux_api::meta as reasons;
use ferroflux_runtime::conditions::{self, Status};
use ferroflux_runtime::status::apply_status;
use kube::Api;
use std::time::Duration;

use super::Context;

/// True when this reconciliation applies something not attempted before: a new generation of
/// the Kustomization or a new source revision.
pub fn is_new_work(ks: &Kustomization, revision: &str) -> bool {
    let status = ks.status.as_ref();
    status.and_then(|s| s.observed_generation) != ks.metadata.generation
        || status.and_then(|s| s.last_attempted_revision.as_deref()) != Some(revision)
}

/// Marks `status` as progressing on `revision` and writes it. A failed write is only logged:
/// the reconciliation goes on and its final status write reports the outcome.
pub async fn mark_progressing(
    ks: &Kustomization,
    ctx: &Context,
    api: &Api<Kustomization>,
    status: &mut KustomizationStatus,
    revision: &str,
    timeout: Duration,
) {
    let generation = ks.metadata.generation;
    let message = format!(
        "Fetching manifests for revision {revision} with a timeout of {}",
        format_duration(timeout)
    );
    conditions::set(
        &mut status.conditions,
        reasons::READY_CONDITION,
        Status::Unknown,
        reasons::PROGRESSING_REASON,
        "Reconciliation in progress",
        generation,
    );
    conditions::set(
        &mut status.conditions,
        reasons::RECONCILING_CONDITION,
        Status::True,
        reasons::PROGRESSING_REASON,
        &message,
        generation,
    );
    if let Err(e) = apply_status(api, ks, &ctx.driver.field_manager, status).await {
        tracing::warn!(error = %e, "failed to write the in-progress status");
    }
}
