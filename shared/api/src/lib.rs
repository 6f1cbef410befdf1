//! Flux-compatible CRD types. Pure data: no I/O, no async runtime.
//!
//! One module per API group, one file per kind. JSON field names, defaults and validation follow
//! Flux's API exactly, so manifests written for Flux apply unchanged.
//!
//! Only each kind's storage version is modelled (source v1, source.extensions v1beta1,
//! kustomize v1, helm v2, notification v1beta3 + v1, image v1); Flux's CRDs also serve older
//! versions, which these CRDs do not. [`crds::all`] yields the CRDs that `tools/crdgen` writes to
//! `config/crd/bases`. Generic access: [`meta::ObjectWithConditions`] (every kind with a status)
//! and [`meta::ObjectWithArtifact`] (every source kind). Durations stay strings in the types;
//! [`duration::parse_duration`] reads them.

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
