//! Every ref kind resolves to Flux's revision format, over HTTPS, HTTP and ssh.

use ferroflux_api::meta::LocalObjectReference;
use ferroflux_api::source::v1::GitRepositoryRef;
use ferroflux_e2e::{ensure_cluster, with_temp_namespace};

use crate::harness::*;

fn reference(f: impl FnOnce(&mut GitRepositoryRef)) -> Option<GitRepositoryRef> {
    let mut r = GitRepositoryRef::default();
    f(&mut r);
    Some(r)
}

#[tokio::test]
async fn every_ref_kind_over_https_with_basic_auth_and_ca() {
    harness();
    let repo = ensure_cluster().services().create_repo("refs");
    let wt = repo.work_tree();
    let c1 = wt.write("deploy/a.yaml", "a: 1\n").commit("first");
    wt.tag("v1.0.0").push("main");
    let c2 = wt.write("deploy/a.yaml", "a: 2\n").commit("second");
    wt.tag("v1.1.0").tag("v2.0.0-rc.1").push("main");
    with_temp_namespace(|client, ns| async move {
        https_secret(&client, &ns, "git-auth").await;
        let cases: Vec<(&str, Option<GitRepositoryRef>, String)> = vec![
            (
                "branch",
                reference(|r| r.branch = Some("main".into())),
                format!("main@sha1:{c2}"),
            ),
            (
                "tag",
                reference(|r| r.tag = Some("v1.0.0".into())),
                format!("v1.0.0@sha1:{c1}"),
            ),
            (
                "semver",
                reference(|r| r.semver = Some(">=1.0.0 <2.0.0".into())),
                format!("v1.1.0@sha1:{c2}"),
            ),
            (
                "commit",
                reference(|r| r.commit = Some(c1.clone())),
                format!("sha1:{c1}"),
            ),
            (
                "pinned",
                reference(|r| {
                    r.branch = Some("main".into());
                    r.commit = Some(c1.clone());
                }),
                format!("main@sha1:{c1}"),
            ),
            (
                "name",
                reference(|r| r.name = Some("refs/heads/main".into())),
                format!("refs/heads/main@sha1:{c2}"),
            ),
        ];
        for (name, r, _) in &cases {
            let mut obj = git_repository(&ns, name, &repo.https_url());
            obj.spec.reference = r.clone();
            obj.spec.secret_ref = Some(LocalObjectReference {
                name: "git-auth".into(),
            });
            create(&client, &obj).await;
        }
        for (name, _, want) in &cases {
            let obj = wait_for(
                &client,
                &ns,
                name,
                &format!("{name} ready at {want}"),
                |o| ready_with(o, |r| r == want),
            )
            .await;
            let artifact = obj.artifact().unwrap();
            assert!(
                artifact
                    .path
                    .starts_with(&format!("gitrepository/{ns}/{name}/")),
                "{}",
                artifact.path
            );
            assert!(artifact.digest.as_deref().unwrap().starts_with("sha256:"));
            assert_eq!(condition(&obj, "ArtifactInStorage").unwrap().status, "True");
            assert!(
                condition(&obj, "Reconciling").is_none() && condition(&obj, "Stalled").is_none()
            );
            assert_eq!(
                obj.status.as_ref().unwrap().observed_generation,
                obj.metadata.generation
            );
        }
        // a consumer downloads, verifies and unpacks the artifact
        let obj = wait_for(&client, &ns, "tag", "tag", |_| true).await;
        assert_eq!(
            artifact_files(&obj).await,
            vec!["deploy/a.yaml".to_string()]
        );
    })
    .await;
}

#[tokio::test]
async fn anonymous_http_and_default_branch() {
    harness();
    let repo = ensure_cluster().services().create_repo("http");
    let c = repo.commit_files(&[("a.yaml", "a\n")], "one");
    repo.git(&["branch", "master", "main"]);
    with_temp_namespace(|client, ns| async move {
        // no ref: Flux's default branch is master
        create(&client, &git_repository(&ns, "default", &repo.http_url())).await;
        let want = format!("master@sha1:{c}");
        wait_for(&client, &ns, "default", "default branch", |o| {
            ready_with(o, |r| r == want)
        })
        .await;
    })
    .await;
}

#[tokio::test]
async fn ssh_with_identity_and_known_hosts() {
    harness();
    let services = ensure_cluster().services();
    let repo = services.create_repo("ssh");
    let c = repo.commit_files(&[("a.yaml", "a\n")], "one");
    let identity = std::fs::read_to_string(&services.ssh_identity).unwrap();
    let known_hosts = std::fs::read_to_string(&services.ssh_known_hosts).unwrap();
    with_temp_namespace(|client, ns| async move {
        create_secret(&client, &ns, "ssh", &[("identity", identity.clone()), ("known_hosts", known_hosts)]).await;
        let mut obj = git_repository(&ns, "ssh", &repo.ssh_url());
        obj.spec.reference = reference(|r| r.branch = Some("main".into()));
        obj.spec.secret_ref = Some(LocalObjectReference { name: "ssh".into() });
        create(&client, &obj).await;
        let want = format!("main@sha1:{c}");
        wait_for(&client, &ns, "ssh", "ssh ready", |o| ready_with(o, |r| r == want)).await;

        // a known_hosts that does not hold the server's key is refused
        let other_key = "127.0.0.1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n";
        let port_host = repo.ssh_url();
        let hostport = port_host.split('@').nth(1).unwrap().split('/').next().unwrap();
        let (host, port) = hostport.split_once(':').unwrap();
        let wrong = other_key.replace("127.0.0.1", &format!("[{host}]:{port}"));
        create_secret(&client, &ns, "wrong-host", &[("identity", identity), ("known_hosts", wrong)]).await;
        let mut obj = git_repository(&ns, "unknown-host", &repo.ssh_url());
        obj.spec.reference = reference(|r| r.branch = Some("main".into()));
        obj.spec.secret_ref = Some(LocalObjectReference { name: "wrong-host".into() });
        create(&client, &obj).await;
        let obj = wait_for(&client, &ns, "unknown-host", "host key refused", |o| not_ready_because(o, "GitOperationFailed")).await;
        assert_eq!(condition(&obj, "FetchFailed").unwrap().status, "True");
    })
    .await;
}
