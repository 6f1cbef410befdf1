//! The include step: artifacts of other GitRepositories copied into this one's tree
//! (`spec.include[].repository`, `fromPath`, `toPath`).

use std::collections::BTreeSet;
use std::path::Path;

use ferroflux_api::meta::Artifact;
use ferroflux_api::source::v1::{GitRepository, GitRepositoryInclude};
use ferroflux_runtime::artifact::fetch::{ArtifactFetcher, FetchError};
use ferroflux_runtime::artifact::path::safe_relative;
use ferroflux_runtime::conditions::{ErrorKind, StepError};
use kube::Api;

/// Why an include could not be used.
#[derive(Debug, thiserror::Error)]
pub enum IncludeError {
    /// The included GitRepository does not exist (yet).
    #[error("could not get resource for include '{0}': not found")]
    MissingRepository(String),
    /// The included GitRepository has no artifact yet.
    #[error("no artifact available for include '{0}'")]
    NoArtifact(String),
    /// Including would loop back to this object.
    #[error("include cycle detected: {0}")]
    Cycle(String),
    /// A `fromPath`/`toPath` is absolute or leaves the tree.
    #[error("invalid include path '{0}': must be relative and stay inside the repository")]
    InvalidPath(String),
    /// Reading the included object failed.
    #[error("reading include '{name}': {message}")]
    ReadRepository {
        /// Included object.
        name: String,
        /// What failed.
        message: String,
    },
    /// Downloading or unpacking the included artifact failed.
    #[error("fetching artifact of include '{name}': {source}")]
    FetchArtifact {
        /// Included object.
        name: String,
        /// What failed.
        source: FetchError,
    },
    /// Copying the included files failed.
    #[error("copying include '{name}': {source}")]
    CopyFiles {
        /// Included object.
        name: String,
        /// What failed.
        source: std::io::Error,
    },
}

impl StepError for IncludeError {
    fn reason(&self) -> &'static str {
        ferroflux_api::meta::INCLUDE_UNAVAILABLE_REASON
    }
    fn kind(&self) -> ErrorKind {
        match self {
            IncludeError::Cycle(_) | IncludeError::InvalidPath(_) => ErrorKind::Stalling,
            IncludeError::MissingRepository(_) | IncludeError::NoArtifact(_) => ErrorKind::Waiting,
            _ => ErrorKind::Generic,
        }
    }
}

/// Resolves every include to its current artifact. Detects cycles by following includes of
/// includes. Sets nothing itself: the driver turns an error into `IncludeUnavailable=True`.
pub async fn resolve_includes(
    api: &Api<GitRepository>,
    obj: &GitRepository,
) -> Result<Vec<(GitRepositoryInclude, Artifact)>, IncludeError> {
    let includes = obj.spec.include.clone().unwrap_or_default();
    let own = obj.metadata.name.clone().unwrap_or_default();
    let mut resolved = Vec::new();
    for include in includes {
        for p in [include.from_path.as_deref(), include.to_path.as_deref()]
            .into_iter()
            .flatten()
        {
            safe_relative(p).ok_or_else(|| IncludeError::InvalidPath(p.to_string()))?;
        }
        let name = include.repository.name.clone();
        let included = get(api, &name)
            .await?
            .ok_or_else(|| IncludeError::MissingRepository(name.clone()))?;
        check_cycle(api, &own, &included).await?;
        let artifact = included
            .artifact()
            .cloned()
            .ok_or_else(|| IncludeError::NoArtifact(name.clone()))?;
        resolved.push((include, artifact));
    }
    Ok(resolved)
}

async fn get(api: &Api<GitRepository>, name: &str) -> Result<Option<GitRepository>, IncludeError> {
    api.get_opt(name)
        .await
        .map_err(|e| IncludeError::ReadRepository {
            name: name.to_string(),
            message: e.to_string(),
        })
}

/// Walks the include graph from `start` and fails when it reaches `own`.
async fn check_cycle(
    api: &Api<GitRepository>,
    own: &str,
    start: &GitRepository,
) -> Result<(), IncludeError> {
    let start_name = start.metadata.name.clone().unwrap_or_default();
    let mut stack = vec![(start.clone(), vec![own.to_string(), start_name])];
    let mut seen = BTreeSet::new();
    while let Some((repo, path)) = stack.pop() {
        for inc in repo.spec.include.iter().flatten() {
            let next = &inc.repository.name;
            let mut chain = path.clone();
            chain.push(next.clone());
            if next == own {
                return Err(IncludeError::Cycle(chain.join(" -> ")));
            }
            if seen.insert(next.clone())
                && let Some(n) = get(api, next).await?
            {
                stack.push((n, chain));
            }
        }
    }
    Ok(())
}

/// Downloads, verifies and copies each included artifact into `dest` at its `toPath`.
pub async fn copy_includes(
    fetcher: &ArtifactFetcher,
    includes: &[(GitRepositoryInclude, Artifact)],
    dest: &Path,
) -> Result<(), IncludeError> {
    for (include, artifact) in includes {
        let name = include.repository.name.clone();
        let tmp = tempfile::tempdir().map_err(|source| IncludeError::CopyFiles {
            name: name.clone(),
            source,
        })?;
        fetcher
            .fetch_into(
                &artifact.url,
                artifact.digest.as_deref().unwrap_or_default(),
                tmp.path(),
            )
            .await
            .map_err(|source| IncludeError::FetchArtifact {
                name: name.clone(),
                source,
            })?;
        let from = tmp
            .path()
            .join(safe_relative(include.from_path.as_deref().unwrap_or(".")).unwrap_or_default());
        let to_rel = safe_relative(include.to_path_or_default())
            .ok_or_else(|| IncludeError::InvalidPath(include.to_path_or_default().to_string()))?;
        let to = dest.join(to_rel);
        // The include replaces whatever the repository had at toPath, as in Flux.
        if to != dest {
            let _ = std::fs::remove_dir_all(&to);
        }
        copy_dir(&from, &to).map_err(|source| IncludeError::CopyFiles { name, source })?;
    }
    Ok(())
}

/// Copies regular files and directories (never links) from `from` to `to`.
fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let meta = entry.path().symlink_metadata()?;
        let target = to.join(entry.file_name());
        if meta.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else if meta.is_file() {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}
