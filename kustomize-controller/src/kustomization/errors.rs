//! Errors of the reconcile steps that are not big enough for their own file, and [`Failure`],
//! the one type the driver summarizes.

use ferroflux_api::meta as reasons;
use ferroflux_runtime::conditions::{ErrorKind, StepError};
use ferroflux_runtime::reconcile::SpecError;

use super::apply::ApplyError;
use super::build::BuildError;
use super::health::HealthError;
use super::prune::PruneError;
use super::source::SourceError;

/// A dependency in `spec.dependsOn` is not ready at its latest revision.
#[derive(Debug, thiserror::Error)]
pub enum DependencyError {
    /// The dependency does not exist.
    #[error("dependency '{0}' not found")]
    NotFound(String),
    /// The dependency exists but is not Ready at its latest generation and revision.
    #[error("dependency '{0}' is not ready")]
    NotReady(String),
    /// Reading the dependency failed.
    #[error("unable to get dependency '{name}': {source}")]
    Read {
        /// `namespace/name` of the dependency.
        name: String,
        /// The API error.
        source: kube::Error,
    },
}

impl StepError for DependencyError {
    fn reason(&self) -> &'static str {
        reasons::DEPENDENCY_NOT_READY_REASON
    }
    fn kind(&self) -> ErrorKind {
        ErrorKind::Waiting
    }
}

ferroflux_runtime::step_failures! {
    /// Any step's failure, as the driver sees it.
    pub enum Failure {
        /// The spec asks for something unsupported or invalid.
        Spec(SpecError),
        /// A dependency is not ready.
        Dependency(DependencyError),
        /// The source artifact could not be obtained.
        Source(SourceError),
        /// The manifests could not be built.
        Build(BuildError),
        /// Applying failed.
        Apply(ApplyError),
        /// Pruning stale objects failed.
        Prune(PruneError),
        /// Health checks failed.
        Health(HealthError),
    }
}
