//! Charts: loading a chart directory or `.tgz` (with its subcharts) into memory.

pub mod helmignore;
mod loader;
pub mod metadata;

use std::sync::Arc;

pub use loader::LoadError;
pub use metadata::{Dependency, Metadata};

/// A file of a chart: its chart-relative, `/`-separated name and its bytes.
#[derive(Clone, Debug, PartialEq)]
pub struct File {
    /// E.g. `templates/deployment.yaml`, `crds/crd.yaml`, `files/config.ini`.
    pub name: String,
    /// The content.
    pub data: Arc<Vec<u8>>,
}

/// A loaded chart, with its subcharts.
#[derive(Clone, Debug, Default)]
pub struct Chart {
    /// `Chart.yaml`.
    pub metadata: Metadata,
    /// `values.yaml` (an empty map when absent); shared, as rendering works on a copy of the chart.
    pub values: Arc<serde_json::Map<String, serde_json::Value>>,
    /// `values.schema.json`, when present.
    pub schema: Option<Arc<serde_json::Value>>,
    /// Files under `templates/`, in name order.
    pub templates: Vec<File>,
    /// Every other file (crds/, files the templates read, README, ...), in name order.
    pub files: Vec<File>,
    /// Subcharts found under `charts/`, in name order.
    pub dependencies: Vec<Chart>,
}

impl Chart {
    /// Loads a chart from a directory or a `.tgz` archive, as `helm template` does.
    pub fn load(path: impl AsRef<std::path::Path>) -> Result<Chart, LoadError> {
        loader::load_path(path.as_ref())
    }

    /// Loads a chart from the bytes of a `.tgz` archive.
    pub fn load_archive(bytes: &[u8]) -> Result<Chart, LoadError> {
        loader::load_archive(bytes)
    }

    /// The chart's name (the alias when used under one).
    pub fn name(&self) -> &str {
        &self.metadata.name
    }

    /// Files under `crds/` with a manifest extension, as Helm's `CRDObjects` (this chart only).
    pub fn crd_files(&self) -> impl Iterator<Item = &File> {
        self.files.iter().filter(|f| {
            f.name.starts_with("crds/")
                && (f.name.ends_with(".yaml")
                    || f.name.ends_with(".yml")
                    || f.name.ends_with(".json"))
        })
    }
}
