//! Condition types, reasons, annotations, labels and the finalizer used by every Flux controller.
//! The strings are Flux's exactly: other tools (the flux CLI, dashboards, kstatus) match on them.

/// Finalizer every Flux controller puts on the objects it manages.
pub const FINALIZER: &str = "finalizers.fluxcd.io";

/// Annotation requesting an immediate reconciliation; any new value triggers one.
pub const RECONCILE_REQUEST_ANNOTATION: &str = "reconcile.fluxcd.io/requestedAt";
/// HelmRelease annotation requesting a one-off forced upgrade (value must match requestedAt).
pub const FORCE_REQUEST_ANNOTATION: &str = "reconcile.fluxcd.io/forceAt";
/// HelmRelease annotation requesting a reset of the failure counters (value must match requestedAt).
pub const RESET_REQUEST_ANNOTATION: &str = "reconcile.fluxcd.io/resetAt";

/// Label marking a Secret/ConfigMap so controllers watch it and reconcile its referrers.
pub const WATCH_LABEL: &str = "reconcile.fluxcd.io/watch";
/// Value of [`WATCH_LABEL`] that turns watching on.
pub const WATCH_LABEL_ENABLED: &str = "Enabled";

// --- condition types

/// Set on every object once reconciled: True when the last reconciliation fully succeeded.
pub const READY_CONDITION: &str = "Ready";
/// True only while the controller is working on a new generation or retrying.
pub const RECONCILING_CONDITION: &str = "Reconciling";
/// True only when the controller cannot proceed without a change from the user.
pub const STALLED_CONDITION: &str = "Stalled";
/// Health of the applied workloads (Kustomization with wait or healthChecks).
pub const HEALTHY_CONDITION: &str = "Healthy";
/// True when the source's artifact is in storage.
pub const ARTIFACT_IN_STORAGE_CONDITION: &str = "ArtifactInStorage";
/// Abnormal-true: the artifact in storage is outdated compared to the spec.
pub const ARTIFACT_OUTDATED_CONDITION: &str = "ArtifactOutdated";
/// Abnormal-true: fetching the upstream source failed.
pub const FETCH_FAILED_CONDITION: &str = "FetchFailed";
/// Result of verifying the source's signature.
pub const SOURCE_VERIFIED_CONDITION: &str = "SourceVerified";
/// Abnormal-true: an included artifact is not available.
pub const INCLUDE_UNAVAILABLE_CONDITION: &str = "IncludeUnavailable";
/// Abnormal-true: a storage operation (write, archive, garbage collection) failed.
pub const STORAGE_OPERATION_FAILED_CONDITION: &str = "StorageOperationFailed";
/// Abnormal-true: building the chart (HelmChart) failed.
pub const BUILD_FAILED_CONDITION: &str = "BuildFailed";
/// HelmRelease: outcome of the last install or upgrade.
pub const RELEASED_CONDITION: &str = "Released";
/// HelmRelease: outcome of the last test run.
pub const TEST_SUCCESS_CONDITION: &str = "TestSuccess";
/// HelmRelease: outcome of the last remediation (rollback or uninstall).
pub const REMEDIATED_CONDITION: &str = "Remediated";

// --- reasons

/// The operation succeeded.
pub const SUCCEEDED_REASON: &str = "Succeeded";
/// The operation failed.
pub const FAILED_REASON: &str = "Failed";
/// Work on the object is in progress.
pub const PROGRESSING_REASON: &str = "Progressing";
/// Work is in progress after a previous failure.
pub const PROGRESSING_WITH_RETRY_REASON: &str = "ProgressingWithRetry";
/// A dependency (dependsOn, source) is not ready yet.
pub const DEPENDENCY_NOT_READY_REASON: &str = "DependencyNotReady";
/// Fetching or verifying the source artifact failed.
pub const ARTIFACT_FAILED_REASON: &str = "ArtifactFailed";
/// Building the manifests failed.
pub const BUILD_FAILED_REASON: &str = "BuildFailed";
/// Health assessment of the applied objects failed.
pub const HEALTH_CHECK_FAILED_REASON: &str = "HealthCheckFailed";
/// The reconciliation succeeded.
pub const RECONCILIATION_SUCCEEDED_REASON: &str = "ReconciliationSucceeded";
/// The reconciliation failed.
pub const RECONCILIATION_FAILED_REASON: &str = "ReconciliationFailed";
/// The object is suspended.
pub const SUSPENDED_REASON: &str = "Suspended";
/// The spec is invalid and the user must fix it.
pub const INVALID_PATH_REASON: &str = "InvalidPath";
/// The spec could not be used (e.g. a bad reference) and the user must fix it.
pub const INVALID_URL_REASON: &str = "URLInvalid";
/// Authentication against the upstream source failed.
pub const AUTHENTICATION_FAILED_REASON: &str = "AuthenticationFailed";
/// Verification of the upstream's signature failed.
pub const VERIFICATION_ERROR_REASON: &str = "VerificationError";
/// The controller lacks access to a referenced object (e.g. cross-namespace references are off).
pub const ACCESS_DENIED_REASON: &str = "AccessDenied";
/// The source's artifact is stored.
pub const ARTIFACT_IN_STORAGE_REASON: &str = "ArtifactInStorage";
/// The spec changed and a new artifact is about to be built.
pub const NEW_GENERATION_REASON: &str = "NewGeneration";
/// Fetching the upstream source failed.
pub const FETCH_FAILED_REASON: &str = "FetchFailed";
/// A Git operation (clone, checkout) failed.
pub const GIT_OPERATION_FAILED_REASON: &str = "GitOperationFailed";
/// A Git operation succeeded.
pub const GIT_OPERATION_SUCCEEDED_REASON: &str = "GitOperationSucceeded";
/// An OCI pull failed.
pub const OCI_PULL_FAILED_REASON: &str = "OCIArtifactPullFailed";
/// An OCI layer could not be processed.
pub const OCI_LAYER_OPERATION_FAILED_REASON: &str = "OCIArtifactLayerOperationFailed";
/// Reading the Helm repository index failed.
pub const INDEXATION_FAILED_REASON: &str = "IndexationFailed";
/// The Helm repository index was read.
pub const INDEXATION_SUCCEEDED_REASON: &str = "IndexationSucceed";
/// Packaging a chart failed.
pub const CHART_PACKAGE_FAILED_REASON: &str = "ChartPackageFailed";
/// Pulling a chart failed.
pub const CHART_PULL_FAILED_REASON: &str = "ChartPullFailed";
/// A chart was pulled.
pub const CHART_PULL_SUCCEEDED_REASON: &str = "ChartPullSucceeded";
/// A chart was packaged.
pub const CHART_PACKAGE_SUCCEEDED_REASON: &str = "ChartPackageSucceeded";
/// A storage operation failed.
pub const STORAGE_OPERATION_FAILED_REASON: &str = "StorageOperationFailed";
/// An included artifact is not available.
pub const INCLUDE_UNAVAILABLE_REASON: &str = "IncludeUnavailable";
/// HelmRelease: the Helm install failed.
pub const INSTALL_FAILED_REASON: &str = "InstallFailed";
/// HelmRelease: the Helm install succeeded.
pub const INSTALL_SUCCEEDED_REASON: &str = "InstallSucceeded";
/// HelmRelease: the Helm upgrade failed.
pub const UPGRADE_FAILED_REASON: &str = "UpgradeFailed";
/// HelmRelease: the Helm upgrade succeeded.
pub const UPGRADE_SUCCEEDED_REASON: &str = "UpgradeSucceeded";
/// HelmRelease: the Helm tests failed.
pub const TEST_FAILED_REASON: &str = "TestFailed";
/// HelmRelease: the Helm tests succeeded.
pub const TEST_SUCCEEDED_REASON: &str = "TestSucceeded";
/// HelmRelease: the rollback succeeded.
pub const ROLLBACK_SUCCEEDED_REASON: &str = "RollbackSucceeded";
/// HelmRelease: the rollback failed.
pub const ROLLBACK_FAILED_REASON: &str = "RollbackFailed";
/// HelmRelease: the uninstall succeeded.
pub const UNINSTALL_SUCCEEDED_REASON: &str = "UninstallSucceeded";
/// HelmRelease: the uninstall failed.
pub const UNINSTALL_FAILED_REASON: &str = "UninstallFailed";
/// HelmRelease: the Helm action configuration could not be initialised.
pub const INIT_FAILED_REASON: &str = "InitFailed";
/// HelmRelease: the last release could not be read from the storage driver.
pub const GET_LAST_RELEASE_FAILED_REASON: &str = "GetLastReleaseFailed";
/// Kustomization: pruning stale objects failed.
pub const PRUNE_FAILED_REASON: &str = "PruneFailed";
/// Kustomization: decrypting SOPS-encrypted manifests failed.
pub const DECRYPTION_FAILED_REASON: &str = "DecryptionFailed";
/// The reconciliation was cancelled (e.g. superseded by a new revision).
pub const RECONCILIATION_CANCELED_REASON: &str = "ReconciliationCanceled";
