//! `source.toolkit.fluxcd.io/v1`, the storage version of every source kind.

mod git_repository;

pub use git_repository::*;
