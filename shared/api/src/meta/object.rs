//! Generic access to the status every Flux kind shares.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The last `reconcile.fluxcd.io/requestedAt` value the controller acted on.
///
/// Flattened into every status, as Flux inlines it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReconcileRequestStatus {
    /// Value of the `reconcile.fluxcd.io/requestedAt` annotation last handled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_handled_reconcile_at: Option<String>,
}

/// Implemented by every Flux kind: generic access to `status.conditions` and friends, so
/// controllers and the CLI can treat all kinds alike.
pub trait ObjectWithConditions {
    /// The status conditions; empty when the object has no status yet.
    fn conditions(&self) -> &[Condition];
    /// Mutable status conditions, creating an empty status when there is none.
    fn conditions_mut(&mut self) -> &mut Vec<Condition>;
    /// `status.observedGeneration`, when set.
    fn observed_generation(&self) -> Option<i64>;
    /// `status.lastHandledReconcileAt`, when the kind has it and it is set.
    fn last_handled_reconcile_at(&self) -> Option<&str>;
    /// `spec.suspend`; false for kinds that cannot be suspended.
    fn is_suspended(&self) -> bool;
    /// Sets `status.observedGeneration`, creating an empty status when there is none.
    fn set_observed_generation(&mut self, generation: Option<i64>);
    /// Sets `status.lastHandledReconcileAt`; does nothing for kinds without it.
    fn set_last_handled_reconcile_at(&mut self, requested_at: String);
}

/// Implements [`ObjectWithConditions`] for a kind whose status has `conditions`,
/// `observedGeneration` and the flattened [`ReconcileRequestStatus`] as `reconcile_request`.
/// `suspend` names how to read `spec.suspend` (`suspend` or `none`).
#[macro_export]
macro_rules! impl_object_with_conditions {
    ($kind:ty, $status:ty, suspend = $suspend:tt, reconcile_request = $rr:tt) => {
        impl $crate::meta::ObjectWithConditions for $kind {
            fn conditions(&self) -> &[$crate::meta::Condition] {
                self.status
                    .as_ref()
                    .map(|s| s.conditions.as_slice())
                    .unwrap_or(&[])
            }
            fn conditions_mut(&mut self) -> &mut Vec<$crate::meta::Condition> {
                &mut self.status.get_or_insert_with(<$status>::default).conditions
            }
            fn observed_generation(&self) -> Option<i64> {
                self.status.as_ref().and_then(|s| s.observed_generation)
            }
            fn last_handled_reconcile_at(&self) -> Option<&str> {
                $crate::impl_object_with_conditions!(@rr self, $rr)
            }
            fn is_suspended(&self) -> bool {
                $crate::impl_object_with_conditions!(@suspend self, $suspend)
            }
            fn set_observed_generation(&mut self, generation: Option<i64>) {
                self.status
                    .get_or_insert_with(<$status>::default)
                    .observed_generation = generation;
            }
            fn set_last_handled_reconcile_at(&mut self, requested_at: String) {
                $crate::impl_object_with_conditions!(@set_rr self, $status, requested_at, $rr)
            }
        }
    };
    (@set_rr $self:ident, $status:ty, $value:ident, yes) => {
        $self
            .status
            .get_or_insert_with(<$status>::default)
            .reconcile_request
            .last_handled_reconcile_at = Some($value)
    };
    (@set_rr $self:ident, $status:ty, $value:ident, no) => {
        drop($value)
    };
    (@rr $self:ident, yes) => {
        $self
            .status
            .as_ref()
            .and_then(|s| s.reconcile_request.last_handled_reconcile_at.as_deref())
    };
    (@rr $self:ident, no) => {
        None
    };
    (@suspend $self:ident, yes) => {
        $self.spec.suspend.unwrap_or(false)
    };
    (@suspend $self:ident, no) => {
        false
    };
}

/// Implemented by every kind that publishes an artifact (the source kinds and ExternalArtifact),
/// so consumers can fetch from any source the same way.
pub trait ObjectWithArtifact {
    /// `status.artifact`, when the source has produced one.
    fn artifact(&self) -> Option<&super::Artifact>;
}

/// Implements [`ObjectWithArtifact`] for kinds whose status has an `artifact` field.
#[macro_export]
macro_rules! impl_object_with_artifact {
    ($($kind:ty),* $(,)?) => {
        $(
            impl $crate::meta::ObjectWithArtifact for $kind {
                fn artifact(&self) -> Option<&$crate::meta::Artifact> {
                    self.status.as_ref()?.artifact.as_ref()
                }
            }
        )*
    };
}
