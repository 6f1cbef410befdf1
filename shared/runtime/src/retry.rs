//! Per-object exponential backoff after failed reconciliations, for kinds without a
//! `retryInterval` (sources): the first retry after `--min-retry-delay`, each further one twice
//! as late, never later than `--max-retry-delay`, and back to the start after a success. These
//! are the semantics (and defaults, 750ms and 15m) of Flux's controllers.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// Failure counts per object, and the delays they give.
#[derive(Debug)]
pub struct RetryBackoff {
    min: Duration,
    max: Duration,
    failures: Mutex<HashMap<String, u32>>,
}

impl RetryBackoff {
    /// Backoff from `min` doubling up to `max`.
    pub fn new(min: Duration, max: Duration) -> Self {
        Self {
            min,
            max: max.max(min),
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// Records one more failure of `key` (e.g. the object's UID) and returns how long to wait
    /// before retrying it.
    pub fn failed(&self, key: &str) -> Duration {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let count = failures.entry(key.to_string()).or_insert(0);
        let delay = self
            .min
            .checked_mul(2u32.saturating_pow(*count))
            .map_or(self.max, |d| d.min(self.max));
        *count = count.saturating_add(1);
        delay
    }

    /// Forgets the failures of `key`: its next failure waits `min` again.
    pub fn reset(&self, key: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        failures.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_up_to_the_maximum_and_resets_after_success() {
        let backoff = RetryBackoff::new(Duration::from_millis(750), Duration::from_secs(5));
        let delays: Vec<_> = (0..5).map(|_| backoff.failed("a")).collect();
        assert_eq!(
            delays,
            [750, 1500, 3000, 5000, 5000].map(Duration::from_millis)
        );
        // other objects count on their own
        assert_eq!(backoff.failed("b"), Duration::from_millis(750));
        backoff.reset("a");
        assert_eq!(backoff.failed("a"), Duration::from_millis(750));
    }

    #[test]
    fn many_failures_stay_at_the_maximum() {
        let backoff = RetryBackoff::new(Duration::from_secs(1), Duration::from_secs(900));
        let last = (0..200).map(|_| backoff.failed("a")).last();
        assert_eq!(last, Some(Duration::from_secs(900)));
    }
}
