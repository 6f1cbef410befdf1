//! `ferroflux bootstrap git`: commit the controllers' manifests and a sync configuration to a Git
//! repository, install the same manifests into the cluster, and let the cluster follow the repository.

mod git_auth;
mod git_checkout;
mod sync_manifests;

use std::sync::Mutex;

use anyhow::Context as _;
use clap::{Args, Subcommand};
use kube::Client;

use self::git_auth::{GitAuth, GitAuthArgs};
use self::git_checkout::Checkout;
use self::sync_manifests::{
    COMPONENTS_FILE, FILES_DIR, KUSTOMIZATION_FILE, SYNC_FILE, SYNC_NAME, SyncTarget,
};
use crate::commands::install::{self, InstallArgs, InstallOptions};
use crate::flux_kinds::{self, FluxKind};
use crate::flux_objects::{self, condition};
use crate::kube_client::ClusterArgs;
use crate::output;
use crate::server_side_apply::{self, describe};
use crate::wait::poll_until;

/// Deploy Ferroflux on a cluster the GitOps way: its own manifests live in Git.
#[derive(Args, Debug)]
pub struct BootstrapArgs {
    #[command(subcommand)]
    pub provider: BootstrapProvider,
}

#[derive(Subcommand, Debug)]
pub enum BootstrapProvider {
    Git(BootstrapGitArgs),
}

/// Bootstrap from any Git server (HTTPS with basic auth or a token, plain HTTP, or ssh).
///
/// Clones the branch, writes <path>/flux-system/{gotk-components.yaml, gotk-sync.yaml,
/// kustomization.yaml}, commits and pushes them when they changed (author Ferroflux
/// <ferroflux@localhost>), installs the components, creates the Secret `flux-system` with the
/// credentials, applies the GitRepository and Kustomization `flux-system`, and waits until the
/// Kustomization is Ready. Re-running with the same flags changes nothing; several clusters can
/// share one repository through different --path values.
///
/// source-controller and kustomize-controller must run for the final wait to end: in the
/// cluster, or as local processes on a cluster without real nodes (see e2e/demo/demo.sh).
///
/// Examples:
///   ferroflux bootstrap git --url https://git.example.com/fleet.git \
///     --username git --password "$GIT_PASSWORD" --ca-file ca.pem --path clusters/staging
///   ferroflux bootstrap git --url https://git.example.com/fleet.git --token "$TOKEN" \
///     --path clusters/prod --components source-controller,kustomize-controller
///   ferroflux bootstrap git --url ssh://git@git.example.com/fleet.git \
///     --private-key-file ~/.ssh/id_ed25519 --known-hosts ~/.ssh/known_hosts --path clusters/dev
#[derive(Args, Debug)]
#[command(verbatim_doc_comment, disable_version_flag = true)]
pub struct BootstrapGitArgs {
    /// Git repository URL (https://, http:// or ssh://), also used by the cluster.
    #[arg(long)]
    pub url: String,

    /// Branch to commit to and to follow.
    #[arg(long, default_value = "main")]
    pub branch: String,

    /// Directory in the repository for this cluster, e.g. clusters/my-cluster.
    #[arg(long)]
    pub path: String,

    #[command(flatten)]
    pub options: InstallOptions,

    #[command(flatten)]
    pub auth: GitAuthArgs,
}

pub async fn run(args: BootstrapArgs, cluster: &ClusterArgs) -> anyhow::Result<()> {
    match args.provider {
        BootstrapProvider::Git(git) => run_git(git, cluster).await,
    }
}

async fn run_git(args: BootstrapGitArgs, cluster: &ClusterArgs) -> anyhow::Result<()> {
    let BootstrapGitArgs {
        url,
        branch,
        path,
        options,
        auth,
    } = args;
    let chosen = options.selection()?;
    let custom = options.customization()?;
    let path = sync_manifests::normalize_path(&path)?;
    let auth = GitAuth::load(&auth)?;
    let namespace = cluster.namespace.as_str();

    output::step(format!("cloning branch {branch} of {url}"));
    let checkout = Checkout::clone(&url, &branch, auth.git_env())?;
    output::success("repository cloned");

    let target = SyncTarget {
        namespace,
        url: &url,
        branch: &branch,
        path: &path,
        with_secret: !auth.is_empty(),
    };
    let sync_objects = sync_manifests::sync_objects(&target);
    let dir = format!("{path}/{FILES_DIR}");
    output::step(format!("generating manifests in {dir}"));
    checkout.write(
        &format!("{dir}/{COMPONENTS_FILE}"),
        &sync_manifests::components_file(&chosen, namespace, &custom)?,
    )?;
    checkout.write(
        &format!("{dir}/{SYNC_FILE}"),
        &sync_manifests::sync_file(&sync_objects)?,
    )?;
    checkout.write(
        &format!("{dir}/{KUSTOMIZATION_FILE}"),
        &sync_manifests::kustomization_file(),
    )?;
    let message = format!(
        "Add Ferroflux v{} component and sync manifests for {path}",
        env!("CARGO_PKG_VERSION")
    );
    match checkout.commit_and_push(&[&dir], &message)? {
        Some(commit) => output::success(format!("committed and pushed {commit} to {branch}")),
        None => output::success(format!(
            "{dir} is up to date on {branch}; nothing to commit"
        )),
    }
    let head = checkout
        .head()
        .context("the branch has no commit after bootstrap")?;
    drop(checkout);

    let install_args = InstallArgs {
        options,
        export: false,
    };
    install::run(install_args, cluster).await?;

    let client = cluster.connect().await?;
    output::step("configuring the cluster to sync with the repository");
    if !auth.is_empty() {
        let secret = auth.secret(namespace, SYNC_NAME);
        server_side_apply::apply(&client, &secret).await?;
        println!("{} applied", describe(&secret));
    }
    for obj in &sync_objects {
        server_side_apply::apply(&client, obj).await?;
        println!("{} applied", describe(obj));
    }

    let revision = wait_ready(&client, cluster, "GitRepository", &head).await?;
    output::success(format!(
        "GitRepository {namespace}/{SYNC_NAME} fetched {revision}"
    ));
    let revision = wait_ready(&client, cluster, "Kustomization", &head).await?;
    output::success(format!(
        "Kustomization {namespace}/{SYNC_NAME} applied {revision}"
    ));
    output::success("bootstrap finished");
    Ok(())
}

/// Waits until the `flux-system` object of `kind` is Ready at a revision containing `commit`,
/// and returns that revision. Fails early on Stalled; on timeout the error carries the last
/// Ready message and says which controller should have acted.
async fn wait_ready(
    client: &Client,
    cluster: &ClusterArgs,
    kind_name: &str,
    commit: &str,
) -> anyhow::Result<String> {
    let kind: &FluxKind = flux_kinds::lookup(&kind_name.to_lowercase())
        .with_context(|| format!("unknown kind {kind_name}"))?;
    let namespace = cluster.namespace.as_str();
    let controller = if kind_name == "GitRepository" {
        "source-controller"
    } else {
        "kustomize-controller"
    };
    let what = format!(
        "{kind_name} {namespace}/{SYNC_NAME} to be Ready at commit {} ({controller})",
        &commit[..commit.len().min(12)]
    );
    let last_message = Mutex::new(String::from("no status yet"));
    let last = &last_message;
    let result = poll_until(&what, cluster.timeout, move || async move {
        let obj = flux_objects::get(client, kind, namespace, SYNC_NAME).await?;
        let revision = kind.revision_of(&obj);
        if let Some(stalled) = condition(&obj, "Stalled").filter(|c| c.status == "True") {
            anyhow::bail!(
                "{kind_name} {namespace}/{SYNC_NAME} is stalled ({}): {}",
                stalled.reason,
                stalled.message
            );
        }
        let ready = condition(&obj, "Ready");
        if let Some(ready) = &ready {
            *last.lock().unwrap_or_else(|e| e.into_inner()) =
                format!("Ready={} {}: {}", ready.status, ready.reason, ready.message);
        }
        let done = ready.is_some_and(|c| c.status == "True") && revision.contains(commit);
        Ok(done.then_some(revision))
    })
    .await;
    result.map_err(|err| {
        let last = last_message.into_inner().unwrap_or_else(|e| e.into_inner());
        anyhow::anyhow!(
            "{err:#}\n  last status: {last}\n  Is {controller} running? Inspect with \
             `ferroflux get all -n {namespace}` and the {controller} logs"
        )
    })
}
