//! The artifact step: archive the checkout (with ignore rules) into storage, garbage-collect
//! older artifacts, and record the artifact in status (announcing a new one with a
//! `NewArtifact` event). Its errors set `StorageOperationFailed=True`; success sets
//! `ArtifactInStorage=True`.

use std::collections::BTreeMap;
use std::path::Path;

use ferroflux_api::meta::{self, Artifact};
use ferroflux_api::source::v1::{GitRepository, GitRepositoryInclude, GitRepositoryStatus};
use ferroflux_runtime::artifact::source_ignore::SourceIgnore;
use ferroflux_runtime::artifact::storage::{Storage, StorageError};
use ferroflux_runtime::conditions::{ErrorKind, StepError};
use ferroflux_runtime::events::Severity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::Resource;

use crate::context::Context;

/// Why the artifact could not be stored.
#[derive(Debug, thiserror::Error)]
pub enum ArtifactError {
    /// No temporary directory for the checkout could be made.
    #[error("creating a work directory: {0}")]
    WorkDir(#[source] std::io::Error),
    /// Reading `.sourceignore` files failed.
    #[error("failed to load ignore patterns: {0}")]
    LoadIgnoreRules(#[source] std::io::Error),
    /// Writing the archive or collecting garbage failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// The blocking archive task failed.
    #[error("archive task failed: {0}")]
    ArchiveTask(#[source] tokio::task::JoinError),
}

impl StepError for ArtifactError {
    fn reason(&self) -> &'static str {
        meta::STORAGE_OPERATION_FAILED_REASON
    }
    fn kind(&self) -> ErrorKind {
        ErrorKind::Generic
    }
}

/// Where and what to store.
pub struct ArtifactRequest<'a> {
    /// Object namespace.
    pub namespace: &'a str,
    /// Object name.
    pub name: &'a str,
    /// The checkout (with includes copied in).
    pub dir: &'a Path,
    /// `spec.ignore`.
    pub ignore: Option<&'a str>,
    /// Flux revision.
    pub revision: &'a str,
    /// Artifact metadata (included revisions).
    pub metadata: BTreeMap<String, String>,
    /// How many artifacts to keep.
    pub retention: usize,
}

/// Archives the directory into `gitrepository/<ns>/<name>/<digest>.tar.gz` and returns the
/// artifact for `status.artifact`. The same content yields the same digest and the same file.
pub async fn store_artifact(
    storage: &Storage,
    req: ArtifactRequest<'_>,
) -> Result<Artifact, ArtifactError> {
    let (storage, dir, ignore) = (
        storage.clone(),
        req.dir.to_path_buf(),
        req.ignore.map(str::to_string),
    );
    let (ns, name, retention) = (
        req.namespace.to_string(),
        req.name.to_string(),
        req.retention,
    );
    let stored = tokio::task::spawn_blocking(move || -> Result<_, ArtifactError> {
        let filter =
            SourceIgnore::load(&dir, ignore.as_deref()).map_err(ArtifactError::LoadIgnoreRules)?;
        let stored = storage.archive_dir("GitRepository", &ns, &name, &dir, &filter)?;
        storage.touch(&stored.path);
        storage.garbage_collect("GitRepository", &ns, &name, &stored.path, retention)?;
        Ok(stored)
    })
    .await
    .map_err(ArtifactError::ArchiveTask)??;
    Ok(Artifact {
        path: stored.path,
        url: stored.url,
        revision: Some(req.revision.to_string()),
        digest: Some(stored.digest),
        last_update_time: Time(jiff::Timestamp::now()),
        size: Some(stored.size as i64),
        metadata: (!req.metadata.is_empty()).then_some(req.metadata),
    })
}

/// Records a stored artifact in `status` with what it was built from, and announces it with a
/// `NewArtifact` event when it differs from the one in status.
pub async fn record_artifact(
    repo: &GitRepository,
    ctx: &Context,
    status: &mut GitRepositoryStatus,
    artifact: Artifact,
    includes: &[(GitRepositoryInclude, Artifact)],
    commit_message: &str,
) {
    let same = status.artifact.as_ref().is_some_and(|old| {
        old.digest == artifact.digest
            && old.revision == artifact.revision
            && old.url == artifact.url
    });
    if !same {
        if let Some(events) = &ctx.driver.events {
            let metadata = BTreeMap::from([
                (
                    "revision".to_string(),
                    artifact.revision.clone().unwrap_or_default(),
                ),
                (
                    "digest".to_string(),
                    artifact.digest.clone().unwrap_or_default(),
                ),
            ]);
            let message = format!("stored artifact for commit '{commit_message}'");
            let object = repo.object_ref(&());
            events
                .publish(&object, Severity::Info, "NewArtifact", &message, &metadata)
                .await;
        }
        status.artifact = Some(artifact);
    }
    status.included_artifacts =
        (!includes.is_empty()).then(|| includes.iter().map(|(_, a)| a.clone()).collect());
    status.observed_ignore = repo.spec.ignore.clone();
    status.observed_include = repo.spec.include.clone();
}
