//! The events of the apply and prune steps: what they changed. (The outcome event and the
//! metrics are the driver's.)

use ferroflux_api::kustomize::v1::Kustomization;
use ferroflux_runtime::events::Severity;
use ferroflux_runtime::ssa::ChangeSet;
use kube::Resource;
use std::collections::BTreeMap;

use super::Context;

fn revision_metadata(revision: &str) -> BTreeMap<String, String> {
    BTreeMap::from([(format!("{}/revision", super::GROUP), revision.to_string())])
}

/// Publishes the objects an apply or prune changed, one `Kind/namespace/name action` per line.
pub async fn publish_changes(
    ks: &Kustomization,
    ctx: &Context,
    revision: &str,
    changes: &ChangeSet,
) {
    let Some(events) = &ctx.driver.events else {
        return;
    };
    let lines: Vec<String> = changes
        .changes()
        .map(|e| format!("{} {}", e.object, e.action))
        .collect();
    if lines.is_empty() {
        return;
    }
    let object = ks.object_ref(&());
    let metadata = revision_metadata(revision);
    events
        .publish(
            &object,
            Severity::Info,
            "Progressing",
            &lines.join("\n"),
            &metadata,
        )
        .await;
}
