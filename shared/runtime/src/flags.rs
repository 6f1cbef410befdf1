//! Command-line flags shared by every controller, named exactly as Flux's controllers name them.

use clap::Args;

/// Flags every controller accepts: cluster access, observability and concurrency.
#[derive(Args, Debug, Clone)]
pub struct ControllerFlags {
    /// Path to a kubeconfig. Without it the in-cluster config or $KUBECONFIG is used.
    #[arg(long, env = "KUBECONFIG_PATH")]
    pub kubeconfig: Option<std::path::PathBuf>,

    /// Address to serve Prometheus metrics on.
    #[arg(long, default_value = ":8080")]
    pub metrics_addr: String,

    /// Address to serve /healthz and /readyz on.
    #[arg(long, default_value = ":9440")]
    pub health_addr: String,

    /// HTTP address of notification-controller to POST events to. Empty disables forwarding.
    #[arg(long, default_value = "")]
    pub events_addr: String,

    /// Number of objects reconciled at the same time.
    #[arg(long, default_value_t = 4)]
    pub concurrent: u16,

    /// Only one replica reconciles at a time (Lease-based leader election).
    /// Accepts `--enable-leader-election` and `--enable-leader-election=true|false`, as Flux.
    #[arg(long, default_value_t = false, num_args = 0..=1, default_missing_value = "true",
          require_equals = true, action = clap::ArgAction::Set)]
    pub enable_leader_election: bool,

    /// Only reconcile objects matching this label selector (empty: all objects).
    #[arg(long, default_value = "")]
    pub watch_label_selector: String,

    /// Log level: trace, debug, info, warn or error.
    #[arg(long, default_value = "info")]
    pub log_level: String,

    /// Log format: `json` (one object per line, as Flux) or `console` (human-readable).
    #[arg(long, value_enum, default_value_t = LogEncoding::Json)]
    pub log_encoding: LogEncoding,

    /// Watch objects in all namespaces; when false, only in the namespace named by the
    /// RUNTIME_NAMESPACE environment variable (default `flux-system`).
    #[arg(long, default_value_t = true, num_args = 0..=1, default_missing_value = "true",
          require_equals = true, action = clap::ArgAction::Set)]
    pub watch_all_namespaces: bool,

    /// Delay before the first retry of a failed reconciliation; it doubles with each further
    /// failure (Go duration, e.g. `750ms`). Kinds with `spec.retryInterval` use that instead.
    #[arg(long, default_value = "750ms", value_parser = parse_go_duration)]
    pub min_retry_delay: std::time::Duration,

    /// Longest delay between retries of a failed reconciliation (Go duration, e.g. `15m`).
    #[arg(long, default_value = "15m", value_parser = parse_go_duration)]
    pub max_retry_delay: std::time::Duration,
}

/// Parses a Go duration flag value (`750ms`, `1m30s`).
fn parse_go_duration(value: &str) -> Result<std::time::Duration, String> {
    ferroflux_api::duration::parse_duration(value).map_err(|e| e.to_string())
}

/// How log lines are written.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogEncoding {
    /// One JSON object per line.
    Json,
    /// Human-readable lines.
    Console,
}

impl ControllerFlags {
    /// The backoff for failed reconciliations, from `--min-retry-delay` and `--max-retry-delay`.
    pub fn retry_backoff(&self) -> crate::retry::RetryBackoff {
        crate::retry::RetryBackoff::new(self.min_retry_delay, self.max_retry_delay)
    }

    /// The namespace to watch, or `None` for all namespaces (`--watch-all-namespaces`).
    pub fn watched_namespace(&self) -> Option<String> {
        (!self.watch_all_namespaces)
            .then(|| std::env::var("RUNTIME_NAMESPACE").unwrap_or_else(|_| "flux-system".into()))
    }
}

/// Flags of the artifact storage, accepted by source-controller only.
#[derive(Args, Debug, Clone)]
pub struct StorageFlags {
    /// Local directory holding the artifacts.
    #[arg(long, default_value = "/data")]
    pub storage_path: std::path::PathBuf,

    /// Address the artifact file server listens on.
    #[arg(long, default_value = ":9090")]
    pub storage_addr: String,

    /// Advertised address of the file server, used in `status.artifact.url`. Defaults to this
    /// host's name and the port of `--storage-addr`.
    #[arg(long, default_value = "")]
    pub storage_adv_addr: String,

    /// How many artifacts per object are kept in storage (the newest ones).
    #[arg(long, default_value_t = 2)]
    pub artifact_retention_records: usize,
}

impl StorageFlags {
    /// The advertised address: `--storage-adv-addr`, else `<hostname>:<port of --storage-addr>`.
    pub fn advertised_addr(&self) -> String {
        if !self.storage_adv_addr.is_empty() {
            return self.storage_adv_addr.clone();
        }
        let port = self.storage_addr.rsplit(':').next().unwrap_or("9090");
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "localhost".into());
        format!("{host}:{port}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Args {
        #[command(flatten)]
        controller: ControllerFlags,
        #[command(flatten)]
        storage: StorageFlags,
    }

    #[test]
    fn flux_style_flags_parse() {
        let a = Args::parse_from([
            "x",
            "--enable-leader-election",
            "--storage-adv-addr=sc.flux-system:80",
        ]);
        assert!(a.controller.enable_leader_election);
        assert_eq!(a.storage.advertised_addr(), "sc.flux-system:80");
        let a = Args::parse_from(["x", "--enable-leader-election=false", "--concurrent=10"]);
        assert!(!a.controller.enable_leader_election);
        assert_eq!(a.controller.concurrent, 10);
        assert_eq!(a.controller.metrics_addr, ":8080");
        assert_eq!(a.storage.storage_addr, ":9090");
    }
}
