//! GitRepository: its condition table and its steps, run by the runtime's reconcile driver
//! ([`ferroflux_runtime::reconcile`]).
//!
//! Steps, in order: [`validate`] (unsupported fields), [`include`] (resolve the included
//! repositories), [`source`] (credentials, then fetch), [`include`] again (copy the included
//! trees in), [`artifact`] (archive and store). Each step's error sets its own abnormal
//! condition; the driver derives `Ready`, `Reconciling` and `Stalled` and writes the status.

pub mod artifact;
pub mod auth;
pub mod checkout;
pub mod include;
pub mod refs;
mod reuse;
pub mod source;
mod transport;
pub mod validate;

use std::collections::BTreeMap;
use std::sync::Arc;

use ferroflux_api::meta::{
    ARTIFACT_IN_STORAGE_CONDITION, ARTIFACT_OUTDATED_CONDITION, FETCH_FAILED_CONDITION,
    INCLUDE_UNAVAILABLE_CONDITION, STORAGE_OPERATION_FAILED_CONDITION, SUCCEEDED_REASON,
};
use ferroflux_api::source::v1::{GitRepository, GitRepositoryStatus};
use ferroflux_runtime::conditions::{self, Status, track};
use ferroflux_runtime::reconcile::{
    self as driver, ConditionTable, DriverError, Intervals, KindTable, Parsed, Ready, SpecError,
};
use k8s_openapi::api::core::v1::Secret;
use kube::runtime::controller::Action;
use kube::{Api, ResourceExt};

use crate::context::Context;
use artifact::{ArtifactError, ArtifactRequest};
use checkout::Fetched;
use include::IncludeError;
use source::SourceError;

/// The conditions of a GitRepository; the abnormal ones in the priority order that picks
/// `Ready`'s reason.
pub const CONDITIONS: ConditionTable = ConditionTable {
    owned: &[
        FETCH_FAILED_CONDITION,
        INCLUDE_UNAVAILABLE_CONDITION,
        STORAGE_OPERATION_FAILED_CONDITION,
        ARTIFACT_OUTDATED_CONDITION,
        ARTIFACT_IN_STORAGE_CONDITION,
    ],
    negative_polarity: &[
        FETCH_FAILED_CONDITION,
        INCLUDE_UNAVAILABLE_CONDITION,
        STORAGE_OPERATION_FAILED_CONDITION,
        ARTIFACT_OUTDATED_CONDITION,
    ],
};

const KIND: KindTable<GitRepository> = KindTable {
    conditions: CONDITIONS,
    intervals: validate::intervals,
    revision: |status: &GitRepositoryStatus| status.artifact.as_ref()?.revision.clone(),
    // New artifacts are announced by the artifact step (`NewArtifact`), as Flux does.
    success_event: false,
};

ferroflux_runtime::step_failures! {
    /// Any step's failure, as the driver sees it.
    pub enum Failure {
        /// The spec cannot be acted on.
        Spec(SpecError),
        /// An included repository is not available.
        Include(IncludeError),
        /// The repository could not be fetched.
        Source(SourceError),
        /// The artifact could not be stored.
        Artifact(ArtifactError),
    }
}

/// Reconciles one GitRepository through the driver.
pub async fn reconcile(
    obj: Arc<Parsed<GitRepository>>,
    ctx: Arc<Context>,
) -> Result<Action, DriverError> {
    driver::reconcile(
        obj,
        &ctx.driver,
        &KIND,
        async |repo, status, intervals| run_steps(repo, &ctx, status, intervals).await,
        async |repo| cleanup(repo, &ctx),
    )
    .await
}

/// Requeue after an error that escaped the status (API errors), with the object's backoff.
pub fn error_policy(
    obj: Arc<Parsed<GitRepository>>,
    err: &DriverError,
    ctx: Arc<Context>,
) -> Action {
    driver::error_policy(obj.as_ref(), err, &ctx.driver)
}

/// The steps; the first failure ends the reconciliation.
async fn run_steps(
    repo: &GitRepository,
    ctx: &Context,
    status: &mut GitRepositoryStatus,
    intervals: &Intervals,
) -> Result<Ready, Failure> {
    let generation = repo.metadata.generation;
    let (ns, name) = (repo.namespace().unwrap_or_default(), repo.name_any());
    validate::validate(repo)?;
    let repos: Api<GitRepository> = Api::namespaced(ctx.driver.client.clone(), &ns);
    let resolved = include::resolve_includes(&repos, repo).await;
    let includes = track(
        &mut status.conditions,
        INCLUDE_UNAVAILABLE_CONDITION,
        resolved,
        generation,
    )?;
    let secrets: Api<Secret> = Api::namespaced(ctx.driver.client.clone(), &ns);
    let auth = source::read_auth(&secrets, repo).await;
    let auth = track(
        &mut status.conditions,
        FETCH_FAILED_CONDITION,
        auth,
        generation,
    )?;
    let known = reuse::reusable_revision(repo, status, &includes, &ctx.storage);
    let work = tempfile::tempdir().map_err(ArtifactError::WorkDir);
    let work = track(
        &mut status.conditions,
        STORAGE_OPERATION_FAILED_CONDITION,
        work,
        generation,
    )?;
    let dir = work.path().join("checkout");
    let fetched = source::fetch_source(repo, auth, known, intervals.timeout, &dir).await;
    let (revision, message) = match track(
        &mut status.conditions,
        FETCH_FAILED_CONDITION,
        fetched,
        generation,
    )? {
        Fetched::Unchanged(revision) => return Ok(stored(status, &revision, generation)),
        Fetched::Written { revision, message } => (revision, message),
    };
    let copied = include::copy_includes(&ctx.fetcher, &includes, &dir).await;
    track(
        &mut status.conditions,
        INCLUDE_UNAVAILABLE_CONDITION,
        copied,
        generation,
    )?;
    let request = ArtifactRequest {
        namespace: &ns,
        name: &name,
        dir: &dir,
        ignore: repo.spec.ignore.as_deref(),
        revision: &revision,
        metadata: BTreeMap::new(),
        retention: ctx.retention,
    };
    let artifact = artifact::store_artifact(&ctx.storage, request).await;
    let artifact = track(
        &mut status.conditions,
        STORAGE_OPERATION_FAILED_CONDITION,
        artifact,
        generation,
    )?;
    artifact::record_artifact(repo, ctx, status, artifact, &includes, &message).await;
    Ok(stored(status, &revision, generation))
}

/// `ArtifactInStorage=True` for `revision`, and the message `Ready` takes.
fn stored(status: &mut GitRepositoryStatus, revision: &str, generation: Option<i64>) -> Ready {
    let message = format!("stored artifact for revision '{revision}'");
    let conds = &mut status.conditions;
    conditions::remove(conds, ARTIFACT_OUTDATED_CONDITION);
    conditions::set(
        conds,
        ARTIFACT_IN_STORAGE_CONDITION,
        Status::True,
        SUCCEEDED_REASON,
        &message,
        generation,
    );
    Ready {
        reason: SUCCEEDED_REASON,
        message,
    }
}

/// A deleted GitRepository: its artifacts leave storage before the finalizer is removed.
fn cleanup(repo: &GitRepository, ctx: &Context) -> Result<(), ArtifactError> {
    let ns = repo.namespace().unwrap_or_default();
    ctx.storage
        .remove_all("GitRepository", &ns, &repo.name_any())
        .map_err(ArtifactError::from)
}
