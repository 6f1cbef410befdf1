//! Local artifact storage: `<root>/<kind>/<namespace>/<name>/<digest hex>.tar.gz`, written
//! atomically (temp file + rename), garbage-collected to the newest N per object.

use std::path::{Path, PathBuf};

use super::archive::{ArchiveFilter, write_archive};
use super::digest::HashingWriter;

/// A storage operation that failed.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// Creating the object's directory failed.
    #[error("creating storage directory {path}: {source}")]
    CreateDirectory {
        /// The directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Writing the archive failed.
    #[error("archiving {path}: {source}")]
    WriteArchive {
        /// The directory being archived.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Garbage collection or removal failed.
    #[error("removing {path}: {source}")]
    RemoveArtifact {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// An artifact written to storage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredArtifact {
    /// Path relative to the storage root, `/`-separated.
    pub path: String,
    /// HTTP URL to download it from.
    pub url: String,
    /// `sha256:<hex>` of the file.
    pub digest: String,
    /// Size in bytes.
    pub size: u64,
}

/// The artifact storage of source-controller.
#[derive(Clone, Debug)]
pub struct Storage {
    root: PathBuf,
    base_url: String,
}

impl Storage {
    /// Storage rooted at `root`, served at `http://<advertised_addr>/`.
    pub fn new(root: impl Into<PathBuf>, advertised_addr: &str) -> Self {
        let base_url =
            if advertised_addr.starts_with("http://") || advertised_addr.starts_with("https://") {
                advertised_addr.trim_end_matches('/').to_string()
            } else {
                format!("http://{}", advertised_addr.trim_end_matches('/'))
            };
        Self {
            root: root.into(),
            base_url,
        }
    }

    /// The storage root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Relative directory of one object's artifacts: `<kind>/<namespace>/<name>` (kind lowercase).
    pub fn object_dir(kind: &str, namespace: &str, name: &str) -> String {
        format!("{}/{namespace}/{name}", kind.to_lowercase())
    }

    /// The download URL of a relative artifact path.
    pub fn url_for(&self, rel_path: &str) -> String {
        format!("{}/{rel_path}", self.base_url)
    }

    /// The local file of a relative artifact path.
    pub fn local_path(&self, rel_path: &str) -> PathBuf {
        self.root.join(rel_path)
    }

    /// True when the artifact file exists.
    pub fn exists(&self, rel_path: &str) -> bool {
        self.local_path(rel_path).is_file()
    }

    /// Archives `dir` into the object's directory as `<digest hex>.tar.gz`, atomically.
    pub fn archive_dir(
        &self,
        kind: &str,
        namespace: &str,
        name: &str,
        dir: &Path,
        filter: &dyn ArchiveFilter,
    ) -> Result<StoredArtifact, StorageError> {
        let rel_dir = Self::object_dir(kind, namespace, name);
        let abs_dir = self.root.join(&rel_dir);
        std::fs::create_dir_all(&abs_dir).map_err(|source| StorageError::CreateDirectory {
            path: abs_dir.clone(),
            source,
        })?;
        let write_err = |source| StorageError::WriteArchive {
            path: dir.to_path_buf(),
            source,
        };
        let tmp = tempfile::Builder::new()
            .prefix(".tmp-")
            .tempfile_in(&abs_dir)
            .map_err(write_err)?;
        let writer = HashingWriter::new(std::io::BufWriter::new(tmp));
        let writer = write_archive(dir, filter, writer).map_err(write_err)?;
        let (buffered, digest, size) = writer.finish();
        let tmp = buffered
            .into_inner()
            .map_err(|e| write_err(e.into_error()))?;
        tmp.as_file().sync_all().map_err(write_err)?;
        let hex = digest.trim_start_matches("sha256:");
        let rel_path = format!("{rel_dir}/{hex}.tar.gz");
        let final_path = self.root.join(&rel_path);
        set_file_mode(tmp.path());
        tmp.persist(&final_path).map_err(|e| write_err(e.error))?;
        Ok(StoredArtifact {
            url: self.url_for(&rel_path),
            path: rel_path,
            digest,
            size,
        })
    }

    /// Deletes all but the newest `keep` artifacts of the object, never deleting `current`.
    /// Returns the removed relative paths.
    pub fn garbage_collect(
        &self,
        kind: &str,
        namespace: &str,
        name: &str,
        current: &str,
        keep: usize,
    ) -> Result<Vec<String>, StorageError> {
        let rel_dir = Self::object_dir(kind, namespace, name);
        let abs_dir = self.root.join(&rel_dir);
        let Ok(read) = std::fs::read_dir(&abs_dir) else {
            return Ok(Vec::new());
        };
        let mut files: Vec<(std::time::SystemTime, String)> = read
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tar.gz"))
            .filter_map(|e| {
                let modified = e.metadata().ok()?.modified().ok()?;
                Some((
                    modified,
                    format!("{rel_dir}/{}", e.file_name().to_string_lossy()),
                ))
            })
            .collect();
        files.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let mut removed = Vec::new();
        for (_, rel) in files
            .into_iter()
            .filter(|(_, rel)| rel != current)
            .skip(keep.saturating_sub(1))
        {
            let path = self.root.join(&rel);
            std::fs::remove_file(&path)
                .map_err(|source| StorageError::RemoveArtifact { path, source })?;
            removed.push(rel);
        }
        Ok(removed)
    }

    /// Removes every artifact of the object (on deletion).
    pub fn remove_all(&self, kind: &str, namespace: &str, name: &str) -> Result<(), StorageError> {
        let path = self.root.join(Self::object_dir(kind, namespace, name));
        match std::fs::remove_dir_all(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(source) => Err(StorageError::RemoveArtifact { path, source }),
        }
    }

    /// Makes the artifact the newest one for garbage collection (when an existing file is reused).
    pub fn touch(&self, rel_path: &str) {
        if let Ok(f) = std::fs::File::options()
            .append(true)
            .open(self.local_path(rel_path))
        {
            let _ = f.set_modified(std::time::SystemTime::now());
        }
    }
}

#[cfg(unix)]
fn set_file_mode(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644));
}

#[cfg(not(unix))]
fn set_file_mode(_path: &Path) {}
