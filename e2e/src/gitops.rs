//! The GitOps loop for one test: a repository on the test Git server, a GitRepository pointing at
//! it, and Ferroflux's source-controller and kustomize-controller reconciling the test namespace.

use std::time::Duration;

use ferroflux_api::kustomize::v1::Kustomization;
use ferroflux_api::source::v1::GitRepository;
use k8s_openapi::api::core::v1::Event;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition;
use kube::api::{Api, DynamicObject, ListParams};
use serde_json::{Value, json};

use crate::objects::{api_resource, apply, merge_json, request_reconcile};
use crate::{GitServerRepo, LocalControllers, ensure_cluster, eventually};

/// How long any wait on the controllers may take: generous, the machine is shared and loaded.
pub const WAIT: Duration = Duration::from_secs(180);

/// The name of the GitRepository every [`Gitops`] creates.
pub const SOURCE: &str = "repo";

/// One test's Git repository, controllers and namespace.
pub struct Gitops {
    /// A client of the test cluster.
    pub client: kube::Client,
    /// The namespace the controllers reconcile.
    pub ns: String,
    /// The repository the GitRepository follows (branch `main`).
    pub repo: GitServerRepo,
    /// The two controllers; dropping them stops them.
    pub controllers: LocalControllers,
}

impl Gitops {
    /// Creates a repository, starts the controllers for `ns` and creates the GitRepository
    /// [`SOURCE`] once `files` are pushed (the first commit); returns it and that commit.
    pub async fn start(client: kube::Client, ns: &str, files: &[(&str, &str)]) -> (Self, String) {
        let repo = ensure_cluster().services().create_repo("kustomize");
        let commit = repo.commit_files(files, "first");
        let controllers = LocalControllers::start(ns).await;
        let gitops = Gitops {
            client,
            ns: ns.to_string(),
            repo,
            controllers,
        };
        gitops
            .apply_git_repository(SOURCE, &gitops.repo.http_url())
            .await;
        gitops.wait_artifact(SOURCE, &commit).await;
        (gitops, commit)
    }

    /// Waits until the GitRepository `name` has an artifact of `commit`.
    pub async fn wait_artifact(&self, name: &str, commit: &str) {
        let api = Api::<DynamicObject>::namespaced_with(
            self.client.clone(),
            &self.ns,
            &api_resource::<GitRepository>(),
        );
        eventually(
            &format!("GitRepository {name} artifact at {commit}"),
            WAIT,
            || async {
                let source = api.get(name).await.ok()?;
                let revision = source.data.pointer("/status/artifact/revision")?.as_str()?;
                revision.ends_with(commit).then_some(())
            },
        )
        .await;
    }

    /// Creates or updates the GitRepository `name` following `main` of `url`.
    pub async fn apply_git_repository(&self, name: &str, url: &str) {
        let obj = json!({
            "apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
            "metadata": {"name": name, "namespace": self.ns},
            "spec": {"url": url, "interval": "1m", "ref": {"branch": "main"}}
        });
        apply(
            &self.client,
            &self.ns,
            &api_resource::<GitRepository>(),
            &obj,
        )
        .await;
    }

    /// Creates or updates the Kustomization `name` with `spec` (sourceRef defaults to the
    /// test's GitRepository, interval to 1h so only requested reconciliations run).
    pub async fn apply_kustomization(&self, name: &str, spec: Value) {
        let mut full = json!({
            "interval": "1h", "retryInterval": "5s", "prune": true,
            "sourceRef": {"kind": "GitRepository", "name": SOURCE}
        });
        merge_json(&mut full, spec);
        let obj = json!({
            "apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
            "metadata": {"name": name, "namespace": self.ns}, "spec": full
        });
        apply(
            &self.client,
            &self.ns,
            &api_resource::<Kustomization>(),
            &obj,
        )
        .await;
    }

    /// Writes and removes files, commits, pushes and asks source-controller to fetch at once
    /// (as `flux reconcile source git` does). Returns the new commit id.
    pub async fn push(&self, files: &[(&str, &str)], removed: &[&str], message: &str) -> String {
        let work = self.repo.work_tree();
        for path in removed {
            work.remove(path);
        }
        for (path, content) in files {
            work.write(path, content);
        }
        let commit = work.commit(message);
        work.push("main");
        request_reconcile(
            &self.client,
            &self.ns,
            &api_resource::<GitRepository>(),
            SOURCE,
        )
        .await;
        commit
    }

    /// Sets `reconcile.fluxcd.io/requestedAt` on the Kustomization `name` (`flux reconcile ks`).
    pub async fn reconcile_now(&self, name: &str) {
        request_reconcile(
            &self.client,
            &self.ns,
            &api_resource::<Kustomization>(),
            name,
        )
        .await;
    }

    /// The Kustomization `name` as it is now.
    pub async fn kustomization(&self, name: &str) -> Option<Kustomization> {
        Api::<Kustomization>::namespaced(self.client.clone(), &self.ns)
            .get_opt(name)
            .await
            .ok()
            .flatten()
    }

    /// Waits until `name` is Ready=True having applied `commit`; returns it.
    pub async fn wait_applied(&self, name: &str, commit: &str) -> Kustomization {
        let what = format!("Kustomization {name} Ready at {commit}");
        eventually(&what, WAIT, || async {
            let ks = self.kustomization(name).await?;
            let ready = kustomization_ready(&ks)?;
            let status = ks.status.as_ref()?;
            let applied = status.last_applied_revision.as_deref()?;
            (ready.status == "True"
                && applied.ends_with(commit)
                && ready.message == format!("Applied revision: {applied}"))
            .then_some(ks)
        })
        .await
    }

    /// Waits until `name` is Ready=False with `reason` and a message containing `needle`, after
    /// attempting a revision ending in `commit` (any revision when `commit` is empty).
    pub async fn wait_failed(
        &self,
        name: &str,
        commit: &str,
        reason: &str,
        needle: &str,
    ) -> Kustomization {
        let what = format!("Kustomization {name} Ready=False {reason} '{needle}' at '{commit}'");
        eventually(&what, WAIT, || async {
            let ks = self.kustomization(name).await?;
            let ready = kustomization_ready(&ks)?;
            let attempted = ks.status.as_ref()?.last_attempted_revision.clone();
            let at_commit = commit.is_empty() || attempted.is_some_and(|r| r.ends_with(commit));
            (at_commit
                && ready.status == "False"
                && ready.reason == reason
                && ready.message.contains(needle))
            .then_some(ks)
        })
        .await
    }

    /// Kubernetes Events about the Kustomization `name`.
    pub async fn events_of(&self, name: &str) -> Vec<Event> {
        let events: Api<Event> = Api::namespaced(self.client.clone(), &self.ns);
        let selector = format!("involvedObject.kind=Kustomization,involvedObject.name={name}");
        events
            .list(&ListParams::default().fields(&selector))
            .await
            .map(|l| l.items)
            .unwrap_or_default()
    }

    /// Waits for an Event about `name` with `reason` whose message contains `needle`.
    pub async fn wait_event(&self, name: &str, reason: &str, needle: &str) -> Event {
        let what = format!("an event {reason} '{needle}' for {name}");
        eventually(&what, WAIT, || async {
            self.events_of(name).await.into_iter().find(|e| {
                e.reason.as_deref() == Some(reason)
                    && e.message.as_deref().is_some_and(|m| m.contains(needle))
            })
        })
        .await
    }

    /// Deletes the Kustomization `name` and waits until it is gone (its finalizer ran).
    pub async fn delete_kustomization(&self, name: &str) {
        let api: Api<Kustomization> = Api::namespaced(self.client.clone(), &self.ns);
        api.delete(name, &Default::default())
            .await
            .unwrap_or_else(|e| panic!("cannot delete Kustomization {name}: {e}"));
        eventually(&format!("Kustomization {name} gone"), WAIT, || async {
            api.get_opt(name).await.ok()?.is_none().then_some(())
        })
        .await;
    }

    /// Runs kubectl as a user would, in the test namespace; panics when it fails.
    pub fn kubectl(&self, args: &[&str]) -> String {
        crate::kubectl(&[&["-n", &self.ns], args].concat())
    }
}

/// The Ready condition of `ks`, if any.
pub fn kustomization_ready(ks: &Kustomization) -> Option<Condition> {
    let conditions = &ks.status.as_ref()?.conditions;
    conditions.iter().find(|c| c.type_ == "Ready").cloned()
}

/// The inventory ids of `ks`, in the order of its status.
pub fn inventory_ids(ks: &Kustomization) -> Vec<String> {
    let entries = ks.status.as_ref().and_then(|s| s.inventory.as_ref());
    entries
        .map(|i| i.entries.iter().map(|e| e.id.clone()).collect())
        .unwrap_or_default()
}
