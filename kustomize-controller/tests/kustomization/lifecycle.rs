//! Deletion (garbage collection or orphaning) and service account impersonation.

use crate::harness::*;
use ferroflux_e2e::{config_map, ensure_cluster, eventually, install_crds, with_temp_namespace};
use k8s_openapi::api::core::v1::{ConfigMap, ServiceAccount};
use kube::api::{Api, DeleteParams, ObjectMeta};
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn deleting_a_kustomization_prunes_or_orphans_its_objects() {
    ensure_cluster();
    with_temp_namespace(|client, ns| async move {
        install_crds().await;
        let server = ArtifactServer::start().await;
        let artifact = server.publish(&[
            ("pruned/a.yaml", &config_map("pruned", "1")),
            ("orphaned/b.yaml", &config_map("orphaned", "1")),
        ]);
        set_git_repository(&client, &ns, "repo", &artifact).await;
        start_controller(&ns).await;
        apply_kustomization(
            &client,
            &ns,
            "gc",
            json!({"path": "pruned", "targetNamespace": ns}),
        )
        .await;
        apply_kustomization(
            &client,
            &ns,
            "keep",
            json!({"path": "orphaned", "targetNamespace": ns, "prune": false}),
        )
        .await;
        wait_ready(&client, &ns, "gc", "True", "Applied revision").await;
        wait_ready(&client, &ns, "keep", "True", "Applied revision").await;
        let finalizers = kustomization_api(&client, &ns)
            .get("gc")
            .await
            .unwrap()
            .metadata
            .finalizers;
        assert_eq!(finalizers, Some(vec!["finalizers.fluxcd.io".to_string()]));

        let api = kustomization_api(&client, &ns);
        for name in ["gc", "keep"] {
            api.delete(name, &DeleteParams::default()).await.unwrap();
        }
        eventually("Kustomizations gone", Duration::from_secs(30), || async {
            let gc = api.get_opt("gc").await.ok()?;
            let keep = api.get_opt("keep").await.ok()?;
            (gc.is_none() && keep.is_none()).then_some(())
        })
        .await;
        let cms: Api<ConfigMap> = Api::namespaced(client.clone(), &ns);
        eventually(
            "pruned ConfigMap deleted",
            Duration::from_secs(30),
            || async { cms.get_opt("pruned").await.ok()?.is_none().then_some(()) },
        )
        .await;
        assert!(
            cms.get_opt("orphaned").await.unwrap().is_some(),
            "prune: false orphans"
        );
    })
    .await;
}

#[tokio::test]
async fn service_account_impersonation_limits_what_is_applied() {
    ensure_cluster();
    with_temp_namespace(|client, ns| async move {
        install_crds().await;
        let server = ArtifactServer::start().await;
        let artifact = server.publish(&[("a.yaml", &config_map("a", "1"))]);
        set_git_repository(&client, &ns, "repo", &artifact).await;
        let accounts: Api<ServiceAccount> = Api::namespaced(client.clone(), &ns);
        let account = ServiceAccount {
            metadata: ObjectMeta {
                name: Some("no-rights".into()),
                ..Default::default()
            },
            ..Default::default()
        };
        accounts
            .create(&Default::default(), &account)
            .await
            .unwrap();
        start_controller(&ns).await;
        let spec = json!({"targetNamespace": ns, "serviceAccountName": "no-rights"});
        apply_kustomization(&client, &ns, "limited", spec).await;
        let message = wait_reason(&client, &ns, "limited", "False", "ReconciliationFailed").await;
        let who = format!("system:serviceaccount:{ns}:no-rights");
        assert!(
            message.contains(&who) && message.contains("forbidden"),
            "{message}"
        );
        let cms: Api<ConfigMap> = Api::namespaced(client.clone(), &ns);
        assert!(cms.get_opt("a").await.unwrap().is_none());
    })
    .await;
}

#[tokio::test]
async fn spec_overlay_settings_reach_the_objects_and_status_settles() {
    ensure_cluster();
    with_temp_namespace(|client, ns| async move {
        install_crds().await;
        let server = ArtifactServer::start().await;
        let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers: [{name: web, image: nginx:1.25}]\n";
        let artifact = server.publish(&[
            ("app/kustomization.yaml", "resources:\n  - web.yaml\n  - cm.yaml\n"),
            ("app/web.yaml", deployment),
            ("app/cm.yaml", &config_map("cfg", "1")),
        ]);
        set_git_repository(&client, &ns, "repo", &artifact).await;
        start_controller(&ns).await;
        let spec = json!({
            "path": "./app", "targetNamespace": ns, "namePrefix": "p-",
            "images": [{"name": "nginx", "newTag": "1.27"}],
            "patches": [{"patch": "- op: add\n  path: /data/extra\n  value: patched\n",
                         "target": {"kind": "ConfigMap"}}],
            "commonMetadata": {"labels": {"team": "platform"}, "annotations": {"owner": "ops"}}
        });
        apply_kustomization(&client, &ns, "overlay", spec).await;
        wait_ready(&client, &ns, "overlay", "True", "Applied revision").await;

        let cms: Api<ConfigMap> = Api::namespaced(client.clone(), &ns);
        let cm = cms.get("p-cfg").await.unwrap();
        assert_eq!(cm.data.unwrap()["extra"], "patched");
        assert_eq!(cm.metadata.labels.unwrap()["team"], "platform");
        assert_eq!(cm.metadata.annotations.unwrap()["owner"], "ops");
        let deployments: Api<k8s_openapi::api::apps::v1::Deployment> =
            Api::namespaced(client.clone(), &ns);
        let web = deployments.get("p-web").await.unwrap();
        let image = web.spec.unwrap().template.spec.unwrap().containers[0].image.clone();
        assert_eq!(image.as_deref(), Some("nginx:1.27"));

        // Once Ready, the status is not rewritten again and again.
        tokio::time::sleep(Duration::from_secs(2)).await;
        let before = kustomization_api(&client, &ns).get("overlay").await.unwrap().metadata.resource_version;
        tokio::time::sleep(Duration::from_secs(3)).await;
        let after = kustomization_api(&client, &ns).get("overlay").await.unwrap().metadata.resource_version;
        assert_eq!(before, after, "the Kustomization keeps changing");
    })
    .await;
}

#[tokio::test]
async fn suspended_kustomizations_are_left_alone_until_resumed() {
    ensure_cluster();
    with_temp_namespace(|client, ns| async move {
        install_crds().await;
        let server = ArtifactServer::start().await;
        let artifact = server.publish(&[("a.yaml", &config_map("a", "1"))]);
        set_git_repository(&client, &ns, "repo", &artifact).await;
        start_controller(&ns).await;
        apply_kustomization(
            &client,
            &ns,
            "paused",
            json!({"targetNamespace": ns, "suspend": true}),
        )
        .await;
        tokio::time::sleep(Duration::from_secs(3)).await;
        let cms: Api<ConfigMap> = Api::namespaced(client.clone(), &ns);
        assert!(
            cms.get_opt("a").await.unwrap().is_none(),
            "suspended: nothing applied"
        );
        assert_eq!(ready_of(&client, &ns, "paused").await, None);

        apply_kustomization(
            &client,
            &ns,
            "paused",
            json!({"targetNamespace": ns, "suspend": false}),
        )
        .await;
        wait_ready(&client, &ns, "paused", "True", "Applied revision").await;
        assert!(cms.get_opt("a").await.unwrap().is_some());
    })
    .await;
}
