//! A temporary clone of the bootstrap repository, driven through the git CLI (which can push).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context as _;

/// Author and committer of bootstrap commits.
const AUTHOR_NAME: &str = "Ferroflux";
const AUTHOR_EMAIL: &str = "ferroflux@localhost";

/// A working copy of one branch in a temporary directory (deleted on drop).
pub struct Checkout {
    dir: PathBuf,
    url: String,
    branch: String,
    env: Vec<(String, String)>,
}

impl Checkout {
    /// Clones `url` and checks out `branch`, creating it when the repository is empty or lacks it.
    pub fn clone(url: &str, branch: &str, env: Vec<(String, String)>) -> anyhow::Result<Self> {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!(
            "ferroflux-bootstrap-{}-{nanos:x}",
            std::process::id()
        ));
        let checkout = Checkout {
            dir,
            url: url.to_string(),
            branch: branch.to_string(),
            env,
        };
        let target = checkout.dir.to_string_lossy().into_owned();
        checkout
            .git_in(None, &["clone", "--quiet", "--no-checkout", url, &target])
            .map_err(|err| {
                err.context(format!(
                    "cannot clone {url}; check the URL and the credentials \
                     (--username/--password, --token, --private-key-file/--known-hosts, --ca-file)"
                ))
            })?;
        let remote_branch = format!("refs/remotes/origin/{branch}");
        if checkout
            .git(&["rev-parse", "--verify", "--quiet", &remote_branch])
            .is_ok()
        {
            checkout.git(&["checkout", "--quiet", "-B", branch, &remote_branch])?;
        } else {
            checkout.git(&["checkout", "--quiet", "--orphan", branch])?;
        }
        Ok(checkout)
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Writes `content` to `relative` (creating directories).
    pub fn write(&self, relative: &str, content: &str) -> anyhow::Result<()> {
        let file = self.path().join(relative);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&file, content).with_context(|| format!("cannot write {relative}"))
    }

    /// Stages `paths`, and when that changes anything, commits and pushes to the branch.
    /// Returns the new commit id, or `None` when the branch already held these files.
    pub fn commit_and_push(&self, paths: &[&str], message: &str) -> anyhow::Result<Option<String>> {
        let mut add = vec!["add", "--"];
        add.extend_from_slice(paths);
        self.git(&add)?;
        let unchanged = self
            .command(Some(self.path()), &["diff", "--cached", "--quiet"])
            .status()
            .context("cannot run git")?
            .success();
        if unchanged {
            return Ok(None);
        }
        self.git(&["commit", "--quiet", "--no-verify", "-m", message])?;
        let commit = self.git(&["rev-parse", "HEAD"])?;
        let refspec = format!("HEAD:refs/heads/{}", self.branch);
        self.git(&["push", "--quiet", "origin", &refspec])
            .map_err(|err| {
                err.context(format!(
                    "cannot push to {} branch {}; check that the credentials may write",
                    self.url, self.branch
                ))
            })?;
        Ok(Some(commit))
    }

    /// The commit the branch points at (`None` on a branch without commits).
    pub fn head(&self) -> Option<String> {
        self.git(&["rev-parse", "--verify", "--quiet", "HEAD"]).ok()
    }

    fn git(&self, args: &[&str]) -> anyhow::Result<String> {
        self.git_in(Some(self.path()), args)
    }

    fn git_in(&self, dir: Option<&Path>, args: &[&str]) -> anyhow::Result<String> {
        let output = self
            .command(dir, args)
            .output()
            .context("cannot run git: is it installed and on PATH?")?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            anyhow::bail!(
                "git {} failed: {}",
                args.first().copied().unwrap_or_default(),
                stderr.trim()
            );
        }
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
    }

    fn command(&self, dir: Option<&Path>, args: &[&str]) -> Command {
        let mut cmd = Command::new("git");
        if let Some(dir) = dir {
            cmd.current_dir(dir);
        }
        cmd.args(args)
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .env("GIT_AUTHOR_NAME", AUTHOR_NAME)
            .env("GIT_AUTHOR_EMAIL", AUTHOR_EMAIL)
            .env("GIT_COMMITTER_NAME", AUTHOR_NAME)
            .env("GIT_COMMITTER_EMAIL", AUTHOR_EMAIL)
            .stdin(std::process::Stdio::null());
        cmd
    }
}

impl Drop for Checkout {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
