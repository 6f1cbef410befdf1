//! `kustomize.toolkit.fluxcd.io`: applying kustomize overlays from a source to the cluster.

pub mod v1;

/// The API group of kustomize-controller's kinds.
pub const GROUP: &str = "kustomize.toolkit.fluxcd.io";

/// Label set on every applied object: the owning Kustomization's name.
pub const NAME_LABEL: &str = "kustomize.toolkit.fluxcd.io/name";
/// Label set on every applied object: the owning Kustomization's namespace.
pub const NAMESPACE_LABEL: &str = "kustomize.toolkit.fluxcd.io/namespace";
/// Per-object annotation; `disabled` stops the controller from updating the object.
pub const RECONCILE_ANNOTATION: &str = "kustomize.toolkit.fluxcd.io/reconcile";
/// Per-object annotation; `disabled` keeps the object when it leaves the desired state.
pub const PRUNE_ANNOTATION: &str = "kustomize.toolkit.fluxcd.io/prune";
/// Per-object annotation choosing the apply policy: `Merge`, `IfNotPresent` or `Ignore`.
pub const SSA_ANNOTATION: &str = "kustomize.toolkit.fluxcd.io/ssa";
/// Per-object annotation; `enabled` recreates the object when an immutable field changed.
pub const FORCE_ANNOTATION: &str = "kustomize.toolkit.fluxcd.io/force";
/// Per-object annotation; `disabled` skips variable substitution for the object.
pub const SUBSTITUTE_ANNOTATION: &str = "kustomize.toolkit.fluxcd.io/substitute";
/// Value turning an annotation feature on.
pub const ENABLED_VALUE: &str = "enabled";
/// Value turning an annotation feature off.
pub const DISABLED_VALUE: &str = "disabled";
