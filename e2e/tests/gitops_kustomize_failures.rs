//! What the GitOps loop does when things go wrong, end to end through the real Git server and
//! source-controller: a bad commit or an unreachable source makes the Kustomization Ready=False
//! with the error, and what was running stays (nothing pruned, nothing changed); dependencies
//! order Kustomizations; health checks time out naming the object.

use ferroflux_e2e::{
    ClusterCleanup, Gitops, WAIT, config_map, deployment, ensure_cluster, eventually,
    inventory_ids, with_temp_namespace,
};
use ferroflux_runtime::conditions::get as get_condition;
use k8s_openapi::api::core::v1::{ConfigMap, Namespace};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::Api;
use serde_json::json;

/// Reads ConfigMap `name`'s `key`, or `None` when it does not exist.
async fn value_of(config_maps: &Api<ConfigMap>, name: &str) -> Option<String> {
    config_maps
        .get_opt(name)
        .await
        .unwrap()?
        .data?
        .remove("key")
}

#[tokio::test]
async fn broken_commits_and_an_unreachable_source_keep_the_previous_objects() {
    ensure_cluster();
    with_temp_namespace(|client, ns| async move {
        let (mut gitops, good) = Gitops::start(
            client.clone(),
            &ns,
            &[
                ("a.yaml", &config_map("a", "1")),
                ("b.yaml", &config_map("b", "1")),
            ],
        )
        .await;
        gitops
            .apply_kustomization("app", json!({"targetNamespace": ns}))
            .await;
        let good_revision = gitops
            .wait_applied("app", &good)
            .await
            .status
            .unwrap()
            .last_applied_revision;
        let config_maps: Api<ConfigMap> = Api::namespaced(client.clone(), &ns);
        // Every broken commit also drops b.yaml and changes a: neither may reach the cluster.
        let unchanged = || async {
            assert_eq!(
                value_of(&config_maps, "a").await.as_deref(),
                Some("1"),
                "a changed"
            );
            assert_eq!(
                value_of(&config_maps, "b").await.as_deref(),
                Some("1"),
                "b pruned"
            );
            let ks = gitops.kustomization("app").await.unwrap();
            assert_eq!(ks.status.unwrap().last_applied_revision, good_revision);
        };

        // Invalid YAML.
        let a2 = config_map("a", "2");
        let commit = gitops
            .push(
                &[
                    ("a.yaml", &a2),
                    ("broken.yaml", "kind: ConfigMap\nmetadata: [unclosed\n"),
                ],
                &["b.yaml"],
                "bad yaml",
            )
            .await;
        gitops
            .wait_failed("app", &commit, "BuildFailed", "broken.yaml")
            .await;
        unchanged().await;

        // A kustomization.yaml naming a file that does not exist.
        let missing = "resources:\n  - a.yaml\n  - missing.yaml\n";
        let commit = gitops
            .push(
                &[("kustomization.yaml", missing)],
                &["broken.yaml"],
                "missing file",
            )
            .await;
        gitops
            .wait_failed("app", &commit, "BuildFailed", "missing.yaml")
            .await;
        unchanged().await;

        // An object the API server refuses (a name that is not a DNS subdomain): the dry-run of
        // the whole set fails before anything is applied.
        let rejected = "resources:\n  - a.yaml\n  - rejected.yaml\n";
        let commit = gitops
            .push(
                &[
                    ("kustomization.yaml", rejected),
                    ("rejected.yaml", &config_map("Not_Valid", "x")),
                ],
                &[],
                "rejected",
            )
            .await;
        let ks = gitops
            .wait_failed("app", &commit, "ReconciliationFailed", "Not_Valid")
            .await;
        let message = get_condition(&ks.status.unwrap().conditions, "Ready")
            .unwrap()
            .message
            .clone();
        assert!(message.contains("dry-run failed"), "{message}");
        unchanged().await;

        // A good commit again: applied, and b (gone from Git since the first bad commit) pruned.
        let fixed = gitops
            .push(
                &[("kustomization.yaml", "resources:\n  - a.yaml\n")],
                &["rejected.yaml"],
                "fixed",
            )
            .await;
        gitops.wait_applied("app", &fixed).await;
        assert_eq!(value_of(&config_maps, "a").await.as_deref(), Some("2"));
        assert_eq!(
            value_of(&config_maps, "b").await,
            None,
            "b not pruned after recovery"
        );

        // The source's artifact server is down and the spec changes, so the artifact must be
        // fetched again (a build of the same artifact and settings is reused without fetching).
        gitops.controllers.stop_source_controller();
        gitops
            .apply_kustomization("app", json!({"targetNamespace": ns, "path": "./"}))
            .await;
        gitops
            .wait_failed("app", "", "ArtifactFailed", "failed to fetch artifact")
            .await;
        assert_eq!(
            value_of(&config_maps, "a").await.as_deref(),
            Some("2"),
            "a changed"
        );
        let ks = gitops.kustomization("app").await.unwrap();
        assert!(
            ks.status
                .unwrap()
                .last_applied_revision
                .unwrap()
                .ends_with(&fixed)
        );
        // And it recovers when the source is back.
        gitops.controllers.start_source_controller();
        gitops.reconcile_now("app").await;
        gitops.wait_applied("app", &fixed).await;
    })
    .await;
}

/// `dependsOn`: the dependent waits (Ready=False, DependencyNotReady, nothing applied) until its
/// dependency is Ready, then applies.
#[tokio::test]
async fn depends_on_orders_kustomizations() {
    ensure_cluster();
    with_temp_namespace(|client, ns| async move {
        let (gitops, commit) = Gitops::start(
            client.clone(),
            &ns,
            &[
                ("first/cm.yaml", &config_map("first", "1")),
                ("second/cm.yaml", &config_map("second", "1")),
            ],
        )
        .await;
        let second =
            json!({"path": "./second", "targetNamespace": ns, "dependsOn": [{"name": "first"}]});
        gitops.apply_kustomization("second", second).await;
        gitops
            .wait_failed("second", "", "DependencyNotReady", "first")
            .await;
        let config_maps: Api<ConfigMap> = Api::namespaced(client.clone(), &ns);
        assert_eq!(
            value_of(&config_maps, "second").await,
            None,
            "applied before its dependency"
        );

        gitops
            .apply_kustomization("first", json!({"path": "./first", "targetNamespace": ns}))
            .await;
        let first = gitops.wait_applied("first", &commit).await;
        gitops.wait_applied("second", &commit).await;
        // The dependent's objects were created only once the dependency was Ready.
        let first_ready: Time = get_condition(&first.status.unwrap().conditions, "Ready")
            .unwrap()
            .last_transition_time
            .clone();
        let created = config_maps
            .get("second")
            .await
            .unwrap()
            .metadata
            .creation_timestamp
            .unwrap();
        assert!(
            created.0 >= first_ready.0,
            "second created {created:?} before first Ready {first_ready:?}"
        );
    })
    .await;
}

/// A Deployment that can never become Available (its nodeSelector matches no node) fails the
/// health check after `timeout`, and the condition names it.
#[tokio::test]
async fn health_check_fails_after_timeout_naming_the_deployment() {
    ensure_cluster();
    with_temp_namespace(|client, ns| async move {
        let unschedulable = "      nodeSelector:\n        ferroflux.dev/no-such-node: \"true\"\n";
        let (gitops, commit) = Gitops::start(
            client.clone(),
            &ns,
            &[("stuck.yaml", &deployment("stuck", 1, unschedulable)), ("ok.yaml", &config_map("ok", "1"))],
        )
        .await;
        let spec = json!({"targetNamespace": ns, "timeout": "15s", "retryInterval": "1h",
                          "healthChecks": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "stuck", "namespace": ns}]});
        gitops.apply_kustomization("app", spec).await;
        let needle = format!("Deployment/{ns}/stuck");
        let ks = gitops.wait_failed("app", &commit, "HealthCheckFailed", &needle).await;
        let status = ks.status.unwrap();
        let healthy = get_condition(&status.conditions, "Healthy").expect("Healthy condition");
        assert_eq!((healthy.status.as_str(), healthy.reason.as_str()), ("False", "HealthCheckFailed"));
        assert!(healthy.message.contains(&needle), "{}", healthy.message);
        let ready = get_condition(&status.conditions, "Ready").unwrap();
        assert!(ready.message.contains("15s"), "the timeout is named: {}", ready.message);
        // The objects were applied; only the health check failed.
        let config_maps: Api<ConfigMap> = Api::namespaced(client.clone(), &ns);
        assert_eq!(value_of(&config_maps, "ok").await.as_deref(), Some("1"));
        assert_eq!(status.last_applied_revision, None);
        gitops.wait_event("app", "HealthCheckFailed", &needle).await;
    })
    .await;
}

/// A commit whose Namespace is applied (first stage) before the rest is refused: the Namespace is
/// recorded in the inventory although the apply failed, so when the commit is reverted it is
/// pruned instead of being left behind.
#[tokio::test]
async fn objects_applied_before_a_failure_are_tracked_and_pruned_later() {
    ensure_cluster();
    with_temp_namespace(|client, ns| async move {
        let a = format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: {ns}\ndata:\n  key: \"1\"\n");
        let (gitops, good) = Gitops::start(client.clone(), &ns, &[("a.yaml", &a)]).await;
        gitops.apply_kustomization("app", json!({})).await;
        gitops.wait_applied("app", &good).await;

        let extra = format!("{ns}-extra");
        let _cleanup = ClusterCleanup(vec![format!("namespace/{extra}")]);
        let namespace = format!("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {extra}\n");
        let invalid = format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Not_Valid\n  namespace: {extra}\n");
        let bad = gitops.push(&[("extra/ns.yaml", &namespace), ("extra/cm.yaml", &invalid)], &[], "partial").await;
        let ks = gitops.wait_failed("app", &bad, "ReconciliationFailed", "Not_Valid").await;
        let ids = inventory_ids(&ks);
        assert!(ids.contains(&format!("_{extra}__Namespace")), "{ids:?}");
        assert!(ids.contains(&format!("{ns}_a__ConfigMap")), "{ids:?}");
        let namespaces: Api<Namespace> = Api::all(client.clone());
        assert!(namespaces.get_opt(&extra).await.unwrap().is_some());

        let reverted = gitops.push(&[], &["extra"], "revert").await;
        let ks = gitops.wait_applied("app", &reverted).await;
        assert_eq!(inventory_ids(&ks), [format!("{ns}_a__ConfigMap")]);
        eventually("the namespace pruned", WAIT, || async {
            let live = namespaces.get_opt(&extra).await.ok()?;
            live.is_none_or(|n| n.metadata.deletion_timestamp.is_some()).then_some(())
        })
        .await;
    })
    .await;
}
