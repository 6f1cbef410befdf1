//! Which wake-ups need a reconciliation. kube's controller wakes the reconciler on every change of
//! an object, including the finalizer and status writes of its own reconciliations, each of
//! which would otherwise fetch, build and apply everything again. Flux reconciles only on a new
//! generation, a new `reconcile.fluxcd.io/requestedAt`, a change of something the object
//! depends on (a source revision, an included repository), or when its requeue is due;
//! [`RecentRuns`] remembers, per object, what its last run saw and when the next is due, so the
//! driver skips the other wake-ups without any API call. Watches of dependencies call
//! [`RecentRuns::forget`] for the objects they wake.

use ferroflux_api::meta::RECONCILE_REQUEST_ANNOTATION;
use kube::runtime::controller::Action;
use kube::{Resource, ResourceExt};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A requeue that fires this early is still treated as due (timers are not exact).
const DUE_SLACK: Duration = Duration::from_millis(200);

/// What the last run of one object saw.
#[derive(Debug, Clone, PartialEq, Eq)]
struct LastRun {
    generation: Option<i64>,
    requested_at: Option<String>,
    /// When the next run is due; `None` waits for a change (stalled).
    next_due: Option<Instant>,
}

/// The last run of every object this process reconciled.
#[derive(Debug, Default)]
pub struct RecentRuns {
    runs: Mutex<HashMap<(String, String), LastRun>>,
}

fn key(namespace: &str, name: &str) -> (String, String) {
    (namespace.to_string(), name.to_string())
}

fn object_key<K: Resource>(obj: &K) -> (String, String) {
    key(&obj.namespace().unwrap_or_default(), &obj.name_any())
}

fn requested_at<K: Resource>(obj: &K) -> Option<String> {
    obj.annotations().get(RECONCILE_REQUEST_ANNOTATION).cloned()
}

impl RecentRuns {
    /// `Some(action)` when this wake-up brings nothing new (same generation and requestedAt as
    /// the last run, no source change since, requeue not due): the driver returns `action`,
    /// which keeps the pending requeue.
    pub fn skip<K: Resource>(&self, obj: &K) -> Option<Action> {
        if obj.meta().deletion_timestamp.is_some() {
            return None;
        }
        let runs = self.lock();
        let last = runs.get(&object_key(obj))?;
        if last.generation != obj.meta().generation || last.requested_at != requested_at(obj) {
            return None;
        }
        match last.next_due {
            None => Some(Action::await_change()),
            Some(due) => {
                let now = Instant::now();
                (now + DUE_SLACK < due).then(|| Action::requeue(due - now))
            }
        }
    }

    /// Records a finished run of `obj`; the next is due after `requeue` (`None`: on change only).
    pub fn record<K: Resource>(&self, obj: &K, requeue: Option<Duration>) {
        let run = LastRun {
            generation: obj.meta().generation,
            requested_at: requested_at(obj),
            next_due: requeue.map(|d| Instant::now() + d),
        };
        self.lock().insert(object_key(obj), run);
    }

    /// Forgets the last run of an object, so its next wake-up reconciles (something it depends
    /// on changed, or it is gone).
    pub fn forget(&self, namespace: &str, name: &str) {
        self.lock().remove(&key(namespace, name));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(String, String), LastRun>> {
        // The map stays consistent even if a holder panicked; keep using it.
        self.runs.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferroflux_api::kustomize::v1::{Kustomization, KustomizationSpec};

    fn ks(generation: i64, requested: Option<&str>) -> Kustomization {
        let mut ks = Kustomization::new("app", KustomizationSpec::default());
        ks.metadata.namespace = Some("ns".into());
        ks.metadata.generation = Some(generation);
        if let Some(r) = requested {
            ks.metadata.annotations =
                Some([(RECONCILE_REQUEST_ANNOTATION.to_string(), r.to_string())].into());
        }
        ks
    }

    #[test]
    fn only_new_generations_requests_source_changes_or_due_requeues_run() {
        let runs = RecentRuns::default();
        assert_eq!(runs.skip(&ks(1, None)), None, "never seen: run");
        runs.record(&ks(1, None), Some(Duration::from_secs(600)));
        assert!(runs.skip(&ks(1, None)).is_some(), "own status write: skip");
        assert_eq!(runs.skip(&ks(2, None)), None, "new generation: run");
        assert_eq!(runs.skip(&ks(1, Some("now"))), None, "requestedAt: run");
        runs.forget("ns", "app");
        assert_eq!(runs.skip(&ks(1, None)), None, "source changed: run");

        runs.record(&ks(1, None), Some(Duration::ZERO));
        assert_eq!(runs.skip(&ks(1, None)), None, "requeue due: run");
        runs.record(&ks(1, None), None);
        assert_eq!(
            runs.skip(&ks(1, None)),
            Some(Action::await_change()),
            "stalled: wait"
        );
        let mut deleted = ks(1, None);
        deleted.metadata.deletion_timestamp =
            Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(
                k8s_openapi::jiff::Timestamp::UNIX_EPOCH,
            ));
        assert_eq!(runs.skip(&deleted), None, "deletion: run");
    }
}
