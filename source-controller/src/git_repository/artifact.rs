//! The artifact step: archive the checkout (with ignore rules) into storage, garbage-collect
//! older artifacts. The driver sets `ArtifactInStorage=True` and removes
//! `StorageOperationFailed` on success, and sets `StorageOperationFailed=True` from its error.

use std::collections::BTreeMap;
use std::path::Path;

use ferroflux_api::meta::{self, Artifact};
use ferroflux_runtime::artifact::storage::{Storage, StorageError};
use ferroflux_runtime::conditions::{ErrorKind, StepError};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

use ferroflux_runtime::artifact::source_ignore::SourceIgnore;

/// Why the artifact could not be stored.
#[derive(Debug, thiserror::Error)]
pub enum ArtifactError {
    /// Reading `.sourceignore` files failed.
    #[error("failed to load ignore patterns: {0}")]
    LoadIgnoreRules(std::io::Error),
    /// Writing the archive or collecting garbage failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// The blocking archive task failed.
    #[error("archive task failed: {0}")]
    ArchiveTask(String),
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
    .map_err(|e| ArtifactError::ArchiveTask(e.to_string()))??;
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
