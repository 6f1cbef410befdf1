//! Reading a chart from a directory or an archive into a [`Chart`], as Helm's loader does.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use super::helmignore::{IgnoreError, IgnoreRules};
use super::metadata::{Metadata, MetadataError};
use super::{Chart, File};
use crate::template::ahead::ParseAhead;

/// A chart's files the loader reads itself (templates aside).
const LOADER_FILES: &[&str] = &[
    "Chart.yaml",
    "requirements.yaml",
    "values.yaml",
    "values.schema.json",
];

/// Archives larger than this (uncompressed) are refused.
const MAX_ARCHIVE_BYTES: u64 = 100 * 1024 * 1024;

/// A chart that cannot be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The path does not exist.
    #[error("path {0:?} not found")]
    NotFound(String),
    /// Reading a file or directory failed.
    #[error("{path}: {source}")]
    Read {
        /// What was being read.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The chart has no `Chart.yaml`.
    #[error("Chart.yaml file is missing")]
    MissingChartYaml,
    /// `Chart.yaml` is malformed or invalid.
    #[error(transparent)]
    Metadata(#[from] MetadataError),
    /// `values.yaml` does not decode into a map.
    #[error("cannot load values.yaml: {0}")]
    Values(String),
    /// `.helmignore` has a rule Helm refuses.
    #[error(".helmignore: {0}")]
    Ignore(#[from] IgnoreError),
    /// The archive is not a gzipped tar, or holds something unsafe.
    #[error("{0}")]
    Archive(String),
    /// A subchart failed to load.
    #[error("error unpacking subchart {name} in {parent}: {source}")]
    Subchart {
        /// The subchart's directory or archive name under `charts/`.
        name: String,
        /// The parent chart's name.
        parent: String,
        /// Why.
        source: Box<LoadError>,
    },
}

/// Loads from a directory or, for a file, a `.tgz` archive.
///
/// Template files are queued on `ahead`, which may parse them on another thread meanwhile (see
/// [`ParseAhead`]); the thread ends once the load is over and it has parsed what it was given.
pub(super) fn load_path(path: &Path, ahead: ParseAhead) -> Result<Chart, LoadError> {
    let meta =
        std::fs::metadata(path).map_err(|_| LoadError::NotFound(path.display().to_string()))?;
    if meta.is_dir() {
        return load_dir(path, &ahead);
    }
    let bytes = std::fs::read(path).map_err(|source| LoadError::Read {
        path: path.display().to_string(),
        source,
    })?;
    load_archive(&bytes, &ahead)
}

fn read_err(path: &Path) -> impl FnOnce(std::io::Error) -> LoadError + '_ {
    move |source| LoadError::Read {
        path: path.display().to_string(),
        source,
    }
}

fn load_dir(root: &Path, ahead: &ParseAhead) -> Result<Chart, LoadError> {
    let rules = match std::fs::read_to_string(root.join(".helmignore")) {
        Ok(content) => IgnoreRules::parse(&content)?,
        Err(_) => IgnoreRules::parse("")?,
    };
    let mut files = Vec::new();
    walk(root, "", &rules, ahead, &mut files)?;
    load_files(files, ahead)
}

/// What a directory entry is, symbolic links followed.
#[derive(PartialEq)]
enum EntryKind {
    Dir,
    File,
    Other,
}

/// Walks in lexical order (as Go's `filepath.Walk`), following symlinks, skipping ignored paths.
/// Each template file is queued on `ahead` as soon as it is read, so that parsing starts with the
/// first one (a chart's first template directory is often a library chart's, read last), and the
/// queue is flushed once the directory is read.
fn walk(
    dir: &Path,
    prefix: &str,
    rules: &IgnoreRules,
    ahead: &ParseAhead,
    out: &mut Vec<File>,
) -> Result<(), LoadError> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(read_err(dir))?
        .filter_map(Result::ok)
        .map(|e| {
            let file_type = e.file_type().ok();
            (
                e.file_name().to_string_lossy().into_owned(),
                e.path(),
                file_type,
            )
        })
        .collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, path, file_type) in entries {
        let rel = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}/{name}")
        };
        // The directory listing gives the type without a `stat`, except for symbolic links
        // (followed, as Helm does).
        let meta = match file_type {
            Some(t) if t.is_dir() => EntryKind::Dir,
            Some(t) if t.is_file() => EntryKind::File,
            _ => {
                let meta = std::fs::metadata(&path).map_err(read_err(&path))?;
                if meta.is_dir() {
                    EntryKind::Dir
                } else if meta.is_file() {
                    EntryKind::File
                } else {
                    EntryKind::Other
                }
            }
        };
        if meta == EntryKind::Dir {
            if !rules.ignored(&rel, true) {
                walk(&path, &rel, rules, ahead, out)?;
            }
        } else if !rules.ignored(&rel, false) {
            if meta != EntryKind::File {
                return Err(LoadError::Archive(format!(
                    "cannot load irregular file {} as it has file mode type bits set",
                    path.display()
                )));
            }
            if read_by_loader(&rel) {
                let data = std::fs::read(&path).map_err(read_err(&path))?;
                let template = is_template_path(&rel);
                let file = File::new(rel, data);
                out.push(if template {
                    file.parsed_ahead(ahead)?
                } else {
                    file
                });
            } else {
                // Read when used (see `File`); opened now so that an unreadable file fails the
                // load, as it fails Helm's.
                std::fs::File::open(&path).map_err(read_err(&path))?;
                out.push(File::deferred(rel, path));
            }
        }
    }
    ahead.flush();
    Ok(())
}

/// Whether the loader reads the file at `rel` (a path under the chart directory) right away, so
/// the walk reads it instead of opening it twice: any chart's (or subchart's) metadata, values
/// and schema, and templates. A few other files may match (`files/values.yaml`); they are only
/// read early.
fn read_by_loader(rel: &str) -> bool {
    let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
    LOADER_FILES.contains(&name) || dir.split('/').any(|part| part == "templates")
}

/// Whether the file at `rel` (a path under the chart directory) is a template of the chart or of
/// a subchart in its `charts/` directory (at any depth).
fn is_template_path(mut rel: &str) -> bool {
    loop {
        if rel.starts_with("templates/") {
            return true;
        }
        match rel
            .strip_prefix("charts/")
            .and_then(|sub| sub.split_once('/'))
        {
            Some((_, inner)) => rel = inner,
            None => return false,
        }
    }
}

/// Loads a gzipped tar whose entries all sit under one top directory (the chart's name).
pub(super) fn load_archive(bytes: &[u8], ahead: &ParseAhead) -> Result<Chart, LoadError> {
    let gz = flate2::read::GzDecoder::new(bytes);
    let mut archive = tar::Archive::new(gz.take(MAX_ARCHIVE_BYTES));
    let mut files = Vec::new();
    let entries = archive
        .entries()
        .map_err(|e| LoadError::Archive(format!("invalid chart archive: {e}")))?;
    for entry in entries {
        let mut entry =
            entry.map_err(|e| LoadError::Archive(format!("invalid chart archive: {e}")))?;
        let kind = entry.header().entry_type();
        if !kind.is_file() {
            if kind.is_symlink() || kind.is_hard_link() {
                return Err(LoadError::Archive("chart archive contains a link".into()));
            }
            continue;
        }
        let raw = entry.path_bytes().into_owned();
        let name = ferroflux_gotemplate::utf8::lossy(&raw).replace('\\', "/");
        let parts: Vec<&str> = name
            .split('/')
            .filter(|p| !p.is_empty() && *p != ".")
            .collect();
        if parts.contains(&"..") || name.starts_with('/') {
            return Err(LoadError::Archive(format!(
                "chart illegally references parent directory: {name}"
            )));
        }
        if parts.len() < 2 {
            continue;
        }
        let mut data = Vec::new();
        entry
            .read_to_end(&mut data)
            .map_err(|e| LoadError::Archive(format!("invalid chart archive: {e}")))?;
        files.push(File::new(parts[1..].join("/"), data));
    }
    if files.is_empty() {
        return Err(LoadError::Archive("no files in chart archive".into()));
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    load_files(files, ahead)
}

/// Sorts files into a chart: metadata, values, schema, templates, subcharts and other files.
fn load_files(files: Vec<File>, ahead: &ParseAhead) -> Result<Chart, LoadError> {
    let mut chart = Chart::default();
    let mut metadata: Option<Metadata> = None;
    let mut requirements = None;
    let mut subcharts: BTreeMap<String, Vec<File>> = BTreeMap::new();
    for file in files {
        // What the loader itself reads is read now; the rest when (if ever) it is used.
        // Templates of a chart directory are queued by the walk already.
        let file = if file.name.starts_with("templates/") && !file.is_queued() {
            file.loaded()?.parsed_ahead(ahead)?
        } else if LOADER_FILES.contains(&file.name.as_str()) {
            file.loaded()?
        } else {
            file
        };
        let text = || {
            ferroflux_gotemplate::utf8::lossy(file.data().map(|d| d.as_slice()).unwrap_or_default())
        };
        match file.name.as_str() {
            "Chart.yaml" => metadata = Some(Metadata::from_yaml(&text())?),
            "requirements.yaml" => requirements = Some(text().into_owned()),
            "values.yaml" => {
                chart.values = match crate::yaml::from_str_commented(&text()) {
                    Ok(serde_json::Value::Object(map)) => Arc::new(map),
                    Ok(serde_json::Value::Null) => Arc::default(),
                    Ok(_) => {
                        return Err(LoadError::Values(
                            "cannot unmarshal yaml document: not a map".into(),
                        ));
                    }
                    Err(e) => {
                        return Err(LoadError::Values(format!(
                            "cannot unmarshal yaml document: {e}"
                        )));
                    }
                }
            }
            // Kept as bytes, as Helm keeps it: decoded when the values are validated, so a schema
            // that is not JSON fails validation, and nothing when validation is skipped.
            "values.schema.json" => chart.schema = Some(file.data()?.clone()),
            name if name.starts_with("templates/") => chart.templates.push(file),
            name if name.starts_with("charts/") && !name.ends_with(".prov") => {
                let rest = &name["charts/".len()..];
                let sub = rest.split('/').next().unwrap_or(rest).to_string();
                subcharts
                    .entry(sub)
                    .or_default()
                    .push(file.renamed(rest.to_string()));
            }
            _ => chart.files.push(file),
        }
    }
    let mut metadata = metadata.ok_or(LoadError::MissingChartYaml)?;
    if let Some(req) = requirements {
        metadata.add_requirements(&req)?;
    }
    metadata.validate()?;
    chart.metadata = metadata;
    for (name, files) in subcharts {
        if name.starts_with('_') || name.starts_with('.') {
            continue;
        }
        let wrap = |source| LoadError::Subchart {
            name: name.clone(),
            parent: chart.metadata.name.clone(),
            source: Box::new(source),
        };
        let sub = if name.ends_with(".tgz") {
            load_archive(files[0].data().map_err(wrap)?, ahead).map_err(wrap)?
        } else {
            let inner: Vec<File> = files
                .into_iter()
                .filter_map(|f| {
                    let (_, rest) = f.name.split_once('/')?;
                    Some(f.renamed(rest.to_string()))
                })
                .collect();
            load_files(inner, ahead).map_err(wrap)?
        };
        chart.dependencies.push(sub);
    }
    // Templates of an archive are queued here, as their files are sorted.
    ahead.flush();
    Ok(chart)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart_dir() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write("Chart.yaml", "apiVersion: v2\nname: demo\nversion: 0.1.0\n");
        write("values.yaml", "a: 1\n");
        write("templates/cm.yaml", "kind: ConfigMap\n");
        write("README.md", "# demo\n");
        write("files/app.conf", "port = 8080\n");
        write("crds/crd.yaml", "kind: CustomResourceDefinition\n");
        dir
    }

    fn file<'a>(chart: &'a Chart, name: &str) -> &'a File {
        chart.files.iter().find(|f| f.name == name).unwrap()
    }

    #[test]
    fn templates_of_the_chart_and_its_subcharts_are_told_from_other_files() {
        for path in [
            "templates/a.yaml",
            "templates/sub/_h.tpl",
            "charts/common/templates/_names.tpl",
            "charts/a/charts/b/templates/x.yaml",
        ] {
            assert!(is_template_path(path), "{path}");
        }
        for path in [
            "values.yaml",
            "files/templates/a.yaml",
            "charts/common/files/templates/a.yaml",
            "charts/templates/a.yaml",
            "charts/common.tgz",
        ] {
            assert!(!is_template_path(path), "{path}");
        }
    }

    #[test]
    fn other_files_are_read_when_first_used() {
        let dir = chart_dir();
        let chart = load_path(dir.path(), ParseAhead::threaded()).unwrap();
        assert_eq!(
            chart.templates[0].data().unwrap().as_slice(),
            b"kind: ConfigMap\n"
        );
        // Changed after the load: what is read is what is there at first use, then kept.
        std::fs::write(dir.path().join("files/app.conf"), "port = 9090\n").unwrap();
        let conf = file(&chart, "files/app.conf");
        assert_eq!(conf.data().unwrap().as_slice(), b"port = 9090\n");
        std::fs::write(dir.path().join("files/app.conf"), "port = 1\n").unwrap();
        assert_eq!(conf.data().unwrap().as_slice(), b"port = 9090\n");
        // Copies of the chart share what was read.
        let copy = chart.clone();
        assert_eq!(file(&copy, "files/app.conf"), conf);
    }

    #[test]
    fn a_file_gone_after_the_load_is_an_error_when_used() {
        let dir = chart_dir();
        let chart = load_path(dir.path(), ParseAhead::threaded()).unwrap();
        std::fs::remove_file(dir.path().join("README.md")).unwrap();
        let err = file(&chart, "README.md").data().unwrap_err().to_string();
        assert!(
            err.contains("README.md") && err.contains("No such file"),
            "{err}"
        );
        // The rest of the chart is unaffected.
        assert_eq!(
            file(&chart, "crds/crd.yaml").data().unwrap().as_slice(),
            b"kind: CustomResourceDefinition\n"
        );
    }
}
