//! Leader election with a Lease (`--enable-leader-election`), so only one replica reconciles.

use kube_lease_manager::{LeaseManagerBuilder, LeaseManagerError};
use tokio::sync::watch;

/// Waits until this process holds the Lease `<controller>-leader-election` in `namespace`.
///
/// The returned receiver turns `false` when leadership is lost; the caller must then stop
/// reconciling (controllers exit, like Flux's, and are restarted by their Deployment).
pub async fn acquire_leadership(
    client: kube::Client,
    controller: &str,
    namespace: &str,
    identity: &str,
) -> Result<watch::Receiver<bool>, LeaseManagerError> {
    let manager = LeaseManagerBuilder::new(client, format!("{controller}-leader-election"))
        .with_namespace(namespace)
        .with_identity(identity)
        .with_field_manager(controller)
        .build()
        .await?;
    let (mut leader, _task) = manager.watch().await;
    while !*leader.borrow_and_update() {
        if leader.changed().await.is_err() {
            break;
        }
    }
    Ok(leader)
}
