//! The GitOps loop end to end: manifests pushed to the test Git server, fetched by Ferroflux's
//! source-controller, applied by its kustomize-controller (both running as local processes scoped
//! to the test namespace). What a user relies on: what is in Git is applied and Ready, changes are
//! followed, manual drift is undone, what leaves Git is pruned.

use std::time::Duration;

use ferroflux_e2e::{
    ClusterCleanup, Gitops, WAIT, config_map, deployment, ensure_cluster, eventually, files_under,
    fixtures_dir, inventory_ids, kustomization_ready, with_temp_namespace,
};
use ferroflux_runtime::conditions::get as get_condition;
use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::core::v1::{ConfigMap, Namespace, PersistentVolume};
use kube::Api;
use kube::api::PostParams;
use serde_json::json;

/// The podinfo overlays (dev, staging, production) as published, each into a namespace of its
/// own through `targetNamespace`, with `wait: true`: every object must pass its health check.
#[tokio::test]
async fn podinfo_overlays_deploy_and_pass_their_health_checks() {
    ensure_cluster();
    with_temp_namespace(|client, ns| async move {
        let deploy = files_under(&fixtures_dir().join("podinfo/deploy"), "");
        let files: Vec<(&str, &str)> = deploy
            .iter()
            .map(|(p, c)| (p.as_str(), c.as_str()))
            .collect();
        let (gitops, commit) = Gitops::start(client.clone(), &ns, &files).await;
        let envs = ["dev", "staging", "production"];
        let targets: Vec<String> = envs.iter().map(|env| format!("{ns}-{env}")).collect();
        // The namespaces are created (and garbage-collected) by the Kustomizations; the
        // PersistentVolumes are ours: the database's claim needs one to bind.
        let mut cleanup =
            ClusterCleanup(targets.iter().map(|t| format!("namespace/{t}")).collect());
        let volumes: Api<PersistentVolume> = Api::all(client.clone());
        for target in &targets {
            let volume: PersistentVolume = serde_json::from_value(json!({
                "metadata": {"name": target},
                "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"],
                         "hostPath": {"path": format!("/tmp/{target}")},
                         "claimRef": {"namespace": target, "name": "database-primary"}}
            }))
            .unwrap();
            volumes
                .create(&PostParams::default(), &volume)
                .await
                .expect("create PersistentVolume");
            cleanup.0.push(format!("persistentvolume/{target}"));
        }
        for (env, target) in envs.iter().zip(&targets) {
            let spec = json!({"path": format!("./overlays/{env}"), "targetNamespace": target,
                              "wait": true, "timeout": "4m"});
            gitops.apply_kustomization(env, spec).await;
        }
        for (env, target) in envs.iter().zip(&targets) {
            let ks = gitops.wait_applied(env, &commit).await;
            let healthy =
                get_condition(&ks.status.as_ref().unwrap().conditions, "Healthy").cloned();
            assert_eq!(
                healthy.map(|c| c.status),
                Some("True".to_string()),
                "{env}: {ks:?}"
            );
            // Health passed, so the workloads really are up.
            let deployments: Api<Deployment> = Api::namespaced(client.clone(), target);
            for name in ["backend", "frontend", "cache", "database-replica"] {
                let d = deployments
                    .get(name)
                    .await
                    .unwrap_or_else(|e| panic!("{target}/{name}: {e}"));
                let status = d.status.unwrap_or_default();
                assert!(
                    status.available_replicas.unwrap_or(0) >= 1,
                    "{target}/{name}: {status:?}"
                );
            }
            let primary = Api::<StatefulSet>::namespaced(client.clone(), target)
                .get("database-primary")
                .await
                .unwrap();
            assert_eq!(primary.status.unwrap().ready_replicas, Some(1), "{target}");
            // The overlay's Namespace object became the target namespace, with its labels.
            let namespace = Api::<Namespace>::all(client.clone())
                .get(target)
                .await
                .unwrap();
            let labels = namespace.metadata.labels.unwrap_or_default();
            assert_eq!(
                labels
                    .get("app.kubernetes.io/environment")
                    .map(String::as_str),
                Some(*env)
            );
            assert_eq!(labels["kustomize.toolkit.fluxcd.io/name"], *env);
        }
        // Deleting a Kustomization with prune garbage-collects everything it applied.
        gitops.delete_kustomization("dev").await;
        eventually("the dev namespace garbage-collected", WAIT, || async {
            let live = Api::<Namespace>::all(client.clone())
                .get_opt(&targets[0])
                .await
                .ok()?;
            live.is_none_or(|n| n.metadata.deletion_timestamp.is_some())
                .then_some(())
        })
        .await;
        drop(gitops);
        drop(cleanup);
    })
    .await;
}

/// A pushed change is applied; `kubectl scale`, an edit by another field manager and
/// `kubectl delete` are all undone by the next reconciliation. Ready goes through Flux's
/// conditions, and Kubernetes Events report the changes and the outcome.
#[tokio::test]
async fn pushed_changes_are_applied_and_manual_drift_is_undone() {
    ensure_cluster();
    with_temp_namespace(|client, ns| async move {
        let (gitops, first) = Gitops::start(
            client.clone(),
            &ns,
            &[
                ("app/deployment.yaml", &deployment("web", 2, "")),
                ("app/config.yaml", &config_map("web", "v1")),
            ],
        )
        .await;
        // Record every Ready state the Kustomization goes through, from its creation.
        let seen = record_ready_states(gitops.client.clone(), ns.clone(), "app").await;
        gitops
            .apply_kustomization("app", json!({"path": "./app", "targetNamespace": ns}))
            .await;
        gitops.wait_applied("app", &first).await;
        let deployments: Api<Deployment> = Api::namespaced(client.clone(), &ns);
        let config_maps: Api<ConfigMap> = Api::namespaced(client.clone(), &ns);
        eventually("web Available with 2 replicas", WAIT, || async {
            let status = deployments.get("web").await.ok()?.status?;
            (status.available_replicas == Some(2)).then_some(())
        })
        .await;
        let states = seen.await.expect("Ready states");
        assert_eq!(
            states.first().map(|(s, r)| (s.as_str(), r.as_str())),
            Some(("Unknown", "Progressing")),
            "Ready starts as Unknown/Progressing, as Flux's: {states:?}"
        );
        assert_eq!(
            states.last().map(|(s, r)| (s.as_str(), r.as_str())),
            Some(("True", "ReconciliationSucceeded")),
            "{states:?}"
        );
        let ks = gitops.kustomization("app").await.unwrap();
        let conditions = &ks.status.as_ref().unwrap().conditions;
        assert!(
            get_condition(conditions, "Reconciling").is_none(),
            "{conditions:?}"
        );
        assert!(
            get_condition(conditions, "Stalled").is_none(),
            "{conditions:?}"
        );

        // Events: what changed, then the outcome.
        let created = gitops
            .wait_event(
                "app",
                "Progressing",
                &format!("Deployment/{ns}/web created"),
            )
            .await;
        assert_eq!(created.type_.as_deref(), Some("Normal"));
        assert!(
            created
                .message
                .unwrap()
                .contains(&format!("ConfigMap/{ns}/web created"))
        );
        let done = gitops
            .wait_event("app", "ReconciliationSucceeded", &first)
            .await;
        assert_eq!(done.type_.as_deref(), Some("Normal"));
        assert_eq!(
            done.reporting_component.as_deref(),
            Some("kustomize-controller")
        );

        // A pushed change is followed.
        let second = gitops
            .push(
                &[
                    ("app/deployment.yaml", &deployment("web", 3, "")),
                    ("app/config.yaml", &config_map("web", "v2")),
                ],
                &[],
                "v2",
            )
            .await;
        gitops.wait_applied("app", &second).await;
        assert_eq!(
            config_maps.get("web").await.unwrap().data.unwrap()["key"],
            "v2"
        );
        assert_eq!(
            deployments.get("web").await.unwrap().spec.unwrap().replicas,
            Some(3)
        );
        gitops
            .wait_event(
                "app",
                "Progressing",
                &format!("Deployment/{ns}/web configured"),
            )
            .await;

        // Manual drift: scale, an edit of a managed field by another manager, a deletion.
        let old_uid = deployments.get("web").await.unwrap().metadata.uid;
        gitops.kubectl(&["scale", "deployment/web", "--replicas=5"]);
        gitops.kubectl(&[
            "patch",
            "configmap/web",
            "--field-manager=kubectl-edit",
            "-p",
            r#"{"data":{"key":"edited"}}"#,
        ]);
        assert_eq!(
            config_maps.get("web").await.unwrap().data.unwrap()["key"],
            "edited"
        );
        gitops.kubectl(&["delete", "deployment/web", "--wait=true"]);
        gitops.reconcile_now("app").await;
        eventually("drift undone", WAIT, || async {
            let d = deployments.get_opt("web").await.ok()??;
            let key = config_maps.get("web").await.ok()?.data?.remove("key")?;
            (d.metadata.uid != old_uid && d.spec?.replicas == Some(3) && key == "v2").then_some(())
        })
        .await;
        gitops.kubectl(&["scale", "deployment/web", "--replicas=1"]);
        gitops.reconcile_now("app").await;
        eventually("scale undone", WAIT, || async {
            (deployments.get("web").await.ok()?.spec?.replicas == Some(3)).then_some(())
        })
        .await;
    })
    .await;
}

/// Watches the Kustomization `name` from before it exists until it is Ready=True and returns
/// every distinct (status, reason) of its Ready condition in order. Returns once the watch is
/// established, so no state is missed however fast the controller is.
async fn record_ready_states(
    client: kube::Client,
    ns: String,
    name: &'static str,
) -> tokio::task::JoinHandle<Vec<(String, String)>> {
    use futures::StreamExt;
    use kube::runtime::watcher::{self, Event};
    use kube::runtime::{WatchStreamExt, watcher as watch};
    let (started, is_started) = tokio::sync::oneshot::channel();
    let handle = tokio::spawn(async move {
        let api: Api<ferroflux_api::kustomize::v1::Kustomization> = Api::namespaced(client, &ns);
        let config = watcher::Config::default().fields(&format!("metadata.name={name}"));
        let mut stream = watch(api, config).default_backoff().boxed();
        let mut started = Some(started);
        let mut states: Vec<(String, String)> = Vec::new();
        let deadline = tokio::time::Instant::now() + WAIT;
        while let Ok(Some(event)) = tokio::time::timeout_at(deadline, stream.next()).await {
            let ks = match event {
                Ok(Event::InitDone) => {
                    if let Some(started) = started.take() {
                        let _ = started.send(());
                    }
                    continue;
                }
                Ok(Event::Apply(ks) | Event::InitApply(ks)) => ks,
                _ => continue,
            };
            if let Some(ready) = kustomization_ready(&ks) {
                let state = (ready.status.clone(), ready.reason.clone());
                if states.last() != Some(&state) {
                    states.push(state);
                }
                if ready.status == "True" {
                    break;
                }
            }
        }
        states
    });
    is_started
        .await
        .expect("the watch of the Kustomization started");
    handle
}

/// A file removed from Git is pruned; one annotated `prune: disabled` is kept; deleting the
/// Kustomization garbage-collects the rest.
#[tokio::test]
async fn removed_files_are_pruned_unless_annotated() {
    ensure_cluster();
    with_temp_namespace(|client, ns| async move {
        let keep = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: keep\n  annotations:\n    \
                    kustomize.toolkit.fluxcd.io/prune: disabled\ndata:\n  key: kept\n";
        let (gitops, first) = Gitops::start(
            client.clone(),
            &ns,
            &[
                ("a.yaml", &config_map("a", "1")),
                ("b.yaml", &config_map("b", "1")),
                ("keep.yaml", keep),
            ],
        )
        .await;
        gitops
            .apply_kustomization("app", json!({"targetNamespace": ns}))
            .await;
        let ks = gitops.wait_applied("app", &first).await;
        assert_eq!(
            inventory_ids(&ks),
            [
                format!("{ns}_a__ConfigMap"),
                format!("{ns}_b__ConfigMap"),
                format!("{ns}_keep__ConfigMap")
            ]
        );
        let second = gitops
            .push(&[], &["b.yaml", "keep.yaml"], "drop b and keep")
            .await;
        let ks = gitops.wait_applied("app", &second).await;
        assert_eq!(inventory_ids(&ks), [format!("{ns}_a__ConfigMap")]);
        let config_maps: Api<ConfigMap> = Api::namespaced(client.clone(), &ns);
        // Prune runs before Ready, so b is already gone (or going).
        eventually("b pruned", Duration::from_secs(60), || async {
            config_maps.get_opt("b").await.ok()?.is_none().then_some(())
        })
        .await;
        assert!(
            config_maps.get_opt("keep").await.unwrap().is_some(),
            "keep was pruned"
        );
        gitops
            .wait_event("app", "Progressing", &format!("ConfigMap/{ns}/b deleted"))
            .await;

        gitops.delete_kustomization("app").await;
        assert!(
            config_maps.get_opt("a").await.unwrap().is_none(),
            "a not garbage-collected"
        );
        assert!(
            config_maps.get_opt("keep").await.unwrap().is_some(),
            "keep was garbage-collected"
        );
    })
    .await;
}
