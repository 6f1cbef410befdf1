//! The control plane schedules and kwok "runs" workloads: a Deployment becomes Available.

use std::time::Duration;

use anyhow::Result;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Node, Pod};
use kube::Api;
use kube::api::{ListParams, PostParams};

use ferroflux_e2e::{ensure_cluster, eventually, with_temp_namespace};

fn deployment(name: &str, replicas: i32) -> Result<Deployment> {
    Ok(serde_json::from_value(serde_json::json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": { "name": name },
        "spec": {
            "replicas": replicas,
            "selector": { "matchLabels": { "app": name } },
            "template": {
                "metadata": { "labels": { "app": name } },
                "spec": { "containers": [{ "name": "app", "image": "example.invalid/app:1.0" }] }
            }
        }
    }))?)
}

#[tokio::test]
async fn kwok_nodes_are_ready() {
    let client = ensure_cluster().client().await;
    let nodes: Api<Node> = Api::all(client);
    let list = nodes.list(&ListParams::default()).await.unwrap();
    let ready = list
        .items
        .iter()
        .filter(|node| {
            node.status
                .as_ref()
                .and_then(|s| s.conditions.as_ref())
                .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
        })
        .count();
    assert!(ready >= 3, "expected at least 3 Ready nodes, got {ready}");
}

#[tokio::test]
async fn deployment_becomes_available_with_three_running_pods() {
    with_temp_namespace(|client, ns| async move {
        let deployments: Api<Deployment> = Api::namespaced(client.clone(), &ns);
        deployments
            .create(&PostParams::default(), &deployment("web", 3).unwrap())
            .await
            .unwrap();

        eventually(
            "Deployment web Available",
            Duration::from_secs(60),
            || async {
                let d = deployments.get("web").await.ok()?;
                let status = d.status?;
                let available = status
                    .conditions?
                    .iter()
                    .any(|c| c.type_ == "Available" && c.status == "True");
                (available && status.available_replicas == Some(3)).then_some(())
            },
        )
        .await;

        let pods: Api<Pod> = Api::namespaced(client, &ns);
        let list = pods
            .list(&ListParams::default().labels("app=web"))
            .await
            .unwrap();
        let running: Vec<_> = list
            .items
            .iter()
            .filter(|p| p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running"))
            .collect();
        assert_eq!(
            running.len(),
            3,
            "pods: {:#?}",
            list.items.iter().map(|p| &p.status).collect::<Vec<_>>()
        );
        // Scheduled by kube-scheduler onto kwok nodes.
        for pod in running {
            let node = pod
                .spec
                .as_ref()
                .and_then(|s| s.node_name.as_deref())
                .unwrap_or_default();
            assert!(
                node.starts_with("kwok-node-"),
                "pod scheduled on unexpected node {node:?}"
            );
        }
    })
    .await;
}
