//! Maps an object's group/version/kind to its API resource, with a cache that is cleared after
//! CustomResourceDefinitions are installed so new kinds become known.

use kube::Client;
use kube::core::GroupVersionKind;
use kube::discovery::{self, ApiCapabilities, ApiResource, Scope};
use std::collections::HashMap;
use std::sync::Mutex;

use super::ObjectRef;

/// A resolved API resource: where to send requests for a kind, and whether it is namespaced.
#[derive(Clone, Debug)]
pub(crate) struct Resolved {
    pub(crate) resource: ApiResource,
    pub(crate) namespaced: bool,
}

/// Discovery lookups, cached per group/version/kind. Misses are never cached, so a kind whose
/// CRD was just established resolves on the next lookup.
#[derive(Default)]
pub(crate) struct Resolver {
    cache: Mutex<HashMap<(String, String, String), Resolved>>,
}

impl Resolver {
    /// Finds the API resource of an object's kind, asking the API server on a cache miss.
    pub(crate) async fn resolve(
        &self,
        client: &Client,
        obj: &ObjectRef,
    ) -> Result<Resolved, kube::Error> {
        let key = (obj.group.clone(), obj.version.clone(), obj.kind.clone());
        if let Some(hit) = self.lock().get(&key) {
            return Ok(hit.clone());
        }
        let gvk = GroupVersionKind::gvk(&obj.group, &obj.version, &obj.kind);
        let (resource, caps): (ApiResource, ApiCapabilities) =
            discovery::pinned_kind(client, &gvk).await?;
        let resolved = Resolved {
            resource,
            namespaced: caps.scope == Scope::Namespaced,
        };
        self.lock().insert(key, resolved.clone());
        Ok(resolved)
    }

    /// Forgets every cached lookup (after CRDs change, a kind's versions or scope may differ).
    pub(crate) fn refresh(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(String, String, String), Resolved>> {
        // A panic while holding the lock cannot leave the map inconsistent; keep using it.
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// True when a discovery failure means "this kind is not served" rather than a transport error.
pub(crate) fn is_unknown_kind(err: &kube::Error) -> bool {
    match err {
        kube::Error::Discovery(_) => true,
        kube::Error::Api(status) => status.code == 404,
        _ => false,
    }
}
