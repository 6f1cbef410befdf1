//! The admin servers answer /healthz, /readyz and /metrics; leader election takes a Lease in the
//! test cluster and a second candidate waits while it is held.

use std::sync::Arc;
use std::time::Duration;

use ferroflux_runtime::admin::{Readiness, health_router, metrics_router, spawn_server};
use ferroflux_runtime::leader::acquire_leadership;
use ferroflux_runtime::metrics::{Metrics, ObjectLabels};

#[tokio::test]
async fn health_readiness_and_metrics_endpoints() {
    ferroflux_runtime::tls::install_crypto_provider();
    let readiness = Readiness::default();
    let health = spawn_server("127.0.0.1:0", health_router(readiness.clone()))
        .await
        .unwrap();
    let metrics = Arc::new(Metrics::new());
    metrics.observe_duration(
        &ObjectLabels {
            kind: "GitRepository".into(),
            name: "a".into(),
            namespace: "b".into(),
        },
        0.5,
    );
    let m = spawn_server("127.0.0.1:0", metrics_router(metrics))
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let get = |url: String| {
        let http = http.clone();
        async move { http.get(url).send().await.unwrap() }
    };
    assert_eq!(get(format!("http://{health}/healthz")).await.status(), 200);
    assert_eq!(get(format!("http://{health}/readyz")).await.status(), 503);
    readiness.set_ready();
    assert_eq!(get(format!("http://{health}/readyz")).await.status(), 200);
    let text = get(format!("http://{m}/metrics"))
        .await
        .text()
        .await
        .unwrap();
    assert!(text.contains("gotk_reconcile_duration_seconds_count{kind=\"GitRepository\",name=\"a\",namespace=\"b\"} 1"), "{text}");
}

#[tokio::test]
async fn leader_election_holds_a_lease() {
    let env = ferroflux_e2e::ensure_cluster();
    let name = ferroflux_e2e::unique_name("leader-test");
    let first = acquire_leadership(env.client().await, &name, "default", "one")
        .await
        .unwrap();
    assert!(*first.borrow());
    // a second candidate does not become leader while the first holds the lease
    let second = tokio::time::timeout(
        Duration::from_secs(3),
        acquire_leadership(env.client().await, &name, "default", "two"),
    )
    .await;
    assert!(
        second.is_err(),
        "second candidate became leader while the lease was held"
    );
    let leases: kube::Api<k8s_openapi::api::coordination::v1::Lease> =
        kube::Api::namespaced(env.client().await, "default");
    let lease = leases
        .get(&format!("{name}-leader-election"))
        .await
        .unwrap();
    assert_eq!(lease.spec.unwrap().holder_identity.as_deref(), Some("one"));
    let _ = leases
        .delete(&format!("{name}-leader-election"), &Default::default())
        .await;
    drop(first);
}
