//! Every bad input gives a clear condition, never a crash, and keeps the last good artifact.

use ferroflux_api::meta::LocalObjectReference;
use ferroflux_api::source::v1::{GitRepository, GitRepositoryRef};
use ferroflux_e2e::{ensure_cluster, with_temp_namespace};
use kube::Api;
use kube::api::{Patch, PatchParams};

use crate::harness::*;

fn r(f: impl FnOnce(&mut GitRepositoryRef)) -> Option<GitRepositoryRef> {
    let mut x = GitRepositoryRef::default();
    f(&mut x);
    Some(x)
}

#[tokio::test]
async fn bad_inputs_give_clear_conditions() {
    harness();
    let services = ensure_cluster().services();
    let repo = services.create_repo("bad");
    repo.commit_files(&[("a.yaml", "a\n")], "one");
    let password = services.git_password.clone();
    let ca = std::fs::read_to_string(&services.ca_cert).unwrap();
    with_temp_namespace(|client, ns| async move {
        let mut cases_pre: Vec<(&str, GitRepository, &str, &str)> = Vec::new();
        let mut o = git_repository(&ns, "untrusted-ca", &repo.https_url());
        o.spec.reference = r(|x| x.branch = Some("main".into()));
        cases_pre.push(("untrusted-ca", o, "GitOperationFailed", "FetchFailed"));
        create_secret(
            &client,
            &ns,
            "wrong",
            &[
                ("username", "git".into()),
                ("password", "wr0ng-passw0rd".into()),
                ("ca.crt", ca),
            ],
        )
        .await;
        let mut cases: Vec<(&str, GitRepository, &str, &str)> = std::mem::take(&mut cases_pre);
        let mut o = git_repository(&ns, "unreachable", "http://127.0.0.1:9/none.git");
        o.spec.reference = r(|x| x.branch = Some("main".into()));
        cases.push(("unreachable", o, "GitOperationFailed", "FetchFailed"));
        let mut o = git_repository(&ns, "wrong-creds", &repo.https_url());
        o.spec.reference = r(|x| x.branch = Some("main".into()));
        o.spec.secret_ref = Some(LocalObjectReference {
            name: "wrong".into(),
        });
        cases.push(("wrong-creds", o, "GitOperationFailed", "FetchFailed"));
        let mut o = git_repository(&ns, "no-branch", &repo.http_url());
        o.spec.reference = r(|x| x.branch = Some("nope".into()));
        cases.push(("no-branch", o, "GitOperationFailed", "FetchFailed"));
        let mut o = git_repository(&ns, "no-tag", &repo.http_url());
        o.spec.reference = r(|x| x.tag = Some("v9.9.9".into()));
        cases.push(("no-tag", o, "GitOperationFailed", "FetchFailed"));
        let mut o = git_repository(&ns, "no-semver", &repo.http_url());
        o.spec.reference = r(|x| x.semver = Some(">=5.0.0".into()));
        cases.push(("no-semver", o, "GitOperationFailed", "FetchFailed"));
        let mut o = git_repository(&ns, "missing-secret", &repo.https_url());
        o.spec.secret_ref = Some(LocalObjectReference {
            name: "absent".into(),
        });
        cases.push(("missing-secret", o, "AuthenticationFailed", "FetchFailed"));
        let mut o = git_repository(&ns, "submodules", &repo.http_url());
        o.spec.recurse_submodules = Some(true);
        cases.push(("submodules", o, "UnsupportedSpec", "Stalled"));
        let mut o = git_repository(&ns, "ssh-no-known-hosts", &repo.ssh_url());
        o.spec.reference = r(|x| x.branch = Some("main".into()));
        cases.push(("ssh-no-known-hosts", o, "AuthenticationFailed", "Stalled"));
        for (_, obj, _, _) in &cases {
            create(&client, obj).await;
        }
        for (name, _, reason, cond) in &cases {
            let obj = wait_for(&client, &ns, name, &format!("{name}: {reason}"), |o| {
                not_ready_because(o, reason)
            })
            .await;
            let c = condition(&obj, cond).unwrap_or_else(|| panic!("{name}: no {cond}"));
            assert_eq!(c.status, "True", "{name}");
            let msg = condition(&obj, "Ready").unwrap().message;
            assert!(!msg.is_empty(), "{name}");
            assert!(
                !msg.contains("wr0ng-passw0rd") && !msg.contains(&password),
                "{name}: secret in '{msg}'"
            );
            eprintln!("{name}: {msg}");
        }
        let sub = wait_for(&client, &ns, "submodules", "", |_| true).await;
        assert!(
            condition(&sub, "Ready")
                .unwrap()
                .message
                .contains("recurseSubmodules")
        );
        let no_semver = wait_for(&client, &ns, "no-semver", "", |_| true).await;
        assert!(
            condition(&no_semver, "Ready")
                .unwrap()
                .message
                .contains(">=5.0.0")
        );
        assert_eq!(
            condition(&no_semver, "Reconciling").unwrap().reason,
            "ProgressingWithRetry"
        );
    })
    .await;
}

#[tokio::test]
async fn vanished_repository_keeps_the_last_artifact_served() {
    harness();
    let repo = ensure_cluster().services().create_repo("vanish");
    let c = repo.commit_files(&[("a.yaml", "a\n")], "one");
    with_temp_namespace(|client, ns| async move {
        let mut obj = git_repository(&ns, "v", &repo.http_url());
        obj.spec.reference = r(|x| x.branch = Some("main".into()));
        create(&client, &obj).await;
        let good = wait_for(&client, &ns, "v", "ready", |o| ready_with(o, |rev| rev.ends_with(&c))).await;
        std::fs::remove_dir_all(repo.path()).unwrap();
        let api: Api<GitRepository> = Api::namespaced(client.clone(), &ns);
        let patch = serde_json::json!({"metadata": {"annotations": {"reconcile.fluxcd.io/requestedAt": "gone"}}});
        api.patch("v", &PatchParams::default(), &Patch::Merge(&patch)).await.unwrap();
        let bad = wait_for(&client, &ns, "v", "fetch failure", |o| not_ready_because(o, "GitOperationFailed")).await;
        assert_eq!(bad.artifact(), good.artifact(), "artifact must stay in status");
        assert_eq!(artifact_files(&bad).await, vec!["a.yaml".to_string()], "artifact must stay served");
    })
    .await;
}

#[tokio::test]
async fn suspend_and_delete() {
    harness();
    let repo = ensure_cluster().services().create_repo("suspend");
    let c1 = repo.commit_files(&[("a.yaml", "a\n")], "one");
    with_temp_namespace(|client, ns| async move {
        let mut obj = git_repository(&ns, "s", &repo.http_url());
        obj.spec.reference = r(|x| x.branch = Some("main".into()));
        obj.spec.interval = "2s".into();
        create(&client, &obj).await;
        let good = wait_for(&client, &ns, "s", "ready", |o| {
            ready_with(o, |rev| rev.ends_with(&c1))
        })
        .await;
        let api: Api<GitRepository> = Api::namespaced(client.clone(), &ns);
        let patch = serde_json::json!({"spec": {"suspend": true}});
        api.patch("s", &PatchParams::default(), &Patch::Merge(&patch))
            .await
            .unwrap();
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        repo.commit_files(&[("a.yaml", "b\n")], "two");
        tokio::time::sleep(std::time::Duration::from_secs(5)).await;
        let still = api.get("s").await.unwrap();
        assert_eq!(
            still.artifact(),
            good.artifact(),
            "suspended object was reconciled"
        );

        // deletion removes the artifacts from storage (finalizer)
        let local = harness().storage.join(&good.artifact().unwrap().path);
        assert!(local.is_file());
        api.delete("s", &Default::default()).await.unwrap();
        ferroflux_e2e::eventually(
            "object gone",
            std::time::Duration::from_secs(30),
            || async {
                api.get_opt("s")
                    .await
                    .ok()
                    .flatten()
                    .is_none()
                    .then_some(())
            },
        )
        .await;
        assert!(!local.exists(), "artifact left in storage");
    })
    .await;
}
