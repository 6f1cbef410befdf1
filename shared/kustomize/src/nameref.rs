//! Fixing name references at the end of a build: a field that named an object by an earlier name
//! (before a prefix, suffix or hash was added) is rewritten to its final name.

use crate::builtin_specs::{NameReference, name_references};
use crate::error::Error;
use crate::fieldspec::visit;
use crate::resource::{Id, Resource, is_namespaced_kind};
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

/// What the referrers need to know about a possible referral.
struct Candidate {
    ids: Vec<Id>,
    current: Id,
}

/// Every object as a possible referral, indexed by each name it ever had.
struct Candidates {
    list: Vec<Candidate>,
    by_name: HashMap<String, Vec<usize>>,
}

/// Rewrite every name reference in the objects.
pub fn fix_references(
    resources: &mut [Resource],
    root: &Path,
    custom: &[NameReference],
) -> Result<(), Error> {
    let list: Vec<Candidate> = resources
        .iter()
        .map(|r| Candidate {
            ids: r.all_ids(),
            current: r.id(),
        })
        .collect();
    // Nothing was renamed: nothing to do.
    if list.iter().all(|c| c.ids.len() == 1) {
        return Ok(());
    }
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, c) in list.iter().enumerate() {
        for id in &c.ids {
            let slot = by_name.entry(id.name.clone()).or_default();
            if slot.last() != Some(&i) {
                slot.push(i);
            }
        }
    }
    let candidates = Candidates { list, by_name };
    for res in resources.iter_mut() {
        let referrer = res.id();
        for nr in name_references().iter().chain(custom) {
            for spec in &nr.referrers {
                if !spec.selects(res) {
                    continue;
                }
                let role_ref_kind = if spec.path == "roleRef/name" {
                    res.obj
                        .get("roleRef")
                        .and_then(|r| r.get("kind"))
                        .and_then(Value::as_str)
                        .map(str::to_string)
                } else {
                    None
                };
                if let Some(k) = &role_ref_kind
                    && *k != nr.kind
                {
                    continue;
                }
                let segs = spec.segments();
                let is_subjects = spec.path == "subjects";
                visit(&mut res.obj, &segs, false, &mut |node| {
                    rewrite_node(node, nr, &referrer, &candidates, is_subjects)
                })
                .map_err(|m| Error::invalid(root, "name references", m))?;
            }
        }
    }
    Ok(())
}

fn rewrite_node(
    node: &mut Value,
    nr: &NameReference,
    referrer: &Id,
    cands: &Candidates,
    subjects: bool,
) -> Result<(), String> {
    match node {
        Value::String(s) => {
            if let Some(c) = select(s, None, nr, referrer, cands)? {
                *s = c.current.name.clone();
            }
        }
        Value::Array(items) => {
            for item in items.iter_mut() {
                if subjects {
                    let is_sa = item.get("kind").and_then(Value::as_str) == Some(nr.kind.as_str());
                    if !is_sa {
                        continue;
                    }
                }
                match item {
                    Value::String(_) => rewrite_node(item, nr, referrer, cands, false)?,
                    Value::Object(_) => rewrite_map(item, nr, referrer, cands, subjects)?,
                    _ => {}
                }
            }
        }
        Value::Object(_) => rewrite_map(node, nr, referrer, cands, false)?,
        _ => {}
    }
    Ok(())
}

/// A map holding `name` (and maybe `namespace`) of the referral.
fn rewrite_map(
    node: &mut Value,
    nr: &NameReference,
    referrer: &Id,
    cands: &Candidates,
    subject: bool,
) -> Result<(), String> {
    let Some(name) = node.get("name").and_then(Value::as_str).map(str::to_string) else {
        return Ok(());
    };
    let ns = node
        .get("namespace")
        .and_then(Value::as_str)
        .map(str::to_string);
    if let Some(c) = select(&name, ns.as_deref(), nr, referrer, cands)? {
        let m = node.as_object_mut().expect("map");
        m.insert("name".into(), Value::String(c.current.name.clone()));
        if (subject || ns.is_some()) && !c.current.namespace.is_empty() {
            m.insert(
                "namespace".into(),
                Value::String(c.current.namespace.clone()),
            );
        }
    }
    Ok(())
}

fn select<'a>(
    old_name: &str,
    ref_ns: Option<&str>,
    nr: &NameReference,
    referrer: &Id,
    cands: &'a Candidates,
) -> Result<Option<&'a Candidate>, String> {
    let referrer_cluster_scoped = !is_namespaced_kind(&referrer.kind);
    let Some(indexes) = cands.by_name.get(old_name) else {
        return Ok(None);
    };
    let found: Vec<&Candidate> = indexes
        .iter()
        .map(|i| &cands.list[*i])
        .filter(|c| {
            c.ids.iter().any(|id| {
                id.name == old_name
                    && id.kind == nr.kind
                    && (nr.group.is_empty() || id.group == nr.group)
            })
        })
        .filter(|c| match ref_ns {
            // An explicit namespace in the reference must be one the referral had.
            Some(ns) if !ns.is_empty() => c.ids.iter().any(|id| id.namespace == ns),
            _ => {
                referrer_cluster_scoped
                    || !is_namespaced_kind(&c.current.kind)
                    || c.current.kind == "ServiceAccount"
                    || c.current.same_namespace(referrer)
            }
        })
        .collect();
    match found.len() {
        0 => Ok(None),
        1 => Ok(Some(found[0])),
        _ if found
            .iter()
            .all(|c| c.current.name == found[0].current.name) =>
        {
            Ok(Some(found[0]))
        }
        _ => {
            let ids: Vec<String> = found.iter().map(|c| c.current.to_string()).collect();
            Err(format!(
                "found multiple possible referrals for {} '{old_name}': {}",
                nr.kind,
                ids.join(", ")
            ))
        }
    }
}
