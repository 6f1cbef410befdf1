//! Building one kustomization directory: resources, generators, components, then transformers,
//! in kustomize's order.

use crate::error::Error;
use crate::kustomization::{Kustomization, check_string_values, read_kustomization};
use crate::loader::{DirLoader, LoadRestrictions, is_remote, parse_yaml};
use crate::resource::Resource;
use crate::resource_file::{append, objects_from_file};
use crate::transform::{images, metadata, names, replicas};
use crate::{generators, patch, plugin_config, replacements};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A kustomization being built, with what the top level needs afterwards.
pub struct Builder {
    /// Load restrictions.
    pub restrictions: LoadRestrictions,
    /// Directories being built (cycle detection).
    stack: Vec<PathBuf>,
    /// Field specs from `configurations:` files met so far (they apply upwards, as in kustomize).
    pub config: crate::configurations::TransformerConfig,
    /// Vars declared so far (resolved after the whole build).
    pub vars: Vec<crate::vars::DeclaredVar>,
    /// sortOptions of the top kustomization.
    pub sort_options: Option<crate::kustomization::SortOptions>,
}

impl Builder {
    /// A builder with the given restrictions.
    pub fn new(restrictions: LoadRestrictions) -> Self {
        Builder {
            restrictions,
            stack: Vec::new(),
            config: Default::default(),
            vars: Vec::new(),
            sort_options: None,
        }
    }

    /// Build a directory as a base: a fresh set of objects.
    pub fn build_dir(&mut self, dir: &Path, top: bool) -> Result<Vec<Resource>, Error> {
        let mut resources = Vec::new();
        self.run(dir, &mut resources, false, top)?;
        Ok(resources)
    }

    /// Run the kustomization in `dir` over `resources` (components share their parent's set).
    fn run(
        &mut self,
        dir: &Path,
        resources: &mut Vec<Resource>,
        as_component: bool,
        top: bool,
    ) -> Result<(), Error> {
        let root = dir.canonicalize().map_err(|source| Error::ReadFile {
            path: dir.to_path_buf(),
            source,
        })?;
        if self.stack.contains(&root) {
            return Err(Error::Cycle { dir: root });
        }
        let (kpath, k) = read_kustomization(&root)?;
        let kind = k.kind.as_deref().unwrap_or("Kustomization");
        match (as_component, kind) {
            (true, "Component") | (false, "Kustomization") => {}
            (true, other) => {
                return Err(Error::invalid(
                    &kpath,
                    "kind",
                    format!(
                        "expected kind 'Component' for a directory listed in components, found '{other}'"
                    ),
                ));
            }
            (false, "Component") => {
                return Err(Error::invalid(
                    &kpath,
                    "kind",
                    "a Component must be listed under components, not resources",
                ));
            }
            (false, other) => {
                return Err(Error::invalid(
                    &kpath,
                    "kind",
                    format!("unknown kind '{other}' (expected Kustomization or Component)"),
                ));
            }
        }
        if top {
            self.sort_options = k.sort_options.clone();
        }
        self.stack.push(root.clone());
        let loader = DirLoader {
            root: root.clone(),
            kustomization: kpath.clone(),
            restrictions: self.restrictions,
        };
        let result = self.run_loaded(&loader, &k, resources);
        self.stack.pop();
        result
    }

    /// The stages of one kustomization, in kustomize's order: refuse what we do not build, take
    /// its configurations and vars, then resources, CRDs, generators, components, transformers.
    fn run_loaded(
        &mut self,
        loader: &DirLoader,
        k: &Kustomization,
        resources: &mut Vec<Resource>,
    ) -> Result<(), Error> {
        refuse_unsupported(loader, k)?;
        let config = crate::configurations::load(loader, &k.configurations)?;
        self.config.merge(config);
        crate::vars::declare(&loader.kustomization, &k.vars, &mut self.vars)?;
        self.accumulate_resources(loader, k, resources)?;
        check_crds(loader, k)?;
        self.run_generators(loader, k, resources)?;
        self.accumulate_components(loader, k, resources)?;
        self.run_builtin_transformers(loader, k, resources)?;
        self.run_plugin_transformers(loader, k, resources)
    }

    /// `resources` (and the deprecated `bases`): files and directories built as bases.
    fn accumulate_resources(
        &mut self,
        loader: &DirLoader,
        k: &Kustomization,
        resources: &mut Vec<Resource>,
    ) -> Result<(), Error> {
        let kpath = &loader.kustomization;
        for (i, entry) in k.resources.iter().chain(k.bases.iter()).enumerate() {
            let field = if i < k.resources.len() {
                format!("resources[{i}]")
            } else {
                format!("bases[{}]", i - k.resources.len())
            };
            let path = resolve_local(loader, entry, &field)?;
            let new = if path.is_dir() {
                self.build_dir(&path, false)?
            } else {
                let (path, text) = loader.read_text(entry, &field)?;
                objects_from_file(&path, &text)?
            };
            append(kpath, resources, new)?;
        }
        Ok(())
    }

    /// configMapGenerator, secretGenerator, then generator plugins.
    fn run_generators(
        &mut self,
        loader: &DirLoader,
        k: &Kustomization,
        resources: &mut Vec<Resource>,
    ) -> Result<(), Error> {
        let builtin = [
            (
                generators::GeneratedKind::ConfigMap,
                "configMapGenerator",
                &k.config_map_generator,
            ),
            (
                generators::GeneratedKind::Secret,
                "secretGenerator",
                &k.secret_generator,
            ),
        ];
        for (kind, name, list) in builtin {
            for (i, g) in list.iter().enumerate() {
                let r = generators::generate(loader, kind, i, g, k.generator_options.as_ref())?;
                generators::add_generated(loader, &format!("{name}[{i}]"), resources, r)?;
            }
        }
        for (i, entry) in k.generators.iter().enumerate() {
            let field = format!("generators[{i}]");
            for cfg in self.configs(loader, entry, &field)? {
                plugin_config::run_generator(loader, &field, &cfg, resources)?;
            }
        }
        Ok(())
    }

    /// `components`: each runs over this kustomization's objects, after its generators.
    fn accumulate_components(
        &mut self,
        loader: &DirLoader,
        k: &Kustomization,
        resources: &mut Vec<Resource>,
    ) -> Result<(), Error> {
        for (i, entry) in k.components.iter().enumerate() {
            let field = format!("components[{i}]");
            let path = resolve_local(loader, entry, &field)?;
            if !path.is_dir() {
                return Err(Error::invalid(
                    &loader.kustomization,
                    field,
                    format!("'{entry}' must be a directory holding a Component kustomization"),
                ));
            }
            self.run(&path, resources, true, false)?;
        }
        Ok(())
    }

    /// `transformers`: plugin configurations, run after the built-in transformers.
    fn run_plugin_transformers(
        &mut self,
        loader: &DirLoader,
        k: &Kustomization,
        resources: &mut Vec<Resource>,
    ) -> Result<(), Error> {
        for (i, entry) in k.transformers.iter().enumerate() {
            let field = format!("transformers[{i}]");
            for cfg in self.configs(loader, entry, &field)? {
                plugin_config::run_transformer(loader, &field, &cfg, resources)?;
            }
        }
        Ok(())
    }

    fn configs(
        &mut self,
        loader: &DirLoader,
        entry: &str,
        field: &str,
    ) -> Result<Vec<Value>, Error> {
        let cell = std::cell::RefCell::new(&mut *self);
        let build = |dir: &Path| cell.borrow_mut().build_dir(dir, false);
        plugin_config::load_configs(loader, entry, field, &build)
    }

    fn run_builtin_transformers(
        &mut self,
        loader: &DirLoader,
        k: &Kustomization,
        resources: &mut Vec<Resource>,
    ) -> Result<(), Error> {
        let kpath = &loader.kustomization;
        patch::apply::apply_strategic_list(loader, &k.patches_strategic_merge, resources)?;
        patch::apply::apply_entries(loader, &k.patches, "patches", false, resources)?;
        if let Some(ns) = k.namespace.as_deref().filter(|n| !n.is_empty()) {
            names::set_namespace(resources, ns, false);
        }
        let prefix = k.name_prefix.as_deref().unwrap_or("");
        let suffix = k.name_suffix.as_deref().unwrap_or("");
        if !prefix.is_empty() || !suffix.is_empty() {
            names::add_prefix_suffix(resources, prefix, suffix, None);
        }
        for (i, set) in k.labels.iter().enumerate() {
            let reach = if set.include_selectors {
                metadata::LabelReach::Selectors
            } else if set.include_templates {
                metadata::LabelReach::Templates
            } else {
                metadata::LabelReach::Metadata
            };
            let mut extra = set.fields.clone();
            if set.include_selectors {
                extra.extend(self.config.common_labels.iter().cloned());
            } else if set.include_templates {
                extra.extend(self.config.template_labels.iter().cloned());
            }
            let specs = metadata::label_specs(reach, &extra);
            metadata::add_to_maps(resources, &metadata::stringify(&set.pairs), &specs)
                .map_err(|m| Error::invalid(kpath, format!("labels[{i}]"), m))?;
        }
        if let Some(labels) = &k.common_labels {
            let specs =
                metadata::label_specs(metadata::LabelReach::Selectors, &self.config.common_labels);
            metadata::add_to_maps(resources, &metadata::stringify(labels), &specs)
                .map_err(|m| Error::invalid(kpath, "commonLabels", m))?;
        }
        if let Some(a) = &k.common_annotations {
            metadata::add_annotations(
                resources,
                &metadata::stringify(a),
                &self.config.common_annotations,
            )
            .map_err(|m| Error::invalid(kpath, "commonAnnotations", m))?;
        }
        patch::apply::apply_entries(
            loader,
            &k.patches_json6902,
            "patchesJson6902",
            true,
            resources,
        )?;
        replicas::apply(resources, &k.replicas);
        images::apply(resources, &k.images);
        crate::configurations::apply_images(resources, &self.config.images, &k.images);
        if !k.replacements.is_empty() {
            let list = replacements::load(loader, &k.replacements)?;
            replacements::apply(loader, &list, resources)?;
        }
        Ok(())
    }
}

/// What this engine refuses to build, named by field, before any of it is read.
fn refuse_unsupported(loader: &DirLoader, k: &Kustomization) -> Result<(), Error> {
    let kpath = &loader.kustomization;
    if k.helm_charts.is_some()
        || k.helm_globals.is_some()
        || k.helm_chart_inflation_generator.is_some()
    {
        return Err(Error::invalid(
            kpath,
            "helmCharts",
            "helm chart inflation is not supported by ferroflux's kustomize engine; use a HelmRelease",
        ));
    }
    check_string_values(k, kpath)?;
    if k.build_metadata
        .as_ref()
        .is_some_and(|b| b.as_array().is_none_or(|a| !a.is_empty()))
    {
        return Err(Error::invalid(
            kpath,
            "buildMetadata",
            "origin and transformer annotations are not supported; remove buildMetadata",
        ));
    }
    if !k.validators.is_empty() {
        return Err(Error::invalid(
            kpath,
            "validators",
            "validator plugins are not supported",
        ));
    }
    Ok(())
}

/// A resources or components entry as a local path; remote URLs are refused unless a local
/// directory of that name exists.
fn resolve_local(loader: &DirLoader, entry: &str, field: &str) -> Result<PathBuf, Error> {
    if is_remote(entry) && !loader.root.join(entry).exists() {
        return Err(Error::RemoteResource {
            kustomization: loader.kustomization.clone(),
            field: field.to_string(),
            url: entry.to_string(),
        });
    }
    loader.resolve(entry, field, false)
}

/// `crds`: files of OpenAPI definitions; only their shape is checked (the schemas are not used).
fn check_crds(loader: &DirLoader, k: &Kustomization) -> Result<(), Error> {
    for (i, crd) in k.crds.iter().enumerate() {
        let field = format!("crds[{i}]");
        let (path, text) = loader.read_text(crd, &field)?;
        let docs = parse_yaml(&path, &text)?;
        let is_definitions = docs.iter().all(|d| {
            d.as_object()
                .is_some_and(|m| m.values().all(Value::is_object))
        });
        if !is_definitions {
            return Err(Error::invalid(
                &loader.kustomization,
                field,
                format!(
                    "unable to parse open API definitions from '{crd}': expected a map of definition names to schemas"
                ),
            ));
        }
    }
    Ok(())
}
