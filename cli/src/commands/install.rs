//! `ferroflux install`: print or apply the controllers, their RBAC and CRDs.

use clap::Args;

use crate::components;
use crate::kube_client::ClusterArgs;
use crate::manifests;
use crate::output;
use crate::server_side_apply::{self, describe};

/// Install Ferroflux controllers and their CRDs into the cluster.
///
/// Applies (server-side, field manager `ferroflux`) the namespace, the CRDs of the chosen
/// components (waiting until they are Established), then each controller's ServiceAccount, RBAC,
/// Deployment and Service, and waits for every Deployment to roll out.
///
/// Examples:
///   ferroflux install
///   ferroflux install --components source-controller
///   ferroflux install --export > flux-system.yaml
///   ferroflux install -n gitops --kubeconfig ~/.kube/staging
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct InstallArgs {
    #[command(flatten)]
    pub components: ComponentArgs,

    /// Print the manifests as multi-document YAML instead of applying them.
    #[arg(long)]
    pub export: bool,
}

/// Which controllers to install, as Flux's `--components` and `--components-extra`.
#[derive(Args, Debug, Clone)]
pub struct ComponentArgs {
    /// Comma-separated controllers to install. Flux's default set, less the controllers that do
    /// not reconcile yet in this build (helm-controller, notification-controller).
    #[arg(long, value_name = "LIST", default_value_t = components::default_list())]
    pub components: String,

    /// Comma-separated controllers to install besides --components, such as
    /// image-reflector-controller,image-automation-controller.
    #[arg(long, value_name = "LIST", default_value = "")]
    pub components_extra: String,
}

impl ComponentArgs {
    /// The chosen controllers in install order; an unknown or not yet working one is an error.
    pub fn selection(&self) -> anyhow::Result<Vec<&'static str>> {
        components::install_selection(&self.components, &self.components_extra)
    }
}

pub async fn run(args: InstallArgs, cluster: &ClusterArgs) -> anyhow::Result<()> {
    let InstallArgs { components, export } = args;
    let chosen = components.selection()?;
    let namespace = cluster.namespace.as_str();
    let set = manifests::install_set(&chosen, namespace)?;

    if export {
        print!("{}", manifests::to_yaml(set.all())?);
        return Ok(());
    }
    if set.crds.is_empty() {
        output::warning("this build embeds no CRDs for the chosen components (config/crd/bases)");
    }

    let client = cluster.connect().await?;
    output::step(format!(
        "installing {} in namespace {namespace}",
        chosen.join(", ")
    ));
    server_side_apply::apply(&client, &set.namespace).await?;
    for crd in &set.crds {
        server_side_apply::apply(&client, crd).await?;
    }
    for crd in &set.crds {
        let name = crd["metadata"]["name"].as_str().unwrap_or_default();
        server_side_apply::wait_crd_established(&client, name, cluster.timeout).await?;
    }
    if !set.crds.is_empty() {
        output::success(format!("{} CRDs established", set.crds.len()));
    }
    for obj in &set.objects {
        server_side_apply::apply(&client, obj).await?;
        println!("{} applied", describe(obj));
    }
    for deployment in set.objects.iter().filter(|o| o["kind"] == "Deployment") {
        let name = deployment["metadata"]["name"].as_str().unwrap_or_default();
        server_side_apply::wait_deployment_available(&client, namespace, name, cluster.timeout)
            .await
            .map_err(|err| {
                err.context(format!(
                    "{name} did not become Available; inspect it with \
                     `kubectl -n {namespace} describe deployment {name}`"
                ))
            })?;
        output::success(format!("{name} ready"));
    }
    output::success("install finished");
    Ok(())
}
