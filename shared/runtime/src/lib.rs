//! What every Ferroflux controller needs: conditions, status patching, server-side apply, health,
//! artifacts, events, metrics, and the command-line flags all controllers share.

pub mod flags;
