//! Events: each is written as a Kubernetes Event and POSTed to notification-controller
//! (`--events-addr`) with Flux's event payload.
//!
//! Repeats are counted as client-go's event correlator does: the same event (object, type,
//! reason, message) again within [`SERIES_WINDOW`] patches the first one's `series` instead of
//! creating a new Event. Only what that patch needs is remembered (the Event's name and count),
//! not the Event itself: a controller with thousands of objects keeps a few bytes per event.

use std::collections::{BTreeMap, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::ObjectReference;
use k8s_openapi::api::events::v1::{Event as K8sEvent, EventSeries};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta};
use kube::api::{Api, Patch, PatchParams, PostParams};
use serde::Serialize;

/// A repeat within this time of the last occurrence is counted on the same Event (kube's and
/// client-go's cache keep events as long).
pub const SERIES_WINDOW: Duration = Duration::from_secs(6 * 60);

/// How many events are written at once in the background; a caller publishing more waits.
pub const EVENTS_IN_FLIGHT: usize = 16;

/// Severity of an event, as notification-controller understands it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Normal progress (Kubernetes Event type `Normal`).
    Info,
    /// A failure (Kubernetes Event type `Warning`).
    Error,
}

impl Severity {
    /// The Kubernetes Event type.
    fn event_type(self) -> &'static str {
        match self {
            Severity::Info => "Normal",
            Severity::Error => "Warning",
        }
    }
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

/// The Kubernetes Event last written for one distinct event.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Written {
    name: String,
    count: i32,
    last: Instant,
}

/// Which Kubernetes Event a repeat belongs to, keyed by a hash of the event's identity.
#[derive(Debug, Default)]
struct Series {
    written: HashMap<u64, Written>,
}

impl Series {
    /// The Event to patch for a repeat of `key` (its name and new count), or `None` for a new
    /// event. Forgets events older than the window.
    fn repeat(&mut self, key: u64, now: Instant) -> Option<(String, i32)> {
        self.written
            .retain(|_, w| now.duration_since(w.last) < SERIES_WINDOW);
        let w = self.written.get_mut(&key)?;
        w.count += 1;
        w.last = now;
        Some((w.name.clone(), w.count))
    }

    /// Remembers a newly created Event.
    fn created(&mut self, key: u64, name: String, now: Instant) {
        let written = Written {
            name,
            count: 1,
            last: now,
        };
        self.written.insert(key, written);
    }
}

/// Publishes events for one controller; cheap to clone.
#[derive(Clone)]
pub struct EventPublisher {
    client: kube::Client,
    series: Arc<Mutex<Series>>,
    in_flight: Arc<tokio::sync::Semaphore>,
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
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(15))
            .build()
            .unwrap_or_default();
        Self {
            client,
            series: Arc::default(),
            in_flight: Arc::new(tokio::sync::Semaphore::new(EVENTS_IN_FLIGHT)),
            http,
            events_addr: (!events_addr.is_empty()).then(|| events_addr.to_string()),
            controller: controller.to_string(),
            instance,
        }
    }

    /// Records the event as a Kubernetes Event and forwards it to notification-controller.
    /// Failures are logged, never returned: an event must not fail a reconciliation.
    /// `metadata` keys are given without prefix; they are prefixed with the object's API group.
    ///
    /// As client-go's event broadcaster does, the writes happen in the background: the caller
    /// waits only while [`EVENTS_IN_FLIGHT`] events are already being written. The event's time
    /// is taken now, so events keep their order when listed.
    pub async fn publish(
        &self,
        object: &ObjectReference,
        severity: Severity,
        reason: &str,
        message: &str,
        metadata: &BTreeMap<String, String>,
    ) {
        let now = jiff::Timestamp::now();
        let forward = self.events_addr.as_ref().map(|addr| {
            let mut body = self.flux_event(object, severity, reason, message, metadata);
            body.timestamp = now.to_string();
            (addr.clone(), body)
        });
        let Ok(permit) = self.in_flight.clone().acquire_owned().await else {
            return;
        };
        let (this, object, reason) = (self.clone(), object.clone(), reason.to_string());
        let note = truncate(message, 1000);
        tokio::spawn(async move {
            let _permit = permit;
            if let Err(err) = this.record(&object, severity, &reason, note, now).await {
                tracing::warn!(%err, "failed to record Kubernetes event");
            }
            if let Some((addr, body)) = forward {
                let sent = this.http.post(addr).json(&body).send().await;
                match sent.and_then(|r| r.error_for_status()) {
                    Ok(_) => {}
                    Err(err) => tracing::warn!(err = %err.without_url(), "failed to forward event"),
                }
            }
        });
    }

    /// Writes the Kubernetes Event (`events.k8s.io/v1`, in the object's namespace, `default` for
    /// cluster-scoped objects): a new one, or for a repeat a patch of the first one's series.
    async fn record(
        &self,
        object: &ObjectReference,
        severity: Severity,
        reason: &str,
        note: String,
        now: jiff::Timestamp,
    ) -> Result<(), kube::Error> {
        let key = event_key(object, severity, reason, &note);
        let namespace = object.namespace.as_deref().unwrap_or("default");
        let api: Api<K8sEvent> = Api::namespaced(self.client.clone(), namespace);
        let repeat = self.lock_series().repeat(key, Instant::now());
        if let Some((name, count)) = repeat {
            let series = serde_json::json!({"series": EventSeries {
                count,
                last_observed_time: MicroTime(now),
            }});
            match api
                .patch(&name, &PatchParams::default(), &Patch::Merge(&series))
                .await
            {
                Ok(_) => return Ok(()),
                // Expired from the API server (events live an hour by default): start anew.
                Err(kube::Error::Api(s)) if s.code == 404 => {}
                Err(e) => return Err(e),
            }
        }
        let event = self.new_event(object, severity, reason, note, now);
        let created = api.create(&PostParams::default(), &event).await?;
        let name = created.metadata.name.unwrap_or_default();
        self.lock_series().created(key, name, Instant::now());
        Ok(())
    }

    /// A new Event named `<object>.<nanoseconds in hex>`, as kube and client-go name them.
    fn new_event(
        &self,
        object: &ObjectReference,
        severity: Severity,
        reason: &str,
        note: String,
        now: jiff::Timestamp,
    ) -> K8sEvent {
        let name = object.name.as_deref().unwrap_or(&self.controller);
        K8sEvent {
            metadata: ObjectMeta {
                name: Some(format!("{name}.{:x}", now.as_nanosecond())),
                namespace: object.namespace.clone(),
                ..Default::default()
            },
            action: Some(reason.to_string()),
            reason: Some(reason.to_string()),
            note: Some(note),
            event_time: Some(MicroTime(now)),
            regarding: Some(object.clone()),
            reporting_controller: Some(self.controller.clone()),
            reporting_instance: Some(self.instance.clone()),
            type_: Some(severity.event_type().to_string()),
            ..Default::default()
        }
    }

    fn lock_series(&self) -> std::sync::MutexGuard<'_, Series> {
        // The map stays consistent even if a holder panicked; keep using it.
        self.series.lock().unwrap_or_else(|e| e.into_inner())
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

/// What makes two events the same one: the object, the type, the reason and the message.
fn event_key(object: &ObjectReference, severity: Severity, reason: &str, note: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    let o = object;
    (&o.api_version, &o.kind, &o.namespace, &o.name, &o.uid).hash(&mut hasher);
    (severity.event_type(), reason, note).hash(&mut hasher);
    hasher.finish()
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
    fn repeats_count_on_the_first_event_until_the_window_passes() {
        let mut series = Series::default();
        let t0 = Instant::now();
        assert_eq!(series.repeat(1, t0), None, "first occurrence: create");
        series.created(1, "app.17a".into(), t0);
        assert_eq!(series.repeat(2, t0), None, "another event: create");
        let t1 = t0 + Duration::from_secs(60);
        assert_eq!(series.repeat(1, t1), Some(("app.17a".into(), 2)));
        assert_eq!(series.repeat(1, t1), Some(("app.17a".into(), 3)));
        let late = t1 + SERIES_WINDOW;
        assert_eq!(series.repeat(1, late), None, "window passed: create anew");
        assert!(series.written.is_empty(), "old entries are forgotten");
    }

    #[test]
    fn events_differ_by_object_reason_type_and_message() {
        let object = |name: &str| ObjectReference {
            kind: Some("Kustomization".into()),
            namespace: Some("ns".into()),
            name: Some(name.into()),
            ..Default::default()
        };
        let key = |o: &ObjectReference, s, r, m| event_key(o, s, r, m);
        let base = key(&object("a"), Severity::Info, "Progressing", "x created");
        assert_eq!(
            base,
            key(&object("a"), Severity::Info, "Progressing", "x created")
        );
        for other in [
            key(&object("b"), Severity::Info, "Progressing", "x created"),
            key(&object("a"), Severity::Error, "Progressing", "x created"),
            key(&object("a"), Severity::Info, "Other", "x created"),
            key(&object("a"), Severity::Info, "Progressing", "y created"),
        ] {
            assert_ne!(base, other);
        }
    }

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
