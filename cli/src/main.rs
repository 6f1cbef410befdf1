//! `ferroflux`: install, bootstrap and operate a Flux-compatible GitOps toolkit.

mod commands;

use clap::{Parser, Subcommand};

/// ferroflux: a Flux-compatible GitOps toolkit.
///
/// Render kustomize overlays and Helm charts locally with the same engines the controllers use.
#[derive(Parser, Debug)]
#[command(name = "ferroflux", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Kustomize commands (a drop-in `kustomize build`).
    Kustomize(commands::kustomize::KustomizeArgs),
    /// Helm commands (a drop-in `helm template`).
    Helm(commands::helm::HelmArgs),
    /// Print the version of this command.
    Version,
}

fn main() -> std::process::ExitCode {
    let Cli { command } = Cli::parse();
    let result = match command {
        Command::Kustomize(args) => commands::kustomize::run(args),
        Command::Helm(args) => commands::helm::run(args),
        Command::Version => {
            println!("ferroflux {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("✗ {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
