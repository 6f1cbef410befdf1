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
    #[arg(long, default_value_t = false)]
    pub enable_leader_election: bool,

    /// Log level: trace, debug, info, warn or error.
    #[arg(long, default_value = "info")]
    pub log_level: String,
}
