//! Flux-compatible CRD types. Pure data: no I/O, no async runtime.
//!
//! One module per API group, one file per kind. JSON field names, defaults and validation follow
//! Flux's API exactly, so manifests written for Flux apply unchanged.

// `#[kube(printcolumn(..))]` repeats `type_ = "string"` across columns, which this lint flags.
#![allow(clippy::duplicated_attributes)]

pub mod crds;
pub mod duration;
pub mod helm;
pub mod image;
pub mod kustomize;
pub mod meta;
pub mod notification;
pub mod schema;
pub mod source;
pub mod source_extensions;
