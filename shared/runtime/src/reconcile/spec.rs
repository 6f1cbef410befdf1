//! What a kind's spec tells the driver before any step runs: the intervals, and the one shape of
//! error for a spec the controller cannot act on (the object stalls until the user changes it).

use std::time::Duration;

use ferroflux_api::duration::parse_duration;
use ferroflux_api::meta;

use crate::conditions::{ErrorKind, StepError};

/// Reason for a field Flux supports that this controller does not implement yet.
pub const UNSUPPORTED_REASON: &str = "UnsupportedSpec";
/// Reason for a value that cannot be used.
pub const INVALID_REASON: &str = "InvalidSpec";

/// A spec the controller cannot act on: `Stalled=True` until the object changes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpecError {
    /// A field Flux supports but this controller does not implement.
    #[error("spec.{field} is not supported by this controller yet")]
    Unsupported {
        /// The field, as written in YAML (`decryption`, `verify`).
        field: &'static str,
        /// The Flux reason Flux itself would give a failure of this field.
        reason: &'static str,
    },
    /// A value that cannot be used.
    #[error("invalid spec.{field}: {message}")]
    Invalid {
        /// The field, as written in YAML.
        field: &'static str,
        /// What is wrong with it.
        message: String,
        /// The Flux reason.
        reason: &'static str,
    },
    /// The object does not deserialize; the message names the field.
    #[error("the object does not match its API type: {0}")]
    Malformed(String),
}

impl SpecError {
    /// `spec.<field>` is not implemented by this controller.
    pub fn unsupported(field: &'static str) -> Self {
        SpecError::Unsupported {
            field,
            reason: UNSUPPORTED_REASON,
        }
    }

    /// `spec.<field>` has a value that cannot be used.
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        let reason = match field {
            "url" => meta::INVALID_URL_REASON,
            "path" => meta::INVALID_PATH_REASON,
            _ => INVALID_REASON,
        };
        SpecError::Invalid {
            field,
            message: message.into(),
            reason,
        }
    }

    /// The same error with Flux's reason for this field's failures (e.g. `DecryptionFailed`).
    pub fn with_reason(mut self, flux_reason: &'static str) -> Self {
        match &mut self {
            SpecError::Unsupported { reason, .. } | SpecError::Invalid { reason, .. } => {
                *reason = flux_reason
            }
            SpecError::Malformed(_) => {}
        }
        self
    }
}

impl StepError for SpecError {
    fn reason(&self) -> &'static str {
        match self {
            SpecError::Unsupported { reason, .. } | SpecError::Invalid { reason, .. } => reason,
            SpecError::Malformed(_) => INVALID_REASON,
        }
    }
    fn kind(&self) -> ErrorKind {
        ErrorKind::Stalling
    }
}

/// The durations of a spec that decide when an object is reconciled again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Intervals {
    /// Time between reconciliations after success (`spec.interval`).
    pub interval: Duration,
    /// Time before retrying after a failure (`spec.retryInterval`); kinds without one retry
    /// with the controller's exponential backoff (`--min-retry-delay`, `--max-retry-delay`).
    pub retry_interval: Option<Duration>,
    /// Bound for the work of one reconciliation (`spec.timeout`).
    pub timeout: Duration,
}

impl Intervals {
    /// Parses `interval`, and `retryInterval` and `timeout` when given; `timeout` defaults to
    /// `default_timeout`. An invalid duration is a [`SpecError`] naming the field.
    pub fn parse(
        interval: &str,
        retry_interval: Option<&str>,
        timeout: Option<&str>,
        default_timeout: Duration,
    ) -> Result<Self, SpecError> {
        let parse = |field: &'static str, value: &str| {
            parse_duration(value).map_err(|e| SpecError::invalid(field, format!("'{value}': {e}")))
        };
        let interval = parse("interval", interval)?;
        Ok(Intervals {
            interval,
            retry_interval: retry_interval
                .map(|v| parse("retryInterval", v))
                .transpose()?,
            timeout: timeout
                .map(|v| parse("timeout", v))
                .transpose()?
                .unwrap_or(default_timeout),
        })
    }
}

/// Flux's default `--interval-jitter-percentage`: each success requeue moves by up to this
/// fraction of the interval either way, so objects created together spread out.
pub const JITTER: f64 = 0.05;

/// `interval` moved by a random amount of up to [`JITTER`] of it, either way.
pub fn jitter(interval: Duration) -> Duration {
    interval.mul_f64(1.0 + JITTER * (2.0 * fastrand::f64() - 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_parse_with_defaults_and_name_the_bad_field() {
        let i = Intervals::parse("10m", None, None, Duration::from_secs(60)).unwrap();
        assert_eq!(i.interval, Duration::from_secs(600));
        assert_eq!(i.retry_interval, None);
        assert_eq!(i.timeout, Duration::from_secs(60));
        let err = Intervals::parse("1m", Some("soon"), None, Duration::ZERO).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("invalid spec.retryInterval: 'soon'"),
            "{err}"
        );
        assert_eq!(err.kind(), ErrorKind::Stalling);
    }

    #[test]
    fn jitter_stays_within_five_percent_both_ways() {
        let base = Duration::from_secs(100);
        let samples: Vec<_> = (0..2000).map(|_| jitter(base)).collect();
        assert!(
            samples
                .iter()
                .all(|d| *d >= Duration::from_secs(95) && *d <= Duration::from_secs(105))
        );
        assert!(samples.iter().any(|d| *d < base) && samples.iter().any(|d| *d > base));
    }

    #[test]
    fn spec_errors_carry_flux_reasons() {
        assert_eq!(
            SpecError::invalid("url", "x").reason(),
            meta::INVALID_URL_REASON
        );
        assert_eq!(
            SpecError::unsupported("verify").reason(),
            UNSUPPORTED_REASON
        );
        let decryption =
            SpecError::unsupported("decryption").with_reason(meta::DECRYPTION_FAILED_REASON);
        assert_eq!(decryption.reason(), meta::DECRYPTION_FAILED_REASON);
        assert_eq!(
            decryption.to_string(),
            "spec.decryption is not supported by this controller yet"
        );
    }
}
