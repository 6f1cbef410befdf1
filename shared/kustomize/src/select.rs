//! Selecting objects: patch targets and replacement sources/targets.

use crate::resource::Resource;
use regex::Regex;
use serde::Deserialize;
use serde_json::Value;

/// Which objects a patch or replacement applies to.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Selector {
    /// API group (exact).
    pub group: Option<String>,
    /// API version (exact).
    pub version: Option<String>,
    /// Kind (exact).
    pub kind: Option<String>,
    /// Name (anchored regular expression).
    pub name: Option<String>,
    /// Namespace (anchored regular expression).
    pub namespace: Option<String>,
    /// Kubernetes label selector.
    pub label_selector: Option<String>,
    /// Kubernetes label selector applied to annotations.
    pub annotation_selector: Option<String>,
}

/// A selector ready to match.
pub struct CompiledSelector {
    sel: Selector,
    name: Option<Regex>,
    namespace: Option<Regex>,
    labels: Vec<Requirement>,
    annotations: Vec<Requirement>,
}

impl Selector {
    /// Compile regular expressions and label selectors; the message says which one is bad.
    pub fn compile(&self) -> Result<CompiledSelector, String> {
        let anchored = |s: &Option<String>, what: &str| -> Result<Option<Regex>, String> {
            match s {
                Some(p) if !p.is_empty() => Regex::new(&format!("^(?:{p})$"))
                    .map(Some)
                    .map_err(|e| format!("{what} '{p}' is not a valid regular expression: {e}")),
                _ => Ok(None),
            }
        };
        Ok(CompiledSelector {
            name: anchored(&self.name, "name")?,
            namespace: anchored(&self.namespace, "namespace")?,
            labels: parse_label_selector(self.label_selector.as_deref().unwrap_or(""))?,
            annotations: parse_label_selector(self.annotation_selector.as_deref().unwrap_or(""))?,
            sel: self.clone(),
        })
    }
}

impl CompiledSelector {
    /// Whether the object is selected (original or current name/namespace may match).
    pub fn matches(&self, res: &Resource) -> bool {
        let id = res.id();
        let org = res.original_id();
        let exact = |want: &Option<String>, have: &str| match want {
            Some(w) if !w.is_empty() => w == have,
            _ => true,
        };
        if !exact(&self.sel.group, &id.group)
            || !exact(&self.sel.version, &id.version)
            || !exact(&self.sel.kind, &id.kind)
        {
            return false;
        }
        if let Some(re) = &self.name
            && !re.is_match(&org.name)
            && !re.is_match(&id.name)
        {
            return false;
        }
        if let Some(re) = &self.namespace {
            let eff = |ns: &str| {
                if ns.is_empty() {
                    "default".to_string()
                } else {
                    ns.to_string()
                }
            };
            if !re.is_match(&eff(&org.namespace)) && !re.is_match(&eff(&id.namespace)) {
                return false;
            }
        }
        let md = res.obj.get("metadata");
        let labels = md.and_then(|m| m.get("labels"));
        let annotations = md.and_then(|m| m.get("annotations"));
        self.labels.iter().all(|r| r.matches(labels))
            && self.annotations.iter().all(|r| r.matches(annotations))
    }
}

enum Requirement {
    Equals(String, String),
    NotEquals(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
}

impl Requirement {
    fn matches(&self, map: Option<&Value>) -> bool {
        let get = |k: &str| map.and_then(|m| m.get(k)).and_then(|v| v.as_str());
        match self {
            Requirement::Equals(k, v) => get(k) == Some(v.as_str()),
            Requirement::NotEquals(k, v) => get(k) != Some(v.as_str()),
            Requirement::In(k, vs) => get(k).is_some_and(|x| vs.iter().any(|v| v == x)),
            Requirement::NotIn(k, vs) => get(k).is_none_or(|x| !vs.iter().any(|v| v == x)),
            Requirement::Exists(k) => get(k).is_some(),
            Requirement::NotExists(k) => get(k).is_none(),
        }
    }
}

fn split_top_level(s: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut depth = 0;
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    parts.push(cur);
    parts
        .into_iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

fn parse_label_selector(s: &str) -> Result<Vec<Requirement>, String> {
    let mut out = Vec::new();
    for part in split_top_level(s) {
        let set = |rest: &str| -> Result<Vec<String>, String> {
            let inner = rest
                .trim()
                .strip_prefix('(')
                .and_then(|r| r.strip_suffix(')'));
            inner
                .map(|i| i.split(',').map(|v| v.trim().to_string()).collect())
                .ok_or_else(|| format!("label selector '{s}': expected (values) in '{part}'"))
        };
        if let Some((k, v)) = part.split_once("!=") {
            out.push(Requirement::NotEquals(k.trim().into(), v.trim().into()));
        } else if let Some((k, v)) = part.split_once("==") {
            out.push(Requirement::Equals(k.trim().into(), v.trim().into()));
        } else if let Some((k, v)) = part.split_once('=') {
            out.push(Requirement::Equals(k.trim().into(), v.trim().into()));
        } else if let Some((k, rest)) = part.split_once(" notin ") {
            out.push(Requirement::NotIn(k.trim().into(), set(rest)?));
        } else if let Some((k, rest)) = part.split_once(" in ") {
            out.push(Requirement::In(k.trim().into(), set(rest)?));
        } else if let Some(k) = part.strip_prefix('!') {
            out.push(Requirement::NotExists(k.trim().into()));
        } else if part
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
        {
            out.push(Requirement::Exists(part));
        } else {
            return Err(format!("label selector '{s}': cannot parse '{part}'"));
        }
    }
    Ok(out)
}
