//! `ferroflux version`: the CLI's version and the controllers found in the cluster.

use anyhow::Context as _;
use clap::Args;
use k8s_openapi::api::apps::v1::Deployment;
use kube::api::{Api, ListParams};

use crate::commands::check::image_of;
use crate::components::{self, PART_OF_LABEL, PART_OF_VALUE};
use crate::kube_client::ClusterArgs;
use crate::output::table::Table;

/// Print the CLI version and the versions of the controllers in the cluster.
///
/// Examples:
///   ferroflux version
///   ferroflux version --client
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct VersionArgs {
    /// Only print the CLI version; do not contact the cluster.
    #[arg(long)]
    pub client: bool,
}

pub async fn run(args: VersionArgs, cluster: &ClusterArgs) -> anyhow::Result<()> {
    println!("ferroflux: v{}", env!("CARGO_PKG_VERSION"));
    if args.client {
        return Ok(());
    }
    let client = cluster.connect().await?;
    let namespace = cluster.namespace.as_str();
    let deployments: Api<Deployment> = Api::namespaced(client, namespace);
    let selector = format!("{PART_OF_LABEL}={PART_OF_VALUE}");
    let found = deployments
        .list(&ListParams::default().labels(&selector))
        .await
        .with_context(|| format!("listing Deployments in {namespace}"))?;
    let mut table = Table::new(["COMPONENT", "IMAGE", "VERSION"]);
    for component in components::ALL {
        if let Some(d) = found
            .items
            .iter()
            .find(|d| d.metadata.name.as_deref() == Some(*component))
        {
            let image = image_of(d);
            let tag = image_tag(&image).to_string();
            table.push([component.to_string(), image, tag]);
        }
    }
    if table.is_empty() {
        anyhow::bail!(
            "no Ferroflux controllers found in namespace {namespace}; install them with \
             `ferroflux install`, or use --client for the CLI version only"
        );
    }
    print!("{}", table.render());
    Ok(())
}

/// The tag of an image reference (`registry:5000/app:v1` -> `v1`), empty when it has none.
fn image_tag(image: &str) -> &str {
    let last = image.rsplit('/').next().unwrap_or(image);
    let without_digest = last.split('@').next().unwrap_or(last);
    without_digest
        .split_once(':')
        .map(|(_, tag)| tag)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::image_tag;

    #[test]
    fn tags_are_read_from_image_references() {
        assert_eq!(
            image_tag("ghcr.io/ferroflux/source-controller:v0.1.0"),
            "v0.1.0"
        );
        assert_eq!(image_tag("localhost:5000/app"), "");
        assert_eq!(image_tag("localhost:5000/app:1.2@sha256:abc"), "1.2");
    }
}
