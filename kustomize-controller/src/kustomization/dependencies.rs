//! Dependencies step: every Kustomization in `spec.dependsOn` must be Ready at its latest
//! generation and revision before this one is applied.
//!
//! Sets no condition itself; its errors make `Ready=False` with reason `DependencyNotReady` and
//! requeue after `spec.retryInterval`.

use ferroflux_api::kustomize::v1::Kustomization;
use ferroflux_api::meta::ObjectWithConditions;
use ferroflux_runtime::conditions;
use kube::{Api, ResourceExt};

use super::Context;
use super::errors::DependencyError;

/// Checks every dependency; the first that is not ready is reported.
pub async fn check_dependencies(ks: &Kustomization, ctx: &Context) -> Result<(), DependencyError> {
    for dep in ks.spec.depends_on.iter().flatten() {
        let namespace = dep
            .namespace
            .clone()
            .unwrap_or_else(|| ks.namespace().unwrap_or_default());
        let name = format!("{namespace}/{}", dep.name);
        let api: Api<Kustomization> = Api::namespaced(ctx.driver.client.clone(), &namespace);
        let found = api
            .get_opt(&dep.name)
            .await
            .map_err(|source| DependencyError::Read {
                name: name.clone(),
                source,
            })?;
        let Some(found) = found else {
            return Err(DependencyError::NotFound(name));
        };
        if !is_ready_at_latest(&found) {
            return Err(DependencyError::NotReady(name));
        }
    }
    Ok(())
}

/// Ready=True for the current generation, and the last attempt applied (not a newer revision
/// still failing).
pub fn is_ready_at_latest(dep: &Kustomization) -> bool {
    let status = dep.status.as_ref();
    dep.observed_generation() == dep.metadata.generation
        && conditions::is_true(dep.conditions(), conditions::READY)
        && status.and_then(|s| s.last_applied_revision.as_ref())
            == status.and_then(|s| s.last_attempted_revision.as_ref())
}
