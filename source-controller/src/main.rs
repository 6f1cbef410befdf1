use clap::Parser;
use ferroflux_runtime::controller::{Runtime, init_logging};
use ferroflux_runtime::flags::{ControllerFlags, StorageFlags};

/// Ferroflux source-controller: a drop-in replacement for Flux's source-controller.
#[derive(Parser, Debug)]
#[command(name = "source-controller", version)]
struct Args {
    #[command(flatten)]
    controller: ControllerFlags,
    #[command(flatten)]
    storage: StorageFlags,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let Args {
        controller,
        storage,
    } = Args::parse();
    init_logging(&controller);
    let rt = Runtime::start(source_controller::CONTROLLER_NAME, controller).await?;
    source_controller::run(rt, storage).await?;
    Ok(())
}
