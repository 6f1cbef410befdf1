//! Applying `patches`, `patchesStrategicMerge` and `patchesJson6902` entries to the objects.

use super::{merge_keys, smp};
use crate::error::Error;
use crate::kustomization::PatchEntry;
use crate::loader::{DirLoader, parse_yaml};
use crate::resource::{Resource, split_api_version};
use crate::select::Selector;
use serde_json::Value;
use std::path::Path;

/// A patch's content once loaded.
enum PatchBody {
    Strategic(Vec<Value>),
    Json6902(json_patch::Patch),
}

fn load_body(
    loader: &DirLoader,
    entry: &PatchEntry,
    field: &str,
    json_only: bool,
) -> Result<PatchBody, Error> {
    let kpath = &loader.kustomization;
    let (source, text) = match (&entry.path, &entry.patch) {
        (Some(p), None) => loader.read_text(p, &format!("{field}.path"))?,
        (None, Some(inline)) => (kpath.clone(), inline.clone()),
        (Some(_), Some(_)) => {
            return Err(Error::invalid(
                kpath,
                field,
                "patch and path cannot both be set",
            ));
        }
        (None, None) => {
            return Err(Error::invalid(
                kpath,
                field,
                "must specify a patch or a path",
            ));
        }
    };
    let docs: Vec<Value> = parse_yaml(&source, &text)?
        .into_iter()
        .filter(|d| !d.is_null())
        .collect();
    if json_only || docs.first().is_some_and(Value::is_array) {
        let ops = docs.into_iter().next().unwrap_or(Value::Array(Vec::new()));
        let patch: json_patch::Patch = serde_json::from_value(ops)
            .map_err(|e| Error::invalid(&source, field, format!("invalid JSON 6902 patch: {e}")))?;
        return Ok(PatchBody::Json6902(patch));
    }
    if docs.is_empty() {
        return Err(Error::invalid(&source, field, "the patch is empty"));
    }
    for d in &docs {
        if !d.is_object() {
            return Err(Error::invalid(
                &source,
                field,
                "a strategic merge patch must be a YAML mapping",
            ));
        }
    }
    Ok(PatchBody::Strategic(docs))
}

/// Apply `patches:` (or `patchesJson6902:` when `json_only`) entries.
pub fn apply_entries(
    loader: &DirLoader,
    entries: &[PatchEntry],
    field: &str,
    json_only: bool,
    resources: &mut Vec<Resource>,
) -> Result<(), Error> {
    for (i, entry) in entries.iter().enumerate() {
        let field = format!("{field}[{i}]");
        let body = load_body(loader, entry, &field, json_only)?;
        match (body, &entry.target) {
            (PatchBody::Json6902(_), None) => {
                return Err(Error::invalid(
                    &loader.kustomization,
                    &field,
                    "must specify a target for a JSON 6902 patch",
                ));
            }
            (PatchBody::Json6902(ops), Some(target)) => {
                let sel = compile(loader, target, &field)?;
                for res in resources.iter_mut().filter(|r| sel.matches(r)) {
                    let before = res.id();
                    json_patch::patch(&mut res.obj, &ops).map_err(|e| {
                        Error::invalid(
                            &loader.kustomization,
                            &field,
                            format!("applying JSON 6902 patch to {}: {e}", describe(res)),
                        )
                    })?;
                    res.remember_if_changed(before);
                }
            }
            (PatchBody::Strategic(docs), Some(target)) => {
                let sel = compile(loader, target, &field)?;
                for doc in &docs {
                    let mut deleted = Vec::new();
                    for (idx, res) in resources.iter_mut().enumerate() {
                        if !sel.matches(res) {
                            continue;
                        }
                        let mut p = doc.clone();
                        if let Some(m) = p.as_object_mut() {
                            m.insert("apiVersion".into(), res.obj["apiVersion"].clone());
                            m.insert("kind".into(), res.obj["kind"].clone());
                            if let Some(md) = m.get_mut("metadata").and_then(Value::as_object_mut) {
                                md.insert("name".into(), Value::String(res.name().into()));
                                if res.namespace().is_empty() {
                                    md.shift_remove("namespace");
                                } else {
                                    md.insert(
                                        "namespace".into(),
                                        Value::String(res.namespace().into()),
                                    );
                                }
                            }
                        }
                        if !strategic(res, &p) {
                            deleted.push(idx);
                        }
                    }
                    for idx in deleted.into_iter().rev() {
                        resources.remove(idx);
                    }
                }
            }
            (PatchBody::Strategic(docs), None) => {
                for doc in &docs {
                    apply_by_identity(loader, &field, doc, resources)?;
                }
            }
        }
    }
    Ok(())
}

/// Apply `patchesStrategicMerge:` entries (file paths or inline YAML).
pub fn apply_strategic_list(
    loader: &DirLoader,
    entries: &[String],
    resources: &mut Vec<Resource>,
) -> Result<(), Error> {
    for (i, entry) in entries.iter().enumerate() {
        let field = format!("patchesStrategicMerge[{i}]");
        let looks_inline = entry.contains('\n') || entry.trim_start().starts_with('{');
        let (source, text) = if looks_inline {
            (loader.kustomization.clone(), entry.clone())
        } else {
            loader.read_text(entry, &field)?
        };
        for doc in parse_yaml(&source, &text)?
            .into_iter()
            .filter(|d| !d.is_null())
        {
            apply_by_identity(loader, &field, &doc, resources)?;
        }
    }
    Ok(())
}

fn compile(
    loader: &DirLoader,
    target: &Selector,
    field: &str,
) -> Result<crate::select::CompiledSelector, Error> {
    target
        .compile()
        .map_err(|m| Error::invalid(&loader.kustomization, format!("{field}.target"), m))
}

fn describe(res: &Resource) -> String {
    let ns = res.namespace();
    if ns.is_empty() {
        format!("{} {}", res.kind(), res.name())
    } else {
        format!("{} {}/{}", res.kind(), ns, res.name())
    }
}

fn strategic(res: &mut Resource, patch: &Value) -> bool {
    let before = res.id();
    let built_in = merge_keys::is_built_in(&before.group, &before.version);
    let keep = smp::apply(&mut res.obj, patch, built_in);
    res.remember_if_changed(before);
    keep
}

/// A strategic merge patch without target: it patches the object with its kind and name.
fn apply_by_identity(
    loader: &DirLoader,
    field: &str,
    doc: &Value,
    resources: &mut Vec<Resource>,
) -> Result<(), Error> {
    let s = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or("").to_string();
    let kind = s(doc.get("kind"));
    let api = s(doc.get("apiVersion"));
    let (group, _) = split_api_version(&api);
    let md = doc.get("metadata");
    let name = s(md.and_then(|m| m.get("name")));
    let ns = s(md.and_then(|m| m.get("namespace")));
    if kind.is_empty() || name.is_empty() {
        return Err(Error::invalid(
            &loader.kustomization,
            field,
            "a strategic merge patch without a target needs kind and metadata.name",
        ));
    }
    let norm = |n: &str| {
        if n.is_empty() {
            "default".to_string()
        } else {
            n.to_string()
        }
    };
    let candidates: Vec<usize> = resources
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            r.all_ids().iter().any(|id| {
                id.kind == kind
                    && id.group == group
                    && id.name == name
                    && norm(&id.namespace) == norm(&ns)
            })
        })
        .map(|(i, _)| i)
        .collect();
    let idx = match candidates.as_slice() {
        [one] => *one,
        [] => {
            let what = if ns.is_empty() {
                format!("{kind} {name}")
            } else {
                format!("{kind} {ns}/{name}")
            };
            return Err(Error::invalid(
                &loader.kustomization,
                field,
                format!("no resource matches strategic merge patch for {what}"),
            ));
        }
        _ => {
            return Err(Error::invalid(
                &loader.kustomization,
                field,
                format!("multiple resources match the patch for {kind} {name}"),
            ));
        }
    };
    let mut doc = doc.clone();
    if let Some(md) = doc.get_mut("metadata").and_then(Value::as_object_mut) {
        md.insert("name".into(), Value::String(resources[idx].name().into()));
        let cur_ns = resources[idx].namespace().to_string();
        if cur_ns.is_empty() {
            md.shift_remove("namespace");
        } else {
            md.insert("namespace".into(), Value::String(cur_ns));
        }
    }
    if !strategic(&mut resources[idx], &doc) {
        resources.remove(idx);
    }
    Ok(())
}

/// For error messages that name the patch file.
pub fn patch_source(loader: &DirLoader, entry: &PatchEntry) -> std::path::PathBuf {
    entry
        .path
        .as_ref()
        .map(|p| loader.root.join(p))
        .unwrap_or_else(|| Path::new(&loader.kustomization).to_path_buf())
}
