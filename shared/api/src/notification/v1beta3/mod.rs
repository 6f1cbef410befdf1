//! `notification.toolkit.fluxcd.io/v1beta3`: Provider and Alert, which have no status.

mod alert;
mod provider;

pub use alert::*;
pub use provider::*;
