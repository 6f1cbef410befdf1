//! Artifacts: the tarballs source-controller produces and every other controller consumes.
//!
//! Producer side: [`archive`] (deterministic tar.gz of a directory), [`source_ignore`] (which
//! files of a checkout it holds), [`storage`] (atomic writes, garbage collection), [`server`]
//! (HTTP file server). Consumer side: [`fetch`] (download with retries, sha256 verification) and
//! [`untar`] (safe unpacking with limits).

pub mod archive;
pub mod digest;
pub mod fetch;
pub mod path;
pub mod server;
pub mod source_ignore;
pub mod storage;
pub mod untar;
