//! Health of Kubernetes objects, following the kstatus rules (the behaviour of Flux's
//! `cli-utils/pkg/kstatus`): every object is Current, InProgress, Failed, Terminating or NotFound.
//!
//! Everything here is a pure function on the object as JSON, so the rules are unit tested
//! without a cluster; `ssa::wait` polls the cluster and calls [`compute_status`].

mod builtin;
#[cfg(test)]
mod tests;

use serde_json::Value;

/// The health of one object, in kstatus terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// The object is reconciled and its desired state is reached.
    Current,
    /// The object is still being reconciled (rolling out, waiting for a controller, ...).
    InProgress,
    /// The object's controller reported a failure it will not recover from without a change.
    Failed,
    /// The object is being deleted (it has a deletion timestamp).
    Terminating,
    /// The object does not exist in the cluster.
    NotFound,
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Status::Current => "Current",
            Status::InProgress => "InProgress",
            Status::Failed => "Failed",
            Status::Terminating => "Terminating",
            Status::NotFound => "NotFound",
        })
    }
}

/// A computed health: the status and a human readable reason for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Health {
    /// The kstatus status.
    pub status: Status,
    /// Why the object has this status, e.g. `Available: 1/3`.
    pub message: String,
}

impl Health {
    pub(crate) fn new(status: Status, message: impl Into<String>) -> Self {
        Health {
            status,
            message: message.into(),
        }
    }

    /// The health of an object that does not exist.
    pub fn not_found() -> Self {
        Health::new(Status::NotFound, "Resource not found")
    }
}

/// Computes the kstatus health of an object: the generic checks first (deletion, observed
/// generation, `Reconciling`/`Stalled` conditions), then the rules of well-known kinds, then the
/// `Ready` condition for any other kind.
pub fn compute_status(obj: &Value) -> Health {
    if let Some(h) = generic_properties(obj) {
        return h;
    }
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or_default();
    let group = obj
        .get("apiVersion")
        .and_then(Value::as_str)
        .and_then(|av| av.rsplit_once('/').map(|(g, _)| g))
        .unwrap_or_default();
    if let Some(h) = builtin::status_of_known_kind(group, kind, obj) {
        return h;
    }
    ready_condition(obj).unwrap_or_else(|| Health::new(Status::Current, "Resource is current"))
}

/// Deletion, observed generation and the kstatus `Reconciling` / `Stalled` conditions.
fn generic_properties(obj: &Value) -> Option<Health> {
    if obj
        .pointer("/metadata/deletionTimestamp")
        .is_some_and(|t| !t.is_null())
    {
        return Some(Health::new(
            Status::Terminating,
            "Resource scheduled for deletion",
        ));
    }
    let generation = obj.pointer("/metadata/generation").and_then(Value::as_i64);
    let observed = obj
        .pointer("/status/observedGeneration")
        .and_then(Value::as_i64);
    if let (Some(g), Some(o)) = (generation, observed)
        && o != g
    {
        return Some(Health::new(
            Status::InProgress,
            format!(
                "{} generation is {g}, but latest observed generation is {o}",
                kind_of(obj)
            ),
        ));
    }
    if let Some(c) = condition(obj, "Reconciling")
        && c.status == "True"
    {
        return Some(Health::new(Status::InProgress, c.message_or(&c.reason)));
    }
    if let Some(c) = condition(obj, "Stalled")
        && c.status == "True"
    {
        return Some(Health::new(Status::Failed, c.message_or(&c.reason)));
    }
    None
}

/// A `Ready` condition on any kind: True is Current, False or Unknown is still in progress.
fn ready_condition(obj: &Value) -> Option<Health> {
    let c = condition(obj, "Ready")?;
    Some(match c.status.as_str() {
        "True" => Health::new(Status::Current, c.message_or("Resource is Ready")),
        _ => Health::new(Status::InProgress, c.message_or("Resource is not Ready")),
    })
}

/// The fields of one `status.conditions[]` entry that the rules look at.
pub(crate) struct Condition {
    pub(crate) status: String,
    pub(crate) reason: String,
    pub(crate) message: String,
}

impl Condition {
    fn message_or(&self, fallback: &str) -> String {
        if self.message.is_empty() {
            fallback.to_string()
        } else {
            self.message.clone()
        }
    }
}

/// The condition of the given type in `status.conditions`, if present.
pub(crate) fn condition(obj: &Value, type_: &str) -> Option<Condition> {
    let conditions = obj.pointer("/status/conditions")?.as_array()?;
    let c = conditions
        .iter()
        .find(|c| c.get("type").and_then(Value::as_str) == Some(type_))?;
    let field = |name: &str| {
        c.get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    Some(Condition {
        status: field("status"),
        reason: field("reason"),
        message: field("message"),
    })
}

/// An integer field at a JSON pointer, or the default when absent.
pub(crate) fn int_at(obj: &Value, pointer: &str, default: i64) -> i64 {
    obj.pointer(pointer)
        .and_then(Value::as_i64)
        .unwrap_or(default)
}

/// A string field at a JSON pointer, or "" when absent.
pub(crate) fn str_at<'a>(obj: &'a Value, pointer: &str) -> &'a str {
    obj.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

fn kind_of(obj: &Value) -> &str {
    str_at(obj, "/kind")
}
