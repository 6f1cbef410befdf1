//! `ferroflux get`: aligned status tables of Flux objects, like `flux get`.

use clap::{Args, Subcommand, ValueEnum};
use futures::StreamExt as _;
use kube::Client;
use kube::api::DynamicObject;
use kube::runtime::watcher;

use crate::flux_kinds::{self, FluxKind};
use crate::flux_objects::{self, condition, is_suspended};
use crate::kube_client::ClusterArgs;
use crate::output::table::{Table, render_row};

/// Show the status of Flux objects.
///
/// Examples:
///   ferroflux get sources git
///   ferroflux get ks -A
///   ferroflux get helmreleases podinfo -n apps
///   ferroflux get all
///   ferroflux get kustomizations --watch
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct GetArgs {
    #[command(subcommand)]
    what: GetWhat,
}

#[derive(Subcommand, Debug)]
enum GetWhat {
    /// Sources: git, oci, helm, chart, bucket or all.
    #[command(visible_alias = "source")]
    Sources {
        kind: SourceKind,
        #[command(flatten)]
        options: GetOptions,
    },
    /// Kustomizations.
    #[command(visible_aliases = ["ks", "kustomization"])]
    Kustomizations(GetOptions),
    /// HelmReleases.
    #[command(visible_aliases = ["hr", "helmrelease"])]
    Helmreleases(GetOptions),
    /// Alerts (notification-controller).
    #[command(visible_alias = "alert")]
    Alerts(GetOptions),
    /// Alert providers (notification-controller).
    #[command(visible_alias = "alert-provider")]
    AlertProviders(GetOptions),
    /// Receivers (notification-controller).
    #[command(visible_alias = "receiver")]
    Receivers(GetOptions),
    /// Image automation objects: repository, policy, update or all.
    #[command(visible_alias = "image")]
    Images {
        kind: ImageKind,
        #[command(flatten)]
        options: GetOptions,
    },
    /// Every Flux object whose CRD is installed.
    All(GetOptions),
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum SourceKind {
    Git,
    Oci,
    Helm,
    Chart,
    Bucket,
    All,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum ImageKind {
    Repository,
    Policy,
    Update,
    All,
}

#[derive(Args, Debug)]
struct GetOptions {
    /// Only this object.
    name: Option<String>,
    /// Keep printing rows as the objects change (one kind only; stop with Ctrl-C).
    #[arg(short = 'w', long)]
    watch: bool,
}

pub async fn run(args: GetArgs, cluster: &ClusterArgs) -> anyhow::Result<()> {
    let (kinds, options) = selection(args.what);
    let GetOptions { name, watch } = options;
    let client = cluster.connect().await?;
    if watch {
        let [kind] = kinds.as_slice() else {
            anyhow::bail!("--watch works with one kind at a time, e.g. `ferroflux get ks --watch`");
        };
        return watch_kind(&client, kind, cluster, name.as_deref()).await;
    }
    if let Some(name) = name {
        let [kind] = kinds.as_slice() else {
            anyhow::bail!("a name needs one kind, e.g. `ferroflux get sources git {name}`");
        };
        let obj = flux_objects::get(&client, kind, &cluster.namespace, &name).await?;
        let mut table = Table::new(headers(kind, cluster.all_namespaces));
        table.push(row(kind, &obj, false, cluster.all_namespaces));
        print!("{}", table.render());
        return Ok(());
    }

    let many = kinds.len() > 1;
    let mut printed = 0;
    let mut installed = 0;
    for kind in &kinds {
        if many && !flux_objects::crd_installed(&client, kind).await? {
            continue;
        }
        installed += 1;
        let objects = flux_objects::list(&client, kind, cluster.list_namespace()).await?;
        if objects.is_empty() {
            continue;
        }
        let mut table = Table::new(headers(kind, cluster.all_namespaces));
        for obj in &objects {
            table.push(row(kind, obj, many, cluster.all_namespaces));
        }
        if printed > 0 {
            println!();
        }
        print!("{}", table.render());
        printed += 1;
    }
    if many && installed == 0 {
        anyhow::bail!("no Flux CRDs are installed in this cluster; run `ferroflux install`");
    }
    if printed == 0 {
        let what = if many {
            "Flux".to_string()
        } else {
            kinds[0].kind.to_string()
        };
        let place = match cluster.list_namespace() {
            Some(ns) => format!("the {ns} namespace"),
            None => "any namespace".to_string(),
        };
        eprintln!("✗ no {what} objects found in {place}");
    }
    Ok(())
}

fn selection(what: GetWhat) -> (Vec<&'static FluxKind>, GetOptions) {
    let by_group = |group: &str| -> Vec<&'static FluxKind> {
        flux_kinds::ALL
            .iter()
            .filter(|k| k.group == group)
            .collect()
    };
    let one = |kind: &str| vec![flux_kinds::lookup(kind).expect("known kind")];
    match what {
        GetWhat::Sources { kind, options } => (
            match kind {
                SourceKind::Git => one("GitRepository"),
                SourceKind::Oci => one("OCIRepository"),
                SourceKind::Helm => one("HelmRepository"),
                SourceKind::Chart => one("HelmChart"),
                SourceKind::Bucket => one("Bucket"),
                SourceKind::All => by_group("source.toolkit.fluxcd.io"),
            },
            options,
        ),
        GetWhat::Kustomizations(options) => (one("Kustomization"), options),
        GetWhat::Helmreleases(options) => (one("HelmRelease"), options),
        GetWhat::Alerts(options) => (one("Alert"), options),
        GetWhat::AlertProviders(options) => (one("Provider"), options),
        GetWhat::Receivers(options) => (one("Receiver"), options),
        GetWhat::Images { kind, options } => (
            match kind {
                ImageKind::Repository => one("ImageRepository"),
                ImageKind::Policy => one("ImagePolicy"),
                ImageKind::Update => one("ImageUpdateAutomation"),
                ImageKind::All => by_group("image.toolkit.fluxcd.io"),
            },
            options,
        ),
        GetWhat::All(options) => (flux_kinds::ALL.iter().collect(), options),
    }
}

fn headers(kind: &FluxKind, all_namespaces: bool) -> Vec<&'static str> {
    let mut headers = Vec::new();
    if all_namespaces {
        headers.push("NAMESPACE");
    }
    headers.push("NAME");
    if !kind.revision.is_empty() {
        headers.push("REVISION");
    }
    headers.extend(["SUSPENDED", "READY", "MESSAGE"]);
    headers
}

fn row(kind: &FluxKind, obj: &DynamicObject, kind_prefix: bool, all_ns: bool) -> Vec<String> {
    let mut row = Vec::new();
    if all_ns {
        row.push(obj.metadata.namespace.clone().unwrap_or_default());
    }
    let name = obj.metadata.name.clone().unwrap_or_default();
    row.push(if kind_prefix {
        format!("{}/{name}", kind.kind.to_lowercase())
    } else {
        name
    });
    if !kind.revision.is_empty() {
        row.push(kind.revision_of(obj));
    }
    row.push(if is_suspended(obj) { "True" } else { "False" }.to_string());
    match condition(obj, "Ready") {
        Some(ready) => row.extend([ready.status, ready.message]),
        None => row.extend([
            "Unknown".to_string(),
            "waiting to be reconciled".to_string(),
        ]),
    }
    row
}

async fn watch_kind(
    client: &Client,
    kind: &FluxKind,
    cluster: &ClusterArgs,
    name: Option<&str>,
) -> anyhow::Result<()> {
    flux_objects::require_crd(client, kind).await?;
    let api = flux_objects::api(client, kind, cluster.list_namespace());
    let mut config = watcher::Config::default();
    if let Some(name) = name {
        config = config.fields(&format!("metadata.name={name}"));
    }
    let header = Table::new(headers(kind, cluster.all_namespaces));
    // Rows arrive one at a time, so widths are fixed up front: wide enough for typical names.
    let widths: Vec<usize> = header.widths().iter().map(|w| (*w).max(20)).collect();
    let headers: Vec<String> = headers(kind, cluster.all_namespaces)
        .iter()
        .map(|h| h.to_string())
        .collect();
    print!("{}", render_row(&headers, &widths));
    let mut events = watcher(api, config).boxed();
    while let Some(event) = events.next().await {
        match event {
            Ok(watcher::Event::Apply(obj) | watcher::Event::InitApply(obj)) => {
                print!(
                    "{}",
                    render_row(&row(kind, &obj, false, cluster.all_namespaces), &widths)
                );
            }
            Ok(_) => {}
            Err(err) => anyhow::bail!("watching {}: {err}", kind.plural),
        }
    }
    Ok(())
}
