//! Deterministic tar.gz archives of a directory: the same files give the same bytes, so the same
//! commit gives the same digest.
//!
//! Entries are sorted by path; mtime, uid and gid are 0; owner names empty; modes fixed as Flux's
//! (directories 0750, files 0600, executables 0700); the gzip header has mtime 0 and no name.
//! Only regular files and directories are archived: symlinks and other special files are skipped.

use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::{Compression, GzBuilder};

/// Directory mode inside artifacts.
pub const DIR_MODE: u32 = 0o750;
/// Regular file mode inside artifacts.
pub const FILE_MODE: u32 = 0o600;
/// Executable file mode inside artifacts.
pub const EXE_MODE: u32 = 0o700;

/// Decides whether a path (relative to the archived directory, `/`-separated) is left out.
pub trait ArchiveFilter {
    /// True when `rel_path` must not be archived; `is_dir` tells whether it is a directory.
    fn excluded(&self, rel_path: &str, is_dir: bool) -> bool;
}

/// A filter that keeps everything.
pub struct KeepAll;

impl ArchiveFilter for KeepAll {
    fn excluded(&self, _rel_path: &str, _is_dir: bool) -> bool {
        false
    }
}

/// Writes a deterministic tar.gz of `dir` to `out`, skipping paths `filter` excludes (an excluded
/// directory is skipped with everything below it).
pub fn write_archive<W: Write>(
    dir: &Path,
    filter: &dyn ArchiveFilter,
    out: W,
) -> std::io::Result<W> {
    let gz = GzBuilder::new().mtime(0).write(out, Compression::default());
    let mut tar = tar::Builder::new(gz);
    tar.mode(tar::HeaderMode::Deterministic);
    tar.follow_symlinks(false);
    let mut entries = Vec::new();
    collect_entries(dir, dir, filter, &mut entries)?;
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    for (rel, abs, is_dir, exec) in entries {
        let mut header = tar::Header::new_gnu();
        header.set_mtime(0);
        header.set_uid(0);
        header.set_gid(0);
        if is_dir {
            header.set_entry_type(tar::EntryType::Directory);
            header.set_mode(DIR_MODE);
            header.set_size(0);
            tar.append_data(&mut header, format!("{rel}/"), std::io::empty())?;
        } else {
            let file = std::fs::File::open(&abs)?;
            let len = file.metadata()?.len();
            header.set_entry_type(tar::EntryType::Regular);
            header.set_mode(if exec { EXE_MODE } else { FILE_MODE });
            header.set_size(len);
            tar.append_data(&mut header, &rel, file.take_exact(len))?;
        }
    }
    tar.into_inner()?.finish()
}

/// (relative path, absolute path, is directory, is executable)
type Entry = (String, PathBuf, bool, bool);

fn collect_entries(
    root: &Path,
    dir: &Path,
    filter: &dyn ArchiveFilter,
    out: &mut Vec<Entry>,
) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        // symlink_metadata: never follow links out of the tree.
        let meta = entry.path().symlink_metadata()?;
        let abs = entry.path();
        let rel = relative_slash_path(root, &abs);
        if meta.is_dir() {
            if filter.excluded(&rel, true) {
                continue;
            }
            out.push((rel, abs.clone(), true, false));
            collect_entries(root, &abs, filter, out)?;
        } else if meta.is_file() {
            if filter.excluded(&rel, false) {
                continue;
            }
            out.push((rel, abs, false, is_executable(&meta)));
        }
    }
    Ok(())
}

fn relative_slash_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(unix)]
fn is_executable(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_meta: &std::fs::Metadata) -> bool {
    false
}

/// Reads exactly `len` bytes from a file, so a file growing while archived cannot corrupt the tar.
trait TakeExact: std::io::Read + Sized {
    fn take_exact(self, len: u64) -> std::io::Take<Self> {
        self.take(len)
    }
}

impl<R: std::io::Read> TakeExact for R {}

#[cfg(test)]
mod tests;
