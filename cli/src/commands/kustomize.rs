//! `ferroflux kustomize build <dir>`.

use clap::{Args, Subcommand};

#[derive(Args, Debug)]
pub struct KustomizeArgs {
    #[command(subcommand)]
    command: KustomizeCommand,
}

#[derive(Subcommand, Debug)]
enum KustomizeCommand {
    /// Build a kustomization directory and print the objects as multi-document YAML.
    Build {
        /// Directory holding a kustomization.yaml.
        #[arg(default_value = ".")]
        dir: std::path::PathBuf,
    },
}

pub fn run(args: KustomizeArgs) -> anyhow::Result<()> {
    match args.command {
        KustomizeCommand::Build { dir } => {
            anyhow::bail!("kustomize build {}: the engine is not implemented yet", dir.display())
        }
    }
}
