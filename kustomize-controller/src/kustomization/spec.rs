//! What the spec decides before any step runs: its intervals, and the fields this controller
//! does not implement yet (they stall the object naming the field).

use ferroflux_api::kustomize::v1::Kustomization;
use ferroflux_api::meta::DECRYPTION_FAILED_REASON;
use ferroflux_runtime::reconcile::{Intervals, SpecError};

/// `interval`, and `retryInterval` and `timeout`, both defaulting to `interval` as in Flux.
pub fn intervals(ks: &Kustomization) -> Result<Intervals, SpecError> {
    let spec = &ks.spec;
    let interval = Intervals::parse(&spec.interval, None, None, Default::default())?.interval;
    let mut intervals = Intervals::parse(
        &spec.interval,
        spec.retry_interval.as_deref(),
        spec.timeout.as_deref(),
        interval,
    )?;
    intervals.retry_interval.get_or_insert(interval);
    Ok(intervals)
}

/// Spec fields this controller does not implement stall the object with a message naming them.
pub fn reject_unsupported_fields(ks: &Kustomization) -> Result<(), SpecError> {
    if ks.spec.decryption.is_some() {
        return Err(SpecError::unsupported("decryption").with_reason(DECRYPTION_FAILED_REASON));
    }
    if ks.spec.kube_config.is_some() {
        return Err(SpecError::unsupported("kubeConfig"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferroflux_api::kustomize::v1::KustomizationSpec;
    use std::time::Duration;

    fn ks(spec: KustomizationSpec) -> Kustomization {
        Kustomization::new("app", spec)
    }

    #[test]
    fn retry_interval_and_timeout_default_to_the_interval() {
        let i = intervals(&ks(KustomizationSpec {
            interval: "10m".into(),
            ..Default::default()
        }))
        .unwrap();
        let ten = Duration::from_secs(600);
        assert_eq!(
            (i.interval, i.retry_interval, i.timeout),
            (ten, Some(ten), ten)
        );
    }

    #[test]
    fn an_invalid_duration_names_its_field() {
        let err = intervals(&ks(KustomizationSpec {
            interval: "1m".into(),
            retry_interval: Some("soon".into()),
            ..Default::default()
        }))
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("invalid spec.retryInterval: 'soon'"),
            "{err}"
        );
    }
}
