//! Semantic versions and version constraints with the rules of
//! [Masterminds/semver](https://github.com/Masterminds/semver) v3 (v3.5), the library behind
//! Helm's `semverCompare`, Chart.yaml `kubeVersion` and dependency versions, Flux's GitRepository
//! `spec.ref.semver` and ImagePolicy `semver.range`.
//!
//! - [`Version`]: lenient parsing (`v1.2`, `1`, `01.2.3`), precedence ordering where a prerelease
//!   sorts before its release and build metadata is ignored.
//! - [`Constraint`]: `>=1.2 <2`, `>=1.2, <2`, `^1.2`, `~1.2`, `~>1.2`, `1.2.x`, `*`, `1.2 - 1.4`,
//!   `>= 1.21-0`, `a || b`. A prerelease version matches only when the `||` group it is checked
//!   against names a prerelease somewhere.
//!
//! Pure: no I/O, no dependency on other Ferroflux crates.
//!
//! ```
//! use ferroflux_semver::{Constraint, Version};
//!
//! let c = Constraint::parse(">= 1.21-0").unwrap();
//! assert!(c.matches(&Version::parse("v1.25.3-gke.1").unwrap()));
//! assert!(!Constraint::parse(">=1.21").unwrap().matches_str("1.25.3-gke.1"));
//! ```

mod constraint;
mod version;

pub use constraint::{Constraint, ConstraintError};
pub use version::{Version, VersionError};

/// Whether `version` satisfies `constraint`, both as text; `false` when either does not parse
/// (Helm's `chartutil.IsCompatibleRange`).
pub fn is_compatible_range(constraint: &str, version: &str) -> bool {
    Constraint::parse(constraint).is_ok_and(|c| c.matches_str(version))
}
