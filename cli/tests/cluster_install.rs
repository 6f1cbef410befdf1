//! `install`, `check`, `version` and `uninstall` against the test cluster, in a namespace of
//! their own so parallel tests are not disturbed. CRDs are shared cluster-wide, so uninstall is
//! run with --keep-crds here; CRD deletion is covered by --dry-run.

use ferroflux_e2e::{ensure_cluster, ferroflux, ferroflux_raw};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::api::rbac::v1::ClusterRole;
use kube::api::{Api, ListParams};

#[tokio::test]
async fn install_check_version_uninstall() {
    let client = ferroflux_e2e::ensure_cluster().client().await;
    let ns = ferroflux_e2e::unique_name("ff-install");

    let run = ferroflux(&["install", "-n", &ns, "--timeout", "2m"])
        .await
        .expect_ok();
    assert!(
        run.stderr.contains("source-controller ready"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("install finished"), "{}", run.stderr);

    let deployments: Api<Deployment> = Api::namespaced(client.clone(), &ns);
    let names: Vec<String> = deployments
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .filter_map(|d| d.metadata.name)
        .collect();
    assert_eq!(
        names,
        ["kustomize-controller", "source-controller"],
        "{names:?}"
    );

    let check = ferroflux(&["check", "-n", &ns]).await.expect_ok();
    assert!(
        check.stderr.contains("all checks passed"),
        "{}",
        check.stderr
    );
    assert!(
        check
            .stderr
            .contains("kustomize-controller: deployment ready"),
        "{}",
        check.stderr
    );
    ferroflux(&["check", "--pre"]).await.expect_ok();

    let version = ferroflux(&["version", "-n", &ns]).await.expect_ok();
    assert!(
        version.stdout.contains("ferroflux: v"),
        "{}",
        version.stdout
    );
    assert!(
        version
            .stdout
            .contains("ghcr.io/ferroflux/kustomize-controller"),
        "{}",
        version.stdout
    );

    let dry = ferroflux(&["uninstall", "-n", &ns, "--dry-run"])
        .await
        .expect_ok();
    assert!(
        dry.stdout
            .contains("Deployment source-controller deleted (dry run)"),
        "{}",
        dry.stdout
    );
    let crd_line =
        "CustomResourceDefinition kustomizations.kustomize.toolkit.fluxcd.io deleted (dry run)";
    assert!(dry.stdout.contains(crd_line), "{}", dry.stdout);
    assert!(
        deployments
            .get_opt("source-controller")
            .await
            .unwrap()
            .is_some()
    );

    let run = ferroflux(&[
        "uninstall",
        "-n",
        &ns,
        "--silent",
        "--keep-crds",
        "--timeout",
        "2m",
    ])
    .await
    .expect_ok();
    assert!(run.stderr.contains("uninstall finished"), "{}", run.stderr);
    let namespaces: Api<Namespace> = Api::all(client.clone());
    assert!(
        namespaces.get_opt(&ns).await.unwrap().is_none(),
        "namespace {ns} left behind"
    );
    let roles: Api<ClusterRole> = Api::all(client.clone());
    let left = roles
        .list(&ListParams::default().labels(&format!("app.kubernetes.io/instance={ns}")))
        .await
        .unwrap();
    assert!(
        left.items.is_empty(),
        "cluster roles left: {:?}",
        left.items.len()
    );

    let after = ferroflux(&["check", "-n", &ns]).await;
    after.expect_err("no Ferroflux controllers found in namespace");
}

#[tokio::test]
async fn install_single_component() {
    let client = ferroflux_e2e::ensure_cluster().client().await;
    let ns = ferroflux_e2e::unique_name("ff-single");
    ferroflux(&[
        "install",
        "-n",
        &ns,
        "--components",
        "source-controller",
        "--timeout",
        "2m",
    ])
    .await
    .expect_ok();
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), &ns);
    let found = deployments
        .list(&ListParams::default())
        .await
        .unwrap()
        .items;
    assert_eq!(found.len(), 1);
    ferroflux(&["check", "-n", &ns]).await.expect_ok();
    // Asking for a component that is not installed fails and names it.
    ferroflux(&["check", "-n", &ns, "--components", "helm-controller"])
        .await
        .expect_err("helm-controller: deployment not found");
    ferroflux(&["uninstall", "-n", &ns, "--silent", "--keep-crds"])
        .await
        .expect_ok();
}

#[tokio::test]
async fn context_flag_picks_the_context() {
    let kubeconfig = std::fs::read_to_string(ensure_cluster().kubeconfig()).unwrap();
    let mut config: serde_json::Value = serde_saphyr::from_str(&kubeconfig).unwrap();
    let good = config["current-context"].as_str().unwrap().to_string();
    let user = config["contexts"][0]["context"]["user"].clone();
    config["clusters"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "name": "closed-port", "cluster": { "server": "https://127.0.0.1:1" }
        }));
    config["contexts"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "name": "closed-port", "context": { "cluster": "closed-port", "user": user }
        }));
    config["current-context"] = "closed-port".into();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kubeconfig");
    std::fs::write(&path, serde_saphyr::to_string(&config).unwrap()).unwrap();
    let path = path.to_str().unwrap();

    ferroflux_raw(&["--kubeconfig", path, "check", "--pre"])
        .await
        .expect_err("https://127.0.0.1:1");
    ferroflux_raw(&["--kubeconfig", path, "--context", &good, "check", "--pre"])
        .await
        .expect_ok();
    ferroflux_raw(&["--kubeconfig", path, "--context", "nope", "check", "--pre"])
        .await
        .expect_err("nope");
}
