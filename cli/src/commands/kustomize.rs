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
            let yaml = build_yaml(&dir, restrictions)?;
            let mut out = std::io::stdout().lock();
            out.write_all(yaml.as_bytes())?;
            out.flush()?;
            Ok(())
        }
    }
}

/// Build `dir` and print the objects as `kustomize build` does.
fn build_yaml(
    dir: &std::path::Path,
    restrictions: ferroflux_kustomize::LoadRestrictions,
) -> anyhow::Result<String> {
    let objects = ferroflux_kustomize::Kustomizer::new()
        .with_load_restrictions(restrictions)
        .build(dir)?;
    Ok(ferroflux_kustomize::to_yaml(&objects))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_podinfo_kustomization() {
        let dir = ferroflux_e2e::fixture("podinfo/kustomize");
        let yaml = build_yaml(&dir, ferroflux_kustomize::LoadRestrictions::RootOnly).unwrap();
        assert!(
            yaml.starts_with("apiVersion: v1\nkind: Service\n"),
            "{yaml}"
        );
        assert_eq!(yaml.matches("\n---\n").count(), 2);
    }
}
