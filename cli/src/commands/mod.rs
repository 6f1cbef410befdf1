//! One module per top-level subcommand.

pub mod helm;
pub mod kustomize;
