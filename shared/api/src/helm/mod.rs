//! `helm.toolkit.fluxcd.io`: Helm releases driven by the cluster.

pub mod v2;

/// The API group of helm-controller's kinds.
pub const GROUP: &str = "helm.toolkit.fluxcd.io";

/// Label or annotation on a release object; `disabled` excludes it from drift detection.
pub const DRIFT_DETECTION_ANNOTATION: &str = "helm.toolkit.fluxcd.io/driftDetection";
/// Label set on every object of a release: the owning HelmRelease's name.
pub const NAME_LABEL: &str = "helm.toolkit.fluxcd.io/name";
/// Label set on every object of a release: the owning HelmRelease's namespace.
pub const NAMESPACE_LABEL: &str = "helm.toolkit.fluxcd.io/namespace";
