//! What Flux's kustomize-controller does around a kustomize build, shared by kustomize-controller
//! and `ferroflux build kustomization` so both produce the same objects:
//!
//! 1. resolve `spec.path` inside the source artifact ([`build_path`]);
//! 2. write a kustomization listing the YAML files when the path has none ([`generate_kustomization`]);
//! 3. merge the spec-level settings (`targetNamespace`, `namePrefix`, `nameSuffix`, `patches`,
//!    `images`, `components`) into it ([`overlay`]);
//! 4. build with this crate's engine;
//! 5. after the build, postBuild variable substitution and `commonMetadata` ([`post_build`]);
//! 6. before applying, the owner labels naming the Kustomization ([`set_owner_labels`]).
//!
//! Pure, like the rest of the crate: the caller loads the `substituteFrom` variables.

mod generate;
pub mod overlay;
pub mod substitute;

pub use generate::generate_kustomization;
pub use overlay::OverlayError;
pub use substitute::{SUBSTITUTE_ANNOTATION, SubstituteError, substitute_objects};

use ferroflux_api::kustomize::v1::KustomizationSpec;
use ferroflux_api::kustomize::{NAME_LABEL, NAMESPACE_LABEL};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

/// What failed while building a Kustomization's path.
#[derive(Debug, thiserror::Error)]
pub enum FluxBuildError {
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
}

/// Builds `spec.path` (default `./`) inside the directory tree `root`, as kustomize-controller
/// does before substitution.
///
/// **Writes into `root`**: a generated kustomization and the spec overlay go into the path's
/// directory, so pass a scratch copy (an unpacked artifact, or a temporary copy of a local
/// checkout). Error messages name files relative to `root`, so they do not change with the
/// scratch directory's name.
pub fn build_path(root: &Path, spec: &KustomizationSpec) -> Result<Vec<Value>, FluxBuildError> {
    let path = spec.path.clone().unwrap_or_else(|| "./".to_string());
    let dir = root.join(relative_path(&path)?);
    if !dir.is_dir() {
        return Err(FluxBuildError::PathNotFound(path));
    }
    let prefix = format!("{}/", root.display());
    let relative = |e: crate::Error| e.to_string().replace(&prefix, "");
    generate_kustomization(&dir).map_err(|e| FluxBuildError::GenerateKustomization(relative(e)))?;
    if overlay::needs_overlay(spec) {
        overlay::write_overlay(&dir, spec)?;
    }
    crate::build(&dir).map_err(|e| FluxBuildError::Kustomize(relative(e)))
}

/// The steps after the build: postBuild substitution with `vars` (see [`substitute`]), then
/// `commonMetadata` on every object.
pub fn post_build(
    objects: Vec<Value>,
    vars: &BTreeMap<String, String>,
    spec: &KustomizationSpec,
) -> Result<Vec<Value>, SubstituteError> {
    let mut objects = substitute_objects(objects, vars)?;
    overlay::apply_common_metadata(&mut objects, spec);
    Ok(objects)
}

/// The labels kustomize-controller puts on every object it applies: the name and namespace of
/// the Kustomization. Pruning and `ferroflux tree` find an object's owner through them.
pub fn owner_labels(name: &str, namespace: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        (NAME_LABEL.to_string(), name.to_string()),
        (NAMESPACE_LABEL.to_string(), namespace.to_string()),
    ])
}

/// Sets [`owner_labels`] on every object, replacing values a build may have carried.
pub fn set_owner_labels(objects: &mut [Value], name: &str, namespace: &str) {
    let labels = owner_labels(name, namespace);
    for obj in objects.iter_mut() {
        overlay::set_metadata_map(obj, "labels", labels.iter());
    }
}

/// `spec.path` as a relative path that cannot leave the artifact.
fn relative_path(path: &str) -> Result<PathBuf, FluxBuildError> {
    let mut out = PathBuf::new();
    for component in Path::new(path).components() {
        match component {
            Component::Normal(c) => out.push(c),
            Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
            Component::ParentDir => return Err(FluxBuildError::InvalidPath(path.to_string())),
        }
    }
    Ok(out)
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

    #[test]
    fn owner_labels_name_the_kustomization_and_replace_old_values() {
        let mut objects = vec![
            serde_json::json!({"kind": "ConfigMap", "metadata": {"name": "a"}}),
            serde_json::json!({"kind": "Service", "metadata": {"name": "b", "labels": {
                "app": "web", "kustomize.toolkit.fluxcd.io/name": "old"}}}),
        ];
        set_owner_labels(&mut objects, "apps", "flux-system");
        assert_eq!(
            objects[0]["metadata"]["labels"],
            serde_json::json!({"kustomize.toolkit.fluxcd.io/name": "apps",
                "kustomize.toolkit.fluxcd.io/namespace": "flux-system"})
        );
        assert_eq!(objects[1]["metadata"]["labels"]["app"], "web");
        assert_eq!(
            objects[1]["metadata"]["labels"]["kustomize.toolkit.fluxcd.io/name"],
            "apps"
        );
    }
}
