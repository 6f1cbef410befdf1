//! kstatus rules for the built-in kinds whose health is not a plain `Ready` condition.

use super::{Health, Status, condition, int_at, str_at};
use serde_json::Value;

/// The health of a well-known kind, or `None` when the kind has no specific rule.
pub(super) fn status_of_known_kind(group: &str, kind: &str, obj: &Value) -> Option<Health> {
    Some(match (group, kind) {
        ("apps" | "extensions", "Deployment") => deployment(obj),
        ("apps", "StatefulSet") => stateful_set(obj),
        ("apps" | "extensions", "DaemonSet") => daemon_set(obj),
        ("apps" | "extensions", "ReplicaSet") => replica_set(obj),
        ("", "Pod") => pod(obj),
        ("batch", "Job") => job(obj),
        ("", "PersistentVolumeClaim") => pvc(obj),
        ("", "Service") => service(obj),
        ("", "Namespace") => namespace(obj),
        ("apiextensions.k8s.io", "CustomResourceDefinition") => crd(obj),
        ("", "ConfigMap" | "Secret") | ("batch", "CronJob") | ("policy", "PodDisruptionBudget") => {
            Health::new(Status::Current, "Resource is always ready")
        }
        _ => return None,
    })
}

fn in_progress(message: String) -> Health {
    Health::new(Status::InProgress, message)
}

fn deployment(obj: &Value) -> Health {
    // Without progressDeadlineSeconds the controller never sets Progressing.
    let mut progressing = obj.pointer("/spec/progressDeadlineSeconds").is_none();
    if let Some(c) = condition(obj, "Progressing") {
        if c.reason == "ProgressDeadlineExceeded" {
            return Health::new(Status::Failed, "Progress deadline exceeded");
        }
        progressing |= c.status == "True" && c.reason == "NewReplicaSetAvailable";
    }
    let available = condition(obj, "Available").is_some_and(|c| c.status == "True");
    let spec = int_at(obj, "/spec/replicas", 1);
    let replicas = int_at(obj, "/status/replicas", 0);
    let updated = int_at(obj, "/status/updatedReplicas", 0);
    let ready = int_at(obj, "/status/readyReplicas", 0);
    let avail = int_at(obj, "/status/availableReplicas", 0);
    if spec > replicas {
        return in_progress(format!("Replicas: {replicas}/{spec}"));
    }
    if spec > updated {
        return in_progress(format!("Updated: {updated}/{spec}"));
    }
    if replicas > spec {
        return in_progress(format!("Pending termination: {}", replicas - spec));
    }
    if updated > avail {
        return in_progress(format!("Available: {avail}/{updated}"));
    }
    if spec > ready {
        return in_progress(format!("Ready: {ready}/{spec}"));
    }
    if !progressing {
        return in_progress("ReplicaSet not Available".into());
    }
    if !available {
        return in_progress("Deployment not Available".into());
    }
    Health::new(
        Status::Current,
        format!("Deployment is available. Replicas: {replicas}"),
    )
}

fn stateful_set(obj: &Value) -> Health {
    if str_at(obj, "/spec/updateStrategy/type") == "OnDelete" {
        return Health::new(
            Status::Current,
            "StatefulSet is using the ondelete update strategy",
        );
    }
    let spec = int_at(obj, "/spec/replicas", 1);
    let ready = int_at(obj, "/status/readyReplicas", 0);
    let current = int_at(obj, "/status/currentReplicas", 0);
    let updated = int_at(obj, "/status/updatedReplicas", 0);
    let replicas = int_at(obj, "/status/replicas", 0);
    let partition = int_at(obj, "/spec/updateStrategy/rollingUpdate/partition", -1);
    if spec > replicas {
        return in_progress(format!("Replicas: {replicas}/{spec}"));
    }
    if spec > ready {
        return in_progress(format!("Ready: {ready}/{spec}"));
    }
    if replicas > spec {
        return in_progress(format!("Pending termination: {}", replicas - spec));
    }
    if partition != -1 {
        if updated < spec - partition {
            return in_progress(format!("updated: {updated}/{}", spec - partition));
        }
        return Health::new(
            Status::Current,
            format!("Partition rollout complete. updated: {updated}"),
        );
    }
    if spec > current {
        return in_progress(format!("current: {current}/{spec}"));
    }
    if str_at(obj, "/status/currentRevision") != str_at(obj, "/status/updateRevision") {
        return in_progress("Waiting for updated revision to match current".into());
    }
    Health::new(
        Status::Current,
        format!("All replicas scheduled as expected. Replicas: {replicas}"),
    )
}

fn daemon_set(obj: &Value) -> Health {
    // The DaemonSet controller always sets these once it has seen the object.
    if obj.pointer("/metadata/generation").is_none() {
        return in_progress("DaemonSet metadata.generation not found".into());
    }
    if obj.pointer("/status/observedGeneration").is_none() {
        return in_progress("DaemonSet status.observedGeneration not found".into());
    }
    let desired = int_at(obj, "/status/desiredNumberScheduled", -1);
    if desired == -1 {
        return in_progress("Missing .status.desiredNumberScheduled".into());
    }
    let checks = [
        ("Current", int_at(obj, "/status/currentNumberScheduled", 0)),
        ("Updated", int_at(obj, "/status/updatedNumberScheduled", 0)),
        ("Available", int_at(obj, "/status/numberAvailable", 0)),
        ("Ready", int_at(obj, "/status/numberReady", 0)),
    ];
    for (what, n) in checks {
        if desired > n {
            return in_progress(format!("{what}: {n}/{desired}"));
        }
    }
    Health::new(
        Status::Current,
        format!("All replicas scheduled as expected. Replicas: {desired}"),
    )
}

fn replica_set(obj: &Value) -> Health {
    if condition(obj, "ReplicaFailure").is_some_and(|c| c.status == "True") {
        return in_progress("Replica Failure condition. Check Pods".into());
    }
    let spec = int_at(obj, "/spec/replicas", 1);
    let replicas = int_at(obj, "/status/replicas", 0);
    let checks = [
        ("Labelled", int_at(obj, "/status/fullyLabeledReplicas", 0)),
        ("Available", int_at(obj, "/status/availableReplicas", 0)),
        ("Ready", int_at(obj, "/status/readyReplicas", 0)),
    ];
    for (what, n) in checks {
        if spec > n {
            return in_progress(format!("{what}: {n}/{spec}"));
        }
    }
    if replicas > spec {
        return in_progress(format!("Pending termination: {}", replicas - spec));
    }
    Health::new(
        Status::Current,
        format!("ReplicaSet is available. Replicas: {replicas}"),
    )
}

fn pod(obj: &Value) -> Health {
    match str_at(obj, "/status/phase") {
        "Succeeded" => Health::new(Status::Current, "Pod has completed successfully"),
        "Failed" => Health::new(Status::Current, "Pod has completed, but not successfully"),
        "Running" => {
            if condition(obj, "Ready").is_some_and(|c| c.status == "True") {
                return Health::new(Status::Current, "Pod is Ready");
            }
            let crashing = crash_looping_containers(obj);
            if !crashing.is_empty() {
                return Health::new(
                    Status::Failed,
                    format!("Containers in CrashLoop state: {}", crashing.join(",")),
                );
            }
            in_progress("Pod is running but is not Ready".into())
        }
        "Pending" => match condition(obj, "PodScheduled") {
            Some(c) if c.status == "False" && c.reason == "Unschedulable" => {
                Health::new(Status::Failed, "Pod could not be scheduled")
            }
            _ => in_progress("Pod is in the Pending phase".into()),
        },
        "" => in_progress("Pod phase not available".into()),
        other => in_progress(format!("Pod is in the {other} phase")),
    }
}

fn crash_looping_containers(obj: &Value) -> Vec<&str> {
    let Some(statuses) = obj
        .pointer("/status/containerStatuses")
        .and_then(Value::as_array)
    else {
        return Vec::new();
    };
    statuses
        .iter()
        .filter(|cs| str_at(cs, "/state/waiting/reason") == "CrashLoopBackOff")
        .map(|cs| str_at(cs, "/name"))
        .collect()
}

fn job(obj: &Value) -> Health {
    let parallelism = int_at(obj, "/spec/parallelism", 1);
    let completions = int_at(obj, "/spec/completions", parallelism);
    let succeeded = int_at(obj, "/status/succeeded", 0);
    let active = int_at(obj, "/status/active", 0);
    let failed = int_at(obj, "/status/failed", 0);
    let is_true = |t: &str| condition(obj, t).is_some_and(|c| c.status == "True");
    if is_true("Complete") {
        let msg = format!("Job Completed. succeeded: {succeeded}/{completions}");
        return Health::new(Status::Current, msg);
    }
    if is_true("Failed") {
        return Health::new(
            Status::Failed,
            format!("Job Failed. failed: {failed}/{completions}"),
        );
    }
    if is_true("Suspended") {
        return Health::new(Status::Current, "Job is suspended");
    }
    if str_at(obj, "/status/startTime").is_empty() {
        return in_progress("Job not started".into());
    }
    Health::new(
        Status::Current,
        format!("Job in progress. success:{succeeded}, active: {active}, failed: {failed}"),
    )
}

fn pvc(obj: &Value) -> Health {
    match str_at(obj, "/status/phase") {
        "Bound" => Health::new(Status::Current, "PVC is Bound"),
        "" => in_progress("PVC is not Bound. phase: unknown".into()),
        phase => in_progress(format!("PVC is not Bound. phase: {phase}")),
    }
}

/// kstatus only requires a LoadBalancer Service to have its cluster IP: waiting for an external
/// ingress would never end on clusters without a load-balancer implementation.
fn service(obj: &Value) -> Health {
    if str_at(obj, "/spec/type") == "LoadBalancer" && str_at(obj, "/spec/clusterIP").is_empty() {
        return in_progress("ClusterIP not set. Service type: LoadBalancer".into());
    }
    Health::new(Status::Current, "Service is ready")
}

fn namespace(obj: &Value) -> Health {
    match str_at(obj, "/status/phase") {
        "Terminating" => Health::new(Status::Terminating, "Namespace is terminating"),
        _ => Health::new(Status::Current, "Namespace is active"),
    }
}

fn crd(obj: &Value) -> Health {
    if let Some(c) = condition(obj, "NamesAccepted")
        && c.status == "False"
    {
        return Health::new(Status::Failed, c.message);
    }
    match condition(obj, "Established") {
        Some(c) if c.status == "True" => Health::new(Status::Current, "CRD is established"),
        Some(c) if c.status == "False" && c.reason != "Installing" => {
            Health::new(Status::Failed, c.message)
        }
        _ => in_progress("Install in progress".into()),
    }
}
