//! GitRepository reconciler against the real test cluster and the real Git server (HTTPS with
//! basic auth and a private CA, anonymous HTTP, ssh with known_hosts).

mod bad_inputs;
mod content;
mod events_and_bearer;
mod harness;
mod refs;
mod updates;
