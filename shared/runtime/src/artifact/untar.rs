//! Safe unpacking of untrusted tar.gz artifacts: no absolute paths, no `..`, no links leaving
//! the tree, no devices, and a cap on the total unpacked size.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::path;

/// Why an archive was refused or could not be unpacked.
#[derive(Debug, thiserror::Error)]
pub enum UntarError {
    /// An entry path is absolute or contains `..`.
    #[error("archive entry '{0}' leaves the target directory")]
    UnsafePath(String),
    /// A symlink or hardlink points outside the tree (absolute, or through `..`).
    #[error("archive entry '{entry}' links outside the target directory ('{target}')")]
    UnsafeLink {
        /// The link entry.
        entry: String,
        /// Where it points.
        target: String,
    },
    /// A device, fifo or other special entry.
    #[error("archive entry '{0}' has an unsupported type")]
    UnsupportedEntry(String),
    /// The unpacked content exceeds the size cap.
    #[error("archive exceeds the size limit of {0} bytes")]
    TooLarge(u64),
    /// Reading the archive or writing the files failed.
    #[error("unpacking archive: {0}")]
    Io(#[from] std::io::Error),
}

/// Unpacks the gzip-compressed tar from `reader` into `dest` (created if missing), refusing
/// unsafe entries. `max_size` caps the sum of the entries' sizes.
pub fn unpack_tar_gz<R: Read>(reader: R, dest: &Path, max_size: u64) -> Result<(), UntarError> {
    std::fs::create_dir_all(dest)?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(reader));
    let mut total: u64 = 0;
    for entry in archive.entries()? {
        let mut entry = entry?;
        let raw = entry.path()?.into_owned();
        let name = raw.to_string_lossy().into_owned();
        let rel = safe_relative(&raw).ok_or_else(|| UntarError::UnsafePath(name.clone()))?;
        total = total.saturating_add(entry.header().size()?);
        if total > max_size {
            return Err(UntarError::TooLarge(max_size));
        }
        let target = dest.join(&rel);
        let kind = entry.header().entry_type();
        match kind {
            tar::EntryType::Directory => std::fs::create_dir_all(&target)?,
            tar::EntryType::Regular | tar::EntryType::Continuous => {
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                // Never write through an existing link.
                if target.symlink_metadata().is_ok() {
                    std::fs::remove_file(&target)?;
                }
                let mut out = std::fs::File::create(&target)?;
                let copied = std::io::copy(&mut (&mut entry).take(max_size), &mut out)?;
                if copied > max_size {
                    return Err(UntarError::TooLarge(max_size));
                }
            }
            tar::EntryType::Symlink | tar::EntryType::Link => {
                let link = entry
                    .link_name()?
                    .ok_or_else(|| UntarError::UnsafePath(name.clone()))?
                    .into_owned();
                let unsafe_link = || UntarError::UnsafeLink {
                    entry: name.clone(),
                    target: link.to_string_lossy().into_owned(),
                };
                let link_rel = safe_relative(&link).ok_or_else(unsafe_link)?;
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                if kind == tar::EntryType::Link {
                    // Hardlink names are relative to the archive root: copy the file instead.
                    std::fs::copy(dest.join(&link_rel), &target)?;
                } else {
                    make_symlink(&link, &target)?;
                }
            }
            tar::EntryType::XGlobalHeader | tar::EntryType::XHeader => {}
            _ => return Err(UntarError::UnsupportedEntry(name)),
        }
    }
    Ok(())
}

/// A non-empty path that stays inside the directory (see [`path::safe_relative`]).
fn safe_relative(path: &Path) -> Option<PathBuf> {
    path::safe_relative(path).filter(|p| !p.as_os_str().is_empty())
}

#[cfg(unix)]
fn make_symlink(link: &Path, at: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(link, at)
}

#[cfg(not(unix))]
fn make_symlink(_link: &Path, _at: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests;
