//! The cluster flags (and `--timeout`) every day-2 command shares and the one place a Kubernetes client is built.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use clap::Args;
use kube::{Client, Config};

use crate::components::DEFAULT_NAMESPACE;

/// Flags that choose the cluster and the namespace.
#[derive(Args, Debug, Clone)]
pub struct ClusterArgs {
    /// Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster).
    #[arg(long, global = true, value_name = "PATH")]
    pub kubeconfig: Option<PathBuf>,

    /// The kubeconfig context to use (default: the current context).
    #[arg(long, global = true, value_name = "NAME")]
    pub context: Option<String>,

    /// The namespace Ferroflux is installed in, and where objects are looked up.
    #[arg(short = 'n', long, global = true, default_value = DEFAULT_NAMESPACE, env = "FLUX_SYSTEM_NAMESPACE")]
    pub namespace: String,

    /// Look objects up in every namespace.
    #[arg(short = 'A', long, global = true)]
    pub all_namespaces: bool,

    /// How long to wait for the cluster (rollouts, reconciliations, deletions): 30s, 5m, 1m30s.
    #[arg(long, global = true, default_value = "5m", value_parser = crate::wait::parse_duration)]
    pub timeout: Duration,
}

impl ClusterArgs {
    /// The namespace to list in, or `None` for all namespaces.
    pub fn list_namespace(&self) -> Option<&str> {
        (!self.all_namespaces).then_some(self.namespace.as_str())
    }

    /// Builds a client and makes sure the API server answers, with an error that says what to do.
    pub async fn connect(&self) -> anyhow::Result<Client> {
        let config = self.config().await?;
        let url = config.cluster_url.clone();
        let client = Client::try_from(config).context("building the Kubernetes client")?;
        client.apiserver_version().await.map_err(|err| {
            anyhow::anyhow!(
                "cannot reach the Kubernetes API server at {url}: {err}\n  \
                 Check that the cluster is running and that --kubeconfig / --context point at it."
            )
        })?;
        Ok(client)
    }

    async fn config(&self) -> anyhow::Result<Config> {
        use ferroflux_runtime::controller::{StartupError, load_kube_config};
        let loaded = load_kube_config(self.kubeconfig.as_deref(), self.context.as_deref()).await;
        let mut config = loaded.map_err(|err| match err {
            StartupError::ReadKubeConfig { path, source } => anyhow::anyhow!(
                "cannot read kubeconfig {}: {source}\n  Check the --kubeconfig path.",
                path.display()
            ),
            StartupError::InferConfig(e) => anyhow::anyhow!(
                "no usable kubeconfig: {e}\n  Pass --kubeconfig PATH or set $KUBECONFIG."
            ),
            other => anyhow::anyhow!("{other}\n  Check --kubeconfig and --context."),
        })?;
        // Fail fast on a closed port instead of hanging; watches keep their long reads.
        config.connect_timeout = Some(Duration::from_secs(5));
        Ok(config)
    }
}

/// True when the API answered 404 (object or resource type not found).
pub fn is_not_found(err: &kube::Error) -> bool {
    matches!(err, kube::Error::Api(status) if status.code == 404)
}
