//! Running the `ferroflux` command as a user does, against the test cluster or without one.

use std::process::Stdio;

use crate::controllers::built_binary;
use crate::ensure_cluster;

/// What one run of `ferroflux` did.
#[derive(Debug)]
pub struct Run {
    /// The exit code (-1 when killed by a signal).
    pub code: i32,
    /// Everything printed on stdout.
    pub stdout: String,
    /// Everything printed on stderr.
    pub stderr: String,
}

impl Run {
    /// Whether it exited with 0.
    pub fn success(&self) -> bool {
        self.code == 0
    }

    /// Panics with both streams unless the run succeeded.
    pub fn expect_ok(self) -> Self {
        assert!(
            self.success(),
            "ferroflux failed ({}):\n{}\n{}",
            self.code,
            self.stdout,
            self.stderr
        );
        self
    }

    /// Panics unless the run failed with `needle` in stderr.
    pub fn expect_err(self, needle: &str) -> Self {
        assert!(
            !self.success(),
            "ferroflux should fail:\n{}\n{}",
            self.stdout,
            self.stderr
        );
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}:\n{}",
            self.stderr
        );
        self
    }
}

/// Runs the `ferroflux` binary cargo built (`cargo build -p ferroflux-cli`) with exactly `args`:
/// no kubeconfig added, `KUBECONFIG` and `FLUX_SYSTEM_NAMESPACE` removed, stdin empty.
pub async fn ferroflux_raw(args: &[&str]) -> Run {
    let out = tokio::process::Command::new(built_binary("ferroflux", "-p ferroflux-cli"))
        .args(args)
        .env_remove("KUBECONFIG")
        .env_remove("FLUX_SYSTEM_NAMESPACE")
        .stdin(Stdio::null())
        .output()
        .await
        .expect("cannot run ferroflux");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `ferroflux --kubeconfig <the test cluster's> args...` (starts the cluster if needed).
pub async fn ferroflux(args: &[&str]) -> Run {
    let kubeconfig = ensure_cluster().kubeconfig().to_string_lossy().into_owned();
    let mut all = vec!["--kubeconfig", kubeconfig.as_str()];
    all.extend_from_slice(args);
    ferroflux_raw(&all).await
}
