//! The kustomization file: its fields, read strictly (an unknown field is an error, as in kustomize).

use crate::error::Error;
use crate::loader::find_kustomization_file;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A `kustomization.yaml` (kind Kustomization or Component).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Kustomization {
    /// `kustomize.config.k8s.io/v1beta1` (or v1alpha1 for components).
    pub api_version: Option<String>,
    /// `Kustomization` or `Component`.
    pub kind: Option<String>,
    /// Ignored, as in kustomize.
    pub metadata: Option<Value>,
    /// Files, directories with a kustomization, (URLs refused).
    #[serde(default)]
    pub resources: Vec<String>,
    /// Deprecated alias of resources.
    #[serde(default)]
    pub bases: Vec<String>,
    /// Directories holding `kind: Component` kustomizations.
    #[serde(default)]
    pub components: Vec<String>,
    /// CRD files, read for their schema (unused here besides loading).
    #[serde(default)]
    pub crds: Vec<String>,
    /// Namespace set on every namespaced object.
    pub namespace: Option<String>,
    /// Prefix added to names.
    pub name_prefix: Option<String>,
    /// Suffix added to names.
    pub name_suffix: Option<String>,
    /// Labels added to metadata, selectors and templates.
    pub common_labels: Option<BTreeMap<String, Value>>,
    /// Label sets with options.
    #[serde(default)]
    pub labels: Vec<LabelSet>,
    /// Annotations added to metadata and templates.
    pub common_annotations: Option<BTreeMap<String, Value>>,
    /// Image overrides.
    #[serde(default)]
    pub images: Vec<ImageOverride>,
    /// Replica overrides.
    #[serde(default)]
    pub replicas: Vec<ReplicaOverride>,
    /// Patches (strategic merge or JSON 6902) with optional targets.
    #[serde(default)]
    pub patches: Vec<PatchEntry>,
    /// Deprecated strategic merge patches (paths or inline).
    #[serde(default)]
    pub patches_strategic_merge: Vec<String>,
    /// Deprecated JSON 6902 patches.
    #[serde(default)]
    pub patches_json6902: Vec<PatchEntry>,
    /// ConfigMap generators.
    #[serde(default)]
    pub config_map_generator: Vec<GeneratorArgs>,
    /// Secret generators.
    #[serde(default)]
    pub secret_generator: Vec<GeneratorArgs>,
    /// Options for every generator of this kustomization.
    pub generator_options: Option<GeneratorOptions>,
    /// Replacements (inline or `path:`).
    #[serde(default)]
    pub replacements: Vec<Value>,
    /// Deprecated vars.
    #[serde(default)]
    pub vars: Vec<Value>,
    /// Transformer configurations (files).
    #[serde(default)]
    pub transformers: Vec<String>,
    /// Generator configurations (files).
    #[serde(default)]
    pub generators: Vec<String>,
    /// Validators (refused).
    #[serde(default)]
    pub validators: Vec<String>,
    /// Transformer configuration files (refused).
    #[serde(default)]
    pub configurations: Vec<String>,
    /// OpenAPI schema (ignored).
    pub openapi: Option<Value>,
    /// Helm charts (refused for now).
    pub helm_charts: Option<Value>,
    /// Helm globals (refused with helmCharts).
    pub helm_globals: Option<Value>,
    /// Deprecated helm generator field (refused).
    pub helm_chart_inflation_generator: Option<Value>,
    /// Build metadata options (refused unless empty).
    pub build_metadata: Option<Value>,
    /// Output order.
    pub sort_options: Option<SortOptions>,
}

/// An entry of `labels:`.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LabelSet {
    /// The labels.
    #[serde(default)]
    pub pairs: BTreeMap<String, Value>,
    /// Also add to selectors (and templates).
    #[serde(default)]
    pub include_selectors: bool,
    /// Also add to pod templates.
    #[serde(default)]
    pub include_templates: bool,
    /// Extra field specs.
    #[serde(default)]
    pub fields: Vec<crate::fieldspec::FieldSpec>,
}

/// An entry of `images:`.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImageOverride {
    /// The image name to match.
    #[serde(default)]
    pub name: String,
    /// Replacement name.
    pub new_name: Option<String>,
    /// Replacement tag.
    pub new_tag: Option<Value>,
    /// Replacement digest.
    pub digest: Option<String>,
    /// Appended to the tag (kustomize 5.x).
    pub tag_suffix: Option<String>,
}

/// An entry of `replicas:`.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReplicaOverride {
    /// Workload name.
    pub name: String,
    /// Replica count.
    pub count: i64,
}

/// An entry of `patches:` or `patchesJson6902:`.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PatchEntry {
    /// File holding the patch.
    pub path: Option<String>,
    /// Inline patch.
    pub patch: Option<String>,
    /// Which objects to patch.
    pub target: Option<crate::select::Selector>,
    /// Patch options.
    pub options: Option<BTreeMap<String, bool>>,
}

/// A ConfigMap or Secret generator.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GeneratorArgs {
    /// Name of the object.
    #[serde(default)]
    pub name: String,
    /// Namespace of the object.
    pub namespace: Option<String>,
    /// create (default), merge or replace.
    pub behavior: Option<String>,
    /// `key=value` pairs.
    #[serde(default)]
    pub literals: Vec<String>,
    /// Files (`path` or `key=path`).
    #[serde(default)]
    pub files: Vec<String>,
    /// Env files.
    #[serde(default)]
    pub envs: Vec<String>,
    /// Deprecated single env file.
    pub env: Option<String>,
    /// Secret type.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Per-generator options.
    pub options: Option<GeneratorOptions>,
    /// API version (accepted).
    pub api_version: Option<String>,
    /// Kind (accepted).
    #[serde(rename = "kind")]
    pub object_kind: Option<String>,
}

/// `generatorOptions` and generator `options`.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GeneratorOptions {
    /// Labels on generated objects.
    pub labels: Option<BTreeMap<String, String>>,
    /// Annotations on generated objects.
    pub annotations: Option<BTreeMap<String, String>>,
    /// No content-hash suffix.
    pub disable_name_suffix_hash: Option<bool>,
    /// Mark immutable.
    pub immutable: Option<bool>,
}

/// `sortOptions`.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SortOptions {
    /// `legacy` or `fifo`.
    pub order: Option<String>,
    /// Custom kind orders for legacy.
    pub legacy_sort_options: Option<LegacySortOptions>,
}

/// Kinds to put first and last.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LegacySortOptions {
    /// Kinds first, in order.
    #[serde(default)]
    pub order_first: Vec<String>,
    /// Kinds last, in order.
    #[serde(default)]
    pub order_last: Vec<String>,
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

/// kustomize reads these fields into Go strings: numbers and booleans are refused.
pub(crate) fn check_string_values(k: &Kustomization, kpath: &Path) -> Result<(), Error> {
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
