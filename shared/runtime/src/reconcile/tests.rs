use super::*;

fn intervals(retry: Option<u64>) -> Intervals {
    Intervals {
        interval: Duration::from_secs(600),
        retry_interval: retry.map(Duration::from_secs),
        timeout: Duration::from_secs(60),
    }
}

#[test]
fn success_requeues_after_the_interval_with_jitter_and_resets_the_backoff() {
    let backoff = RetryBackoff::new(Duration::from_secs(1), Duration::from_secs(60));
    backoff.failed("uid");
    let after = requeue_after(&backoff, "uid", Some(intervals(None)), None).unwrap();
    assert!(
        after >= Duration::from_secs(570) && after <= Duration::from_secs(630),
        "{after:?}"
    );
    assert_eq!(
        backoff.failed("uid"),
        Duration::from_secs(1),
        "backoff reset"
    );
}

#[test]
fn failures_use_retry_interval_or_the_backoff_and_stalled_objects_wait() {
    let backoff = RetryBackoff::new(Duration::from_secs(1), Duration::from_secs(60));
    let retry = Some(intervals(Some(30)));
    for kind in [ErrorKind::Generic, ErrorKind::Waiting] {
        assert_eq!(
            requeue_after(&backoff, "a", retry, Some(kind)),
            Some(Duration::from_secs(30))
        );
    }
    let no_retry = Some(intervals(None));
    let delays: Vec<_> = (0..3)
        .map(|_| requeue_after(&backoff, "b", no_retry, Some(ErrorKind::Generic)))
        .collect();
    assert_eq!(delays, [1, 2, 4].map(|s| Some(Duration::from_secs(s))));
    assert_eq!(
        requeue_after(&backoff, "b", retry, Some(ErrorKind::Stalling)),
        None
    );
    assert_eq!(
        requeue_after(&backoff, "c", None, None),
        None,
        "invalid spec"
    );
}

#[test]
fn a_zero_interval_never_requeues_after_success() {
    let backoff = RetryBackoff::new(Duration::from_secs(1), Duration::from_secs(60));
    let zero = Intervals {
        interval: Duration::ZERO,
        ..intervals(None)
    };
    assert_eq!(requeue_after(&backoff, "a", Some(zero), None), None);
}

#[test]
fn conditions_the_kind_does_not_declare_are_dropped() {
    let table = ConditionTable {
        owned: &["FetchFailed"],
        negative_polarity: &["FetchFailed"],
    };
    let mut conds = Vec::new();
    for t in ["Ready", "Reconciling", "Stalled", "FetchFailed", "Healthy"] {
        conditions::set(&mut conds, t, Status::True, "R", "m", Some(1));
    }
    drop_unowned(&mut conds, &table);
    let types: Vec<_> = conds.iter().map(|c| c.type_.as_str()).collect();
    assert_eq!(types, ["Ready", "Reconciling", "Stalled", "FetchFailed"]);
}
