//! What Flux's kustomize-controller does when a path has no kustomization: write one listing the
//! Kubernetes YAML files below it (and sub-directories that have their own kustomization).

use crate::error::Error;
use crate::loader::find_kustomization_file;
use std::path::{Path, PathBuf};

/// Write `dir/kustomization.yaml` listing the YAML files (recursively, in lexical order) that hold
/// Kubernetes objects, and sub-directories with a kustomization (not descended into). Does
/// nothing when a kustomization already exists. Returns whether a file was written.
pub fn generate_kustomization(dir: &Path) -> Result<bool, Error> {
    if find_kustomization_file(dir).is_some() {
        return Ok(false);
    }
    let mut entries = Vec::new();
    scan(dir, dir, &mut entries)?;
    let mut text =
        String::from("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n");
    if !entries.is_empty() {
        text.push_str("resources:\n");
        for e in &entries {
            text.push_str(&format!(
                "- {}\n",
                crate::yaml_out::to_yaml(&[serde_json::Value::String(e.clone())]).trim_end()
            ));
        }
    }
    let path = dir.join("kustomization.yaml");
    std::fs::write(&path, text).map_err(|source| Error::ReadFile { path, source })?;
    Ok(true)
}

fn scan(base: &Path, dir: &Path, out: &mut Vec<String>) -> Result<(), Error> {
    let read = std::fs::read_dir(dir).map_err(|source| Error::ReadFile {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut paths: Vec<PathBuf> = read.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let rel = format!(
            "./{}",
            path.strip_prefix(base).unwrap_or(&path).to_string_lossy()
        );
        if path.is_dir() {
            if find_kustomization_file(&path).is_some() {
                out.push(rel);
            } else {
                scan(base, &path, out)?;
            }
            continue;
        }
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if ext != "yaml" && ext != "yml" {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|source| Error::ReadFile {
            path: path.clone(),
            source,
        })?;
        let docs = crate::loader::parse_yaml(&path, &text)?;
        let is_k8s = docs
            .iter()
            .any(|d| d.get("apiVersion").is_some() && d.get("kind").is_some());
        if is_k8s {
            out.push(rel);
        }
    }
    Ok(())
}
