//! The `kustomize-controller` binary: parses flags and runs the reconciler.

use clap::Parser;
use ferroflux_runtime::flags::ControllerFlags;

/// Ferroflux kustomize-controller: a drop-in replacement for Flux's kustomize-controller.
#[derive(Parser, Debug)]
#[command(name = "kustomize-controller", version)]
struct Args {
    #[command(flatten)]
    controller: ControllerFlags,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let Args { controller } = Args::parse();
    kustomize_controller::run_binary(controller).await
}
