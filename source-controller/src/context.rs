//! What every reconciliation of this controller shares.

use std::sync::Arc;

use ferroflux_runtime::artifact::fetch::ArtifactFetcher;
use ferroflux_runtime::artifact::storage::Storage;
use ferroflux_runtime::events::EventPublisher;
use ferroflux_runtime::metrics::Metrics;
use ferroflux_runtime::retry::RetryBackoff;

/// Shared state handed to every reconcile call.
pub struct Context {
    /// Kubernetes client.
    pub client: kube::Client,
    /// Field manager and event reporter: the binary name.
    pub manager: String,
    /// Event publisher.
    pub events: EventPublisher,
    /// Metrics.
    pub metrics: Arc<Metrics>,
    /// Artifact storage.
    pub storage: Storage,
    /// Downloads included artifacts.
    pub fetcher: ArtifactFetcher,
    /// Artifacts kept per object.
    pub retention: usize,
    /// Delays between retries of failing objects.
    pub retry: RetryBackoff,
}
