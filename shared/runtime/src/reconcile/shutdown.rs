//! Graceful shutdown. On SIGTERM (or Ctrl-C) the controller takes no new work and lets the
//! reconciliations under way finish: server-side apply stages are never cut in the middle, and
//! a step that only waits (health checks) asks [`Shutdown::is_requested`] and stops at that safe
//! point. What was not finished is done by the next start, which reconciles every object once.

use std::future::Future;

use tokio_util::sync::CancellationToken;

/// Whether the process was asked to stop; cheap to clone and share with every reconciliation.
#[derive(Clone, Debug, Default)]
pub struct Shutdown(CancellationToken);

impl Shutdown {
    /// A shutdown requested by SIGTERM or Ctrl-C. Must be called inside a Tokio runtime.
    pub fn on_signals() -> Self {
        let shutdown = Shutdown::default();
        let token = shutdown.0.clone();
        tokio::spawn(async move {
            wait_for_signal().await;
            tracing::info!("shutdown requested: finishing the reconciliations under way");
            token.cancel();
        });
        shutdown
    }

    /// Asks for shutdown (tests, leadership loss).
    pub fn request(&self) {
        self.0.cancel();
    }

    /// True once shutdown was asked for.
    pub fn is_requested(&self) -> bool {
        self.0.is_cancelled()
    }

    /// Resolves when shutdown is asked for.
    pub fn requested(&self) -> impl Future<Output = ()> + Send + Sync + 'static {
        self.0.clone().cancelled_owned()
    }
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM; only Ctrl-C stops gracefully");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
