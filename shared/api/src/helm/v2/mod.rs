//! `helm.toolkit.fluxcd.io/v2`.

mod actions;
mod chart_template;
mod helm_release;
mod helm_release_status;

pub use actions::*;
pub use chart_template::*;
pub use helm_release::*;
pub use helm_release_status::*;
