use clap::Parser;
use ferroflux_runtime::flags::ControllerFlags;

/// Ferroflux notification-controller: a drop-in replacement for Flux's notification-controller.
#[derive(Parser, Debug)]
#[command(name = "notification-controller", version)]
struct Args {
    #[command(flatten)]
    controller: ControllerFlags,
}

fn main() -> anyhow::Result<()> {
    let Args { controller: _ } = Args::parse();
    anyhow::bail!("notification-controller: reconcilers are not implemented yet")
}
