//! Labels and annotations.

use crate::builtin_specs::{
    annotation_specs, metadata_label_spec, selector_label_specs, template_label_specs,
};
use crate::fieldspec::{FieldSpec, visit};
use crate::resource::Resource;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Which fields a set of labels goes to.
pub enum LabelReach {
    /// metadata.labels only.
    Metadata,
    /// metadata and pod templates.
    Templates,
    /// metadata, templates and selectors (commonLabels).
    Selectors,
}

/// The field specs for labels of a given reach, plus extra ones.
pub fn label_specs(reach: LabelReach, extra: &[FieldSpec]) -> Vec<FieldSpec> {
    let mut specs = vec![metadata_label_spec()];
    match reach {
        LabelReach::Metadata => {}
        LabelReach::Templates => specs.extend(template_label_specs()),
        LabelReach::Selectors => {
            specs.extend(selector_label_specs());
            specs.extend(template_label_specs());
        }
    }
    specs.extend(extra.iter().cloned());
    specs
}

/// Label and annotation values are strings; numbers and booleans are printed.
pub fn stringify(values: &BTreeMap<String, Value>) -> Vec<(String, Value)> {
    values
        .iter()
        .map(|(k, v)| {
            let s = match v {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            (k.clone(), Value::String(s))
        })
        .collect()
}

/// Add key/values to the maps at each field spec (creating them where the spec says so).
pub fn add_to_maps(
    resources: &mut [Resource],
    pairs: &[(String, Value)],
    specs: &[FieldSpec],
) -> Result<(), String> {
    if pairs.is_empty() {
        return Ok(());
    }
    for res in resources.iter_mut() {
        for spec in specs {
            if !spec.selects(res) {
                continue;
            }
            let segs = spec.segments();
            visit(&mut res.obj, &segs, spec.create, &mut |node| {
                if node.is_null() {
                    *node = Value::Object(Map::new());
                }
                match node.as_object_mut() {
                    Some(m) => {
                        for (k, v) in pairs {
                            m.insert(k.clone(), v.clone());
                        }
                        Ok(())
                    }
                    None => Err(format!("{} is not a map in {} {}", spec.path, "object", "")),
                }
            })?;
        }
    }
    Ok(())
}

/// commonAnnotations.
pub fn add_annotations(
    resources: &mut [Resource],
    pairs: &[(String, Value)],
    extra: &[FieldSpec],
) -> Result<(), String> {
    let mut specs = annotation_specs();
    specs.extend(extra.iter().cloned());
    add_to_maps(resources, pairs, &specs)
}
