//! Start-up shared by every controller binary, so each `main.rs` is a few lines: logging, TLS
//! provider, Kubernetes client, admin servers, leader election.

use std::sync::Arc;

use crate::admin::{self, Readiness};
use crate::events::EventPublisher;
use crate::flags::{ControllerFlags, LogEncoding};
use crate::metrics::Metrics;
use crate::reconcile::{Driver, Shutdown};

/// What went wrong while starting a controller.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The kubeconfig named by `--kubeconfig` could not be read.
    #[error("reading kubeconfig {path}: {source}")]
    ReadKubeConfig {
        /// The `--kubeconfig` path.
        path: std::path::PathBuf,
        /// Why it could not be read.
        source: kube::config::KubeconfigError,
    },
    /// The kubeconfig does not make a usable client configuration.
    #[error("loading Kubernetes client configuration: {0}")]
    LoadKubeConfig(#[source] kube::config::KubeconfigError),
    /// Neither in-cluster configuration nor `$KUBECONFIG` was found.
    #[error("finding Kubernetes client configuration: {0}")]
    InferConfig(#[source] kube::config::InferConfigError),
    /// The Kubernetes client could not be built.
    #[error("building Kubernetes client: {0}")]
    BuildClient(#[source] kube::Error),
    /// An admin server could not bind its address.
    #[error("binding {addr}: {source}")]
    BindAdminServer {
        /// The address that failed.
        addr: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The leader election Lease could not be used.
    #[error("leader election: {0}")]
    LeaderElection(#[source] kube_lease_manager::LeaseManagerError),
}

/// Everything a controller needs once started.
#[derive(Clone)]
pub struct Runtime {
    /// The controller's binary name: field manager and event reporter.
    pub name: String,
    /// Client for the cluster.
    pub client: kube::Client,
    /// The configuration `client` was built from (impersonating clients are made from it).
    pub config: kube::Config,
    /// Asked for by SIGTERM or Ctrl-C.
    pub shutdown: Shutdown,
    /// Publisher of Kubernetes Events and notification-controller events.
    pub events: EventPublisher,
    /// The controller's metrics.
    pub metrics: Arc<Metrics>,
    /// Readiness reported on `/readyz`.
    pub readiness: Readiness,
    /// The flags the controller was started with.
    pub flags: ControllerFlags,
}

/// Initializes logging from `--log-level` (JSON lines, like Flux). Does nothing if a subscriber
/// is already installed (tests).
pub fn init_logging(flags: &ControllerFlags) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(&flags.log_level));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let _ = match flags.log_encoding {
        LogEncoding::Json => builder.json().try_init(),
        LogEncoding::Console => builder.try_init(),
    };
}

/// The client configuration from `--kubeconfig`, else in-cluster config or `$KUBECONFIG`.
pub async fn kube_config(flags: &ControllerFlags) -> Result<kube::Config, StartupError> {
    load_kube_config(flags.kubeconfig.as_deref(), None).await
}

/// The one kubeconfig loader of the controllers and the CLI: the kubeconfig at `path` when
/// given, else `$KUBECONFIG` or `~/.kube/config`, else the in-cluster configuration; `context`
/// picks a context other than the current one.
pub async fn load_kube_config(
    path: Option<&std::path::Path>,
    context: Option<&str>,
) -> Result<kube::Config, StartupError> {
    let options = kube::config::KubeConfigOptions {
        context: context.map(str::to_string),
        ..Default::default()
    };
    match path {
        Some(path) => {
            let kubeconfig = kube::config::Kubeconfig::read_from(path).map_err(|source| {
                StartupError::ReadKubeConfig {
                    path: path.to_path_buf(),
                    source,
                }
            })?;
            kube::Config::from_custom_kubeconfig(kubeconfig, &options)
                .await
                .map_err(StartupError::LoadKubeConfig)
        }
        None if context.is_some() => kube::Config::from_kubeconfig(&options)
            .await
            .map_err(StartupError::LoadKubeConfig),
        None => kube::Config::infer()
            .await
            .map_err(StartupError::InferConfig),
    }
}

impl Runtime {
    /// Starts the shared parts of controller `name`: crypto provider, client, `/metrics`,
    /// `/healthz` + `/readyz`, and (with `--enable-leader-election`) waits for leadership.
    /// When leadership is lost later the process exits, as Flux's controllers do.
    pub async fn start(name: &str, flags: ControllerFlags) -> Result<Self, StartupError> {
        crate::tls::install_crypto_provider();
        let config = kube_config(&flags).await?;
        let client = kube::Client::try_from(config.clone()).map_err(StartupError::BuildClient)?;
        let metrics = Arc::new(Metrics::new());
        let readiness = Readiness::default();
        for (addr, router) in [
            (&flags.metrics_addr, admin::metrics_router(metrics.clone())),
            (&flags.health_addr, admin::health_router(readiness.clone())),
        ] {
            admin::spawn_server(addr, router).await.map_err(|source| {
                StartupError::BindAdminServer {
                    addr: addr.clone(),
                    source,
                }
            })?;
        }
        if flags.enable_leader_election {
            let namespace =
                std::env::var("RUNTIME_NAMESPACE").unwrap_or_else(|_| "flux-system".into());
            let identity = format!(
                "{}_{}",
                std::env::var("HOSTNAME").unwrap_or_else(|_| name.into()),
                std::process::id()
            );
            let mut leader =
                crate::leader::acquire_leadership(client.clone(), name, &namespace, &identity)
                    .await
                    .map_err(StartupError::LeaderElection)?;
            tracing::info!(%identity, "acquired leadership");
            tokio::spawn(async move {
                while leader.changed().await.is_ok() {
                    if !*leader.borrow() {
                        break;
                    }
                }
                tracing::error!("leadership lost, exiting");
                std::process::exit(1);
            });
        }
        let events = EventPublisher::new(client.clone(), name, &flags.events_addr);
        Ok(Self {
            name: name.to_string(),
            client,
            config,
            shutdown: Shutdown::on_signals(),
            events,
            metrics,
            readiness,
            flags,
        })
    }
}

impl Runtime {
    /// A reconcile driver writing as this controller, with its events, metrics, retry flags
    /// and shutdown signal.
    pub fn driver(&self) -> Driver {
        Driver {
            client: self.client.clone(),
            field_manager: self.name.clone(),
            events: Some(self.events.clone()),
            metrics: Some(self.metrics.clone()),
            backoff: self.flags.retry_backoff(),
            runs: Default::default(),
            shutdown: self.shutdown.clone(),
        }
    }
}
