//! Running the steps in order, recording each step's condition, and writing the status.

use std::collections::BTreeMap;

use ferroflux_api::meta::{self, Artifact};
use ferroflux_api::source::v1::{GitRepository, GitRepositoryInclude, GitRepositoryStatus};
use ferroflux_runtime::conditions::{self as cond, Outcome, StepError};
use ferroflux_runtime::events::Severity;
use ferroflux_runtime::metrics::ObjectLabels;
use k8s_openapi::api::core::v1::Secret;
use kube::{Api, Resource, ResourceExt};

use super::artifact::{ArtifactRequest, store_artifact};
use super::checkout::Fetched;
use super::{ReconcileError, include, source, validate};
use crate::context::Context;

/// Runs validate -> include -> source -> artifact, recording abnormal conditions in `next`.
pub async fn run_steps(
    obj: &GitRepository,
    ctx: &Context,
    next: &mut GitRepositoryStatus,
) -> Outcome {
    let generation = obj.metadata.generation;
    let conds = &mut next.conditions;
    if let Err(e) = validate::validate(obj) {
        return Outcome::from_error(&e);
    }
    let (ns, name) = (obj.namespace().unwrap_or_default(), obj.name_any());
    let api: Api<GitRepository> = Api::namespaced(ctx.client.clone(), &ns);
    let includes = match include::resolve_includes(&api, obj).await {
        Ok(i) => {
            cond::remove(conds, meta::INCLUDE_UNAVAILABLE_CONDITION);
            i
        }
        Err(e) => return failed(conds, meta::INCLUDE_UNAVAILABLE_CONDITION, &e, generation),
    };
    let secrets: Api<Secret> = Api::namespaced(ctx.client.clone(), &ns);
    let auth = match source::read_auth(&secrets, obj).await {
        Ok(a) => a,
        Err(e) => return failed(conds, meta::FETCH_FAILED_CONDITION, &e, generation),
    };
    let known = reusable_revision(obj, next, &includes, ctx);
    let conds = &mut next.conditions;
    let work = match tempfile::tempdir() {
        Ok(w) => w,
        Err(e) => {
            let e = super::artifact::ArtifactError::ArchiveTask(e.to_string());
            return failed(
                conds,
                meta::STORAGE_OPERATION_FAILED_CONDITION,
                &e,
                generation,
            );
        }
    };
    let dir = work.path().join("checkout");
    let timeout = validate::timeout(obj);
    let (revision, message) = match source::fetch_source(obj, auth, known, timeout, &dir).await {
        Err(e) => return failed(conds, meta::FETCH_FAILED_CONDITION, &e, generation),
        Ok(Fetched::Unchanged(revision)) => {
            cond::remove(conds, meta::FETCH_FAILED_CONDITION);
            return stored(conds, &revision, generation);
        }
        Ok(Fetched::Written { revision, message }) => (revision, message),
    };
    cond::remove(conds, meta::FETCH_FAILED_CONDITION);
    if let Err(e) = include::copy_includes(&ctx.fetcher, &includes, &dir).await {
        return failed(conds, meta::INCLUDE_UNAVAILABLE_CONDITION, &e, generation);
    }
    let request = ArtifactRequest {
        namespace: &ns,
        name: &name,
        dir: &dir,
        ignore: obj.spec.ignore.as_deref(),
        revision: &revision,
        metadata: BTreeMap::new(),
        retention: ctx.retention,
    };
    let artifact = match store_artifact(&ctx.storage, request).await {
        Ok(a) => a,
        Err(e) => {
            return failed(
                conds,
                meta::STORAGE_OPERATION_FAILED_CONDITION,
                &e,
                generation,
            );
        }
    };
    cond::remove(conds, meta::STORAGE_OPERATION_FAILED_CONDITION);
    let same = next.artifact.as_ref().is_some_and(|old| {
        old.digest == artifact.digest
            && old.revision == artifact.revision
            && old.url == artifact.url
    });
    if !same {
        let metadata = BTreeMap::from([
            ("revision".to_string(), revision.clone()),
            (
                "digest".to_string(),
                artifact.digest.clone().unwrap_or_default(),
            ),
        ]);
        let msg = format!("stored artifact for commit '{message}'");
        ctx.events
            .publish(
                &obj.object_ref(&()),
                Severity::Info,
                "NewArtifact",
                &msg,
                &metadata,
            )
            .await;
        next.artifact = Some(artifact);
    }
    next.included_artifacts =
        (!includes.is_empty()).then(|| includes.iter().map(|(_, a)| a.clone()).collect());
    next.observed_ignore = obj.spec.ignore.clone();
    next.observed_include = obj.spec.include.clone();
    stored(&mut next.conditions, &revision, generation)
}

/// The revision of the current artifact when it can be kept if the remote did not move: same
/// ignore rules, same includes (and included revisions), and the file still in storage.
fn reusable_revision(
    obj: &GitRepository,
    status: &GitRepositoryStatus,
    includes: &[(GitRepositoryInclude, Artifact)],
    ctx: &Context,
) -> Option<String> {
    let artifact = status.artifact.as_ref()?;
    let included: Vec<Artifact> = includes.iter().map(|(_, a)| a.clone()).collect();
    let same_includes = status.observed_include == obj.spec.include
        && status
            .included_artifacts
            .clone()
            .unwrap_or_default()
            .iter()
            .map(|a| &a.digest)
            .eq(included.iter().map(|a| &a.digest));
    let url_current = artifact.url == ctx.storage.url_for(&artifact.path);
    (status.observed_ignore == obj.spec.ignore
        && same_includes
        && url_current
        && ctx.storage.exists(&artifact.path))
    .then(|| artifact.revision.clone())
    .flatten()
}

fn stored(conds: &mut Vec<meta::Condition>, revision: &str, generation: Option<i64>) -> Outcome {
    let message = format!("stored artifact for revision '{revision}'");
    cond::remove(conds, meta::ARTIFACT_OUTDATED_CONDITION);
    cond::set(
        conds,
        meta::ARTIFACT_IN_STORAGE_CONDITION,
        true,
        meta::SUCCEEDED_REASON,
        &message,
        generation,
    );
    Outcome::Succeeded {
        reason: meta::SUCCEEDED_REASON.to_string(),
        message,
    }
}

fn failed(
    conds: &mut Vec<meta::Condition>,
    type_: &str,
    err: &dyn StepError,
    generation: Option<i64>,
) -> Outcome {
    cond::set(
        conds,
        type_,
        true,
        err.reason(),
        &err.to_string(),
        generation,
    );
    Outcome::from_error(err)
}

/// Writes `next` with server-side apply when it differs (ignoring timestamps) from the current
/// status, and emits a warning event when Ready turned (or stays, with a new message) False.
pub async fn write_if_changed(
    obj: &GitRepository,
    ctx: &Context,
    next: &GitRepositoryStatus,
) -> Result<(), ReconcileError> {
    if !ferroflux_runtime::status::status_changed(obj.status.as_ref(), next) {
        return Ok(());
    }
    let api: Api<GitRepository> =
        Api::namespaced(ctx.client.clone(), &obj.namespace().unwrap_or_default());
    ferroflux_runtime::status::apply_status(&api, obj, &ctx.manager, next)
        .await
        .map_err(ReconcileError::WriteStatus)?;
    let old_ready = obj
        .status
        .as_ref()
        .and_then(|s| cond::get(&s.conditions, cond::READY))
        .cloned();
    if let Some(ready) = cond::get(&next.conditions, cond::READY)
        && ready.status == "False"
        && old_ready.is_none_or(|o| o.status != ready.status || o.message != ready.message)
    {
        ctx.events
            .publish(
                &obj.object_ref(&()),
                Severity::Error,
                &ready.reason,
                &ready.message,
                &BTreeMap::new(),
            )
            .await;
    }
    Ok(())
}

/// Metric labels of the object.
pub fn metric_labels(obj: &GitRepository) -> ObjectLabels {
    ObjectLabels {
        kind: "GitRepository".into(),
        name: obj.name_any(),
        namespace: obj.namespace().unwrap_or_default(),
    }
}
