//! `notification.toolkit.fluxcd.io`: forwarding events to chat and Git providers (Provider,
//! Alert) and turning incoming webhooks into reconcile requests (Receiver).

pub mod v1;
pub mod v1beta3;

/// The API group of notification-controller's kinds.
pub const GROUP: &str = "notification.toolkit.fluxcd.io";
/// Path prefix of Receiver webhooks; the full path is `/hook/<sha256(token+name+namespace)>`.
pub const RECEIVER_WEBHOOK_PATH_PREFIX: &str = "/hook/";
