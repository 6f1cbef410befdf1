//! The full `uninstall`: finalizers stripped, CRDs (and so every Flux object) deleted, workloads
//! kept. It deletes cluster-wide CRDs that parallel tests on the shared cluster depend on, so it is
//! ignored by default. Run it on a private cluster:
//!
//!   FERROFLUX_PORT_BASE=25000 FERROFLUX_CLUSTER_DIR=/tmp/ff-private FERROFLUX_SERVICES=0 \
//!     cargo test -p ferroflux-cli --test uninstall_crds -- --ignored
//!   FERROFLUX_PORT_BASE=25000 FERROFLUX_CLUSTER_DIR=/tmp/ff-private e2e/cluster/down.sh

use ferroflux_api::kustomize::v1::Kustomization;
use ferroflux_e2e::{api_resource, apply, ferroflux};
use k8s_openapi::api::core::v1::ConfigMap;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Api, DynamicObject, ListParams, Patch, PatchParams};
use serde_json::json;

#[tokio::test]
#[ignore = "deletes the shared Flux CRDs; run on a private cluster (see the file's doc)"]
async fn uninstall_removes_crds_and_keeps_workloads() {
    let client = ferroflux_e2e::ensure_cluster().client().await;
    ferroflux(&["install", "--timeout", "2m"]).await.expect_ok();

    // A Flux object with a finalizer no controller will ever run, and a workload it "applied".
    let apps = ferroflux_e2e::unique_name("ff-apps");
    let namespaces: Api<k8s_openapi::api::core::v1::Namespace> = Api::all(client.clone());
    let ns = json!({ "apiVersion": "v1", "kind": "Namespace", "metadata": { "name": apps } });
    namespaces
        .patch(&apps, &PatchParams::apply("test"), &Patch::Apply(&ns))
        .await
        .unwrap();
    apply(
        &client,
        &apps,
        &api_resource::<Kustomization>(),
        json!({
            "apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
            "metadata": { "name": "apps", "finalizers": ["finalizers.fluxcd.io"] },
            "spec": { "interval": "5m", "path": "./", "prune": true,
                      "sourceRef": { "kind": "GitRepository", "name": "repo" } }
        }),
    )
    .await;
    let workload: Api<ConfigMap> = Api::namespaced(client.clone(), &apps);
    let cm = json!({ "apiVersion": "v1", "kind": "ConfigMap", "metadata": { "name": "web",
        "labels": { "kustomize.toolkit.fluxcd.io/name": "apps" } } });
    workload
        .patch(
            "web",
            &PatchParams::apply("kustomize-controller"),
            &Patch::Apply(&cm),
        )
        .await
        .unwrap();

    let run = ferroflux(&["uninstall", "--silent", "--timeout", "2m"])
        .await
        .expect_ok();
    assert!(
        run.stdout
            .contains(&format!("Kustomization {apps}/apps finalizers removed")),
        "{}",
        run.stdout
    );

    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    let left = crds
        .list(&ListParams::default().labels("app.kubernetes.io/part-of=ferroflux"))
        .await
        .unwrap();
    assert!(left.items.is_empty(), "CRDs left: {}", left.items.len());
    assert!(namespaces.get_opt("flux-system").await.unwrap().is_none());
    assert!(
        workload.get_opt("web").await.unwrap().is_some(),
        "the workload must stay"
    );
    let ks: Api<DynamicObject> =
        Api::namespaced_with(client.clone(), &apps, &api_resource::<Kustomization>());
    assert!(
        ks.list(&ListParams::default()).await.is_err(),
        "the Kustomization kind is gone"
    );
    namespaces.delete(&apps, &Default::default()).await.unwrap();
}
