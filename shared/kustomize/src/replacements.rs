//! `replacements`: copy a field of one object into fields of others.

use crate::error::Error;
use crate::loader::{DirLoader, parse_yaml};
use crate::resource::Resource;
use crate::select::Selector;
use serde::Deserialize;
use serde_json::{Map, Value};

/// One replacement.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Replacement {
    /// Where the value comes from.
    pub source: Option<Source>,
    /// Where it goes.
    #[serde(default)]
    pub targets: Vec<Target>,
    /// A file holding replacements (in the kustomization's list).
    pub path: Option<String>,
}

/// The source object and field.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Source {
    group: Option<String>,
    version: Option<String>,
    kind: Option<String>,
    name: Option<String>,
    namespace: Option<String>,
    field_path: Option<String>,
    options: Option<FieldOptions>,
}

/// A target selection and its fields.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Target {
    select: Option<Selector>,
    #[serde(default)]
    reject: Vec<Selector>,
    #[serde(default)]
    field_paths: Vec<String>,
    options: Option<FieldOptions>,
}

/// Delimiter/index/create options.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FieldOptions {
    delimiter: Option<String>,
    #[serde(default)]
    index: i64,
    #[serde(default)]
    create: bool,
}

/// Split `a.b.[name=x].c` into segments (dots inside brackets kept).
pub fn split_field_path(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            '.' if depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    out.push(cur);
    out.retain(|s| !s.is_empty());
    out
}

/// A bracketed segment with an `=` selects list items (`[name=x]`); one without names a map key
/// that may hold dots (`[cert-manager.io/inject-ca-from]`).
fn list_selector(seg: &str) -> Option<(&str, &str)> {
    seg.strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .and_then(|s| s.split_once('='))
}

/// The map key a segment names: brackets around a key without `=` are dropped.
fn map_key(seg: &str) -> &str {
    seg.strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .unwrap_or(seg)
}

fn lookup<'a>(node: &'a Value, segs: &[String]) -> Option<&'a Value> {
    let Some((first, rest)) = segs.split_first() else {
        return Some(node);
    };
    if let Some((k, v)) = list_selector(first) {
        let items = node.as_array()?;
        let item = items
            .iter()
            .find(|i| i.get(k).is_some_and(|x| value_text(x) == v))?;
        return lookup(item, rest);
    }
    match node {
        Value::Object(m) => lookup(m.get(map_key(first))?, rest),
        Value::Array(items) => lookup(items.get(first.parse::<usize>().ok()?)?, rest),
        _ => None,
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Set `value` at every node `segs` names; returns how many were set.
fn set_at(
    node: &mut Value,
    segs: &[String],
    create: bool,
    value: &Value,
    opts: &FieldOptions,
) -> usize {
    let Some((first, rest)) = segs.split_first() else {
        *node = with_options(node, value, opts);
        return 1;
    };
    if first == "*" {
        return match node {
            Value::Array(items) => items
                .iter_mut()
                .map(|i| set_at(i, rest, create, value, opts))
                .sum(),
            Value::Object(m) => m
                .values_mut()
                .map(|i| set_at(i, rest, create, value, opts))
                .sum(),
            _ => 0,
        };
    }
    if let Some((k, v)) = list_selector(first) {
        let Some(items) = node.as_array_mut() else {
            return 0;
        };
        return items
            .iter_mut()
            .filter(|i| i.get(k).is_some_and(|x| value_text(x) == v))
            .map(|i| set_at(i, rest, create, value, opts))
            .sum();
    }
    match node {
        Value::Object(m) => {
            let key = map_key(first);
            if !m.contains_key(key) {
                if !create {
                    return 0;
                }
                m.insert(
                    key.to_string(),
                    if rest.is_empty() {
                        Value::Null
                    } else {
                        Value::Object(Map::new())
                    },
                );
            }
            set_at(m.get_mut(key).expect("present"), rest, create, value, opts)
        }
        Value::Array(items) => match first.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
            Some(item) => set_at(item, rest, create, value, opts),
            None => 0,
        },
        Value::Null if create => {
            *node = Value::Object(Map::new());
            set_at(node, segs, create, value, opts)
        }
        _ => 0,
    }
}

fn with_options(old: &Value, value: &Value, opts: &FieldOptions) -> Value {
    let Some(delim) = opts.delimiter.as_deref().filter(|d| !d.is_empty()) else {
        return value.clone();
    };
    // A field just created (create: true) is an empty scalar: its one part is "".
    let old_text = match old {
        Value::Null => String::new(),
        other => value_text(other),
    };
    let mut parts: Vec<String> = old_text.split(delim).map(str::to_string).collect();
    let new = value_text(value);
    if opts.index < 0 {
        parts.insert(0, new);
    } else if (opts.index as usize) < parts.len() {
        parts[opts.index as usize] = new;
    } else {
        parts.push(new);
    }
    Value::String(parts.join(delim))
}

/// Load the kustomization's `replacements:` list (inline entries or `path:` files).
pub fn load(loader: &DirLoader, entries: &[Value]) -> Result<Vec<Replacement>, Error> {
    let mut out = Vec::new();
    for (i, raw) in entries.iter().enumerate() {
        let field = format!("replacements[{i}]");
        let r: Replacement = serde_json::from_value(raw.clone())
            .map_err(|e| Error::invalid(&loader.kustomization, &field, e.to_string()))?;
        if let Some(p) = &r.path {
            let (path, text) = loader.read_text(p, &format!("{field}.path"))?;
            for doc in parse_yaml(&path, &text)? {
                let items = match doc {
                    Value::Array(items) => items,
                    Value::Null => continue,
                    other => vec![other],
                };
                for item in items {
                    out.push(
                        serde_json::from_value(item)
                            .map_err(|e| Error::invalid(&path, "replacements", e.to_string()))?,
                    );
                }
            }
        } else {
            out.push(r);
        }
    }
    Ok(out)
}

/// Apply replacements in order.
pub fn apply(
    loader: &DirLoader,
    list: &[Replacement],
    resources: &mut [Resource],
) -> Result<(), Error> {
    let k = &loader.kustomization;
    for (i, r) in list.iter().enumerate() {
        let field = format!("replacements[{i}]");
        let Some(src) = &r.source else {
            return Err(Error::invalid(
                k,
                format!("{field}.source"),
                "a replacement needs a source",
            ));
        };
        let matches: Vec<&Resource> = resources
            .iter()
            .filter(|res| {
                let id = res.id();
                let eq = |want: &Option<String>, have: &str| {
                    want.as_deref().is_none_or(|w| w.is_empty() || w == have)
                };
                eq(&src.group, &id.group)
                    && eq(&src.version, &id.version)
                    && eq(&src.kind, &id.kind)
                    && (src
                        .name
                        .as_deref()
                        .is_none_or(|n| res.all_ids().iter().any(|x| x.name == n)))
                    && eq(&src.namespace, &id.namespace)
            })
            .collect();
        let source = match matches.as_slice() {
            [one] => *one,
            [] => {
                return Err(Error::invalid(
                    k,
                    format!("{field}.source"),
                    "nothing selected by the replacement source",
                ));
            }
            _ => {
                return Err(Error::invalid(
                    k,
                    format!("{field}.source"),
                    "more than one object selected by the replacement source",
                ));
            }
        };
        let path = src
            .field_path
            .clone()
            .unwrap_or_else(|| "metadata.name".into());
        let Some(mut value) = lookup(&source.obj, &split_field_path(&path)).cloned() else {
            return Err(Error::invalid(
                k,
                format!("{field}.source.fieldPath"),
                format!("fieldPath '{path}' is missing in the replacement source"),
            ));
        };
        if let Some(o) = &src.options
            && let Some(d) = o.delimiter.as_deref().filter(|d| !d.is_empty())
        {
            let text = value_text(&value);
            let parts: Vec<&str> = text.split(d).collect();
            let idx = o.index.max(0) as usize;
            value = Value::String(parts.get(idx).map(|s| s.to_string()).unwrap_or_default());
        }
        for (ti, t) in r.targets.iter().enumerate() {
            let tfield = format!("{field}.targets[{ti}]");
            let sel = t
                .select
                .clone()
                .unwrap_or_default()
                .compile()
                .map_err(|m| Error::invalid(k, format!("{tfield}.select"), m))?;
            let rejects = t
                .reject
                .iter()
                .map(|s| {
                    s.compile()
                        .map_err(|m| Error::invalid(k, format!("{tfield}.reject"), m))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let opts = t.options.clone().unwrap_or_default();
            for res in resources.iter_mut() {
                if !sel.matches(res) || rejects.iter().any(|r| r.matches(res)) {
                    continue;
                }
                let before = res.id();
                for fp in &t.field_paths {
                    let segs = split_field_path(fp);
                    let n = set_at(&mut res.obj, &segs, opts.create, &value, &opts);
                    if n == 0 && !opts.create && !fp.contains('*') {
                        return Err(Error::invalid(
                            k,
                            format!("{tfield}.fieldPaths"),
                            format!(
                                "unable to find field '{fp}' in replacement target {} {}",
                                res.kind(),
                                res.name()
                            ),
                        ));
                    }
                }
                res.remember_if_changed(before);
            }
        }
    }
    Ok(())
}
