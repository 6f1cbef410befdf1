//! Reading files for a kustomization, with kustomize's load restrictions: files must be in or below
//! the kustomization's directory (unless restrictions are off); URLs are refused.

use crate::error::Error;
use crate::yaml_in;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Where files may be loaded from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LoadRestrictions {
    /// Files must be in or below the kustomization directory (kustomize's default).
    #[default]
    RootOnly,
    /// Any local file may be read.
    None,
}

/// Files of one kustomization directory.
#[derive(Debug, Clone)]
pub struct DirLoader {
    /// The kustomization directory (canonical).
    pub root: PathBuf,
    /// The kustomization file, for error messages.
    pub kustomization: PathBuf,
    /// Restrictions in force.
    pub restrictions: LoadRestrictions,
}

/// Whether a resource entry looks like a remote URL.
pub fn is_remote(entry: &str) -> bool {
    entry.contains("://")
        || entry.starts_with("git@")
        || entry.starts_with("github.com/")
        || entry.starts_with("gitlab.com/")
        || entry.starts_with("bitbucket.org/")
}

impl DirLoader {
    /// Resolve `rel` against the root; refuse URLs and (for files) paths outside the root.
    pub fn resolve(&self, rel: &str, field: &str, must_be_file: bool) -> Result<PathBuf, Error> {
        let joined = self.root.join(rel);
        let canonical = match joined.canonicalize() {
            Ok(p) => p,
            Err(source) => {
                if is_remote(rel) {
                    return Err(Error::RemoteResource {
                        kustomization: self.kustomization.clone(),
                        field: field.to_string(),
                        url: rel.to_string(),
                    });
                }
                return Err(Error::invalid(
                    &self.kustomization,
                    field,
                    format!("'{rel}' cannot be read: {source}"),
                ));
            }
        };
        if must_be_file
            && self.restrictions == LoadRestrictions::RootOnly
            && !canonical.starts_with(&self.root)
        {
            return Err(Error::OutsideRoot {
                kustomization: self.kustomization.clone(),
                field: field.to_string(),
                path: canonical,
                root: self.root.clone(),
            });
        }
        Ok(canonical)
    }

    /// Read a file named by `field`, as text.
    pub fn read_text(&self, rel: &str, field: &str) -> Result<(PathBuf, String), Error> {
        let path = self.resolve(rel, field, true)?;
        if path.is_dir() {
            return Err(Error::invalid(
                &self.kustomization,
                field,
                format!("'{rel}' is a directory, not a file"),
            ));
        }
        let text = std::fs::read_to_string(&path).map_err(|source| Error::ReadFile {
            path: path.clone(),
            source,
        })?;
        Ok((path, text))
    }

    /// Read a file's bytes (generator files may be binary).
    pub fn read_bytes(&self, rel: &str, field: &str) -> Result<(PathBuf, Vec<u8>), Error> {
        let path = self.resolve(rel, field, true)?;
        let bytes = std::fs::read(&path).map_err(|source| Error::ReadFile {
            path: path.clone(),
            source,
        })?;
        Ok((path, bytes))
    }
}

/// Parse a YAML stream from a file, naming the file in errors.
pub fn parse_yaml(path: &Path, text: &str) -> Result<Vec<Value>, Error> {
    yaml_in::parse_documents(text).map_err(|syntax| Error::Yaml {
        path: path.to_path_buf(),
        syntax,
    })
}

/// The kustomization file in a directory, if any.
pub fn find_kustomization_file(dir: &Path) -> Option<PathBuf> {
    ["kustomization.yaml", "kustomization.yml", "Kustomization"]
        .iter()
        .map(|n| dir.join(n))
        .find(|p| p.is_file())
}
