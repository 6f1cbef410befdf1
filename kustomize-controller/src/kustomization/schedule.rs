//! Intervals from the spec and the requeue decision.

use ferroflux_api::duration::parse_duration;
use ferroflux_api::kustomize::v1::KustomizationSpec;
use ferroflux_runtime::conditions::ErrorKind;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::errors::SpecError;

/// Jitter added to the success requeue, as a fraction of the interval (Flux's default 5%).
const JITTER: f64 = 0.05;

/// The parsed `interval`, `retryInterval` and `timeout`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Intervals {
    /// Time between reconciliations after success.
    pub interval: Duration,
    /// Time before retrying after a failure (defaults to `interval`).
    pub retry_interval: Duration,
    /// Bound for apply waits and health checks (defaults to `interval`).
    pub timeout: Duration,
}

impl Intervals {
    /// Parses the spec's durations; an invalid one stalls the object.
    pub fn of(spec: &KustomizationSpec) -> Result<Intervals, SpecError> {
        let parse = |field: &'static str, value: &str| {
            parse_duration(value).map_err(|e| SpecError::InvalidDuration {
                field,
                value: value.to_string(),
                reason: e.to_string(),
            })
        };
        let interval = parse("interval", &spec.interval)?;
        let retry_interval = match &spec.retry_interval {
            Some(v) => parse("retryInterval", v)?,
            None => interval,
        };
        let timeout = match &spec.timeout {
            Some(v) => parse("timeout", v)?,
            None => interval,
        };
        Ok(Intervals {
            interval,
            retry_interval,
            timeout,
        })
    }

    /// When to reconcile again: after success the interval plus up to 5% jitter, after a
    /// failure the retry interval; `None` for a stalled object (it waits for a change).
    pub fn requeue_after(&self, failure: Option<ErrorKind>) -> Option<Duration> {
        match failure {
            None => Some(with_jitter(self.interval)),
            Some(ErrorKind::Stalling) => None,
            Some(ErrorKind::Waiting | ErrorKind::Generic) => Some(self.retry_interval),
        }
    }
}

fn with_jitter(interval: Duration) -> Duration {
    // Sub-second clock noise is random enough to spread requeues; no RNG dependency needed.
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let fraction = f64::from(nanos % 1000) / 1000.0;
    interval + interval.mul_f64(JITTER * fraction)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_default_to_interval_and_invalid_values_stall() {
        let spec = KustomizationSpec {
            interval: "10m".into(),
            ..Default::default()
        };
        let i = Intervals::of(&spec).unwrap();
        assert_eq!(
            (i.interval, i.retry_interval, i.timeout),
            (
                Duration::from_secs(600),
                Duration::from_secs(600),
                Duration::from_secs(600)
            )
        );
        let spec = KustomizationSpec {
            interval: "1m".into(),
            retry_interval: Some("soon".into()),
            ..Default::default()
        };
        let err = Intervals::of(&spec).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("invalid spec.retryInterval 'soon'"),
            "{err}"
        );
        let d = with_jitter(Duration::from_secs(100));
        assert!(d >= Duration::from_secs(100) && d <= Duration::from_secs(105));
        assert_eq!(i.requeue_after(Some(ErrorKind::Stalling)), None);
    }
}
