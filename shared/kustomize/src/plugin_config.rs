//! `transformers:` and `generators:` entries: files holding built-in plugin configurations
//! (`apiVersion: builtin`, kind LabelTransformer, PatchTransformer, ConfigMapGenerator, ...).

use crate::error::Error;
use crate::fieldspec::FieldSpec;
use crate::kustomization::{GeneratorArgs, ImageOverride, PatchEntry};
use crate::loader::{DirLoader, parse_yaml};
use crate::resource::Resource;
use crate::transform::{images, metadata, names};
use crate::{generators, patch, replacements};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Config {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    field_specs: Vec<FieldSpec>,
    labels: Option<BTreeMap<String, Value>>,
    annotations: Option<BTreeMap<String, Value>>,
    prefix: Option<String>,
    suffix: Option<String>,
    #[serde(default)]
    unset_only: bool,
    image_tag: Option<ImageOverride>,
    replica: Option<crate::kustomization::ReplicaOverride>,
    patch: Option<String>,
    path: Option<String>,
    target: Option<crate::select::Selector>,
    #[serde(default)]
    paths: Vec<String>,
    patches: Option<String>,
    json_op: Option<String>,
    #[serde(default)]
    replacements: Vec<Value>,
}

/// Load the configuration objects an entry names: a file, or a directory with a kustomization.
pub fn load_configs(
    loader: &DirLoader,
    entry: &str,
    field: &str,
    build_dir: &dyn Fn(&std::path::Path) -> Result<Vec<Resource>, Error>,
) -> Result<Vec<Value>, Error> {
    if entry.contains('\n') {
        return parse_yaml(&loader.kustomization, entry);
    }
    let path = loader.resolve(entry, field, false)?;
    if path.is_dir() {
        return Ok(build_dir(&path)?.into_iter().map(|r| r.obj).collect());
    }
    let (path, text) = loader.read_text(entry, field)?;
    Ok(parse_yaml(&path, &text)?
        .into_iter()
        .filter(|d| !d.is_null())
        .collect())
}

fn pairs(m: &Option<BTreeMap<String, Value>>) -> Vec<(String, Value)> {
    m.as_ref().map(metadata::stringify).unwrap_or_default()
}

/// Run one transformer configuration on the objects.
pub fn run_transformer(
    loader: &DirLoader,
    field: &str,
    raw: &Value,
    resources: &mut Vec<Resource>,
) -> Result<(), Error> {
    let k = &loader.kustomization;
    let c: Config =
        serde_json::from_value(raw.clone()).map_err(|e| Error::invalid(k, field, e.to_string()))?;
    let fail = |m: String| Error::invalid(k, field, m);
    match c.kind.as_str() {
        "LabelTransformer" => {
            metadata::add_to_maps(resources, &pairs(&c.labels), &c.field_specs).map_err(fail)
        }
        "AnnotationsTransformer" => {
            metadata::add_to_maps(resources, &pairs(&c.annotations), &c.field_specs).map_err(fail)
        }
        "NamespaceTransformer" => {
            let ns = raw
                .get("metadata")
                .and_then(|m| m.get("namespace"))
                .and_then(Value::as_str)
                .unwrap_or("");
            names::set_namespace(resources, ns, c.unset_only);
            Ok(())
        }
        "PrefixSuffixTransformer" | "PrefixTransformer" | "SuffixTransformer" => {
            let specs = if c.field_specs.is_empty() {
                None
            } else {
                Some(c.field_specs.as_slice())
            };
            names::add_prefix_suffix(
                resources,
                c.prefix.as_deref().unwrap_or(""),
                c.suffix.as_deref().unwrap_or(""),
                specs,
            );
            Ok(())
        }
        "ImageTagTransformer" => {
            images::apply(resources, &c.image_tag.into_iter().collect::<Vec<_>>());
            Ok(())
        }
        "ReplicaCountTransformer" => {
            if let Some(r) = c.replica {
                crate::transform::replicas::apply(resources, &[r]);
            }
            Ok(())
        }
        "PatchTransformer" => {
            let entry = PatchEntry {
                path: c.path,
                patch: c.patch,
                target: c.target,
                options: None,
            };
            patch::apply::apply_entries(loader, &[entry], field, false, resources)
        }
        "PatchJson6902Transformer" => {
            let entry = PatchEntry {
                path: c.path,
                patch: c.json_op,
                target: c.target,
                options: None,
            };
            patch::apply::apply_entries(loader, &[entry], field, true, resources)
        }
        "PatchStrategicMergeTransformer" => {
            let mut list = c.paths;
            if let Some(p) = c.patches {
                list.push(p);
            }
            patch::apply::apply_strategic_list(loader, &list, resources)
        }
        "ReplacementTransformer" => {
            let list = replacements::load(loader, &c.replacements)?;
            replacements::apply(loader, &list, resources)
        }
        other => Err(fail(format!(
            "transformer kind '{other}' is not supported (only kustomize's built-in transformers are)"
        ))),
    }
}

/// Run one generator configuration, adding its object.
pub fn run_generator(
    loader: &DirLoader,
    field: &str,
    raw: &Value,
    resources: &mut Vec<Resource>,
) -> Result<(), Error> {
    let k = &loader.kustomization;
    let kind = raw.get("kind").and_then(Value::as_str).unwrap_or("");
    let gk = match kind {
        "ConfigMapGenerator" => generators::GeneratedKind::ConfigMap,
        "SecretGenerator" => generators::GeneratedKind::Secret,
        other => {
            return Err(Error::invalid(
                k,
                field,
                format!(
                    "generator kind '{other}' is not supported (only ConfigMapGenerator and SecretGenerator are)"
                ),
            ));
        }
    };
    let mut m = raw.as_object().cloned().unwrap_or_default();
    let md = m.shift_remove("metadata").unwrap_or(Value::Null);
    m.shift_remove("apiVersion");
    m.shift_remove("kind");
    if let Some(n) = md.get("name") {
        m.insert("name".into(), n.clone());
    }
    if let Some(n) = md.get("namespace") {
        m.insert("namespace".into(), n.clone());
    }
    let args: GeneratorArgs = serde_json::from_value(Value::Object(m))
        .map_err(|e| Error::invalid(k, field, e.to_string()))?;
    let res = generators::generate(loader, gk, 0, &args, None)?;
    generators::add_generated(loader, field, resources, res)
}
