//! The fixture repositories under `testdata/` (podinfo, Flux's kustomize-helm example, real
//! charts), which tests read and never change.

use std::path::PathBuf;

use crate::cluster::workspace_root;

/// The fixtures directory: `$FERROFLUX_FIXTURES`, or `testdata/` at the workspace root.
///
/// Panics with a message naming the directory and the variable when it does not exist, so a
/// missing checkout shows as that and not as a failed comparison.
pub fn fixtures_dir() -> PathBuf {
    let dir = match std::env::var_os("FERROFLUX_FIXTURES") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => workspace_root().join("testdata"),
    };
    assert!(
        dir.is_dir(),
        "fixtures directory {} not found (set FERROFLUX_FIXTURES to the repository's testdata/)",
        dir.display()
    );
    dir
}

/// A path under the fixtures directory, e.g. `fixture("podinfo/kustomize")`.
pub fn fixture(relative: &str) -> PathBuf {
    fixtures_dir().join(relative)
}
