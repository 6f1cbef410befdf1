//! `source.toolkit.fluxcd.io`: where configuration comes from (Git, OCI, Helm repositories, buckets).

pub mod v1;

/// The API group of source-controller's kinds.
pub const GROUP: &str = "source.toolkit.fluxcd.io";
