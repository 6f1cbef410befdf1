//! get / suspend / resume / reconcile / events / tree on real objects in a temporary namespace.
//! No controller runs here: where a controller's answer is needed, the test writes it itself.

use std::time::Duration;

use tokio::io::{AsyncBufReadExt as _, BufReader};

use ferroflux_api::helm::v2::HelmRelease;
use ferroflux_api::kustomize::v1::Kustomization;
use ferroflux_api::source::v1::GitRepository;
use ferroflux_e2e::{
    api_resource, apply, ensure_cluster, ferroflux, install_crds, ready_condition, set_status,
};
use kube::Client;
use kube::api::{Api, ApiResource, DynamicObject, Patch, PatchParams};
use serde_json::{Value, json};

fn repo(name: &str) -> Value {
    json!({
        "apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
        "metadata": { "name": name },
        "spec": { "url": "https://example.invalid/repo.git", "interval": "1m",
                  "ref": { "branch": "main" } }
    })
}

fn ks(name: &str, source: &str) -> Value {
    json!({
        "apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
        "metadata": { "name": name },
        "spec": { "interval": "5m", "path": "./deploy", "prune": true,
                  "sourceRef": { "kind": "GitRepository", "name": source } }
    })
}

/// Plays the controller: whenever `reconcile.fluxcd.io/requestedAt` differs from
/// `status.lastHandledReconcileAt`, writes it back with a Ready condition.
fn fake_controller(
    client: Client,
    ns: String,
    resource: ApiResource,
    message: &'static str,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let api: Api<DynamicObject> = Api::namespaced_with(client, &ns, &resource);
        loop {
            if let Ok(list) = api.list(&Default::default()).await {
                for obj in list.items {
                    let requested = obj
                        .metadata
                        .annotations
                        .as_ref()
                        .and_then(|a| a.get("reconcile.fluxcd.io/requestedAt"))
                        .cloned();
                    let handled = obj
                        .data
                        .pointer("/status/lastHandledReconcileAt")
                        .and_then(Value::as_str)
                        .map(str::to_string);
                    if let Some(requested) = requested.filter(|r| Some(r) != handled.as_ref()) {
                        let status = json!({ "status": {
                            "lastHandledReconcileAt": requested,
                            "observedGeneration": obj.metadata.generation,
                            "artifact": { "revision": "main@sha1:0123456789abcdef0123456789abcdef01234567" },
                            "lastAppliedRevision": "main@sha1:0123456789abcdef0123456789abcdef01234567",
                            "conditions": [ready_condition("True", "Succeeded", message)],
                        }});
                        let name = obj.metadata.name.clone().unwrap();
                        let _ = api
                            .patch_status(&name, &PatchParams::default(), &Patch::Merge(&status))
                            .await;
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    })
}

#[tokio::test]
async fn get_suspend_resume_reconcile() {
    install_crds().await;
    ferroflux_e2e::with_temp_namespace(|client, ns| async move {
        apply(&client, &ns, &api_resource::<GitRepository>(), repo("podinfo")).await;
        apply(&client, &ns, &api_resource::<Kustomization>(), ks("apps", "podinfo")).await;

        // Not reconciled yet.
        let run = ferroflux(&["get", "sources", "git", "-n", &ns]).await.expect_ok();
        let lines: Vec<&str> = run.stdout.lines().collect();
        assert_eq!(lines[0].split_whitespace().collect::<Vec<_>>(), ["NAME", "REVISION", "SUSPENDED", "READY", "MESSAGE"]);
        assert!(lines[1].starts_with("podinfo "), "{}", run.stdout);
        assert!(lines[1].contains("Unknown"), "{}", run.stdout);

        // A controller reported success.
        set_status(&client, &ns, &api_resource::<GitRepository>(), "podinfo", json!({
            "artifact": { "revision": "main@sha1:abc123", "path": "p", "url": "http://x", "digest": "sha256:00", "lastUpdateTime": "2026-01-01T00:00:00Z" },
            "conditions": [ready_condition("True", "Succeeded", "stored artifact for revision 'main@sha1:abc123'")],
        })).await;
        let run = ferroflux(&["get", "sources", "git", "-n", &ns]).await.expect_ok();
        let row = run.stdout.lines().nth(1).unwrap().to_string();
        assert!(row.contains("main@sha1:abc123"), "{row}");
        assert!(row.contains("False") && row.contains("True"), "{row}");
        assert!(row.ends_with("stored artifact for revision 'main@sha1:abc123'"), "{row}");

        // get all shows both kinds, prefixed; -A adds the namespace column.
        let all = ferroflux(&["get", "all", "-n", &ns]).await.expect_ok();
        assert!(all.stdout.contains("gitrepository/podinfo"), "{}", all.stdout);
        assert!(all.stdout.contains("kustomization/apps"), "{}", all.stdout);
        let every = ferroflux(&["get", "ks", "-A"]).await.expect_ok();
        assert!(every.stdout.starts_with("NAMESPACE"), "{}", every.stdout);
        assert!(every.stdout.lines().any(|l| l.starts_with(&ns)), "{}", every.stdout);

        // --watch prints the header, then a row per change.
        let mut watch = tokio::process::Command::new(env!("CARGO_BIN_EXE_ferroflux"))
            .args(["--kubeconfig", ensure_cluster().kubeconfig().to_str().unwrap()])
            .args(["get", "sources", "git", "--watch", "-n", &ns])
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(watch.stdout.take().unwrap()).lines();
        let first_two = tokio::time::timeout(Duration::from_secs(20), async {
            (lines.next_line().await.unwrap().unwrap(), lines.next_line().await.unwrap().unwrap())
        })
        .await
        .expect("watch printed rows");
        assert!(first_two.0.starts_with("NAME"), "{first_two:?}");
        assert!(first_two.1.starts_with("podinfo") && first_two.1.contains("main@sha1:abc123"));
        watch.kill().await.unwrap();

        // suspend / resume patch spec.suspend.
        ferroflux(&["suspend", "ks", "apps", "-n", &ns]).await.expect_ok();
        let api: Api<DynamicObject> = Api::namespaced_with(client.clone(), &ns, &api_resource::<Kustomization>());
        assert_eq!(api.get("apps").await.unwrap().data["spec"]["suspend"], true);
        let run = ferroflux(&["get", "ks", "apps", "-n", &ns]).await.expect_ok();
        assert!(run.stdout.lines().nth(1).unwrap().contains("True"), "{}", run.stdout);
        ferroflux(&["reconcile", "ks", "apps", "-n", &ns]).await.expect_err("is suspended; resume it");
        ferroflux(&["resume", "ks", "apps", "-n", &ns, "--no-wait"]).await.expect_ok();
        assert_eq!(api.get("apps").await.unwrap().data["spec"]["suspend"], false);

        // No controller: reconcile times out and says what to check.
        let run = ferroflux(&["reconcile", "ks", "apps", "-n", &ns, "--timeout", "2s"]).await;
        assert_eq!(run.code, 1);
        run.expect_err("timed out after 2s waiting for Kustomization")
            .expect_err("kustomize-controller did not handle the request");

        // The test plays the controllers: reconcile (with source) and resume succeed.
        let controllers = [
            fake_controller(client.clone(), ns.clone(), api_resource::<Kustomization>(), "Applied revision: main@sha1:0123456"),
            fake_controller(client.clone(), ns.clone(), api_resource::<GitRepository>(), "stored artifact"),
        ];
        let run = ferroflux(&["reconcile", "ks", "apps", "--with-source", "-n", &ns, "--timeout", "30s"])
            .await
            .expect_ok();
        assert!(run.stderr.contains(&format!("GitRepository {ns}/podinfo reconciled")), "{}", run.stderr);
        assert!(run.stderr.contains(&format!("Kustomization {ns}/apps reconciled")), "{}", run.stderr);
        assert!(run.stderr.contains("Applied revision: main@sha1:0123456"), "{}", run.stderr);
        let obj = api.get("apps").await.unwrap();
        let requested = &obj.metadata.annotations.unwrap()["reconcile.fluxcd.io/requestedAt"];
        assert_eq!(obj.data["status"]["lastHandledReconcileAt"], requested.as_str());

        ferroflux(&["suspend", "ks", "apps", "extra", "--all", "-n", &ns])
            .await
            .expect_err("with --all give only the kind");
        ferroflux(&["suspend", "source", "git", "--all", "-n", &ns]).await.expect_ok();
        let run = ferroflux(&["resume", "source", "git", "podinfo", "-n", &ns, "--timeout", "30s"])
            .await
            .expect_ok();
        assert!(run.stderr.contains("reconciled"), "{}", run.stderr);
        for c in controllers {
            c.abort();
        }

        // A failing Ready condition makes reconcile fail with its message.
        set_status(&client, &ns, &api_resource::<Kustomization>(), "apps", json!({
            "conditions": [ready_condition("False", "BuildFailed", "kustomization path not found")],
        })).await;
        let failing = fake_failing(client.clone(), ns.clone());
        ferroflux(&["reconcile", "ks", "apps", "-n", &ns, "--timeout", "30s"])
            .await
            .expect_err("BuildFailed: kustomization path not found");
        failing.abort();

        // Not found.
        ferroflux(&["get", "ks", "nope", "-n", &ns]).await.expect_err(&format!("Kustomization {ns}/nope not found"));
        ferroflux(&["reconcile", "source", "git", "nope", "-n", &ns]).await.expect_err("not found");
    })
    .await;
}

/// Answers reconcile requests on Kustomizations keeping Ready=False.
fn fake_failing(client: Client, ns: String) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let api: Api<DynamicObject> =
            Api::namespaced_with(client, &ns, &api_resource::<Kustomization>());
        loop {
            let requested = api.get("apps").await.ok().and_then(|obj| {
                obj.metadata
                    .annotations?
                    .get("reconcile.fluxcd.io/requestedAt")
                    .cloned()
            });
            if let Some(requested) = requested {
                let status = json!({ "status": { "lastHandledReconcileAt": requested } });
                let _ = api
                    .patch_status("apps", &PatchParams::default(), &Patch::Merge(&status))
                    .await;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    })
}

#[tokio::test]
async fn events_and_tree() {
    install_crds().await;
    ferroflux_e2e::with_temp_namespace(|client, ns| async move {
        apply(&client, &ns, &api_resource::<Kustomization>(), ks("root", "repo")).await;
        apply(&client, &ns, &api_resource::<Kustomization>(), ks("child", "repo")).await;
        set_status(&client, &ns, &api_resource::<Kustomization>(), "root", json!({
            "inventory": { "entries": [
                { "id": format!("_{ns}__Namespace"), "v": "v1" },
                { "id": format!("{ns}_child_kustomize.toolkit.fluxcd.io_Kustomization"), "v": "v1" },
            ]}
        })).await;
        set_status(&client, &ns, &api_resource::<Kustomization>(), "child", json!({
            "inventory": { "entries": [ { "id": format!("{ns}_web_apps_Deployment"), "v": "v1" } ] }
        })).await;
        let run = ferroflux(&["tree", "kustomization", "root", "-n", &ns]).await.expect_ok();
        let expected = format!(
            "Kustomization/{ns}/root\n├── Namespace/{ns}\n└── Kustomization/{ns}/child\n    └── Deployment/{ns}/web\n"
        );
        assert_eq!(run.stdout, expected);

        let events: Api<k8s_openapi::api::core::v1::Event> = Api::namespaced(client.clone(), &ns);
        let event: k8s_openapi::api::core::v1::Event = serde_json::from_value(json!({
            "metadata": { "name": "root.1", "namespace": ns },
            "involvedObject": { "apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
                                "name": "root", "namespace": ns },
            "reason": "ReconciliationSucceeded", "message": "Reconciliation finished", "type": "Normal",
            "lastTimestamp": jiff::Timestamp::now().to_string(),
            "source": { "component": "kustomize-controller" },
        })).unwrap();
        events.create(&Default::default(), &event).await.unwrap();
        let run = ferroflux(&["events", "-n", &ns]).await.expect_ok();
        assert!(run.stdout.starts_with("LAST SEEN"), "{}", run.stdout);
        assert!(run.stdout.contains("Kustomization/root"), "{}", run.stdout);
        assert!(run.stdout.contains("ReconciliationSucceeded"), "{}", run.stdout);
        let run = ferroflux(&["events", "-n", &ns, "--for", "Kustomization/child"]).await;
        assert!(!run.stdout.contains("Kustomization/root"), "{}", run.stdout);
        let mut watch = tokio::process::Command::new(env!("CARGO_BIN_EXE_ferroflux"))
            .args(["--kubeconfig", ensure_cluster().kubeconfig().to_str().unwrap()])
            .args(["events", "--watch", "-n", &ns])
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(watch.stdout.take().unwrap()).lines();
        let first_two = tokio::time::timeout(Duration::from_secs(20), async {
            (lines.next_line().await.unwrap().unwrap(), lines.next_line().await.unwrap().unwrap())
        })
        .await
        .expect("events --watch printed rows");
        assert!(first_two.0.starts_with("LAST SEEN"), "{first_two:?}");
        assert!(first_two.1.contains("Kustomization/root"), "{first_two:?}");
        watch.kill().await.unwrap();
        ferroflux(&["events", "--for", "nonsense"]).await.expect_err("write it as Kind/name");
    })
    .await;
}

#[tokio::test]
async fn reconcile_with_source_follows_helmrelease_chart_ref() {
    install_crds().await;
    ferroflux_e2e::with_temp_namespace(|client, ns| async move {
        let hr = api_resource::<HelmRelease>();
        apply(&client, &ns, &hr, json!({
            "apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease",
            "metadata": { "name": "web" },
            "spec": { "interval": "10m", "chartRef": { "kind": "OCIRepository", "name": "web-chart" } }
        }))
        .await;
        // The source is followed through spec.chartRef; it does not exist, which is reported.
        ferroflux(&["reconcile", "hr", "web", "--with-source", "-n", &ns])
            .await
            .expect_err(&format!("OCIRepository {ns}/web-chart not found"));
    })
    .await;
}
