//! `image.toolkit.fluxcd.io/v1`.

mod git;
mod image_policy;
mod image_repository;
mod image_update_automation;

pub use git::*;
pub use image_policy::*;
pub use image_repository::*;
pub use image_update_automation::*;
