//! Kustomization reconciler against the real test cluster, with a local artifact server standing
//! in for source-controller.

use crate::harness::*;
use ferroflux_e2e::{config_map, ensure_cluster, eventually, install_crds, with_temp_namespace};
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, Patch, PatchParams};
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn applies_reverts_drift_and_prunes_removed_files() {
    ensure_cluster();
    with_temp_namespace(|client, ns| async move {
        install_crds().await;
        let server = ArtifactServer::start().await;
        let first = server.publish(&[
            ("deploy/a.yaml", &config_map("a", "1")),
            ("deploy/b.yaml", &config_map("b", "1")),
        ]);
        set_git_repository(&client, &ns, "repo", &first).await;
        start_controller(&ns).await;
        apply_kustomization(&client, &ns, "app", json!({"path": "./deploy", "targetNamespace": ns})).await;
        wait_ready(&client, &ns, "app", "True", &format!("Applied revision: {}", first.revision)).await;

        let cms: Api<ConfigMap> = Api::namespaced(client.clone(), &ns);
        let a = cms.get("a").await.unwrap();
        let labels = a.metadata.labels.unwrap();
        assert_eq!(labels["kustomize.toolkit.fluxcd.io/name"], "app");
        assert_eq!(labels["kustomize.toolkit.fluxcd.io/namespace"], ns);
        let inventory = status_field(&client, &ns, "app", "/inventory/entries").await;
        assert_eq!(
            inventory,
            json!([{"id": format!("{ns}_a__ConfigMap"), "v": "v1"}, {"id": format!("{ns}_b__ConfigMap"), "v": "v1"}])
        );

        // Drift: a manual edit is reverted on the next reconciliation (requested by annotation).
        let edit = json!({"data": {"key": "edited"}});
        cms.patch("a", &PatchParams::default(), &Patch::Merge(&edit)).await.unwrap();
        let request = json!({"metadata": {"annotations": {"reconcile.fluxcd.io/requestedAt": "now-1"}}});
        kustomization_api(&client, &ns)
            .patch("app", &PatchParams::default(), &Patch::Merge(&request))
            .await
            .unwrap();
        eventually("drift reverted", Duration::from_secs(30), || async {
            let a = cms.get("a").await.ok()?;
            (a.data?["key"] == "1").then_some(())
        })
        .await;
        eventually("requestedAt handled", Duration::from_secs(30), || async {
            let handled = status_field(&client, &ns, "app", "/lastHandledReconcileAt").await;
            (handled == "now-1").then_some(())
        })
        .await;

        // A file removed from the source is pruned.
        let second = server.publish(&[("deploy/a.yaml", &config_map("a", "1"))]);
        set_git_repository(&client, &ns, "repo", &second).await;
        wait_ready(&client, &ns, "app", "True", &second.revision).await;
        eventually("b pruned", Duration::from_secs(30), || async {
            cms.get_opt("b").await.ok()?.is_none().then_some(())
        })
        .await;
        assert!(cms.get_opt("a").await.unwrap().is_some());
    })
    .await;
}

#[tokio::test]
async fn broken_revisions_keep_the_previous_objects() {
    ensure_cluster();
    with_temp_namespace(|client, ns| async move {
        install_crds().await;
        let server = ArtifactServer::start().await;
        let good = server.publish(&[("a.yaml", &config_map("a", "good"))]);
        set_git_repository(&client, &ns, "repo", &good).await;
        start_controller(&ns).await;
        apply_kustomization(&client, &ns, "app", json!({"targetNamespace": ns, "retryInterval": "2s"})).await;
        wait_ready(&client, &ns, "app", "True", &good.revision).await;
        let cms: Api<ConfigMap> = Api::namespaced(client.clone(), &ns);

        let invalid_yaml = server.publish(&[("a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: [oops\n")]);
        set_git_repository(&client, &ns, "repo", &invalid_yaml).await;
        let message = wait_reason(&client, &ns, "app", "False", "BuildFailed").await;
        assert!(message.starts_with("failed to generate kustomization.yaml: a.yaml: invalid YAML"), "{message}");

        let missing_file = server.publish(&[
            ("kustomization.yaml", "resources:\n  - a.yaml\n  - missing.yaml\n"),
            ("a.yaml", &config_map("a", "changed")),
        ]);
        set_git_repository(&client, &ns, "repo", &missing_file).await;
        let message = wait_ready(&client, &ns, "app", "False", "missing.yaml").await;
        assert!(message.starts_with("kustomize build failed: kustomization.yaml:"), "{message}");

        let rejected = server.publish(&[
            ("a.yaml", &config_map("a", "changed")),
            (
                "deploy.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: broken\nspec:\n  replicas: three\n  selector:\n    matchLabels: {app: x}\n  template:\n    metadata:\n      labels: {app: x}\n    spec:\n      containers: [{name: c, image: nginx}]\n",
            ),
        ]);
        set_git_repository(&client, &ns, "repo", &rejected).await;
        let message = wait_ready(&client, &ns, "app", "False", "dry-run failed").await;
        assert!(message.contains(&format!("Deployment/{ns}/broken")), "{message}");

        // Through all of this the last good state stays: same data, same inventory.
        assert_eq!(cms.get("a").await.unwrap().data.unwrap()["key"], "good");
        let applied = status_field(&client, &ns, "app", "/lastAppliedRevision").await;
        assert_eq!(applied, good.revision.as_str());
        let attempted = status_field(&client, &ns, "app", "/lastAttemptedRevision").await;
        assert_eq!(attempted, rejected.revision.as_str());
    })
    .await;
}

#[tokio::test]
async fn depends_on_waits_for_the_dependency() {
    ensure_cluster();
    with_temp_namespace(|client, ns| async move {
        install_crds().await;
        let server = ArtifactServer::start().await;
        let artifact = server.publish(&[
            ("first/a.yaml", &config_map("first", "1")),
            ("second/b.yaml", &config_map("second", "1")),
        ]);
        set_git_repository(&client, &ns, "repo", &artifact).await;
        start_controller(&ns).await;
        let second = json!({"path": "./second", "targetNamespace": ns, "retryInterval": "1s",
                            "dependsOn": [{"name": "first"}]});
        apply_kustomization(&client, &ns, "second", second).await;
        let message = wait_ready(&client, &ns, "second", "False", "dependency").await;
        assert!(message.contains(&format!("'{ns}/first'")), "{message}");
        let (_, reason, _) = ready_of(&client, &ns, "second").await.unwrap();
        assert_eq!(reason, "DependencyNotReady");
        let cms: Api<ConfigMap> = Api::namespaced(client.clone(), &ns);
        assert!(cms.get_opt("second").await.unwrap().is_none());

        apply_kustomization(
            &client,
            &ns,
            "first",
            json!({"path": "./first", "targetNamespace": ns}),
        )
        .await;
        wait_ready(&client, &ns, "first", "True", "Applied revision").await;
        wait_ready(&client, &ns, "second", "True", "Applied revision").await;
        assert!(cms.get_opt("second").await.unwrap().is_some());
    })
    .await;
}

#[tokio::test]
async fn health_checks_name_the_failing_object_and_wait_succeeds() {
    ensure_cluster();
    with_temp_namespace(|client, ns| async move {
        install_crds().await;
        let server = ArtifactServer::start().await;
        let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers: [{name: web, image: nginx}]\n";
        let artifact = server.publish(&[("web.yaml", deployment)]);
        set_git_repository(&client, &ns, "repo", &artifact).await;
        start_controller(&ns).await;

        let failing = json!({"targetNamespace": ns, "timeout": "3s", "retryInterval": "30s",
            "healthChecks": [{"apiVersion": "v1", "kind": "ConfigMap", "name": "never-created"}]});
        apply_kustomization(&client, &ns, "checks", failing).await;
        let message = wait_ready(&client, &ns, "checks", "False", "health check failed").await;
        assert!(message.contains(&format!("ConfigMap/{ns}/never-created status: 'NotFound'")), "{message}");
        let (_, reason, _) = ready_of(&client, &ns, "checks").await.unwrap();
        assert_eq!(reason, "HealthCheckFailed");

        apply_kustomization(&client, &ns, "waits", json!({"targetNamespace": ns, "wait": true, "timeout": "60s"})).await;
        wait_ready(&client, &ns, "waits", "True", "Applied revision").await;
        let conditions = status_field(&client, &ns, "waits", "/conditions").await;
        let healthy = conditions.as_array().unwrap().iter().find(|c| c["type"] == "Healthy").cloned();
        assert_eq!(healthy.map(|c| c["status"].clone()), Some(json!("True")), "{conditions}");
    })
    .await;
}

#[tokio::test]
async fn post_build_substitution_and_unsupported_fields() {
    ensure_cluster();
    with_temp_namespace(|client, ns| async move {
        install_crds().await;
        let server = ArtifactServer::start().await;
        let template = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg-${env}\ndata:\n  region: ${region:=eu}\n  team: ${team}\n  literal: $${kept}\n";
        let artifact = server.publish(&[("cm.yaml", template)]);
        set_git_repository(&client, &ns, "repo", &artifact).await;
        let vars = ConfigMap {
            metadata: kube::api::ObjectMeta { name: Some("vars".into()), ..Default::default() },
            data: Some([("team".to_string(), "platform".to_string())].into()),
            ..Default::default()
        };
        let cms: Api<ConfigMap> = Api::namespaced(client.clone(), &ns);
        cms.create(&Default::default(), &vars).await.unwrap();
        start_controller(&ns).await;
        let spec = json!({"targetNamespace": ns, "postBuild": {
            "substitute": {"env": "prod"},
            "substituteFrom": [{"kind": "ConfigMap", "name": "vars"},
                               {"kind": "Secret", "name": "absent", "optional": true}]}});
        apply_kustomization(&client, &ns, "subst", spec).await;
        wait_ready(&client, &ns, "subst", "True", "Applied revision").await;
        let data = cms.get("cfg-prod").await.unwrap().data.unwrap();
        assert_eq!((data["region"].as_str(), data["team"].as_str()), ("eu", "platform"));
        assert_eq!(data["literal"], "${kept}");

        let sops = json!({"targetNamespace": ns, "decryption": {"provider": "sops"}});
        apply_kustomization(&client, &ns, "sops", sops).await;
        let message = wait_ready(&client, &ns, "sops", "False", "spec.decryption").await;
        let conditions = status_field(&client, &ns, "sops", "/conditions").await;
        let stalled = conditions.as_array().unwrap().iter().any(|c| c["type"] == "Stalled" && c["status"] == "True");
        assert!(stalled, "{message}: {conditions}");
    })
    .await;
}
