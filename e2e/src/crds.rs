//! The one way tests install the Flux CRDs on the test cluster.

use std::time::Duration;

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::Api;
use kube::api::{Patch, PatchParams};
use tokio::sync::OnceCell;

use crate::{ensure_cluster, eventually};

/// Field manager of every object the harness applies.
pub const FIELD_MANAGER: &str = "ferroflux-e2e";

/// Applies the CRD of every Flux kind (generated from `ferroflux-api`'s types, the same as
/// `config/crd/bases`) and waits until each one is Established. Runs once per test process;
/// later calls return at once. Parallel processes apply the same content with the same field
/// manager, so they agree.
pub async fn install_crds() {
    static DONE: OnceCell<()> = OnceCell::const_new();
    DONE.get_or_init(apply_all).await;
}

async fn apply_all() {
    let client = ensure_cluster().client().await;
    let crds: Api<CustomResourceDefinition> = Api::all(client);
    let params = PatchParams::apply(FIELD_MANAGER).force();
    let mut names = Vec::new();
    for generated in ferroflux_api::crds::all() {
        let name = generated
            .crd
            .metadata
            .name
            .clone()
            .expect("a CRD has a name");
        crds.patch(&name, &params, &Patch::Apply(&generated.crd))
            .await
            .unwrap_or_else(|e| panic!("cannot apply the CRD {}: {e}", generated.file_name));
        names.push(name);
    }
    for name in names {
        eventually(
            &format!("CRD {name} Established"),
            Duration::from_secs(60),
            || async {
                let crd = crds.get(&name).await.ok()?;
                let conditions = crd.status?.conditions?;
                conditions
                    .iter()
                    .any(|c| c.type_ == "Established" && c.status == "True")
                    .then_some(())
            },
        )
        .await;
    }
}
