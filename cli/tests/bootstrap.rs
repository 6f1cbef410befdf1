//! `ferroflux bootstrap git` against the test cluster and its Git server, and the toolkit then
//! updating itself from Git.
//!
//! Each test bootstraps into its own namespace (`-n`), never flux-system. The test that waits for
//! Ready runs source-controller and kustomize-controller as local processes (kwok nodes run no
//! containers), scoped with `--watch-label-selector` to the test namespace's sync objects so they
//! never touch other tests' objects. They are found next to the ferroflux binary in the target
//! directory (`cargo test --workspace` builds them; otherwise `cargo build -p source-controller
//! -p kustomize-controller` first).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use ferroflux_api::kustomize::v1::Kustomization;
use ferroflux_api::source::v1::GitRepository;
use ferroflux_e2e::{
    GitServerRepo, Run, Services, api_resource, ensure_cluster, ferroflux, with_temp_namespace,
};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Pod, Secret};
use kube::Api;
use kube::api::{DynamicObject, ListParams};

const TWO: &str = "source-controller,kustomize-controller";

/// `bootstrap git` over HTTPS with basic auth into `namespace` at `path`.
async fn bootstrap(
    repo: &GitServerRepo,
    services: &Services,
    namespace: &str,
    path: &str,
    extra: &[&str],
) -> Run {
    let ca = services.ca_cert.to_string_lossy().into_owned();
    let url = repo.https_url();
    let mut args = vec![
        "-n",
        namespace,
        "bootstrap",
        "git",
        "--url",
        &url,
        "--path",
        path,
        "--username",
        &services.git_username,
        "--password",
        &services.git_password,
        "--ca-file",
        &ca,
    ];
    args.extend_from_slice(extra);
    ferroflux(&args).await
}

/// Files under `dir` on `main` of the server repository.
/// The keys of the auth Secret `flux-system` that bootstrap created in `namespace`.
async fn auth_secret_keys(client: &kube::Client, namespace: &str) -> Vec<String> {
    let secrets: Api<Secret> = Api::namespaced(client.clone(), namespace);
    let secret = secrets
        .get("flux-system")
        .await
        .expect("auth Secret flux-system");
    secret.data.unwrap_or_default().into_keys().collect()
}

fn files_at(repo: &GitServerRepo, dir: &str) -> Vec<String> {
    let listing = repo.git(&["ls-tree", "-r", "--name-only", "main", dir]);
    listing.lines().map(str::to_string).collect()
}

/// Local controllers reconciling only `namespaces`' sync objects, and the cleanup that must run
/// before the namespace goes: stop them (so no prune runs), drop finalizers, delete cluster RBAC.
struct LocalControllers {
    children: Vec<Child>,
    namespaces: Vec<String>,
    _storage: tempfile::TempDir,
}

impl LocalControllers {
    fn start(namespaces: &[&str]) -> Self {
        let bin_dir = Path::new(env!("CARGO_BIN_EXE_ferroflux")).parent().unwrap();
        let binary = |name: &str| -> PathBuf {
            let path = bin_dir.join(name);
            assert!(
                path.exists(),
                "{} is missing: run `cargo build -p source-controller -p kustomize-controller`",
                path.display()
            );
            path
        };
        let kubeconfig = ensure_cluster().kubeconfig();
        let selector = format!("app.kubernetes.io/instance in ({})", namespaces.join(","));
        let storage = tempfile::tempdir().unwrap();
        let port = free_port();
        let common_args = |cmd: &mut Command| {
            cmd.arg("--kubeconfig")
                .arg(kubeconfig)
                .args([
                    "--metrics-addr",
                    "127.0.0.1:0",
                    "--health-addr",
                    "127.0.0.1:0",
                ])
                .args(["--watch-label-selector", &selector])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::inherit());
        };
        let mut source = Command::new(binary("source-controller"));
        common_args(&mut source);
        source
            .arg("--storage-path")
            .arg(storage.path())
            .args(["--storage-addr", &format!("127.0.0.1:{port}")])
            .args(["--storage-adv-addr", &format!("127.0.0.1:{port}")]);
        let mut kustomize = Command::new(binary("kustomize-controller"));
        common_args(&mut kustomize);
        let children = vec![
            source.spawn().expect("start source-controller"),
            kustomize.spawn().expect("start kustomize-controller"),
        ];
        LocalControllers {
            children,
            namespaces: namespaces.iter().map(|s| s.to_string()).collect(),
            _storage: storage,
        }
    }
}

impl Drop for LocalControllers {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
        let kubeconfig = ensure_cluster().kubeconfig();
        let kubectl = |args: &[&str]| {
            let _ = Command::new("kubectl")
                .arg("--kubeconfig")
                .arg(kubeconfig)
                .args(args)
                .stdout(Stdio::null())
                .status();
        };
        for ns in &self.namespaces {
            for kind in [
                "kustomization.kustomize.toolkit.fluxcd.io/flux-system",
                "gitrepository.source.toolkit.fluxcd.io/flux-system",
            ] {
                kubectl(&[
                    "-n",
                    ns,
                    "patch",
                    kind,
                    "--type",
                    "merge",
                    "-p",
                    r#"{"metadata":{"finalizers":null}}"#,
                ]);
            }
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Deletes the ClusterRoles and ClusterRoleBindings `install` made for `namespace`.
fn delete_cluster_rbac(namespace: &str) {
    let _ = Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(ensure_cluster().kubeconfig())
        .args(["delete", "clusterrole,clusterrolebinding", "-l"])
        .arg(format!("app.kubernetes.io/instance={namespace}"))
        .stdout(Stdio::null())
        .status();
}

#[tokio::test]
async fn bootstrap_commits_installs_syncs_and_reruns_without_commit() {
    let env = ensure_cluster();
    let services = env.services().clone();
    let repo = services.create_repo("bootstrap");
    with_temp_namespace(|client, first| async move {
        let first_ns = first.clone();
        with_temp_namespace(|_, second| async move {
            let controllers = LocalControllers::start(&[&first, &second]);
            let run = bootstrap(
                &repo,
                &services,
                &first,
                "clusters/one",
                &["--components", TWO, "--timeout", "3m"],
            )
            .await
            .expect_ok();
            assert!(run.stderr.contains("bootstrap finished"), "{}", run.stderr);

            let files = files_at(&repo, "clusters/one");
            assert_eq!(
                files,
                [
                    "clusters/one/flux-system/gotk-components.yaml",
                    "clusters/one/flux-system/gotk-sync.yaml",
                    "clusters/one/flux-system/kustomization.yaml",
                ]
            );
            assert_eq!(
                repo.git(&["log", "-1", "--format=%an <%ae>", "main"]),
                "Ferroflux <ferroflux@localhost>"
            );
            let sync = repo.git(&["show", "main:clusters/one/flux-system/gotk-sync.yaml"]);
            assert!(sync.contains("path: ./clusters/one"), "{sync}");
            assert!(sync.contains(&repo.https_url()), "{sync}");

            assert_eq!(
                auth_secret_keys(&client, &first).await,
                ["ca.crt", "password", "username"]
            );

            // Same flags again: nothing changes in Git.
            let head = repo.git(&["rev-parse", "main"]);
            let rerun = bootstrap(
                &repo,
                &services,
                &first,
                "clusters/one",
                &["--components", TWO, "--timeout", "3m"],
            )
            .await
            .expect_ok();
            assert!(
                rerun.stderr.contains("nothing to commit"),
                "{}",
                rerun.stderr
            );
            assert_eq!(
                repo.git(&["rev-parse", "main"]),
                head,
                "a re-run must not commit"
            );

            // A second cluster in the same repository, through its own path.
            bootstrap(
                &repo,
                &services,
                &second,
                "clusters/two",
                &["--components", TWO, "--timeout", "3m"],
            )
            .await
            .expect_ok();
            assert_eq!(files_at(&repo, "clusters/two").len(), 3);
            assert_eq!(files_at(&repo, "clusters/one").len(), 3);
            assert_eq!(repo.git(&["rev-list", "--count", "main"]), "2");
            drop(controllers);
            delete_cluster_rbac(&second);
        })
        .await;
        delete_cluster_rbac(&first_ns);
    })
    .await;
}

#[tokio::test]
async fn components_flag_writes_only_the_chosen_controllers() {
    let env = ensure_cluster();
    let services = env.services().clone();
    let repo = services.create_repo("bootstrap-components");
    with_temp_namespace(|_, ns| async move {
        // No controller runs, so the final wait times out; the error names what to check.
        let run = bootstrap(
            &repo,
            &services,
            &ns,
            "clusters/only-source",
            &["--components", "source-controller", "--timeout", "20s"],
        )
        .await;
        let run = run.expect_err("Is source-controller running?");
        assert!(run.stderr.contains("GitRepository"), "{}", run.stderr);
        let components = repo.git(&[
            "show",
            "main:clusters/only-source/flux-system/gotk-components.yaml",
        ]);
        assert!(
            components.contains("# Components: source-controller\n"),
            "header"
        );
        assert!(components.contains("name: source-controller"));
        assert!(components.contains("gitrepositories.source.toolkit.fluxcd.io"));
        assert!(
            !components.contains("kustomize-controller"),
            "only the chosen component"
        );
        assert!(
            !components.contains("helm.toolkit.fluxcd.io"),
            "no CRDs of other components"
        );
        let yaml: Vec<serde_json::Value> =
            serde_saphyr::from_str_multiple(&components).expect("valid YAML");
        assert!(
            yaml.iter()
                .all(|d| d.is_null() || d["metadata"]["name"].is_string())
        );
        let client = ensure_cluster().client().await;
        let repos = kube::Api::<kube::api::DynamicObject>::namespaced_with(
            client,
            &ns,
            &api_resource::<GitRepository>(),
        );
        let synced = repos
            .get("flux-system")
            .await
            .expect("GitRepository flux-system applied");
        assert_eq!(synced.data["spec"]["url"], repo.https_url());
        delete_cluster_rbac(&ns);
    })
    .await;
}

#[tokio::test]
async fn wrong_git_credentials_fail_clearly_before_touching_the_cluster() {
    let env = ensure_cluster();
    let services = env.services().clone();
    let repo = services.create_repo("bootstrap-auth");
    let ca = services.ca_cert.to_string_lossy().into_owned();
    let url = repo.https_url();
    let run = ferroflux(&[
        "-n",
        "bootstrap-never-created",
        "bootstrap",
        "git",
        "--url",
        &url,
        "--path",
        "clusters/x",
        "--username",
        &services.git_username,
        "--password",
        "wrong-password",
        "--ca-file",
        &ca,
    ])
    .await
    .expect_err("cannot clone");
    assert!(
        run.stderr.contains("check the URL and the credentials"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("wrong-password"),
        "the password must not be printed: {}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("installing"),
        "nothing is installed: {}",
        run.stderr
    );
    assert!(
        repo.git(&["for-each-ref", "refs/heads"]).is_empty(),
        "nothing pushed"
    );

    // Without --ca-file the server's certificate is not trusted.
    ferroflux(&[
        "bootstrap",
        "git",
        "--url",
        &url,
        "--path",
        "clusters/x",
        "--username",
        &services.git_username,
        "--password",
        &services.git_password,
    ])
    .await
    .expect_err("certificate");
}

#[tokio::test]
async fn bad_flags_are_refused_before_any_work() {
    ferroflux(&[
        "bootstrap",
        "git",
        "--url",
        "http://127.0.0.1:1/x.git",
        "--path",
        "../up",
    ])
    .await
    .expect_err("must be a relative directory");
    ferroflux(&[
        "bootstrap",
        "git",
        "--url",
        "http://127.0.0.1:1/x.git",
        "--path",
        "c",
        "--components",
        "nope",
    ])
    .await
    .expect_err("unknown component");
    ferroflux(&[
        "bootstrap",
        "git",
        "--url",
        "http://127.0.0.1:1/x.git",
        "--path",
        "c",
        "--private-key-file",
        "/nonexistent",
    ])
    .await
    .expect_err("--known-hosts");
}

#[tokio::test]
async fn bootstrap_over_ssh_and_with_a_bearer_token() {
    let env = ensure_cluster();
    let services = env.services().clone();
    let repo = services.create_repo("bootstrap-ssh");
    with_temp_namespace(|client, ssh_ns| async move {
        let ssh_ns_outer = ssh_ns.clone();
        with_temp_namespace(|_, token_ns| async move {
            let controllers = LocalControllers::start(&[&ssh_ns, &token_ns]);
            let key = services.ssh_identity.to_string_lossy().into_owned();
            let hosts = services.ssh_known_hosts.to_string_lossy().into_owned();
            let url = repo.ssh_url();
            ferroflux(&[
                "-n",
                &ssh_ns,
                "bootstrap",
                "git",
                "--url",
                &url,
                "--path",
                "clusters/ssh",
                "--private-key-file",
                &key,
                "--known-hosts",
                &hosts,
                "--components",
                TWO,
                "--timeout",
                "3m",
            ])
            .await
            .expect_ok();
            assert_eq!(
                auth_secret_keys(&client, &ssh_ns).await,
                ["identity", "known_hosts"]
            );

            let ca = services.ca_cert.to_string_lossy().into_owned();
            let url = repo.token_url();
            ferroflux(&[
                "-n",
                &token_ns,
                "bootstrap",
                "git",
                "--url",
                &url,
                "--path",
                "clusters/token",
                "--token",
                &services.git_token,
                "--ca-file",
                &ca,
                "--components",
                TWO,
                "--timeout",
                "3m",
            ])
            .await
            .expect_ok();
            assert_eq!(
                auth_secret_keys(&client, &token_ns).await,
                ["bearerToken", "ca.crt"]
            );
            assert_eq!(files_at(&repo, "clusters").len(), 6);
            drop(controllers);
            delete_cluster_rbac(&token_ns);
        })
        .await;
        delete_cluster_rbac(&ssh_ns_outer);
    })
    .await;
}

/// The image of the first container of a Deployment.
fn image_of(deployment: &Deployment) -> String {
    let spec = deployment
        .spec
        .as_ref()
        .and_then(|s| s.template.spec.as_ref());
    let container = spec.and_then(|s| s.containers.first());
    container.and_then(|c| c.image.clone()).unwrap_or_default()
}

/// True when every replica of the Deployment runs its current template and no old pod is left.
async fn rolled_out(client: &kube::Client, deployment: &Deployment, image: &str) -> bool {
    let (Some(spec), Some(status)) = (&deployment.spec, &deployment.status) else {
        return false;
    };
    let replicas = spec.replicas.unwrap_or(1);
    let current = status.observed_generation >= deployment.metadata.generation
        && status.updated_replicas == Some(replicas)
        && status.available_replicas == Some(replicas)
        && status.replicas == Some(replicas);
    let namespace = deployment.metadata.namespace.clone().unwrap_or_default();
    let pods: Api<Pod> = Api::namespaced(client.clone(), &namespace);
    let listed = pods
        .list(&ListParams::default().labels("app=source-controller"))
        .await;
    let Ok(pods) = listed else {
        return false;
    };
    let running_new = pods.items.iter().all(|pod| {
        let spec_image = pod
            .spec
            .as_ref()
            .and_then(|s| s.containers.first()?.image.clone());
        let phase = pod.status.as_ref().and_then(|s| s.phase.clone());
        spec_image.as_deref() == Some(image) && phase.as_deref() == Some("Running")
    });
    current && running_new && pods.items.len() == replicas as usize
}

#[tokio::test]
async fn a_controller_manifest_changed_in_git_is_rolled_out_by_the_toolkit() {
    let env = ensure_cluster();
    let services = env.services().clone();
    let repo = services.create_repo("bootstrap-self-update");
    with_temp_namespace(|client, ns| async move {
        let controllers = LocalControllers::start(&[&ns]);
        bootstrap(
            &repo,
            &services,
            &ns,
            "clusters/self",
            &["--components", TWO, "--timeout", "3m"],
        )
        .await
        .expect_ok();
        let deployments: Api<Deployment> = Api::namespaced(client.clone(), &ns);
        let installed = deployments.get("source-controller").await.unwrap();
        let old_image = image_of(&installed);
        assert!(
            old_image.starts_with("ghcr.io/ferroflux/source-controller:"),
            "{old_image}"
        );

        // A new image for source-controller, edited in a checkout of the repository.
        let new_image = "ghcr.io/ferroflux/source-controller:rollout-test";
        let work = repo.work_tree();
        let file = "clusters/self/flux-system/gotk-components.yaml";
        let components = std::fs::read_to_string(work.path().join(file)).unwrap();
        assert_eq!(components.matches(&old_image).count(), 1, "one image line");
        work.write(file, &components.replace(&old_image, new_image));

        // `diff` against the cluster shows exactly that change before it is pushed.
        let path = work.path().join("clusters/self");
        let path = path.to_str().unwrap();
        let diff_args = [
            "-n",
            ns.as_str(),
            "diff",
            "ks",
            "flux-system",
            "--path",
            path,
        ];
        let run = ferroflux(&diff_args).await;
        assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
        let out = &run.stdout;
        assert!(
            out.contains(&format!("► Deployment/{ns}/source-controller configured")),
            "{out}"
        );
        assert!(
            out.lines()
                .any(|l| l.starts_with('+') && l.ends_with(&format!("image: {new_image}"))),
            "{out}"
        );
        assert!(
            out.contains(&format!("► Deployment/{ns}/kustomize-controller unchanged")),
            "{out}"
        );

        let commit = work.commit("source-controller: new image");
        work.push("main");

        // From here on only the toolkit acts: source-controller fetches the commit,
        // kustomize-controller applies it, the Deployment rolls its (kwok) pods.
        let wait = std::time::Duration::from_secs(300);
        let updated = ferroflux_e2e::eventually(
            "the source-controller Deployment to take the image from Git",
            wait,
            || async {
                let deployment = deployments.get("source-controller").await.ok()?;
                (image_of(&deployment) == new_image).then_some(deployment)
            },
        )
        .await;
        assert!(updated.metadata.generation > installed.metadata.generation);
        ferroflux_e2e::eventually("the new source-controller pods to run", wait, || async {
            let deployment = deployments.get("source-controller").await.ok()?;
            rolled_out(&client, &deployment, new_image)
                .await
                .then_some(())
        })
        .await;
        let syncs = Api::<DynamicObject>::namespaced_with(
            client.clone(),
            &ns,
            &api_resource::<Kustomization>(),
        );
        ferroflux_e2e::eventually(
            "the sync Kustomization to report the commit",
            wait,
            || async {
                let sync = syncs.get("flux-system").await.ok()?;
                let revision = sync.data.pointer("/status/lastAppliedRevision")?.as_str()?;
                revision.ends_with(&commit).then_some(())
            },
        )
        .await;

        // The cluster now equals the checkout for that Deployment.
        let run = ferroflux(&diff_args).await;
        assert!(
            run.stdout
                .contains(&format!("► Deployment/{ns}/source-controller unchanged")),
            "{}\n{}",
            run.stdout,
            run.stderr
        );

        // Day-2 commands on what the real controllers manage.
        let run = ferroflux(&["-n", &ns, "reconcile", "ks", "flux-system", "--with-source"])
            .await
            .expect_ok();
        assert!(
            run.stderr.contains(&format!(
                "Kustomization {ns}/flux-system reconciled (main@sha1:{commit})"
            )),
            "{}",
            run.stderr
        );
        let sync = syncs.get("flux-system").await.unwrap();
        let requested =
            sync.metadata.annotations.unwrap_or_default()["reconcile.fluxcd.io/requestedAt"]
                .clone();
        assert_eq!(
            sync.data["status"]["lastHandledReconcileAt"], requested,
            "reconcile returned after the controller handled the request"
        );
        let run = ferroflux(&["-n", &ns, "get", "ks"]).await.expect_ok();
        let row = run.stdout.lines().nth(1).unwrap_or_default();
        assert!(
            row.starts_with("flux-system") && row.contains(&commit) && row.contains("True"),
            "{}",
            run.stdout
        );
        let run = ferroflux(&["-n", &ns, "tree", "ks", "flux-system"])
            .await
            .expect_ok();
        assert!(
            run.stdout
                .contains(&format!("Deployment/{ns}/source-controller")),
            "{}",
            run.stdout
        );
        drop(controllers);
        delete_cluster_rbac(&ns);
    })
    .await;
}
