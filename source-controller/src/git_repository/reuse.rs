//! Whether the stored artifact can be kept without a new download: the fetch step compares the
//! remote's revision with it and skips the checkout when nothing moved.

use ferroflux_api::meta::Artifact;
use ferroflux_api::source::v1::{GitRepository, GitRepositoryInclude, GitRepositoryStatus};
use ferroflux_runtime::artifact::storage::Storage;

/// The revision of the current artifact when it can be kept if the remote did not move: same
/// ignore rules, same includes (and included revisions), and the file still in storage at the
/// URL storage now advertises.
pub fn reusable_revision(
    repo: &GitRepository,
    status: &GitRepositoryStatus,
    includes: &[(GitRepositoryInclude, Artifact)],
    storage: &Storage,
) -> Option<String> {
    let artifact = status.artifact.as_ref()?;
    let same_includes = status.observed_include == repo.spec.include
        && status
            .included_artifacts
            .iter()
            .flatten()
            .map(|a| &a.digest)
            .eq(includes.iter().map(|(_, a)| &a.digest));
    let url_current = artifact.url == storage.url_for(&artifact.path);
    (status.observed_ignore == repo.spec.ignore
        && same_includes
        && url_current
        && storage.exists(&artifact.path))
    .then(|| artifact.revision.clone())
    .flatten()
}
