//! Charts: loading a chart directory or `.tgz` (with its subcharts) into memory.

pub mod helmignore;
mod loader;
pub mod metadata;

use std::sync::{Arc, OnceLock};

use crate::template::ahead::{ParseAhead, Pending};

pub use loader::LoadError;
pub use metadata::{Dependency, Metadata};

/// A file of a chart: its chart-relative, `/`-separated name and its bytes.
///
/// Files the renderer may never look at (READMEs, changelogs, `crds/` unless asked for, files
/// only some values make templates read) are read from a chart directory on first use, not at
/// load: on the Bitnami charts they are over half the bytes of the chart.
#[derive(Clone, Debug)]
pub struct File {
    /// E.g. `templates/deployment.yaml`, `crds/crd.yaml`, `files/config.ini`.
    pub name: String,
    content: Content,
    /// For a template: its text, handed to the loader's parse-ahead thread.
    pending: Option<Arc<Pending>>,
}

#[derive(Clone, Debug)]
enum Content {
    /// In memory.
    Loaded(Arc<Vec<u8>>),
    /// In a file, read on first use (and kept).
    Deferred(Arc<Deferred>),
}

#[derive(Debug)]
struct Deferred {
    path: std::path::PathBuf,
    data: OnceLock<Arc<Vec<u8>>>,
}

impl File {
    /// A file with its content.
    pub fn new(name: impl Into<String>, data: Vec<u8>) -> File {
        File {
            name: name.into(),
            content: Content::Loaded(Arc::new(data)),
            pending: None,
        }
    }

    /// A file whose content stays at `path` until first used.
    pub(crate) fn deferred(name: String, path: std::path::PathBuf) -> File {
        File {
            name,
            content: Content::Deferred(Arc::new(Deferred {
                path,
                data: OnceLock::new(),
            })),
            pending: None,
        }
    }

    /// The content, read now if it was deferred. Fails only if a chart directory's file went
    /// away or became unreadable after the chart was loaded.
    pub fn data(&self) -> Result<&Arc<Vec<u8>>, LoadError> {
        match &self.content {
            Content::Loaded(data) => Ok(data),
            Content::Deferred(d) => {
                if let Some(data) = d.data.get() {
                    return Ok(data);
                }
                let bytes = std::fs::read(&d.path).map_err(|source| LoadError::Read {
                    path: d.path.display().to_string(),
                    source,
                })?;
                Ok(d.data.get_or_init(|| Arc::new(bytes)))
            }
        }
    }

    /// The same file with the content read now (a no-op for a file in memory).
    pub(crate) fn loaded(self) -> Result<File, LoadError> {
        match &self.content {
            Content::Loaded(_) => Ok(self),
            Content::Deferred(_) => {
                let data = self.data()?.clone();
                Ok(File {
                    name: self.name,
                    content: Content::Loaded(data),
                    pending: self.pending,
                })
            }
        }
    }

    /// The same content under another name.
    pub(crate) fn renamed(&self, name: String) -> File {
        File {
            name,
            content: self.content.clone(),
            pending: self.pending.clone(),
        }
    }

    /// The same file, its text (read now) queued on `ahead` to be parsed as a template.
    pub(crate) fn parsed_ahead(self, ahead: &ParseAhead) -> Result<File, LoadError> {
        let text = template_text(self.data()?);
        Ok(File {
            pending: Some(ahead.submit(text)),
            ..self
        })
    }

    /// Whether the file is queued to be parsed as a template.
    pub(crate) fn is_queued(&self) -> bool {
        self.pending.is_some()
    }

    /// The file as a template: its text and its parse, shared with the loader's parse-ahead
    /// thread when the loader queued it (see [`ParseAhead`]), else not started yet.
    pub(crate) fn template(&self) -> Arc<Pending> {
        match &self.pending {
            Some(pending) => pending.clone(),
            // Templates are read at load (a `File` there is never deferred).
            None => Pending::new(template_text(
                self.data().map(|d| d.as_slice()).unwrap_or_default(),
            )),
        }
    }
}

/// A template's bytes as text (invalid UTF-8 replaced, as Go's templates show it).
fn template_text(bytes: &[u8]) -> Arc<str> {
    Arc::from(ferroflux_gotemplate::utf8::lossy(bytes))
}

impl PartialEq for File {
    /// Same name and same bytes (a file that cannot be read equals none).
    fn eq(&self, other: &File) -> bool {
        self.name == other.name && matches!((self.data(), other.data()), (Ok(a), Ok(b)) if a == b)
    }
}

/// A loaded chart, with its subcharts.
#[derive(Clone, Debug, Default)]
pub struct Chart {
    /// `Chart.yaml`.
    pub metadata: Metadata,
    /// `values.yaml` (an empty map when absent); shared, as rendering works on a copy of the chart.
    pub values: Arc<serde_json::Map<String, serde_json::Value>>,
    /// `values.schema.json`, when present: its bytes, decoded only to validate values.
    pub schema: Option<Arc<Vec<u8>>>,
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
        loader::load_path(path.as_ref(), ParseAhead::new())
    }

    /// [`Chart::load`], with the template files parsed on another thread while the rest loads
    /// (for a process that renders and exits: see [`crate::RenderOptions::parallel`]).
    pub fn load_parallel(path: impl AsRef<std::path::Path>) -> Result<Chart, LoadError> {
        loader::load_path(path.as_ref(), ParseAhead::threaded())
    }

    /// Loads a chart from the bytes of a `.tgz` archive.
    pub fn load_archive(bytes: &[u8]) -> Result<Chart, LoadError> {
        loader::load_archive(bytes, &ParseAhead::new())
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
