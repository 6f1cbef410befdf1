//! Building a Kustomization from a local directory the way kustomize-controller builds it from
//! its source artifact, for `ferroflux build kustomization` and `ferroflux diff kustomization`.
//!
//! The controller's steps are shared code (`ferroflux_kustomize::flux`, and
//! `ferroflux_runtime::postbuild` for the `substituteFrom` variables); this module finds the
//! Kustomization (in the cluster or in a file), runs those steps on a scratch copy of the user's
//! directory (the build writes a generated kustomization and the spec overlay into it), and masks
//! SOPS-encrypted Secret values as `flux build` does (`crate::sops_mask`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::Args;
use ferroflux_api::kustomize::v1::{KustomizationSpec, ResourceInventory};
use ferroflux_kustomize::flux;
use ferroflux_runtime::artifact::archive::ArchiveFilter as _;
use ferroflux_runtime::artifact::source_ignore::SourceIgnore;
use kube::Client;
use serde_json::Value;

use crate::flux_kinds;
use crate::flux_objects;
use crate::kube_client::is_not_found;

/// The flags `build kustomization` and `diff kustomization` share.
#[derive(Args, Debug, Clone)]
pub struct LocalBuildArgs {
    /// The Kustomization's name.
    pub name: String,

    /// Local directory that matches the Kustomization's spec.path (its files are not changed).
    #[arg(long, value_name = "DIR")]
    pub path: PathBuf,

    /// Read the Kustomization from this YAML file (one of its documents) instead of the cluster.
    #[arg(long, value_name = "FILE")]
    pub kustomization_file: Option<PathBuf>,
}

/// The parts of a Kustomization a local build needs.
#[derive(Debug, Clone)]
pub struct LocalKustomization {
    pub name: String,
    pub namespace: String,
    pub spec: KustomizationSpec,
    /// What the controller applied last (`status.inventory`), when the cluster has the object.
    pub inventory: Option<ResourceInventory>,
    /// The source GitRepository's `spec.ignore` patterns, when the cluster has it.
    pub source_ignore: Option<String>,
}

impl LocalKustomization {
    /// Finds the Kustomization `name` in `namespace`: in `--kustomization-file` when given,
    /// otherwise in the cluster. With both a file and a client, the cluster's object (when it
    /// exists) still supplies the inventory, so `diff` can tell what would be deleted.
    pub async fn find(
        args: &LocalBuildArgs,
        namespace: &str,
        client: Option<&Client>,
    ) -> anyhow::Result<Self> {
        let mut found = Self::find_object(args, namespace, client).await?;
        if let Some(client) = client {
            found.source_ignore = found.source_ignore_patterns(client).await;
        }
        Ok(found)
    }

    async fn find_object(
        args: &LocalBuildArgs,
        namespace: &str,
        client: Option<&Client>,
    ) -> anyhow::Result<Self> {
        let kind = flux_kinds::lookup("kustomization").expect("Kustomization is a known kind");
        match (&args.kustomization_file, client) {
            (Some(file), client) => {
                let mut local = from_file(file, &args.name, namespace)?;
                if let Some(client) = client {
                    let api = flux_objects::api(client, kind, Some(namespace));
                    match api.get_opt(&args.name).await {
                        Ok(Some(live)) => {
                            local.inventory =
                                from_object(&live.data, &args.name, namespace)?.inventory;
                        }
                        Ok(None) => {}
                        // No Kustomization CRD yet: nothing was applied, so nothing to compare.
                        Err(err) if is_not_found(&err) => {}
                        Err(err) => {
                            return Err(err).with_context(|| {
                                format!("reading Kustomization {namespace}/{}", args.name)
                            });
                        }
                    }
                }
                Ok(local)
            }
            (None, Some(client)) => {
                let live = flux_objects::get(client, kind, namespace, &args.name).await?;
                from_object(&live.data, &args.name, namespace)
            }
            (None, None) => anyhow::bail!(
                "--dry-run needs --kustomization-file: without the cluster, the Kustomization \
                 must come from a file"
            ),
        }
    }

    /// `spec.ignore` of the source when it is a GitRepository the cluster has; a source that
    /// cannot be read only means no extra patterns, as a local build does not need it.
    async fn source_ignore_patterns(&self, client: &Client) -> Option<String> {
        let source = &self.spec.source_ref;
        if source.kind != "GitRepository" {
            return None;
        }
        let kind = flux_kinds::lookup("gitrepository")?;
        let namespace = source.namespace.as_deref().unwrap_or(&self.namespace);
        let api = flux_objects::api(client, kind, Some(namespace));
        let repository = api.get_opt(&source.name).await.ok()??;
        let patterns = repository.data.pointer("/spec/ignore")?.as_str()?;
        Some(patterns.to_string())
    }

    /// Builds `dir` as the controller builds `spec.path`, substitutes `vars`, and labels every
    /// object with this Kustomization as its owner.
    pub async fn build(
        &self,
        dir: &Path,
        vars: &BTreeMap<String, String>,
    ) -> anyhow::Result<Vec<Value>> {
        let dir = dir.canonicalize().with_context(|| {
            format!(
                "--path {}: no such directory; give the local directory that matches the \
                 Kustomization's spec.path",
                dir.display()
            )
        })?;
        anyhow::ensure!(
            dir.is_dir(),
            "--path {} is not a directory; give the local directory that matches the \
             Kustomization's spec.path",
            dir.display()
        );
        // Copy from the top of the Git checkout, as the controller has the whole artifact: an
        // overlay may use bases outside its own directory (`../../base`). The copy leaves out
        // what the artifact would (`.sourceignore`, the GitRepository's spec.ignore).
        let root = source_root(&dir);
        let relative = dir.strip_prefix(&root).unwrap_or(Path::new(""));
        let scratch = tempfile::Builder::new()
            .prefix("ferroflux-build-")
            .tempdir()
            .context("creating a temporary directory for the build")?;
        let filter = SourceIgnore::load(&root, self.source_ignore.as_deref())
            .with_context(|| format!("reading the .sourceignore files under {}", root.display()))?;
        copy_tree(&root, scratch.path(), &filter)
            .with_context(|| format!("copying {} to a temporary directory", root.display()))?;

        let mut spec = self.spec.clone();
        spec.path = Some(format!("./{}", relative.display()));
        let built_spec = spec.clone();
        let root_for_build = scratch.path().to_path_buf();
        let objects =
            tokio::task::spawn_blocking(move || flux::build_path(&root_for_build, &built_spec))
                .await
                .context("the build task failed")?
                .with_context(|| format!("building {}", dir.display()))?;
        let mut objects =
            flux::post_build(objects, vars, &spec).context("postBuild substitution failed")?;
        flux::set_owner_labels(&mut objects, &self.name, &self.namespace);
        for obj in &mut objects {
            crate::sops_mask::mask_sops_data(obj);
        }
        Ok(objects)
    }
}

/// Reads the Kustomization `name` from a YAML or JSON file of one or more documents. A document
/// without a namespace matches any namespace and gets `namespace`.
fn from_file(file: &Path, name: &str, namespace: &str) -> anyhow::Result<LocalKustomization> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read --kustomization-file {}", file.display()))?;
    let docs: Vec<Value> = serde_saphyr::from_str_multiple(&text)
        .with_context(|| format!("--kustomization-file {} is not valid YAML", file.display()))?;
    let found = docs.into_iter().find(|doc| {
        let api_version = doc["apiVersion"].as_str().unwrap_or_default();
        let doc_namespace = doc["metadata"]["namespace"].as_str().unwrap_or(namespace);
        api_version.starts_with("kustomize.toolkit.fluxcd.io/")
            && doc["kind"] == "Kustomization"
            && doc["metadata"]["name"] == name
            && doc_namespace == namespace
    });
    let Some(doc) = found else {
        anyhow::bail!(
            "no Kustomization named '{name}' in namespace '{namespace}' in {}; check the name, \
             and pass -n when the file names another namespace",
            file.display()
        );
    };
    from_object(&doc, name, namespace)
        .with_context(|| format!("in --kustomization-file {}", file.display()))
}

/// The spec and inventory of a Kustomization object (from the cluster or a file).
fn from_object(obj: &Value, name: &str, namespace: &str) -> anyhow::Result<LocalKustomization> {
    let spec: KustomizationSpec = serde_json::from_value(obj["spec"].clone())
        .with_context(|| format!("Kustomization {namespace}/{name} has an invalid spec"))?;
    // The status is read leniently: only the inventory matters here.
    let inventory = obj
        .pointer("/status/inventory")
        .and_then(|i| serde_json::from_value(i.clone()).ok());
    Ok(LocalKustomization {
        name: name.to_string(),
        namespace: namespace.to_string(),
        spec,
        inventory,
        source_ignore: None,
    })
}

/// The top of the Git checkout holding `dir`, or `dir` itself outside Git.
fn source_root(dir: &Path) -> PathBuf {
    dir.ancestors()
        .find(|a| a.join(".git").exists())
        .unwrap_or(dir)
        .to_path_buf()
}

/// Copies what the source artifact would hold of the tree `from` into the existing directory
/// `to`: regular files and directories, without what `filter` excludes (`.git`, `.sourceignore`
/// patterns, Flux's defaults). Symbolic links are left out, as source-controller leaves them out
/// of artifacts.
fn copy_tree(from: &Path, to: &Path, filter: &SourceIgnore) -> std::io::Result<()> {
    copy_dir(from, from, to, filter)
}

fn copy_dir(root: &Path, from: &Path, to: &Path, filter: &SourceIgnore) -> std::io::Result<()> {
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let source = entry.path();
        let target = to.join(entry.file_name());
        let relative = source.strip_prefix(root).unwrap_or(&source);
        let relative = relative.to_string_lossy();
        let file_type = entry.file_type()?;
        if file_type.is_dir() && !filter.excluded(&relative, true) {
            std::fs::create_dir(&target)?;
            copy_dir(root, &source, &target, filter)?;
        } else if file_type.is_file() && !filter.excluded(&relative, false) {
            std::fs::copy(&source, &target)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_is_searched_by_name_and_namespace() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("ks.yaml");
        std::fs::write(
            &file,
            "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: apps\n\
             ---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n\
             metadata:\n  name: apps\n  namespace: other\nspec:\n  interval: 1m\n  prune: true\n\
             \x20 sourceRef:\n    kind: GitRepository\n    name: x\n  targetNamespace: other-target\n\
             ---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n\
             metadata:\n  name: apps\nspec:\n  interval: 1m\n  prune: false\n\
             \x20 sourceRef:\n    kind: GitRepository\n    name: x\n  targetNamespace: web\n",
        )
        .unwrap();
        let found = from_file(&file, "apps", "team").unwrap();
        assert_eq!(found.namespace, "team");
        assert_eq!(found.spec.target_namespace.as_deref(), Some("web"));
        let other = from_file(&file, "apps", "other").unwrap();
        assert_eq!(other.spec.target_namespace.as_deref(), Some("other-target"));
        let err = from_file(&file, "nope", "team").unwrap_err().to_string();
        assert!(
            err.contains("no Kustomization named 'nope' in namespace 'team'"),
            "{err}"
        );
    }

    #[test]
    fn the_copy_holds_what_the_artifact_would() {
        let from = tempfile::tempdir().unwrap();
        let root = from.path();
        std::fs::create_dir_all(root.join(".git/objects")).unwrap();
        std::fs::create_dir_all(root.join("apps/base")).unwrap();
        std::fs::write(root.join("apps/base/cm.yaml"), "a: 1\n").unwrap();
        std::fs::write(root.join("apps/base/draft.yaml"), "b: 2\n").unwrap();
        std::fs::write(root.join("apps/.sourceignore"), "draft.yaml\n").unwrap();
        std::fs::write(root.join("apps/local-only.yaml"), "c: 3\n").unwrap();
        std::os::unix::fs::symlink("base/cm.yaml", root.join("apps/link.yaml")).unwrap();
        let to = tempfile::tempdir().unwrap();
        let filter = SourceIgnore::load(root, Some("/apps/local-only.yaml\n")).unwrap();
        copy_tree(root, to.path(), &filter).unwrap();
        assert_eq!(
            std::fs::read_to_string(to.path().join("apps/base/cm.yaml")).unwrap(),
            "a: 1\n"
        );
        for left_out in [
            ".git",
            "apps/base/draft.yaml",
            "apps/local-only.yaml",
            "apps/link.yaml",
        ] {
            assert!(!to.path().join(left_out).exists(), "{left_out} is copied");
        }
        assert_eq!(source_root(&root.join("apps/base")), root);
    }
}
