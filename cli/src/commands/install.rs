//! `ferroflux install`: print or apply the controllers, their RBAC and CRDs.

use clap::{ArgAction, Args};

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
///   ferroflux install --registry registry.example.com/ferroflux --image-pull-secret regcred
///   ferroflux install -n gitops --kubeconfig ~/.kube/staging
#[derive(Args, Debug)]
#[command(verbatim_doc_comment, disable_version_flag = true)]
pub struct InstallArgs {
    #[command(flatten)]
    pub options: InstallOptions,

    /// Print the manifests as multi-document YAML instead of applying them.
    #[arg(long)]
    pub export: bool,
}

/// What to install and how, as Flux's `install` and `bootstrap` flags; `--export` shows the result.
#[derive(Args, Debug, Clone)]
pub struct InstallOptions {
    /// Comma-separated controllers to install. Flux's default set, less the controllers that do
    /// not reconcile yet in this build (helm-controller, notification-controller).
    #[arg(long, value_name = "LIST", default_value_t = components::default_list())]
    pub components: String,

    /// Comma-separated controllers to install besides --components, such as
    /// image-reflector-controller,image-automation-controller.
    #[arg(long, value_name = "LIST", default_value = "")]
    pub components_extra: String,

    /// Container registry the images are pulled from: images are <registry>/<controller>:<version>.
    #[arg(long, default_value = manifests::DEFAULT_REGISTRY)]
    pub registry: String,

    /// Image tag of the controllers.
    #[arg(long = "version", id = "image_version", default_value = concat!("v", env!("CARGO_PKG_VERSION")))]
    pub version: String,

    /// Name of a Secret in the install namespace to pull the images with (type
    /// kubernetes.io/dockerconfigjson); not created by this command.
    #[arg(long, value_name = "SECRET", default_value = "")]
    pub image_pull_secret: String,

    /// Whether the controllers watch objects in every namespace or only their own.
    #[arg(long, default_value_t = true, num_args = 0..=1, default_missing_value = "true", action = ArgAction::Set)]
    pub watch_all_namespaces: bool,

    /// Add Flux's NetworkPolicies: the controllers' pods accept traffic only from each other,
    /// metrics scraping (8080) and, with notification-controller, webhooks.
    #[arg(long, default_value_t = true, num_args = 0..=1, default_missing_value = "true", action = ArgAction::Set)]
    pub network_policy: bool,

    /// Log level of the controllers.
    #[arg(long, default_value = "info", value_parser = ["debug", "info", "error"])]
    pub log_level: String,

    /// The cluster's DNS domain, used in the controllers' service addresses.
    #[arg(long, default_value = "cluster.local")]
    pub cluster_domain: String,

    /// Comma-separated taint keys the controllers tolerate.
    #[arg(long, value_name = "KEYS", value_delimiter = ',')]
    pub toleration_keys: Vec<String>,
}

impl InstallOptions {
    /// The chosen controllers in install order; an unknown or not yet working one is an error.
    pub fn selection(&self) -> anyhow::Result<Vec<&'static str>> {
        components::install_selection(&self.components, &self.components_extra)
    }

    /// How the embedded manifests are changed.
    pub fn customization(&self) -> anyhow::Result<manifests::Customization> {
        if self.registry.trim().is_empty() || self.version.trim().is_empty() {
            anyhow::bail!("--registry and --version must not be empty");
        }
        Ok(manifests::Customization {
            registry: self.registry.trim().to_string(),
            version: self.version.trim().to_string(),
            image_pull_secret: self.image_pull_secret.trim().to_string(),
            watch_all_namespaces: self.watch_all_namespaces,
            network_policy: self.network_policy,
            log_level: self.log_level.clone(),
            cluster_domain: self.cluster_domain.trim().to_string(),
            toleration_keys: self
                .toleration_keys
                .iter()
                .map(|k| k.trim().to_string())
                .filter(|k| !k.is_empty())
                .collect(),
        })
    }
}

pub async fn run(args: InstallArgs, cluster: &ClusterArgs) -> anyhow::Result<()> {
    let InstallArgs { options, export } = args;
    let chosen = options.selection()?;
    let namespace = cluster.namespace.as_str();
    let set = manifests::install_set(&chosen, namespace, &options.customization()?)?;

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
