//! One module per top-level subcommand.
//!
//! Planned, not here yet: `build kustomization`, `diff kustomization`.

pub mod bootstrap;
pub mod check;
pub mod completion;
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
