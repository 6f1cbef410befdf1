//! `image.toolkit.fluxcd.io`: scanning registries for new image tags (ImageRepository,
//! ImagePolicy) and committing the chosen tags to Git (ImageUpdateAutomation).

pub mod v1;

/// The API group of the image automation kinds.
pub const GROUP: &str = "image.toolkit.fluxcd.io";
/// Key of the marker comment naming the policy whose image a YAML field holds.
pub const SETTER_MARKER_KEY: &str = "$imagepolicy";
