//! ferroflux-kustomize: a kustomize engine. A directory tree in, Kubernetes objects out, in the
//! order and shape `kustomize build` (v5) gives. Pure: no network, no cluster.
//!
//! ```no_run
//! let objects = ferroflux_kustomize::build(std::path::Path::new("deploy/overlays/prod"))?;
//! print!("{}", ferroflux_kustomize::to_yaml(&objects));
//! # Ok::<(), ferroflux_kustomize::Error>(())
//! ```

pub mod builtin_specs;
pub mod configurations;
mod error;
pub mod fieldspec;
pub mod flux;
pub mod generators;
pub mod hash;
pub mod kustomization;
pub mod loader;
pub mod nameref;
pub mod order;
pub mod patch;
pub mod plugin_config;
pub mod replacements;
pub mod resource;
pub mod resource_file;
pub mod select;
pub mod target;
pub mod transform;
pub mod vars;
pub mod yaml_in;
pub mod yaml_out;

pub use error::Error;
pub use flux::generate_kustomization;
pub use loader::LoadRestrictions;
pub use yaml_out::to_yaml;

use serde_json::Value;
use std::path::Path;

/// Build options.
#[derive(Debug, Clone, Default)]
pub struct Kustomizer {
    /// Where files may be read from (root-only by default, as in kustomize).
    pub load_restrictions: LoadRestrictions,
}

impl Kustomizer {
    /// Options as kustomize's defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Set the load restrictions.
    pub fn with_load_restrictions(mut self, r: LoadRestrictions) -> Self {
        self.load_restrictions = r;
        self
    }

    /// Build the kustomization in `dir`: the objects in kustomize's output order.
    pub fn build(&self, dir: &Path) -> Result<Vec<Value>, Error> {
        let mut builder = target::Builder::new(self.load_restrictions);
        let mut resources = builder.build_dir(dir, true)?;
        for res in resources.iter_mut().filter(|r| r.needs_hash) {
            let suffix = hash::content_hash(&res.obj);
            let name = format!("{}-{suffix}", res.name());
            res.set_name(&name);
        }
        let root = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        nameref::fix_references(&mut resources, &root, &builder.config.name_reference)?;
        vars::resolve(&builder.vars, &mut resources)?;
        let resources = order::sort(resources, builder.sort_options.as_ref());
        Ok(resources.into_iter().map(|r| r.obj).collect())
    }
}

/// Build the kustomization in `dir` with default options (see [`Kustomizer::build`]).
pub fn build(dir: &Path) -> Result<Vec<Value>, Error> {
    Kustomizer::new().build(dir)
}
