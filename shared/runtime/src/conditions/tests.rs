use super::*;

fn failed(kind: ErrorKind) -> Outcome {
    Outcome::Failed {
        reason: "FetchFailed".into(),
        message: "boom".into(),
        kind,
    }
}

#[test]
fn success_sets_ready_and_clears_progress_conditions() {
    let mut c = Vec::new();
    set(&mut c, STALLED, Status::True, "X", "x", Some(1));
    set(&mut c, RECONCILING, Status::True, "X", "x", Some(1));
    let ok = Outcome::Succeeded {
        reason: "Succeeded".into(),
        message: "stored".into(),
    };
    summarize(&mut c, &ok, &[], Some(2));
    assert_eq!(c.len(), 1);
    assert!(is_true(&c, READY));
    assert_eq!(get(&c, READY).unwrap().observed_generation, Some(2));
}

#[test]
fn stalling_failure_sets_stalled_not_reconciling() {
    let mut c = Vec::new();
    set(&mut c, RECONCILING, Status::True, "X", "x", Some(1));
    summarize(&mut c, &failed(ErrorKind::Stalling), &[], Some(1));
    assert!(is_true(&c, STALLED));
    assert!(get(&c, RECONCILING).is_none());
    let ready = get(&c, READY).unwrap();
    assert_eq!(
        (ready.status.as_str(), ready.reason.as_str()),
        ("False", "FetchFailed")
    );
}

#[test]
fn generic_failure_sets_reconciling_with_retry() {
    for kind in [ErrorKind::Generic, ErrorKind::Waiting] {
        let mut c = Vec::new();
        set(&mut c, STALLED, Status::True, "X", "x", Some(1));
        summarize(&mut c, &failed(kind), &[], Some(1));
        assert!(get(&c, STALLED).is_none());
        assert_eq!(get(&c, RECONCILING).unwrap().reason, PROGRESSING_WITH_RETRY);
        assert_eq!(get(&c, READY).unwrap().status, "False");
    }
}

#[test]
fn ready_reason_follows_negative_polarity_priority() {
    let mut c = Vec::new();
    set(
        &mut c,
        "StorageOperationFailed",
        Status::True,
        "StorageOperationFailed",
        "disk",
        None,
    );
    summarize(
        &mut c,
        &failed(ErrorKind::Generic),
        &["FetchFailed", "StorageOperationFailed"],
        None,
    );
    assert_eq!(get(&c, READY).unwrap().reason, "StorageOperationFailed");
    assert_eq!(get(&c, READY).unwrap().message, "disk");
}

#[test]
fn set_keeps_transition_time_when_status_unchanged() {
    let mut c = Vec::new();
    set(&mut c, READY, Status::True, "A", "a", None);
    let first = get(&c, READY).unwrap().last_transition_time.clone();
    std::thread::sleep(std::time::Duration::from_millis(5));
    set(&mut c, READY, Status::True, "B", "b", None);
    assert_eq!(get(&c, READY).unwrap().last_transition_time, first);
    set(&mut c, READY, Status::False, "B", "b", None);
    assert_ne!(get(&c, READY).unwrap().last_transition_time, first);
}

#[test]
fn comparison_ignores_timestamps_and_order() {
    let mut a = Vec::new();
    set(&mut a, READY, Status::True, "A", "a", None);
    set(&mut a, STALLED, Status::True, "S", "s", None);
    std::thread::sleep(std::time::Duration::from_millis(5));
    let mut b = Vec::new();
    set(&mut b, STALLED, Status::True, "S", "s", None);
    set(&mut b, READY, Status::True, "A", "a", None);
    assert!(same_ignoring_time(&a, &b));
    set(&mut b, READY, Status::True, "A", "changed", None);
    assert!(!same_ignoring_time(&a, &b));
}
