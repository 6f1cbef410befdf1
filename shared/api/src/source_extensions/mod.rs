//! `source.extensions.fluxcd.io`: source-watcher's kinds, which compose new artifacts from sources.

pub mod v1beta1;

/// The API group of source-watcher's kinds.
pub const GROUP: &str = "source.extensions.fluxcd.io";
/// Finalizer source-watcher puts on ArtifactGenerators.
pub const FINALIZER: &str = "source.extensions.fluxcd.io/finalizer";
/// Label on each generated ExternalArtifact naming its ArtifactGenerator.
pub const GENERATOR_LABEL: &str = "source.extensions.fluxcd.io/generator";
/// Annotation; `disabled` stops reconciliation of an ArtifactGenerator.
pub const RECONCILE_ANNOTATION: &str = "source.extensions.fluxcd.io/reconcile";
/// Artifact metadata key carrying the origin revision (e.g. the Git commit).
pub const ORIGIN_REVISION_ANNOTATION: &str = "org.opencontainers.image.revision";
