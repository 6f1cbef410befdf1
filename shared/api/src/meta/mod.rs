//! Types and constants shared by every Flux API group (Flux's `fluxcd/pkg/apis/meta`).

mod acl;
mod artifact;
mod constants;
mod history;
mod object;
mod references;

pub use acl::{AccessFrom, NamespaceSelector};
pub use artifact::Artifact;
pub use constants::*;
pub use history::Snapshot;
pub use object::{ObjectWithArtifact, ObjectWithConditions, ReconcileRequestStatus};
pub use references::{
    DependencyReference, KubeConfigReference, LocalObjectReference, NamespacedObjectKindReference,
    NamespacedObjectReference, SecretKeyReference, ValuesReference,
};

/// The Kubernetes condition type used in every Flux status (`metav1.Condition`).
pub type Condition = k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition;
