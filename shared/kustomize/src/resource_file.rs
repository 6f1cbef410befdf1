//! Reading object files: multi-document YAML (or JSON), `List` kinds expanded, each document
//! checked to be a Kubernetes object; and adding objects without duplicates.

use crate::error::Error;
use crate::loader::parse_yaml;
use crate::resource::Resource;
use serde_json::Value;
use std::path::Path;

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

pub(crate) fn append(
    kpath: &Path,
    resources: &mut Vec<Resource>,
    new: Vec<Resource>,
) -> Result<(), Error> {
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
