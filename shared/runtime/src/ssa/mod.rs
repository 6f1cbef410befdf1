//! Server-side apply over the dynamic API, the way Flux's `fluxcd/pkg/ssa` works, knowing no
//! Flux type: objects are `serde_json::Value`, kinds are resolved with discovery.
//!
//! - [`ResourceManager::apply_all_staged`]: dry-runs the whole set, then applies cluster
//!   definitions (CRDs, Namespaces, cluster RBAC), waits for them, then everything else.
//! - [`ResourceManager::diff`]: what an apply would change, without changing anything.
//! - [`ResourceManager::delete_all`]: prunes objects, keeping the ones marked to be kept.
//! - [`ResourceManager::wait_for_set`]: polls objects until they are healthy (kstatus rules).
//!
//! Per-object annotations are read under the owner's group (`<group>/ssa`, `<group>/force`,
//! `<group>/reconcile`, `<group>/prune`), as in Flux.

mod apply;
mod cleanup;
mod delete;
mod diff;
mod object;
mod resolver;
mod wait;

pub use apply::ApplyOptions;
pub use cleanup::{CleanupOptions, FieldManager, LAST_APPLIED_ANNOTATION};
pub use delete::DeleteOptions;
pub use diff::DiffEntry;
pub use object::{
    Action, ChangeSet, ChangeSetEntry, ObjectRef, annotation, apply_order, comparable,
    is_cluster_definition, label,
};
pub use wait::WaitOptions;

use kube::Client;
use kube::api::{Api, DynamicObject};
use resolver::Resolver;
use std::sync::Arc;
use std::time::Duration;

/// Who applies: the field manager written in `managedFields`, and the API group under which the
/// per-object annotations are read (e.g. `kustomize.toolkit.fluxcd.io`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    /// Server-side apply field manager, e.g. `kustomize-controller`.
    pub field_manager: String,
    /// Group prefixing the per-object annotations.
    pub group: String,
}

impl Owner {
    /// The annotation key `<group>/<name>`.
    pub fn annotation_key(&self, name: &str) -> String {
        format!("{}/{name}", self.group)
    }
}

/// What failed while applying, diffing, deleting or waiting.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An object lacks `apiVersion`, `kind` or `metadata.name`.
    #[error("invalid object: {reason}")]
    InvalidObject {
        /// What is missing.
        reason: String,
    },
    /// The API server does not serve the object's kind.
    #[error("{object}: no matches for kind \"{kind}\" in version \"{api_version}\"")]
    UnknownKind {
        /// The object, as `Kind/namespace/name`.
        object: String,
        /// Its kind.
        kind: String,
        /// Its apiVersion.
        api_version: String,
    },
    /// A namespaced object has no namespace.
    #[error("{object}: namespace not specified")]
    MissingNamespace {
        /// The object, as `Kind/namespace/name`.
        object: String,
    },
    /// One or more objects were refused by the server-side dry-run; nothing was changed.
    #[error("{}", failures.join("\n"))]
    DryRun {
        /// One message per refused object, prefixed with the object.
        failures: Vec<String>,
    },
    /// Applying an object failed after the dry-run passed.
    #[error("{object} apply failed: {source}")]
    Apply {
        /// The object, as `Kind/namespace/name`.
        object: String,
        /// The API error.
        source: kube::Error,
    },
    /// Deleting objects failed.
    #[error("delete failed: {}", failures.join("; "))]
    Delete {
        /// One message per object that could not be deleted.
        failures: Vec<String>,
    },
    /// Reading an object or talking to discovery failed.
    #[error("{object}: {source}")]
    Read {
        /// The object, as `Kind/namespace/name`.
        object: String,
        /// The API error.
        source: kube::Error,
    },
    /// Applying stopped at `source` after other objects of the set had been applied (a later
    /// object failed, or the first stage was applied and then the rest refused). `applied` lists
    /// what was handled before the failure, so callers can still track (and later prune) it.
    #[error("{source}")]
    PartialApply {
        /// The objects handled before the failure, with what was done to each.
        applied: ChangeSet,
        /// The failure.
        source: Box<Error>,
    },
    /// Objects did not become healthy in time; each entry names the object and its status.
    #[error("timeout waiting for: [{}]", pending.join(", "))]
    WaitTimeout {
        /// `Kind/namespace/name status: 'InProgress': message` per unhealthy object.
        pending: Vec<String>,
    },
    /// Objects reported a failure they will not recover from without a change.
    #[error("health check failed: [{}]", failed.join(", "))]
    HealthFailed {
        /// `Kind/namespace/name status: 'Failed': message` per failed object.
        failed: Vec<String>,
    },
}

/// Applies, diffs, deletes and waits for sets of objects with server-side apply.
/// Clones share the discovery cache.
#[derive(Clone)]
pub struct ResourceManager {
    client: Client,
    owner: Owner,
    resolver: Arc<Resolver>,
    poll_interval: Duration,
}

impl ResourceManager {
    /// A manager acting through `client` (possibly impersonating) as `owner`.
    pub fn new(client: Client, owner: Owner) -> Self {
        ResourceManager {
            client,
            owner,
            resolver: Arc::new(Resolver::default()),
            poll_interval: Duration::from_secs(2),
        }
    }

    /// The same manager acting through another client (e.g. one impersonating a service
    /// account), sharing this one's discovery cache.
    pub fn with_client(&self, client: Client) -> Self {
        ResourceManager {
            client,
            ..self.clone()
        }
    }

    /// Sets how often [`ResourceManager::wait_for_set`] polls (default 2s).
    pub fn with_poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }

    /// The owner this manager applies as.
    pub fn owner(&self) -> &Owner {
        &self.owner
    }

    /// An API handle for the object's kind and namespace.
    async fn api_for(&self, obj: &ObjectRef) -> Result<Api<DynamicObject>, Error> {
        let resolved = self
            .resolver
            .resolve(&self.client, obj)
            .await
            .map_err(|source| {
                if resolver::is_unknown_kind(&source) {
                    Error::UnknownKind {
                        object: obj.to_string(),
                        kind: obj.kind.clone(),
                        api_version: obj.api_version(),
                    }
                } else {
                    Error::Read {
                        object: obj.to_string(),
                        source,
                    }
                }
            })?;
        if !resolved.namespaced {
            return Ok(Api::all_with(self.client.clone(), &resolved.resource));
        }
        if obj.namespace.is_empty() {
            return Err(Error::MissingNamespace {
                object: obj.to_string(),
            });
        }
        Ok(Api::namespaced_with(
            self.client.clone(),
            &obj.namespace,
            &resolved.resource,
        ))
    }

    /// The live object, or `None` when it does not exist.
    pub async fn get(&self, obj: &ObjectRef) -> Result<Option<serde_json::Value>, Error> {
        let api = self.api_for(obj).await?;
        let live = api.get_opt(&obj.name).await.map_err(|source| Error::Read {
            object: obj.to_string(),
            source,
        })?;
        Ok(live.map(|o| serde_json::to_value(o).unwrap_or_default()))
    }
}

/// The identity of an object, or a clear error naming what is missing.
pub(crate) fn object_ref(obj: &serde_json::Value) -> Result<ObjectRef, Error> {
    ObjectRef::from_object(obj).ok_or_else(|| Error::InvalidObject {
        reason: format!(
            "apiVersion, kind and metadata.name are required: {}",
            serde_json::to_string(obj)
                .unwrap_or_default()
                .chars()
                .take(200)
                .collect::<String>()
        ),
    })
}
