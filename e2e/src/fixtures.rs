//! The fixture repositories under `testdata/` (podinfo, Flux's kustomize-helm example, real
//! charts), which tests read and never change, and reading YAML files.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::cluster::workspace_root;

/// The fixtures directory: `$FERROFLUX_FIXTURES`, or `testdata/` at the workspace root.
///
/// Panics with a message naming the directory and the variable when it does not exist, so a
/// missing checkout shows as that and not as a failed comparison.
pub fn fixtures_dir() -> PathBuf {
    let dir = match std::env::var_os("FERROFLUX_FIXTURES") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => workspace_root().join("testdata"),
    };
    assert!(
        dir.is_dir(),
        "fixtures directory {} not found (set FERROFLUX_FIXTURES to the repository's testdata/)",
        dir.display()
    );
    dir
}

/// A path under the fixtures directory, e.g. `fixture("podinfo/kustomize")`.
pub fn fixture(relative: &str) -> PathBuf {
    fixtures_dir().join(relative)
}

/// Every YAML document of a file, as JSON values (empty documents skipped). Panics naming the
/// file when it cannot be read or parsed.
pub fn yaml_documents(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let documents: Vec<Value> = serde_saphyr::from_multiple(&text)
        .unwrap_or_else(|e| panic!("cannot parse {}: {e}", path.display()));
    documents.into_iter().filter(|d| !d.is_null()).collect()
}

/// Every `.yaml`/`.yml` file under `dir`, sorted.
pub fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = files(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    out.sort();
    out
}

/// Every file under `dir`, as (its path relative to `dir` prefixed with `prefix`, its content),
/// sorted: a fixture directory ready to commit into a test repository.
pub fn files_under(dir: &Path, prefix: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = files(dir)
        .into_iter()
        .map(|path| {
            let relative = path.strip_prefix(dir).expect("under dir").to_string_lossy();
            let content = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            (format!("{prefix}{relative}"), content)
        })
        .collect();
    out.sort();
    out
}

/// Every YAML document of Flux's kustomize-helm example, with its file, except the files its
/// kustomizations use as patches (partial objects, not objects a user applies).
pub fn flux_example_documents() -> Vec<(PathBuf, Value)> {
    let files = yaml_files(&fixture("flux2-kustomize-helm-example"));
    let patches = kustomize_patch_files(&files);
    files
        .into_iter()
        .filter(|f| !patches.contains(f))
        .flat_map(|f| {
            let documents = yaml_documents(&f);
            documents.into_iter().map(move |d| (f.clone(), d))
        })
        .collect()
}

/// The files the `kustomization.yaml`s among `files` name as patches (`patches[].path` and
/// `patchesStrategicMerge`).
fn kustomize_patch_files(files: &[PathBuf]) -> Vec<PathBuf> {
    let mut patches = Vec::new();
    for file in files.iter().filter(|f| f.ends_with("kustomization.yaml")) {
        let dir = file.parent().expect("a file has a directory");
        for document in yaml_documents(file) {
            if document["apiVersion"].as_str() != Some("kustomize.config.k8s.io/v1beta1") {
                continue;
            }
            let listed = document["patches"].as_array().cloned().unwrap_or_default();
            let strategic = document["patchesStrategicMerge"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            for entry in listed.iter().map(|p| &p["path"]).chain(strategic.iter()) {
                if let Some(path) = entry.as_str() {
                    patches.push(dir.join(path));
                }
            }
        }
    }
    patches
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let entries = std::fs::read_dir(&current)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", current.display()));
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}
