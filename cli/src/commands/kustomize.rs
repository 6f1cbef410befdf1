//! `ferroflux kustomize build <dir>`: build a kustomization with ferroflux's engine and print the
//! objects as multi-document YAML, like `kustomize build`.

use clap::{Args, Subcommand, ValueEnum};
use std::io::Write;

#[derive(Args, Debug)]
pub struct KustomizeArgs {
    #[command(subcommand)]
    command: KustomizeCommand,
}

/// Where files may be loaded from.
#[derive(ValueEnum, Clone, Copy, Debug, Default)]
enum LoadRestrictor {
    /// Files must be in or below the kustomization directory.
    #[default]
    LoadRestrictionsRootOnly,
    /// Any local file may be read.
    LoadRestrictionsNone,
}

#[derive(Subcommand, Debug)]
enum KustomizeCommand {
    /// Build a kustomization directory and print the objects as multi-document YAML.
    Build {
        /// Directory holding a kustomization.yaml.
        #[arg(default_value = ".")]
        dir: std::path::PathBuf,
        /// Load restrictions, as kustomize's --load-restrictor.
        #[arg(long, value_enum, default_value_t = LoadRestrictor::LoadRestrictionsRootOnly)]
        load_restrictor: LoadRestrictor,
    },
}

pub fn run(args: KustomizeArgs) -> anyhow::Result<()> {
    match args.command {
        KustomizeCommand::Build {
            dir,
            load_restrictor,
        } => {
            let restrictions = match load_restrictor {
                LoadRestrictor::LoadRestrictionsRootOnly => {
                    ferroflux_kustomize::LoadRestrictions::RootOnly
                }
                LoadRestrictor::LoadRestrictionsNone => ferroflux_kustomize::LoadRestrictions::None,
            };
            let objects = ferroflux_kustomize::Kustomizer::new()
                .with_load_restrictions(restrictions)
                .build(&dir)?;
            let mut out = std::io::stdout().lock();
            out.write_all(ferroflux_kustomize::to_yaml(&objects).as_bytes())?;
            out.flush()?;
            Ok(())
        }
    }
}
