//! The validate step: spec fields this controller does not support yet, and values that cannot
//! work, become `Stalled=True` naming the field. Sets no condition itself.

use std::time::Duration;

use ferroflux_api::duration::parse_duration;
use ferroflux_api::source::v1::GitRepository;
use ferroflux_runtime::conditions::{ErrorKind, StepError};

/// Reason on `Stalled`/`Ready` for a spec this controller cannot act on.
pub const UNSUPPORTED_REASON: &str = "UnsupportedSpec";
/// Reason for an invalid value.
pub const INVALID_REASON: &str = "InvalidSpec";

/// A spec the controller cannot act on; the user must change it.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    /// A field Flux supports but this controller does not implement.
    #[error("spec.{0} is not supported by this source-controller")]
    UnsupportedField(&'static str),
    /// A value that cannot be used.
    #[error("spec.{field}: {message}")]
    InvalidField {
        /// The field.
        field: &'static str,
        /// Why.
        message: String,
    },
}

impl StepError for SpecError {
    fn reason(&self) -> &'static str {
        match self {
            SpecError::UnsupportedField(_) => UNSUPPORTED_REASON,
            SpecError::InvalidField { field: "url", .. } => ferroflux_api::meta::INVALID_URL_REASON,
            SpecError::InvalidField { .. } => INVALID_REASON,
        }
    }
    fn kind(&self) -> ErrorKind {
        ErrorKind::Stalling
    }
}

/// Checks the spec before any network access.
pub fn validate(obj: &GitRepository) -> Result<(), SpecError> {
    let spec = &obj.spec;
    if spec.verification.is_some() {
        return Err(SpecError::UnsupportedField("verify"));
    }
    if spec.recurse_submodules == Some(true) {
        return Err(SpecError::UnsupportedField("recurseSubmodules"));
    }
    if spec.provider.as_deref().is_some_and(|p| p != "generic") {
        return Err(SpecError::UnsupportedField("provider"));
    }
    if spec.sparse_checkout.as_ref().is_some_and(|s| !s.is_empty()) {
        return Err(SpecError::UnsupportedField("sparseCheckout"));
    }
    if spec.proxy_secret_ref.is_some() {
        return Err(SpecError::UnsupportedField("proxySecretRef"));
    }
    if !["http://", "https://", "ssh://"]
        .iter()
        .any(|s| spec.url.starts_with(s))
    {
        return Err(SpecError::InvalidField {
            field: "url",
            message: format!("'{}' must start with http://, https:// or ssh://", spec.url),
        });
    }
    parse_duration(&spec.interval).map_err(|e| SpecError::InvalidField {
        field: "interval",
        message: e.to_string(),
    })?;
    if let Some(t) = &spec.timeout {
        parse_duration(t).map_err(|e| SpecError::InvalidField {
            field: "timeout",
            message: e.to_string(),
        })?;
    }
    Ok(())
}

/// `spec.interval`, or one minute when it does not parse (validation reports that).
pub fn interval(obj: &GitRepository) -> Duration {
    parse_duration(&obj.spec.interval)
        .ok()
        .filter(|d| !d.is_zero())
        .unwrap_or(Duration::from_secs(60))
}

/// `spec.timeout`, default 60s as Flux.
pub fn timeout(obj: &GitRepository) -> Duration {
    obj.spec
        .timeout
        .as_deref()
        .and_then(|t| parse_duration(t).ok())
        .filter(|d| !d.is_zero())
        .unwrap_or(Duration::from_secs(60))
}
