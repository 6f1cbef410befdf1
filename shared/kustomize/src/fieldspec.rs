//! Field specs: "this path, in objects of this kind" — how transformers find the fields they edit.

use crate::resource::Resource;
use serde::Deserialize;
use serde_json::{Map, Value};

/// A path in objects of a group/version/kind (empty parts match anything).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FieldSpec {
    /// API group.
    #[serde(default)]
    pub group: String,
    /// API version.
    #[serde(default)]
    pub version: String,
    /// Kind.
    #[serde(default)]
    pub kind: String,
    /// Slash-separated path; `\/` escapes a slash inside a key.
    #[serde(default)]
    pub path: String,
    /// Create the field when missing.
    #[serde(default)]
    pub create: bool,
}

impl FieldSpec {
    /// A spec from its parts.
    pub fn new(kind: &str, group: &str, path: &str, create: bool) -> Self {
        FieldSpec {
            group: group.into(),
            version: String::new(),
            kind: kind.into(),
            path: path.into(),
            create,
        }
    }

    /// Whether the spec applies to this object.
    pub fn selects(&self, res: &Resource) -> bool {
        if !self.kind.is_empty() && self.kind != res.kind() {
            return false;
        }
        if self.group.is_empty() && self.version.is_empty() {
            return true;
        }
        let (group, version) = res.group_version();
        (self.group.is_empty() || self.group == group)
            && (self.version.is_empty() || self.version == version)
    }

    /// The path split into keys.
    pub fn segments(&self) -> Vec<String> {
        split_path(&self.path)
    }
}

/// Split a field-spec path at unescaped slashes.
pub fn split_path(path: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek() == Some(&'/') {
            cur.push('/');
            chars.next();
        } else if c == '/' {
            parts.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    parts.push(cur);
    parts.retain(|p| !p.is_empty());
    parts
}

/// Visit every node at `segments` below `node`, stepping through lists implicitly. With `create`,
/// missing maps on the way (and the leaf, as null) are created.
pub fn visit(
    node: &mut Value,
    segments: &[String],
    create: bool,
    f: &mut dyn FnMut(&mut Value) -> Result<(), String>,
) -> Result<(), String> {
    if segments.is_empty() {
        return f(node);
    }
    match node {
        Value::Array(items) => {
            for item in items {
                visit(item, segments, create, f)?;
            }
            Ok(())
        }
        Value::Object(map) => {
            let raw = &segments[0];
            let key = raw.strip_suffix("[]").unwrap_or(raw);
            if !map.contains_key(key) {
                if !create {
                    return Ok(());
                }
                let fresh = if segments.len() == 1 {
                    Value::Null
                } else if raw.ends_with("[]") {
                    Value::Array(Vec::new())
                } else {
                    Value::Object(Map::new())
                };
                map.insert(key.to_string(), fresh);
            }
            let child = map.get_mut(key).expect("present");
            if child.is_null() && segments.len() > 1 {
                if !create {
                    return Ok(());
                }
                *child = Value::Object(Map::new());
            }
            visit(child, &segments[1..], create, f)
        }
        _ => Ok(()),
    }
}

/// Read-only lookup of every node at `segments`, stepping through lists.
pub fn collect<'a>(node: &'a Value, segments: &[String], out: &mut Vec<&'a Value>) {
    if segments.is_empty() {
        out.push(node);
        return;
    }
    match node {
        Value::Array(items) => items.iter().for_each(|i| collect(i, segments, out)),
        Value::Object(map) => {
            let key = segments[0].strip_suffix("[]").unwrap_or(&segments[0]);
            if let Some(child) = map.get(key) {
                collect(child, &segments[1..], out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn visits_through_lists_and_creates() {
        let mut v = json!({"spec":{"containers":[{"name":"a"},{"name":"b"}]}});
        let mut n = 0;
        visit(
            &mut v,
            &split_path("spec/containers/name"),
            false,
            &mut |_| {
                n += 1;
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(n, 2);
        visit(&mut v, &split_path("metadata/labels"), true, &mut |x| {
            *x = json!({"a":"b"});
            Ok(())
        })
        .unwrap();
        assert_eq!(v["metadata"]["labels"]["a"], "b");
    }

    #[test]
    fn escaped_slash() {
        assert_eq!(
            split_path("metadata/annotations/a\\/b"),
            vec!["metadata", "annotations", "a/b"]
        );
    }
}
