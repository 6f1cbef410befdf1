//! Ferroflux's source-controller and kustomize-controller run as local processes for one test.
//!
//! kwok nodes run no containers, so the controllers run on the test machine, scoped to the test's
//! namespace (`--watch-all-namespaces=false`, `RUNTIME_NAMESPACE`): they never see other tests'
//! objects. source-controller serves its artifacts on a free 127.0.0.1 port and advertises that
//! URL. The binaries are the ones cargo built next to the test binary (`target/<profile>/`):
//! `cargo test --workspace` builds them; a test of this crate alone needs
//! `cargo build -p source-controller -p kustomize-controller` first, and says so when they are
//! missing.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::SystemTime;

use tempfile::TempDir;

use crate::{cluster_dir, ensure_cluster, workspace_root};

/// source-controller and kustomize-controller reconciling one namespace. Dropping it stops both
/// and removes the Flux finalizers left in the namespace, so the namespace can be deleted.
#[derive(Debug)]
pub struct LocalControllers {
    namespace: String,
    source: Option<Child>,
    kustomize: Option<Child>,
    storage: TempDir,
    storage_port: u16,
    metrics_ports: [u16; 2],
    logs: PathBuf,
}

impl LocalControllers {
    /// Installs the Flux CRDs (once per process) and starts both controllers for `namespace`.
    pub async fn start(namespace: &str) -> Self {
        crate::install_crds().await;
        let logs = cluster_dir().join("logs/controllers");
        std::fs::create_dir_all(&logs)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", logs.display()));
        let mut controllers = LocalControllers {
            namespace: namespace.to_string(),
            source: None,
            kustomize: None,
            storage: tempfile::tempdir().expect("cannot create the artifact storage directory"),
            storage_port: free_port(),
            metrics_ports: [free_port(), free_port()],
            logs,
        };
        controllers.start_source_controller();
        controllers.kustomize = Some(controllers.spawn("kustomize-controller", |_| {}));
        controllers
    }

    /// Starts source-controller (again), on the same storage and port as before.
    pub fn start_source_controller(&mut self) {
        assert!(self.source.is_none(), "source-controller already runs");
        let addr = format!("127.0.0.1:{}", self.storage_port);
        let storage = self.storage.path().to_path_buf();
        self.source = Some(self.spawn("source-controller", |cmd| {
            cmd.arg("--storage-path").arg(&storage).args([
                "--storage-addr",
                &addr,
                "--storage-adv-addr",
                &addr,
            ]);
        }));
    }

    /// Stops source-controller: its artifact URLs stop answering.
    pub fn stop_source_controller(&mut self) {
        if let Some(child) = self.source.take() {
            stop(child);
        }
    }

    /// Starts kustomize-controller (again).
    pub fn start_kustomize_controller(&mut self) {
        assert!(
            self.kustomize.is_none(),
            "kustomize-controller already runs"
        );
        self.kustomize = Some(self.spawn("kustomize-controller", |_| {}));
    }

    /// Stops kustomize-controller as Kubernetes does, with SIGTERM, and waits for it to exit;
    /// returns whether it exited successfully. Panics if it runs on after `grace`.
    pub fn terminate_kustomize_controller(&mut self, grace: std::time::Duration) -> bool {
        let mut child = self.kustomize.take().expect("kustomize-controller runs");
        let pid = child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status();
        assert!(sent.is_ok_and(|s| s.success()), "kill -TERM {pid} failed");
        let deadline = std::time::Instant::now() + grace;
        loop {
            if let Some(status) = child.try_wait().expect("waiting for kustomize-controller") {
                return status.success();
            }
            if std::time::Instant::now() > deadline {
                stop(child);
                panic!("kustomize-controller still ran {grace:?} after SIGTERM");
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    /// The `/metrics` URL of a controller.
    pub fn metrics_url(&self, controller: &str) -> String {
        let port = self.metrics_ports[usize::from(controller == "kustomize-controller")];
        format!("http://127.0.0.1:{port}/metrics")
    }

    /// Where a controller's log is written (kept after the test for debugging).
    pub fn log_path(&self, controller: &str) -> PathBuf {
        self.logs
            .join(format!("{}-{controller}.log", self.namespace))
    }

    fn spawn(&self, controller: &str, extra: impl FnOnce(&mut Command)) -> Child {
        let log_path = self.log_path(controller);
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_path)
            .unwrap_or_else(|e| panic!("cannot open {}: {e}", log_path.display()));
        let metrics_port = self.metrics_ports[usize::from(controller == "kustomize-controller")];
        let mut cmd = Command::new(controller_binary(controller));
        cmd.arg("--kubeconfig")
            .arg(ensure_cluster().kubeconfig())
            .args([
                "--metrics-addr",
                &format!("127.0.0.1:{metrics_port}"),
                "--health-addr",
                "127.0.0.1:0",
            ])
            .args(["--watch-all-namespaces=false", "--log-encoding", "console"])
            .env("RUNTIME_NAMESPACE", &self.namespace)
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log file handle"))
            .stderr(log);
        extra(&mut cmd);
        cmd.spawn()
            .unwrap_or_else(|e| panic!("cannot start {controller}: {e}"))
    }
}

impl Drop for LocalControllers {
    fn drop(&mut self) {
        for child in [self.source.take(), self.kustomize.take()]
            .into_iter()
            .flatten()
        {
            stop(child);
        }
        if std::thread::panicking() {
            for controller in ["source-controller", "kustomize-controller"] {
                let path = self.log_path(controller);
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                let tail: Vec<&str> = text.lines().rev().take(30).collect();
                eprintln!("--- last lines of {} ---", path.display());
                for line in tail.iter().rev() {
                    eprintln!("{line}");
                }
            }
        }
        // No controller is left to remove the finalizers: drop them so the namespace can go.
        for kind in [
            "kustomizations.kustomize.toolkit.fluxcd.io",
            "gitrepositories.source.toolkit.fluxcd.io",
        ] {
            let names = kubectl(&["-n", &self.namespace, "get", kind, "-o", "name"]);
            for name in names.lines().filter(|l| !l.is_empty()) {
                kubectl(&[
                    "-n",
                    &self.namespace,
                    "patch",
                    name,
                    "--type=merge",
                    "-p",
                    r#"{"metadata":{"finalizers":null}}"#,
                ]);
            }
        }
    }
}

fn stop(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// Runs kubectl against the test cluster; returns stdout, or nothing when it fails (cleanup only).
fn kubectl(args: &[&str]) -> String {
    Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(ensure_cluster().kubeconfig())
        .args(args)
        .stderr(Stdio::null())
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}

/// The controller binary cargo built next to this test binary; warns when it is older than the
/// sources (a stale build would test old code).
fn controller_binary(name: &str) -> PathBuf {
    let path = built_binary(name, "-p source-controller -p kustomize-controller");
    warn_if_stale(&path, name);
    path
}

/// A binary of the workspace that cargo built next to this test binary (`target/<profile>/`).
/// Panics with the `cargo build` arguments (`packages`) to run when it is missing.
pub(crate) fn built_binary(name: &str, packages: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    // target/<profile>/deps/<test binary>: the binaries are in target/<profile>.
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("the test binary lives in target/<profile>/deps");
    let path = dir.join(name);
    assert!(
        path.is_file(),
        "{} is missing: run `cargo build {packages}` before these tests (`cargo test --workspace` \
         builds it)",
        path.display()
    );
    path
}

fn warn_if_stale(binary: &Path, name: &str) {
    let built = std::fs::metadata(binary).and_then(|m| m.modified()).ok();
    let root = workspace_root();
    let sources = [name, "shared/runtime", "shared/kustomize", "shared/api"];
    let newest = sources
        .iter()
        .filter_map(|dir| newest_mtime(&root.join(dir).join("src")))
        .max();
    if let (Some(built), Some(newest)) = (built, newest)
        && newest > built
    {
        eprintln!(
            "warning: {} is older than its sources; run `cargo build -p {name}` to test the \
             current code",
            binary.display()
        );
    }
}

fn newest_mtime(dir: &Path) -> Option<SystemTime> {
    let mut newest = None;
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let path = entry.path();
        let time = if path.is_dir() {
            newest_mtime(&path)
        } else {
            entry.metadata().and_then(|m| m.modified()).ok()
        };
        newest = newest.max(time);
    }
    newest
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("no free port on 127.0.0.1")
}
