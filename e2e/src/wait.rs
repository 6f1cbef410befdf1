//! Polling helper for conditions that become true eventually.

use std::future::Future;
use std::time::{Duration, Instant};

/// Poll `check` every 200 ms until it returns `Some`, for at most `timeout`.
/// Panics with `what` and the elapsed time when it never does.
pub async fn eventually<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let start = Instant::now();
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            start.elapsed() < timeout,
            "timed out after {timeout:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
