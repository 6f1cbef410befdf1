//! The spec-level kustomize settings (`targetNamespace`, `namePrefix`, `nameSuffix`, `patches`,
//! `images`, `components`) written into the path's kustomization file before the build, the way
//! Flux does, plus `commonMetadata`, applied to every built object.

use ferroflux_api::kustomize::v1::KustomizationSpec;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// The kustomization file names kustomize accepts, in its order of preference.
const KUSTOMIZATION_FILES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// What failed while writing the overlay.
#[derive(Debug, thiserror::Error)]
pub enum OverlayError {
    /// The kustomization file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The kustomization file is not valid YAML.
    #[error("{path}: invalid YAML: {reason}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's message.
        reason: String,
    },
}

/// True when the spec sets anything that changes the kustomization file.
pub fn needs_overlay(spec: &KustomizationSpec) -> bool {
    spec.target_namespace.is_some()
        || spec.name_prefix.is_some()
        || spec.name_suffix.is_some()
        || spec.patches.as_ref().is_some_and(|p| !p.is_empty())
        || spec.images.as_ref().is_some_and(|i| !i.is_empty())
        || spec.components.as_ref().is_some_and(|c| !c.is_empty())
}

/// Merges the spec's settings into the kustomization file in `dir` (which must exist): scalars
/// are replaced, lists are appended to. JSON is written, which every YAML parser reads.
pub fn write_overlay(dir: &Path, spec: &KustomizationSpec) -> Result<(), OverlayError> {
    let path = KUSTOMIZATION_FILES
        .iter()
        .map(|f| dir.join(f))
        .find(|p| p.is_file())
        .unwrap_or_else(|| dir.join(KUSTOMIZATION_FILES[0]));
    // Errors name the file only: the directory is a temporary one.
    let name = PathBuf::from(path.file_name().unwrap_or_default());
    let io = |source| OverlayError::Io {
        path: name.clone(),
        source,
    };
    let text = std::fs::read_to_string(&path).map_err(io)?;
    let mut doc: Value = if text.trim().is_empty() {
        json!({})
    } else {
        serde_saphyr::from_str(&text).map_err(|e| OverlayError::Parse {
            path: name.clone(),
            reason: e.to_string(),
        })?
    };
    merge_spec(&mut doc, spec);
    let out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    std::fs::write(&path, out).map_err(io)
}

/// Applies the spec's settings to a parsed kustomization document.
pub fn merge_spec(doc: &mut Value, spec: &KustomizationSpec) {
    if !doc.is_object() {
        *doc = json!({});
    }
    let map = doc.as_object_mut().expect("made an object above");
    map.entry("apiVersion")
        .or_insert(json!("kustomize.config.k8s.io/v1beta1"));
    map.entry("kind").or_insert(json!("Kustomization"));
    if let Some(ns) = &spec.target_namespace {
        map.insert("namespace".into(), json!(ns));
    }
    if let Some(prefix) = &spec.name_prefix {
        map.insert("namePrefix".into(), json!(prefix));
    }
    if let Some(suffix) = &spec.name_suffix {
        map.insert("nameSuffix".into(), json!(suffix));
    }
    let mut append = |key: &str, items: Vec<Value>| {
        if items.is_empty() {
            return;
        }
        let list = map.entry(key).or_insert(json!([]));
        if !list.is_array() {
            *list = json!([]);
        }
        list.as_array_mut()
            .expect("made an array above")
            .extend(items);
    };
    let to_values = |v: Option<Vec<Value>>| v.unwrap_or_default();
    append(
        "patches",
        to_values(
            spec.patches
                .as_ref()
                .map(|p| p.iter().map(|x| json!(x)).collect()),
        ),
    );
    append(
        "images",
        to_values(
            spec.images
                .as_ref()
                .map(|i| i.iter().map(|x| json!(x)).collect()),
        ),
    );
    append(
        "components",
        to_values(
            spec.components
                .as_ref()
                .map(|c| c.iter().map(|x| json!(x)).collect()),
        ),
    );
}

/// Sets `spec.commonMetadata` labels and annotations on every object (never on selectors).
pub fn apply_common_metadata(objects: &mut [Value], spec: &KustomizationSpec) {
    let Some(common) = &spec.common_metadata else {
        return;
    };
    for obj in objects.iter_mut() {
        for (field, entries) in [
            ("labels", &common.labels),
            ("annotations", &common.annotations),
        ] {
            if let Some(entries) = entries {
                set_metadata_map(obj, field, entries.iter());
            }
        }
    }
}

/// Sets entries in `metadata.<field>` (labels or annotations), creating the map when needed.
pub fn set_metadata_map<'a>(
    obj: &mut Value,
    field: &str,
    entries: impl Iterator<Item = (&'a String, &'a String)>,
) {
    let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) else {
        return;
    };
    let map = meta.entry(field).or_insert(json!({}));
    if !map.is_object() {
        *map = json!({});
    }
    let map = map.as_object_mut().expect("made an object above");
    for (k, v) in entries {
        map.insert(k.clone(), json!(v));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferroflux_api::kustomize::v1::{CommonMetadata, Image, Patch};

    #[test]
    fn spec_settings_are_merged_into_the_kustomization() {
        let spec = KustomizationSpec {
            target_namespace: Some("apps".into()),
            name_prefix: Some("p-".into()),
            images: Some(vec![Image {
                name: "nginx".into(),
                new_tag: Some("1.27".into()),
                ..Default::default()
            }]),
            patches: Some(vec![Patch {
                patch: "- op: remove\n  path: /x".into(),
                target: None,
            }]),
            components: Some(vec!["../comp".into()]),
            ..Default::default()
        };
        assert!(needs_overlay(&spec));
        let mut doc =
            json!({"resources": ["a.yaml"], "images": [{"name": "redis", "newTag": "7"}]});
        merge_spec(&mut doc, &spec);
        assert_eq!(doc["namespace"], "apps");
        assert_eq!(doc["namePrefix"], "p-");
        assert_eq!(
            doc["images"],
            json!([{"name": "redis", "newTag": "7"}, {"name": "nginx", "newTag": "1.27"}])
        );
        assert_eq!(doc["patches"][0]["patch"], "- op: remove\n  path: /x");
        assert_eq!(doc["components"], json!(["../comp"]));
        assert_eq!(doc["resources"], json!(["a.yaml"]));
        assert!(!needs_overlay(&KustomizationSpec::default()));
    }

    #[test]
    fn overlay_file_round_trips_through_yaml() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("kustomization.yaml"),
            "resources:\n  - cm.yaml\n",
        )
        .unwrap();
        let spec = KustomizationSpec {
            name_suffix: Some("-x".into()),
            ..Default::default()
        };
        write_overlay(dir.path(), &spec).unwrap();
        let text = std::fs::read_to_string(dir.path().join("kustomization.yaml")).unwrap();
        let doc: Value = serde_saphyr::from_str(&text).unwrap();
        assert_eq!(doc["nameSuffix"], "-x");
        assert_eq!(doc["resources"], json!(["cm.yaml"]));
    }

    #[test]
    fn common_metadata_is_set_on_every_object() {
        let spec = KustomizationSpec {
            common_metadata: Some(CommonMetadata {
                labels: Some([("team".to_string(), "a".to_string())].into()),
                annotations: Some([("note".to_string(), "n".to_string())].into()),
            }),
            ..Default::default()
        };
        let mut objects = vec![json!({"metadata": {"name": "a", "labels": {"x": "1"}}})];
        apply_common_metadata(&mut objects, &spec);
        assert_eq!(
            objects[0]["metadata"]["labels"],
            json!({"x": "1", "team": "a"})
        );
        assert_eq!(objects[0]["metadata"]["annotations"], json!({"note": "n"}));
    }
}
