//! Loading a Kustomization's postBuild variables from the cluster, shared by kustomize-controller
//! and `ferroflux build kustomization` (the substitution itself is pure and lives in
//! `ferroflux_kustomize::flux`).

use ferroflux_api::kustomize::v1::PostBuild;
use k8s_openapi::api::core::v1::{ConfigMap, Secret};
use kube::{Api, Client};
use std::collections::BTreeMap;

/// A `substituteFrom` object could not be read, or is missing and not optional.
#[derive(Debug, thiserror::Error)]
#[error("substitute from '{kind}/{name}' error: {reason}")]
pub struct VariablesError {
    /// ConfigMap or Secret.
    pub kind: String,
    /// Its name.
    pub name: String,
    /// What went wrong.
    pub reason: String,
}

/// The postBuild variables: the `substituteFrom` objects (in `namespace`) in order, later ones
/// winning, then the inline `substitute` map, which wins over all. Newlines are removed from
/// values, as Flux does. A missing object is skipped when the reference is `optional`.
pub async fn load_variables(
    client: &Client,
    namespace: &str,
    post_build: Option<&PostBuild>,
) -> Result<BTreeMap<String, String>, VariablesError> {
    let Some(post_build) = post_build else {
        return Ok(BTreeMap::new());
    };
    let mut vars = BTreeMap::new();
    for reference in post_build.substitute_from.iter().flatten() {
        let optional = reference.optional.unwrap_or(false);
        let fail = |reason: String| VariablesError {
            kind: reference.kind.clone(),
            name: reference.name.clone(),
            reason,
        };
        let data: Option<BTreeMap<String, String>> = match reference.kind.as_str() {
            "ConfigMap" => Api::<ConfigMap>::namespaced(client.clone(), namespace)
                .get_opt(&reference.name)
                .await
                .map_err(|e| fail(e.to_string()))?
                .map(|cm| cm.data.unwrap_or_default()),
            "Secret" => Api::<Secret>::namespaced(client.clone(), namespace)
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
    vars.extend(inline_variables(Some(post_build)));
    Ok(vars)
}

/// The inline `postBuild.substitute` variables alone, newlines removed: what
/// `ferroflux build kustomization --dry-run` substitutes without a cluster to read
/// `substituteFrom` objects from.
pub fn inline_variables(post_build: Option<&PostBuild>) -> BTreeMap<String, String> {
    let inline = post_build.and_then(|p| p.substitute.as_ref());
    inline
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.replace('\n', "")))
        .collect()
}
