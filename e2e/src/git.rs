//! Repositories on the test Git server, and working copies to seed them through the git CLI.

use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

use crate::namespace::unique_name;
use crate::services::Services;

/// A bare repository served by the test Git server over HTTPS, HTTP and ssh.
#[derive(Debug, Clone)]
pub struct GitServerRepo {
    name: String,
    path: PathBuf,
    services: Services,
}

impl Services {
    /// Create an empty bare repository on the Git server (default branch `main`).
    ///
    /// `name` is a prefix: a unique suffix is added, so parallel tests and reruns against a cluster
    /// that kept its repositories never collide. The final name is [`GitServerRepo::name`].
    pub fn create_repo(&self, name: &str) -> GitServerRepo {
        let name = unique_name(name);
        let path = self.git_repos_dir.join(format!("{name}.git"));
        run_git(
            None,
            &[
                "init",
                "--quiet",
                "--bare",
                "--initial-branch=main",
                &path.to_string_lossy(),
            ],
        );
        GitServerRepo {
            name,
            path,
            services: self.clone(),
        }
    }
}

impl GitServerRepo {
    /// The repository name on the server (without `.git`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The bare repository on disk, server side.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `https://127.0.0.1:PORT/git/<name>.git` (basic auth, CA = [`Services::ca_cert`]).
    pub fn https_url(&self) -> String {
        format!("{}/{}.git", self.services.git_https_base, self.name)
    }

    /// `https://127.0.0.1:PORT/git-token/<name>.git` (bearer token [`Services::git_token`]).
    pub fn token_url(&self) -> String {
        format!("{}/{}.git", self.services.git_token_base, self.name)
    }

    /// `http://127.0.0.1:PORT/git/<name>.git` (anonymous).
    pub fn http_url(&self) -> String {
        format!("{}/{}.git", self.services.git_http_base, self.name)
    }

    /// `ssh://USER@127.0.0.1:PORT/<repos dir>/<name>.git`.
    pub fn ssh_url(&self) -> String {
        format!("{}/{}.git", self.services.git_ssh_base, self.name)
    }

    /// A fresh working copy (in a temporary directory) whose `origin` is this repository.
    pub fn work_tree(&self) -> WorkTree {
        let dir = TempDir::new().expect("cannot create a temporary directory");
        let work = WorkTree { dir };
        work.git(&["init", "--quiet", "--initial-branch=main"]);
        work.git(&["remote", "add", "origin", &self.path.to_string_lossy()]);
        // Start from what the server has, if anything.
        if !self.git(&["for-each-ref", "refs/heads/main"]).is_empty() {
            work.git(&["fetch", "--quiet", "origin", "main"]);
            work.git(&["reset", "--quiet", "--hard", "origin/main"]);
        }
        work
    }

    /// Write `files` (path relative to the repo root, content), commit them on `main` and push.
    /// Returns the new commit id.
    pub fn commit_files(&self, files: &[(&str, &str)], message: &str) -> String {
        let work = self.work_tree();
        for (path, content) in files {
            work.write(path, content);
        }
        let commit = work.commit(message);
        work.push("main");
        commit
    }

    /// Run git in the bare repository (server side) and return its trimmed stdout.
    pub fn git(&self, args: &[&str]) -> String {
        run_git(Some(&self.path), args)
    }
}

/// A temporary working copy; deleted when dropped.
#[derive(Debug)]
pub struct WorkTree {
    dir: TempDir,
}

impl WorkTree {
    /// The working copy's root directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Write a file (creating parent directories).
    pub fn write(&self, path: &str, content: &str) -> &Self {
        let file = self.path().join(path);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent)
                .unwrap_or_else(|err| panic!("cannot create {}: {err}", parent.display()));
        }
        std::fs::write(&file, content)
            .unwrap_or_else(|err| panic!("cannot write {}: {err}", file.display()));
        self
    }

    /// Delete a file or directory.
    pub fn remove(&self, path: &str) -> &Self {
        self.git(&["rm", "-r", "--quiet", path]);
        self
    }

    /// Stage everything and commit (allowing an empty commit). Returns the commit id.
    pub fn commit(&self, message: &str) -> String {
        self.git(&["add", "--all"]);
        self.git(&["commit", "--quiet", "--allow-empty", "-m", message]);
        self.git(&["rev-parse", "HEAD"])
    }

    /// Create an annotated tag at HEAD.
    pub fn tag(&self, name: &str) -> &Self {
        self.git(&["tag", "-a", name, "-m", name]);
        self
    }

    /// Push HEAD to `branch` on origin, and all tags.
    pub fn push(&self, branch: &str) -> &Self {
        self.git(&[
            "push",
            "--quiet",
            "origin",
            &format!("HEAD:refs/heads/{branch}"),
        ]);
        self.git(&["push", "--quiet", "origin", "--tags"]);
        self
    }

    /// Run git in the working copy and return its trimmed stdout. Panics on failure.
    pub fn git(&self, args: &[&str]) -> String {
        run_git(Some(self.path()), args)
    }
}

/// Run git with a fixed identity and no user or system configuration; panic with stderr on failure.
fn run_git(dir: Option<&Path>, args: &[&str]) -> String {
    let mut cmd = Command::new("git");
    if let Some(dir) = dir {
        cmd.current_dir(dir);
    }
    cmd.args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Ferroflux E2E")
        .env("GIT_AUTHOR_EMAIL", "e2e@ferroflux.invalid")
        .env("GIT_COMMITTER_NAME", "Ferroflux E2E")
        .env("GIT_COMMITTER_EMAIL", "e2e@ferroflux.invalid")
        .env("GIT_TERMINAL_PROMPT", "0");
    let output = cmd
        .output()
        .unwrap_or_else(|err| panic!("cannot run git: {err}"));
    assert!(
        output.status.success(),
        "git {} failed ({}): {}",
        args.join(" "),
        output.status,
        String::from_utf8_lossy(&output.stderr).trim()
    );
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}
