//! `ferroflux events`: Kubernetes Events about Flux objects, oldest first.

use anyhow::Context as _;
use clap::Args;
use futures::StreamExt as _;
use k8s_openapi::api::core::v1::Event;
use kube::api::{Api, ListParams};
use kube::runtime::watcher;

use crate::flux_kinds;
use crate::kube_client::ClusterArgs;
use crate::output::table::{Table, render_row};

/// Show the Kubernetes Events of Flux objects.
///
/// Examples:
///   ferroflux events
///   ferroflux events -A
///   ferroflux events --for Kustomization/apps -n default
///   ferroflux events --watch
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct EventsArgs {
    /// Only events of this object: `Kind/name` (kind as in `ferroflux get`, e.g. ks/apps).
    #[arg(long = "for", value_name = "KIND/NAME")]
    pub for_object: Option<String>,

    /// Keep printing events as they happen (stop with Ctrl-C).
    #[arg(short = 'w', long)]
    pub watch: bool,
}

/// Which events to show: every Flux kind, or one object.
type Filter = Option<(&'static flux_kinds::FluxKind, String)>;

pub async fn run(args: EventsArgs, cluster: &ClusterArgs) -> anyhow::Result<()> {
    let EventsArgs { for_object, watch } = args;
    let filter = parse_filter(for_object.as_deref())?;
    let client = cluster.connect().await?;
    let api: Api<Event> = match cluster.list_namespace() {
        Some(ns) => Api::namespaced(client, ns),
        None => Api::all(client),
    };
    let mut headers = vec!["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"];
    if cluster.all_namespaces {
        headers.insert(0, "NAMESPACE");
    }
    if watch {
        return watch_events(api, &filter, headers, cluster.all_namespaces).await;
    }
    let mut events: Vec<Event> = api
        .list(&ListParams::default())
        .await
        .context("listing Events")?
        .items
        .into_iter()
        .filter(|e| matches(e, &filter))
        .collect();
    events.sort_by_key(last_seen);

    let mut table = Table::new(headers);
    let now = jiff::Timestamp::now();
    for event in &events {
        table.push(row(event, now, cluster.all_namespaces));
    }
    if table.is_empty() {
        eprintln!("✗ no events found");
    } else {
        print!("{}", table.render());
    }
    Ok(())
}

fn parse_filter(for_object: Option<&str>) -> anyhow::Result<Filter> {
    let Some(text) = for_object else {
        return Ok(None);
    };
    let (kind, name) = text.split_once('/').with_context(|| {
        format!("--for {text:?}: write it as Kind/name, e.g. Kustomization/apps")
    })?;
    let kind = flux_kinds::lookup(kind).with_context(|| {
        format!(
            "--for {text:?}: unknown kind; use one of {}",
            flux_kinds::known_names()
        )
    })?;
    Ok(Some((kind, name.to_string())))
}

fn matches(event: &Event, filter: &Filter) -> bool {
    let object = &event.involved_object;
    let api_version = object.api_version.as_deref().unwrap_or_default();
    let kind = object.kind.as_deref().unwrap_or_default();
    match (flux_kinds::from_api_version(api_version, kind), filter) {
        (Some(found), Some((wanted, name))) => {
            found == *wanted && object.name.as_deref() == Some(name)
        }
        (found, None) => found.is_some(),
        (None, Some(_)) => false,
    }
}

fn row(event: &Event, now: jiff::Timestamp, all_namespaces: bool) -> Vec<String> {
    let object = &event.involved_object;
    let mut row = vec![
        last_seen(event)
            .map(|t| age(now, t))
            .unwrap_or_else(|| "<unknown>".into()),
        event.type_.clone().unwrap_or_default(),
        event.reason.clone().unwrap_or_default(),
        format!(
            "{}/{}",
            object.kind.as_deref().unwrap_or_default(),
            object.name.as_deref().unwrap_or_default()
        ),
        event.message.clone().unwrap_or_default().trim().to_string(),
    ];
    if all_namespaces {
        row.insert(0, event.metadata.namespace.clone().unwrap_or_default());
    }
    row
}

/// Prints matching events as they are created or updated (existing ones first); Ctrl-C stops.
async fn watch_events(
    api: Api<Event>,
    filter: &Filter,
    headers: Vec<&str>,
    all_namespaces: bool,
) -> anyhow::Result<()> {
    let widths: Vec<usize> = headers.iter().map(|h| h.len().max(12)).collect();
    let headers: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
    print!("{}", render_row(&headers, &widths));
    let mut stream = watcher(api, watcher::Config::default()).boxed();
    while let Some(event) = stream.next().await {
        match event {
            Ok(watcher::Event::Apply(e) | watcher::Event::InitApply(e)) if matches(&e, filter) => {
                print!(
                    "{}",
                    render_row(&row(&e, jiff::Timestamp::now(), all_namespaces), &widths)
                );
            }
            Ok(_) => {}
            Err(err) => anyhow::bail!("watching Events: {err}"),
        }
    }
    Ok(())
}

fn last_seen(event: &Event) -> Option<jiff::Timestamp> {
    event
        .last_timestamp
        .as_ref()
        .map(|t| t.0)
        .or_else(|| event.event_time.as_ref().map(|t| t.0))
        .or_else(|| event.metadata.creation_timestamp.as_ref().map(|t| t.0))
}

/// `kubectl`-style age: 42s, 5m, 3h, 2d.
fn age(now: jiff::Timestamp, then: jiff::Timestamp) -> String {
    let secs = now.duration_since(then).as_secs().max(0);
    match secs {
        s if s < 120 => format!("{s}s"),
        s if s < 7200 => format!("{}m", s / 60),
        s if s < 172_800 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_like_kubectl() {
        let now: jiff::Timestamp = "2026-01-02T00:00:00Z".parse().unwrap();
        let ago = |s: i64| now.checked_sub(jiff::SignedDuration::from_secs(s)).unwrap();
        assert_eq!(age(now, ago(42)), "42s");
        assert_eq!(age(now, ago(600)), "10m");
        assert_eq!(age(now, ago(3 * 3600)), "3h");
        assert_eq!(age(now, ago(86_400 * 3)), "3d");
    }
}
