//! An artifact HTTP server standing in for source-controller, a GitRepository whose status points
//! at it, and a kustomize-controller watching one namespace, in this test process.

use ferroflux_api::kustomize::v1::Kustomization;
use ferroflux_api::source::v1::GitRepository;
use ferroflux_e2e::{api_resource, ensure_cluster, eventually};
use ferroflux_runtime::artifact::archive::{KeepAll, write_archive};
use ferroflux_runtime::artifact::digest::sha256_of;
use ferroflux_runtime::reconcile::{Driver, WatchScope};
use kube::Client;
use kube::api::{Api, DynamicObject, Patch, PatchParams};
use kustomize_controller::Context;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Serves tarballs over HTTP on 127.0.0.1, as source-controller's storage does.
pub struct ArtifactServer {
    root: tempfile::TempDir,
    base_url: String,
    counter: std::sync::atomic::AtomicU32,
}

/// A published artifact: what goes into `status.artifact`.
pub struct Artifact {
    pub url: String,
    pub digest: String,
    pub revision: String,
    pub path: String,
}

impl ArtifactServer {
    pub async fn start() -> ArtifactServer {
        let root = tempfile::tempdir().unwrap();
        let router = ferroflux_runtime::artifact::server::file_server(root.path().to_path_buf());
        let addr = ferroflux_runtime::admin::spawn_server("127.0.0.1:0", router)
            .await
            .unwrap();
        ArtifactServer {
            root,
            base_url: format!("http://{addr}"),
            counter: Default::default(),
        }
    }

    /// Packs `files` (path, content) into a new tarball and returns its artifact.
    pub fn publish(&self, files: &[(&str, &str)]) -> Artifact {
        let n = self
            .counter
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let src = tempfile::tempdir().unwrap();
        for (path, content) in files {
            let p: PathBuf = src.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, content).unwrap();
        }
        let bytes = write_archive(src.path(), &KeepAll, Vec::new()).unwrap();
        let digest = sha256_of(&bytes);
        let path = format!("gitrepository/test/repo/{n}.tar.gz");
        let local = self.root.path().join(&path);
        std::fs::create_dir_all(local.parent().unwrap()).unwrap();
        std::fs::write(&local, &bytes).unwrap();
        let hex = digest.trim_start_matches("sha256:");
        let revision = format!("main@sha1:{:0<40}", &hex[..40.min(hex.len())]);
        Artifact {
            url: format!("{}/{path}", self.base_url),
            digest,
            revision,
            path,
        }
    }
}

fn git_repository_api(client: &Client, ns: &str) -> Api<DynamicObject> {
    Api::namespaced_with(client.clone(), ns, &api_resource::<GitRepository>())
}

/// Creates (or updates) a GitRepository whose status points at `artifact`.
pub async fn set_git_repository(client: &Client, ns: &str, name: &str, artifact: &Artifact) {
    let api = git_repository_api(client, ns);
    let obj = json!({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
        "metadata": {"name": name, "namespace": ns},
        "spec": {"url": "https://example.invalid/repo.git", "interval": "10m"}});
    let params = PatchParams::apply("ferroflux-tests").force();
    api.patch(name, &params, &Patch::Apply(&obj))
        .await
        .expect("apply GitRepository");
    let status = json!({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
        "metadata": {"name": name, "namespace": ns},
        "status": {"artifact": {"path": artifact.path, "url": artifact.url,
            "revision": artifact.revision, "digest": artifact.digest,
            "lastUpdateTime": "2026-01-01T00:00:00Z"}}});
    api.patch_status(name, &params, &Patch::Apply(&status))
        .await
        .expect("GitRepository status");
}

/// Starts a kustomize-controller watching only `ns`, in this test's runtime.
pub async fn start_controller(ns: &str) {
    let env = ensure_cluster();
    let client = env.client().await;
    let driver = Driver::new(client, kustomize_controller::CONTROLLER_NAME);
    let ctx = Context::new(driver, env.kube_config().await)
        .with_poll_interval(Duration::from_millis(500));
    let scope = WatchScope {
        namespace: Some(ns.to_string()),
        label_selector: String::new(),
    };
    tokio::spawn(kustomize_controller::run(Arc::new(ctx), scope, 2));
}

/// Creates a Kustomization with the given spec (sourceRef and interval defaulted).
pub async fn apply_kustomization(client: &Client, ns: &str, name: &str, spec: Value) {
    let mut full = json!({"interval": "1m", "prune": true,
        "sourceRef": {"kind": "GitRepository", "name": "repo"}});
    for (k, v) in spec.as_object().unwrap() {
        full[k] = v.clone();
    }
    let obj = json!({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
        "metadata": {"name": name, "namespace": ns}, "spec": full});
    let api = kustomization_api(client, ns);
    let params = PatchParams::apply("ferroflux-tests").force();
    api.patch(name, &params, &Patch::Apply(&obj))
        .await
        .expect("apply Kustomization");
}

/// The Kustomizations of `ns`, as dynamic objects.
pub fn kustomization_api(client: &Client, ns: &str) -> Api<DynamicObject> {
    Api::namespaced_with(client.clone(), ns, &api_resource::<Kustomization>())
}

/// The Ready condition of a Kustomization: (status, reason, message).
pub async fn ready_of(client: &Client, ns: &str, name: &str) -> Option<(String, String, String)> {
    let ks = kustomization_api(client, ns)
        .get_opt(name)
        .await
        .ok()
        .flatten()?;
    let conditions = ks.data.pointer("/status/conditions")?.as_array()?.clone();
    let ready = conditions.iter().find(|c| c["type"] == "Ready")?;
    let s = |k: &str| ready[k].as_str().unwrap_or_default().to_string();
    Some((s("status"), s("reason"), s("message")))
}

/// Waits until Ready matches `status` and its message contains `fragment`; returns the message.
pub async fn wait_ready(
    client: &Client,
    ns: &str,
    name: &str,
    status: &str,
    fragment: &str,
) -> String {
    let what = format!("Kustomization {ns}/{name} Ready={status} with '{fragment}'");
    eventually(&what, Duration::from_secs(60), || async {
        let (s, _, message) = ready_of(client, ns, name).await?;
        (s == status && message.contains(fragment)).then_some(message)
    })
    .await
}

/// A field of the Kustomization's status.
pub async fn status_field(client: &Client, ns: &str, name: &str, pointer: &str) -> Value {
    let ks = kustomization_api(client, ns).get(name).await.unwrap();
    ks.data
        .pointer(&format!("/status{pointer}"))
        .cloned()
        .unwrap_or(Value::Null)
}

/// Waits until Ready has `status` and `reason`; returns the message.
pub async fn wait_reason(
    client: &Client,
    ns: &str,
    name: &str,
    status: &str,
    reason: &str,
) -> String {
    let what = format!("Kustomization {ns}/{name} Ready={status} reason {reason}");
    eventually(&what, Duration::from_secs(60), || async {
        let (s, r, message) = ready_of(client, ns, name).await?;
        (s == status && r == reason).then_some(message)
    })
    .await
}
