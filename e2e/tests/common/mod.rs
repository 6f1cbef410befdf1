//! The GitOps loop for one test: a repository on the test Git server, a GitRepository pointing at
//! it, and Ferroflux's source-controller and kustomize-controller reconciling the test namespace.

#![allow(dead_code)]

use std::path::Path;
use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ferroflux_api::kustomize::v1::Kustomization;
use ferroflux_api::meta::get_condition;
use ferroflux_e2e::{GitServerRepo, LocalControllers, ensure_cluster, eventually};
use k8s_openapi::api::core::v1::Event;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition;
use kube::api::{
    Api, ApiResource, DynamicObject, GroupVersionKind, ListParams, Patch, PatchParams,
};
use serde_json::{Value, json};

/// How long any wait on the controllers may take: generous, the machine is shared and loaded.
pub const WAIT: Duration = Duration::from_secs(180);

/// The name of the GitRepository every test creates.
pub const SOURCE: &str = "repo";

/// One test's Git repository, controllers and namespace.
pub struct Gitops {
    pub client: kube::Client,
    pub ns: String,
    pub repo: GitServerRepo,
    pub controllers: LocalControllers,
}

impl Gitops {
    /// Creates a repository, starts the controllers for `ns` and creates the GitRepository
    /// `repo` once `files` are pushed (the first commit).
    pub async fn start(client: kube::Client, ns: &str, files: &[(&str, &str)]) -> (Self, String) {
        let repo = ensure_cluster().services().create_repo("kustomize");
        let commit = repo.commit_files(files, "first");
        let controllers = LocalControllers::start(ns);
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
            &git_repository_resource(),
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
            &git_repository_resource(),
            name,
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
        merge(&mut full, spec);
        let obj = json!({
            "apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
            "metadata": {"name": name, "namespace": self.ns}, "spec": full
        });
        apply(
            &self.client,
            &self.ns,
            &kustomization_resource(),
            name,
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
        self.request_reconcile(&git_repository_resource(), SOURCE)
            .await;
        commit
    }

    /// Sets `reconcile.fluxcd.io/requestedAt` on the Kustomization `name` (`flux reconcile ks`).
    pub async fn reconcile_now(&self, name: &str) {
        self.request_reconcile(&kustomization_resource(), name)
            .await;
    }

    async fn request_reconcile(&self, resource: &ApiResource, name: &str) {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let patch = json!({"metadata": {"annotations": {"reconcile.fluxcd.io/requestedAt": now.to_string()}}});
        Api::<DynamicObject>::namespaced_with(self.client.clone(), &self.ns, resource)
            .patch(name, &PatchParams::default(), &Patch::Merge(&patch))
            .await
            .unwrap_or_else(|e| panic!("cannot annotate {name}: {e}"));
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
            let ready = ready_condition(&ks)?;
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
            let ready = ready_condition(&ks)?;
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
        kubectl(&[&["-n", &self.ns], args].concat())
    }
}

pub use ferroflux_e2e::kubectl;

/// The Ready condition of `ks`, if any.
pub fn ready_condition(ks: &Kustomization) -> Option<Condition> {
    get_condition(&ks.status.as_ref()?.conditions, "Ready").cloned()
}

/// The inventory ids of `ks`, sorted.
pub fn inventory_ids(ks: &Kustomization) -> Vec<String> {
    let entries = ks.status.as_ref().and_then(|s| s.inventory.as_ref());
    entries
        .map(|i| i.entries.iter().map(|e| e.id.clone()).collect())
        .unwrap_or_default()
}

/// A ConfigMap manifest with one key.
pub fn config_map(name: &str, value: &str) -> String {
    format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  key: \"{value}\"\n"
    )
}

/// A Deployment manifest with `replicas` pods of a placeholder image (kwok runs no containers).
pub fn deployment(name: &str, replicas: u32, extra_pod_spec: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  replicas: {replicas}\n  \
         selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        \
         app: {name}\n    spec:\n{extra_pod_spec}      containers:\n        - name: app\n          \
         image: ghcr.io/stefanprodan/podinfo:6.14.1\n"
    )
}

/// Every file under `dir`, as (path relative to `dir` prefixed with `prefix`, content).
pub fn files_under(dir: &Path, prefix: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current)
            .expect("fixture directory")
            .flatten()
        {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(dir).unwrap().to_string_lossy();
                let content = std::fs::read_to_string(&path).expect("fixture file");
                out.push((format!("{prefix}{relative}"), content));
            }
        }
    }
    out.sort();
    out
}

/// The fixture repositories (`testdata/`, or `$FERROFLUX_FIXTURES`).
pub fn fixtures() -> std::path::PathBuf {
    ferroflux_e2e::fixtures_dir()
}

pub fn kustomization_resource() -> ApiResource {
    let gvk = GroupVersionKind::gvk("kustomize.toolkit.fluxcd.io", "v1", "Kustomization");
    ApiResource::from_gvk_with_plural(&gvk, "kustomizations")
}

pub fn git_repository_resource() -> ApiResource {
    let gvk = GroupVersionKind::gvk("source.toolkit.fluxcd.io", "v1", "GitRepository");
    ApiResource::from_gvk_with_plural(&gvk, "gitrepositories")
}

/// Server-side applies `obj` as the test (field manager `ferroflux-e2e`).
pub async fn apply(
    client: &kube::Client,
    ns: &str,
    resource: &ApiResource,
    name: &str,
    obj: &Value,
) {
    Api::<DynamicObject>::namespaced_with(client.clone(), ns, resource)
        .patch(
            name,
            &PatchParams::apply("ferroflux-e2e").force(),
            &Patch::Apply(obj),
        )
        .await
        .unwrap_or_else(|e| panic!("cannot apply {} {name}: {e}", resource.kind));
}

/// Merges `patch` into `base` (objects recursively, everything else replaced).
fn merge(base: &mut Value, patch: Value) {
    match (base, patch) {
        (Value::Object(base), Value::Object(patch)) => {
            for (k, v) in patch {
                merge(base.entry(k).or_insert(Value::Null), v);
            }
        }
        (base, patch) => *base = patch,
    }
}

/// Deletes cluster-scoped objects a test made (`kind/name` for kubectl) when dropped, also after
/// a failure, so nothing is left on the shared cluster.
pub struct ClusterCleanup(pub Vec<String>);

impl Drop for ClusterCleanup {
    fn drop(&mut self) {
        for object in &self.0 {
            let _ = Command::new("kubectl")
                .arg("--kubeconfig")
                .arg(ensure_cluster().kubeconfig())
                .args(["delete", object, "--ignore-not-found", "--wait=false"])
                .output();
        }
    }
}
