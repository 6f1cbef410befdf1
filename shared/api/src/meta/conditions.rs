//! Reading and writing status conditions the kstatus way.
//!
//! `set_condition` keeps `lastTransitionTime` unless the status flips, so rewriting the same
//! conditions on every reconciliation does not produce a status change (and no patch loop).

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};

/// The condition of the given type, if present.
pub fn get_condition<'a>(conditions: &'a [Condition], type_: &str) -> Option<&'a Condition> {
    conditions.iter().find(|c| c.type_ == type_)
}

/// True when the condition of the given type is present with status `True`.
pub fn is_status_true(conditions: &[Condition], type_: &str) -> bool {
    get_condition(conditions, type_).is_some_and(|c| c.status == "True")
}

/// True when `Ready` is present with status `True`.
pub fn is_ready(conditions: &[Condition]) -> bool {
    is_status_true(conditions, super::READY_CONDITION)
}

/// Adds or replaces the condition with `new.type_`.
///
/// When a condition of that type exists with the same status, its `lastTransitionTime` is kept
/// (only reason, message and observedGeneration change). Otherwise `new.lastTransitionTime` is
/// used as given; callers set it to "now". Returns true when anything changed.
pub fn set_condition(conditions: &mut Vec<Condition>, new: Condition) -> bool {
    match conditions.iter_mut().find(|c| c.type_ == new.type_) {
        Some(existing) => {
            let transition_time: Time = if existing.status == new.status {
                existing.last_transition_time.clone()
            } else {
                new.last_transition_time.clone()
            };
            let updated = Condition {
                last_transition_time: transition_time,
                ..new
            };
            if *existing == updated {
                return false;
            }
            *existing = updated;
            true
        }
        None => {
            conditions.push(new);
            true
        }
    }
}

/// Removes the condition of the given type. Returns true when one was removed.
pub fn remove_condition(conditions: &mut Vec<Condition>, type_: &str) -> bool {
    let before = conditions.len();
    conditions.retain(|c| c.type_ != type_);
    conditions.len() != before
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> Time {
        Time(k8s_openapi::jiff::Timestamp::from_second(seconds).unwrap())
    }

    fn condition(type_: &str, status: &str, reason: &str, time: i64) -> Condition {
        Condition {
            type_: type_.into(),
            status: status.into(),
            reason: reason.into(),
            message: format!("{reason} message"),
            observed_generation: Some(1),
            last_transition_time: at(time),
        }
    }

    #[test]
    fn set_keeps_transition_time_when_status_is_unchanged() {
        let mut conditions = vec![condition("Ready", "True", "Succeeded", 100)];
        let changed = set_condition(&mut conditions, condition("Ready", "True", "Other", 200));
        assert!(changed);
        assert_eq!(conditions[0].reason, "Other");
        assert_eq!(conditions[0].last_transition_time, at(100));
    }

    #[test]
    fn set_takes_new_transition_time_when_status_flips() {
        let mut conditions = vec![condition("Ready", "True", "Succeeded", 100)];
        set_condition(&mut conditions, condition("Ready", "False", "Failed", 200));
        assert_eq!(conditions[0].status, "False");
        assert_eq!(conditions[0].last_transition_time, at(200));
    }

    #[test]
    fn set_identical_condition_reports_no_change() {
        let mut conditions = vec![condition("Ready", "True", "Succeeded", 100)];
        assert!(!set_condition(
            &mut conditions,
            condition("Ready", "True", "Succeeded", 300)
        ));
        assert_eq!(conditions[0].last_transition_time, at(100));
    }

    #[test]
    fn set_appends_new_types_and_get_finds_them() {
        let mut conditions = vec![condition("Ready", "True", "Succeeded", 100)];
        set_condition(
            &mut conditions,
            condition("Reconciling", "True", "Progressing", 5),
        );
        assert_eq!(conditions.len(), 2);
        assert_eq!(
            get_condition(&conditions, "Reconciling").unwrap().reason,
            "Progressing"
        );
        assert!(get_condition(&conditions, "Stalled").is_none());
    }

    #[test]
    fn is_ready_requires_ready_true() {
        assert!(!is_ready(&[]));
        assert!(!is_ready(&[condition("Ready", "False", "Failed", 1)]));
        assert!(!is_ready(&[condition("Healthy", "True", "Succeeded", 1)]));
        assert!(is_ready(&[condition("Ready", "True", "Succeeded", 1)]));
    }

    #[test]
    fn remove_deletes_only_the_named_type() {
        let mut conditions = vec![
            condition("Ready", "True", "Succeeded", 1),
            condition("Stalled", "True", "InvalidPath", 1),
        ];
        assert!(remove_condition(&mut conditions, "Stalled"));
        assert!(!remove_condition(&mut conditions, "Stalled"));
        assert_eq!(conditions.len(), 1);
        assert_eq!(conditions[0].type_, "Ready");
    }
}
