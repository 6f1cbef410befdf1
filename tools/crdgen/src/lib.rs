//! Renders the CRDs of `ferroflux-api` as the YAML files committed under `config/crd/bases`.

use std::path::{Path, PathBuf};

/// Where the generated CRDs live, relative to the workspace root.
pub const CRD_DIR: &str = "config/crd/bases";

/// The workspace root (two levels above this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every CRD as `(file name, YAML text)`, in a stable order.
pub fn render_all() -> anyhow::Result<Vec<(String, String)>> {
    ferroflux_api::crds::all()
        .into_iter()
        .map(|generated| {
            let value = serde_json::to_value(&generated.crd)?;
            let yaml = serde_saphyr::to_string(&value)?;
            Ok((generated.file_name, format!("---\n{yaml}")))
        })
        .collect()
}
