//! The errors of loading and rendering a chart, worded as Helm words them.

use crate::chart::LoadError;
use crate::render::sort::SortError;
use crate::values::strvals::SetError;

/// Why a chart could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The chart could not be loaded.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// A library chart was asked to render.
    #[error("library charts are not installable")]
    LibraryChart,
    /// Chart.yaml names dependencies that are not under charts/.
    #[error(
        "an error occurred while checking for chart dependencies. You may need to run 'helm dependency build' to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: {0}"
    )]
    MissingDependencies(String),
    /// The values fail `values.schema.json`.
    #[error("{0}")]
    Schema(String),
    /// `--kube-version` is not a version.
    #[error("invalid kube version '{0}'")]
    KubeVersionFlag(String),
    /// The chart's `kubeVersion` excludes the target cluster version.
    #[error(
        "chart requires kubeVersion: {required} which is incompatible with Kubernetes {actual}"
    )]
    KubeVersion {
        /// The chart's constraint.
        required: String,
        /// The version rendered for.
        actual: String,
    },
    /// A template failed to parse or execute (the message names the file and line).
    #[error("{0}")]
    Template(String),
    /// A rendered document is not valid YAML.
    #[error(transparent)]
    Sort(#[from] SortError),
    /// A `--set` expression is malformed.
    #[error(transparent)]
    Set(#[from] SetError),
    /// A values file could not be read or parsed.
    #[error("{0}")]
    ValuesFile(String),
    /// `--show-only` names a template that produced nothing.
    #[error("could not find template {0} in chart")]
    ShowOnly(String),
}
