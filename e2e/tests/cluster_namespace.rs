//! `with_temp_namespace` cleans up after itself, also when the test body panics.

use std::time::Duration;

use k8s_openapi::api::core::v1::Namespace;
use kube::Api;

use ferroflux_e2e::{ensure_cluster, eventually, with_temp_namespace};

/// The namespace is gone or terminating (deletion requested).
async fn deleted(namespaces: &Api<Namespace>, name: &str) -> bool {
    match namespaces.get_opt(name).await.unwrap() {
        None => true,
        Some(ns) => ns.metadata.deletion_timestamp.is_some(),
    }
}

#[tokio::test]
async fn namespace_is_deleted_after_success() {
    let name = with_temp_namespace(|_, ns| async move { ns }).await;
    let namespaces: Api<Namespace> = Api::all(ensure_cluster().client().await);
    assert!(
        deleted(&namespaces, &name).await,
        "namespace {name} still active"
    );
    // kube-controller-manager's namespace controller finishes the deletion.
    eventually("namespace removal", Duration::from_secs(60), || async {
        namespaces
            .get_opt(&name)
            .await
            .unwrap()
            .is_none()
            .then_some(())
    })
    .await;
}

#[tokio::test]
async fn namespace_is_deleted_when_the_body_panics_and_the_panic_propagates() {
    let (tx, rx) = std::sync::mpsc::channel();
    let outcome = tokio::spawn(with_temp_namespace(move |_, ns| async move {
        tx.send(ns).unwrap();
        panic!("deliberate test panic");
    }))
    .await;
    let err = outcome.expect_err("the panic must propagate out of with_temp_namespace");
    assert!(err.is_panic());
    let name = rx.recv().unwrap();
    let namespaces: Api<Namespace> = Api::all(ensure_cluster().client().await);
    assert!(
        deleted(&namespaces, &name).await,
        "namespace {name} was not deleted after a panic"
    );
}
