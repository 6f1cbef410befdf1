//! `configurations:` files: extra field specs for the built-in transformers, e.g. teaching the
//! name reference fixer that a HelmRelease's `spec/valuesFrom/name` names a ConfigMap.
//! Supported: nameReference, commonLabels, commonAnnotations, images. The other sections are
//! read and ignored.

use crate::builtin_specs::NameReference;
use crate::error::Error;
use crate::fieldspec::FieldSpec;
use crate::loader::{DirLoader, parse_yaml};
use serde::Deserialize;
use serde_json::Value;

/// A transformer configuration file.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TransformerConfig {
    /// Fields that name other objects.
    #[serde(default)]
    pub name_reference: Vec<NameReference>,
    /// Extra places for commonLabels.
    #[serde(default)]
    pub common_labels: Vec<FieldSpec>,
    /// Extra places for template labels.
    #[serde(default)]
    pub template_labels: Vec<FieldSpec>,
    /// Extra places for commonAnnotations.
    #[serde(default)]
    pub common_annotations: Vec<FieldSpec>,
    /// Extra image fields.
    #[serde(default)]
    pub images: Vec<FieldSpec>,
    /// Ignored.
    #[serde(default)]
    pub name_prefix: Vec<FieldSpec>,
    /// Ignored.
    #[serde(default)]
    pub name_suffix: Vec<FieldSpec>,
    /// Ignored.
    #[serde(default)]
    pub name_space: Vec<FieldSpec>,
    /// Ignored.
    #[serde(default)]
    pub var_reference: Vec<FieldSpec>,
    /// Ignored.
    #[serde(default)]
    pub replicas: Vec<FieldSpec>,
}

impl TransformerConfig {
    /// Add another configuration's specs.
    pub fn merge(&mut self, other: TransformerConfig) {
        self.name_reference.extend(other.name_reference);
        self.common_labels.extend(other.common_labels);
        self.template_labels.extend(other.template_labels);
        self.common_annotations.extend(other.common_annotations);
        self.images.extend(other.images);
    }
}

/// Read the kustomization's `configurations:` files.
pub fn load(loader: &DirLoader, entries: &[String]) -> Result<TransformerConfig, Error> {
    let mut out = TransformerConfig::default();
    for (i, entry) in entries.iter().enumerate() {
        let field = format!("configurations[{i}]");
        let (path, text) = loader.read_text(entry, &field)?;
        for doc in parse_yaml(&path, &text)? {
            if doc.is_null() {
                continue;
            }
            let cfg: TransformerConfig =
                serde_json::from_value::<TransformerConfig>(doc).map_err(|e| {
                    Error::invalid(
                        &path,
                        &field,
                        format!("invalid transformer configuration: {e}"),
                    )
                })?;
            out.merge(cfg);
        }
    }
    Ok(out)
}

/// Apply image overrides at custom image fields (paths to the image string).
pub fn apply_images(
    resources: &mut [crate::resource::Resource],
    specs: &[FieldSpec],
    overrides: &[crate::kustomization::ImageOverride],
) {
    if specs.is_empty() || overrides.is_empty() {
        return;
    }
    for res in resources.iter_mut() {
        let selected: Vec<&FieldSpec> = specs.iter().filter(|s| s.selects(res)).collect();
        for spec in selected {
            let _ = crate::fieldspec::visit(&mut res.obj, &spec.segments(), false, &mut |node| {
                if let Value::String(image) = node
                    && let Some(new) = overrides
                        .iter()
                        .find_map(|ov| crate::transform::images::override_image(image, ov))
                {
                    *image = new;
                }
                Ok(())
            });
        }
    }
}
