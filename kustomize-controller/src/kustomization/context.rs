//! What every reconciliation shares: clients, event publisher, metrics, artifact fetcher.

use ferroflux_runtime::artifact::fetch::{ArtifactFetcher, DEFAULT_MAX_SIZE};
use ferroflux_runtime::events::EventPublisher;
use ferroflux_runtime::flags::ControllerFlags;
use ferroflux_runtime::metrics::Metrics;
use ferroflux_runtime::ssa::{Owner, ResourceManager};
use std::sync::Arc;

use super::build_cache::BuildCache;
use super::runs::RecentRuns;
use super::source_watch::SourceCache;

/// Shared state of the Kustomization reconciler.
pub struct Context {
    /// Client with the controller's own rights.
    pub client: kube::Client,
    /// The configuration `client` was built from, used to build impersonating clients.
    pub config: kube::Config,
    /// Kubernetes Events and notification-controller events (absent in tests).
    pub events: Option<EventPublisher>,
    /// Reconcile metrics (absent in tests).
    pub metrics: Option<Arc<Metrics>>,
    /// Downloads and verifies source artifacts.
    pub fetcher: ArtifactFetcher,
    /// Server-side apply field manager (the binary name).
    pub field_manager: String,
    /// Server-side apply as the controller; impersonating managers are made from it so all
    /// reconciliations share one discovery cache.
    pub resources: ResourceManager,
    /// What each Kustomization's last run saw, to skip wake-ups that bring nothing new.
    pub runs: Arc<RecentRuns>,
    /// Objects built per artifact and build settings, shared by Kustomizations.
    pub builds: BuildCache,
    /// The artifacts of the watched sources.
    pub sources: SourceCache,
}

impl Context {
    /// A context acting with `client`, built from `config`.
    pub fn new(client: kube::Client, config: kube::Config) -> Self {
        let owner = Owner {
            field_manager: crate::CONTROLLER_NAME.to_string(),
            group: super::GROUP.to_string(),
        };
        Context {
            resources: ResourceManager::new(client.clone(), owner),
            client,
            config,
            events: None,
            metrics: None,
            fetcher: ArtifactFetcher::new(DEFAULT_MAX_SIZE, 3),
            field_manager: crate::CONTROLLER_NAME.to_string(),
            runs: Arc::default(),
            builds: BuildCache::default(),
            sources: SourceCache::default(),
        }
    }

    /// Publishes events with `events`.
    pub fn with_events(mut self, events: EventPublisher) -> Self {
        self.events = Some(events);
        self
    }

    /// Records metrics in `metrics`.
    pub fn with_metrics(mut self, metrics: Arc<Metrics>) -> Self {
        self.metrics = Some(metrics);
        self
    }

    /// Polls health checks this often (tests use a short interval).
    pub fn with_poll_interval(mut self, interval: std::time::Duration) -> Self {
        self.resources = self.resources.with_poll_interval(interval);
        self
    }
}

/// The client configuration from `--kubeconfig`, else in-cluster or `$KUBECONFIG`.
// TODO: becomes `ferroflux_runtime::controller::kube_config` (kube_client needs the same logic).
pub async fn kube_config(flags: &ControllerFlags) -> anyhow::Result<kube::Config> {
    Ok(match &flags.kubeconfig {
        Some(path) => {
            let kubeconfig = kube::config::Kubeconfig::read_from(path)?;
            kube::Config::from_custom_kubeconfig(kubeconfig, &Default::default()).await?
        }
        None => kube::Config::infer().await?,
    })
}
