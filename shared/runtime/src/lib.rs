//! What every Ferroflux controller needs: conditions, status patching, server-side apply, health,
//! artifacts, events, metrics, and the command-line flags all controllers share.

pub mod admin;
pub mod artifact;
pub mod conditions;
pub mod controller;
pub mod events;
pub mod flags;
pub mod health;
pub mod leader;
pub mod metrics;
pub mod postbuild;
pub mod reconcile;
pub mod retry;
pub mod ssa;
pub mod status;
pub mod tls;
