use super::{Status, compute_status};
use serde_json::{Value, json};

fn deployment(spec_replicas: i64, status: Value) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "generation": 2},
        "spec": {"replicas": spec_replicas, "progressDeadlineSeconds": 600},
        "status": status,
    })
}

fn cond(type_: &str, status: &str, reason: &str) -> Value {
    json!({"type": type_, "status": status, "reason": reason, "message": format!("{type_} is {status}")})
}

/// (case name, object, expected status, expected message fragment)
fn cases() -> Vec<(&'static str, Value, Status, &'static str)> {
    let available_deploy = deployment(
        2,
        json!({"observedGeneration": 2, "replicas": 2, "updatedReplicas": 2, "readyReplicas": 2,
               "availableReplicas": 2, "conditions": [
                   cond("Available", "True", "MinimumReplicasAvailable"),
                   cond("Progressing", "True", "NewReplicaSetAvailable")]}),
    );
    let mut terminating = available_deploy.clone();
    terminating["metadata"]["deletionTimestamp"] = json!("2026-01-01T00:00:00Z");
    vec![
        (
            "deployment available",
            available_deploy,
            Status::Current,
            "Deployment is available",
        ),
        (
            "deployment terminating",
            terminating,
            Status::Terminating,
            "deletion",
        ),
        (
            "deployment old generation",
            deployment(2, json!({"observedGeneration": 1, "replicas": 2})),
            Status::InProgress,
            "latest observed generation is 1",
        ),
        (
            "deployment rolling out",
            deployment(
                3,
                json!({"observedGeneration": 2, "replicas": 3, "updatedReplicas": 3,
                                 "readyReplicas": 1, "availableReplicas": 1}),
            ),
            Status::InProgress,
            "Available: 1/3",
        ),
        (
            "deployment no status yet",
            deployment(1, json!({})),
            Status::InProgress,
            "Replicas: 0/1",
        ),
        (
            "deployment deadline exceeded",
            deployment(
                1,
                json!({"observedGeneration": 2, "replicas": 1,
                "conditions": [cond("Progressing", "False", "ProgressDeadlineExceeded")]}),
            ),
            Status::Failed,
            "Progress deadline exceeded",
        ),
        (
            "deployment scaled but replicaset not available",
            deployment(
                1,
                json!({"observedGeneration": 2, "replicas": 1, "updatedReplicas": 1,
                "readyReplicas": 1, "availableReplicas": 1,
                "conditions": [cond("Progressing", "True", "ReplicaSetUpdated")]}),
            ),
            Status::InProgress,
            "ReplicaSet not Available",
        ),
        (
            "statefulset ready",
            json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
                   "metadata": {"name": "db", "generation": 1}, "spec": {"replicas": 2},
                   "status": {"observedGeneration": 1, "replicas": 2, "readyReplicas": 2,
                              "currentReplicas": 2, "updatedReplicas": 2,
                              "currentRevision": "db-1", "updateRevision": "db-1"}}),
            Status::Current,
            "All replicas scheduled",
        ),
        (
            "statefulset revision mismatch",
            json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
                   "metadata": {"name": "db", "generation": 1}, "spec": {"replicas": 1},
                   "status": {"observedGeneration": 1, "replicas": 1, "readyReplicas": 1,
                              "currentReplicas": 1, "currentRevision": "db-1", "updateRevision": "db-2"}}),
            Status::InProgress,
            "revision",
        ),
        (
            "statefulset on delete",
            json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db"},
                   "spec": {"updateStrategy": {"type": "OnDelete"}}}),
            Status::Current,
            "ondelete",
        ),
        (
            "daemonset without observed generation",
            json!({"apiVersion": "apps/v1", "kind": "DaemonSet",
                   "metadata": {"name": "agent", "generation": 1}, "status": {}}),
            Status::InProgress,
            "observedGeneration not found",
        ),
        (
            "daemonset partly ready",
            json!({"apiVersion": "apps/v1", "kind": "DaemonSet",
                   "metadata": {"name": "agent", "generation": 1},
                   "status": {"observedGeneration": 1, "desiredNumberScheduled": 3,
                              "currentNumberScheduled": 3, "updatedNumberScheduled": 3,
                              "numberAvailable": 3, "numberReady": 2}}),
            Status::InProgress,
            "Ready: 2/3",
        ),
        (
            "daemonset ready",
            json!({"apiVersion": "apps/v1", "kind": "DaemonSet",
                   "metadata": {"name": "agent", "generation": 1},
                   "status": {"observedGeneration": 1, "desiredNumberScheduled": 1,
                              "currentNumberScheduled": 1, "updatedNumberScheduled": 1,
                              "numberAvailable": 1, "numberReady": 1}}),
            Status::Current,
            "Replicas: 1",
        ),
        (
            "replicaset failure",
            json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "rs"},
                   "status": {"conditions": [cond("ReplicaFailure", "True", "FailedCreate")]}}),
            Status::InProgress,
            "Replica Failure",
        ),
        (
            "replicaset available",
            json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "rs"},
                   "spec": {"replicas": 1},
                   "status": {"replicas": 1, "fullyLabeledReplicas": 1, "availableReplicas": 1,
                              "readyReplicas": 1}}),
            Status::Current,
            "ReplicaSet is available",
        ),
        (
            "pod running ready",
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                   "status": {"phase": "Running", "conditions": [cond("Ready", "True", "")]}}),
            Status::Current,
            "Pod is Ready",
        ),
        (
            "pod crash looping",
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                   "status": {"phase": "Running", "conditions": [cond("Ready", "False", "")],
                              "containerStatuses": [{"name": "app",
                                  "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}}),
            Status::Failed,
            "CrashLoop state: app",
        ),
        (
            "pod pending",
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                   "status": {"phase": "Pending"}}),
            Status::InProgress,
            "Pending",
        ),
        (
            "job complete",
            json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"},
                   "spec": {"completions": 1},
                   "status": {"succeeded": 1, "conditions": [cond("Complete", "True", "")]}}),
            Status::Current,
            "Job Completed. succeeded: 1/1",
        ),
        (
            "job failed",
            json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"},
                   "status": {"failed": 6, "conditions": [cond("Failed", "True", "BackoffLimitExceeded")]}}),
            Status::Failed,
            "Job Failed",
        ),
        (
            "job not started",
            json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"}, "status": {}}),
            Status::InProgress,
            "Job not started",
        ),
        (
            "pvc pending",
            json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"},
                   "status": {"phase": "Pending"}}),
            Status::InProgress,
            "phase: Pending",
        ),
        (
            "pvc bound",
            json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"},
                   "status": {"phase": "Bound"}}),
            Status::Current,
            "Bound",
        ),
        (
            "loadbalancer without cluster ip",
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "lb"},
                   "spec": {"type": "LoadBalancer"}}),
            Status::InProgress,
            "ClusterIP not set",
        ),
        (
            "clusterip service",
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "svc"},
                   "spec": {"type": "ClusterIP", "clusterIP": "10.0.0.1"}}),
            Status::Current,
            "Service is ready",
        ),
        (
            "crd established",
            json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
                   "metadata": {"name": "widgets.example.com"},
                   "status": {"conditions": [cond("NamesAccepted", "True", "NoConflicts"),
                                             cond("Established", "True", "InitialNamesAccepted")]}}),
            Status::Current,
            "established",
        ),
        (
            "crd installing",
            json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
                   "metadata": {"name": "widgets.example.com"}, "status": {}}),
            Status::InProgress,
            "Install in progress",
        ),
        (
            "crd names conflict",
            json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
                   "metadata": {"name": "widgets.example.com"},
                   "status": {"conditions": [cond("NamesAccepted", "False", "Conflict")]}}),
            Status::Failed,
            "NamesAccepted is False",
        ),
        (
            "namespace active",
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "apps"},
                   "status": {"phase": "Active"}}),
            Status::Current,
            "active",
        ),
        (
            "configmap",
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}),
            Status::Current,
            "always ready",
        ),
        (
            "custom resource ready",
            json!({"apiVersion": "example.com/v1", "kind": "Widget",
                   "metadata": {"name": "w", "generation": 3},
                   "status": {"observedGeneration": 3, "conditions": [cond("Ready", "True", "Succeeded")]}}),
            Status::Current,
            "Ready is True",
        ),
        (
            "custom resource not ready",
            json!({"apiVersion": "example.com/v1", "kind": "Widget",
                   "metadata": {"name": "w", "generation": 3},
                   "status": {"observedGeneration": 3, "conditions": [cond("Ready", "False", "Failed")]}}),
            Status::InProgress,
            "Ready is False",
        ),
        (
            "custom resource stalled",
            json!({"apiVersion": "example.com/v1", "kind": "Widget",
                   "metadata": {"name": "w", "generation": 3},
                   "status": {"observedGeneration": 3, "conditions": [
                       cond("Stalled", "True", "InvalidSpec"), cond("Ready", "False", "InvalidSpec")]}}),
            Status::Failed,
            "Stalled is True",
        ),
        (
            "custom resource reconciling",
            json!({"apiVersion": "example.com/v1", "kind": "Widget",
                   "metadata": {"name": "w", "generation": 3},
                   "status": {"observedGeneration": 3, "conditions": [cond("Reconciling", "True", "Progressing")]}}),
            Status::InProgress,
            "Reconciling is True",
        ),
        (
            "custom resource without status",
            json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}),
            Status::Current,
            "Resource is current",
        ),
    ]
}

#[test]
fn kstatus_rules() {
    for (name, obj, status, fragment) in cases() {
        let health = compute_status(&obj);
        assert_eq!(health.status, status, "{name}: {health:?}");
        assert!(
            health.message.contains(fragment),
            "{name}: message {:?} lacks {fragment:?}",
            health.message
        );
    }
}
