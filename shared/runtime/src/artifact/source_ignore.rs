//! Which files of a checkout go into the artifact: `.sourceignore` files, `spec.ignore`, and
//! Flux's default exclusions. Pure: reads only the checkout directory. Shared by
//! source-controller (what it archives) and `ferroflux build/diff kustomization` (what a local
//! build sees, so it matches the controller's).
//!
//! As in Flux: VCS files (`.git/`, `.gitignore`, `.gitmodules`, `.gitattributes`) are always
//! excluded. When neither a `.sourceignore` nor `spec.ignore` gives patterns, Flux's defaults
//! (images, archives, CI configs, ...) are excluded too; user patterns replace those defaults.

use std::path::{Path, PathBuf};

use super::archive::ArchiveFilter;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

/// Name of the per-directory ignore file.
pub const IGNORE_FILE: &str = ".sourceignore";
const VCS: &[&str] = &[".git/", ".gitignore", ".gitmodules", ".gitattributes"];
const DEFAULTS: &[&str] = &[
    "*.jpg",
    "*.jpeg",
    "*.gif",
    "*.png",
    "*.wmv",
    "*.flv",
    "*.tar.gz",
    "*.zip",
    ".github/",
    ".circleci/",
    ".travis.yml",
    ".gitlab-ci.yml",
    "appveyor.yml",
    ".drone.yml",
    "cloudbuild.yaml",
    "codeship-services.yml",
    "codeship-steps.yml",
    "**/.goreleaser.yml",
    "**/.sops.yaml",
    "**/.flux.yaml",
];

/// The archive filter for one checkout: matchers applied in order, the last match wins.
pub struct SourceIgnore {
    root: PathBuf,
    matchers: Vec<Gitignore>,
}

impl SourceIgnore {
    /// Loads `.sourceignore` files below `root` (each scoped to its directory) and `spec_ignore`.
    pub fn load(root: &Path, spec_ignore: Option<&str>) -> std::io::Result<Self> {
        let mut user = Vec::new();
        collect_ignore_files(root, &mut user)?;
        if let Some(text) = spec_ignore {
            let lines = pattern_lines(text);
            if !lines.is_empty() {
                user.push(build(root, &lines));
            }
        }
        let mut builtin: Vec<&str> = VCS.to_vec();
        if user.is_empty() {
            builtin.extend_from_slice(DEFAULTS);
        }
        let mut matchers = vec![build(root, &builtin)];
        matchers.extend(user);
        Ok(Self {
            root: root.to_path_buf(),
            matchers,
        })
    }
}

impl ArchiveFilter for SourceIgnore {
    fn excluded(&self, rel_path: &str, is_dir: bool) -> bool {
        let path = self.root.join(rel_path);
        let mut excluded = false;
        for m in &self.matchers {
            if !path.starts_with(m.path()) {
                continue;
            }
            let result = m.matched(&path, is_dir);
            if result.is_ignore() {
                excluded = true;
            } else if result.is_whitelist() {
                excluded = false;
            }
        }
        excluded
    }
}

fn pattern_lines(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .collect()
}

fn build(dir: &Path, lines: &[&str]) -> Gitignore {
    let mut b = GitignoreBuilder::new(dir);
    for line in lines {
        // An invalid glob is skipped, as Flux's matcher never matches it.
        let _ = b.add_line(None, line);
    }
    b.build().unwrap_or_else(|_| Gitignore::empty())
}

fn collect_ignore_files(dir: &Path, out: &mut Vec<Gitignore>) -> std::io::Result<()> {
    let file = dir.join(IGNORE_FILE);
    if file.is_file() {
        let text = std::fs::read_to_string(&file)?;
        let lines = pattern_lines(&text);
        if !lines.is_empty() {
            out.push(build(dir, &lines));
        }
    }
    let mut subdirs: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()) && e.file_name() != ".git")
        .map(|e| e.path())
        .collect();
    subdirs.sort();
    for sub in subdirs {
        collect_ignore_files(&sub, out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
