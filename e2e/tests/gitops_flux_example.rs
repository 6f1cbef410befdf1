//! Flux's own example repository (fluxcd/flux2-kustomize-helm-example, in the shared fixtures)
//! pushed to the test Git server, with its staging Kustomizations applied as written except for
//! where they come from:
//! - `metadata.namespace` flux-system becomes the test namespace (flux-system is not ours);
//! - the sources are the example's ArtifactGenerator outputs (ExternalArtifacts `infrastructure`
//!   and `apps`, which need a controller we do not have); they are replaced by the GitRepository
//!   `flux-system` that `flux bootstrap` would create, and each `path` is moved to where the
//!   generator copies from (`./controllers` -> `./infrastructure/controllers`, `./staging` ->
//!   `./apps/staging`).
//!
//! What needs only Git and kustomize applies: `infra-controllers` (Namespaces, OCIRepositories,
//! HelmReleases). Its `wait: true` then waits, as Flux does, until helm-controller and
//! source-controller have reconciled those objects; they would pull charts from quay.io and
//! docker.io, which the test machine cannot reach, so the test writes the Ready status those
//! controllers would write and checks that the Kustomization only then becomes Ready.
//! `infra-configs` needs cert-manager's CRDs, which only the cert-manager release would install:
//! it fails naming the unknown kind, and `apps`, which depends on it, waits.

use ferroflux_api::kustomize::v1::Kustomization;
use ferroflux_e2e::{
    ClusterCleanup, Gitops, WAIT, api_resource, ensure_cluster, eventually, files_under,
    fixtures_dir, inventory_ids, kustomization_ready, with_temp_namespace,
};
use k8s_openapi::api::core::v1::Namespace;
use kube::Api;
use kube::api::{ApiResource, DynamicObject, GroupVersionKind, Patch, PatchParams};
use serde_json::{Value, json};

/// The namespaces the example's infrastructure creates (cluster-wide names, as written).
const EXAMPLE_NAMESPACES: [&str; 2] = ["cert-manager", "envoy-gateway-system"];

/// The example's staging Kustomizations, pointed at the GitRepository `flux-system` in `ns`.
fn staging_kustomizations(ns: &str) -> Vec<Value> {
    let dir = fixtures_dir().join("flux2-kustomize-helm-example/clusters/staging");
    let mut out = Vec::new();
    for file in ["infrastructure.yaml", "apps.yaml"] {
        let text = std::fs::read_to_string(dir.join(file)).expect("example file");
        let docs: Vec<Value> = serde_saphyr::from_multiple(&text).expect("example YAML");
        for mut doc in docs.into_iter().filter(|d| d["kind"] == "Kustomization") {
            doc["metadata"]["namespace"] = json!(ns);
            // Where the example's ArtifactGenerator copies each artifact from.
            let prefix = match doc["spec"]["sourceRef"]["name"].as_str() {
                Some("infrastructure") => "./infrastructure/",
                Some("apps") => "./apps/",
                other => panic!("unexpected source {other:?}"),
            };
            let path = doc["spec"]["path"]
                .as_str()
                .unwrap()
                .trim_start_matches("./");
            doc["spec"]["path"] = json!(format!("{prefix}{path}"));
            doc["spec"]["sourceRef"] = json!({"kind": "GitRepository", "name": "flux-system"});
            out.push(doc);
        }
    }
    out
}

/// A namespaced dynamic API for a kind, by namespace.
fn api_of(
    client: &kube::Client,
    group: &str,
    version: &str,
    kind: &str,
    plural: &str,
) -> impl Fn(&str) -> Api<DynamicObject> {
    let resource =
        ApiResource::from_gvk_with_plural(&GroupVersionKind::gvk(group, version, kind), plural);
    let client = client.clone();
    move |namespace| Api::namespaced_with(client.clone(), namespace, &resource)
}

#[tokio::test]
async fn flux_example_kustomizations_apply_what_git_and_kustomize_can() {
    ensure_cluster();
    with_temp_namespace(|client, ns| async move {
        let namespaces: Api<Namespace> = Api::all(client.clone());
        // A previous run's namespaces may still be terminating; anything else there is not ours.
        for name in EXAMPLE_NAMESPACES {
            let what = format!("namespace {name} absent (this test creates and deletes it)");
            eventually(&what, WAIT, || async {
                namespaces.get_opt(name).await.ok()?.is_none().then_some(())
            })
            .await;
        }
        let _cleanup = ClusterCleanup(
            EXAMPLE_NAMESPACES
                .iter()
                .map(|n| format!("namespace/{n}"))
                .collect(),
        );
        let tree = files_under(&fixtures_dir().join("flux2-kustomize-helm-example"), "");
        let files: Vec<(&str, &str)> = tree.iter().map(|(p, c)| (p.as_str(), c.as_str())).collect();
        let (gitops, commit) = Gitops::start(client.clone(), &ns, &files).await;
        gitops
            .apply_git_repository("flux-system", &gitops.repo.http_url())
            .await;
        let kustomizations = staging_kustomizations(&ns);
        assert_eq!(
            kustomizations.len(),
            3,
            "infra-controllers, infra-configs, apps"
        );
        for ks in &kustomizations {
            ferroflux_e2e::apply(&client, &ns, &api_resource::<Kustomization>(), ks).await;
        }

        // Applied, then waiting for the health of the Flux objects it applied.
        let releases = api_of(
            &client,
            "helm.toolkit.fluxcd.io",
            "v2",
            "HelmRelease",
            "helmreleases",
        );
        let repositories = api_of(
            &client,
            "source.toolkit.fluxcd.io",
            "v1",
            "OCIRepository",
            "ocirepositories",
        );
        let flux_objects = [
            (&releases, "cert-manager", "cert-manager"),
            (&releases, "envoy-gateway-system", "envoy-gateway"),
            (&repositories, "cert-manager", "cert-manager"),
            (&repositories, "envoy-gateway-system", "gateway-helm"),
        ];
        for (api, namespace, name) in &flux_objects {
            eventually(&format!("{namespace}/{name} applied"), WAIT, || async {
                api(namespace).get_opt(name).await.ok()?
            })
            .await;
        }
        let waiting = gitops.kustomization("infra-controllers").await.unwrap();
        let ready = kustomization_ready(&waiting).expect("Ready condition");
        assert_eq!(
            (ready.status.as_str(), ready.reason.as_str()),
            ("Unknown", "Progressing"),
            "{ready:?}"
        );
        // What helm-controller and source-controller would write once reconciled.
        for (api, namespace, name) in &flux_objects {
            let status = json!({"status": {"observedGeneration": 1, "conditions": [{
                "type": "Ready", "status": "True", "reason": "Succeeded", "message": "stand-in",
                "lastTransitionTime": "2026-01-01T00:00:00Z", "observedGeneration": 1}]}});
            api(namespace)
                .patch_status(name, &PatchParams::default(), &Patch::Merge(&status))
                .await
                .unwrap_or_else(|e| panic!("status of {namespace}/{name}: {e}"));
        }
        let controllers = gitops.wait_applied("infra-controllers", &commit).await;
        let ids = inventory_ids(&controllers);
        for id in [
            "_cert-manager__Namespace",
            "cert-manager_cert-manager_helm.toolkit.fluxcd.io_HelmRelease",
            "envoy-gateway-system_gateway-helm_source.toolkit.fluxcd.io_OCIRepository",
        ] {
            assert!(ids.iter().any(|i| i == id), "{id} not in {ids:?}");
        }
        let release = releases("cert-manager")
            .get("cert-manager")
            .await
            .expect("HelmRelease applied");
        assert_eq!(release.data["spec"]["values"]["crds"]["enabled"], true);
        let labels = namespaces
            .get("cert-manager")
            .await
            .unwrap()
            .metadata
            .labels
            .unwrap();
        assert_eq!(labels["toolkit.fluxcd.io/tenant"], "sre-team");

        // Their retryInterval is 2m as written; ask for the retry now, as `flux reconcile` would.
        gitops.reconcile_now("infra-configs").await;
        gitops
            .wait_failed(
                "infra-configs",
                &commit,
                "ReconciliationFailed",
                "ClusterIssuer",
            )
            .await;
        gitops.reconcile_now("apps").await;
        gitops
            .wait_failed("apps", "", "DependencyNotReady", "infra-configs")
            .await;

        // Deleting infra-controllers garbage-collects what it created (prune: true).
        gitops.delete_kustomization("apps").await;
        gitops.delete_kustomization("infra-configs").await;
        gitops.delete_kustomization("infra-controllers").await;
        for name in EXAMPLE_NAMESPACES {
            eventually(&format!("namespace {name} deleted"), WAIT, || async {
                let live = namespaces.get_opt(name).await.ok()?;
                live.is_none_or(|n| n.metadata.deletion_timestamp.is_some())
                    .then_some(())
            })
            .await;
        }
    })
    .await;
}
