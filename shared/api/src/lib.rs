//! Flux-compatible CRD types. Pure data: no I/O, no async runtime.
//!
//! One module per API group, one file per kind. JSON field names, defaults and validation follow
//! Flux's API exactly, so manifests written for Flux apply unchanged.
