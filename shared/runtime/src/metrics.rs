//! Prometheus metrics with Flux's names, so existing dashboards and alerts keep working.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// Labels identifying one object.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ObjectLabels {
    /// Kind of the object, e.g. `GitRepository`.
    pub kind: String,
    /// Name of the object.
    pub name: String,
    /// Namespace of the object.
    pub namespace: String,
}

/// Labels of `gotk_reconcile_condition`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ConditionLabels {
    /// Kind of the object.
    pub kind: String,
    /// Name of the object.
    pub name: String,
    /// Namespace of the object.
    pub namespace: String,
    /// Condition type (`Ready`).
    pub r#type: String,
    /// Condition status (`True`, `False`, `Unknown`, `Deleted`).
    pub status: String,
}

/// The metrics every controller exports.
pub struct Metrics {
    registry: Registry,
    duration: Family<ObjectLabels, Histogram>,
    condition: Family<ConditionLabels, Gauge>,
    suspend: Family<ObjectLabels, Gauge>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Creates the registry with `gotk_reconcile_duration_seconds`, `gotk_reconcile_condition`
    /// and `gotk_suspend_status`.
    pub fn new() -> Self {
        let mut registry = Registry::default();
        let duration = Family::<ObjectLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.01, 2.0, 14))
        });
        let condition = Family::<ConditionLabels, Gauge>::default();
        let suspend = Family::<ObjectLabels, Gauge>::default();
        registry.register(
            "gotk_reconcile_duration_seconds",
            "The duration in seconds of a GitOps Toolkit resource reconciliation.",
            duration.clone(),
        );
        registry.register(
            "gotk_reconcile_condition",
            "The current condition status of a GitOps Toolkit resource reconciliation.",
            condition.clone(),
        );
        registry.register(
            "gotk_suspend_status",
            "The current suspend status of a GitOps Toolkit resource.",
            suspend.clone(),
        );
        Self {
            registry,
            duration,
            condition,
            suspend,
        }
    }

    /// Records how long one reconciliation took.
    pub fn observe_duration(&self, object: &ObjectLabels, seconds: f64) {
        self.duration.get_or_create(object).observe(seconds);
    }

    /// Sets `gotk_reconcile_condition` for `Ready`: 1 for the current status, 0 for the others.
    /// (A deleted object's series are removed, see [`Metrics::remove_object`].)
    pub fn record_ready(&self, object: &ObjectLabels, conditions: &[Condition]) {
        let current = crate::conditions::status(conditions, crate::conditions::READY)
            .unwrap_or(crate::conditions::Status::Unknown)
            .as_str();
        for status in ["True", "False", "Unknown"] {
            let labels = ConditionLabels {
                kind: object.kind.clone(),
                name: object.name.clone(),
                namespace: object.namespace.clone(),
                r#type: crate::conditions::READY.to_string(),
                status: status.to_string(),
            };
            self.condition
                .get_or_create(&labels)
                .set(i64::from(status == current));
        }
    }

    /// Sets `gotk_suspend_status` to 1 when the object is suspended.
    pub fn record_suspend(&self, object: &ObjectLabels, suspended: bool) {
        self.suspend.get_or_create(object).set(i64::from(suspended));
    }

    /// Removes every series of a deleted object, so dashboards stop showing it.
    pub fn remove_object(&self, object: &ObjectLabels) {
        self.duration.remove(object);
        self.suspend.remove(object);
        for status in ["True", "False", "Unknown", "Deleted"] {
            // `Deleted` too: earlier versions marked deleted objects with it.
            self.condition.remove(&ConditionLabels {
                kind: object.kind.clone(),
                name: object.name.clone(),
                namespace: object.namespace.clone(),
                r#type: crate::conditions::READY.to_string(),
                status: status.to_string(),
            });
        }
    }

    /// Renders all metrics in the Prometheus text format.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flux_metric_names_are_exported() {
        let m = Metrics::new();
        let obj = ObjectLabels {
            kind: "GitRepository".into(),
            name: "podinfo".into(),
            namespace: "flux-system".into(),
        };
        m.observe_duration(&obj, 0.2);
        m.record_ready(&obj, &[]);
        m.record_suspend(&obj, true);
        let text = m.encode();
        assert!(text.contains("gotk_reconcile_duration_seconds_bucket{"));
        assert!(text.contains(
            "gotk_reconcile_condition{kind=\"GitRepository\",name=\"podinfo\",namespace=\"flux-system\",type=\"Ready\",status=\"Unknown\"} 1"
        ));
        assert!(text.contains("gotk_suspend_status{kind=\"GitRepository\",name=\"podinfo\",namespace=\"flux-system\"} 1"));
    }

    #[test]
    fn a_removed_object_leaves_no_series() {
        let m = Metrics::new();
        let labels = |name: &str| ObjectLabels {
            kind: "Kustomization".into(),
            name: name.into(),
            namespace: "apps".into(),
        };
        for name in ["gone", "kept"] {
            m.observe_duration(&labels(name), 0.1);
            m.record_ready(&labels(name), &[]);
            m.record_suspend(&labels(name), false);
        }
        m.remove_object(&labels("gone"));
        let text = m.encode();
        assert!(!text.contains("name=\"gone\""), "{text}");
        assert!(text.contains("name=\"kept\""), "{text}");
    }
}
