//! What every reconciliation of this controller shares.

use ferroflux_runtime::artifact::fetch::ArtifactFetcher;
use ferroflux_runtime::artifact::storage::Storage;
use ferroflux_runtime::reconcile::Driver;

/// Shared state handed to every reconcile call.
pub struct Context {
    /// The reconcile driver: client, field manager, events, metrics, backoff, shutdown.
    pub driver: Driver,
    /// Artifact storage.
    pub storage: Storage,
    /// Downloads included artifacts.
    pub fetcher: ArtifactFetcher,
    /// Artifacts kept per object.
    pub retention: usize,
}
