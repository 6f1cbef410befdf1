//! What every reconciliation shares: the driver, the artifact fetcher, the apply manager and
//! the caches of builds and sources.

use ferroflux_runtime::artifact::fetch::{ArtifactFetcher, DEFAULT_MAX_SIZE};
use ferroflux_runtime::reconcile::Driver;
use ferroflux_runtime::ssa::{Owner, ResourceManager};

use super::build_cache::BuildCache;
use super::source_watch::SourceCache;

/// Shared state of the Kustomization reconciler.
pub struct Context {
    /// The reconcile driver: client, field manager, events, metrics, backoff, shutdown.
    pub driver: Driver,
    /// The configuration the driver's client was built from, used to build impersonating
    /// clients.
    pub config: kube::Config,
    /// Downloads and verifies source artifacts.
    pub fetcher: ArtifactFetcher,
    /// Server-side apply as the controller; impersonating managers are made from it so all
    /// reconciliations share one discovery cache.
    pub resources: ResourceManager,
    /// Objects built per artifact and build settings, shared by Kustomizations.
    pub builds: BuildCache,
    /// The artifacts of the watched sources.
    pub sources: SourceCache,
}

impl Context {
    /// A context reconciling with `driver`, whose client was built from `config`.
    pub fn new(driver: Driver, config: kube::Config) -> Self {
        let owner = Owner {
            field_manager: driver.field_manager.clone(),
            group: super::GROUP.to_string(),
        };
        Context {
            resources: ResourceManager::new(driver.client.clone(), owner),
            driver,
            config,
            fetcher: ArtifactFetcher::new(DEFAULT_MAX_SIZE, 3),
            builds: BuildCache::default(),
            sources: SourceCache::default(),
        }
    }

    /// Polls health checks this often (tests use a short interval).
    pub fn with_poll_interval(mut self, interval: std::time::Duration) -> Self {
        self.resources = self.resources.with_poll_interval(interval);
        self
    }
}
