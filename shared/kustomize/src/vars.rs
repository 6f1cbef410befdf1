//! Deprecated `vars`: `$(NAME)` in the fields kustomize lists (container args, command, env
//! values, mount paths, Ingress hosts, Service ports, labels, annotations, ...) is replaced by a
//! field of another object, after all other transformations.

use crate::error::Error;
use crate::fieldspec::{FieldSpec, visit};
use crate::resource::Resource;
use serde::Deserialize;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// One var.
#[derive(Debug, Deserialize, Clone)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Var {
    /// Name used as `$(NAME)`.
    pub name: String,
    /// The object holding the value.
    pub objref: ObjRef,
    /// The field (default metadata.name).
    pub fieldref: Option<FieldRef>,
}

/// The object a var reads.
#[derive(Debug, Deserialize, Clone, Default)]
#[serde(rename_all = "camelCase")]
pub struct ObjRef {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    namespace: String,
    #[serde(default)]
    api_version: String,
    #[serde(default)]
    group: String,
    #[serde(default)]
    version: String,
}

/// The field a var reads.
#[derive(Debug, Deserialize, Clone, Default)]
#[serde(rename_all = "camelCase")]
pub struct FieldRef {
    #[serde(default)]
    fieldpath: String,
}

/// A declared var and the kustomization that declared it.
pub struct DeclaredVar {
    var: Var,
    kustomization: PathBuf,
}

/// Read a kustomization's vars, refusing a name declared twice.
pub fn declare(
    kustomization: &Path,
    raw: &[Value],
    into: &mut Vec<DeclaredVar>,
) -> Result<(), Error> {
    for (i, v) in raw.iter().enumerate() {
        let var: Var = serde_json::from_value(v.clone())
            .map_err(|e| Error::invalid(kustomization, format!("vars[{i}]"), e.to_string()))?;
        if into.iter().any(|d| d.var.name == var.name) {
            return Err(Error::invalid(
                kustomization,
                format!("vars[{i}]"),
                format!("var '{}' already encountered", var.name),
            ));
        }
        into.push(DeclaredVar {
            var,
            kustomization: kustomization.to_path_buf(),
        });
    }
    Ok(())
}

fn reference_specs() -> Vec<FieldSpec> {
    let workload_paths = [
        "containers/args",
        "containers/command",
        "containers/env/value",
        "containers/volumeMounts/mountPath",
        "initContainers/args",
        "initContainers/command",
        "initContainers/env/value",
        "initContainers/volumeMounts/mountPath",
        "volumes/nfs/server",
    ];
    let mut out = Vec::new();
    for (kind, base) in [
        ("CronJob", "spec/jobTemplate/spec/template/spec"),
        ("DaemonSet", "spec/template/spec"),
        ("Deployment", "spec/template/spec"),
        ("Job", "spec/template/spec"),
        ("Pod", "spec"),
        ("ReplicaSet", "spec/template/spec"),
        ("StatefulSet", "spec/template/spec"),
    ] {
        for p in workload_paths {
            out.push(FieldSpec::new(kind, "", &format!("{base}/{p}"), false));
        }
    }
    for (kind, path) in [
        ("Ingress", "spec/rules/host"),
        ("Ingress", "spec/tls/hosts"),
        ("Ingress", "spec/tls/secretName"),
        ("Service", "spec/ports/port"),
        ("Service", "spec/ports/targetPort"),
        ("StatefulSet", "spec/volumeClaimTemplates/spec/nfs/server"),
        ("PersistentVolume", "spec/nfs/server"),
        ("", "metadata/labels"),
        ("", "metadata/annotations"),
    ] {
        out.push(FieldSpec::new(kind, "", path, false));
    }
    out
}

fn lookup(obj: &Value, path: &str) -> Option<Value> {
    let mut node = obj;
    for part in path.split('.') {
        let (key, index) = match part.split_once('[') {
            Some((k, rest)) => (k, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (part, None),
        };
        if !key.is_empty() {
            node = node.get(key)?;
        }
        if let Some(i) = index {
            node = node.get(i)?;
        }
    }
    Some(node.clone())
}

/// Resolve every var and replace its references.
pub fn resolve(vars: &[DeclaredVar], resources: &mut [Resource]) -> Result<(), Error> {
    if vars.is_empty() {
        return Ok(());
    }
    let mut values: Vec<(String, Value)> = Vec::new();
    for d in vars {
        let r = &d.var.objref;
        let (group, version) = match r.api_version.rsplit_once('/') {
            Some((g, v)) => (g.to_string(), v.to_string()),
            None if !r.api_version.is_empty() => (String::new(), r.api_version.clone()),
            None => (r.group.clone(), r.version.clone()),
        };
        let found: Vec<&Resource> = resources
            .iter()
            .filter(|res| {
                res.all_ids().iter().any(|id| {
                    id.kind == r.kind
                        && id.name == r.name
                        && (r.namespace.is_empty() || id.namespace == r.namespace)
                        && (group.is_empty() || id.group == group)
                        && (version.is_empty() || id.version == version)
                })
            })
            .collect();
        let res = match found.as_slice() {
            [one] => *one,
            [] => {
                return Err(Error::invalid(
                    &d.kustomization,
                    "vars",
                    format!(
                        "var '{}' cannot be mapped to a field in the set of known resources",
                        d.var.name
                    ),
                ));
            }
            _ => {
                return Err(Error::invalid(
                    &d.kustomization,
                    "vars",
                    format!("var '{}' matches more than one object", d.var.name),
                ));
            }
        };
        let path = d
            .var
            .fieldref
            .as_ref()
            .map(|f| f.fieldpath.as_str())
            .filter(|p| !p.is_empty())
            .unwrap_or("metadata.name");
        let value = lookup(&res.obj, path).ok_or_else(|| {
            Error::invalid(
                &d.kustomization,
                "vars",
                format!("field '{path}' of var '{}' not found", d.var.name),
            )
        })?;
        values.push((d.var.name.clone(), value));
    }
    let specs = reference_specs();
    for res in resources.iter_mut() {
        let selected: Vec<&FieldSpec> = specs.iter().filter(|s| s.selects(res)).collect();
        for spec in selected {
            let _ = visit(&mut res.obj, &spec.segments(), false, &mut |node| {
                expand_node(node, &values);
                Ok(())
            });
        }
    }
    Ok(())
}

fn expand_node(node: &mut Value, values: &[(String, Value)]) {
    match node {
        Value::String(s) => {
            if let Some((_, v)) = values.iter().find(|(n, _)| *s == format!("$({n})")) {
                *node = v.clone();
            } else if s.contains("$(") {
                *s = expand_text(s, values);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| expand_node(i, values)),
        Value::Object(m) => m.values_mut().for_each(|v| expand_node(v, values)),
        _ => {}
    }
}

/// `$(NAME)` replaced by the var's text; `$$` escapes a `$`; unknown names are kept.
fn expand_text(s: &str, values: &[(String, Value)]) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        if let Some(stripped) = after.strip_prefix('$') {
            out.push('$');
            rest = stripped;
            continue;
        }
        if let Some(inner) = after.strip_prefix('(')
            && let Some(end) = inner.find(')')
        {
            let name = &inner[..end];
            if let Some((_, v)) = values.iter().find(|(n, _)| n == name) {
                match v {
                    Value::String(t) => out.push_str(t),
                    other => out.push_str(&other.to_string()),
                }
                rest = &inner[end + 1..];
                continue;
            }
        }
        out.push('$');
        rest = after;
    }
    out.push_str(rest);
    out
}
