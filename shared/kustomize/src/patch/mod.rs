//! Patches: strategic merge and JSON 6902, with targets.

pub mod apply;
pub mod merge_keys;
pub mod smp;
