//! kstatus rules on objects written by the real controllers of the test cluster (kwok nodes).

use ferroflux_e2e::{ensure_cluster, with_temp_namespace};
use ferroflux_runtime::health::Status;
use ferroflux_runtime::ssa::{ApplyOptions, ObjectRef, Owner, ResourceManager, WaitOptions};
use serde_json::{Value, json};
use std::time::Duration;

fn pod_template(app: &str) -> Value {
    json!({"metadata": {"labels": {"app": app}},
           "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
}

#[tokio::test]
async fn workloads_become_current_and_unbound_claims_stay_in_progress() {
    ensure_cluster();
    with_temp_namespace(|client, ns| async move {
        let owner = Owner { field_manager: "health-test".into(), group: "test".into() };
        let rm = ResourceManager::new(client, owner).with_poll_interval(Duration::from_millis(500));
        let current = vec![
            json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db", "namespace": ns},
                   "spec": {"replicas": 2, "serviceName": "db", "selector": {"matchLabels": {"app": "db"}},
                            "template": pod_template("db")}}),
            json!({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent", "namespace": ns},
                   "spec": {"selector": {"matchLabels": {"app": "agent"}}, "template": pod_template("agent")}}),
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "lb", "namespace": ns},
                   "spec": {"type": "LoadBalancer", "selector": {"app": "db"}, "ports": [{"port": 80}]}}),
            json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "once", "namespace": ns},
                   "spec": {"template": {"spec": {"restartPolicy": "Never",
                            "containers": [{"name": "c", "image": "busybox"}]}}}}),
        ];
        let claim = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
            "metadata": {"name": "data", "namespace": ns},
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}});
        let mut all = current.clone();
        all.push(claim.clone());
        rm.apply_all_staged(&all, &ApplyOptions::default()).await.unwrap();

        let ids: Vec<ObjectRef> = current.iter().map(|o| ObjectRef::from_object(o).unwrap()).collect();
        let wait = WaitOptions { timeout: Duration::from_secs(90), fail_fast: true };
        rm.wait_for_set(&ids, &wait).await.unwrap();

        let claim_id = ObjectRef::from_object(&claim).unwrap();
        let health = rm.status_of(&[claim_id]).await.unwrap();
        assert_eq!(health[0].status, Status::InProgress, "{health:?}");
        assert!(health[0].message.contains("PVC is not Bound"), "{health:?}");
    })
    .await;
}
