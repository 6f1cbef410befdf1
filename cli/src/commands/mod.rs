//! One module per top-level subcommand.

pub mod bootstrap;
pub mod build;
pub mod check;
pub mod completion;
pub mod diff;
pub mod events;
pub mod get;
pub mod helm;
pub mod install;
pub mod kustomize;
pub mod reconcile;
pub mod resume;
pub mod suspend;
pub mod tree;
pub mod uninstall;
pub mod version;
