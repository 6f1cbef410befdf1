//! Starting the cluster once per process and connecting to it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use kube::config::{KubeConfigOptions, Kubeconfig};

use crate::services::Services;

/// The workspace root (the directory holding the root `Cargo.toml` and `e2e/cluster/up.sh`).
///
/// Found at run time from the working directory (cargo runs tests in their package's directory),
/// because a compile-time path goes stale when a shared target directory serves several checkouts.
pub fn workspace_root() -> PathBuf {
    let is_root = |dir: &Path| dir.join("e2e/cluster/up.sh").is_file();
    std::env::current_dir()
        .ok()
        .and_then(|cwd| cwd.ancestors().find(|d| is_root(d)).map(Path::to_path_buf))
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .parent()
                .expect("the e2e crate lives one level below the workspace root")
                .to_path_buf()
        })
}

/// Where the cluster keeps its state: `$FERROFLUX_CLUSTER_DIR`, or `<workspace root>/.cluster`.
pub fn cluster_dir() -> PathBuf {
    match std::env::var_os("FERROFLUX_CLUSTER_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => workspace_root().join(".cluster"),
    }
}

/// A running test cluster and its services, as seen by a test process.
#[derive(Debug)]
pub struct TestEnv {
    kubeconfig: PathBuf,
    services: Option<Services>,
}

static ENV: OnceLock<TestEnv> = OnceLock::new();

/// Start the test cluster (once per process) and return how to reach it.
///
/// Runs `e2e/cluster/up.sh`, which returns at once when the cluster already runs and is safe to call
/// from parallel processes. Its progress goes to stderr. Panics with the reason if it cannot start.
pub fn ensure_cluster() -> &'static TestEnv {
    ENV.get_or_init(|| {
        install_crypto_provider();
        let script = workspace_root().join("e2e/cluster/up.sh");
        let status = Command::new(&script)
            .env("FERROFLUX_CLUSTER_DIR", cluster_dir())
            .status()
            .unwrap_or_else(|err| panic!("cannot run {}: {err}", script.display()));
        assert!(
            status.success(),
            "{} failed ({status}); see the messages above and the logs in {}",
            script.display(),
            cluster_dir().join("logs").display()
        );
        let dir = cluster_dir();
        TestEnv {
            kubeconfig: dir.join("kubeconfig"),
            services: Services::load(&dir.join("services.json")),
        }
    })
}

/// kube uses ring explicitly, but reqwest/oci-client built without a provider need a process default.
fn install_crypto_provider() {
    // Err only means another provider is already installed, which is fine.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

impl TestEnv {
    /// A new client with cluster-admin rights. Make one per test: a `kube::Client` is tied to the
    /// tokio runtime that created it, and every `#[tokio::test]` has its own runtime.
    pub async fn client(&self) -> kube::Client {
        kube::Client::try_from(self.kube_config().await).expect("cannot build a kube client")
    }

    /// The admin client configuration, for tests that need to change it (credentials, timeouts).
    pub async fn kube_config(&self) -> kube::Config {
        let kubeconfig = Kubeconfig::read_from(&self.kubeconfig)
            .unwrap_or_else(|err| panic!("cannot read {}: {err}", self.kubeconfig.display()));
        kube::Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default())
            .await
            .unwrap_or_else(|err| panic!("invalid kubeconfig {}: {err}", self.kubeconfig.display()))
    }

    /// Path of the admin kubeconfig (client certificate, O=system:masters).
    pub fn kubeconfig(&self) -> &Path {
        &self.kubeconfig
    }

    /// The Git server and OCI registry. Panics if the cluster was started with FERROFLUX_SERVICES=0.
    pub fn services(&self) -> &Services {
        self.services.as_ref().unwrap_or_else(|| {
            panic!(
                "the test services are not running (cluster started with FERROFLUX_SERVICES=0?): \
                 no {}",
                cluster_dir().join("services.json").display()
            )
        })
    }
}

/// Runs kubectl against the test cluster and returns its stdout; panics with its stderr when it
/// fails.
pub fn kubectl<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> String {
    let output = std::process::Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(ensure_cluster().kubeconfig())
        .args(args)
        .output()
        .expect("cannot run kubectl");
    let shown: Vec<_> = args.iter().map(|a| a.as_ref().to_string_lossy()).collect();
    assert!(
        output.status.success(),
        "kubectl {} failed: {}",
        shown.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}
