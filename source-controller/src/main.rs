use clap::Parser;
use ferroflux_runtime::flags::ControllerFlags;

/// Ferroflux source-controller: a drop-in replacement for Flux's source-controller.
#[derive(Parser, Debug)]
#[command(name = "source-controller", version)]
struct Args {
    #[command(flatten)]
    controller: ControllerFlags,
}

fn main() -> anyhow::Result<()> {
    let Args { controller: _ } = Args::parse();
    anyhow::bail!("source-controller: reconcilers are not implemented yet")
}
