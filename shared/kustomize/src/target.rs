//! Building one kustomization directory: resources, generators, components, then transformers,
//! in kustomize's order.

use crate::error::Error;
use crate::kustomization::Kustomization;
use crate::loader::{DirLoader, LoadRestrictions, find_kustomization_file, is_remote, parse_yaml};
use crate::resource::Resource;
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

/// Read and strictly parse a kustomization file.
pub fn read_kustomization(dir: &Path) -> Result<(PathBuf, Kustomization), Error> {
    let path = find_kustomization_file(dir).ok_or_else(|| Error::MissingKustomization {
        dir: dir.to_path_buf(),
    })?;
    let text = std::fs::read_to_string(&path).map_err(|source| Error::ReadFile {
        path: path.clone(),
        source,
    })?;
    let doc = crate::yaml_in::parse_documents_yaml11(&text)
        .map_err(|syntax| Error::Yaml {
            path: path.clone(),
            syntax,
        })?
        .into_iter()
        .next()
        .unwrap_or(Value::Null);
    let doc = if doc.is_null() {
        Value::Object(Default::default())
    } else {
        doc
    };
    if !doc.is_object() {
        return Err(Error::invalid(
            &path,
            "(top level)",
            "a kustomization must be a YAML mapping",
        ));
    }
    if doc
        .as_object()
        .is_some_and(|m| m.keys().all(|k| k == "apiVersion" || k == "kind"))
    {
        return Err(Error::invalid(
            &path,
            "(top level)",
            "kustomization.yaml is empty",
        ));
    }
    let k: Kustomization = serde_json::from_value(doc.clone()).map_err(|e| {
        let field = failing_field(&doc).unwrap_or_else(|| "(top level)".into());
        Error::invalid(&path, field, format!("invalid Kustomization: {e}"))
    })?;
    Ok((path, k))
}

/// The first top-level field that does not read on its own, to name it in the error.
fn failing_field(doc: &Value) -> Option<String> {
    doc.as_object()?.iter().find_map(|(key, value)| {
        let mut single = serde_json::Map::new();
        single.insert(key.clone(), value.clone());
        serde_json::from_value::<Kustomization>(Value::Object(single))
            .is_err()
            .then(|| key.clone())
    })
}

/// Objects from a resource file (documents; `List` kinds expanded).
pub fn objects_from_file(path: &Path, text: &str) -> Result<Vec<Resource>, Error> {
    let mut out = Vec::new();
    for doc in parse_yaml(path, text)? {
        push_object(path, doc, &mut out)?;
    }
    Ok(out)
}

fn push_object(path: &Path, doc: Value, out: &mut Vec<Resource>) -> Result<(), Error> {
    match doc {
        Value::Null => Ok(()),
        Value::Object(ref m) => {
            let kind = m.get("kind").and_then(Value::as_str).unwrap_or("");
            if kind.is_empty() {
                return Err(Error::BadObject {
                    path: path.into(),
                    message: "missing kind in object".into(),
                });
            }
            if kind.ends_with("List") && m.get("items").is_some_and(Value::is_array) {
                for item in m["items"].as_array().cloned().unwrap_or_default() {
                    push_object(path, item, out)?;
                }
                return Ok(());
            }
            if matches!(kind, "Kustomization" | "Component")
                && m.get("apiVersion")
                    .and_then(Value::as_str)
                    .is_some_and(|a| a.starts_with("kustomize.config.k8s.io"))
            {
                return Err(Error::BadObject {
                    path: path.into(),
                    message: format!(
                        "a {kind} cannot be listed as a resource file; list its directory instead"
                    ),
                });
            }
            let name = m
                .get("metadata")
                .and_then(|md| md.get("name"))
                .and_then(Value::as_str)
                .unwrap_or("");
            if name.is_empty()
                && m.get("metadata")
                    .and_then(|md| md.get("generateName"))
                    .is_none()
            {
                return Err(Error::BadObject {
                    path: path.into(),
                    message: format!("missing metadata.name in {kind} object"),
                });
            }
            out.push(Resource::new(doc));
            Ok(())
        }
        _ => Err(Error::BadObject {
            path: path.into(),
            message: "a resource document must be a YAML mapping (a Kubernetes object)".into(),
        }),
    }
}

fn append(kpath: &Path, resources: &mut Vec<Resource>, new: Vec<Resource>) -> Result<(), Error> {
    let mut seen: std::collections::HashSet<_> =
        resources.iter().map(Resource::identity_key).collect();
    for r in new {
        if !seen.insert(r.identity_key()) {
            return Err(Error::DuplicateResource {
                kustomization: kpath.to_path_buf(),
                id: r.id().to_string(),
            });
        }
        resources.push(r);
    }
    Ok(())
}

/// kustomize reads these fields into Go strings: numbers and booleans are refused.
fn check_string_values(k: &Kustomization, kpath: &Path) -> Result<(), Error> {
    let check = |field: String, map: &std::collections::BTreeMap<String, Value>| {
        for (key, v) in map {
            if !(v.is_string() || v.is_null()) {
                return Err(Error::invalid(
                    kpath,
                    format!("{field}.{key}"),
                    format!("expected a string, found {v} (quote it)"),
                ));
            }
        }
        Ok(())
    };
    if let Some(m) = &k.common_labels {
        check("commonLabels".into(), m)?;
    }
    if let Some(m) = &k.common_annotations {
        check("commonAnnotations".into(), m)?;
    }
    for (i, set) in k.labels.iter().enumerate() {
        check(format!("labels[{i}].pairs"), &set.pairs)?;
    }
    for (i, img) in k.images.iter().enumerate() {
        if let Some(t) = &img.new_tag
            && !t.is_string()
        {
            return Err(Error::invalid(
                kpath,
                format!("images[{i}].newTag"),
                format!("expected a string, found {t} (quote it)"),
            ));
        }
    }
    Ok(())
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

    fn run_loaded(
        &mut self,
        loader: &DirLoader,
        k: &Kustomization,
        resources: &mut Vec<Resource>,
    ) -> Result<(), Error> {
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
        if !k.validators.is_empty() {
            return Err(Error::invalid(
                kpath,
                "validators",
                "validator plugins are not supported",
            ));
        }
        let config = crate::configurations::load(loader, &k.configurations)?;
        self.config.merge(config);
        crate::vars::declare(kpath, &k.vars, &mut self.vars)?;
        // resources (and deprecated bases)
        for (i, entry) in k.resources.iter().chain(k.bases.iter()).enumerate() {
            let field = if i < k.resources.len() {
                format!("resources[{i}]")
            } else {
                format!("bases[{}]", i - k.resources.len())
            };
            if is_remote(entry) && !loader.root.join(entry).exists() {
                return Err(Error::RemoteResource {
                    kustomization: kpath.clone(),
                    field,
                    url: entry.clone(),
                });
            }
            let path = loader.resolve(entry, &field, false)?;
            let new = if path.is_dir() {
                self.build_dir(&path, false)?
            } else {
                let (path, text) = loader.read_text(entry, &field)?;
                objects_from_file(&path, &text)?
            };
            append(kpath, resources, new)?;
        }
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
        // generators
        for (i, g) in k.config_map_generator.iter().enumerate() {
            let r = generators::generate(
                loader,
                generators::GeneratedKind::ConfigMap,
                i,
                g,
                k.generator_options.as_ref(),
            )?;
            generators::add_generated(loader, &format!("configMapGenerator[{i}]"), resources, r)?;
        }
        for (i, g) in k.secret_generator.iter().enumerate() {
            let r = generators::generate(
                loader,
                generators::GeneratedKind::Secret,
                i,
                g,
                k.generator_options.as_ref(),
            )?;
            generators::add_generated(loader, &format!("secretGenerator[{i}]"), resources, r)?;
        }
        for (i, entry) in k.generators.iter().enumerate() {
            let field = format!("generators[{i}]");
            for cfg in self.configs(loader, entry, &field)? {
                plugin_config::run_generator(loader, &field, &cfg, resources)?;
            }
        }
        // components
        for (i, entry) in k.components.iter().enumerate() {
            let field = format!("components[{i}]");
            if is_remote(entry) && !loader.root.join(entry).exists() {
                return Err(Error::RemoteResource {
                    kustomization: kpath.clone(),
                    field,
                    url: entry.clone(),
                });
            }
            let path = loader.resolve(entry, &field, false)?;
            if !path.is_dir() {
                return Err(Error::invalid(
                    kpath,
                    field,
                    format!("'{entry}' must be a directory holding a Component kustomization"),
                ));
            }
            self.run(&path, resources, true, false)?;
        }
        self.run_builtin_transformers(loader, k, resources)?;
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
        let restrictions = self.restrictions;
        let cell = std::cell::RefCell::new(&mut *self);
        let build = |dir: &Path| cell.borrow_mut().build_dir(dir, false);
        let _ = restrictions;
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
