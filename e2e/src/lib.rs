//! The test cluster harness and helpers shared by end-to-end tests.
