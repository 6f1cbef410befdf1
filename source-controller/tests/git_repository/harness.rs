//! One in-process source-controller per test binary, against the real test cluster, reconciling
//! only objects labelled for this process; plus helpers to create and watch GitRepositories.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use ferroflux_api::source::v1::{GitRepository, GitRepositorySpec};
use ferroflux_e2e::{ensure_cluster, eventually};
use ferroflux_runtime::controller::Runtime;
use ferroflux_runtime::flags::{ControllerFlags, LogEncoding, StorageFlags};
use k8s_openapi::api::core::v1::Secret;
use kube::Api;
use kube::api::{ObjectMeta, PostParams};

/// Label every test object carries, so this process's controller reconciles only its own.
pub const TEST_LABEL: &str = "ferroflux.dev/source-controller-test";

/// The running controller.
pub struct Harness {
    /// Local storage root.
    pub storage: PathBuf,
    /// Value of [`TEST_LABEL`] for this process.
    pub label_value: String,
}

static HARNESS: OnceLock<Harness> = OnceLock::new();

/// Starts the controller once (cluster, CRD, controller thread) and returns its facts.
pub fn harness() -> &'static Harness {
    HARNESS.get_or_init(|| {
        let env = ensure_cluster();
        let storage = tempfile::tempdir().unwrap().keep();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let label_value = format!("p{}", std::process::id());
        let flags = ControllerFlags {
            kubeconfig: Some(env.kubeconfig().to_path_buf()),
            metrics_addr: "127.0.0.1:0".into(),
            health_addr: "127.0.0.1:0".into(),
            events_addr: String::new(),
            concurrent: 4,
            enable_leader_election: false,
            watch_label_selector: format!("{TEST_LABEL}={label_value}"),
            log_level: "info".into(),
            log_encoding: LogEncoding::Json,
            watch_all_namespaces: true,
            // Retries as Flux's defaults, but capped low so that a fix a test makes without a
            // new commit (restoring a Secret, a repository) is seen quickly.
            min_retry_delay: Duration::from_millis(750),
            max_retry_delay: Duration::from_secs(10),
        };
        let storage_flags = StorageFlags {
            storage_path: storage.clone(),
            storage_addr: format!("127.0.0.1:{port}"),
            storage_adv_addr: format!("127.0.0.1:{port}"),
            artifact_retention_records: 2,
        };
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Runtime::new().unwrap();
            rt.block_on(async move {
                let mut flags = flags;
                flags.events_addr = start_event_receiver().await;
                let runtime = Runtime::start("source-controller", flags).await.unwrap();
                ferroflux_e2e::install_crds().await;
                tx.send(()).unwrap();
                source_controller::run(runtime, storage_flags)
                    .await
                    .unwrap();
            });
        });
        rx.recv_timeout(Duration::from_secs(120))
            .expect("controller did not start");
        Harness {
            storage,
            label_value,
        }
    })
}

/// Events POSTed to `--events-addr`, as notification-controller would receive them.
pub static RECEIVED_EVENTS: std::sync::Mutex<Vec<serde_json::Value>> =
    std::sync::Mutex::new(Vec::new());

async fn start_event_receiver() -> String {
    let app = axum::Router::new().route(
        "/",
        axum::routing::post(
            |axum::Json(event): axum::Json<serde_json::Value>| async move {
                RECEIVED_EVENTS.lock().unwrap().push(event);
                axum::http::StatusCode::ACCEPTED
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/")
}

/// A GitRepository named `name` in `ns` for `url`, interval 1m, labelled for this process.
pub fn git_repository(ns: &str, name: &str, url: &str) -> GitRepository {
    let mut obj = GitRepository::new(
        name,
        GitRepositorySpec {
            url: url.to_string(),
            interval: "1m".into(),
            ..Default::default()
        },
    );
    obj.metadata.namespace = Some(ns.to_string());
    obj.metadata.labels = Some([(TEST_LABEL.to_string(), harness().label_value.clone())].into());
    obj
}

/// Creates the object.
pub async fn create(client: &kube::Client, obj: &GitRepository) {
    let api: Api<GitRepository> =
        Api::namespaced(client.clone(), obj.metadata.namespace.as_deref().unwrap());
    api.create(&PostParams::default(), obj).await.unwrap();
}

/// Creates a Secret with string data.
pub async fn create_secret(client: &kube::Client, ns: &str, name: &str, data: &[(&str, String)]) {
    let secrets: Api<Secret> = Api::namespaced(client.clone(), ns);
    let secret = Secret {
        metadata: ObjectMeta {
            name: Some(name.into()),
            ..Default::default()
        },
        string_data: Some(
            data.iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        ),
        ..Default::default()
    };
    secrets
        .create(&PostParams::default(), &secret)
        .await
        .unwrap();
}

/// The basic-auth + CA Secret for the HTTPS Git server.
pub async fn https_secret(client: &kube::Client, ns: &str, name: &str) {
    let s = ensure_cluster().services();
    let ca = std::fs::read_to_string(&s.ca_cert).unwrap();
    create_secret(
        client,
        ns,
        name,
        &[
            ("username", s.git_username.clone()),
            ("password", s.git_password.clone()),
            ("ca.crt", ca),
        ],
    )
    .await;
}

/// Waits until `check` accepts the object, returning it.
pub async fn wait_for(
    client: &kube::Client,
    ns: &str,
    name: &str,
    what: &str,
    check: impl Fn(&GitRepository) -> bool,
) -> GitRepository {
    let api: Api<GitRepository> = Api::namespaced(client.clone(), ns);
    eventually(what, Duration::from_secs(60), || async {
        let obj = api.get(name).await.ok()?;
        check(&obj).then_some(obj)
    })
    .await
}

/// The condition of a type, if present.
pub fn condition(obj: &GitRepository, type_: &str) -> Option<ferroflux_api::meta::Condition> {
    obj.status
        .as_ref()?
        .conditions
        .iter()
        .find(|c| c.type_ == type_)
        .cloned()
}

/// True when Ready=True and the artifact revision satisfies `rev`.
pub fn ready_with(obj: &GitRepository, rev: impl Fn(&str) -> bool) -> bool {
    condition(obj, "Ready").is_some_and(|c| c.status == "True")
        && obj
            .artifact()
            .and_then(|a| a.revision.as_deref())
            .is_some_and(rev)
}

/// True when Ready=False with the given reason.
pub fn not_ready_because(obj: &GitRepository, reason: &str) -> bool {
    condition(obj, "Ready").is_some_and(|c| c.status == "False" && c.reason == reason)
}

/// Lists the files of an artifact (downloaded and verified like a consumer does).
pub async fn artifact_files(obj: &GitRepository) -> Vec<String> {
    let a = obj.artifact().unwrap();
    let fetcher = ferroflux_runtime::artifact::fetch::ArtifactFetcher::new(1 << 26, 2);
    let dest = tempfile::tempdir().unwrap();
    fetcher
        .fetch_into(&a.url, a.digest.as_deref().unwrap(), dest.path())
        .await
        .unwrap();
    let mut out = Vec::new();
    walk(dest.path(), dest.path(), &mut out);
    out.sort();
    out
}

fn walk(root: &std::path::Path, dir: &std::path::Path, out: &mut Vec<String>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(root, &p, out);
        } else {
            out.push(p.strip_prefix(root).unwrap().to_string_lossy().into_owned());
        }
    }
}
