//! Build step: kustomize the path of the artifact (writing the spec's overlay first, generating a
//! kustomization when there is none), then postBuild substitution and `commonMetadata`. The work
//! itself is `ferroflux_kustomize::flux` (shared with `ferroflux build kustomization`); this step
//! runs it off the async runtime and loads the variables.
//!
//! Sets no condition itself; its errors make `Ready=False` with reason `BuildFailed`.

use ferroflux_api::kustomize::v1::Kustomization;
use ferroflux_api::meta as reasons;
use ferroflux_kustomize::flux::{self, FluxBuildError, SubstituteError};
use ferroflux_runtime::conditions::{ErrorKind, StepError};
use ferroflux_runtime::postbuild::{VariablesError, load_variables};
use kube::ResourceExt;
use serde_json::Value;
use std::path::Path;

use super::Context;

/// What failed while building the manifests.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The path, the generated kustomization, the overlay or kustomize itself failed.
    #[error(transparent)]
    Build(#[from] FluxBuildError),
    /// A `substituteFrom` object could not be read, or is missing and not optional.
    #[error(transparent)]
    LoadVariables(#[from] VariablesError),
    /// Variable substitution failed.
    #[error("post build failed: {0}")]
    Substitute(#[from] SubstituteError),
    /// The build task panicked or was cancelled.
    #[error("build task failed: {0}")]
    Task(String),
}

impl StepError for BuildError {
    fn reason(&self) -> &'static str {
        reasons::BUILD_FAILED_REASON
    }
    fn kind(&self) -> ErrorKind {
        ErrorKind::Generic
    }
}

/// Builds the objects of `spec.path` inside the unpacked artifact `root` (which it writes into),
/// before postBuild.
pub async fn kustomize(ks: &Kustomization, root: &Path) -> Result<Vec<Value>, BuildError> {
    let spec = ks.spec.clone();
    let root = root.to_path_buf();
    Ok(
        tokio::task::spawn_blocking(move || flux::build_path(&root, &spec))
            .await
            .map_err(|e| BuildError::Task(e.to_string()))??,
    )
}

/// postBuild: loads the variables (`substitute`, `substituteFrom`), substitutes them and applies
/// `commonMetadata`.
pub async fn post_build(
    ks: &Kustomization,
    ctx: &Context,
    objects: Vec<Value>,
) -> Result<Vec<Value>, BuildError> {
    let namespace = ks.namespace().unwrap_or_default();
    let vars = load_variables(&ctx.driver.client, &namespace, ks.spec.post_build.as_ref()).await?;
    Ok(flux::post_build(objects, &vars, &ks.spec)?)
}
