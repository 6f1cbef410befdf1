//! The watch every controller starts from: one kind, in the namespaces and with the labels the
//! flags select, deserialized leniently ([`Parsed`]) so one malformed object cannot stop the
//! watch of the others, and cached without what no reconciler reads.

use futures::{Stream, StreamExt};
use kube::core::NamespaceResourceScope;
use kube::runtime::controller::Controller;
use kube::runtime::{WatchStreamExt, reflector, watcher};
use kube::{Api, Resource};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::Parsed;
use super::shutdown::Shutdown;
use crate::flags::ControllerFlags;
use crate::ssa::LAST_APPLIED_ANNOTATION;

/// Which objects a controller watches: `--watch-all-namespaces` and `--watch-label-selector`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WatchScope {
    /// Only this namespace, or all when `None`.
    pub namespace: Option<String>,
    /// A label selector; empty selects everything.
    pub label_selector: String,
}

impl WatchScope {
    /// The scope the flags ask for.
    pub fn from_flags(flags: &ControllerFlags) -> Self {
        WatchScope {
            namespace: flags.watched_namespace(),
            label_selector: flags.watch_label_selector.clone(),
        }
    }

    /// An API for kind `K` in this scope.
    pub fn api<K>(&self, client: &kube::Client) -> Api<K>
    where
        K: Resource<DynamicType = (), Scope = NamespaceResourceScope>,
    {
        match &self.namespace {
            Some(ns) => Api::namespaced(client.clone(), ns),
            None => Api::all(client.clone()),
        }
    }

    /// The watcher configuration of this scope.
    pub fn watcher_config(&self) -> watcher::Config {
        let config = watcher::Config::default();
        if self.label_selector.is_empty() {
            config
        } else {
            config.labels(&self.label_selector)
        }
    }
}

/// A controller of kind `K` over a lenient, slimmed watch, that shuts down gracefully when
/// `shutdown` is requested: no new reconciliation starts, those under way finish.
pub fn controller<K>(
    client: &kube::Client,
    scope: &WatchScope,
    shutdown: &Shutdown,
) -> Controller<Parsed<K>>
where
    K: Resource<DynamicType = (), Scope = NamespaceResourceScope>
        + Clone
        + DeserializeOwned
        + Serialize
        + std::fmt::Debug
        + Send
        + Sync
        + 'static,
{
    let (reader, writer) = reflector::store();
    let objects = watcher(scope.api::<Parsed<K>>(client), scope.watcher_config())
        .modify(slim_for_cache)
        .reflect(writer)
        .applied_objects();
    Controller::for_stream(objects, reader).graceful_shutdown_on(shutdown.requested())
}

/// Drops what no reconciler reads from the cached copy of an object: its `managedFields` (a
/// tree per field manager, the largest part of a small object) and kubectl's
/// `last-applied-configuration` annotation (a second copy of the spec). Status and finalizers
/// are written with patches, never from this copy, so nothing is lost on the server.
fn slim_for_cache<K: Resource<DynamicType = ()>>(obj: &mut Parsed<K>) {
    let meta = obj.meta_mut();
    meta.managed_fields = None;
    if let Some(annotations) = meta.annotations.as_mut() {
        annotations.remove(LAST_APPLIED_ANNOTATION);
    }
}

/// Runs a controller's result stream to its end (shutdown), logging failed reconciliations.
pub async fn drain<T, E: std::fmt::Display>(results: impl Stream<Item = Result<T, E>>) {
    results
        .for_each(|result| async move {
            if let Err(e) = result {
                tracing::debug!(error = %e, "reconcile loop");
            }
        })
        .await;
}
