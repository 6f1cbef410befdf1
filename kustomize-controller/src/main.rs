//! The `kustomize-controller` binary: parses flags and runs the reconciler.

use clap::Parser;
use ferroflux_runtime::flags::ControllerFlags;

/// Ferroflux kustomize-controller: a drop-in replacement for Flux's kustomize-controller.
#[derive(Parser, Debug)]
#[command(name = "kustomize-controller", version)]
struct Args {
    #[command(flatten)]
    controller: ControllerFlags,
    /// Watch Kustomizations in all namespaces; when false, only in the runtime namespace.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    watch_all_namespaces: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let Args {
        controller,
        watch_all_namespaces,
    } = Args::parse();
    kustomize_controller::run_binary(controller, watch_all_namespaces).await
}
