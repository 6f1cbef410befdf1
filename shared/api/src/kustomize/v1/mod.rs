//! `kustomize.toolkit.fluxcd.io/v1`.

mod kustomization;
mod kustomization_status;
mod overlay;

pub use kustomization::*;
pub use kustomization_status::*;
pub use overlay::*;
