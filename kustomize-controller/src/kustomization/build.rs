//! Build step: kustomize the path of the artifact (writing the spec's overlay first, generating a
//! kustomization when there is none), then postBuild substitution and `commonMetadata`.
//!
//! Sets no condition itself; its errors make `Ready=False` with reason `BuildFailed`.

use ferroflux_api::kustomize::v1::Kustomization;
use ferroflux_api::meta as reasons;
use ferroflux_runtime::conditions::{ErrorKind, StepError};
use k8s_openapi::api::core::v1::{ConfigMap, Secret};
use kube::{Api, ResourceExt};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use super::Context;
use super::overlay::{self, OverlayError};
use super::substitute::{SubstituteError, substitute_objects};

/// What failed while building the manifests.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// `spec.path` leaves the artifact (`..`).
    #[error("invalid path '{0}': must stay inside the source artifact")]
    InvalidPath(String),
    /// `spec.path` does not exist in the artifact.
    #[error("kustomization path not found: '{0}'")]
    PathNotFound(String),
    /// Generating a kustomization for a plain directory failed.
    #[error("failed to generate kustomization.yaml: {0}")]
    GenerateKustomization(String),
    /// Writing the spec's settings into the kustomization file failed.
    #[error("failed to apply spec overlay: {0}")]
    WriteOverlay(#[from] OverlayError),
    /// kustomize refused the input (invalid YAML, missing file, bad patch, ...).
    #[error("kustomize build failed: {0}")]
    Kustomize(String),
    /// A `substituteFrom` object could not be read, or is missing and not optional.
    #[error("substitute from '{kind}/{name}' error: {reason}")]
    LoadVariables {
        /// ConfigMap or Secret.
        kind: String,
        /// Its name.
        name: String,
        /// What went wrong.
        reason: String,
    },
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

/// Builds the objects of `spec.path` inside the unpacked artifact `root`.
pub async fn build_manifests(
    ks: &Kustomization,
    ctx: &Context,
    root: &Path,
) -> Result<Vec<Value>, BuildError> {
    let path = ks.spec.path.clone().unwrap_or_else(|| "./".to_string());
    let dir = root.join(relative_path(&path)?);
    if !dir.is_dir() {
        return Err(BuildError::PathNotFound(path));
    }
    let spec = ks.spec.clone();
    // Messages name files relative to the artifact: the temporary directory changes every time
    // and would make the status differ on each attempt.
    let prefix = format!("{}/", root.display());
    let relative = move |e: ferroflux_kustomize::Error| e.to_string().replace(&prefix, "");
    let objects = tokio::task::spawn_blocking(move || -> Result<Vec<Value>, BuildError> {
        ferroflux_kustomize::generate_kustomization(&dir)
            .map_err(|e| BuildError::GenerateKustomization(relative(e)))?;
        if overlay::needs_overlay(&spec) {
            overlay::write_overlay(&dir, &spec)?;
        }
        ferroflux_kustomize::build(&dir).map_err(|e| BuildError::Kustomize(relative(e)))
    })
    .await
    .map_err(|e| BuildError::Task(e.to_string()))??;

    let vars = load_variables(ks, ctx).await?;
    let mut objects = substitute_objects(objects, &vars)?;
    overlay::apply_common_metadata(&mut objects, &ks.spec);
    Ok(objects)
}

/// `spec.path` as a relative path that cannot leave the artifact.
fn relative_path(path: &str) -> Result<PathBuf, BuildError> {
    let mut out = PathBuf::new();
    for component in Path::new(path).components() {
        match component {
            Component::Normal(c) => out.push(c),
            Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
            Component::ParentDir => return Err(BuildError::InvalidPath(path.to_string())),
        }
    }
    Ok(out)
}

/// The postBuild variables: `substituteFrom` objects in order (later ones win), then the inline
/// `substitute` map, which wins over all. Newlines are removed from values, as Flux does.
async fn load_variables(
    ks: &Kustomization,
    ctx: &Context,
) -> Result<BTreeMap<String, String>, BuildError> {
    let Some(post_build) = &ks.spec.post_build else {
        return Ok(BTreeMap::new());
    };
    let namespace = ks.namespace().unwrap_or_default();
    let mut vars = BTreeMap::new();
    for reference in post_build.substitute_from.iter().flatten() {
        let optional = reference.optional.unwrap_or(false);
        let fail = |reason: String| BuildError::LoadVariables {
            kind: reference.kind.clone(),
            name: reference.name.clone(),
            reason,
        };
        let data: Option<BTreeMap<String, String>> = match reference.kind.as_str() {
            "ConfigMap" => Api::<ConfigMap>::namespaced(ctx.client.clone(), &namespace)
                .get_opt(&reference.name)
                .await
                .map_err(|e| fail(e.to_string()))?
                .map(|cm| cm.data.unwrap_or_default()),
            "Secret" => Api::<Secret>::namespaced(ctx.client.clone(), &namespace)
                .get_opt(&reference.name)
                .await
                .map_err(|e| fail(e.to_string()))?
                .map(|s| {
                    let data = s.data.unwrap_or_default().into_iter();
                    data.map(|(k, v)| (k, String::from_utf8_lossy(&v.0).into_owned()))
                        .collect()
                }),
            other => return Err(fail(format!("unsupported kind '{other}'"))),
        };
        match data {
            Some(data) => vars.extend(data.into_iter().map(|(k, v)| (k, v.replace('\n', "")))),
            None if optional => {}
            None => return Err(fail("not found".to_string())),
        }
    }
    for (k, v) in post_build.substitute.iter().flatten() {
        vars.insert(k.clone(), v.replace('\n', ""));
    }
    Ok(vars)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_artifact() {
        assert_eq!(
            relative_path("./apps/prod").unwrap(),
            PathBuf::from("apps/prod")
        );
        assert_eq!(relative_path("/apps").unwrap(), PathBuf::from("apps"));
        assert_eq!(relative_path("./").unwrap(), PathBuf::new());
        let err = relative_path("../etc").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid path '../etc': must stay inside the source artifact"
        );
    }
}
