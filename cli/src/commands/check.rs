//! `ferroflux check`: is the cluster fit for Ferroflux, and is the installation healthy?

use anyhow::Context as _;
use clap::Args;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::Client;
use kube::api::{Api, ListParams};

use crate::components::{self, PART_OF_LABEL, PART_OF_VALUE};
use crate::kube_client::ClusterArgs;
use crate::manifests;
use crate::output;
use crate::server_side_apply::{crd_established, deployment_rolled_out};

/// Kubernetes minor versions the controllers are built and tested for (k8s-openapi 0.29).
const SUPPORTED_MINORS: std::ops::RangeInclusive<u32> = 33..=37;

/// Check the cluster and the installed controllers.
///
/// With --pre, only checks that the API server is reachable and runs a supported Kubernetes
/// version (1.33 to 1.37). Without it, also checks that the controllers' CRDs are installed and
/// Established and that their Deployments are Available.
///
/// Examples:
///   ferroflux check --pre
///   ferroflux check
///   ferroflux check --components source-controller,kustomize-controller
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct CheckArgs {
    /// Only run the pre-installation checks.
    #[arg(long)]
    pub pre: bool,

    /// Controllers to check (default: every Ferroflux controller found in the namespace).
    #[arg(long, value_name = "LIST")]
    pub components: Option<String>,
}

pub async fn run(args: CheckArgs, cluster: &ClusterArgs) -> anyhow::Result<()> {
    let CheckArgs { pre, components } = args;
    output::step("checking prerequisites");
    let client = cluster.connect().await?;
    check_server_version(&client).await?;
    if pre {
        output::success("prerequisites checks passed");
        return Ok(());
    }

    let namespace = cluster.namespace.as_str();
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), namespace);
    let selector = format!("{PART_OF_LABEL}={PART_OF_VALUE}");
    let found = deployments
        .list(&ListParams::default().labels(&selector))
        .await
        .with_context(|| format!("listing Deployments in {namespace}"))?;
    let chosen: Vec<&str> = match &components {
        Some(list) => components::parse_list(list)?,
        None => components::ALL
            .iter()
            .copied()
            .filter(|c| {
                found
                    .items
                    .iter()
                    .any(|d| d.metadata.name.as_deref() == Some(*c))
            })
            .collect(),
    };
    if chosen.is_empty() {
        anyhow::bail!(
            "no Ferroflux controllers found in namespace {namespace}; install them with \
             `ferroflux install` (or pass -n with the namespace they run in)"
        );
    }

    let mut failures = 0;
    output::step("checking controllers");
    for component in &chosen {
        match found
            .items
            .iter()
            .find(|d| d.metadata.name.as_deref() == Some(*component))
        {
            Some(d) if deployment_rolled_out(d) => {
                output::success(format!("{component}: deployment ready ({})", image_of(d)))
            }
            Some(_) => {
                failures += 1;
                eprintln!("✗ {component}: deployment not ready");
            }
            None => {
                failures += 1;
                eprintln!("✗ {component}: deployment not found in {namespace}");
            }
        }
    }

    output::step("checking crds");
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    let set = manifests::install_set(&chosen, namespace, &Default::default())?;
    for crd in &set.crds {
        let name = crd["metadata"]["name"].as_str().unwrap_or_default();
        match crds
            .get_opt(name)
            .await
            .with_context(|| format!("reading CRD {name}"))?
        {
            Some(c) if crd_established(&c) => output::success(name),
            Some(_) => {
                failures += 1;
                eprintln!("✗ {name}: not Established");
            }
            None => {
                failures += 1;
                eprintln!("✗ {name}: not installed");
            }
        }
    }

    if failures > 0 {
        anyhow::bail!(
            "check failed: {failures} problem(s) above; `ferroflux install` re-applies missing parts"
        );
    }
    output::success("all checks passed");
    Ok(())
}

async fn check_server_version(client: &Client) -> anyhow::Result<()> {
    let info = client
        .apiserver_version()
        .await
        .context("reading the API server version")?;
    let minor: u32 = info.minor.trim_end_matches('+').parse().unwrap_or(0);
    // git_version can be a placeholder on source builds; major.minor is always set.
    let version = format!("{}.{minor}", info.major);
    if info.major != "1" || !SUPPORTED_MINORS.contains(&minor) {
        anyhow::bail!(
            "Kubernetes {version} is not supported: Ferroflux needs 1.{}–1.{}; upgrade the cluster",
            SUPPORTED_MINORS.start(),
            SUPPORTED_MINORS.end()
        );
    }
    output::success(format!(
        "Kubernetes {version} >=1.{}",
        SUPPORTED_MINORS.start()
    ));
    Ok(())
}

/// The first container image of a Deployment.
pub fn image_of(deployment: &Deployment) -> String {
    deployment
        .spec
        .as_ref()
        .and_then(|s| s.template.spec.as_ref())
        .and_then(|s| s.containers.first())
        .and_then(|c| c.image.clone())
        .unwrap_or_else(|| "no image".into())
}
