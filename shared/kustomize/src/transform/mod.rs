//! The built-in transformers: namespace, name prefix/suffix, labels and annotations, images,
//! replicas.

pub mod images;
pub mod metadata;
pub mod names;
pub mod replicas;
