//! `ferroflux helm template <release> <chart-dir>`.

use clap::{Args, Subcommand};

#[derive(Args, Debug)]
pub struct HelmArgs {
    #[command(subcommand)]
    command: HelmCommand,
}

#[derive(Subcommand, Debug)]
enum HelmCommand {
    /// Render a chart locally and print the manifests, as `helm template` does.
    Template {
        /// Release name.
        release: String,
        /// Chart directory.
        chart: std::path::PathBuf,
    },
}

pub fn run(args: HelmArgs) -> anyhow::Result<()> {
    match args.command {
        HelmCommand::Template { release, chart } => anyhow::bail!(
            "helm template {release} {}: the renderer is not implemented yet",
            chart.display()
        ),
    }
}
