//! `source.extensions.fluxcd.io/v1beta1`.

mod artifact_generator;

pub use artifact_generator::*;
