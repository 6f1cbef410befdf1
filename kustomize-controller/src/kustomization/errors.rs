//! Errors of the reconcile steps that are not big enough for their own file, and [`Failure`],
//! the one type the driver summarizes.

use ferroflux_api::meta as reasons;
use ferroflux_runtime::conditions::{ErrorKind, StepError};

use super::apply::ApplyError;
use super::build::BuildError;
use super::health::HealthError;
use super::prune::PruneError;
use super::source::SourceError;

/// A spec field this controller cannot honour yet: the object stalls until the user changes it.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SpecError {
    /// `spec.decryption` (SOPS) is not implemented.
    #[error("spec.decryption is not supported by this controller yet")]
    UnsupportedDecryption,
    /// `spec.kubeConfig` (remote clusters) is not implemented.
    #[error("spec.kubeConfig is not supported by this controller yet")]
    UnsupportedKubeConfig,
    /// A duration field does not parse.
    #[error("invalid spec.{field} '{value}': {reason}")]
    InvalidDuration {
        /// `interval`, `retryInterval` or `timeout`.
        field: &'static str,
        /// The value given.
        value: String,
        /// Why it does not parse.
        reason: String,
    },
}

impl StepError for SpecError {
    fn reason(&self) -> &'static str {
        match self {
            SpecError::UnsupportedDecryption => reasons::DECRYPTION_FAILED_REASON,
            _ => reasons::RECONCILIATION_FAILED_REASON,
        }
    }
    fn kind(&self) -> ErrorKind {
        ErrorKind::Stalling
    }
}

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

/// Any step's failure, as the driver sees it.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// The spec asks for something unsupported or invalid.
    #[error(transparent)]
    Spec(#[from] SpecError),
    /// A dependency is not ready.
    #[error(transparent)]
    Dependency(#[from] DependencyError),
    /// The source artifact could not be obtained.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// The manifests could not be built.
    #[error(transparent)]
    Build(#[from] BuildError),
    /// Applying failed.
    #[error(transparent)]
    Apply(#[from] ApplyError),
    /// Pruning stale objects failed.
    #[error(transparent)]
    Prune(#[from] PruneError),
    /// Health checks failed.
    #[error(transparent)]
    Health(#[from] HealthError),
}

impl Failure {
    fn inner(&self) -> &dyn StepError {
        match self {
            Failure::Spec(e) => e,
            Failure::Dependency(e) => e,
            Failure::Source(e) => e,
            Failure::Build(e) => e,
            Failure::Apply(e) => e,
            Failure::Prune(e) => e,
            Failure::Health(e) => e,
        }
    }
}

impl StepError for Failure {
    fn reason(&self) -> &'static str {
        self.inner().reason()
    }
    fn kind(&self) -> ErrorKind {
        self.inner().kind()
    }
}
