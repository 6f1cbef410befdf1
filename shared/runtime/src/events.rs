//! Events: each is written as a Kubernetes Event and POSTed to notification-controller
//! (`--events-addr`) with Flux's event payload.

use std::collections::{BTreeMap, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::ObjectReference;
use kube::runtime::events::{Event, EventType, Recorder, Reporter};
use serde::Serialize;

/// Severity of an event, as notification-controller understands it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Normal progress (Kubernetes Event type `Normal`).
    Info,
    /// A failure (Kubernetes Event type `Warning`).
    Error,
}

/// The JSON body POSTed to notification-controller (Flux's `event.Event`).
#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FluxEvent {
    /// The object the event is about.
    pub involved_object: ObjectReference,
    /// `info` or `error`.
    pub severity: Severity,
    /// RFC 3339 time the event was emitted.
    pub timestamp: String,
    /// Human-readable message.
    pub message: String,
    /// Machine-readable reason (a Flux reason).
    pub reason: String,
    /// Extra data, keys prefixed with the API group of the involved object.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
    /// The controller's binary name.
    pub reporting_controller: String,
    /// The controller's instance (pod name or hostname).
    pub reporting_instance: String,
}

/// Publishes events for one controller; cheap to clone.
#[derive(Clone)]
pub struct EventPublisher {
    client: kube::Client,
    reporter: Reporter,
    recorders: Arc<Mutex<HashMap<u64, (Recorder, Instant)>>>,
    http: reqwest::Client,
    events_addr: Option<String>,
    controller: String,
    instance: String,
}

impl EventPublisher {
    /// A publisher reporting as `controller`; `events_addr` empty disables forwarding.
    pub fn new(client: kube::Client, controller: &str, events_addr: &str) -> Self {
        let instance = std::env::var("POD_NAME")
            .or_else(|_| std::env::var("HOSTNAME"))
            .unwrap_or_else(|_| controller.to_string());
        let reporter = Reporter {
            controller: controller.to_string(),
            instance: Some(instance.clone()),
        };
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(15))
            .build()
            .unwrap_or_default();
        Self {
            client,
            reporter,
            recorders: Arc::default(),
            http,
            events_addr: (!events_addr.is_empty()).then(|| events_addr.to_string()),
            controller: controller.to_string(),
            instance,
        }
    }

    /// Records the event as a Kubernetes Event and forwards it to notification-controller.
    /// Failures are logged, never returned: an event must not fail a reconciliation.
    /// `metadata` keys are given without prefix; they are prefixed with the object's API group.
    pub async fn publish(
        &self,
        object: &ObjectReference,
        severity: Severity,
        reason: &str,
        message: &str,
        metadata: &BTreeMap<String, String>,
    ) {
        let event = Event {
            type_: match severity {
                Severity::Info => EventType::Normal,
                Severity::Error => EventType::Warning,
            },
            reason: reason.to_string(),
            note: Some(truncate(message, 1000)),
            action: reason.to_string(),
            secondary: None,
        };
        if let Err(err) = self.recorder_for(message).publish(&event, object).await {
            tracing::warn!(%err, "failed to record Kubernetes event");
        }
        if let Some(addr) = &self.events_addr {
            let body = self.flux_event(object, severity, reason, message, metadata);
            let sent = self.http.post(addr).json(&body).send().await;
            match sent.and_then(|r| r.error_for_status()) {
                Ok(_) => {}
                Err(err) => tracing::warn!(err = %err.without_url(), "failed to forward event"),
            }
        }
    }

    /// The recorder for events with `message`. kube's `Recorder` folds every event with the same
    /// object, type, reason and action into one Kubernetes Event (counting repeats) and keeps
    /// the first message, so a new change set or a new error would never be seen. One recorder
    /// per message keeps distinct messages distinct and still counts exact repeats, as
    /// client-go's event correlator does. Recorders unused for longer than kube's own cache
    /// (6 minutes) are dropped.
    fn recorder_for(&self, message: &str) -> Recorder {
        const UNUSED: Duration = Duration::from_secs(6 * 60);
        let mut hasher = DefaultHasher::new();
        message.hash(&mut hasher);
        let key = hasher.finish();
        let now = Instant::now();
        let mut recorders = self.recorders.lock().unwrap_or_else(|e| e.into_inner());
        recorders.retain(|_, (_, used)| now.duration_since(*used) < UNUSED);
        let (recorder, used) = recorders.entry(key).or_insert_with(|| {
            (
                Recorder::new(self.client.clone(), self.reporter.clone()),
                now,
            )
        });
        *used = now;
        recorder.clone()
    }

    /// Builds the payload notification-controller expects.
    pub fn flux_event(
        &self,
        object: &ObjectReference,
        severity: Severity,
        reason: &str,
        message: &str,
        metadata: &BTreeMap<String, String>,
    ) -> FluxEvent {
        let group = object
            .api_version
            .as_deref()
            .and_then(|v| v.split_once('/').map(|(g, _)| g))
            .unwrap_or_default();
        let metadata = metadata
            .iter()
            .map(|(k, v)| (prefixed_key(group, k), v.clone()))
            .collect();
        FluxEvent {
            involved_object: object.clone(),
            severity,
            timestamp: jiff::Timestamp::now().to_string(),
            message: message.to_string(),
            reason: reason.to_string(),
            metadata,
            reporting_controller: self.controller.clone(),
            reporting_instance: self.instance.clone(),
        }
    }
}

fn prefixed_key(group: &str, key: &str) -> String {
    if group.is_empty() || key.contains('/') {
        key.to_string()
    } else {
        format!("{group}/{key}")
    }
}

fn truncate(s: &str, max: usize) -> String {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_keys_get_the_api_group_prefix() {
        assert_eq!(
            prefixed_key("source.toolkit.fluxcd.io", "revision"),
            "source.toolkit.fluxcd.io/revision"
        );
        assert_eq!(prefixed_key("g", "already/prefixed"), "already/prefixed");
        assert_eq!(truncate("héllo", 2), "h");
    }
}
