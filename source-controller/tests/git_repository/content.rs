//! What goes into the artifact: ignore rules, includes, and never a symlink's target.

use ferroflux_api::meta::LocalObjectReference;
use ferroflux_api::source::v1::{GitRepository, GitRepositoryInclude, GitRepositoryRef};
use ferroflux_e2e::{ensure_cluster, with_temp_namespace};
use kube::Api;
use kube::api::{Patch, PatchParams};

use crate::harness::*;

fn main_branch() -> Option<GitRepositoryRef> {
    Some(GitRepositoryRef {
        branch: Some("main".into()),
        ..Default::default()
    })
}

#[tokio::test]
async fn ignore_rules_and_symlinks_shape_the_tarball() {
    harness();
    let repo = ensure_cluster().services().create_repo("ignore");
    let wt = repo.work_tree();
    wt.write("deploy/app.yaml", "kind: A\n")
        .write("deploy/logo.png", "png")
        .write("docs/readme.md", "docs\n")
        .write(".github/workflows/ci.yaml", "ci\n")
        .write("apps/.sourceignore", "secret.yaml\n")
        .write("apps/secret.yaml", "s\n")
        .write("apps/ok.yaml", "ok\n");
    std::os::unix::fs::symlink("/etc/passwd", wt.path().join("deploy/passwd")).unwrap();
    std::os::unix::fs::symlink("/etc", wt.path().join("etc")).unwrap();
    let c = wt.commit("content");
    wt.push("main");
    with_temp_namespace(|client, ns| async move {
        let mut obj = git_repository(&ns, "ign", &repo.http_url());
        obj.spec.reference = main_branch();
        create(&client, &obj).await;
        let obj = wait_for(&client, &ns, "ign", "ready", |o| {
            ready_with(o, |r| r.ends_with(&c))
        })
        .await;
        // a .sourceignore exists, so Flux's default exclusions (*.png, .github/) are replaced
        // by the user's patterns; VCS files stay excluded; symlinks never enter the artifact
        assert_eq!(
            artifact_files(&obj).await,
            vec![
                ".github/workflows/ci.yaml",
                "apps/.sourceignore",
                "apps/ok.yaml",
                "deploy/app.yaml",
                "deploy/logo.png",
                "docs/readme.md"
            ]
        );
        let before = obj.artifact().unwrap().digest.clone();

        // spec.ignore changes the tarball (same commit, new digest)
        let api: Api<GitRepository> = Api::namespaced(client.clone(), &ns);
        let patch = serde_json::json!({"spec": {"ignore": "/docs/\n*.png\n"}});
        api.patch("ign", &PatchParams::default(), &Patch::Merge(&patch))
            .await
            .unwrap();
        let obj = wait_for(&client, &ns, "ign", "ignore applied", |o| {
            o.status
                .as_ref()
                .is_some_and(|s| s.observed_ignore.is_some())
                && ready_with(o, |_| true)
        })
        .await;
        assert_ne!(obj.artifact().unwrap().digest, before);
        let files = artifact_files(&obj).await;
        assert!(
            !files
                .iter()
                .any(|f| f.starts_with("docs/") || f.ends_with(".png")),
            "{files:?}"
        );
        assert!(files.contains(&"deploy/app.yaml".to_string()));
    })
    .await;
}

#[tokio::test]
async fn defaults_exclude_images_and_ci_without_user_patterns() {
    harness();
    let repo = ensure_cluster().services().create_repo("defaults");
    let c = repo.commit_files(
        &[
            ("a.yaml", "a\n"),
            ("logo.png", "x"),
            (".github/ci.yaml", "ci\n"),
        ],
        "one",
    );
    with_temp_namespace(|client, ns| async move {
        let mut obj = git_repository(&ns, "d", &repo.http_url());
        obj.spec.reference = main_branch();
        create(&client, &obj).await;
        let obj = wait_for(&client, &ns, "d", "ready", |o| {
            ready_with(o, |r| r.ends_with(&c))
        })
        .await;
        assert_eq!(artifact_files(&obj).await, vec!["a.yaml".to_string()]);
    })
    .await;
}

fn include(name: &str, from: Option<&str>, to: Option<&str>) -> GitRepositoryInclude {
    GitRepositoryInclude {
        repository: LocalObjectReference { name: name.into() },
        from_path: from.map(str::to_string),
        to_path: to.map(str::to_string),
    }
}

#[tokio::test]
async fn includes_copy_artifacts_and_cycles_stall() {
    harness();
    let services = ensure_cluster().services();
    let lib = services.create_repo("lib");
    let app = services.create_repo("app");
    let l1 = lib.commit_files(
        &[("manifests/lib.yaml", "lib: 1\n"), ("other/x.yaml", "x\n")],
        "lib",
    );
    let a1 = app.commit_files(&[("app.yaml", "app\n")], "app");
    with_temp_namespace(|client, ns| async move {
        let mut lib_obj = git_repository(&ns, "lib", &lib.http_url());
        lib_obj.spec.reference = main_branch();
        lib_obj.spec.interval = "2s".into();
        create(&client, &lib_obj).await;
        let mut app_obj = git_repository(&ns, "app", &app.http_url());
        app_obj.spec.reference = main_branch();
        app_obj.spec.include = Some(vec![include("lib", Some("manifests"), Some("vendor/lib"))]);
        create(&client, &app_obj).await;
        let obj = wait_for(&client, &ns, "app", "app with include", |o| {
            ready_with(o, |r| r.ends_with(&a1))
                && o.status
                    .as_ref()
                    .is_some_and(|s| s.included_artifacts.is_some())
        })
        .await;
        assert_eq!(
            artifact_files(&obj).await,
            vec!["app.yaml".to_string(), "vendor/lib/lib.yaml".to_string()]
        );
        let included = obj
            .status
            .as_ref()
            .unwrap()
            .included_artifacts
            .clone()
            .unwrap();
        assert!(included[0].revision.as_deref().unwrap().ends_with(&l1));

        // a new commit in the included repository reaches the including artifact
        let l2 = lib.commit_files(&[("manifests/lib.yaml", "lib: 2\n")], "lib 2");
        let obj = wait_for(&client, &ns, "app", "include update", |o| {
            o.status
                .as_ref()
                .and_then(|s| s.included_artifacts.as_ref())
                .is_some_and(|i| i[0].revision.as_deref().is_some_and(|r| r.ends_with(&l2)))
        })
        .await;
        let files = artifact_files(&obj).await;
        assert!(files.contains(&"vendor/lib/lib.yaml".to_string()));

        // a includes b, b includes a: Stalled naming the cycle
        let mut a = git_repository(&ns, "cycle-a", &app.http_url());
        a.spec.reference = main_branch();
        a.spec.include = Some(vec![include("cycle-b", None, None)]);
        let mut b = git_repository(&ns, "cycle-b", &lib.http_url());
        b.spec.reference = main_branch();
        b.spec.include = Some(vec![include("cycle-a", None, None)]);
        create(&client, &a).await;
        create(&client, &b).await;
        let a = wait_for(&client, &ns, "cycle-a", "cycle stalled", |o| {
            condition(o, "Stalled").is_some_and(|c| c.status == "True")
        })
        .await;
        let msg = condition(&a, "Ready").unwrap().message;
        assert!(msg.contains("cycle-a -> cycle-b -> cycle-a"), "{msg}");
        assert_eq!(condition(&a, "IncludeUnavailable").unwrap().status, "True");
    })
    .await;
}
