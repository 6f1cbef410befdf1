//! The validate step: spec fields this controller does not support yet, and values that cannot
//! work, stall the object naming the field. Sets no condition itself.

use std::time::Duration;

use ferroflux_api::source::v1::GitRepository;
use ferroflux_runtime::reconcile::{Intervals, SpecError};

/// Flux's default `spec.timeout` of a GitRepository.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Checks the spec before any network access.
pub fn validate(repo: &GitRepository) -> Result<(), SpecError> {
    let spec = &repo.spec;
    if spec.verification.is_some() {
        return Err(SpecError::unsupported("verify"));
    }
    if spec.recurse_submodules == Some(true) {
        return Err(SpecError::unsupported("recurseSubmodules"));
    }
    if spec.provider.as_deref().is_some_and(|p| p != "generic") {
        return Err(SpecError::unsupported("provider"));
    }
    if spec.sparse_checkout.as_ref().is_some_and(|s| !s.is_empty()) {
        return Err(SpecError::unsupported("sparseCheckout"));
    }
    if spec.proxy_secret_ref.is_some() {
        return Err(SpecError::unsupported("proxySecretRef"));
    }
    if !["http://", "https://", "ssh://"]
        .iter()
        .any(|s| spec.url.starts_with(s))
    {
        let message = format!("'{}' must start with http://, https:// or ssh://", spec.url);
        return Err(SpecError::invalid("url", message));
    }
    Ok(())
}

/// `spec.interval` and `spec.timeout` (default 60s, as Flux). GitRepository has no
/// `retryInterval`: failures are retried with the controller's backoff.
pub fn intervals(repo: &GitRepository) -> Result<Intervals, SpecError> {
    let spec = &repo.spec;
    let mut intervals = Intervals::parse(
        &spec.interval,
        None,
        spec.timeout.as_deref(),
        DEFAULT_TIMEOUT,
    )?;
    if intervals.timeout.is_zero() {
        intervals.timeout = DEFAULT_TIMEOUT;
    }
    Ok(intervals)
}
