//! `notification.toolkit.fluxcd.io/v1`.

mod receiver;
mod reference;

pub use receiver::*;
pub use reference::*;
