//! Graceful shutdown. On SIGTERM (or Ctrl-C) the controller takes no new work and lets the
//! reconciliations under way finish: server-side apply stages are never cut in the middle, and
//! a step that only waits (health checks) asks [`Shutdown::is_requested`] and stops at that safe
//! point. What was not finished is done by the next start, which reconciles every object once.

use std::future::Future;
use std::time::Duration;

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

    /// Runs `work` (a controller's whole run) until it ends, or until `grace` after shutdown
    /// was asked for, whichever comes first: a controller that cannot finish (its API server
    /// is unreachable, a reconciliation hangs) still exits before Kubernetes kills it.
    /// Returns `None` when the grace period ran out.
    pub async fn bounded<F: Future>(&self, work: F, grace: Duration) -> Option<F::Output> {
        tokio::select! {
            output = work => Some(output),
            () = async {
                self.requested().await;
                tokio::time::sleep(grace).await;
            } => {
                tracing::warn!(?grace, "reconciliations still running after the shutdown grace period; exiting");
                None
            }
        }
    }

    /// Resolves when shutdown is asked for.
    pub fn requested(&self) -> impl Future<Output = ()> + Send + Sync + 'static {
        self.0.clone().cancelled_owned()
    }
}

/// How long a controller lets its reconciliations finish after SIGTERM: under Kubernetes'
/// default `terminationGracePeriodSeconds` (30s), after which it would be killed.
pub const GRACE_PERIOD: Duration = Duration::from_secs(25);

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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn work_that_never_ends_is_cut_after_the_grace_period() {
        let shutdown = Shutdown::default();
        let trigger = shutdown.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            trigger.request();
        });
        let grace = Duration::from_millis(50);
        let cut = shutdown.bounded(std::future::pending::<()>(), grace).await;
        assert_eq!(cut, None);
        assert!(shutdown.is_requested());
        let done = shutdown.bounded(async { 7 }, grace).await;
        assert_eq!(done, Some(7));
    }
}
