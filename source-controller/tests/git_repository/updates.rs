//! New commits produce new artifacts within one interval and at once on requestedAt; force
//! pushes are followed; the same commit always gives the same digest; unchanged objects are
//! not written.

use ferroflux_api::source::v1::{GitRepository, GitRepositoryRef};
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

async fn request_reconcile(api: &Api<GitRepository>, name: &str, value: &str) {
    let patch = serde_json::json!({"metadata": {"annotations": {"reconcile.fluxcd.io/requestedAt": value}}});
    api.patch(name, &PatchParams::default(), &Patch::Merge(&patch))
        .await
        .unwrap();
}

#[tokio::test]
async fn new_commits_force_pushes_and_requested_reconciles() {
    harness();
    let repo = ensure_cluster().services().create_repo("updates");
    let wt = repo.work_tree();
    let c1 = wt.write("a.yaml", "a: 1\n").commit("one");
    wt.push("main");
    with_temp_namespace(|client, ns| async move {
        let api: Api<GitRepository> = Api::namespaced(client.clone(), &ns);
        let mut obj = git_repository(&ns, "fast", &repo.http_url());
        obj.spec.reference = main_branch();
        obj.spec.interval = "2s".into();
        create(&client, &obj).await;
        let first = wait_for(&client, &ns, "fast", "first artifact", |o| {
            ready_with(o, |r| r.ends_with(&c1))
        })
        .await;

        // nothing changes: no status write (resourceVersion stays) across several intervals
        tokio::time::sleep(std::time::Duration::from_secs(6)).await;
        let later = api.get("fast").await.unwrap();
        assert_eq!(
            later.metadata.resource_version, first.metadata.resource_version,
            "status was rewritten"
        );

        // new commit: new artifact within one interval (plus slack)
        let c2 = wt.write("a.yaml", "a: 2\n").commit("two");
        wt.push("main");
        let second = wait_for(&client, &ns, "fast", "second artifact", |o| {
            ready_with(o, |r| r.ends_with(&c2))
        })
        .await;
        assert_ne!(
            second.artifact().unwrap().digest,
            first.artifact().unwrap().digest
        );

        // force push back to a rewritten history
        wt.git(&["reset", "--hard", &c1]);
        let c3 = wt.write("b.yaml", "b\n").commit("rewritten");
        wt.git(&["push", "-f", "origin", "HEAD:main"]);
        wait_for(&client, &ns, "fast", "force-pushed artifact", |o| {
            ready_with(o, |r| r.ends_with(&c3))
        })
        .await;

        // same commit in another object: same digest
        let mut twin = git_repository(&ns, "twin", &repo.http_url());
        twin.spec.reference = main_branch();
        create(&client, &twin).await;
        let twin = wait_for(&client, &ns, "twin", "twin", |o| {
            ready_with(o, |r| r.ends_with(&c3))
        })
        .await;
        let fast = api.get("fast").await.unwrap();
        assert_eq!(
            twin.artifact().unwrap().digest,
            fast.artifact().unwrap().digest
        );

        // requestedAt on a long interval: new commit picked up at once, annotation acknowledged
        let c4 = wt.write("c.yaml", "c\n").commit("four");
        wt.push("main");
        request_reconcile(&api, "twin", "now-1").await;
        // A reconcile already under way may pick the commit up before the request is seen: wait
        // for the request to be acknowledged too.
        let handled = |o: &GitRepository| {
            o.status
                .as_ref()
                .and_then(|s| s.reconcile_request.last_handled_reconcile_at.as_deref())
                == Some("now-1")
        };
        let twin = wait_for(&client, &ns, "twin", "requested reconcile", |o| {
            ready_with(o, |r| r.ends_with(&c4)) && handled(o)
        })
        .await;
        assert_eq!(
            twin.status
                .unwrap()
                .reconcile_request
                .last_handled_reconcile_at
                .as_deref(),
            Some("now-1")
        );
    })
    .await;
}
