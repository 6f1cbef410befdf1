//! The source watches: a Kustomization reconciles when its source's artifact revision changes,
//! and reads that artifact from the watch's cache instead of asking the API server each time.
//!
//! Only `status.artifact` of each source is kept (see [`slim_source`]): a controller watching
//! thousands of sources holds a few hundred bytes per source.

use ferroflux_api::kustomize::v1::Kustomization;
use ferroflux_runtime::reconcile::{Parsed, RecentRuns};
use kube::ResourceExt;
use kube::api::{Api, ApiResource, DynamicObject, GroupVersionKind};
use kube::runtime::controller::Controller;
use kube::runtime::reflector::{self, ObjectRef, Store};
use kube::runtime::{WatchStreamExt, watcher};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use super::source::source_resource;

/// How often to look again for the source CRDs while they are not installed yet.
const CRD_POLL: Duration = Duration::from_secs(2);

/// The watched source kinds.
const WATCHED_KINDS: [&str; 2] = ["GitRepository", "OCIRepository"];

/// The last seen `status.artifact` of every watched source, per kind.
#[derive(Default)]
pub struct SourceCache {
    stores: RwLock<HashMap<String, (ApiResource, Store<DynamicObject>)>>,
}

impl SourceCache {
    /// The cached `status.artifact` of source `kind` `namespace/name`; `None` when the kind is
    /// not watched, the source is not in the cache (yet) or has no artifact. The caller then
    /// asks the API server, so a lagging watch never hides a source.
    pub fn artifact(&self, kind: &str, namespace: &str, name: &str) -> Option<Value> {
        let stores = self.stores.read().unwrap_or_else(|e| e.into_inner());
        let (resource, store) = stores.get(kind)?;
        let key = ObjectRef::new_with(name, resource.clone()).within(namespace);
        let source = store.get(&key)?;
        let artifact = source.data.pointer("/status/artifact")?;
        (!artifact.is_null()).then(|| artifact.clone())
    }

    fn insert(&self, kind: &str, resource: ApiResource, store: Store<DynamicObject>) {
        let mut stores = self.stores.write().unwrap_or_else(|e| e.into_inner());
        stores.insert(kind.to_string(), (resource, store));
    }
}

/// Keeps of a watched source only what the reconciler reads: its name and `status.artifact`.
fn slim_source(source: &mut DynamicObject) {
    source.metadata.managed_fields = None;
    source.metadata.annotations = None;
    source.metadata.labels = None;
    let artifact = source.data.pointer("/status/artifact").cloned();
    source.data = match artifact {
        Some(artifact) => json!({"status": {"artifact": artifact}}),
        None => Value::Null,
    };
}

/// Waits until GitRepository is served: a watch can only be set up on an installed kind, and the
/// controller cannot add watches once running. Flux's controller likewise needs the source CRDs
/// before it starts. Logs what it waits for every 30 seconds.
async fn wait_for_git_repository_crd(client: &kube::Client) {
    let gvk = source_resource("GitRepository")
        .map(|r| GroupVersionKind::gvk(&r.group, &r.version, &r.kind));
    let Some(gvk) = gvk else { return };
    let started = std::time::Instant::now();
    let mut last_log: Option<std::time::Instant> = None;
    while let Err(e) = kube::discovery::pinned_kind(client, &gvk).await {
        if last_log.is_none_or(|t| t.elapsed() >= Duration::from_secs(30)) {
            tracing::warn!(
                error = %e,
                waited_secs = started.elapsed().as_secs(),
                "waiting for the GitRepository CRD (install source-controller's CRDs)"
            );
            last_log = Some(std::time::Instant::now());
        }
        tokio::time::sleep(CRD_POLL).await;
    }
}

/// Watches GitRepositories and OCIRepositories into `cache`, and reconciles the Kustomizations
/// referring to one when its artifact revision changes (other status updates of the source are
/// ignored, as Flux's source predicate does); their last runs are forgotten so the wake-up is
/// not skipped. Waits for the GitRepository CRD first. OCIRepository comes from the same CRD
/// set; if it is still missing then, it is not watched (a watch on it would fail in a tight
/// loop) and Kustomizations using it read it from the API server and reconcile on their interval.
pub async fn watch_sources(
    controller: Controller<Parsed<Kustomization>>,
    client: &kube::Client,
    namespace: Option<&str>,
    runs: &Arc<RecentRuns>,
    cache: &SourceCache,
) -> Controller<Parsed<Kustomization>> {
    let mut controller = controller;
    wait_for_git_repository_crd(client).await;
    for kind in WATCHED_KINDS {
        let Some(resource) = source_resource(kind) else {
            continue;
        };
        let gvk = GroupVersionKind::gvk(&resource.group, &resource.version, kind);
        if let Err(e) = kube::discovery::pinned_kind(client, &gvk).await {
            tracing::warn!(%kind, error = %e, "source kind not served, not watching it");
            continue;
        }
        let api: Api<DynamicObject> = match namespace {
            Some(ns) => Api::namespaced_with(client.clone(), ns, &resource),
            None => Api::all_with(client.clone(), &resource),
        };
        let writer = reflector::store::Writer::new(resource.clone());
        cache.insert(kind, resource.clone(), writer.as_reader());
        let sources = watcher(api, watcher::Config::default())
            .modify(slim_source)
            .reflect(writer)
            .touched_objects();
        let trigger = revision_trigger(kind, controller.store(), runs.clone());
        controller = controller.watches_stream_with(sources, trigger, resource);
    }
    controller
}

/// Maps a source event to the Kustomizations to reconcile: those referring to the source, when
/// its artifact revision is new.
fn revision_trigger(
    kind: &'static str,
    kustomizations: Store<Parsed<Kustomization>>,
    runs: Arc<RecentRuns>,
) -> impl Fn(DynamicObject) -> Vec<ObjectRef<Parsed<Kustomization>>> + Send + Sync + 'static {
    // The last artifact revision seen per source (namespace, name).
    let revisions: Mutex<HashMap<(String, String), String>> = Mutex::default();
    move |source| {
        let (name, namespace) = (source.name_any(), source.namespace().unwrap_or_default());
        let revision = source
            .data
            .pointer("/status/artifact/revision")
            .and_then(|r| r.as_str())
            .unwrap_or_default()
            .to_string();
        let previous = revisions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert((namespace.clone(), name.clone()), revision.clone());
        if revision.is_empty() || previous.as_ref() == Some(&revision) {
            return Vec::new();
        }
        kustomizations
            .state()
            .into_iter()
            .filter(|ks| {
                let Some(valid) = ks.valid() else {
                    return false;
                };
                let r = &valid.spec.source_ref;
                let ks_ns = ks.namespace().unwrap_or_default();
                r.kind == kind
                    && r.name == name
                    && r.namespace.as_deref().unwrap_or(&ks_ns) == namespace
            })
            .map(|ks| {
                runs.forget(&ks.namespace().unwrap_or_default(), &ks.name_any());
                ObjectRef::from_obj(&*ks)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cached_source_keeps_only_its_artifact() {
        let mut source: DynamicObject = serde_json::from_value(json!({
            "apiVersion": "source.toolkit.fluxcd.io/v1",
            "kind": "GitRepository",
            "metadata": {
                "name": "app", "namespace": "ns",
                "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}"},
                "managedFields": [{"manager": "kubectl", "operation": "Update"}],
            },
            "spec": {"url": "https://example.com/app.git", "interval": "1m"},
            "status": {
                "artifact": {"url": "http://sc/a.tar.gz", "revision": "main@sha1:1"},
                "conditions": [{"type": "Ready", "status": "True"}],
            },
        }))
        .unwrap();
        slim_source(&mut source);
        assert_eq!(source.name_any(), "app");
        assert_eq!(source.metadata.managed_fields, None);
        assert_eq!(source.metadata.annotations, None);
        assert_eq!(
            source.data,
            json!({"status": {"artifact": {"url": "http://sc/a.tar.gz", "revision": "main@sha1:1"}}})
        );

        let mut pending: DynamicObject = serde_json::from_value(json!({
            "apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
            "metadata": {"name": "new", "namespace": "ns"}, "spec": {"url": "x"},
        }))
        .unwrap();
        slim_source(&mut pending);
        assert_eq!(pending.data, Value::Null);
    }

    #[test]
    fn the_cache_answers_only_for_watched_kinds_and_known_sources() {
        let cache = SourceCache::default();
        assert_eq!(
            cache.artifact("GitRepository", "ns", "app"),
            None,
            "nothing watched"
        );
        let resource = source_resource("GitRepository").unwrap();
        let mut writer = reflector::store::Writer::new(resource.clone());
        cache.insert("GitRepository", resource, writer.as_reader());
        let mut source: DynamicObject = serde_json::from_value(json!({
            "apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
            "metadata": {"name": "app", "namespace": "ns"},
            "status": {"artifact": {"url": "http://sc/a.tar.gz"}},
        }))
        .unwrap();
        slim_source(&mut source);
        writer.apply_watcher_event(&watcher::Event::Apply(source));
        assert_eq!(
            cache.artifact("GitRepository", "ns", "app"),
            Some(json!({"url": "http://sc/a.tar.gz"}))
        );
        assert_eq!(cache.artifact("GitRepository", "other", "app"), None);
        assert_eq!(cache.artifact("OCIRepository", "ns", "app"), None);
    }
}
