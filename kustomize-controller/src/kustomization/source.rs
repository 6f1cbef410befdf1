//! Source step: find the referenced source object and download its artifact.
//!
//! Sets no condition itself; its errors make `Ready=False` with reason `ArtifactFailed`.

use ferroflux_api::kustomize::v1::Kustomization;
use ferroflux_api::meta as reasons;
use ferroflux_api::source::v1::{Bucket, ExternalArtifact, GitRepository, OCIRepository};
use ferroflux_runtime::artifact::fetch::FetchError;
use ferroflux_runtime::conditions::{ErrorKind, StepError};
use kube::ResourceExt;
use kube::api::{Api, ApiResource, DynamicObject};
use serde_json::Value;
use tempfile::TempDir;

use super::Context;

/// The API resource of a source kind a Kustomization may refer to, from the API types.
pub fn source_resource(kind: &str) -> Option<ApiResource> {
    Some(match kind {
        "GitRepository" => ApiResource::erase::<GitRepository>(&()),
        "OCIRepository" => ApiResource::erase::<OCIRepository>(&()),
        "Bucket" => ApiResource::erase::<Bucket>(&()),
        "ExternalArtifact" => ApiResource::erase::<ExternalArtifact>(&()),
        _ => return None,
    })
}

/// What failed while obtaining the artifact.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// `spec.sourceRef.kind` is not a known source kind.
    #[error("source kind '{0}' is not supported")]
    UnsupportedKind(String),
    /// The source object does not exist.
    #[error("Source '{0}' not found")]
    SourceNotFound(String),
    /// The source has no artifact yet.
    #[error("Source artifact not found, retrying")]
    ArtifactNotReady,
    /// Reading the source object failed.
    #[error("unable to get source '{name}': {source}")]
    ReadSource {
        /// `Kind/namespace/name`.
        name: String,
        /// The API error.
        source: kube::Error,
    },
    /// Downloading, verifying or unpacking the artifact failed.
    #[error("failed to fetch artifact: {0}")]
    FetchArtifact(#[from] FetchError),
    /// No temporary directory could be made.
    #[error("failed to create temporary directory: {0}")]
    TempDir(std::io::Error),
}

impl StepError for SourceError {
    fn reason(&self) -> &'static str {
        reasons::ARTIFACT_FAILED_REASON
    }
    fn kind(&self) -> ErrorKind {
        match self {
            SourceError::UnsupportedKind(_) => ErrorKind::Stalling,
            SourceError::SourceNotFound(_) | SourceError::ArtifactNotReady => ErrorKind::Waiting,
            SourceError::FetchArtifact(FetchError::NotFound { .. }) => ErrorKind::Waiting,
            _ => ErrorKind::Generic,
        }
    }
}

/// The artifact a source advertises in its status.
pub struct SourceArtifact {
    /// Where source-controller serves it.
    pub url: String,
    /// `sha256:<hex>` of the tarball.
    pub digest: String,
    /// The source revision, e.g. `main@sha1:<hex>`.
    pub revision: String,
}

/// A downloaded and unpacked artifact.
pub struct FetchedArtifact {
    /// The unpacked tree; removed when dropped.
    pub dir: TempDir,
}

/// Reads `spec.sourceRef`'s `status.artifact` (without downloading it).
pub async fn find_artifact(
    ks: &Kustomization,
    ctx: &Context,
) -> Result<SourceArtifact, SourceError> {
    let (_, artifact) = read_artifact(ks, ctx).await?;
    let field = |k: &str| {
        artifact
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let (url, digest, revision) = (field("url"), field("digest"), field("revision"));
    if url.is_empty() {
        return Err(SourceError::ArtifactNotReady);
    }
    Ok(SourceArtifact {
        url,
        digest,
        revision,
    })
}

/// Downloads `artifact`, verifies its digest and unpacks it into a temporary directory.
pub async fn fetch_artifact(
    ctx: &Context,
    artifact: SourceArtifact,
) -> Result<FetchedArtifact, SourceError> {
    let dir = TempDir::new().map_err(SourceError::TempDir)?;
    ctx.fetcher
        .fetch_into(&artifact.url, &artifact.digest, dir.path())
        .await?;
    Ok(FetchedArtifact { dir })
}

/// The source's `status.artifact`: from the watch cache, else (source not watched or not seen
/// yet) from the API server.
async fn read_artifact(ks: &Kustomization, ctx: &Context) -> Result<(String, Value), SourceError> {
    let source_ref = &ks.spec.source_ref;
    let Some(mut resource) = source_resource(&source_ref.kind) else {
        return Err(SourceError::UnsupportedKind(source_ref.kind.clone()));
    };
    if let Some((_, version)) = source_ref
        .api_version
        .as_deref()
        .and_then(|av| av.rsplit_once('/'))
    {
        resource.version = version.to_string();
        resource.api_version = format!("{}/{version}", resource.group);
    }
    let namespace = source_ref
        .namespace
        .clone()
        .unwrap_or_else(|| ks.namespace().unwrap_or_default());
    let name = format!("{}/{}/{}", source_ref.kind, namespace, source_ref.name);
    if let Some(artifact) = ctx
        .sources
        .artifact(&source_ref.kind, &namespace, &source_ref.name)
    {
        return Ok((name, artifact));
    }
    let api: Api<DynamicObject> =
        Api::namespaced_with(ctx.driver.client.clone(), &namespace, &resource);
    let source = match api.get_opt(&source_ref.name).await {
        Ok(Some(source)) => source,
        Ok(None) => return Err(SourceError::SourceNotFound(name)),
        // The source kind's CRD is not installed: the same as a missing source for the user.
        Err(kube::Error::Api(s)) if s.code == 404 => return Err(SourceError::SourceNotFound(name)),
        Err(source) => return Err(SourceError::ReadSource { name, source }),
    };
    let artifact = source
        .data
        .pointer("/status/artifact")
        .cloned()
        .unwrap_or(Value::Null);
    if artifact.is_null() {
        return Err(SourceError::ArtifactNotReady);
    }
    Ok((name, artifact))
}
