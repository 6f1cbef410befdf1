//! The files of an image's single layer and their deterministic tar.gz.
//!
//! Every entry has uid/gid 0, mtime 0 and a fixed mode, and entries are written in path order
//! (parents first), so the same inputs give the same bytes and so the same digest.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;
use std::process::Command;

use anyhow::{Context as _, bail};

/// The non-root user the controllers run as (the Deployments say `runAsUser: 65534`).
pub const USER: &str = "65534:65534";

const PASSWD: &str = "root:x:0:0:root:/root:/usr/sbin/nologin\n\
                      nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
const GROUP: &str = "root:x:0:\nnogroup:x:65534:\n";
const CA_BUNDLE: &str = "/etc/ssl/certs/ca-certificates.crt";

/// One entry of the layer.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    Dir(u32),
    File(u32, Vec<u8>),
    Symlink(String),
}

/// The root filesystem of an image, keyed by absolute path without the leading `/`.
#[derive(Debug, Default)]
pub struct Rootfs {
    entries: BTreeMap<String, Entry>,
}

impl Rootfs {
    /// The base every image gets: `/etc/passwd` and `/etc/group` with user 65534, the system's
    /// CA bundle, and a world-writable `/tmp`.
    pub fn base() -> anyhow::Result<Self> {
        let mut root = Rootfs::default();
        root.add_file("etc/passwd", 0o644, PASSWD.as_bytes().to_vec());
        root.add_file("etc/group", 0o644, GROUP.as_bytes().to_vec());
        let bundle = std::fs::read(CA_BUNDLE).with_context(|| {
            format!("reading the CA bundle {CA_BUNDLE} (Debian package ca-certificates)")
        })?;
        root.add_file(&CA_BUNDLE[1..], 0o644, bundle);
        root.add_dir("tmp", 0o1777);
        Ok(root)
    }

    /// Copies the executable `source` to `dest` (absolute) with every shared library `ldd`
    /// says it loads, each at the path `ldd` printed.
    pub fn add_executable(&mut self, source: &Path, dest: &str) -> anyhow::Result<()> {
        let bytes =
            std::fs::read(source).with_context(|| format!("reading {}", source.display()))?;
        self.add_file(dest.trim_start_matches('/'), 0o755, bytes);
        for library in shared_libraries(source)? {
            let bytes = std::fs::read(&library).with_context(|| format!("reading {library}"))?;
            self.add_file(library.trim_start_matches('/'), 0o755, bytes);
        }
        Ok(())
    }

    /// Adds a symbolic link `path` -> `target`.
    pub fn add_symlink(&mut self, path: &str, target: &str) {
        self.add_parents(path);
        self.entries
            .insert(path.to_string(), Entry::Symlink(target.to_string()));
    }

    fn add_file(&mut self, path: &str, mode: u32, bytes: Vec<u8>) {
        self.add_parents(path);
        self.entries
            .insert(path.to_string(), Entry::File(mode, bytes));
    }

    fn add_dir(&mut self, path: &str, mode: u32) {
        self.add_parents(path);
        self.entries.insert(path.to_string(), Entry::Dir(mode));
    }

    fn add_parents(&mut self, path: &str) {
        let mut end = 0;
        while let Some(slash) = path[end..].find('/') {
            end += slash;
            self.entries
                .entry(path[..end].to_string())
                .or_insert(Entry::Dir(0o755));
            end += 1;
        }
    }

    /// The uncompressed tar of the layer.
    pub fn tar(&self) -> anyhow::Result<Vec<u8>> {
        let mut builder = tar::Builder::new(Vec::new());
        for (path, entry) in &self.entries {
            let mut header = tar::Header::new_ustar();
            header.set_uid(0);
            header.set_gid(0);
            header.set_mtime(0);
            match entry {
                Entry::Dir(mode) => {
                    header.set_entry_type(tar::EntryType::Directory);
                    header.set_mode(*mode);
                    header.set_size(0);
                    builder.append_data(&mut header, format!("{path}/"), std::io::empty())?;
                }
                Entry::File(mode, bytes) => {
                    header.set_entry_type(tar::EntryType::Regular);
                    header.set_mode(*mode);
                    header.set_size(bytes.len() as u64);
                    builder.append_data(&mut header, path, bytes.as_slice())?;
                }
                Entry::Symlink(target) => {
                    header.set_entry_type(tar::EntryType::Symlink);
                    header.set_mode(0o777);
                    header.set_size(0);
                    builder.append_link(&mut header, path, target)?;
                }
            }
        }
        Ok(builder.into_inner()?)
    }
}

/// gzip with no name and mtime 0, so the compressed bytes depend on the tar alone.
pub fn gzip(data: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut encoder = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::default());
    encoder.write_all(data)?;
    Ok(encoder.finish()?)
}

/// The absolute paths of the shared libraries `ldd` lists for `binary`, the dynamic loader
/// included; none for a static binary.
fn shared_libraries(binary: &Path) -> anyhow::Result<Vec<String>> {
    let out = Command::new("ldd")
        .arg(binary)
        .output()
        .context("running ldd (Debian package libc-bin)")?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        if text.contains("not a dynamic executable")
            || String::from_utf8_lossy(&out.stderr).contains("not a dynamic executable")
        {
            return Ok(Vec::new());
        }
        bail!(
            "ldd {} failed: {}",
            binary.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut libraries = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.contains("not found") {
            bail!("{}: a shared library is missing: {line}", binary.display());
        }
        // `libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)` or `/lib64/ld-linux-x86-64.so.2 (0x...)`;
        // `linux-vdso.so.1 (0x...)` is the kernel's and has no file.
        let path = match line.split_once("=>") {
            Some((_, rest)) => rest.trim(),
            None => line,
        };
        let path = path.split(" (").next().unwrap_or_default().trim();
        if path.starts_with('/') {
            libraries.push(path.to_string());
        }
    }
    libraries.sort();
    libraries.dedup();
    Ok(libraries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parents_come_first_and_the_tar_is_stable() {
        let mut root = Rootfs::default();
        root.add_file("usr/local/bin/x", 0o755, b"bin".to_vec());
        root.add_symlink("bin/sh", "/usr/bin/dash");
        let paths: Vec<&str> = root.entries.keys().map(String::as_str).collect();
        assert_eq!(
            paths,
            [
                "bin",
                "bin/sh",
                "usr",
                "usr/local",
                "usr/local/bin",
                "usr/local/bin/x"
            ]
        );
        assert_eq!(root.tar().unwrap(), root.tar().unwrap());
        let tar = root.tar().unwrap();
        assert_eq!(gzip(&tar).unwrap(), gzip(&tar).unwrap());
    }

    #[test]
    fn ldd_lists_the_loader_and_libc_of_a_dynamic_binary() {
        let libraries = shared_libraries(Path::new("/bin/ls")).unwrap();
        assert!(
            libraries.iter().any(|l| l.contains("libc.so")),
            "{libraries:?}"
        );
        assert!(
            libraries.iter().any(|l| l.contains("ld-linux")),
            "{libraries:?}"
        );
    }
}
