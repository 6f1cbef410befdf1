use clap::Parser;
use ferroflux_runtime::flags::ControllerFlags;

/// Ferroflux image-automation-controller: a drop-in replacement for Flux's image-automation-controller.
#[derive(Parser, Debug)]
#[command(name = "image-automation-controller", version)]
struct Args {
    #[command(flatten)]
    controller: ControllerFlags,
}

fn main() -> anyhow::Result<()> {
    let Args { controller: _ } = Args::parse();
    anyhow::bail!("image-automation-controller: reconcilers are not implemented yet")
}
