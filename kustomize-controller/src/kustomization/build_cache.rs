//! Kustomizations that build the same source artifact (same digest) with the same build settings
//! (`path`, `targetNamespace`, `namePrefix`, `nameSuffix`, `patches`, `images`, `components`) get
//! the same objects before postBuild. Many Kustomizations often share one revision and path (one
//! app per tenant, each with its own variables), so the download, digest check, unpacking and
//! kustomize build are done once and the objects shared; each Kustomization then substitutes its
//! own variables into a copy. Concurrent misses on one key wait for a single build.
//!
//! The digest names the content, so a cached build is as good as a fresh download of it. One
//! difference from Flux follows: a reconciliation whose build is cached succeeds even while
//! source-controller's artifact server is down (Flux reports the failed download then).

use ferroflux_api::kustomize::v1::KustomizationSpec;
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::future::Future;
use std::sync::{Arc, Mutex};
use tokio::sync::OnceCell;

/// How many builds are kept (least recently used ones go first).
const CAPACITY: usize = 16;

type Cell = Arc<OnceCell<Arc<Vec<Value>>>>;

/// Recently built objects by artifact digest and build settings.
#[derive(Default)]
pub struct BuildCache {
    entries: Mutex<VecDeque<(String, Cell)>>,
}

/// The cache key: the artifact's digest and every spec field the build reads.
pub fn build_key(digest: &str, spec: &KustomizationSpec) -> String {
    let settings = json!([
        spec.path,
        spec.target_namespace,
        spec.name_prefix,
        spec.name_suffix,
        spec.patches,
        spec.images,
        spec.components,
    ]);
    format!("{digest} {settings}")
}

impl BuildCache {
    /// The objects built for `key`, building them with `build` when absent. A failed build is
    /// not kept: the next caller tries again.
    pub async fn get_or_build<E, F, Fut>(&self, key: String, build: F) -> Result<Arc<Vec<Value>>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Vec<Value>, E>>,
    {
        let cell = self.cell(key);
        let objects = cell
            .get_or_try_init(|| async { build().await.map(Arc::new) })
            .await?;
        Ok(objects.clone())
    }

    /// The cell for `key`, now the most recently used; created (evicting the oldest) if absent.
    fn cell(&self, key: String) -> Cell {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let cell = match entries.iter().position(|(k, _)| *k == key) {
            Some(i) => entries.remove(i).map(|(_, c)| c).unwrap_or_default(),
            None => Cell::default(),
        };
        entries.push_back((key, cell.clone()));
        while entries.len() > CAPACITY {
            entries.pop_front();
        }
        cell
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test]
    async fn builds_once_per_key_and_retries_failures() {
        let cache = BuildCache::default();
        let builds = AtomicU32::new(0);
        let build = || async {
            builds.fetch_add(1, Ordering::Relaxed);
            Ok::<_, String>(vec![json!({"kind": "ConfigMap"})])
        };
        let spec = KustomizationSpec::default();
        let a = cache
            .get_or_build(build_key("sha256:a", &spec), build)
            .await;
        let again = cache
            .get_or_build(build_key("sha256:a", &spec), build)
            .await;
        assert_eq!(a, again);
        assert_eq!(builds.load(Ordering::Relaxed), 1);

        let other_path = KustomizationSpec {
            path: Some("./other".into()),
            ..Default::default()
        };
        cache
            .get_or_build(build_key("sha256:a", &other_path), build)
            .await
            .unwrap();
        assert_eq!(
            builds.load(Ordering::Relaxed),
            2,
            "other settings build again"
        );

        let failed = cache
            .get_or_build(build_key("sha256:b", &spec), || async {
                Err::<Vec<Value>, _>("boom")
            })
            .await;
        assert_eq!(failed, Err("boom"));
        cache
            .get_or_build(build_key("sha256:b", &spec), build)
            .await
            .unwrap();
        assert_eq!(builds.load(Ordering::Relaxed), 3, "a failure is not kept");
    }

    #[tokio::test]
    async fn keeps_only_the_most_recent_builds() {
        let cache = BuildCache::default();
        let spec = KustomizationSpec::default();
        for i in 0..=CAPACITY {
            let key = build_key(&format!("sha256:{i}"), &spec);
            cache
                .get_or_build(key, || async { Ok::<_, ()>(Vec::new()) })
                .await
                .unwrap();
        }
        let entries = cache.entries.lock().unwrap();
        assert_eq!(entries.len(), CAPACITY);
        assert!(
            !entries.iter().any(|(k, _)| k.starts_with("sha256:0 ")),
            "oldest evicted"
        );
    }
}
