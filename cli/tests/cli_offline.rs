//! Commands that need no cluster: install --export, flag validation, completion, help, and the
//! error for an unreachable API server.

use ferroflux_e2e::ferroflux_raw;
#[tokio::test]
async fn export_source_controller_only() {
    let run = ferroflux_raw(&["install", "--export", "--components", "source-controller"])
        .await
        .expect_ok();
    let docs: Vec<serde_json::Value> = serde_saphyr::from_str_multiple(&run.stdout).unwrap();
    let kinds: Vec<String> = docs
        .iter()
        .filter(|d| d.is_object())
        .map(|d| {
            format!(
                "{}/{}",
                d["kind"].as_str().unwrap(),
                d["metadata"]["name"].as_str().unwrap()
            )
        })
        .collect();
    assert!(
        kinds.contains(&"Namespace/flux-system".to_string()),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&"Deployment/source-controller".to_string()),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&"Service/source-controller".to_string()),
        "{kinds:?}"
    );
    assert_eq!(
        kinds
            .iter()
            .filter(|k| k.starts_with("Deployment/"))
            .count(),
        1,
        "{kinds:?}"
    );
    for doc in docs
        .iter()
        .filter(|d| d["kind"] == "CustomResourceDefinition")
    {
        assert_eq!(doc["spec"]["group"], "source.toolkit.fluxcd.io", "{doc}");
    }
    assert!(
        !run.stdout.contains("kustomize-controller"),
        "{}",
        run.stdout
    );
}

#[tokio::test]
async fn export_follows_namespace() {
    let run = ferroflux_raw(&["install", "--export", "-n", "gitops"])
        .await
        .expect_ok();
    assert!(!run.stdout.contains("flux-system"), "{}", run.stdout);
}

/// The default installs Flux's default components that reconcile in this build, and nothing
/// that would crash-loop.
#[tokio::test]
async fn export_lists_only_working_controllers_by_default() {
    let run = ferroflux_raw(&["install", "--export"]).await.expect_ok();
    let docs: Vec<serde_json::Value> = serde_saphyr::from_str_multiple(&run.stdout).unwrap();
    let deployments: Vec<&str> = docs
        .iter()
        .filter(|d| d["kind"] == "Deployment")
        .map(|d| d["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        deployments,
        ["source-controller", "kustomize-controller"],
        "{}",
        run.stdout
    );
    let groups: std::collections::BTreeSet<&str> = docs
        .iter()
        .filter(|d| d["kind"] == "CustomResourceDefinition")
        .map(|d| d["spec"]["group"].as_str().unwrap())
        .collect();
    assert_eq!(
        groups.into_iter().collect::<Vec<_>>(),
        ["kustomize.toolkit.fluxcd.io", "source.toolkit.fluxcd.io"]
    );
}

/// Flux's install flags reach the exported manifests.
#[tokio::test]
async fn export_reflects_the_install_flags() {
    let run = ferroflux_raw(&[
        "install",
        "--export",
        "--registry",
        "registry.example:5000/gitops/",
        "--version",
        "v9.9.9",
        "--image-pull-secret",
        "regcred",
        "--watch-all-namespaces=false",
        "--log-level",
        "debug",
        "--cluster-domain",
        "corp.example",
        "--toleration-keys",
        "gitops,infra",
    ])
    .await
    .expect_ok();
    let docs: Vec<serde_json::Value> = serde_saphyr::from_str_multiple(&run.stdout).unwrap();
    let deployments: Vec<&serde_json::Value> =
        docs.iter().filter(|d| d["kind"] == "Deployment").collect();
    assert_eq!(deployments.len(), 2, "{}", run.stdout);
    for deployment in deployments {
        let name = deployment["metadata"]["name"].as_str().unwrap();
        let pod = &deployment["spec"]["template"]["spec"];
        let container = &pod["containers"][0];
        assert_eq!(
            container["image"],
            format!("registry.example:5000/gitops/{name}:v9.9.9")
        );
        let args: Vec<&str> = container["args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        assert!(args.contains(&"--watch-all-namespaces=false"), "{args:?}");
        assert!(args.contains(&"--log-level=debug"), "{args:?}");
        assert!(
            args.iter().any(|a| a.contains(".svc.corp.example./")),
            "{args:?}"
        );
        assert_eq!(pod["imagePullSecrets"][0]["name"], "regcred");
        assert_eq!(pod["tolerations"][1]["key"], "infra");
        assert_eq!(pod["tolerations"][1]["operator"], "Exists");
    }
    let policies: Vec<&str> = docs
        .iter()
        .filter(|d| d["kind"] == "NetworkPolicy")
        .map(|d| d["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(policies, ["allow-egress", "allow-scraping"]);

    let run = ferroflux_raw(&["install", "--export", "--network-policy=false"])
        .await
        .expect_ok();
    assert!(!run.stdout.contains("NetworkPolicy"), "{}", run.stdout);
    ferroflux_raw(&["install", "--export", "--log-level", "trace"])
        .await
        .expect_err("--log-level");
}

#[tokio::test]
async fn controller_that_does_not_reconcile_yet_is_refused() {
    let run = ferroflux_raw(&["install", "--export", "--components", "helm-controller"]).await;
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    run.expect_err("helm-controller does not reconcile yet in this build")
        .expect_err("The controllers that work are: source-controller, kustomize-controller");

    let run = ferroflux_raw(&[
        "install",
        "--export",
        "--components-extra",
        "image-reflector-controller,image-automation-controller",
    ])
    .await;
    run.expect_err("image-reflector-controller, image-automation-controller do not reconcile yet");
}

#[tokio::test]
async fn unknown_component_lists_valid_ones() {
    let run = ferroflux_raw(&[
        "install",
        "--export",
        "--components",
        "source-controller,foo",
    ])
    .await;
    run.expect_err("unknown component \"foo\"")
        .expect_err("valid components are: source-controller");
}

#[tokio::test]
async fn completion_scripts_are_printed() {
    for shell in ["bash", "zsh", "fish"] {
        let run = ferroflux_raw(&["completion", shell]).await.expect_ok();
        assert!(run.stdout.contains("ferroflux"), "{shell}");
    }
}

#[tokio::test]
async fn help_shows_examples() {
    let run = ferroflux_raw(&["reconcile", "--help"]).await.expect_ok();
    assert!(
        run.stdout
            .contains("ferroflux reconcile ks apps --with-source"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("--kubeconfig"), "{}", run.stdout);
    let run = ferroflux_raw(&["build", "ks", "--help"]).await.expect_ok();
    assert!(
        run.stdout
            .contains("--kustomization-file ./apps.yaml --dry-run"),
        "{}",
        run.stdout
    );
    let run = ferroflux_raw(&["diff", "kustomization", "--help"])
        .await
        .expect_ok();
    assert!(
        run.stdout
            .contains("Exit status: 0 no differences, 1 differences found, 2 the diff failed"),
        "{}",
        run.stdout
    );
}

#[tokio::test]
async fn unknown_kind_is_explained() {
    let run = ferroflux_raw(&["suspend", "deployment", "web"]).await;
    run.expect_err("use `<kind> <name>` with kind one of");
}

#[tokio::test]
async fn force_is_for_helmreleases_only() {
    let run = ferroflux_raw(&["reconcile", "ks", "apps", "--force"]).await;
    run.expect_err("--force and --reset only apply to HelmReleases, not to Kustomization");
}

#[tokio::test]
async fn unreachable_cluster_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    // Port 1 on localhost: nothing listens there.
    let kubeconfig = dir.path().join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:1\n\
         contexts:\n- name: c\n  context:\n    cluster: c\n    user: u\ncurrent-context: c\n\
         users:\n- name: u\n  user:\n    token: t\n",
    )
    .unwrap();
    let path = kubeconfig.to_str().unwrap();
    for args in [
        vec!["get", "ks"],
        vec!["check", "--pre"],
        vec!["reconcile", "ks", "x"],
    ] {
        let mut all = vec!["--kubeconfig", path];
        all.extend(args);
        let run = ferroflux_raw(&all).await;
        assert_eq!(run.code, 1, "{}", run.stderr);
        run.expect_err("cannot reach the Kubernetes API server at https://127.0.0.1:1")
            .expect_err("--kubeconfig");
    }
    // `diff` keeps 1 for "differences found": its failures exit 2, as `flux diff` does.
    let dir = dir.path().to_str().unwrap();
    let run = ferroflux_raw(&["--kubeconfig", path, "diff", "ks", "x", "--path", dir]).await;
    assert_eq!(run.code, 2, "{}", run.stderr);
    run.expect_err("cannot reach the Kubernetes API server");
    let run = ferroflux_raw(&["--kubeconfig", path, "build", "ks", "x", "--path", dir]).await;
    assert_eq!(run.code, 1, "{}", run.stderr);
    run.expect_err("cannot reach the Kubernetes API server");
}

#[tokio::test]
async fn missing_kubeconfig_file_is_a_clear_error() {
    let run = ferroflux_raw(&["--kubeconfig", "/nonexistent/kubeconfig", "get", "ks"]).await;
    run.expect_err("cannot read kubeconfig /nonexistent/kubeconfig");
}
