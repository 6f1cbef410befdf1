//! The reconcile driver's life cycle, end to end with the controller binaries: SIGTERM in the
//! middle of a reconciliation stops at a safe point (everything applied and recorded, nothing
//! half done) and the next start finishes the work; a deleted object's metric series go away.

use std::process::Command;
use std::time::{Duration, Instant};

use ferroflux_api::source::v1::GitRepository;
use ferroflux_e2e::{
    Gitops, SOURCE, WAIT, config_map, deployment, ensure_cluster, eventually, inventory_ids,
    kustomization_ready, with_temp_namespace,
};
use k8s_openapi::api::core::v1::ConfigMap;
use kube::Api;
use kube::api::DeleteParams;
use serde_json::json;

/// A pod spec no kwok node accepts: the Deployment never becomes Available.
const UNSCHEDULABLE: &str = "      nodeSelector:\n        ferroflux.dev/no-such-node: \"true\"\n";

#[tokio::test]
async fn sigterm_during_a_reconcile_stops_at_a_safe_point_and_the_next_start_finishes() {
    ensure_cluster();
    with_temp_namespace(|client, ns| async move {
        let files = [
            ("a.yaml", config_map("a", "1")),
            ("b.yaml", config_map("b", "1")),
            ("web.yaml", deployment("web", 1, UNSCHEDULABLE)),
        ];
        let files: Vec<(&str, &str)> = files.iter().map(|(p, c)| (*p, c.as_str())).collect();
        let (mut gitops, _) = Gitops::start(client.clone(), &ns, &files).await;
        // The health check waits up to ten minutes: SIGTERM arrives while it waits.
        let spec = json!({"targetNamespace": ns, "timeout": "10m", "wait": true});
        gitops.apply_kustomization("app", spec).await;
        let config_maps: Api<ConfigMap> = Api::namespaced(client.clone(), &ns);
        eventually("both ConfigMaps applied", WAIT, || async {
            let a = config_maps.get_opt("a").await.ok()??;
            let b = config_maps.get_opt("b").await.ok()??;
            Some((a, b))
        })
        .await;
        // The apply finished; the reconciliation now waits for the Deployment.
        tokio::time::sleep(Duration::from_secs(2)).await;
        let started = Instant::now();
        let clean = gitops
            .controllers
            .terminate_kustomize_controller(Duration::from_secs(30));
        assert!(clean, "kustomize-controller exits successfully on SIGTERM");
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the health wait is cut, not waited out"
        );

        // Everything applied is recorded: a later prune or deletion can find all of it.
        let ks = gitops.kustomization("app").await.unwrap();
        let ready = kustomization_ready(&ks).expect("Ready");
        assert_eq!(
            (ready.status.as_str(), ready.reason.as_str()),
            ("False", "Progressing"),
            "{ready:?}"
        );
        assert!(ready.message.contains("shutdown"), "{}", ready.message);
        let mut ids = inventory_ids(&ks);
        ids.sort();
        assert_eq!(
            ids,
            [
                format!("{ns}_a__ConfigMap"),
                format!("{ns}_b__ConfigMap"),
                format!("{ns}_web_apps_Deployment"),
            ]
        );

        // The next start finishes: with a Deployment that can run, it becomes Ready.
        let fixed = deployment("web", 1, "");
        let commit = gitops
            .push(&[("web.yaml", &fixed)], &[], "schedulable")
            .await;
        gitops.controllers.start_kustomize_controller();
        let ks = gitops.wait_applied("app", &commit).await;
        assert_eq!(inventory_ids(&ks).len(), 3);
    })
    .await;
}

#[tokio::test]
async fn a_deleted_objects_metric_series_are_removed() {
    ensure_cluster();
    with_temp_namespace(|client, ns| async move {
        let files = [("a.yaml", config_map("a", "1"))];
        let files: Vec<(&str, &str)> = files.iter().map(|(p, c)| (*p, c.as_str())).collect();
        let (gitops, _) = Gitops::start(client.clone(), &ns, &files).await;
        let url = gitops.controllers.metrics_url("source-controller");
        let series = format!("name=\"{SOURCE}\",namespace=\"{ns}\"");
        let ready_series = format!(
            "gotk_reconcile_condition{{kind=\"GitRepository\",{series},type=\"Ready\",status=\"True\"}} 1"
        );
        eventually("Ready=True series of the GitRepository", WAIT, || async {
            metrics(&url).contains(&ready_series).then_some(())
        })
        .await;

        let repos: Api<GitRepository> = Api::namespaced(client.clone(), &ns);
        repos
            .delete(SOURCE, &DeleteParams::default())
            .await
            .expect("delete the GitRepository");
        eventually("the GitRepository is gone", WAIT, || async {
            repos.get_opt(SOURCE).await.ok()?.is_none().then_some(())
        })
        .await;
        let text = metrics(&url);
        assert!(
            !text.contains(&series),
            "no series of the deleted object may remain:\n{text}"
        );
    })
    .await;
}

/// The metrics page at `url` (curl: the test crate has no HTTP client of its own).
fn metrics(url: &str) -> String {
    let out = Command::new("curl")
        .args(["-sf", "--max-time", "5", url])
        .output()
        .expect("run curl");
    String::from_utf8_lossy(&out.stdout).into_owned()
}
