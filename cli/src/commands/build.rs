//! `ferroflux build kustomization <name> --path <dir>`: build local files as kustomize-controller
//! would build them for that Kustomization, and print the objects.

use std::io::Write as _;

use clap::{Args, Subcommand};
use ferroflux_runtime::postbuild::{inline_variables, load_variables};

use crate::kube_client::ClusterArgs;
use crate::local_build::{LocalBuildArgs, LocalKustomization};

/// Build local manifests as kustomize-controller would build them for a Kustomization.
#[derive(Args, Debug)]
pub struct BuildArgs {
    #[command(subcommand)]
    what: BuildWhat,
}

#[derive(Subcommand, Debug)]
enum BuildWhat {
    /// Build a local directory with a Kustomization's settings and print the objects as YAML.
    ///
    /// The Kustomization is read from the cluster (or from --kustomization-file); its
    /// targetNamespace, namePrefix/nameSuffix, patches, images, components, postBuild
    /// substitution (substituteFrom ConfigMaps and Secrets included) and commonMetadata are
    /// applied with the same engine as kustomize-controller, and every object gets the owner
    /// labels the controller adds. The files under --path are not changed: the build runs on a
    /// temporary copy of the Git checkout holding --path, without what the source artifact
    /// would leave out (.sourceignore patterns, the GitRepository's spec.ignore, symbolic
    /// links). Values of SOPS-encrypted Secrets are masked.
    ///
    /// Examples:
    ///   # Build the local files as the cluster would build them
    ///   ferroflux build kustomization apps --path ./clusters/prod/apps
    ///
    ///   # Take the Kustomization from a file instead of the cluster
    ///   ferroflux build ks apps --path ./apps --kustomization-file ./clusters/prod/apps.yaml
    ///
    ///   # Without a cluster at all (substituteFrom ConfigMaps and Secrets are skipped)
    ///   ferroflux build ks apps --path ./apps --kustomization-file ./apps.yaml --dry-run
    #[command(visible_alias = "ks", verbatim_doc_comment)]
    Kustomization {
        #[command(flatten)]
        local: LocalBuildArgs,

        /// Do not contact the cluster: needs --kustomization-file; only the inline
        /// postBuild.substitute variables are used.
        #[arg(long)]
        dry_run: bool,
    },
}

pub async fn run(args: BuildArgs, cluster: &ClusterArgs) -> anyhow::Result<()> {
    let BuildWhat::Kustomization { local, dry_run } = args.what;
    if dry_run && local.kustomization_file.is_none() {
        anyhow::bail!(
            "--dry-run needs --kustomization-file: without the cluster, the Kustomization must \
             come from a file"
        );
    }
    let client = if dry_run {
        None
    } else {
        Some(cluster.connect().await?)
    };
    let ks = LocalKustomization::find(&local, &cluster.namespace, client.as_ref()).await?;
    let post_build = ks.spec.post_build.as_ref();
    let vars = match &client {
        Some(client) => load_variables(client, &ks.namespace, post_build).await?,
        None => inline_variables(post_build),
    };
    let objects = ks.build(&local.path, &vars).await?;
    let mut out = std::io::stdout().lock();
    out.write_all(ferroflux_kustomize::to_yaml(&objects).as_bytes())?;
    out.flush()?;
    Ok(())
}
