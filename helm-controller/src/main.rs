use clap::Parser;
use ferroflux_runtime::flags::ControllerFlags;

/// Ferroflux helm-controller: a drop-in replacement for Flux's helm-controller.
#[derive(Parser, Debug)]
#[command(name = "helm-controller", version)]
struct Args {
    #[command(flatten)]
    controller: ControllerFlags,
}

fn main() -> anyhow::Result<()> {
    let Args { controller: _ } = Args::parse();
    anyhow::bail!("helm-controller: reconcilers are not implemented yet")
}
