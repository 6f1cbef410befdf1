use clap::Parser;
use ferroflux_runtime::flags::ControllerFlags;

/// Ferroflux kustomize-controller: a drop-in replacement for Flux's kustomize-controller.
#[derive(Parser, Debug)]
#[command(name = "kustomize-controller", version)]
struct Args {
    #[command(flatten)]
    controller: ControllerFlags,
}

fn main() -> anyhow::Result<()> {
    let Args { controller: _ } = Args::parse();
    anyhow::bail!("kustomize-controller: reconcilers are not implemented yet")
}
